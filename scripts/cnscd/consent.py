"""Consent to publish a phone number, per person, and its withdrawal (Decree 13/2023, Law 91/2025).

`public_phone` is the one place that says whether a number may leave the repository: pages,
downloads, documents and the published package all ask it. The rules here say when the stored data
breaks the promise: consent without evidence, or a withdrawal not applied in time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from .load import Dataset, Row, parse_date
from .model import Finding, Severity

if TYPE_CHECKING:
    from .checks import Context

# Law 91/2025 and Decree 13/2023 give a controller 15 days to act on a withdrawal; pages must follow.
WITHDRAWAL_DEADLINE_DAYS = 15
# A withdrawal names a person, who may serve in any province: wherever its file is, it can hide a number on
# every province's pages, so whatever renders a province alone (reused pages, the live preview) reads them all.
COUNTRY_WIDE_TABLES = ("withdrawals",)

CONSENT_METHOD_VI = {
    "paper_form": "phiếu giấy có chữ ký",
    "in_person_witnessed": "trực tiếp, có người chứng kiến",
    "online_self": "người đó tự xác nhận trực tuyến",
}


def withdrawals_by_person(dataset: Dataset) -> dict[str, dt.date]:
    """The latest withdrawal request per person: a later consent (re-given) outranks an older one."""
    latest: dict[str, dt.date] = {}
    for row in dataset.rows("withdrawals"):
        day = parse_date(row["requested_on"])
        if day is not None and (row["person_id"] not in latest or day > latest[row["person_id"]]):
            latest[row["person_id"]] = day
    return latest


def withdrawn(member: Mapping[str, str], withdrawals: Mapping[str, dt.date]) -> bool:
    """True when the person asked to withdraw on or after the day their consent was recorded."""
    requested = withdrawals.get(member["person_id"])
    if requested is None:
        return False
    consented = parse_date(member["phone_consent_on"])
    return consented is None or consented <= requested


def public_phone(member: Mapping[str, str], withdrawals: Mapping[str, dt.date]) -> str:
    """The number that may be published for this member row, or "" (no consent, or consent withdrawn)."""
    if not member["phone"] or member["phone_consent"] != "true" or withdrawn(member, withdrawals):
        return ""
    return member["phone"]


def _finding(row: Row, field_name: str | None, code: str, vi: str, en: str,
             severity: Severity = Severity.ERROR) -> Finding:
    return Finding(row.file, row.line, field_name, code, vi, en, severity)


def check_consent_evidence(ctx: Context) -> Iterator[Finding]:
    """A published phone needs a record of how the person agreed and who recorded it, not just a tick."""
    for member in ctx.dataset.rows("members"):
        if member["phone_consent"] != "true":
            continue
        if not member["phone_consent_method"]:
            yield _finding(member, "phone_consent_method", "consent-evidence-missing",
                           "Thiếu cách ghi nhận sự đồng ý (phiếu giấy, trực tiếp có người chứng kiến, tự xác nhận trực tuyến)",
                           "How consent was given is missing (paper form, in person with a witness, online self-confirmation)")
        if not member["phone_consent_recorded_by"]:
            yield _finding(member, "phone_consent_recorded_by", "consent-evidence-missing",
                           "Thiếu người ghi nhận sự đồng ý",
                           "Who recorded the consent is missing")


def check_withdrawals(ctx: Context) -> Iterator[Finding]:
    """A withdrawal names a known person and is applied (the number gone) within the legal deadline."""
    rows_by_person: dict[str, list[Row]] = defaultdict(list)
    for member in ctx.dataset.rows("members"):
        rows_by_person[member["person_id"]].append(member)
    latest = withdrawals_by_person(ctx.dataset)
    for request in ctx.dataset.rows("withdrawals"):
        person, requested = request["person_id"], parse_date(request["requested_on"])
        applied = parse_date(request["applied_on"])
        if person not in rows_by_person:
            yield _finding(request, "person_id", "withdrawal-person-unknown",
                           f"Không có thành viên nào mang mã {person}",
                           f"No member has person id {person}")
            continue
        if requested is None:
            continue
        if applied is not None and applied < requested:
            yield _finding(request, "applied_on", "end-before-start",
                           f"applied_on ({request['applied_on']}) trước requested_on ({request['requested_on']})",
                           f"applied_on ({request['applied_on']}) is before requested_on ({request['requested_on']})")
        for day, name in ((requested, "requested_on"), (applied, "applied_on")):
            if day is not None and day > ctx.today:
                yield _finding(request, name, "date-in-future",
                               f"Ngày {request[name]} nằm trong tương lai (hôm nay {ctx.today.isoformat()})",
                               f"Date {request[name]} is in the future (today is {ctx.today.isoformat()})")
        if latest.get(person) != requested:
            continue  # an older request; the latest one decides
        still = [m for m in rows_by_person[person] if m["phone"] and withdrawn(m, latest)]
        if not still:
            continue
        deadline = requested + dt.timedelta(days=WITHDRAWAL_DEADLINE_DAYS)
        where = ", ".join(f"{m.file}:{m.line}" for m in still)
        if ctx.today > deadline:
            yield _finding(request, "person_id", "withdrawal-overdue",
                           f"{person} đã yêu cầu gỡ số ngày {requested.isoformat()}; quá hạn {WITHDRAWAL_DEADLINE_DAYS} ngày "
                           f"mà số vẫn còn ở {where}: chạy `cnscd withdraw --person {person}`",
                           f"{person} withdrew consent on {requested.isoformat()}; more than {WITHDRAWAL_DEADLINE_DAYS} days "
                           f"later the number is still in {where}: run `cnscd withdraw --person {person}`")
        else:
            yield _finding(request, "person_id", "withdrawal-pending",
                           f"{person} đã yêu cầu gỡ số ngày {requested.isoformat()}; số đã bị ẩn khỏi trang nhưng vẫn còn ở "
                           f"{where}; phải xoá trước {deadline.isoformat()}",
                           f"{person} withdrew consent on {requested.isoformat()}; the number is hidden from the site but "
                           f"still in {where}; remove it before {deadline.isoformat()}", Severity.WARNING)


CONSENT_CHECKS = (check_consent_evidence, check_withdrawals)
