"""One submission through intake: body → parsed sections → rows (the form's builder) → checked plan.

`cnscd intake` and the intake service both call `take`, so an issue and a site submission with the
same values get the same findings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..load import Dataset
from ..units import Units
from .apply import Outcome, plan
from .body import ParsedBody, parse_body
from .change import Change
from .forms import Form, forms_dir, load_form
from .submission import BUILDERS


@dataclass
class Taken:
    form: Form
    parsed: ParsedBody
    change: Change
    outcome: Outcome


def take(form_name: str, body: str, data_dir: Path, dataset: Dataset, today: dt.date, source: str,
         repo_root: Path) -> Taken:
    """Parse, build and plan; file paths in the outcome are relative to `repo_root`."""
    form = load_form(form_name, forms_dir(data_dir))
    parsed = parse_body(body, form, source)
    change = BUILDERS[form_name](parsed, form, dataset, Units.from_dataset(dataset), today, source)
    prefix = Path(data_dir).resolve().relative_to(Path(repo_root).resolve()).as_posix()
    return Taken(form, parsed, change, plan(data_dir, dataset, change, today, prefix))
