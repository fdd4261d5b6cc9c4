"""`cnscd federate`: fetch each province package, validate it alone, merge the good ones, validate the whole.

A province that is unreachable, malformed, invalid, holds another province's rows, or disagrees with the
others on the national reference tables is reported (its findings name file, row and field) and left out;
with `keep_last_good` its folder from the previous national package is kept instead, if there was one.
The national package is written to a fresh folder and swapped in only when it validates, so a failed
run never damages the last good one.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import package
from ..load import UnreadableData
from ..model import Finding, errors
from ..validate import validate
from .fetch import FetchError, Source
from .layout import DESCRIPTOR_JSON, Plan, digest, reference_files, vet

MERGED, KEPT, LEFT_OUT = "merged", "kept", "left-out"
STATUS_VI = {MERGED: "đã gộp", KEPT: "giữ bản cũ", LEFT_OUT: "bị loại"}


@dataclass
class Limits:
    file_bytes: int = 64 << 20
    total_bytes: int = 1 << 30
    timeout: float = 30.0


@dataclass
class Province:
    """One source's outcome: where it came from, which province, what was wrong."""

    source: str
    code: str | None = None
    folder: str | None = None
    status: str = LEFT_OUT
    findings: list[Finding] = field(default_factory=list)
    staged: Path | None = None
    files: int = 0
    bytes: int = 0
    lines: int = 0

    def fail(self, code: str, vi: str, en: str, file: str = DESCRIPTOR_JSON, where: str | None = None) -> None:
        self.findings.append(Finding(file, None, where, code, vi, en))

    @property
    def errors(self) -> list[Finding]:
        return errors(self.findings)

    def as_dict(self) -> dict:
        return {"source": self.source, "province_code": self.code, "folder": self.folder, "status": self.status,
                "files": self.files, "bytes": self.bytes, "lines": self.lines,
                "findings": [item.as_dict() for item in self.findings]}


@dataclass
class Federation:
    out: Path
    provinces: list[Province]
    built: bool = False
    findings: list[Finding] = field(default_factory=list)  # the merged package's own (none attributable)

    @property
    def exit_code(self) -> int:
        if not self.built:
            return 2
        return 0 if all(p.status == MERGED for p in self.provinces) else 1

    def as_dict(self) -> dict:
        return {"out": str(self.out), "built": self.built, "exit_code": self.exit_code,
                "provinces": [p.as_dict() for p in self.provinces],
                "findings": [item.as_dict() for item in self.findings]}


def _parse(raw: bytes, name: str) -> object:
    text = raw.decode("utf-8-sig")
    if not name.endswith((".yaml", ".yml")):
        return json.loads(text)
    # A descriptor has no use for YAML aliases; refusing them keeps an alias bomb from expanding.
    if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader)):
        raise ValueError("YAML aliases (*name) are not accepted in a descriptor")
    return yaml.safe_load(text)


def _code_in_address(text: str) -> str | None:
    """The province an address names (`…/79-ho-chi-minh/…`), so an unreachable source is still known by province."""
    for part in reversed(text.replace("\\", "/").split("/")):
        match = package.PARTITION_DIR.match(part)
        if match:
            return match["code"]
    return None


def stage(source: Source, target: Path, limits: Limits, today: dt.date) -> Province:
    """Fetch one package into `target` (its own layout), then validate it with the same rules as `cnscd validate`."""
    result = Province(source.text, code=_code_in_address(source.text))
    name = source.descriptor.rsplit("/", 1)[-1]
    try:
        descriptor = _parse(source.read_descriptor(), source.descriptor)
    except FetchError as exc:
        result.fail(exc.code, exc.message_vi, exc.message_en, name)
        return result
    except (UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        result.fail("descriptor-malformed", f"Tệp mô tả không đọc được: {str(exc)[:200]}",
                    f"The descriptor cannot be parsed: {str(exc)[:200]}", name)
        return result
    plan: Plan = vet(descriptor, name)
    result.code, result.folder = plan.province_code or result.code, plan.folder
    result.findings += plan.findings
    if plan.findings:
        return result
    for relpath in plan.files:
        declared = plan.declared.get(relpath, {})
        size = declared.get("bytes")
        if isinstance(size, int) and size > limits.file_bytes:
            result.fail("file-too-large", f"Tệp {relpath} ({size:,} byte) lớn hơn giới hạn {limits.file_bytes:,} byte",
                        f"File {relpath} ({size:,} bytes) is over the {limits.file_bytes:,}-byte limit", relpath)
            return result
        try:
            data = source.read(relpath, min(limits.file_bytes, max(limits.total_bytes - result.bytes, 0)))
        except FetchError as exc:
            result.fail(exc.code, exc.message_vi, exc.message_en, relpath)
            return result
        if "sha256" in declared and declared["sha256"] != digest(data):
            result.fail("file-changed", f"Nội dung tệp {relpath} khác với mã băm trong tệp mô tả (tải lại sau)",
                        f"The content of {relpath} differs from the descriptor's hash (fetch again later)", relpath)
            return result
        (target / relpath).parent.mkdir(parents=True, exist_ok=True)
        (target / relpath).write_bytes(data)
        result.files += 1
        result.bytes += len(data)
        if relpath.startswith("provinces/"):
            result.lines += max(data.count(b"\n") - 1, 0)
    (target / package.DESCRIPTOR).write_text(package.descriptor_text(target), encoding="utf-8")
    try:
        found = validate(target, today)
    except UnreadableData as exc:
        result.fail("unreadable", f"Không đọc được dữ liệu: {exc}", f"The data cannot be read: {exc}")
        return result
    result.findings += found
    if not result.errors:
        result.staged = target
    return result


def _reference_key(root: Path) -> tuple:
    return tuple((path, digest((root / path).read_bytes())) for path in reference_files(root))


def agree_on_reference(provinces: list[Province]) -> Path | None:
    """The reference tables most provinces carry (first on a tie); the others are left out, named per file."""
    good = [p for p in provinces if p.staged]
    if not good:
        return None
    keys = {id(p): _reference_key(p.staged) for p in good}
    chosen, _ = Counter(keys[id(p)] for p in good).most_common(1)[0]
    reference = next(p for p in good if keys[id(p)] == chosen)
    for p in good:
        if keys[id(p)] != chosen:
            theirs, ours = dict(keys[id(p)]), dict(chosen)
            for path in sorted(set(theirs) | set(ours)):
                if theirs.get(path) != ours.get(path):
                    p.fail("reference-differs",
                           f"Bảng tham chiếu quốc gia {path} khác với bản của các tỉnh khác (tỉnh {reference.code})",
                           f"The national reference file {path} differs from the other provinces' (province {reference.code})",
                           path)
            p.staged = None
    return reference.staged


def _merge(target: Path, reference: Path, folders: dict[str, Path]) -> None:
    """Reference files from one package, each province folder from its own; then the descriptor."""
    for relpath in reference_files(reference):
        (target / relpath).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(reference / relpath, target / relpath)
    for folder, source in sorted(folders.items()):
        shutil.copytree(source, target / "provinces" / folder)
    (target / package.DESCRIPTOR).write_text(package.descriptor_text(target), encoding="utf-8")


def _previous_folders(out: Path) -> dict[str, Path]:
    return {part.province_code: out / "provinces" / part.dirname for part in package.partitions(out)} \
        if (out / package.DESCRIPTOR).is_file() else {}


def federate(sources: list[str], out: Path, today: dt.date, limits: Limits | None = None,
             keep_last_good: bool = False) -> Federation:
    """Write the national package into `out` from the sources that pass; `out` is replaced only on success."""
    limits = limits or Limits()
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists() and any(out.iterdir()) and not (out / package.DESCRIPTOR).is_file():
        raise FileExistsError(f"{out} có tệp nhưng không phải gói dữ liệu / holds files but no data package")
    work = Path(tempfile.mkdtemp(prefix=".federate-", dir=out.parent))
    try:
        provinces = []
        for index, text in enumerate(sources):
            provinces.append(stage(Source(text, limits.timeout), work / f"source-{index:03d}", limits, today))
        seen: dict[str, Province] = {}
        for p in provinces:
            if p.staged and p.code in seen:
                p.fail("province-duplicate", f"Tỉnh {p.code} đã có từ nguồn {seen[p.code].source}",
                       f"Province {p.code} already came from {seen[p.code].source}")
                p.staged = None
            elif p.staged:
                seen[p.code] = p
        reference = agree_on_reference(provinces)
        previous = _previous_folders(out) if keep_last_good else {}
        federation = Federation(out, provinces)
        while reference is not None:
            folders = {p.folder: p.staged / "provinces" / p.folder for p in provinces if p.staged}
            staged = {p.code for p in provinces if p.staged}
            # A province left out this time keeps its previous folder, unless another source supplied it.
            kept = {p.code: previous[p.code] for p in provinces
                    if not p.staged and p.code in previous and p.code not in staged}
            folders.update({path.name: path for path in kept.values()})
            if not folders:
                break
            merged = work / "merged"
            shutil.rmtree(merged, ignore_errors=True)
            _merge(merged, reference, folders)
            found = validate(merged, today)
            blamed = {package.partition_of(item.file) for item in errors(found)}
            if not blamed:
                for p in provinces:
                    p.status = MERGED if p.staged else KEPT if p.code in kept else LEFT_OUT
                federation.findings = found
                _swap(merged, out)
                federation.built = True
                break
            if None in blamed:  # an error in the reference tables themselves: nothing to leave out
                federation.findings = [item for item in errors(found) if package.partition_of(item.file) is None]
                break
            for p in provinces:
                if p.staged and p.code in blamed:
                    p.findings += [Finding(item.file, item.row, item.field, "national-conflict",
                                           "Mâu thuẫn với dữ liệu tỉnh khác khi gộp: " + item.message_vi,
                                           "Conflicts with another province once merged: " + item.message_en)
                                   for item in errors(found) if package.partition_of(item.file) == p.code]
                    p.staged = None
            previous = {code: path for code, path in previous.items() if code not in blamed}
        return federation
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _swap(new: Path, out: Path) -> None:
    """Replace `out` with `new` in two renames; the old package stays until the new one is in place."""
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    new.rename(out)
    shutil.rmtree(old, ignore_errors=True)
