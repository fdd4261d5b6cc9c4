"""The issue forms in .github/ISSUE_TEMPLATE/: which form is which, and label → field id maps.

The report form lists one field per indicator of the catalogue, so it is generated from
data/indicators.csv (`report_form_text`) and a test keeps the committed file current.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..text import clean

FORM_FILES = {"team": "to.yml", "report": "bao-cao.yml", "guide": "huong-dan.yml", "withdrawal": "go-so.yml"}
FORM_LABELS = {"team": "bieu-mau-to", "report": "bieu-mau-bao-cao", "guide": "bieu-mau-huong-dan",
               "withdrawal": "bieu-mau-go-so"}
REPO_ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    type: str
    required: bool = False
    options: tuple[str, ...] = ()


@dataclass
class Form:
    name: str
    filename: str
    fields: list[FormField] = field(default_factory=list)

    def by_label(self) -> dict[str, FormField]:
        return {label_key(f.label): f for f in self.fields}

    def get(self, field_id: str) -> FormField | None:
        return next((f for f in self.fields if f.id == field_id), None)


def label_key(label: str) -> str:
    """Labels are matched after NFC, trimming and case folding: people retype headings when editing."""
    return clean(label).casefold()


def forms_dir(data_dir: Path | None = None) -> Path:
    """The forms beside the data package's repository, else the ones in this checkout."""
    if data_dir is not None:
        candidate = Path(data_dir).resolve().parent / ".github" / "ISSUE_TEMPLATE"
        if candidate.is_dir():
            return candidate
    return REPO_ROOT / ".github" / "ISSUE_TEMPLATE"


def parse_form(name: str, text: str, filename: str = "") -> Form:
    spec = yaml.safe_load(text) or {}
    form = Form(name, filename)
    for item in spec.get("body", []):
        if item.get("type") == "markdown" or "id" not in item:
            continue
        attrs = item.get("attributes", {})
        options = tuple(o["label"] if isinstance(o, dict) else str(o) for o in attrs.get("options", []))
        required = bool(item.get("validations", {}).get("required", False))
        form.fields.append(FormField(item["id"], attrs["label"], item["type"], required, options))
    return form


def load_form(name: str, directory: Path | None = None) -> Form:
    filename = FORM_FILES[name]
    path = (directory or forms_dir()) / filename
    return parse_form(name, path.read_text(encoding="utf-8"), filename)


REPORT_HEADER = """\
# Generated from data/indicators.csv, one field per indicator; regenerate: UPDATE_GOLDEN=1 pytest tests/intake
name: Báo cáo định kỳ của Tổ CNSCĐ
description: "Kết quả tháng hoặc quý của một tổ theo các chỉ tiêu. Periodic report of a team: one value per indicator."
title: "[Báo cáo] "
labels: ["bieu-mau-bao-cao"]
"""


def report_form_text(indicators: list[dict[str, str]]) -> str:
    body: list[dict] = [
        {"type": "markdown", "attributes": {"value": (
            "Ghi kết quả của kỳ báo cáo; chỉ tiêu không thực hiện thì để trống. Báo cáo của xã do tổ cấp xã gửi.\n"
            "Leave an indicator blank when it does not apply; a commune's report is sent by its commune-level team.\n")}},
        {"type": "input", "id": "team_id", "attributes": {
            "label": "Mã tổ", "description": "Ví dụ T79-0002 (xem trên trang của tổ). The team's id.",
            "placeholder": "T79-0002"}, "validations": {"required": True}},
        {"type": "input", "id": "period", "attributes": {
            "label": "Kỳ báo cáo",
            "description": "Tháng (tháng 10/2026) hoặc quý (quý 3/2026). A month or a quarter.",
            "placeholder": "tháng 10/2026"}, "validations": {"required": True}},
    ]
    for row in sorted(indicators, key=lambda r: r["code"]):
        body.append({"type": "input", "id": row["code"], "attributes": {
            "label": f"{row['name_vi']} ({row['unit_vi']})",
            "description": f"{row['name_en']} ({row['unit_en']}). Số nguyên không âm / a whole number.",
            "placeholder": "0"}})
    body.append({"type": "textarea", "id": "difficulties", "attributes": {
        "label": "Khó khăn, vướng mắc", "description": "Difficulties met during the period."}})
    body.append({"type": "textarea", "id": "proposals", "attributes": {
        "label": "Đề xuất, kiến nghị", "description": "Proposals to the commune or province."}})
    return REPORT_HEADER + yaml.safe_dump({"body": body}, allow_unicode=True, sort_keys=False, width=200)
