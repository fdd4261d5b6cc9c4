"""The official annex roster table (TT | Họ tên | Chức vụ tổ, xóm/đơn vị công tác | Chức vụ Tổ công nghệ
số cộng đồng | SĐT | Ghi chú) from .xlsx or .csv → member inputs and a per-row report (pure reading).

Communes keep these tables in spreadsheets with title rows, merged cells, blank rows and names split
over two columns (Họ | Tên). The official table has no consent column, so without one no phone number is
stored. A file past a limit is refused whole before any work: rows are never dropped silently.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..contact import find_contacts, message
from ..model import Finding, Severity
from ..phones import normalise_phone
from ..text import clean, fold
from .roster import CONSENT_HELP_EN, CONSENT_HELP_VI, MemberInput, parse_consent, parse_role

# Limits (documented in the README): a commune's roster is tens of rows; these leave room for a whole
# province's list in one file and refuse anything past them before reading it.
MAX_FILE_BYTES = 5_000_000
MAX_UNPACKED_BYTES = 50_000_000  # an .xlsx is a zip: its inflated size is capped too
MAX_ROWS = 5000
MAX_COLUMNS = 50
MAX_CELL_CHARS = 2000
# Folded header text → column; the first matching rule wins, so the longer headers come first.
_EXACT = {"tt": "number", "stt": "number", "so tt": "number", "ten": "given_name",
          "ho": "family_name", "ho dem": "family_name", "ho lot": "family_name", "ho va ten dem": "family_name",
          "ho, ten dem": "family_name", "ho va dem": "family_name", "ho va chu dem": "family_name"}
_HEADERS = [
    ("consent", ("dong y",)),
    ("role", ("cong nghe so", "chuc vu trong to", "vai tro")),
    ("position", ("don vi cong tac", "chuc vu to, xom", "chuc vu", "don vi")),
    ("full_name", ("ho ten", "ho va ten")),
    ("phone", ("sdt", "so dien thoai", "dien thoai")),
    ("notes", ("ghi chu",)),
]


class TooLarge(Exception):
    def __init__(self, code: str, vi: str, en: str, row: int | None = None) -> None:
        super().__init__(en)
        self.code, self.vi, self.en, self.row = code, vi, en, row


@dataclass
class Sheet:
    members: list[MemberInput] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    imported: list[str] = field(default_factory=list)  # one line per accepted row, for the report

    @property
    def has_errors(self) -> bool:
        return any(f.severity == Severity.ERROR for f in self.findings)


def column_of(text: str) -> str | None:
    key = " ".join(fold(clean(text)).replace(":", " ").split())
    if not key:
        return None
    if key in _EXACT:
        return _EXACT[key]
    for column, needles in _HEADERS:
        if any(n in key for n in needles):
            return column
    return None


def header_columns(cells: list[str]) -> dict[str, list[int]] | None:
    """Column → positions when the row is a roster header (a name column and a role column), else None."""
    found: dict[str, list[int]] = {}
    for position, text in enumerate(cells):
        column = column_of(text)
        if column:
            found.setdefault(column, []).append(position)
    has_name = "full_name" in found or ("family_name" in found and "given_name" in found)
    return found if has_name and "role" in found else None


def _join(values: list[str]) -> str:
    """Cells of one name side by side; a value merged across them (repeated by the reader) counts once."""
    parts: list[str] = []
    for value in values:
        if value and (not parts or parts[-1] != value):
            parts.append(value)
    return clean(" ".join(parts))


def member_from_row(cells: list[str], columns: dict[str, list[int]], headers: list[str], line: int | None,
                    field_id: str = "members") -> MemberInput:
    """One row under a header: a name split over Họ | Tên is read whole; unknown columns are kept as notes."""
    def values(name: str) -> list[str]:
        return [cells[i] for i in columns.get(name, []) if i < len(cells)]

    def first(name: str) -> str:
        return next((v for v in values(name) if v), "")

    name = _join(values("full_name")) or _join(values("family_name") + values("given_name"))
    known = {i for positions in columns.values() for i in positions}
    extra = [f"{headers[i]}: {cells[i]}" if i < len(headers) and headers[i] else cells[i]
             for i in range(len(cells)) if i not in known and cells[i]]
    notes = "; ".join(v for v in [first("notes"), *extra] if v)
    return MemberInput(name, first("role"), first("position"), first("phone"), line, first("consent"), notes, field_id)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value))


def _check_shape(row: list[str], index: int) -> None:
    """Refuse the whole file at the first row past a limit, saying which limit and where."""
    if index >= MAX_ROWS:
        raise TooLarge("too-many-rows",
                       f"Bảng có hơn {MAX_ROWS} dòng (dòng {index + 1} còn dữ liệu); không nhập phần nào. "
                       "Hãy tách thành nhiều tệp, mỗi tổ một tệp",
                       f"The table has more than {MAX_ROWS} rows (row {index + 1} has data); nothing imported. "
                       "Split it into several files, one per team", index + 1)
    filled = [i for i, value in enumerate(row) if value]
    if filled and filled[-1] >= MAX_COLUMNS:
        raise TooLarge("too-many-columns", f"Dòng {index + 1} có dữ liệu ở cột thứ {filled[-1] + 1}, quá {MAX_COLUMNS} cột",
                       f"Row {index + 1} has data in column {filled[-1] + 1}, past {MAX_COLUMNS} columns", index + 1)
    for position in filled:
        if len(row[position]) > MAX_CELL_CHARS:
            raise TooLarge("cell-too-long", f"Ô ở dòng {index + 1}, cột {position + 1} dài quá {MAX_CELL_CHARS} ký tự",
                           f"The cell at row {index + 1}, column {position + 1} is longer than {MAX_CELL_CHARS} "
                           "characters", index + 1)


def _trimmed(rows) -> list[list[str]]:
    """Cells as text, every limit checked as rows arrive; trailing empty rows and columns are dropped."""
    grid: list[list[str]] = []
    for index, raw in enumerate(rows):
        row = [_cell(v) for v in raw]
        while row and not row[-1]:
            row.pop()
        if row:
            _check_shape(row, index)
        grid.append(row[:MAX_COLUMNS])
    while grid and not grid[-1]:
        grid.pop()
    return grid


def read_grid(path: Path) -> list[list[str]]:
    """Cells as text; merged ranges of an .xlsx are filled with their top-left value."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise TooLarge("file-too-large", f"Tệp {size:,} byte, quá giới hạn {MAX_FILE_BYTES:,} byte; không nhập phần nào",
                       f"The file is {size:,} bytes, past the {MAX_FILE_BYTES:,} byte limit; nothing imported")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise TooLarge("file-too-large", f"Tệp giải nén ra {unpacked:,} byte, quá giới hạn {MAX_UNPACKED_BYTES:,} byte",
                           f"The file unpacks to {unpacked:,} bytes, past the {MAX_UNPACKED_BYTES:,} byte limit")
        from openpyxl import load_workbook

        book = load_workbook(path, data_only=True)
        sheet = book.worksheets[0]
        for other in book.worksheets[1:]:
            if any(v not in (None, "") for row in other.iter_rows(values_only=True) for v in row):
                raise TooLarge("sheets-many", f"Tệp có nhiều trang tính có dữ liệu («{other.title}»); chỉ nhập được một "
                               "trang: hãy để mỗi tổ một tệp", f"The file has more than one sheet with data "
                               f"(«{other.title}»); one sheet per file, one team per file")
        grid = _trimmed(sheet.iter_rows(values_only=True))
        for merged in sheet.merged_cells.ranges:
            if merged.min_row - 1 >= len(grid) or merged.min_col - 1 >= len(grid[merged.min_row - 1]):
                continue
            top = grid[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
                grid[r] += [""] * (min(merged.max_col, MAX_COLUMNS) - len(grid[r]))
                for c in range(merged.min_col - 1, min(merged.max_col, MAX_COLUMNS)):
                    grid[r][c] = top
        return grid
    return read_csv_text(path.read_bytes().decode("utf-8-sig"))


def read_csv_text(text: str) -> list[list[str]]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # files saved on old Macs end lines with CR
    sample = text[:4096]
    delimiter = max([",", ";", "\t"], key=sample.count)
    return _trimmed(csv.reader(io.StringIO(text), delimiter=delimiter))


def parse_grid(grid: list[list[str]], source: str) -> Sheet:
    """Find the header row under any title rows, then read each row into a member or a located rejection."""
    sheet = Sheet()
    header_at, columns = None, {}
    for index, row in enumerate(grid):
        found = header_columns(row)
        if found:
            header_at, columns = index, found
            break
    if header_at is None:
        sheet.findings.append(Finding(
            source, None, None, "header-not-found",
            "Không tìm thấy dòng tiêu đề có cột «Họ tên» (hoặc «Họ» và «Tên») và «Chức vụ Tổ công nghệ số cộng đồng»",
            "No header row with the columns «Họ tên» (or «Họ» and «Tên») and «Chức vụ Tổ công nghệ số cộng đồng»"))
        return sheet
    headers = grid[header_at]
    label = {name: headers[positions[0]] for name, positions in columns.items()}
    phone_at = set(columns.get("phone", []))
    has_consent = "consent" in columns
    previous_name = None
    for index in range(header_at + 1, len(grid)):
        row = grid[index]
        number = index + 1
        if not any(row):
            continue
        item = member_from_row(row, columns, headers, number, label.get("full_name", "Họ tên"))
        name, role_text = item.full_name, item.role_text
        number_cell = next((row[i] for i in columns.get("number", []) if i < len(row)), "")
        if name and name == previous_name and not number_cell:
            continue  # a vertically merged cell repeated under its row
        if header_columns(row):
            continue  # the header repeated on a new page
        if not name and not role_text:
            continue  # footer, signature or sub-heading rows
        contacts = [(i, c) for i, value in enumerate(row) if i not in phone_at for c in find_contacts(value)[:1]]
        for at, contact in contacts:
            column = headers[at] if at < len(headers) and headers[at] else f"cột {at + 1}"
            vi, en = message(contact.kind, f"cột «{column}»", f"the column «{column}»")
            sheet.findings.append(Finding(
                source, number, column, "contact-in-text",
                f"{name or 'Dòng này'}: {vi}. Muốn công khai số: ghi ở cột SĐT và ghi cách người đó đồng ý (Phiếu "
                "giấy, Trực tiếp hoặc Tự xác nhận) ở cột «Đồng ý công khai SĐT»",
                f"{name or 'This row'}: {en}. To publish it: put it in the SĐT column and say how the person agreed "
                "in the «Đồng ý công khai SĐT» column"))
        if contacts:
            continue
        if not name:
            sheet.findings.append(Finding(source, number, label.get("full_name", "Họ tên"), "member-name-missing",
                                          "Dòng thiếu họ tên", "The row has no name"))
            continue
        previous_name = name
        if parse_role(role_text) is None:
            sheet.findings.append(Finding(
                source, number, label["role"], "member-role-unknown",
                f"{name}: không rõ chức vụ trong tổ «{role_text}» (Tổ trưởng, Tổ phó, Tổ viên)",
                f"{name}: unknown role «{role_text}» (Tổ trưởng, Tổ phó, Tổ viên)"))
            continue
        method = parse_consent(item.consent_text)
        if method is None:
            sheet.findings.append(Finding(
                source, number, label["consent"], "consent-unclear",
                f"{name}: cột đồng ý ghi «{item.consent_text}»; ghi một trong: {CONSENT_HELP_VI}",
                f"{name}: the consent column says «{item.consent_text}»; write one of: {CONSENT_HELP_EN}"))
            continue
        stored = ""
        if item.phone_text:
            if normalise_phone(item.phone_text) is None:
                sheet.findings.append(Finding(
                    source, number, label.get("phone", "SĐT"), "phone-invalid",
                    f"{name}: số điện thoại «{item.phone_text}» không hợp lệ",
                    f"{name}: «{item.phone_text}» is not a valid phone number"))
                continue
            elif not method:
                why = "bảng không có cột «Đồng ý công khai SĐT»" if not has_consent else "không ghi cách người đó đồng ý"
                why_en = "the table has no consent column" if not has_consent else "no recorded consent"
                sheet.findings.append(Finding(
                    source, number, label.get("phone", "SĐT"), "phone-not-stored",
                    f"{name}: không lưu số điện thoại ({why})", f"{name}: phone number not stored ({why_en})",
                    Severity.WARNING))
                item.phone_text = ""
            else:
                stored = f", SĐT {normalise_phone(item.phone_text)}"
        sheet.members.append(item)
        sheet.imported.append(f"{source}:{number}: {name} — {role_text}{stored}")
    if not sheet.members and not sheet.has_errors:
        sheet.findings.append(Finding(source, header_at + 1, None, "members-empty",
                                      "Bảng không có thành viên nào", "The table lists no members"))
    return sheet


def read_roster(path: Path) -> Sheet:
    """Never raises on a bad file: an unreadable or oversized one is a located error."""
    source = Path(path).name
    try:
        grid = read_grid(Path(path))
    except TooLarge as exc:
        sheet = Sheet()
        sheet.findings.append(Finding(source, exc.row, None, exc.code, exc.vi, exc.en))
        return sheet
    except Exception as exc:  # openpyxl and zipfile raise many kinds; every one means "cannot read this file"
        sheet = Sheet()
        sheet.findings.append(Finding(source, None, None, "file-unreadable",
                                      f"Không đọc được tệp (cần .xlsx hoặc .csv UTF-8): {exc}",
                                      f"Cannot read the file (.xlsx or UTF-8 .csv expected): {exc}"))
        return sheet
    return parse_grid(grid, source)


def import_roster(args: argparse.Namespace) -> int:
    """The whole file or nothing: any row in error refuses the import, so no one is dropped from a roster."""
    from ..load import load
    from ..units import Units
    from .apply import plan, write_files
    from .change import Change
    from .roster import roster_change

    sheet = read_roster(Path(args.file))
    for line in sheet.imported:
        print(f"ĐỌC ĐƯỢC/READ {line}")
    for item in sheet.findings:
        print(item.text())
    if not sheet.members or sheet.has_errors:
        print("KHÔNG HỢP LỆ, không ghi gì: sửa các dòng trên rồi nhập lại cả tệp / INVALID, nothing written: fix the "
              "rows above and import the whole file again", file=sys.stderr)
        return 2 if sheet.findings and sheet.findings[0].code == "file-unreadable" else 1
    dataset = load(args.data)
    change = Change("team", Path(args.file).name)
    roster_change(change, dataset, Units.from_dataset(dataset), args.today, commune_code=args.commune,
                  village=args.village, team_id=args.team, team_name="", established_on="", notes="",
                  members=sheet.members, lines={},
                  consent_recorded_by=getattr(args, "consent_recorded_by", "") or "")
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
