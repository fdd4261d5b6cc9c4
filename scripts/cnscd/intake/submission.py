"""Form fields → a Change (pure over a loaded Dataset): the team roster, the periodic report, the guide."""

from __future__ import annotations

import datetime as dt
import re

import yaml

from .. import package, periods
from ..contact import find_contacts, message
from ..load import Dataset
from ..model import Pillar
from ..phones import normalise_phone
from ..site.guides import check_body_contacts, check_front_matter
from ..text import clean, has_control, has_html, slugify
from ..units import Units
from .body import ParsedBody
from .change import Change
from .forms import Form
from .roster import MemberInput, parse_consent, parse_role, roster_change
from .spreadsheet import header_columns, member_from_row
from .withdrawal import withdrawal_change

CONSENT_FIELD = "consent_recorded_by"
GUIDES_DIR = "docs/huong-dan"
PILLAR_LABELS = {"Chính quyền số": Pillar.GOVERNMENT, "Kinh tế số": Pillar.ECONOMY, "Xã hội số": Pillar.SOCIETY}
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}")
_ROW_NUMBER = re.compile(r"^[0-9]{1,3}\.?$")
_LIST_NUMBER = re.compile(r"^[0-9]{1,3}[.)]\s+(?=[^\W\d_])")
_BARE_PHONE = re.compile(r"^[0-9+][0-9 .()\-]{7,}$")
_THOUSANDS = re.compile(r"^[0-9]{1,3}([.,][0-9]{3})+$")


def split_member_line(line: str) -> list[str]:
    """`Name; role; position; phone; consent; notes`, a Markdown table row or a spreadsheet row (tabs)."""
    text = line.strip()
    if "|" in text:
        return [c.strip() for c in text.strip("|").split("|")]
    if "\t" in text:
        return [c.strip() for c in text.split("\t")]
    if ";" in text:
        return [c.strip() for c in text.split(";")]
    return [c.strip() for c in text.split(",")]


def _member_from_cells(cells: list[str], line: int | None) -> MemberInput:
    """A line without a header: the form's order, or the annex's official order when it starts with TT."""
    if len(cells) > 1 and _ROW_NUMBER.match(cells[0]):
        cells = cells[1:]
        # The annex: Họ tên | Chức vụ tổ, xóm/đơn vị | Chức vụ Tổ CNSCĐ | SĐT | Ghi chú | (Đồng ý công khai SĐT)
        name, position, role, phone, notes, consent = [*cells, "", "", "", "", "", ""][:6]
        if parse_role(position) is not None and parse_role(role) is None:
            name, role, position, phone, consent, notes = [*cells, "", "", "", "", "", ""][:6]  # the form's order
            notes = "; ".join(c for c in cells[5:] if c)
        else:
            notes = "; ".join(c for c in [notes, *cells[6:]] if c)
        return MemberInput(name, role, position, phone, line, consent, notes)
    numbered = _LIST_NUMBER.match(cells[0]) if cells else None
    if numbered:
        cells = [cells[0][numbered.end():], *cells[1:]]  # «1. Nguyễn Văn A; …»: a numbered list
    name, role, position, phone, consent = [*cells, "", "", "", "", ""][:5]
    if parse_role(role) is None and parse_role(position) is not None:
        role, position = position, role
    notes = "; ".join(c for c in cells[5:] if c)
    if _BARE_PHONE.match(position) and normalise_phone(position):
        if not phone:
            position, phone = "", position  # `Name; role; phone`
        elif parse_consent(phone):
            # `Name; role; phone; consent; notes`: the position was left out
            position, phone, consent, notes = "", position, phone, "; ".join(c for c in cells[4:] if c)
    return MemberInput(name, role, position, phone, line, consent, notes)


def parse_members(text: str, first_line: int | None) -> list[MemberInput]:
    """One member per line; a pasted table with a header row is read by its column names (Họ | Tên joined)."""
    members = []
    columns: dict[str, list[int]] | None = None
    headers: list[str] = []
    for offset, raw in enumerate(text.split("\n")):
        line = (first_line + offset) if first_line else None
        if not raw.strip() or _TABLE_RULE.match(raw.strip()):
            continue
        cells = split_member_line(raw)
        header = header_columns(cells)
        if header:
            columns, headers = header, cells
            continue
        if columns:
            members.append(member_from_row(cells, columns, headers, line))
        else:
            members.append(_member_from_cells(cells, line))
    return members


def read_date(change: Change, parsed: ParsedBody, field_id: str, label: str, today: dt.date) -> str | None:
    """A Vietnamese or ISO date → ISO text; a located error when it is malformed, impossible or in the future."""
    text = parsed.text(field_id)
    if not text:
        return ""
    try:
        day = periods.parse_vi_date(text)
    except periods.BadInput as exc:
        why_vi = "không có ngày này" if exc.impossible else "viết dạng ngày/tháng/năm, ví dụ 25/09/2025"
        why_en = "no such day" if exc.impossible else "write day/month/year, e.g. 25/09/2025"
        change.error(parsed.lines.get(field_id), field_id, "date-invalid", f"«{label}»: «{text}»: {why_vi}",
                     f"«{field_id}»: «{text}»: {why_en}")
        return None
    if day > today:
        change.error(parsed.lines.get(field_id), field_id, "date-in-future",
                     f"«{label}»: ngày {day:%d/%m/%Y} ở tương lai (hôm nay {today:%d/%m/%Y})",
                     f"«{field_id}»: {day.isoformat()} is in the future (today is {today.isoformat()})")
        return None
    return day.isoformat()


def team_change(parsed: ParsedBody, form: Form, dataset: Dataset, units: Units, today: dt.date,
                source: str) -> Change:
    change = Change("team", source, findings=list(parsed.findings))
    if change.has_errors:
        return change
    established = read_date(change, parsed, "established_on", "Ngày thành lập", today)
    if established is None:
        return change
    members = parse_members(parsed.text("members"), parsed.lines.get("members"))
    if not members:
        change.error(parsed.lines.get("members"), "members", "members-empty", "Danh sách thành viên trống",
                     "The member list is empty")
        return change
    roster_change(change, dataset, units, today, commune_code=parsed.text("commune_code"),
                  village=parsed.text("village"), team_id=parsed.text("team_id"),
                  team_name=parsed.text("team_name"), established_on=established, notes=parsed.text("notes"),
                  members=members, lines=dict(parsed.lines), consent_recorded_by=parsed.text(CONSENT_FIELD))
    return change


def parse_value(text: str) -> str | None:
    """A whole non-negative number as people type it: `1.250`, `1 250`, `12`."""
    value = text.replace(" ", "").replace("\u00a0", "")
    if _THOUSANDS.match(value):
        value = re.sub(r"[.,]", "", value)
    if not value.isdigit() or not value.isascii():
        return None
    return str(int(value))


def report_change(parsed: ParsedBody, form: Form, dataset: Dataset, units: Units, today: dt.date,
                  source: str) -> Change:
    change = Change("report", source, findings=list(parsed.findings))
    if change.has_errors:
        return change
    line = parsed.lines.get
    team_id = parsed.text("team_id").upper()
    team = dataset.index("teams", "team_id").get(team_id)
    if team is None:
        change.error(line("team_id"), "team_id", "team-unknown", f"Không có tổ mã {team_id}",
                     f"No team with id {team_id}")
    try:
        period = periods.parse_vi_period(parsed.text("period"))
    except periods.BadInput as exc:
        period = ""
        why_vi = "không có tháng/quý này" if exc.impossible else "viết tháng 10/2026 hoặc quý 3/2026"
        why_en = "no such month or quarter" if exc.impossible else "write tháng 10/2026 or quý 3/2026"
        change.error(line("period"), "period", "period-invalid", f"Kỳ báo cáo «{parsed.text('period')}»: {why_vi}",
                     f"The period «{parsed.text('period')}»: {why_en}")
    span = periods.parse(period) if period else None
    if span is not None and span[0] > today:
        change.error(line("period"), "period", "period-in-future",
                     f"Kỳ {periods.label_vi(period)} chưa bắt đầu (hôm nay {today:%d/%m/%Y})",
                     f"The period {period} has not started yet (today is {today.isoformat()})")
    if change.has_errors:
        return change
    assert team is not None
    change.province_code = package.partition_of(team.file)
    # Authority is by 2025 commune: a pre-2025 team's own code may now name another commune.
    change.commune_code = units.current_commune(team)
    notes = "; ".join(part for part in (
        f"Khó khăn: {clean(' '.join(parsed.text('difficulties').split()))}" if parsed.text("difficulties") else "",
        f"Đề xuất: {clean(' '.join(parsed.text('proposals').split()))}" if parsed.text("proposals") else "",
    ) if part)
    indicators = {row["code"]: row for row in dataset.rows("indicators")}
    count = 0
    for spec in form.fields:
        raw = parsed.text(spec.id)
        if spec.id not in indicators or not raw:
            continue
        value = parse_value(raw)
        if value is None:
            change.error(line(spec.id), spec.id, "value-invalid",
                         f"«{spec.label}»: «{raw}» không phải số nguyên không âm",
                         f"«{spec.id}»: «{raw}» is not a whole non-negative number")
            continue
        row = {"team_id": team_id, "period": period, "indicator_code": spec.id, "value": value,
               "submitted_on": today.isoformat(), "notes": notes}
        change.add("reports", row, (team_id, period, spec.id), line(spec.id), spec.id)
        count += 1
    for field_id in ("difficulties", "proposals"):
        contacts = find_contacts(parsed.text(field_id))
        if contacts:
            spec = form.get(field_id)
            change.error(line(field_id), field_id, "contact-in-text",
                         *message(contacts[0].kind, f"mục «{spec.label if spec else field_id}»", field_id))
    if not count and not change.has_errors:
        change.error(line("period"), None, "report-empty", "Báo cáo chưa có kết quả nào",
                     "The report has no value for any indicator")
    change.title = f"Báo cáo {periods.label_vi(period)} của {team['name']} ({team_id})"
    change.note(f"Báo cáo {periods.label_vi(period)} của tổ {team_id} «{team['name']}»: {count} chỉ tiêu",
                f"Report for {period} of team {team_id}: {count} indicators")
    return change


def guide_change(parsed: ParsedBody, form: Form, dataset: Dataset, units: Units, today: dt.date,
                 source: str) -> Change:
    change = Change("guide", source, findings=list(parsed.findings))
    if change.has_errors:
        return change
    line = parsed.lines.get
    for spec in form.fields:
        value = parsed.text(spec.id)
        if has_html(value) or has_control(value):
            change.error(line(spec.id), spec.id, "text-html",
                         f"«{spec.label}» không được chứa mã HTML hay ký tự điều khiển ẩn",
                         f"«{spec.id}» must not contain HTML or hidden control characters")
    pillar = PILLAR_LABELS.get(parsed.text("pillar"))
    if pillar is None:
        change.error(line("pillar"), "pillar", "pillar-unknown", f"Không rõ trụ cột «{parsed.text('pillar')}»",
                     f"Unknown pillar «{parsed.text('pillar')}»")
    slug = slugify(parsed.text("title"))
    if not slug:
        change.error(line("title"), "title", "title-invalid", "Tiêu đề phải có chữ hoặc số",
                     "The title needs letters or digits")
    if change.has_errors:
        return change
    meta = {"title": parsed.text("title"), "platform": parsed.text("platform"), "pillar": str(pillar),
            "audience": parsed.text("audience"), "author": parsed.text("author"), "reviewed_on": today}
    # The same front-matter rules the site build applies: a guide accepted here always builds.
    for problem in check_front_matter(source, meta):
        change.error(line(problem.field or "title"), problem.field, problem.code, problem.message_vi, problem.message_en)
    if change.has_errors:
        return change
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    body = parsed.text("body").replace("\r\n", "\n").strip()
    for problem in check_body_contacts(source, body, line("body")):
        change.findings.append(problem)
    if change.has_errors:
        return change
    path = f"{GUIDES_DIR}/{slug}.md"
    change.files[path] = f"---\n{front}---\n\n# {meta['title']}\n\n{body}\n"
    change.origins[("files", (path,))] = (line("body"), "body")
    change.title = f"Hướng dẫn: {meta['title']}"
    change.note(f"Bài hướng dẫn «{meta['title']}» ({meta['platform']}) → {path}",
                f"Guide «{meta['title']}» ({meta['platform']}) → {path}")
    return change


BUILDERS = {"team": team_change, "report": report_change, "guide": guide_change, "withdrawal": withdrawal_change}
