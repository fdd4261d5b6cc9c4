"""What a province package is, and the vetting of a descriptor before a single data file is fetched.

A province package has the repository's own layout: the national reference tables (schemas, units,
indicators, policies) plus exactly one folder `provinces/<code>-<slug>/`. Its `datapackage.json` lists
those files as frictionless resources and, under `cnscd.files`, each file's size and SHA-256, so the
national job knows what it may fetch and can check it got exactly that. Paths are vetted here, once:
only the places this layout allows, never `..`, an absolute path or another host.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import package
from ..model import Finding

FORMAT = "cnscd-province-package/1"
DESCRIPTOR_JSON = "datapackage.json"
_SAFE_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*$")
_PARTITION_PATH = re.compile(r"^provinces/(?P<folder>[0-9]{2}-[a-z0-9-]+)/(?P<file>[a-z_]+(-[0-9]{4})?\.csv)$")


def reference_paths(table: str) -> str | None:
    """Where a national reference table lives (None for a partitioned table)."""
    if table in package.UNIT_TABLES:
        return f"units/{table}.csv"
    if table in package.NATIONAL_TABLES:
        return f"{table}.csv"
    return None


def reference_files(root: Path) -> list[str]:
    """The files every province package carries unchanged from the national package (schemas included)."""
    found = [package.schema_path(table) for table in package.TABLES]
    found += [path for table in package.TABLES if (path := reference_paths(table))]
    return [path for path in found if (root / path).is_file()]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def province_descriptor(root: Path, partition: package.Partition) -> dict:
    """The `datapackage.json` of a province package in `root` (files already in place)."""
    descriptor = package.build_descriptor(root)
    files = reference_files(root) + [path for table in package.PARTITIONED_TABLES
                                     for path in package.table_files(root, table)]
    sizes = {}
    for relpath in files:
        data = (root / relpath).read_bytes()
        sizes[relpath] = {"bytes": len(data), "sha256": digest(data)}
    return {**descriptor, "name": f"{descriptor['name']}-{partition.province_code}",
            "cnscd": {"format": FORMAT, "province_code": partition.province_code,
                      "province_slug": partition.slug, "files": sizes}}


@dataclass
class Plan:
    """What a vetted descriptor allows to fetch: relative paths only, and the one province it holds."""

    province_code: str | None = None
    folder: str | None = None
    files: list[str] = field(default_factory=list)
    declared: dict[str, dict] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    descriptor: str = DESCRIPTOR_JSON

    def refuse(self, where: str | None, code: str, vi: str, en: str) -> None:
        self.findings.append(Finding(self.descriptor, None, where, code, vi, en))


def safe_path(path: object) -> bool:
    """A relative POSIX path made of plain names: no `..`, no absolute path, no scheme, no backslash."""
    return isinstance(path, str) and len(path) <= 200 and bool(_SAFE_PATH.match(path)) and ".." not in path.split("/")


def vet(descriptor: object, name: str = DESCRIPTOR_JSON) -> Plan:
    """Check a descriptor's shape and every path it names; the plan lists the files to fetch."""
    plan = Plan(descriptor=name)
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        plan.refuse(None, "descriptor-malformed", "Tệp mô tả phải là một đối tượng JSON có danh sách «resources»",
                    "The descriptor must be a JSON object with a «resources» list")
        return plan
    seen: set[str] = set()
    folders: set[str] = set()
    for index, resource in enumerate(descriptor["resources"]):
        name = resource.get("name") if isinstance(resource, dict) else None
        where = f"resources[{index}]" + (f" {name}" if isinstance(name, str) else "")
        if name not in package.TABLES:
            plan.refuse(where, "resource-unknown", f"Bảng «{name}» không thuộc gói dữ liệu này",
                        f"Table «{name}» is not part of this package")
            continue
        if name in seen:
            plan.refuse(where, "resource-duplicate", f"Bảng {name} được liệt kê hai lần", f"Table {name} is listed twice")
            continue
        seen.add(name)
        if resource.get("schema") != package.schema_path(name):
            plan.refuse(where, "schema-unexpected",
                        f"Lược đồ của bảng {name} phải là tệp {package.schema_path(name)} (không nhận lược đồ viết liền)",
                        f"The schema of {name} must be the file {package.schema_path(name)} (inline schemas are refused)")
            continue
        paths = resource.get("path")
        paths = [paths] if isinstance(paths, str) else paths
        if not isinstance(paths, list) or not paths:
            plan.refuse(where, "path-missing", f"Bảng {name} không có đường dẫn tệp", f"Table {name} has no file path")
            continue
        wanted = reference_paths(name)
        for path in paths:
            if not safe_path(path):
                plan.refuse(where, "path-unsafe",
                            f"Đường dẫn «{str(path)[:120]}» không an toàn (chỉ nhận đường dẫn tương đối, không «..», không địa chỉ khác)",
                            f"Unsafe path «{str(path)[:120]}» (only relative paths, no «..», no other address)")
                continue
            match = _PARTITION_PATH.match(path)
            if wanted is not None:
                ok = path == wanted and len(paths) == 1
            else:
                ok = bool(match) and package.table_of(Path(path)) == name and (
                    name in package.YEARLY_TABLES or match["file"] == f"{name}.csv")
            if not ok:
                plan.refuse(where, "path-unexpected",
                            f"Tệp {path} không ở chỗ của bảng {name} trong bố cục gói tỉnh",
                            f"File {path} is not where table {name} lives in a province package")
                continue
            if match:
                folders.add(match["folder"])
            plan.files.append(path)
        plan.files.append(package.schema_path(name))
    for table in package.UNIT_TABLES + package.NATIONAL_TABLES:
        if table not in seen:
            plan.refuse(table, "resource-missing", f"Thiếu bảng tham chiếu quốc gia {table}",
                        f"The national reference table {table} is missing")
    if len(folders) > 1:
        plan.refuse("resources", "province-several", f"Gói của một tỉnh chỉ được có một thư mục tỉnh (có: {', '.join(sorted(folders))})",
                    f"A province package holds exactly one province folder (has: {', '.join(sorted(folders))})")
    elif not folders:
        plan.refuse("resources", "province-none", "Gói không có thư mục tỉnh nào (provinces/<mã>-<tên>/)",
                    "The package holds no province folder (provinces/<code>-<slug>/)")
    else:
        plan.folder = folders.pop()
        plan.province_code = plan.folder[:2]
    meta = descriptor.get("cnscd") if isinstance(descriptor.get("cnscd"), dict) else {}
    declared_code = meta.get("province_code")
    if declared_code is not None and plan.province_code and declared_code != plan.province_code:
        plan.refuse("cnscd.province_code", "province-mismatch",
                    f"Gói ghi mã tỉnh {declared_code} nhưng thư mục là {plan.folder}",
                    f"The package says province {declared_code} but its folder is {plan.folder}")
    files = meta.get("files") if isinstance(meta.get("files"), dict) else {}
    plan.declared = {path: value for path, value in files.items() if isinstance(value, dict)}
    return plan
