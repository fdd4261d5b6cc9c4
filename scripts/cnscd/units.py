"""Administrative units: generated from `vietnam-provinces`, looked up by scheme.

Codes were reused across the 2025 reform (26740 was Phường Bến Nghé, is now Phường Sài Gòn), so a
lookup always names its scheme.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import package
from .load import Dataset
from .model import Level, Scheme
from .text import slugify
from .write import render, write_text_atomic


@dataclass
class Units:
    """Lookups over the unit tables of one loaded dataset, built once per run."""

    provinces: dict[str, dict[str, str]] = field(default_factory=dict)
    communes: dict[str, dict[str, str]] = field(default_factory=dict)
    legacy_provinces: dict[str, dict[str, str]] = field(default_factory=dict)
    legacy_districts: dict[str, dict[str, str]] = field(default_factory=dict)
    legacy_communes: dict[str, dict[str, str]] = field(default_factory=dict)
    old_to_new: dict[str, list[str]] = field(default_factory=dict)
    new_to_old: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> Units:
        units = cls()
        for table in ("provinces", "communes", "legacy_provinces", "legacy_districts", "legacy_communes"):
            setattr(units, table, {row["code"]: row.data for row in dataset.rows(table)})
        for row in dataset.rows("commune_mapping"):
            units.old_to_new.setdefault(row["old_code"], []).append(row["new_code"])
            units.new_to_old.setdefault(row["new_code"], []).append(row["old_code"])
        return units

    def commune_exists(self, scheme: str, code: str) -> bool:
        table = self.communes if scheme == Scheme.CURRENT else self.legacy_communes
        return code in table

    def commune_name(self, scheme: str, code: str) -> str:
        table = self.communes if scheme == Scheme.CURRENT else self.legacy_communes
        return table.get(code, {}).get("name", code)

    def province_of_commune(self, code: str) -> str | None:
        """2025 province of a 2025 commune."""
        row = self.communes.get(code)
        return row["province_code"] if row else None

    def current_commune(self, team: Mapping[str, str]) -> str | None:
        """The 2025 commune a team serves now, if it can be told (never for a district team).

        A pre-2025 team's own code is an old one and may now name another commune, so it is mapped.
        """
        if team["level"] == Level.DISTRICT:
            return None
        if team["unit_scheme"] == Scheme.CURRENT:
            return team["commune_code"] or None
        if team["current_commune_code"]:
            return team["current_commune_code"]
        mapped = self.old_to_new.get(team["commune_code"], [])
        return mapped[0] if len(mapped) == 1 else None

    def current_communes(self, scheme: str, code: str) -> list[str]:
        """The 2025 commune(s) a unit reference now lies in."""
        if scheme == Scheme.CURRENT:
            return [code] if code in self.communes else []
        return self.old_to_new.get(code, [])


def generate(root: Path) -> list[Path]:
    """Write the unit tables from the installed `vietnam-provinces` release (official GSO codes)."""
    from vietnam_provinces import Province, Ward
    from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW
    from vietnam_provinces.legacy.base import District as LegacyDistrict
    from vietnam_provinces.legacy.base import Province as LegacyProvince
    from vietnam_provinces.legacy.base import Ward as LegacyWard

    tables: dict[str, list[dict[str, str]]] = {
        "provinces": [
            {"code": f"{int(p.code):02d}", "name": p.name, "division_type": str(p.division_type),
             "slug": slugify(p.name.removeprefix("Tỉnh ").removeprefix("Thành phố "))}
            for p in Province.iter_all()
        ],
        "communes": [
            {"code": f"{int(w.code):05d}", "name": w.name, "division_type": str(w.division_type),
             "province_code": f"{int(w.province_code):02d}", "slug": slugify(w.name)}
            for w in Ward.iter_all()
        ],
        "legacy_provinces": [
            {"code": f"{int(p.code):02d}", "name": p.name, "division_type": str(p.division_type)}
            for p in LegacyProvince.iter_all()
        ],
        "legacy_districts": [
            {"code": f"{int(d.code):03d}", "name": d.name, "division_type": str(d.division_type),
             "province_code": f"{int(d.province_code):02d}"}
            for d in LegacyDistrict.iter_all()
        ],
    }
    district_province = {row["code"]: row["province_code"] for row in tables["legacy_districts"]}
    tables["legacy_communes"] = [
        {"code": f"{int(w.code):05d}", "name": w.name, "division_type": str(w.division_type),
         "district_code": f"{int(w.district_code):03d}",
         "province_code": district_province[f"{int(w.district_code):03d}"]}
        for w in LegacyWard.iter_all()
    ]
    legacy_codes = {row["code"] for row in tables["legacy_communes"]}
    tables["commune_mapping"] = [
        {"old_code": f"{old:05d}", "new_code": f"{new.code:05d}", "partial": "true" if entry.old_ward.is_partly_merged else "false"}
        for old, entry in OLD_TO_NEW.items()
        if f"{old:05d}" in legacy_codes
        for new in entry.new_wards
    ]
    written = []
    for table, rows in tables.items():
        schema = package.load_schema(root, table)
        path = root / "units" / f"{table}.csv"
        write_text_atomic(path, render(rows, package.field_names(schema), schema.get("primaryKey", [])))
        written.append(path)
    return written
