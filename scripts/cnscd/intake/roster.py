"""A team's roster from a form or a spreadsheet → team, village and member rows (pure over a Dataset).

Both doors share this: the submitted list is the team's current roster; people no longer listed get
`left_on` (history is kept), people listed again keep their ids, and a phone is stored only with
recorded consent, dated the day of the submission.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

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


@dataclass
class MemberInput:
    full_name: str
    role_text: str
    position: str
    phone_text: str
    line: int | None
    consent: bool
    notes: str = ""


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


def province_slug(dataset: Dataset, code: str) -> str:
    for row in dataset.rows("provinces"):
        if row["code"] == code:
            return row["slug"]
    return code


def _same_name(a: str, b: str) -> bool:
    return fold(a) == fold(b)


def roster_change(change: Change, dataset: Dataset, units: Units, today: dt.date, *, commune_code: str,
                  village: str, team_id: str, team_name: str, established_on: str, notes: str,
                  members: list[MemberInput], lines: dict[str, int | None]) -> None:
    """Fill `change` with the team, village and member rows; problems become located findings."""
    commune_code = clean(commune_code)
    line = lines.get
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

    # Members: match by name (marks and case aside) against the active roster.
    existing = [m for m in dataset.rows("members") if m["team_id"] == team["team_id"] and not m["left_on"]]
    unmatched = list(existing)
    all_members = dataset.rows("members")
    member_ids = [m["member_id"] for m in all_members]
    person_ids = [m["person_id"] for m in all_members]
    joined = start if new_team else today.isoformat()
    kept = added = phones = 0
    for item in members:
        name = clean(item.full_name)
        role = parse_role(item.role_text)
        if not name:
            change.error(item.line, "members", "member-name-missing", "Thiếu họ tên", "The full name is missing")
            continue
        if role is None:
            change.error(item.line, "members", "member-role-unknown",
                         f"{name}: không rõ chức vụ trong tổ «{item.role_text}» (Tổ trưởng, Tổ phó, Tổ viên)",
                         f"{name}: unknown role «{item.role_text}» (Tổ trưởng, Tổ phó, Tổ viên)")
            continue
        phone = ""
        if clean(item.phone_text):
            normal = normalise_phone(item.phone_text)
            if not item.consent:
                change.warn(item.line, "members", "phone-not-stored",
                            f"{name}: chưa có xác nhận đồng ý công khai nên số điện thoại không được lưu",
                            f"{name}: no recorded consent, so the phone number is not stored")
            elif normal is None:
                change.error(item.line, "members", "phone-invalid",
                             f"{name}: số điện thoại «{item.phone_text}» không hợp lệ",
                             f"{name}: «{item.phone_text}» is not a valid Vietnamese phone number")
                continue
            else:
                phone = normal
        match = next((m for m in unmatched if _same_name(m["full_name"], name)), None)
        if match is not None:
            unmatched.remove(match)
            row = dict(match.data)
            kept += 1
        else:
            member_id = next_id(member_ids, f"M{province}-", 6)
            person_id = next_id(person_ids, f"P{province}-", 6)
            member_ids.append(member_id)
            person_ids.append(person_id)
            row = {"member_id": member_id, "team_id": team["team_id"], "person_id": person_id,
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
            if not same_phone:
                row.update({"phone": phone, "phone_consent": "true", "phone_consent_on": today.isoformat()})
        else:
            row.update({"phone": "", "phone_consent": "false", "phone_consent_on": ""})
        change.add("members", row, (row["member_id"],), item.line, "members")
    for gone in unmatched:
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
    change.note(f"Thành viên: thêm {added}, giữ {kept}, thôi tham gia {len(unmatched)}; lưu {phones} số điện thoại "
                "có đồng ý công khai",
                f"Members: {added} added, {kept} kept, {len(unmatched)} left; {phones} phone numbers stored with consent")

