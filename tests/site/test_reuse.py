"""`cnscd build` links back what an earlier build rendered from the same inputs (site/reuse.py).

The builds run on a real git repository, as in CI: a commit that changes one province re-renders that
province (and the national pages) only, and the site is byte for byte the one a full render gives.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import json
from pathlib import Path

import pytest

from cnscd.history.log import History
from cnscd.site import render, reuse
from tests.conftest import TODAY, git, run_cli
from tests.datautil import append, read


def _build(repo: Path, site: Path, *extra: str, today: dt.date = TODAY) -> str:
    result = run_cli("build", "--data", str(repo / "data"), "--site-dir", str(site), "--today", today.isoformat(),
                     *extra, check=True)
    return result.stdout


def _differences(left: Path, right: Path) -> list[str]:
    """Paths (relative) that are missing on one side or differ in bytes."""
    found: list[str] = []

    def walk(compared: filecmp.dircmp, prefix: str) -> None:
        found.extend(prefix + name for name in compared.left_only + compared.right_only + compared.funny_files)
        _same, changed, errors = filecmp.cmpfiles(compared.left, compared.right, compared.common_files, shallow=False)
        found.extend(prefix + name for name in changed + errors)
        for name, inner in compared.subdirs.items():
            walk(inner, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    return found


def test_a_commit_to_one_province_renders_that_province_only(repo: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CNSCD_CACHE_DIR", str(tmp_path / "cache"))
    # The first build renders provinces in two worker processes; the full render below, in one.
    monkeypatch.setenv("CNSCD_RENDER_PARALLEL_FROM", "0")
    monkeypatch.setenv("CNSCD_DOCUMENT_WORKERS", "2")
    first = _build(repo, tmp_path / "first")
    monkeypatch.setenv("CNSCD_RENDER_PARALLEL_FROM", "100000")
    assert "0 provinces reused, 34 rendered, national pages rendered" in first
    assert "pages rendered in 2 processes" in first

    teams = repo / "data" / "provinces" / "04-cao-bang" / "teams.csv"
    teams.write_text(teams.read_text(encoding="utf-8").replace("Tổ CNSCĐ Phường Thục Phán", "Tổ CNSCĐ Phường Thục Phán mới"),
                     encoding="utf-8")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qam", "đổi tên tổ")
    changed = _build(repo, tmp_path / "changed")
    assert "33 provinces reused, 1 rendered, national pages rendered" in changed
    page = next((tmp_path / "changed").glob("04-*/01273-*/index.html")).read_text(encoding="utf-8")
    assert "Phường Thục Phán mới" in page

    # What came back from the cache is what a full render gives, byte for byte (pages, downloads, sitemap…).
    assert "processes" not in _build(repo, tmp_path / "full", "--no-reuse")
    assert _differences(tmp_path / "changed", tmp_path / "full") == []

    # Nothing changed since: every group is linked back, the package is not even loaded, and the site is the same.
    again = _build(repo, tmp_path / "again")
    assert "34 provinces reused, 0 rendered, national pages reused" in again
    assert _differences(tmp_path / "again", tmp_path / "full") == []

    # The next day, a withdrawal filed in another province's folder hides the number on the pages of the province
    # the person serves in, although none of that province's files changed.
    members = read(repo / "data", "provinces/19-thai-nguyen/members.csv")
    person = next(row for row in members if row["phone"] and row["phone_consent"] == "true" and not row["left_on"])
    shown = f"{person['phone'][:4]} {person['phone'][4:7]} {person['phone'][7:]}"
    assert any(shown in page.read_text(encoding="utf-8") for page in (tmp_path / "again").glob("19-*/*/index.html"))
    append(repo / "data", "provinces/79-ho-chi-minh/withdrawals.csv", person_id=person["person_id"],
           requested_on=TODAY.isoformat(), channel="paper", applied_on="", notes="")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qam", "rút đồng ý")
    tomorrow = TODAY + dt.timedelta(days=1)
    withdrawn = _build(repo, tmp_path / "withdrawn", today=tomorrow)
    for path in (tmp_path / "withdrawn").rglob("*"):
        if path.suffix in {".html", ".csv", ".json"}:
            text = path.read_text(encoding="utf-8")
            assert person["phone"] not in text and shown not in text, path
    assert "0 provinces reused, 34 rendered" in withdrawn  # every province: whose person it is is not known unloaded
    # The pages of old communes do not change with the day or a withdrawal: the same files, linked from the cache.
    redirect = next((tmp_path / "again").glob("xa-cu/*/index.html")).relative_to(tmp_path / "again")
    assert (tmp_path / "withdrawn" / redirect).stat().st_ino == (tmp_path / "again" / redirect).stat().st_ino
    _build(repo, tmp_path / "full-tomorrow", "--no-reuse", today=tomorrow)
    assert _differences(tmp_path / "withdrawn", tmp_path / "full-tomorrow") == []


def test_no_key_holds_the_day_and_a_withdrawal_anywhere_changes_every_province() -> None:
    """The bundles keep the days they hold for instead (next test). A withdrawal anywhere changes every province's
    pages and packages, not what every group depends on."""
    given = {"settings": "s", "common": "national tables", "country_wide": "withdrawals", "province_files": {"04": "f"},
             "whole": "all", "docs_digest": "docs", "history": History(), "province_communes": {"04": {"01273"}}}
    keys = reuse.make_keys(**given)
    withdrawn = reuse.make_keys(**{**given, "country_wide": "another withdrawal"})
    assert withdrawn.provinces != keys.provinces and withdrawn.packages != keys.packages
    assert withdrawn.base == keys.base


def _spans(cache: Path) -> dict[str, tuple[dt.date, dt.date]]:
    """Province code → the days its bundle holds for."""
    found = {}
    for meta in (cache / "site").glob("tinh-*/*/meta.json"):
        first, after = json.loads(meta.read_text(encoding="utf-8"))["span"]
        found[meta.parent.parent.name.removeprefix("tinh-")] = (dt.date.fromisoformat(first), dt.date.fromisoformat(after))
    return found


def test_a_later_days_build_renders_only_the_provinces_whose_pages_that_day_changes(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Province pages say which period is due and who is late as of the build's day. A bundle keeps the days on
    which every comparison made with that day for its province gives the same answer (datespan): on those days it
    is linked back; past them (its deadline passed, a training it plans was held, a new month) it is rendered
    again. The national pages hold while every province's figures do. Either way the site is the one a full
    render of that day gives."""
    monkeypatch.setenv("CNSCD_CACHE_DIR", str(tmp_path / "cache"))
    assert "0 provinces reused, 34 rendered" in _build(repo, tmp_path / "today")
    spans = _spans(tmp_path / "cache")
    tomorrow = TODAY + dt.timedelta(days=1)
    assert len(spans) == 34 and all(first <= TODAY and tomorrow < after for first, after in spans.values())

    # The next morning nothing is rendered, the package is not even loaded, and the home page says the new day.
    assert "34 provinces reused, 0 rendered, national pages reused" in _build(repo, tmp_path / "tomorrow",
                                                                              today=tomorrow)
    home = (tmp_path / "tomorrow" / "index.html").read_text(encoding="utf-8")
    assert "số liệu tính đến ngày 23/11/2026" in home and "cnscd-build-day" not in home
    _build(repo, tmp_path / "tomorrow-full", "--no-reuse", today=tomorrow)
    assert _differences(tmp_path / "tomorrow", tmp_path / "tomorrow-full") == []

    # The sample's reports are due on the 25th in Cao Bằng (04) and on the 20th in Ho Chi Minh City (79), whose
    # Phường Vũng Tàu plans a training on the 25th; most provinces have no reporting policy.
    later = TODAY.replace(day=26)
    crossed = {code for code, (first, after) in spans.items() if not first <= later < after}
    assert {"04", "79"} <= crossed and len(crossed) < 34
    built = _build(repo, tmp_path / "later", today=later)
    assert f"{34 - len(crossed)} provinces reused, {len(crossed)} rendered, national pages rendered" in built
    _build(repo, tmp_path / "later-full", "--no-reuse", today=later)
    assert _differences(tmp_path / "later", tmp_path / "later-full") == []
    changed = {path.split("-", 1)[0] for path in _differences(tmp_path / "today", tmp_path / "later")
               if path[:2].isdigit() and path.endswith("index.html")}
    assert {"04", "79"} <= changed <= crossed  # the day did change what their pages show, and no other's


def test_bundles_survive_the_site_being_deleted_and_keep_only_the_latest(tmp_path: Path) -> None:
    """Files are hard links: deleting or replacing the site's copy leaves the cached one whole."""
    store = reuse.Store(tmp_path / "store")
    source = tmp_path / "docs" / "04-cao-bang"
    (source / "01273-thuc-phan").mkdir(parents=True)
    (source / "01273-thuc-phan" / "index.md").write_text("---\ntitle: a\n---\n\n<p>x</p>\n", encoding="utf-8")
    store.save("tinh-04", "k1", source, {"path": "04-cao-bang/"})
    target = tmp_path / "site"
    assert store.restore("tinh-04", "k1", target) == {"path": "04-cao-bang/"}
    (target / "01273-thuc-phan" / "index.md").unlink()
    store.save("tinh-04", "k2", source, {"path": "04-cao-bang/"})
    assert not store.has("tinh-04", "k1") and store.has("tinh-04", "k2")
    store.restore("tinh-04", "k2", target)
    assert render.page_block((target / "01273-thuc-phan" / "index.md").read_text(encoding="utf-8")) == "<p>x</p>"


def test_an_edited_guide_changes_the_national_key(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "huong-dan").mkdir(parents=True)
    guide = docs / "huong-dan" / "vneid.md"
    guide.write_text("# Cài đặt VNeID\n", encoding="utf-8")
    before = reuse.tree_digest(docs)
    assert reuse.tree_digest(docs) == before
    guide.write_text("# Cài đặt VNeID mới\n", encoding="utf-8")
    assert reuse.tree_digest(docs) != before
