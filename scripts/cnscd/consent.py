"""Consent to publish a phone number, per person, and its withdrawal (Decree 13/2023, Law 91/2025)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

CONSENT_CHECKS: tuple[Callable[..., Iterator], ...] = ()
