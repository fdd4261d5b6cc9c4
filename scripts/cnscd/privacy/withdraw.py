"""Apply a withdrawal of consent: blank the person's phone on every member row and keep the request's date.

One change builder serves both doors: `cnscd withdraw` (a maintainer, a paper request) and the
`withdrawal` form (issue form or the site). It produces an intake `Change`, so the rows go through the
canonical writer and the same validation as any submission, and nothing is half-applied.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

from .. import package
from ..load import Dataset, Row, load
from ..model import Finding
from ..text import clean

CHANNELS = ("maintainer", "paper", "in_person", "site_form", "issue_form")
CHANNEL_VI = {"maintainer": "người quản lý ghi nhận", "paper": "đơn giấy", "in_person": "trực tiếp",
              "site_form": "biểu mẫu trên trang", "issue_form": "biểu mẫu GitHub"}
# Every column that says a number may be published; all of them go when consent is withdrawn.
CLEARED = {"phone": "", "phone_consent": "false", "phone_consent_on": "", "phone_consent_method": "",
           "phone_consent_recorded_by": ""}
_PERSON = re.compile(r"^P[0-9]{2}-[0-9]{6}$")


def needs_clearing(member: Row) -> bool:
    return any(member[name] != value for name, value in CLEARED.items() if name in member.data)


def person_rows(dataset: Dataset, person_id: str) -> list[Row]:
    return [m for m in dataset.rows("members") if m["person_id"] == person_id]


def add_withdrawal(change, dataset: Dataset, rows: list[Row], requested_on: dt.date, channel: str,
                   applied_on: dt.date, line: int | None = None, field_id: str = "person_id",
                   notes: str = "") -> int:
    """Fill `change` (an intake Change) with the cleared member rows of one province and the request row.

    Returns how many member rows change. Idempotent: a person already withdrawn with nothing left to
    clear gets no new row; the same request applied twice writes the same row.
    """
    person_id = rows[0]["person_id"]
    cleared = 0
    for member in rows:
        if needs_clearing(member):
            updated = dict(member.data)
            updated.update({name: value for name, value in CLEARED.items() if name in member.data})
            change.add("members", updated, (updated["member_id"],), line, field_id)
            cleared += 1
    earlier = [w for w in dataset.rows("withdrawals") if w["person_id"] == person_id]
    same = next((w for w in earlier if w["requested_on"] == requested_on.isoformat()), None)
    if cleared == 0 and earlier and (same is None or same["applied_on"]):
        return 0  # already withdrawn and applied: nothing to record twice
    row = dict(same.data) if same is not None else {
        "person_id": person_id, "requested_on": requested_on.isoformat(), "channel": channel, "notes": clean(notes)}
    row["applied_on"] = row.get("applied_on") or applied_on.isoformat()
    change.add("withdrawals", row, (person_id, requested_on.isoformat()), line, field_id)
    return cleared


def _print(item: Finding) -> None:
    print(item.text(), file=sys.stderr)


def withdraw_person(data_dir: Path, person_id: str, requested_on: dt.date, channel: str, today: dt.date) -> int:
    """`cnscd withdraw`: 0 applied or already applied, 1 refused (located finding printed), 2 unreadable."""
    from ..intake.apply import plan, write_files
    from ..intake.change import Change

    data_dir = Path(data_dir)
    person_id = clean(person_id).upper()
    source = "--person"
    if not _PERSON.match(person_id):
        _print(Finding(source, None, "person_id", "person-id-invalid",
                       f"Mã người «{person_id}» phải có dạng P79-000012",
                       f"The person id «{person_id}» must look like P79-000012"))
        return 1
    if requested_on > today:
        _print(Finding("--on", None, "requested_on", "date-in-future",
                       f"Ngày yêu cầu {requested_on.isoformat()} nằm trong tương lai",
                       f"The request date {requested_on.isoformat()} is in the future"))
        return 1
    dataset = load(data_dir)
    rows = person_rows(dataset, person_id)
    if not rows:
        _print(Finding(source, None, "person_id", "person-unknown",
                       f"Không có thành viên nào mang mã {person_id} trong {data_dir}/provinces/*/members.csv",
                       f"No member row has person id {person_id} in {data_dir}/provinces/*/members.csv"))
        return 1
    by_province: dict[str, list[Row]] = {}
    for row in rows:
        by_province.setdefault(package.partition_of(row.file) or "", []).append(row)
    # The request is kept where the person's latest membership is, so that province's owners see it.
    home = package.partition_of(max(rows, key=lambda r: r["joined_on"]).file) or ""
    total, written = 0, []
    for province, province_rows in sorted(by_province.items(), key=lambda item: item[0] != home):
        change = Change("withdrawal", source, province_code=province)
        if province == home:
            total += add_withdrawal(change, dataset, province_rows, requested_on, channel, today)
        else:
            for member in province_rows:
                if needs_clearing(member):
                    updated = {**member.data, **{k: v for k, v in CLEARED.items() if k in member.data}}
                    change.add("members", updated, (updated["member_id"],), None, "person_id")
                    total += 1
        if change.empty:
            continue
        outcome = plan(data_dir, dataset, change, today, prefix="")
        if not outcome.valid:
            for item in outcome.findings:
                _print(item)
            return 1
        written += [str(p) for p in write_files(data_dir, outcome.files)]
        dataset = load(data_dir)
    name = rows[-1]["full_name"]
    if not written:
        print(f"{name} ({person_id}) đã được gỡ số từ trước; không có gì thay đổi / already withdrawn; nothing changed")
        return 0
    print(f"Đã gỡ số điện thoại của {name} ({person_id}) trên {total} dòng thành viên, ghi nhận yêu cầu ngày "
          f"{requested_on.isoformat()} ({CHANNEL_VI[channel]}) / removed the phone of {person_id} from {total} member "
          f"rows and recorded the request of {requested_on.isoformat()} ({channel})")
    for path in written:
        print(f"đã ghi / wrote: {data_dir / path}")
    print("Lần dựng trang sau sẽ không còn số này; nếu số đã từng được commit, xem `cnscd erase`. / The next build "
          "no longer shows it; if it was ever committed, see `cnscd erase`.")
    return 0

