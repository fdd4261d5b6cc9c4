"""Form fields → a Change (pure over a loaded Dataset): the team roster, the periodic report, the guide."""

from __future__ import annotations

import datetime as dt
import re

import yaml

from .. import package, periods
from ..load import Dataset
from ..model import Pillar
from ..phones import normalise_phone
from ..site.guides import check_front_matter
from ..text import clean, has_control, has_html, slugify
from ..units import Units
from .body import ParsedBody
from .change import Change
from .forms import Form
from .roster import MemberInput, parse_role, roster_change

CONSENT_FIELD = "phone_consent"
GUIDES_DIR = "docs/huong-dan"
PILLAR_LABELS = {"Chính quyền số": Pillar.GOVERNMENT, "Kinh tế số": Pillar.ECONOMY, "Xã hội số": Pillar.SOCIETY}
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}")
_ROW_NUMBER = re.compile(r"^[0-9]{1,3}\.?$")
_THOUSANDS = re.compile(r"^[0-9]{1,3}([.,][0-9]{3})+$")


def split_member_line(line: str) -> list[str]:
    """`Name; role; position; phone`, a Markdown table row or a row pasted from a spreadsheet (tabs)."""
    text = line.strip()
    if "|" in text:
        cells = [c.strip() for c in text.strip("|").split("|")]
    elif "\t" in text:
        cells = [c.strip() for c in text.split("\t")]
    elif ";" in text:
        cells = [c.strip() for c in text.split(";")]
    else:
        cells = [c.strip() for c in text.split(",")]
    if len(cells) > 1 and _ROW_NUMBER.match(cells[0]):
        cells = cells[1:]  # the TT column of the official annex table
    return cells


def parse_members(text: str, first_line: int | None, consent: bool) -> list[MemberInput]:
    """One member per line; a pasted table with a header row is read by its column names."""
    from .spreadsheet import column_of

    members = []
    columns: dict[str, int] = {}
    for offset, raw in enumerate(text.split("\n")):
        line = (first_line + offset) if first_line else None
        if not raw.strip() or _TABLE_RULE.match(raw.strip()):
            continue
        cells = [c.strip() for c in (raw.strip().strip("|").split("|") if "|" in raw else
                                     raw.split("\t") if "\t" in raw else split_member_line(raw))]
        header = {column_of(c): i for i, c in reversed(list(enumerate(cells))) if column_of(c)}
        if "full_name" in header and "role" in header:
            columns = header
            continue
        if columns:
            def get(name: str, cells: list[str] = cells, columns: dict[str, int] = columns) -> str:
                at = columns.get(name)
                return cells[at] if at is not None and at < len(cells) else ""

            members.append(MemberInput(get("full_name"), get("role"), get("position"), get("phone"), line, consent,
                                       get("notes")))
            continue
        cells = split_member_line(raw)
        name, role, position, phone = [*cells, "", "", "", ""][:4]
        if parse_role(role) is None and parse_role(position) is not None:
            role, position = position, role  # the annex order: position before role
        if not phone and normalise_phone(position):
            position, phone = "", position  # `Name; role; phone`
        notes = "; ".join(c for c in cells[4:] if c)
        members.append(MemberInput(name, role, position, phone, line, consent, notes))
    return members


def team_change(parsed: ParsedBody, form: Form, dataset: Dataset, units: Units, today: dt.date,
                source: str) -> Change:
    change = Change("team", source, findings=list(parsed.findings))
    if change.has_errors:
        return change
    consent = bool(parsed.checked(CONSENT_FIELD))
    established = parsed.text("established_on")
    if established:
        try:
            day = dt.date.fromisoformat(established)
        except ValueError:
            day = None
        if day is None or day > today:
            change.error(parsed.lines.get("established_on"), "established_on", "date-invalid",
                         f"Ngày thành lập «{established}» phải có dạng YYYY-MM-DD và không ở tương lai",
                         f"The establishment date «{established}» must be YYYY-MM-DD and not in the future")
            return change
    members = parse_members(parsed.text("members"), parsed.lines.get("members"), consent)
    if not members:
        change.error(parsed.lines.get("members"), "members", "members-empty", "Danh sách thành viên trống",
                     "The member list is empty")
        return change
    roster_change(change, dataset, units, today, commune_code=parsed.text("commune_code"),
                  village=parsed.text("village"), team_id=parsed.text("team_id"),
                  team_name=parsed.text("team_name"), established_on=established, notes=parsed.text("notes"),
                  members=members, lines=dict(parsed.lines))
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
    period = parsed.text("period").upper().replace("Q", "-Q").replace("--", "-")
    if periods.parse(period) is None or period.count("-") != 1:
        change.error(line("period"), "period", "period-invalid",
                     f"Kỳ báo cáo «{parsed.text('period')}» phải có dạng YYYY-MM hoặc YYYY-Qn",
                     f"The period «{parsed.text('period')}» must be YYYY-MM or YYYY-Qn")
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
    path = f"{GUIDES_DIR}/{slug}.md"
    change.files[path] = f"---\n{front}---\n\n# {meta['title']}\n\n{body}\n"
    change.origins[("files", (path,))] = (line("body"), "body")
    change.title = f"Hướng dẫn: {meta['title']}"
    change.note(f"Bài hướng dẫn «{meta['title']}» ({meta['platform']}) → {path}",
                f"Guide «{meta['title']}» ({meta['platform']}) → {path}")
    return change


BUILDERS = {"team": team_change, "report": report_change, "guide": guide_change}
