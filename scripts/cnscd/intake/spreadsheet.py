"""The official annex roster table (TT | Họ tên | Chức vụ tổ, xóm/đơn vị công tác | Chức vụ Tổ công nghệ
số cộng đồng | SĐT | Ghi chú) from .xlsx or .csv → member inputs and a per-row report (pure reading).

Communes keep these tables in spreadsheets with title rows, merged cells and blank rows; the official
table has no consent column, so without one no phone number is stored.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Finding, Severity
from ..phones import normalise_phone
from ..text import clean, fold
from .roster import MemberInput, parse_role

MAX_ROWS = 5000
# Folded header text → column; the first matching rule wins, so the longer headers come first.
_HEADERS = [
    ("consent", ("dong y",)),
    ("role", ("cong nghe so", "chuc vu trong to", "vai tro")),
    ("position", ("don vi cong tac", "chuc vu to, xom", "chuc vu", "don vi")),
    ("full_name", ("ho ten", "ho va ten")),
    ("phone", ("sdt", "so dien thoai", "dien thoai")),
    ("notes", ("ghi chu",)),
    ("number", ("tt", "stt")),
]
_YES = {"co", "x", "yes", "true", "1", "dong y", "đong y"}
_NO = {"khong", "no", "false", "0", ""}


@dataclass
class Sheet:
    members: list[MemberInput] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    imported: list[str] = field(default_factory=list)  # one line per accepted row, for the report


def column_of(text: str) -> str | None:
    key = fold(clean(text)).replace("\n", " ")
    if not key:
        return None
    for column, needles in _HEADERS:
        if column == "number":
            if key in needles:
                return column
        elif any(n in key for n in needles):
            return column
    return None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value))


def read_grid(path: Path) -> list[list[str]]:
    """Cells as text; merged ranges of an .xlsx are filled with their top-left value."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        book = load_workbook(path, data_only=True)
        sheet = book.worksheets[0]
        grid = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS)]
        for merged in sheet.merged_cells.ranges:
            top = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row - 1 < len(grid) else ""
            for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
                for c in range(merged.min_col - 1, merged.max_col):
                    if c < len(grid[r]):
                        grid[r][c] = top
        return grid
    raw = path.read_bytes()
    return read_csv_text(raw.decode("utf-8-sig"))


def read_csv_text(text: str) -> list[list[str]]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # files saved on old Macs end lines with CR
    sample = text[:4096]
    delimiter = max([",", ";", "\t"], key=sample.count)
    rows = itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), MAX_ROWS)
    return [[clean(c) for c in row] for row in rows]


def parse_grid(grid: list[list[str]], source: str) -> Sheet:
    """Find the header row under any title rows, then read each row into a member or a located rejection."""
    sheet = Sheet()
    header_at, columns = None, {}
    for index, row in enumerate(grid):
        found: dict[str, int] = {}
        for position, text in enumerate(row):
            column = column_of(text)
            if column and column not in found:
                found[column] = position
        if "full_name" in found and "role" in found:
            header_at, columns = index, found
            break
    if header_at is None:
        sheet.findings.append(Finding(
            source, None, None, "header-not-found",
            "Không tìm thấy dòng tiêu đề có cột «Họ tên» và «Chức vụ Tổ công nghệ số cộng đồng»",
            "No header row with the columns «Họ tên» and «Chức vụ Tổ công nghệ số cộng đồng»"))
        return sheet
    has_consent = "consent" in columns
    previous_name = None
    for index in range(header_at + 1, len(grid)):
        row = grid[index]
        number = index + 1

        def get(name: str, row: list[str] = row) -> str:
            at = columns.get(name)
            return row[at] if at is not None and at < len(row) else ""

        name, role_text = get("full_name"), get("role")
        if not any(row):
            continue
        if name and name == previous_name and not get("number"):
            continue  # a vertically merged cell repeated under its row
        if column_of(name) == "full_name":
            continue  # the header repeated on a new page
        if not name and not role_text:
            continue  # footer, signature or sub-heading rows
        if not name:
            sheet.findings.append(Finding(source, number, "Họ tên", "member-name-missing", "Dòng thiếu họ tên; bỏ qua",
                                          "The row has no name; skipped"))
            continue
        previous_name = name
        role = parse_role(role_text)
        if role is None:
            sheet.findings.append(Finding(
                source, number, "Chức vụ Tổ công nghệ số cộng đồng", "member-role-unknown",
                f"{name}: không rõ chức vụ trong tổ «{role_text}»; bỏ qua dòng này",
                f"{name}: unknown role «{role_text}»; row skipped"))
            continue
        phone_text = get("phone")
        consent_text = fold(get("consent"))
        consent = has_consent and consent_text in _YES
        if has_consent and consent_text not in _YES | _NO:
            sheet.findings.append(Finding(
                source, number, "Đồng ý công khai SĐT", "consent-unclear",
                f"{name}: «{get('consent')}» không rõ là Có hay Không; không lưu số điện thoại",
                f"{name}: «{get('consent')}» is neither Có nor Không; the phone is not stored", Severity.WARNING))
        kept_phone = ""
        if phone_text:
            if not consent:
                why = "bảng không có cột đồng ý công khai" if not has_consent else "không đồng ý công khai"
                why_en = "the table has no consent column" if not has_consent else "no consent to publish"
                sheet.findings.append(Finding(
                    source, number, "SĐT", "phone-not-stored", f"{name}: không lưu số điện thoại ({why})",
                    f"{name}: phone number not stored ({why_en})", Severity.WARNING))
            elif normalise_phone(phone_text) is None:
                sheet.findings.append(Finding(
                    source, number, "SĐT", "phone-invalid",
                    f"{name}: số điện thoại «{phone_text}» không hợp lệ; bỏ qua dòng này",
                    f"{name}: «{phone_text}» is not a valid phone number; row skipped"))
                continue
            else:
                kept_phone = phone_text
        sheet.members.append(MemberInput(name, role_text, get("position"), kept_phone, number, consent,
                                         get("notes")))
        stored = f", SĐT {normalise_phone(kept_phone)}" if kept_phone else ""
        sheet.imported.append(f"{source}:{number}: {name} — {role_text}{stored}")
    if not sheet.members and not any(f.severity == Severity.ERROR for f in sheet.findings):
        sheet.findings.append(Finding(source, header_at + 1, None, "members-empty",
                                      "Bảng không có thành viên nào", "The table lists no members"))
    return sheet


def read_roster(path: Path) -> Sheet:
    """Never raises on a bad file: an unreadable one is a located error."""
    source = Path(path).name
    try:
        grid = read_grid(Path(path))
    except Exception as exc:  # openpyxl and zipfile raise many kinds; every one means "cannot read this file"
        sheet = Sheet()
        sheet.findings.append(Finding(source, None, None, "file-unreadable",
                                      f"Không đọc được tệp (cần .xlsx hoặc .csv UTF-8): {exc}",
                                      f"Cannot read the file (.xlsx or UTF-8 .csv expected): {exc}"))
        return sheet
    return parse_grid(grid, source)


def import_roster(args: argparse.Namespace) -> int:
    from ..load import load
    from ..units import Units
    from .apply import plan, write_files
    from .change import Change
    from .roster import roster_change

    sheet = read_roster(Path(args.file))
    for line in sheet.imported:
        print(f"NHẬP/IMPORTED {line}")
    for item in sheet.findings:
        label = "BỎ QUA/REJECTED" if item.severity == Severity.ERROR else "LƯU Ý/NOTE"
        print(f"{label} {item.text()}")
    if not sheet.members:
        print("không ghi gì / nothing written")
        return 1 if sheet.findings and sheet.findings[0].code != "file-unreadable" else 2
    dataset = load(args.data)
    change = Change("team", Path(args.file).name)
    roster_change(change, dataset, Units.from_dataset(dataset), args.today, commune_code=args.commune,
                  village=args.village, team_id=args.team, team_name="", established_on="", notes="",
                  members=sheet.members, lines={})
    outcome = plan(args.data, dataset, change, args.today, prefix="")
    for vi, en in zip(change.summary_vi, change.summary_en, strict=True):
        print(f"{vi} — {en}")
    shown = {(f.row, f.code) for f in sheet.findings}
    for item in outcome.findings:
        if (item.row, item.code) not in shown:
            print(item.text())
    if not outcome.valid:
        print("KHÔNG HỢP LỆ, không ghi gì / INVALID, nothing written", file=sys.stderr)
        return 1
    for path in write_files(Path(args.data), outcome.files):
        print(f"đã ghi / wrote: {Path(args.data) / path}")
    return 0
