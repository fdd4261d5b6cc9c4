"""`cnscd split`: one province package per province, copied byte for byte from a national package.

Each one is a complete package on its own (`cnscd validate --data` and `cnscd build` work on it, through
its `datapackage.yaml`) and carries a `datapackage.json` with every file's size and hash for
`cnscd federate`. Copying bytes, not rows, is what makes split → federate give back the same files.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .. import package
from .layout import DESCRIPTOR_JSON, province_descriptor, reference_files


class SplitRefused(Exception):
    """The target cannot be written (not empty) or a province asked for is not in the package."""


def split(data: Path, out: Path, provinces: list[str] | None = None) -> list[Path]:
    """Write `out/<code>-<slug>/` for each province of `data` (or only those asked); returns the folders."""
    data, out = Path(data), Path(out)
    if not (data / package.DESCRIPTOR).is_file():
        raise SplitRefused(f"{data / package.DESCRIPTOR}: không tìm thấy / not found")
    parts = package.partitions(data)
    if provinces:
        unknown = sorted(set(provinces) - {part.province_code for part in parts})
        if unknown:
            raise SplitRefused(f"không có tỉnh mã {', '.join(unknown)} trong {data} / no province {', '.join(unknown)} in {data}")
        parts = [part for part in parts if part.province_code in provinces]
    for part in parts:
        target = out / part.dirname
        if target.exists() and any(target.iterdir()):
            raise SplitRefused(f"{target} đã có dữ liệu / is not empty")
    written = []
    shared = reference_files(data)
    for part in parts:
        target = out / part.dirname
        for relpath in shared:
            (target / relpath).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(data / relpath, target / relpath)
        folder = f"provinces/{part.dirname}/"
        for table in package.PARTITIONED_TABLES:
            for relpath in package.table_files(data, table):
                if relpath.startswith(folder):
                    (target / relpath).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(data / relpath, target / relpath)
        (target / package.DESCRIPTOR).write_text(package.descriptor_text(target), encoding="utf-8")
        (target / DESCRIPTOR_JSON).write_text(
            json.dumps(province_descriptor(target, part), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(target)
    return written
