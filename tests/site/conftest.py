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
