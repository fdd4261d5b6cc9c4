"""A team's roster from a form or a spreadsheet → team, village and member rows (pure over a Dataset).

Both doors share this: the submitted list is the team's current roster; people no longer listed get
`left_on` (history is kept), people listed again keep their ids, and a phone is stored only with that
person's recorded consent (how, by whom, dated the day of the submission). No phone or e-mail may hide in
a name, a position or a note: such a line is refused with an answer saying where it was.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..contact import find_contacts, message
from ..load import Dataset
from ..model import VILLAGE_KIND_VI, Role
from ..phones import normalise_phone
from ..text import clean, fold
from ..units import Units
from .change import Change

_ROLE_WORDS = [
    (Role.LEADER, ("to truong", "truong to", "leader")),
    (Role.DEPUTY, ("to pho", "pho to truong", "pho to", "deputy")),
    (Role.MEMBER, ("to vien", "thanh vien", "tv", "member", "uy vien")),
]
_KIND_PREFIXES = sorted(((fold(vi), kind) for kind, vi in VILLAGE_KIND_VI.items()), key=lambda p: -len(p[0]))
_VILLAGE_ID = re.compile(r"^V[0-9]{5}-[0-9]{3}$")
_TEAM_ID = re.compile(r"^T[0-9]{2}-[0-9]{4}$")
_COMMUNE = re.compile(r"^[0-9]{5}$")


# How a person agreed to publish their number (members.phone_consent_method), as people write it.
CONSENT_METHODS = {"phieu giay": "paper_form", "truc tiep": "in_person_witnessed", "tu xac nhan": "online_self",
                   "paper_form": "paper_form", "in_person_witnessed": "in_person_witnessed",
                   "online_self": "online_self"}
CONSENT_NONE = {"", "khong", "no", "chua", "chua dong y", "khong dong y"}
CONSENT_HELP_VI = "Phiếu giấy (có chữ ký), Trực tiếp (có người chứng kiến), Tự xác nhận (trực tuyến) hoặc Không"
CONSENT_HELP_EN = "Phiếu giấy (signed paper form), Trực tiếp (in person, witnessed), Tự xác nhận (online) or Không"
# What each MemberInput attribute is called in the roster, for answers that say where a problem was.
COLUMN_LABELS = {"full_name": ("Họ tên", "full name"), "role_text": ("Chức vụ trong tổ", "role in the team"),
                 "position": ("Chức vụ ở thôn/đơn vị", "position in the village or employer"),
                 "notes": ("Ghi chú", "notes")}


def parse_consent(text: str) -> str | None:
    """The consent method code, "" for no consent, None when the cell says something else."""
    key = " ".join(fold(text or "").replace(".", " ").split())
    if key in CONSENT_NONE:
        return ""
    return CONSENT_METHODS.get(key)


@dataclass
class MemberInput:
    full_name: str
    role_text: str
    position: str
    phone_text: str
    line: int | None
    consent_text: str = ""  # the cell as written: Phiếu giấy, Trực tiếp, Tự xác nhận, Không or empty
    notes: str = ""
    field: str = "members"  # the form field (or spreadsheet column) the line belongs to


def parse_role(text: str) -> Role | None:
    """Tổ trưởng / Tổ phó TT / Tổ phó thường trực / Thành viên / tổ viên, any case, with or without marks."""
    key = fold(text).replace(".", " ").strip()
    for role, words in _ROLE_WORDS:
        if any(key == w or key.startswith(w + " ") for w in words):
            return role
    return None


def village_kind(name: str) -> str | None:
    key = fold(name)
    for prefix, kind in _KIND_PREFIXES:
        if key == prefix or key.startswith(prefix + " "):
            return kind
    return None


def next_id(existing: list[str], prefix: str, width: int) -> str:
    numbers = [int(value[len(prefix):]) for value in existing
               if value.startswith(prefix) and value[len(prefix):].isdigit()]
    return f"{prefix}{(max(numbers, default=0) + 1):0{width}d}"


class _IdCounter:
    """The next free id under a prefix, in constant time per new id (a 20,000-line roster stays linear)."""

    def __init__(self, existing: list[str], prefix: str, width: int) -> None:
        self.prefix, self.width = prefix, width
        self.last = max((int(v[len(prefix):]) for v in existing
                         if v.startswith(prefix) and v[len(prefix):].isdigit()), default=0)

    def next(self) -> str:
        self.last += 1
        return f"{self.prefix}{self.last:0{self.width}d}"


def _contacts_in_line(change: Change, item: MemberInput, name: str) -> bool:
    """A phone or e-mail in a name, role, position or note is refused, saying whose line and which column."""
    found = False
    for attribute, (label_vi, label_en) in COLUMN_LABELS.items():
        contacts = find_contacts(getattr(item, attribute))
        if not contacts:
            continue
        found = True
        vi, en = message(contacts[0].kind, f"cột «{label_vi}»", f"the column «{label_en}»")
        who = name if attribute != "full_name" else "Dòng này"
        change.error(item.line, item.field, "contact-in-text",
                     f"{who}: {vi}. Muốn công khai số của người này: ghi số ở cột SĐT và ghi cách người đó đồng ý "
                     f"(Phiếu giấy, Trực tiếp hoặc Tự xác nhận) ở cột «Đồng ý công khai SĐT»",
                     f"{who if attribute != 'full_name' else 'This line'}: {en}. To publish this person's number, put "
                     "it in the SĐT column and say how they agreed in the consent column")
    return found


def province_slug(dataset: Dataset, code: str) -> str:
    for row in dataset.rows("provinces"):
        if row["code"] == code:
            return row["slug"]
    return code


def _same_name(a: str, b: str) -> bool:
    return fold(a) == fold(b)


def roster_change(change: Change, dataset: Dataset, units: Units, today: dt.date, *, commune_code: str,
                  village: str, team_id: str, team_name: str, established_on: str, notes: str,
                  members: list[MemberInput], lines: dict[str, int | None], consent_recorded_by: str = "") -> None:
    """Fill `change` with the team, village and member rows; problems become located findings."""
    commune_code = clean(commune_code)
    line = lines.get
    for field_id, value, label_vi, label_en in (
            ("team_name", team_name, "Tên tổ", "the team name"), ("village", village, "Thôn/tổ dân phố", "the village"),
            ("notes", notes, "Ghi chú", "the notes"),
            ("consent_recorded_by", consent_recorded_by, "Người ghi nhận sự đồng ý", "who recorded consent")):
        contacts = find_contacts(value)
        if contacts:
            change.error(line(field_id), field_id, "contact-in-text",
                         *message(contacts[0].kind, f"mục «{label_vi}»", label_en))
    if not _COMMUNE.match(commune_code) or commune_code not in units.communes:
        change.error(line("commune_code"), "commune_code", "commune-unknown",
                     f"Không có xã/phường mã «{commune_code}» trong danh mục từ 1/7/2025",
                     f"No commune with code «{commune_code}» in the 2025 list")
        return
    commune = units.communes[commune_code]
    province = commune["province_code"]
    change.province_code, change.commune_code = province, commune_code
    teams = dataset.rows("teams")

    # The village: an id, a known name (any spelling of marks and case) or a new one.
    village_row: dict[str, str] | None = None
    village = clean(village)
    if village:
        in_commune = [v for v in dataset.rows("villages") if v["commune_code"] == commune_code]
        if _VILLAGE_ID.match(village.upper()):
            found = next((v for v in in_commune if v["village_id"] == village.upper()), None)
            if found is None:
                change.error(line("village"), "village", "village-unknown",
                             f"Không có thôn/tổ dân phố mã {village} ở {commune['name']}",
                             f"No village {village} in {commune['name']}")
                return
            village_row = dict(found.data)
        else:
            found = next((v for v in in_commune if _same_name(v["name"], village)), None)
            if found is not None:
                village_row = dict(found.data)
            else:
                kind = village_kind(village)
                if kind is None:
                    change.error(line("village"), "village", "village-kind-unknown",
                                 f"Tên «{village}» phải bắt đầu bằng loại: Thôn, Xóm, Ấp, Bản, Tổ dân phố, Khu phố…",
                                 f"The name «{village}» must start with its kind: Thôn, Xóm, Ấp, Bản, Tổ dân phố…")
                    return
                new_id = next_id([v["village_id"] for v in dataset.rows("villages")], f"V{commune_code}-", 3)
                village_row = {"village_id": new_id, "commune_code": commune_code, "kind": kind,
                               "name": village, "legacy_commune_code": ""}
                change.add("villages", village_row, (new_id,), line("village"), "village")
                change.note(f"Thêm {village} ({new_id}) vào {commune['name']}",
                            f"New village {village} ({new_id}) in {commune['name']}")

    # The team: the one named, the only active team of that village (or commune), or a new one.
    team: dict[str, str] | None = None
    team_id = clean(team_id).upper()
    if team_id:
        found_team = next((t for t in teams if t["team_id"] == team_id), None)
        if found_team is None or not _TEAM_ID.match(team_id):
            change.error(line("team_id"), "team_id", "team-unknown", f"Không có tổ mã {team_id}",
                         f"No team with id {team_id}")
            return
        if units.current_commune(found_team) != commune_code:
            change.error(line("team_id"), "team_id", "team-wrong-commune",
                         f"Tổ {team_id} không thuộc {commune['name']} ({commune_code})",
                         f"Team {team_id} is not in {commune['name']} ({commune_code})")
            return
        team = dict(found_team.data)
    else:
        candidates = [t for t in teams if t["status"] == "active" and units.current_commune(t) == commune_code
                      and (t["village_id"] == village_row["village_id"] if village_row
                           else t["level"] == "commune")]
        if len(candidates) > 1:
            change.error(line("team_id"), "team_id", "team-ambiguous",
                         f"Có {len(candidates)} tổ ở đây ({', '.join(t['team_id'] for t in candidates)}); ghi mã tổ",
                         f"There are {len(candidates)} teams here; give the team id")
            return
        if candidates:
            team = dict(candidates[0].data)
    if team is not None and team["status"] != "active":
        change.error(line("team_id"), "team_id", "team-not-active",
                     f"Tổ {team['team_id']} không còn hoạt động; không cập nhật danh sách",
                     f"Team {team['team_id']} is no longer active; its roster cannot be updated")
        return
    if team is not None and village_row and team["village_id"] and team["village_id"] != village_row["village_id"]:
        change.error(line("village"), "village", "team-wrong-village",
                     f"Tổ {team['team_id']} thuộc thôn {team['village_id']}, không phải {village_row['village_id']}",
                     f"Team {team['team_id']} belongs to village {team['village_id']}, not {village_row['village_id']}")
        return

    new_team = team is None
    start = clean(established_on) or today.isoformat()
    if new_team:
        place = village_row["name"] if village_row else commune["name"]
        new_id = next_id([t["team_id"] for t in teams], f"T{province}-", 4)
        team = {"team_id": new_id, "name": clean(team_name) or f"Tổ CNSCĐ {place}",
                "level": "village" if village_row else "commune", "status": "active", "unit_scheme": "2025",
                "commune_code": commune_code, "village_id": village_row["village_id"] if village_row else "",
                "established_on": start, "notes": clean(notes)}
    else:
        if clean(team_name):
            team["name"] = clean(team_name)
        if clean(notes):
            team["notes"] = clean(notes)
    team_key = (team["team_id"],)
    change.add("teams", team, team_key, line("members"), "members")

    # Members: match by name (marks and case aside) against the active roster; dicts keep it linear.
    existing = [m for m in dataset.rows("members") if m["team_id"] == team["team_id"] and not m["left_on"]]
    unmatched: dict[str, list] = {}
    for member in existing:
        unmatched.setdefault(fold(member["full_name"]), []).append(member)
    all_members = dataset.rows("members")
    member_ids = _IdCounter([m["member_id"] for m in all_members], f"M{province}-", 6)
    person_ids = _IdCounter([m["person_id"] for m in all_members], f"P{province}-", 6)
    joined = start if new_team else today.isoformat()
    recorded_by = clean(consent_recorded_by)
    kept = added = phones = 0
    asked_recorder = False
    for item in members:
        name = clean(item.full_name)
        role = parse_role(item.role_text)
        if not name:
            change.error(item.line, item.field, "member-name-missing", "Thiếu họ tên", "The full name is missing")
            continue
        if _contacts_in_line(change, item, name):
            continue
        if role is None:
            change.error(item.line, item.field, "member-role-unknown",
                         f"{name}: không rõ chức vụ trong tổ «{item.role_text}» (Tổ trưởng, Tổ phó, Tổ viên)",
                         f"{name}: unknown role «{item.role_text}» (Tổ trưởng, Tổ phó, Tổ viên)")
            continue
        method = parse_consent(item.consent_text)
        if method is None:
            change.error(item.line, item.field, "consent-unclear",
                         f"{name}: cột «Đồng ý công khai SĐT» ghi «{item.consent_text}»; ghi một trong: {CONSENT_HELP_VI}",
                         f"{name}: the consent column says «{item.consent_text}»; write one of: {CONSENT_HELP_EN}")
            continue
        candidates = unmatched.get(fold(name))
        match = candidates.pop(0) if candidates else None
        phone = ""
        if clean(item.phone_text):
            normal = normalise_phone(item.phone_text)
            # The same number listed again with the consent cell left empty keeps the consent already on record;
            # only «Không» takes it back.
            if (normal and not method and not clean(item.consent_text) and match is not None
                    and match["phone"] == normal and match["phone_consent"] == "true"):
                method = match["phone_consent_method"] or "kept"
            if normal is None:
                change.error(item.line, item.field, "phone-invalid",
                             f"{name}: số điện thoại «{item.phone_text}» không hợp lệ",
                             f"{name}: «{item.phone_text}» is not a valid Vietnamese phone number")
                continue
            elif not method:
                change.warn(item.line, item.field, "phone-not-stored",
                            f"{name}: chưa ghi cách người này đồng ý công khai số điện thoại (cột «Đồng ý công khai "
                            f"SĐT»: Phiếu giấy, Trực tiếp hoặc Tự xác nhận) nên số không được lưu",
                            f"{name}: no recorded consent (consent column: Phiếu giấy, Trực tiếp or Tự xác nhận), "
                            "so the phone number is not stored")
            else:
                phone = normal
        if phone and method != "kept" and not recorded_by and not asked_recorder and not (
                match is not None and match["phone"] == phone and match["phone_consent"] == "true"):
            asked_recorder = True
            change.error(line("consent_recorded_by") or item.line, "consent_recorded_by", "consent-recorder-missing",
                         "Có người đồng ý công khai số điện thoại: ghi «Người ghi nhận sự đồng ý» (chức vụ hoặc họ tên "
                         "người đã ghi nhận, ví dụ Công chức Văn hóa - Xã hội xã; với bảng tính: tùy chọn --consent-recorded-by)",
                         "Someone consents to publish a phone number: say who recorded the consent "
                         "(an officer's role or name; for a spreadsheet: the --consent-recorded-by option)")
        if match is not None:
            row = dict(match.data)
            kept += 1
        else:
            row = {"member_id": member_ids.next(), "team_id": team["team_id"], "person_id": person_ids.next(),
                   "joined_on": joined, "left_on": "", "notes": ""}
            added += 1
        same_phone = row.get("phone") == phone and row.get("phone_consent") == "true"
        if match is not None and name.casefold() == fold(name):
            name = match["full_name"]  # typed without marks: keep the stored spelling
        row.update({"full_name": name, "role": str(role), "position": clean(item.position)})
        if item.notes:
            row["notes"] = clean(item.notes)
        if phone:
            phones += 1
            # A new statement of how the person agreed completes a record that had none.
            if not same_phone or (method != "kept" and not row.get("phone_consent_method")):
                row.update({"phone": phone, "phone_consent": "true", "phone_consent_on": today.isoformat(),
                            "phone_consent_method": method, "phone_consent_recorded_by": recorded_by})
        else:
            row.update({"phone": "", "phone_consent": "false", "phone_consent_on": "",
                        "phone_consent_method": "", "phone_consent_recorded_by": ""})
        change.add("members", row, (row["member_id"],), item.line, item.field)
    gone_members = [m for group in unmatched.values() for m in group]
    for gone in gone_members:
        row = dict(gone.data)
        row["left_on"] = today.isoformat()
        change.add("members", row, (row["member_id"],), line("members"), "members")
    where = f"{village_row['name']}, {commune['name']}" if village_row else commune["name"]
    if new_team:
        change.title = f"Đăng ký {team['name']} ({team['team_id']})"
        change.note(f"Tổ mới {team['team_id']} «{team['name']}» ở {where}, thành lập {team['established_on']}",
                    f"New team {team['team_id']} «{team['name']}» in {where}, established {team['established_on']}")
    else:
        change.title = f"Cập nhật danh sách {team['name']} ({team['team_id']})"
        change.note(f"Cập nhật danh sách tổ {team['team_id']} «{team['name']}» ở {where}",
                    f"Roster update of team {team['team_id']} «{team['name']}» in {where}")
    change.note(f"Thành viên: thêm {added}, giữ {kept}, thôi tham gia {len(gone_members)}; lưu {phones} số điện thoại "
                "có đồng ý công khai",
                f"Members: {added} added, {kept} kept, {len(gone_members)} left; {phones} phone numbers stored with consent")

