"""The `withdrawal` form («Gỡ số điện thoại của tôi») → a Change that removes one person's phone.

The person is identified, not authenticated: by their team, their name (marks and case aside) and the
last four digits of their *published* number. Answers never show anyone's number, and a wrong match
could only hide a number, never publish one. The free-text reason is not stored in the public data:
it is the person's own words and may hold personal details; it stays in the submission itself.
"""

from __future__ import annotations

import datetime as dt
import re

from .. import package
from ..load import Dataset
from ..privacy.withdraw import add_withdrawal, person_rows
from ..text import clean, fold
from ..units import Units
from .body import ParsedBody
from .change import Change
from .forms import Form

_LAST4 = re.compile(r"^[0-9]{4}$")


def withdrawal_change(parsed: ParsedBody, form: Form, dataset: Dataset, units: Units, today: dt.date,
                      source: str) -> Change:
    change = Change("withdrawal", source, findings=list(parsed.findings))
    if change.has_errors:
        return change
    line = parsed.lines.get
    commune_code = clean(parsed.text("commune_code"))
    team_id = clean(parsed.text("team_id")).upper()
    name = clean(parsed.text("full_name"))
    last4 = re.sub(r"[\s.\-]", "", parsed.text("phone_last4"))
    commune = units.communes.get(commune_code)
    if commune is None:
        change.error(line("commune_code"), "commune_code", "commune-unknown",
                     f"Không có xã/phường mã «{commune_code}» trong danh mục từ 1/7/2025",
                     f"No commune with code «{commune_code}» in the 2025 list")
    team = dataset.index("teams", "team_id").get(team_id)
    if team is None:
        change.error(line("team_id"), "team_id", "team-unknown", f"Không có tổ mã {team_id}", f"No team with id {team_id}")
    elif commune is not None and units.current_commune(team) != commune_code:
        change.error(line("team_id"), "team_id", "team-wrong-commune",
                     f"Tổ {team_id} không thuộc {commune['name']} ({commune_code})",
                     f"Team {team_id} is not in {commune['name']} ({commune_code})")
    if not _LAST4.match(last4):
        change.error(line("phone_last4"), "phone_last4", "phone-last4-invalid",
                     "Ghi đúng 4 chữ số cuối của số điện thoại đang hiện trên trang (không ghi cả số)",
                     "Give exactly the last 4 digits of the number shown on the site (not the whole number)")
    if change.has_errors:
        return change
    assert team is not None and commune is not None
    change.province_code, change.commune_code = package.partition_of(team.file), commune_code
    matches = {m["person_id"] for m in dataset.rows("members")
               if m["team_id"] == team_id and fold(m["full_name"]) == fold(name) and m["phone"]
               and m["phone"].endswith(last4)}
    if len(matches) != 1:
        code = "withdrawal-no-match" if not matches else "withdrawal-ambiguous"
        change.error(line("full_name"), "full_name", code,
                     f"Không xác định được đúng một thành viên tên «{name}» của tổ {team_id} có số điện thoại đang "
                     f"công khai kết thúc bằng {last4}. Hãy kiểm tra họ tên (như trên trang của tổ) và 4 số cuối; nếu "
                     f"số của bạn không còn hiện trên trang thì không cần gỡ. Bạn cũng có thể báo trực tiếp cho UBND "
                     f"{commune['name']}.",
                     f"No single member named «{name}» of team {team_id} has a published number ending in {last4}. "
                     "Check the name (as on the team's page) and the last 4 digits; if your number is no longer shown, "
                     f"nothing needs removing. You can also ask the People's Committee of {commune['name']}.")
        return change
    person_id = matches.pop()
    rows = [m for m in person_rows(dataset, person_id) if package.partition_of(m.file) == change.province_code]
    channel = "issue_form" if source.startswith("issue") else "site_form"
    cleared = add_withdrawal(change, dataset, rows, today, channel, today, line("full_name"), "full_name")
    shown = rows[0]["full_name"]
    change.title = f"Gỡ số điện thoại của {shown} ({person_id}) theo yêu cầu"
    change.note(f"Gỡ số điện thoại của {shown} ({person_id}), tổ {team_id}, khỏi {cleared} dòng thành viên; ghi nhận "
                f"yêu cầu rút lại sự đồng ý ngày {today.isoformat()}. Số không còn hiện trên trang khi thay đổi này được "
                "duyệt, chậm nhất 15 ngày.",
                f"Remove the phone of {person_id}, team {team_id}, from {cleared} member rows; withdrawal of consent "
                f"recorded on {today.isoformat()}. The site stops showing it once this change is merged, within 15 days.")
    return change
