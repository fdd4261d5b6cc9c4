"""The build sums the report files one at a time instead of holding 1.1 million rows: the same facts, figures,
dates and notes as from every row at once, and a late reader of the rows fails loudly."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnscd.checks import Context
from cnscd.derive import derive
from cnscd.documents.report import notes_index
from cnscd.figures import compute
from cnscd.history.log import History
from cnscd.load import Released, load
from cnscd.site import posters
from cnscd.site.reportpass import Loading
from cnscd.validate import validate
from tests.conftest import SAMPLE, TODAY
from tests.datautil import append, edit, read


def test_summed_file_by_file_the_build_gets_what_every_row_gives(data_copy: Path):
    edit(data_copy, "provinces/79-ho-chi-minh/reports-2026.csv", "team_id", "T79-0021", notes="Khó khăn: thiếu máy")
    whole = Context(load(data_copy), TODAY)
    loading = Loading(data_copy, TODAY, keep=False)
    summed, taken = loading.context(), loading.taken
    assert not summed.dataset.tables["reports"] and whole.dataset.rows("reports")
    assert taken.notes == notes_index(whole) and any(taken.notes.values())
    derived = derive(whole)
    assert derive(summed, taken.sent) == derived
    assert compute(summed, derived, taken.reports) == compute(whole, derived)
    dated, dated_whole = History(), History()
    posters.date_communes(dated, summed, taken.newest)
    posters.date_communes(dated_whole, whole)
    assert dated.commune_updated == dated_whole.commune_updated and dated.commune_updated
    with pytest.raises(Released):  # a step reading the rows after the build let them go is a bug, not "no reports"
        summed.dataset.rows("reports")


def test_kept_for_the_live_preview():
    loading = Loading(SAMPLE, TODAY, keep=True)
    assert loading.context().dataset.rows("reports") and loading.taken.reports is None


def test_a_full_validation_run_reads_the_reports_again(data_copy: Path):
    """Provinces sharing a key need the whole package checked at once: the build's dataset lacks the report rows,
    so that run loads them itself and finds what a run without the build finds."""
    source = read(data_copy, "provinces/04-cao-bang/members.csv")[5]
    target = "provinces/79-ho-chi-minh/members.csv"
    row = append(data_copy, target, **source)
    loading = Loading(data_copy, TODAY, keep=False)
    found = [(f.file, f.row, f.field) for f in validate(data_copy, TODAY, meanwhile=loading) if f.code == "primary-key"]
    assert found == [(target, row, "member_id")]
    assert loading.taken.reports is not None and loading.ctx.dataset.released == {"reports"}
