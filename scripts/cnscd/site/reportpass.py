"""The build's report rows, summed file by file and never all held at once.

After the package is checked, the 1.1 million report rows of a national package (about 360 MB as rows) are needed
only as sums: the figures' totals (which also give `derive` each team's last submission per period), each team's
newest report for the posters' date, and the notes the report documents quote. So the build loads every other
table while the changed provinces are checked in worker processes, then reads the report files one at a time and
adds each to the sums. The published package reads the report files again; a full validation run (rare: provinces
sharing a key) loads the whole package itself. The live preview keeps every row: it derives a province again after
each edit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .. import datespan, package
from ..checks import Context
from ..documents.report import Notes, add_notes
from ..figures.rollup import Reports, add_reports, commune_of_team
from ..load import Dataset, load, read_csv
from . import posters

REPORTS = "reports"


@dataclass
class Taken:
    """The sums, or nothing when the rows are kept (each step then reads the rows itself)."""

    reports: Reports | None = None
    newest: dict[str, str] | None = None
    notes: Notes | None = None

    @property
    def sent(self) -> dict[str, dict[str, dt.date | None]] | None:
        """Team → period → the day its report was last submitted (what `derive` needs)."""
        return self.reports.sent if self.reports is not None else None


def take(ctx: Context) -> Taken:
    """Every sum the build needs from the report files, read one at a time (the context's dataset left them out)."""
    root = Path(ctx.dataset.root)
    reports, newest, notes = Reports(), dict[str, str](), Notes()
    teams, year = commune_of_team(ctx), datespan.year_of(ctx.today)
    for relpath in package.table_files(root, REPORTS):
        rows = read_csv(root / relpath, relpath)[1]
        add_reports(reports, rows, teams, year)
        posters.add_newest(newest, rows, ctx.today)
        add_notes(notes, rows)
    return Taken(reports, newest, notes)


@dataclass
class Loading:
    """`validate`'s `meanwhile` in a build: load the package (the report rows only as sums, unless `keep`) and make
    the context, while the workers check."""

    data_dir: Path
    today: dt.date
    keep: bool
    ctx: Context | None = None
    taken: Taken = field(default_factory=Taken)

    def __call__(self) -> Dataset:
        if self.ctx is None:
            self.ctx = Context(load(self.data_dir, skip=() if self.keep else (REPORTS,)), self.today)
            if not self.keep:
                self.taken = take(self.ctx)
        return self.ctx.dataset

    def context(self) -> Context:
        self()
        assert self.ctx is not None
        return self.ctx
