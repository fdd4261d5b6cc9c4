"""Types shared by the core: enums of the domain and the Finding every check returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Scheme(StrEnum):
    """Which administrative code list a unit reference uses: codes were reused in the 2025 reform."""

    CURRENT = "2025"
    LEGACY = "pre2025"


class Level(StrEnum):
    DISTRICT = "district"
    COMMUNE = "commune"
    VILLAGE = "village"


class Status(StrEnum):
    ACTIVE = "active"
    DISSOLVED = "dissolved"
    MERGED = "merged"


class Role(StrEnum):
    LEADER = "leader"
    DEPUTY = "deputy"
    MEMBER = "member"


class Pillar(StrEnum):
    GOVERNMENT = "government"
    ECONOMY = "economy"
    SOCIETY = "society"


class Cadence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


ROLE_VI = {Role.LEADER: "Tổ trưởng", Role.DEPUTY: "Tổ phó", Role.MEMBER: "Tổ viên"}
LEVEL_VI = {Level.DISTRICT: "cấp huyện", Level.COMMUNE: "cấp xã", Level.VILLAGE: "thôn, tổ dân phố"}
STATUS_VI = {Status.ACTIVE: "đang hoạt động", Status.DISSOLVED: "đã giải thể", Status.MERGED: "đã sáp nhập"}
PILLAR_VI = {Pillar.GOVERNMENT: "Chính quyền số", Pillar.ECONOMY: "Kinh tế số", Pillar.SOCIETY: "Xã hội số"}
VILLAGE_KIND_VI = {
    "thon": "Thôn", "xom": "Xóm", "ap": "Ấp", "ban": "Bản", "buon": "Buôn", "lang": "Làng",
    "to_dan_pho": "Tổ dân phố", "khu_pho": "Khu phố", "khom": "Khóm", "khu": "Khu",
}


@dataclass(frozen=True, order=True)
class Finding:
    """One located problem: the same object is printed by the CLI, CI annotations, issue comments and tests."""

    file: str
    row: int | None
    field: str | None
    code: str
    message_vi: str
    message_en: str
    severity: Severity = Severity.ERROR

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data

    def location(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.field:
            where += f" [{self.field}]"
        return where

    def text(self) -> str:
        level = "LỖI/ERROR" if self.severity == Severity.ERROR else "CẢNH BÁO/WARNING"
        return f"{self.location()}: {level} {self.code}: {self.message_vi} — {self.message_en}"


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.ERROR]
