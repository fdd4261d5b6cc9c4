"""`cnscd synth`: the synthetic packages benchmarks and load tests run on, at three scales.

The same scale and seed always write the same files, so a figure measured today can be measured
again on identical data after a change.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from . import package
from .load import load
from .sample import SAMPLE_AREAS, SAMPLE_POLICIES, build, write
from .units import Units

SCALES = ("sample", "province", "national")
# The province scale: Hồ Chí Minh City, the largest 2025 province by communes.
PROVINCE_SCALE_CODE = "79"
TODAY = dt.date(2026, 11, 1)


def _start(target: Path, source: Path) -> Units:
    """Schemas and the official unit tables, copied from the bundled package; people are generated."""
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} đã có dữ liệu / is not empty")
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / "schemas", target / "schemas")
    shutil.copytree(source / "units", target / "units")
    (target / package.DESCRIPTOR).write_text(package.descriptor_text(target), encoding="utf-8")
    return Units.from_dataset(load(target))


def _policies(codes: list[str]) -> list[tuple]:
    return [row for row in SAMPLE_POLICIES if row[0] == "pre2025"] + [
        ("2025", code, "2025-07-01", "", 3, "monthly", 25, "2025-12-31", "Dữ liệu thử tải (giả định)") for code in codes]


def synthesize(scale: str, target: Path, source: Path, seed: int = 2025, today: dt.date = TODAY,
               villages_per_commune: int = 30, communes: int = 0, report_months: int = 12, indicators: int = 1) -> Path:
    """Write a valid synthetic package at `scale` into `target` (which must be empty or absent)."""
    units = _start(target, source)
    if scale == "sample":
        builder = build(units, list(SAMPLE_AREAS), communes_per_area=3, villages_per_commune=6, today=today, seed=seed)
        write(target, builder)
        return target
    codes = [PROVINCE_SCALE_CODE] if scale == "province" else sorted(units.provinces)
    builder = build(units, [(code, None) for code in codes], communes_per_area=communes,
                    villages_per_commune=villages_per_commune, today=today, seed=seed, report_months=report_months,
                    indicators_per_report=indicators, history=False)
    write(target, builder, _policies(codes))
    return target
