"""Fixtures for the site tests: the sample loaded and derived once per session at the fixed today."""

from __future__ import annotations

import pytest

from cnscd.checks import Context
from cnscd.derive import Derived, derive
from cnscd.load import load
from tests.conftest import SAMPLE, TODAY


@pytest.fixture(scope="session")
def sample_context() -> Context:
    return Context(load(SAMPLE), TODAY)


@pytest.fixture(scope="session")
def derived(sample_context: Context) -> Derived:
    return derive(sample_context)


def commune(derived: Derived, code: str):
    return next(c for c in derived.communes() if c.code == code)


def province(derived: Derived, code: str):
    return next(p for p in derived.provinces if p.code == code)


def large_commune(derived: Derived, villages: int, long_names: bool = True):
    """Phường Vũng Tàu grown to `villages` villages, each with one active team with full contacts.

    Both leader and deputy with consented phones, a Zalo group, a decision and a latest report; with
    long_names the leader is "Nguyễn Thị Phương Thảo", "Bí thư chi bộ kiêm trưởng khu phố" (the worst
    case for bytes), else the sample's "Dương Quang Hải", "Tổ trưởng tổ dân phố" (a typical one).
    """
    import copy

    big = copy.deepcopy(commune(derived, "26506"))
    template = big.villages[1]
    team = template.teams[0]
    if long_names:
        team.leaders[0].name, team.leaders[0].position = "Nguyễn Thị Phương Thảo", "Bí thư chi bộ kiêm trưởng khu phố"
    assert team.leaders[0].phone and team.deputies[0].phone and team.decision_number and team.latest_report
    big.villages = []
    for number in range(villages):
        village = copy.deepcopy(template)
        village.village_id, village.name = f"V26506-{number:03d}", f"Khu phố Phước Thắng {number}"
        village.teams[0].team_id, village.teams[0].name = f"T79-{number:04d}", f"Tổ CNSCĐ Khu phố Phước Thắng {number}"
        village.teams[0].zalo_url = f"https://zalo.me/g/cnscd26506kp{number}"
        big.villages.append(village)
    return big
