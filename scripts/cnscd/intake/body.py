"""Parse an issue body as GitHub renders a submitted issue form (pure: text in, values and findings out).

GitHub writes each field as `### <label>`, a blank line and the value; an empty field is
`_No response_` (a dropdown may say `None`), checkboxes are `- [X] option` lines and a textarea
with `render:` is wrapped in a code fence. Only headings that are labels of the form split
sections, so a `###` a person typed inside a textarea stays part of its value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Finding
from ..text import clean
from .forms import Form, label_key

EMPTY_VALUES = {"_no response_", "none", "_none_"}
# Limits, refused before any parsing (README): about 30,000 roster lines; one line is a person or a paragraph.
MAX_BODY_CHARS = 2_000_000
MAX_LINE_CHARS = 10_000
_HEADING = re.compile(r"^#{3}\s+(?P<label>.+?)\s*#*\s*$")
_CHECKBOX = re.compile(r"^\s*[-*]\s+\[(?P<mark>[ xX])\]\s*(?P<label>.*)$")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


@dataclass
class ParsedBody:
    values: dict[str, str | list[str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # field id → body line of its first value line
    findings: list[Finding] = field(default_factory=list)

    def text(self, field_id: str) -> str:
        value = self.values.get(field_id, "")
        return value if isinstance(value, str) else ""

    def checked(self, field_id: str) -> list[str]:
        value = self.values.get(field_id, [])
        return value if isinstance(value, list) else []


def _unfence(lines: list[str]) -> list[str]:
    """Drop one code fence around the whole value (GitHub's `render:` or the person's own)."""
    content = [i for i, line in enumerate(lines) if line.strip()]
    if len(content) >= 2:
        first, last = content[0], content[-1]
        opening = _FENCE.match(lines[first])
        if opening and lines[last].strip().startswith(opening.group(1)) and \
                lines[last].strip() == opening.group(1)[0] * len(lines[last].strip()):
            return lines[first + 1:last]
    return lines


def _value(lines: list[str]) -> tuple[str, int]:
    """The value text and the offset of its first line within the section."""
    lines = [line.rstrip() for line in lines]
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    body = _unfence(lines[start:])
    fenced = body is not lines[start:] and len(body) != len(lines[start:])
    text = "\n".join(body).strip("\n")
    if text.strip().casefold() in EMPTY_VALUES:
        return "", start
    return text, start + (1 if fenced else 0)


def parse_body(text: str, form: Form, source: str = "issue") -> ParsedBody:
    """Map each section of the body to its form field id; missing required fields are located errors."""
    result = ParsedBody()
    text = text or ""
    if len(text) > MAX_BODY_CHARS:
        result.findings.append(Finding(
            source, None, None, "body-too-large",
            f"Nội dung dài {len(text):,} ký tự, quá giới hạn {MAX_BODY_CHARS:,}; không xử lý. Hãy chia thành nhiều lần gửi "
            "(mỗi tổ một lần)", f"The submission is {len(text):,} characters, past the {MAX_BODY_CHARS:,} limit; "
            "not processed. Split it into several submissions (one per team)"))
        return result
    labels = form.by_label()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    section = None
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            result.findings.append(Finding(
                source, number, section, "line-too-long",
                f"Dòng {number} dài {len(line):,} ký tự, quá giới hạn {MAX_LINE_CHARS:,}; không xử lý",
                f"Line {number} is {len(line):,} characters long, past the {MAX_LINE_CHARS:,} limit; not processed"))
            return result
        heading = _HEADING.match(line) if line.startswith("#") else None
        known = labels.get(label_key(heading["label"])) if heading else None
        section = known.id if known is not None else section
    sections: list[tuple[str, int, list[str]]] = []  # field id, heading line (1-based), value lines
    for number, line in enumerate(lines, start=1):
        match = _HEADING.match(line)
        known = labels.get(label_key(match["label"])) if match else None
        if known is not None:
            sections.append((known.id, number, []))
        elif sections:
            sections[-1][2].append(line)
    if not sections:
        result.findings.append(Finding(
            source, 1, None, "body-unparseable",
            f"Không đọc được nội dung theo biểu mẫu «{form.name}»: không có mục «### …» nào khớp với biểu mẫu. "
            "Hãy tạo lại yêu cầu bằng biểu mẫu.",
            f"The body does not follow the «{form.name}» form: no «### label» heading matches it. "
            "Please open the issue with the form."))
        return result
    headings: dict[str, int] = {}
    for field_id, heading_line, value_lines in sections:
        spec = form.get(field_id)
        assert spec is not None
        if field_id in headings:
            # Two answers to one question: which one the person meant is theirs to say, not ours to guess.
            result.findings.append(Finding(
                source, heading_line, field_id, "field-duplicate",
                f"Mục «{spec.label}» xuất hiện hai lần (dòng {headings[field_id]} và dòng {heading_line}); "
                "xóa một mục rồi gửi lại",
                f"The field «{spec.label}» appears twice (lines {headings[field_id]} and {heading_line}); "
                "remove one and send again"))
            continue
        headings[field_id] = heading_line
        if spec.type == "checkboxes":
            checked = []
            for line in value_lines:
                box = _CHECKBOX.match(line)
                if box and box["mark"] in "xX":
                    checked.append(clean(box["label"]))
            result.values[field_id] = checked
            result.lines[field_id] = min(heading_line + 2, len(lines))
            continue
        value, offset = _value(value_lines)
        if spec.type != "textarea":
            value = clean(" ".join(value.split("\n")))
        result.values[field_id] = value
        result.lines[field_id] = min(heading_line + 1 + offset, len(lines))
    for spec in form.fields:
        if spec.required and not result.values.get(spec.id):
            result.findings.append(Finding(
                source, result.lines.get(spec.id), spec.id, "field-required",
                f"Thiếu mục bắt buộc «{spec.label}»", f"The required field «{spec.label}» is missing"))
    return result
