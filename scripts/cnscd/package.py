"""Where each table lives in `data/` and how the frictionless descriptor is composed from it.

Tables that grow with the country are partitioned per 2025 province (`provinces/79-ho-chi-minh/`),
reports also per year, so one commune's change is a small diff that the province's owners review.
Each partitioned table is one multipart frictionless resource, so keys and foreign keys span all
partitions without per-partition schema copies.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_DATA = Path("data")
DESCRIPTOR = "datapackage.yaml"

UNIT_TABLES = ("provinces", "communes", "legacy_provinces", "legacy_districts", "legacy_communes", "commune_mapping")
NATIONAL_TABLES = ("indicators", "policies")
PARTITIONED_TABLES = ("villages", "decisions", "teams", "members", "reports", "targets", "trainings", "withdrawals")
# Order matters: a resource is listed after the ones its foreign keys point to.
TABLES = UNIT_TABLES + NATIONAL_TABLES + PARTITIONED_TABLES
YEARLY_TABLES = ("reports",)

PARTITION_DIR = re.compile(r"^(?P<code>[0-9]{2})-(?P<slug>[a-z0-9-]+)$")
_YEAR_FILE = re.compile(r"^(?P<table>[a-z_]+)-(?P<year>[0-9]{4})\.csv$")

PACKAGE_META = {
    "name": "to-cong-nghe-so-cong-dong",
    "title": "Tổ Công nghệ số cộng đồng — dữ liệu mở / Community Digital Technology Teams — open data",
    "description": (
        "Danh sách tổ, thành viên (chỉ số điện thoại đã được đồng ý công khai), quyết định thành lập, "
        "báo cáo, chỉ tiêu, lớp tập huấn và đơn vị hành chính. Rosters, decisions, reports, targets, "
        "trainings and administrative units of Vietnam's community digital technology teams."
    ),
    "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                  "title": "Creative Commons Attribution 4.0"}],
}


@dataclass(frozen=True)
class Partition:
    province_code: str
    slug: str

    @property
    def dirname(self) -> str:
        return f"{self.province_code}-{self.slug}"


def table_of(path: Path) -> str:
    """Table name of a data file (`reports-2025.csv` → reports)."""
    match = _YEAR_FILE.match(path.name)
    return match["table"] if match else path.stem


def partitions(root: Path) -> list[Partition]:
    base = root / "provinces"
    if not base.is_dir():
        return []
    found = []
    for child in sorted(base.iterdir()):
        match = PARTITION_DIR.match(child.name)
        if child.is_dir() and match:
            found.append(Partition(match["code"], match["slug"]))
    return found


@functools.lru_cache(maxsize=4096)
def partition_of(relpath: str) -> str | None:
    """Province code of a partitioned file path, e.g. provinces/79-ho-chi-minh/teams.csv → 79."""
    parts = relpath.split("/")
    if len(parts) >= 3 and parts[0] == "provinces":
        match = PARTITION_DIR.match(parts[1])
        return match["code"] if match else None
    return None


def table_files(root: Path, table: str) -> list[str]:
    """Relative paths (posix) of every file of a table, in canonical order."""
    if table in UNIT_TABLES:
        candidates = [root / "units" / f"{table}.csv"]
    elif table in NATIONAL_TABLES:
        candidates = [root / f"{table}.csv"]
    else:
        candidates = []
        for part in partitions(root):
            folder = root / "provinces" / part.dirname
            if table in YEARLY_TABLES:
                candidates += sorted(folder.glob(f"{table}-[0-9][0-9][0-9][0-9].csv"))
            else:
                candidates.append(folder / f"{table}.csv")
    return [p.relative_to(root).as_posix() for p in candidates if p.is_file()]


def partition_file(root: Path, table: str, province_code: str, province_slug: str, year: str | None = None) -> Path:
    """Where a row of `table` for a province (and year, for reports) belongs."""
    folder = root / "provinces" / f"{province_code}-{province_slug}"
    if table in YEARLY_TABLES:
        if not year:
            raise ValueError(f"{table} is partitioned per year")
        return folder / f"{table}-{year}.csv"
    return folder / f"{table}.csv"


def schema_path(table: str) -> str:
    return f"schemas/{table}.schema.yaml"


def load_schema(root: Path, table: str) -> dict:
    with open(root / schema_path(table), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def field_names(schema: dict) -> list[str]:
    return [field["name"] for field in schema["fields"]]


def build_descriptor(root: Path, inline_schemas: bool = False) -> dict:
    """The package descriptor for the files present; `cnscd fmt` writes it, CI checks it is current."""
    resources = []
    for table in TABLES:
        files = table_files(root, table)
        if not files:
            continue
        resources.append({
            "name": table,
            "path": files if table in PARTITIONED_TABLES else files[0],
            "format": "csv",
            "encoding": "utf-8",
            "schema": load_schema(root, table) if inline_schemas else schema_path(table),
        })
    return {**PACKAGE_META, "resources": resources}


def descriptor_text(root: Path) -> str:
    header = "# Generated by `cnscd fmt` from the files present; edit the schemas in schemas/, not this list.\n"
    return header + yaml.safe_dump(build_descriptor(root), allow_unicode=True, sort_keys=False, width=120)
