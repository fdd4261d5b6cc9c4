"""The ready poster's cache key and date (posters.py), without a browser: what reaches paper, and nothing else,
decides whether a commune is printed again; the date on it is the date of its data, never the build day."""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources
from pathlib import Path

import pytest

from cnscd.checks import Context
from cnscd.datespan import Span, Today
from cnscd.derive import derive
from cnscd.history.log import History
from cnscd.load import load
from cnscd.site import posters, render
from tests.conftest import SAMPLE, TODAY, run_cli
from tests.site.conftest import commune, province

CODE = "26506"  # Phường Vũng Tàu: commune-level team with a Zalo group, six villages
SITE_CSS = (resources.files("cnscd.site") / "assets" / "site.css").read_text(encoding="utf-8")


def _page(site: Path, derived, code: str, board: dict) -> str:
    """The commune's page as the engine would serve it: the fragment in a document linking the stylesheet."""
    c = commune(derived, code)
    p = province(derived, c.province_code)
    path = render.commune_path(p, c)
    fragment = render.render_commune_pages(derived, p, c, "https://example.org/" + path, board=board)[""]
    folder = site / path
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(
        '<!doctype html><html lang="vi"><head><title>Tổ CNSCĐ</title>'
        '<link rel="stylesheet" href="../../assets/cnscd/site.css"></head>'
        f'<body><article class="md-content__inner md-typeset">{fragment}</article></body></html>', encoding="utf-8")
    posters.write_qr("https://example.org/" + path, folder / "qr.svg")
    (site / "assets" / "cnscd").mkdir(parents=True, exist_ok=True)
    (site / "assets" / "cnscd" / "site.css").write_text(SITE_CSS, encoding="utf-8")
    return path


def test_the_stylesheet_says_what_paper_hides():
    hidden = posters.paper_hidden_classes(SITE_CSS)
    assert {"cnscd-more", "cnscd-summary", "cnscd-updated", "cnscd-jump", "cnscd-crumbs", "md-header"} <= hidden
    assert "cnscd-teams" not in hidden  # `.cnscd-teams h2` hides the headings, not the teams
    assert "cnscd-poster" not in hidden and "cnscd-qr" not in hidden


def test_a_poster_printed_on_another_day_has_the_same_key(tmp_path, derived):
    later = derive(Context(load(SAMPLE), TODAY + dt.timedelta(days=40)))  # another report period is due
    board = {"updated": dt.date(2026, 9, 29)}
    first = _page(tmp_path / "a", derived, CODE, board)
    second = _page(tmp_path / "b", later, CODE, board)
    assert (tmp_path / "a" / first / "index.html").read_text() != (tmp_path / "b" / second / "index.html").read_text()
    assert posters.poster_key(tmp_path / "a", first) == posters.poster_key(tmp_path / "b", second)


def test_what_reaches_paper_changes_the_key(tmp_path, derived):
    path = _page(tmp_path, derived, CODE, {"updated": dt.date(2026, 9, 29)})
    page = tmp_path / path / "index.html"
    original = page.read_text()
    key = posters.poster_key(tmp_path, path)
    # Hidden on paper: the summary line and the decisions and reports (.cnscd-more) do not count.
    page.write_text(original.replace('<div class="cnscd-more">', '<div class="cnscd-more"><p>Báo cáo mới</p>'))
    assert posters.poster_key(tmp_path, path) == key
    # Printed: a phone, the date, the QR code, the stylesheet.
    for changed in (original.replace("0900 000 166", "0900 000 199"),
                    original.replace("Số liệu ngày 29/09/2026", "Số liệu ngày 30/09/2026")):
        assert changed != original
        page.write_text(changed)
        assert posters.poster_key(tmp_path, path) != key
    page.write_text(original)
    posters.write_qr("https://example.org/khac/", tmp_path / path / "qr.svg")
    assert posters.poster_key(tmp_path, path) != key
    posters.write_qr("https://example.org/" + path, tmp_path / path / "qr.svg")
    assert posters.poster_key(tmp_path, path) == key
    (tmp_path / "assets" / "cnscd" / "site.css").write_text(SITE_CSS.replace("font-size: 14pt;", "font-size: 15pt;", 1))
    assert posters.poster_key(tmp_path, path) != key


def test_the_poster_shows_the_data_date_not_the_build_day(derived):
    c = commune(derived, CODE)
    p = province(derived, c.province_code)
    html = render.render_commune_pages(derived, p, c, "https://example.org/", board={"updated": dt.date(2026, 9, 29)})[""]
    assert '<p class="cnscd-dated">Số liệu ngày 29/09/2026</p>' in html


def _rewrite(path: Path, change) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        change(row)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_without_git_a_commune_is_dated_by_its_newest_row(data_copy):
    folder = data_copy / "provinces" / "79-ho-chi-minh"
    ctx = Context(load(data_copy), TODAY)
    team_ids = {t for t, row in ctx.teams.items() if ctx.current_commune(row) == CODE}
    joined = TODAY - dt.timedelta(days=3)

    def join_late(row: dict) -> None:  # one member of the commune joined three days before the build
        if row["team_id"] in team_ids and not row["left_on"] and not join_late.done:
            row["joined_on"], join_late.done = joined.isoformat(), True
    join_late.done = False
    _rewrite(folder / "members.csv", join_late)

    def plan_later(row: dict) -> None:  # a training planned next month is not the data's date
        if row["commune_code"] == CODE:
            row["held_on"], row["status"] = (TODAY + dt.timedelta(days=30)).isoformat(), "planned"
    _rewrite(folder / "trainings.csv", plan_later)
    ctx = Context(load(data_copy), TODAY)
    history = History()
    posters.date_communes(history, ctx)
    assert history.commune_updated[CODE] == joined
    # A withdrawal of consent, applied the day before, dates the communes of the person who asked.
    person = next(m["person_id"] for m in ctx.dataset.rows("members") if m["team_id"] in team_ids)
    withdrawn = TODAY - dt.timedelta(days=1)

    def withdraw(row: dict) -> None:
        row["person_id"], row["requested_on"], row["applied_on"] = person, joined.isoformat(), withdrawn.isoformat()
    _rewrite(folder / "withdrawals.csv", withdraw)
    ctx = Context(load(data_copy), TODAY)
    history = History()
    posters.date_communes(history, ctx)
    assert history.commune_updated[CODE] == withdrawn
    assert all(day <= TODAY for day in history.commune_updated.values())
    assert set(history.commune_updated) >= {c.code for c in derive(ctx).communes()}
    # A commune git dates keeps git's date.
    dated = History(commune_updated={CODE: dt.date(2026, 5, 1)})
    posters.date_communes(dated, ctx)
    assert dated.commune_updated[CODE] == dt.date(2026, 5, 1)

    # On the build's day, watched, each province's dates say on which days they stay the same: from the newest
    # date they took to the first later date they left out (here the training planned in 30 days, or sooner).
    def dates(day: dt.date) -> tuple[dict, Context]:
        found, ctx = History(), Context(load(data_copy), day)
        posters.date_communes(found, ctx)
        return {code: day for code, day in found.commune_updated.items()
                if ctx.units.communes[code]["province_code"] == "79"}, ctx

    found, ctx = dates(Today(TODAY))
    assert found == dates(TODAY)[0] and found[CODE] == withdrawn
    span = ctx.province_span("79")
    assert span.start == withdrawn and TODAY < span.end <= TODAY + dt.timedelta(days=30)
    assert dates(span.end - dt.timedelta(days=1))[0] == found
    assert dates(span.start - dt.timedelta(days=1))[0] != found
    assert ctx.province_span("04") != span  # another province's dates are its own


def test_the_newest_report_up_to_a_watched_day_holds_until_a_later_one_counts():
    rows = [{"team_id": "a", "submitted_on": "2026-11-02"}, {"team_id": "a", "submitted_on": "2026-11-30"},
            {"team_id": "b", "submitted_on": "2026-10-05"}, {"team_id": "b", "submitted_on": ""}]
    newest: dict[str, str] = {}
    watched = Today(TODAY)
    posters.add_newest(newest, rows, watched)
    assert newest == {"a": "2026-11-02", "b": "2026-10-05"}
    assert watched.span == Span(dt.date(2026, 11, 2), dt.date(2026, 11, 30))


def test_build_with_posters_stops_at_once_without_chromium(tmp_path):
    result = run_cli("build", "--data", str(SAMPLE), "--site-dir", str(tmp_path / "site"), "--posters",
                     "--chromium", str(tmp_path / "no-chromium"))
    assert result.returncode == 2
    assert result.stderr.startswith("Không thấy Chromium để in áp phích") and "Chromium not found" in result.stderr
    assert not (tmp_path / "site").exists()  # nothing was built


@pytest.mark.parametrize("variable", [None, "CNSCD_CHROMIUM"])
def test_the_browser_is_chosen_by_option_then_environment(monkeypatch, variable):
    monkeypatch.delenv("CNSCD_CHROMIUM", raising=False)
    if variable:
        monkeypatch.setenv(variable, "/usr/bin/google-chrome")
    assert posters.chromium_path() == ("/usr/bin/google-chrome" if variable else "/usr/bin/chromium")
    assert posters.chromium_path("/opt/chrome") == "/opt/chrome"


def test_old_cached_posters_are_removed(tmp_path):
    import os
    import time

    old, fresh = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for path in (old, fresh):
        path.write_bytes(b"%PDF-1.4")
    os.utime(old, (time.time() - 40 * 86400,) * 2)
    assert posters.prune(tmp_path, time.time() - posters.KEEP_DAYS * 86400) == 1
    assert not old.exists() and fresh.exists()


def test_deploy_prints_the_posters_and_keeps_their_cache(monkeypatch):
    import yaml

    from tests.conftest import ROOT

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    build = next(step for step in steps if "cnscd build" in step.get("run", ""))
    assert "--posters" in build["run"] and build["env"]["CNSCD_CHROMIUM"]
    caches = [step for step in steps if step.get("uses", "").startswith("actions/cache@")]
    assert len({step["uses"] for step in caches}) == 1  # one pinned version of the action
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "/home/runner")
    kept = [Path(path.replace("~", "/home/runner")) for step in caches for path in step["with"]["path"].split()]
    assert posters.default_cache() in kept
    assert steps.index(caches[-1]) < steps.index(build)


def test_posters_need_the_site_address(tmp_path):
    with pytest.raises(posters.PosterFailed, match="Cần địa chỉ của trang"):
        posters.print_pdfs(tmp_path, ["79-ho-chi-minh/26506-phuong-vung-tau/"], tmp_path / "cache", "/")
