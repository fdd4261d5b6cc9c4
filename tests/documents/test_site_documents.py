"""Site downloads: every commune's documents land beside its page, and only changed ones are rendered again."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnscd.checks import Context
from cnscd.derive import derive
from cnscd.documents import decision
from cnscd.documents.site import write_commune_documents
from cnscd.load import load
from cnscd.site.communefiles import ALL, REPORT_DOCX
from cnscd.site.render import commune_path
from tests.conftest import SAMPLE, TODAY, run_python
from tests.datautil import edit, read
from tests.documents.helpers import all_text, expected_roster

COMMUNE = "21040"


def run(data: Path, docs: Path, cache: Path):
    ctx = Context(load(data), TODAY)
    derived = derive(ctx)
    return derived, write_commune_documents(ctx, derived, docs, cache)


def files(docs: Path) -> dict[str, bytes]:
    return {str(p.relative_to(docs)): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("documents")
    derived, stats = run(SAMPLE, root / "docs", root / "cache")
    return root, derived, stats


def test_every_commune_gets_its_documents_beside_its_page(first) -> None:
    root, derived, stats = first
    communes = [(p, c) for p in derived.provinces for c in p.communes]
    assert stats.communes == len(communes) == len(stats.links)
    for province, commune in communes:
        links = stats.links[commune.code]
        assert set(links) == {"decision", "report_docx", "report_xlsx", "period_label"}
        for kind in ("decision", "report_docx", "report_xlsx"):
            assert (root / "docs" / commune_path(province, commune) / links[kind]).is_file()
    assert stats.links[COMMUNE] == {
        "decision": "van-ban/du-thao-quyet-dinh-21040.docx", "report_docx": "van-ban/bao-cao-21040-2026-10.docx",
        "report_xlsx": "van-ban/bao-cao-21040-2026-10.xlsx", "period_label": "tháng 10/2026"}
    assert stats.written == 3 * len(communes) and stats.reused == 0
    # The cache lives where it was told to, outside the site's docs.
    assert len(list((root / "cache").rglob("*.docx"))) == 2 * len(communes)
    decision_path = root / "docs" / "51-quang-ngai" / "21040-xa-binh-son" / stats.links[COMMUNE]["decision"]
    text = all_text(decision_path)
    assert all(name in text for members in expected_roster(SAMPLE, TODAY, COMMUNE).values() for name, _ in members)


def test_second_build_reuses_every_document_unchanged(first, tmp_path: Path) -> None:
    root, _, stats = first
    _, again = run(SAMPLE, tmp_path / "docs", root / "cache")
    assert again.written == 0 and again.reused == stats.written
    assert again.links == stats.links
    assert files(tmp_path / "docs") == files(root / "docs")


def test_a_changed_roster_renders_only_its_decision_again(data_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    run(SAMPLE, tmp_path / "before", cache)
    relpath = "provinces/51-quang-ngai/members.csv"
    team_ids = set(expected_roster(data_copy, TODAY, COMMUNE))
    member = next(m for m in read(data_copy, relpath)
                  if m["team_id"] in team_ids and m["role"] == "member" and not m["left_on"])
    edit(data_copy, relpath, "member_id", member["member_id"], full_name="Hoàng Thị Mới")
    _, stats = run(data_copy, tmp_path / "docs", cache)
    assert stats.written == 1 and stats.reused == 3 * stats.communes - 1
    path = tmp_path / "docs" / "51-quang-ngai" / "21040-xa-binh-son" / stats.links[COMMUNE]["decision"]
    text = all_text(path)
    assert "Hoàng Thị Mới" in text and member["full_name"] not in text
    # The stale draft is gone from the cache: one decision per commune.
    assert len(list((cache / COMMUNE).glob("decision-*.docx"))) == 1


def test_a_new_template_version_renders_every_decision_again(first, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, stats = first
    cache = tmp_path / "cache"
    run(SAMPLE, tmp_path / "one", cache)
    monkeypatch.setattr(decision, "TEMPLATE_VERSION", decision.TEMPLATE_VERSION + "-next")
    _, again = run(SAMPLE, tmp_path / "two", cache)
    assert again.written == stats.communes and again.reused == 2 * stats.communes


def test_the_built_site_offers_the_documents(built_site: Path) -> None:
    """mkdocs.yml `extra.commune_files` offers the two Word documents (site/communefiles.py)."""
    folder = built_site / "51-quang-ngai" / "21040-xa-binh-son" / "van-ban"
    assert sorted(p.name for p in folder.iterdir()) == ["bao-cao-21040-2026-10.docx", "du-thao-quyet-dinh-21040.docx"]


def test_a_report_format_asked_for_later_is_rendered_then(tmp_path: Path) -> None:
    """Only the kinds the site offers are rendered and cached; a format added later is made at the next build."""
    ctx = Context(load(SAMPLE), TODAY)
    derived = derive(ctx)
    stats = write_commune_documents(ctx, derived, tmp_path / "one", tmp_path / "cache", kinds=frozenset({REPORT_DOCX}))
    assert set(stats.links[COMMUNE]) == {"report_docx", "period_label"}
    assert stats.written == stats.communes and not list((tmp_path / "cache").rglob("*.xlsx"))
    again = write_commune_documents(ctx, derived, tmp_path / "two", tmp_path / "cache", kinds=ALL)
    assert set(again.links[COMMUNE]) == {"decision", "report_docx", "report_xlsx", "period_label"}
    assert (tmp_path / "two" / commune_path(*_place(derived)) / again.links[COMMUNE]["report_xlsx"]).is_file()
    assert len(list((tmp_path / "cache").rglob("report-*.xlsx"))) == stats.communes


def _place(derived):
    return next((p, c) for p in derived.provinces for c in p.communes if c.code == COMMUNE)


def test_documents_no_longer_offered_leave_the_cache(data_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    run(SAMPLE, tmp_path / "before", cache)
    assert list((cache / COMMUNE).glob("decision-*.docx"))
    relpath = "provinces/51-quang-ngai/teams.csv"
    for team_id in expected_roster(data_copy, TODAY, COMMUNE):
        edit(data_copy, relpath, "team_id", team_id, status="dissolved", ended_on="2026-11-01")
    _, stats = run(data_copy, tmp_path / "docs", cache)
    assert "decision" not in stats.links[COMMUNE]
    assert not list((cache / COMMUNE).glob("decision-*.docx"))
    assert len(list(cache.rglob("decision-*.docx"))) == stats.communes - 1


def test_two_worker_processes_write_the_same_bytes(first, tmp_path: Path) -> None:
    """A national cold build renders across forked workers, a few provinces at a time; the files must depend
    neither on who rendered them nor on the batches. Run in a fresh process: the test session may hold threads
    (servers), and then no fork is attempted."""
    root, _, stats = first
    script = ("import sys\n"
              "from pathlib import Path\n"
              "from cnscd.checks import Context\n"
              "from cnscd.derive import derive\n"
              "from cnscd.documents import site\n"
              "from cnscd.load import load\n"
              "from tests.conftest import SAMPLE, TODAY\n"
              "site.PARALLEL_FROM, site.BATCH = 0, 4\n"
              "ctx = Context(load(SAMPLE), TODAY)\n"
              "out = Path(sys.argv[1])\n"
              "stats = site.write_commune_documents(ctx, derive(ctx), out / 'docs', out / 'cache', workers=2)\n"
              "print(stats.workers, stats.written)\n")
    result = run_python(script, str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", str(stats.written)]
    assert files(tmp_path / "docs") == files(root / "docs")
    # Pruning after the last batch keeps what every batch used, not only the last one's.
    assert sorted(p.name for p in (tmp_path / "cache").rglob("*.*")) == sorted(p.name for p in (root / "cache").rglob("*.*"))
