"""The live preview's session: an edit re-renders only the pages it touches, exactly as a full build would."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cnscd.model import Finding
from cnscd.site.preview import server, watch
from cnscd.site.preview.session import EVERY_PAGE, Session
from tests.conftest import ROOT, SAMPLE, TODAY
from tests.datautil import append, read

COMMUNE = "79-ho-chi-minh/26506-phuong-vung-tau/"
MEMBERS = "provinces/79-ho-chi-minh/members.csv"


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    root = tmp_path_factory.mktemp("preview-session")
    shutil.copytree(SAMPLE, root / "data")
    shutil.copytree(ROOT / "docs", root / "docs")
    shutil.copyfile(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return Session(root / "data", root / "site", root / "work", TODAY, root / "mkdocs.yml")


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def page(session: Session, path: str) -> str:
    return (session.site_dir / path / "index.html").read_text(encoding="utf-8")


def members_shown(html: str) -> int:
    """The members figure of the home page («562 thành viên») or a province page («21 tổ, 116 thành viên»)."""
    return int(re.search(r"(?:<li>|tổ, )<strong>([0-9.]+)</strong> thành viên", html)[1].replace(".", ""))


def test_a_province_edit_renders_its_pages_like_a_full_build(session):
    """Edit and edit back: the pages written again equal, byte for byte, what the full build wrote."""
    built = {path: page(session, path) for path in (COMMUNE, "79-ho-chi-minh/", "", "04-cao-bang/01273-phuong-thuc-phan/")}
    other = session.site_dir / "04-cao-bang/01273-phuong-thuc-phan/index.html"
    other_written = other.stat().st_mtime_ns
    members = edit(session.data_dir / MEMBERS, "Dương Kim Bình,leader", "Dương Kim Bảo,leader")
    update = session.apply({members})
    assert set(update.paths) == {"/79-ho-chi-minh/", f"/{COMMUNE}", "/"}  # and not the other 3,320 communes
    assert "Dương Kim Bảo" in page(session, COMMUNE) and "Dương Kim Bình" not in page(session, COMMUNE)
    assert session.findings == {}
    session.apply({edit(members, "Dương Kim Bảo,leader", "Dương Kim Bình,leader")})
    for path, html in built.items():
        assert page(session, path) == html, path
    assert other.stat().st_mtime_ns == other_written  # another province's commune was not touched


def test_a_new_team_member_counts_on_the_province_and_home_pages(session):
    """Facts roll up: one more active member shows in the commune, province and national figures."""
    before = session.derived.tally.members
    assert "7 tổ · 35 thành viên" in page(session, COMMUNE)
    counted = {path: members_shown(page(session, path)) for path in ("", "79-ho-chi-minh/")}
    members = session.data_dir / MEMBERS
    text = members.read_text(encoding="utf-8")
    added = "M79-009999,T79-0002,P79-009999,Trần Thị Mới,member,Đoàn viên thanh niên,2025-07-19,,,false,,,,\n"
    try:
        members.write_text(text + added, encoding="utf-8")
        update = session.apply({members})
        assert session.findings == {}, session.banner_findings()
        assert session.derived.tally.members == before + 1
        assert "7 tổ · 36 thành viên" in page(session, COMMUNE)
        assert {path: members_shown(page(session, path)) for path in counted} == {p: n + 1 for p, n in counted.items()}
        assert "/" in update.paths and "/79-ho-chi-minh/" in update.paths
    finally:
        members.write_text(text, encoding="utf-8")
        session.apply({members})
    assert session.derived.tally.members == before


def test_an_invalid_edit_is_a_located_finding_and_the_last_good_page_stays(session):
    members = session.data_dir / MEMBERS
    good = page(session, COMMUNE)
    edit(members, "Lý Văn Hạnh,deputy,Phó trưởng thôn,2025-07-19", "Lý Văn Hạnh,deputy,Phó trưởng thôn,2025-13-45")
    try:
        update = session.apply({members})
        assert update.paths == [EVERY_PAGE]  # every open page reloads to show the banner
        (found,) = session.banner_findings()
        assert (found.file, found.row, found.field) == (MEMBERS, 8, "joined_on")
        assert found.message_vi.startswith("Giá trị không đúng kiểu dữ liệu")
        assert page(session, COMMUNE) == good
        banner = server.render_banner(session.banner_findings())
        assert "Bản xem trước chưa cập nhật: có 1 lỗi cần sửa" in banner and "members.csv:8 [joined_on]" in banner
    finally:
        edit(members, "Phó trưởng thôn,2025-13-45", "Phó trưởng thôn,2025-07-19")
    update = session.apply({members})
    assert EVERY_PAGE in update.paths and session.findings == {}
    assert page(session, COMMUNE) == good


def test_an_unreadable_csv_is_a_finding_not_a_crash(session):
    members = session.data_dir / MEMBERS
    original = members.read_bytes()
    try:
        members.write_bytes(original + "M79-1,\xff".encode("latin-1"))
        session.apply({members})
        (found,) = session.banner_findings()
        assert found.file == MEMBERS and found.code == "unreadable" and "UTF-8" in found.message_vi
    finally:
        members.write_bytes(original)
    session.apply({members})
    assert session.findings == {}


def test_a_guide_edit_is_one_page_and_bad_front_matter_is_a_banner(session):
    guide = session.docs_source / "huong-dan" / "cai-dat-vneid.md"
    update = session.apply({edit(guide, "## Chuẩn bị\n", "## Chuẩn bị trước khi cài\n")})
    assert update.paths == ["/huong-dan/", "/huong-dan/cai-dat-vneid/"]
    assert "Chuẩn bị trước khi cài" in page(session, "huong-dan/cai-dat-vneid/")
    edit(guide, "title:", "titel:")
    try:
        session.apply({guide})
        assert {f.file for f in session.banner_findings()} == {f"{session.docs_source.name}/huong-dan/cai-dat-vneid.md"}
        assert "Chuẩn bị trước khi cài" in page(session, "huong-dan/cai-dat-vneid/")
    finally:
        edit(guide, "titel:", "title:")
    session.apply({guide})
    assert session.findings == {}


def test_injection_is_in_responses_only():
    html = '<html><body class="x"><p>Trang</p></body></html>'
    banner = server.render_banner([Finding("a.csv", 2, "name", "code", "<b>sai</b>", "wrong")])
    out = server.inject(html, banner, "/a/</script>/", 7)
    assert out.index("cnscd-preview-banner") < out.index("<p>Trang</p>") < out.index("reload.js")
    assert "&lt;b&gt;sai&lt;/b&gt;" in out and "<b>sai" not in out  # data is escaped
    assert "</script>/" not in out.split("__cnscdPreview=")[1].split(";")[0]
    assert server.page_path("/a/b/index.html") == "/a/b/" and server.page_path("/h%C6%B0/") == "/hư/"


def test_scan_sees_added_changed_and_removed_files(tmp_path):
    (tmp_path / "a.csv").write_text("x", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "b.csv").write_text("x", encoding="utf-8")
    before = watch.scan([tmp_path])
    assert set(before) == {str(tmp_path / "a.csv")}
    (tmp_path / "a.csv").write_text("xy", encoding="utf-8")
    (tmp_path / "c.md").write_text("x", encoding="utf-8")
    after = watch.scan([tmp_path])
    assert watch.changes(before, after) == {tmp_path / "a.csv", tmp_path / "c.md"}
    (tmp_path / "c.md").unlink()
    assert watch.changes(after, watch.scan([tmp_path])) == {tmp_path / "c.md"}


def test_a_national_table_edit_rebuilds_everything(session):
    """Policies apply to every province: the whole site is built again (and the session follows it)."""
    policies = session.data_dir / "policies.csv"
    assert "Mỗi tổ có ít nhất <strong>4</strong> thành viên" in page(session, "79-ho-chi-minh/")
    update = session.apply({edit(policies, "2025,79,2025-07-01,,4,", "2025,79,2025-07-01,,3,")})
    assert update.paths == [EVERY_PAGE] and session.findings == {}
    assert "Mỗi tổ có ít nhất <strong>3</strong> thành viên" in page(session, "79-ho-chi-minh/")
    members = edit(session.data_dir / MEMBERS, "Dương Kim Bình,leader", "Dương Kim Bảo,leader")  # still live
    session.apply({members})
    assert "Dương Kim Bảo" in page(session, COMMUNE)


def test_a_withdrawal_filed_in_another_province_hides_the_number_at_once(session):
    """The person serves in Hồ Chí Minh City; the request is filed under Cao Bằng: the number leaves the open page."""
    members = read(session.data_dir, MEMBERS)
    person = next(row for row in members if row["phone"] and row["phone_consent"] == "true" and not row["left_on"]
                  and row["team_id"] in page(session, COMMUNE))
    shown = f"{person['phone'][:4]} {person['phone'][4:7]} {person['phone'][7:]}"
    assert shown in page(session, COMMUNE)
    append(session.data_dir, "provinces/04-cao-bang/withdrawals.csv", person_id=person["person_id"],
           requested_on=TODAY.isoformat(), channel="paper", applied_on="", notes="")
    update = session.apply({session.data_dir / "provinces/04-cao-bang/withdrawals.csv"})
    assert update.paths == [EVERY_PAGE]
    assert shown not in page(session, COMMUNE) and person["phone"] not in page(session, COMMUNE)


def test_a_key_used_in_two_provinces_is_caught(session):
    """Validation is the package's own: a team id another province already uses is an error."""
    teams = session.data_dir / "provinces/04-cao-bang/teams.csv"
    edit(teams, "T04-0001,Tổ CNSCĐ Thành phố Cao Bằng,", "T79-0002,Tổ CNSCĐ Thành phố Cao Bằng,")
    try:
        update = session.apply({teams})
        assert update.paths == [EVERY_PAGE]
        found = session.banner_findings()
        # The edited province's files look fine alone: only a check across provinces finds the duplicate.
        (duplicate,) = [f for f in found if f.code == "primary-key"]
        assert (duplicate.file, duplicate.field) == ("provinces/79-ho-chi-minh/teams.csv", "team_id")
        assert "provinces/04-cao-bang/teams.csv" in duplicate.message_vi
        assert all(f.file.startswith("provinces/") for f in found)
    finally:
        edit(teams, "T79-0002,Tổ CNSCĐ Thành phố Cao Bằng,", "T04-0001,Tổ CNSCĐ Thành phố Cao Bằng,")
    session.apply({teams})
    assert session.findings == {}


def test_a_busy_port_is_said_before_any_build():
    import socket

    from tests.conftest import run_cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run_cli("serve", "--data", str(SAMPLE), "--port", str(taken.getsockname()[1]))
    assert result.returncode == 2
    assert "không mở được 127.0.0.1:" in result.stderr and "Traceback" not in result.stderr
    assert "Đã dựng" not in result.stdout
