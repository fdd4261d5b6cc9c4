"""Which files each commune page offers beside itself: mkdocs.yml `extra.commune_files`.

Each kind costs bytes on every one of the 3,321 commune pages (national sample, site built 08/12/2026): the decision
draft 34 MB, the report in Word 30 MB, the report in Excel 34 MB, the team list as CSV 32 MB. A national site on
static hosting (≤ 300 MB, docs/hieu-nang.md) publishes the two Word documents; the Excel report repeats the Word
report's tables, and the CSV repeats the rows of the province's CSV zip, which every commune page then links to.
A province's own site (docs/trien-khai.md) is a thirty-fourth of that and can offer all four.
"""

from __future__ import annotations

from ..model import Finding

DECISION_DOCX, REPORT_DOCX, REPORT_XLSX, TEAMS_CSV = "decision_docx", "report_docx", "report_xlsx", "teams_csv"
KINDS = (DECISION_DOCX, REPORT_DOCX, REPORT_XLSX, TEAMS_CSV)
ALL = frozenset(KINDS)
SETTING = "extra.commune_files"


def from_config(config: dict, file: str = "mkdocs.yml") -> tuple[frozenset[str], list[Finding]]:
    """The kinds the config asks for (all four when it does not say), and a finding for each value it cannot use."""
    extra = config.get("extra") or {}
    if not isinstance(extra, dict) or "commune_files" not in extra:
        return ALL, []
    value = extra["commune_files"]
    if value is None:
        value = []
    if not isinstance(value, list):
        return ALL, [Finding(file, None, SETTING, "commune-files-not-list",
                             f"Phải là một danh sách, ví dụ [{DECISION_DOCX}, {REPORT_DOCX}], không phải «{value}»",
                             f"Must be a list, e.g. [{DECISION_DOCX}, {REPORT_DOCX}], not {value!r}")]
    known = [item for item in value if isinstance(item, str) and item in ALL]  # a YAML mapping is not hashable
    findings = [Finding(file, None, SETTING, "unknown-commune-file",
                        f"«{item}» không phải loại tệp của trang xã; dùng: {', '.join(KINDS)}",
                        f"{item!r} is not a commune file kind; use: {', '.join(KINDS)}") for item in value if item not in known]
    return frozenset(known), findings
