"""Phone numbers and e-mail addresses hidden in free text: personal contacts that bypass consent."""

from __future__ import annotations

from collections.abc import Callable, Iterator

# Rules over a checks.Context, run by `checks.run_checks` after the core rules.
CONTACT_CHECKS: tuple[Callable[..., Iterator], ...] = ()
