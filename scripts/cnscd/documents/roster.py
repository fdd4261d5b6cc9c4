"""What a commune's paperwork is made of: its teams today and their current members, phones per consent.

Read from a checked dataset (a `checks.Context`), never from rendered pages, so the decision, the
report and the site agree. Phones come only from `consent.public_phone`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..checks import Context
from ..consent import public_phone, withdrawals_by_person
from ..figures import reconfirmation
from ..load import Row
from ..model import ROLE_VI, Level, Role, Status

ROLE_ORDER = {Role.LEADER: 0, Role.DEPUTY: 1, Role.MEMBER: 2}
OFFICIAL_HEADERS = ("TT", "Họ tên", "Chức vụ tổ, xóm/đơn vị công tác", "Chức vụ Tổ công nghệ số cộng đồng", "SĐT",
                    "Ghi chú")


class UnknownUnit(LookupError):
    """A commune or province code that is not in the 2025 unit list: the CLI answers with exit code 2."""


@dataclass
class RosterMember:
    member_id: str
    person_id: str
    name: str
    role: str
    position: str
    phone: str  # "" unless consent.public_phone allows it
    notes: str

    @property
    def role_vi(self) -> str:
        return ROLE_VI.get(self.role, self.role)


@dataclass
class RosterTeam:
    team_id: str
    name: str
    level: str
    village_id: str
    village_name: str
    established_on: str
    legacy: bool  # set up before the 2025 reform (or under an old commune code)
    decision_number: str
    members: list[RosterMember] = field(default_factory=list)


@dataclass
class CommuneRoster:
    code: str
    name: str  # «Xã Bình Sơn»
    division: str  # «xã», «phường», «đặc khu»
    province_code: str
    province_name: str
    teams: list[RosterTeam] = field(default_factory=list)

    @property
    def village_teams(self) -> list[RosterTeam]:
        return [team for team in self.teams if team.level == Level.VILLAGE]

    @property
    def reconfirms(self) -> bool:
        """True when some team predates the reform: the decision re-confirms (kiện toàn) rather than creates."""
        return any(team.legacy for team in self.teams)

    @property
    def place(self) -> str:
        """Place name of the date line (Decree 30): the commune's name without «Xã», unless it is a number."""
        bare = self.name.removeprefix(self.division.capitalize() + " ").strip()
        return self.name if bare.isdigit() or not bare else bare

    @property
    def province_in_text(self) -> str:
        """«tỉnh Quảng Ngãi» inside a sentence; «Thành phố Hồ Chí Minh» is a proper name and keeps its capital."""
        return province_in_text(self.province_name) if self.province_name else "tỉnh …"

    @property
    def in_text(self) -> str:
        """«xã Bình Sơn» inside a sentence."""
        bare = self.name.removeprefix(self.division.capitalize() + " ").strip()
        return f"{self.division} {bare}" if bare != self.name else self.name


def province_in_text(name: str) -> str:
    return "tỉnh " + name.removeprefix("Tỉnh ") if name.startswith("Tỉnh ") else name


def _empty(ctx: Context, code: str) -> CommuneRoster:
    row = ctx.units.communes.get(code)
    if row is None:
        raise UnknownUnit(code)
    province = ctx.units.provinces.get(row["province_code"], {})
    return CommuneRoster(code, row["name"], row["division_type"], row["province_code"], province.get("name", ""))


def _team(ctx: Context, team: Row, code: str, withdrawals: Mapping[str, dt.date], decisions: dict[str, Row]) -> RosterTeam:
    village = ctx.villages.get(team["village_id"])
    decision = decisions.get(team["decision_id"])
    facts = RosterTeam(team["team_id"], team["name"], team["level"], team["village_id"],
                       village["name"] if village else "", team["established_on"],
                       # figures' rule: a team set up before the 2025 reform has a re-confirmation state
                       reconfirmation(team, None, code, None, ctx.today) is not None,
                       decision["number"] if decision else "")
    members = sorted(ctx.active_members(team["team_id"]), key=lambda m: (ROLE_ORDER.get(m["role"], 3), m["member_id"]))
    facts.members = [RosterMember(m["member_id"], m["person_id"], m["full_name"], m["role"], m["position"],
                                  public_phone(m, withdrawals), m["notes"]) for m in members]
    return facts


def _sort(roster: CommuneRoster) -> CommuneRoster:
    roster.teams.sort(key=lambda t: (t.level != Level.COMMUNE, t.village_id, t.team_id))
    return roster


class Rosters:
    """Each 2025 commune's roster with an active team, made when asked: the teams are sorted by commune in one pass,
    and a national build no longer holds all 3,321 rosters at once (about 100 MB) while it renders them."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.withdrawals = withdrawals_by_person(ctx.dataset)
        self.decisions = ctx.dataset.index("decisions", "decision_id")
        self.teams: dict[str, list[Row]] = {}
        for team in ctx.dataset.rows("teams"):
            code = ctx.current_commune(team) if team["status"] == Status.ACTIVE else None
            if code is not None and code in ctx.units.communes:
                self.teams.setdefault(code, []).append(team)

    def get(self, code: str) -> CommuneRoster | None:
        if code not in self.teams:
            return None
        roster = _empty(self.ctx, code)
        roster.teams = [_team(self.ctx, team, code, self.withdrawals, self.decisions) for team in self.teams[code]]
        return _sort(roster)


def commune_roster(ctx: Context, code: str) -> CommuneRoster:
    """One commune's active teams (commune-level first, then villages by id) with today's members."""
    roster = _empty(ctx, code)
    withdrawals = withdrawals_by_person(ctx.dataset)
    decisions = ctx.dataset.index("decisions", "decision_id")
    for team in ctx.dataset.rows("teams"):
        if team["status"] == Status.ACTIVE and ctx.current_commune(team) == code:
            roster.teams.append(_team(ctx, team, code, withdrawals, decisions))
    return _sort(roster)


def roster_rows(team: RosterTeam) -> list[tuple[str, ...]]:
    """The official annex columns, one row per current member (phones spaced as people read them)."""
    from ..phones import display_phone

    return [(str(number), m.name, m.position, m.role_vi, display_phone(m.phone) if m.phone else "", m.notes)
            for number, m in enumerate(team.members, start=1)]
