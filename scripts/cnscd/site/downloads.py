"""Open-data downloads: team lists per commune (CSV), province (zipped CSV) and nation (CSV, JSON), and the published package.

Only consented phone numbers leave this module: team rows take phones from `derive.Person`, which is
blank without consent, and the published members table is rewritten with the same rule (`consent.public_phone`).

Sized for static hosting (national scale: 102,951 teams): a commune keeps a small CSV a phone opens as it is;
anything bigger is a deterministic zip (`archives`) under 5 MB — the national list as CSV 3.3 MB and as JSON
3.9 MB, the full package as one self-contained, valid package per province. Unzipped, the same files were
114 MB (national) + 113 MB (provinces) + 129 MB (package), plus 85 MB of JSON twins of the commune CSVs.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import package
from ..consent import public_phone, withdrawals_by_person
from ..derive import CommuneFacts, Derived, Person, ProvinceFacts, TeamFacts
from ..load import Dataset, Row, read_csv
from ..text import csv_safe
from . import archives, render, workdir

NATIONAL_CSV = "to-cnscd-ca-nuoc-csv.zip"
NATIONAL_JSON = "to-cnscd-ca-nuoc-json.zip"
PACKAGES = "goi-du-lieu"  # one zip per province under du-lieu/

COLUMNS = [
    "province_code", "province_name", "commune_code", "commune_name", "village_id", "village_name",
    "team_id", "team_name", "level", "member_count", "leader_name", "leader_position", "leader_phone",
    "deputies", "zalo_url", "decision_number", "decision_signed_on", "latest_report_period",
    "latest_report_submitted_on", "latest_report_on_time", "due_period", "due_period_status",
]


def _people(people: list[Person]) -> str:
    return "; ".join(f"{p.name} ({p.position}){' ' + p.phone if p.phone else ''}" if p.position
                     else f"{p.name}{' ' + p.phone if p.phone else ''}" for p in people)


def _team_row(province: ProvinceFacts, commune: CommuneFacts, team: TeamFacts, village_name: str) -> dict:
    leader = team.leaders[0] if team.leaders else Person("", "", "", "")
    report = team.latest_report
    return {
        "province_code": province.code, "province_name": province.name,
        "commune_code": commune.code, "commune_name": commune.name,
        "village_id": team.village_id, "village_name": village_name,
        "team_id": team.team_id, "team_name": team.name, "level": team.level, "member_count": team.member_count,
        "leader_name": leader.name, "leader_position": leader.position, "leader_phone": leader.phone,
        "deputies": _people(team.deputies), "zalo_url": team.zalo_url,
        "decision_number": team.decision_number, "decision_signed_on": team.decision_signed_on,
        "latest_report_period": report.period if report else "",
        "latest_report_submitted_on": report.submitted_on.isoformat() if report and report.submitted_on else "",
        "latest_report_on_time": "" if report is None or report.on_time is None else str(report.on_time).lower(),
        "due_period": province.due_period or "",
        "due_period_status": str(team.status_this_period or ""),
    }


def commune_rows(province: ProvinceFacts, commune: CommuneFacts) -> Iterator[dict]:
    for team in commune.commune_teams:
        yield _team_row(province, commune, team, "")
    for village in commune.villages:
        for team in village.teams:
            if team.active:
                yield _team_row(province, commune, team, village.name)


def province_rows(province: ProvinceFacts) -> Iterator[dict]:
    for commune in province.communes:
        yield from commune_rows(province, commune)


def national_rows(derived: Derived) -> Iterator[dict]:
    for province in derived.provinces:
        yield from province_rows(province)


def csv_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """UTF-8 CSV (with BOM so Excel reads Vietnamese), every text cell made formula-safe, a few hundred rows at
    a time: the national list is written into its zip as it is made, never held whole.

    CRLF rows (RFC 4180, what Excel writes): a cell holding CR or LF is then always quoted.
    """
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for count, row in enumerate(rows, start=1):
        writer.writerow({key: csv_safe(value) if isinstance(value, str) else value for key, value in row.items()})
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def to_csv(rows: Iterable[dict]) -> str:
    return "".join(csv_chunks(rows))


def json_chunks(rows: Iterable[dict], meta: dict) -> Iterator[str]:
    """The same rows as the CSV, values as they are (no formula-safe quote: a program reads them, not Excel);
    the text of `json.dumps({**meta, "columns": …, "teams": [...]})`, compact, one team at a time."""
    head = json.dumps({**meta, "columns": COLUMNS}, ensure_ascii=False, separators=(",", ":"))
    yield head[:-1] + ',"teams":['
    for count, row in enumerate(rows):
        yield ("," if count else "") + json.dumps(row, ensure_ascii=False, separators=(",", ":"))
    yield "]}"


def to_json(rows: Iterable[dict], meta: dict) -> str:
    return "".join(json_chunks(rows, meta))


def write_commune_csv(folder: Path, stem: str, rows: list[dict]) -> None:
    """A commune's teams as one small CSV (about 10 KB) that opens on a phone without unzipping."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.csv").write_text(to_csv(rows), encoding="utf-8")


def write_province_zip(folder: Path, stem: str, rows: list[dict]) -> int:
    """`<stem>.zip` holding `<stem>.csv`; returns its size in bytes.

    No JSON twin: it held the same rows as the national JSON (a program filters that by `province_code`) and was
    56 % of these zips, 4.6 MB at national scale.
    """
    return archives.write_zip(folder / f"{stem}.zip", {f"{stem}.csv": to_csv(rows)})


def write_national(folder: Path, rows: Callable[[], Iterable[dict]], meta: dict) -> dict[str, int]:
    """The national list, one zip per format (together they would pass 5 MB); file name → bytes. `rows` gives the
    rows afresh for each format; each file is written as the rows come."""
    stem = "to-cnscd-ca-nuoc"
    return {NATIONAL_CSV: archives.write_zip_stream(folder / NATIONAL_CSV, f"{stem}.csv", csv_chunks(rows())),
            NATIONAL_JSON: archives.write_zip_stream(folder / NATIONAL_JSON, f"{stem}.json", json_chunks(rows(), meta))}


def _published_table(rows: list[Row], fields: list[str], strings: set[str],
                     phone: Callable[[Row], str] | None = None) -> str:
    """One partition as published: clean cells, text made formula-safe (TAB and CR included); with `phone`,
    the phone column is what it returns for the row (members: the number only with consent)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(fields)
    at = fields.index("phone") if phone is not None and "phone" in fields else -1
    for row in rows:
        cells = [csv_safe(row[name]) if name in strings else row[name] for name in fields]
        if at >= 0:
            cells[at] = csv_safe(phone(row))  # type: ignore[misc]
        writer.writerow(cells)
    return buffer.getvalue()


@dataclass
class Published:
    """The package as published: descriptor (inline schemas) and, per file, its rows; each file's text is made
    only when asked, so a national build never holds all 129 MB of CSV text at once."""

    descriptor: dict
    # Per file: its rows (None: the build let them go, read the file again), fields, text fields, phone rule.
    files: dict[str, tuple[list[Row] | None, list[str], set[str], Callable[[Row], str] | None]]
    root: Path | None = None

    def text(self, relpath: str) -> str:
        rows, fields, strings, phone = self.files[relpath]
        if rows is None:  # checked data: reading it again gives the rows the build had, one file at a time
            assert self.root is not None
            rows = read_csv(self.root / relpath, relpath)[1] if (self.root / relpath).is_file() else []
        return _published_table(rows, fields, strings, phone)


def published(dataset: Dataset) -> Published:
    """Files are written from the cleaned rows, not copied: a phone leaves only through `consent.public_phone`
    (so a withdrawal hides it at the next build, before the data is edited), and no cell keeps a leading
    TAB, CR or formula sign a spreadsheet would run."""
    descriptor = package.build_descriptor(dataset.root, inline_schemas=True)
    withdrawals = withdrawals_by_person(dataset)
    files: dict[str, tuple[list[Row] | None, list[str], set[str], Callable[[Row], str] | None]] = {}
    # Members' phones are replaced as each file's text is made, not by copying 478,000 rows (170 MB nationally).
    phone = functools.partial(public_phone, withdrawals=withdrawals)
    for resource in descriptor["resources"]:
        table, schema = resource["name"], resource["schema"]
        fields = package.field_names(schema)
        strings = {f["name"] for f in schema["fields"] if f.get("type", "string") == "string"}
        by_file: dict[str, list[Row]] = defaultdict(list)
        for row in [] if table in dataset.released else dataset.rows(table):
            by_file[row.file].append(row)
        paths = resource["path"] if isinstance(resource["path"], list) else [resource["path"]]
        for relpath in paths:
            rows = None if table in dataset.released else by_file.get(relpath, [])
            files[relpath] = (rows, fields, strings, phone if table == "members" else None)
    return Published(descriptor, files, Path(dataset.root))


def publish_package(dataset: Dataset, target: Path) -> Path:
    """The whole package unzipped in a folder (`datapackage.json` beside its files): for tests and tools."""
    result = published(dataset)
    for relpath in result.files:
        destination = target / relpath
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(result.text(relpath), encoding="utf-8")
    path = target / "datapackage.json"
    path.write_text(json.dumps(result.descriptor, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def province_descriptor(descriptor: dict, dirname: str) -> dict:
    """The national descriptor narrowed to one province's partitions (reference tables kept): valid on its own."""
    prefix = f"provinces/{dirname}/"
    resources = []
    for resource in descriptor["resources"]:
        if isinstance(resource["path"], list):  # a partitioned table
            paths = [path for path in resource["path"] if path.startswith(prefix)]
            if not paths:
                continue
            resource = {**resource, "path": paths}
        resources.append(resource)
    return {**descriptor, "resources": resources}


def publish_packages(dataset: Dataset, target: Path, derived: Derived, keys: dict[str, str] | None = None,
                     cache: Path | None = None) -> dict[str, int]:
    """One zip per province (`<code>-<slug>.zip`): its partitions, the national reference tables and a
    `datapackage.json` for exactly those files, so `frictionless validate <file>.zip` checks it alone.

    The national package would be a 16 MB zip; per province the largest is under 1 MB at national scale.
    Every province gets one (a province without data: the reference tables only), so its page's link holds.
    Returns file name → bytes. With `keys` (province code → the key of its files, the national tables and the
    code: site/reuse.py) and `cache`, a province's zip made before from the same inputs is linked, not made.
    """
    result = published(dataset)
    shared: dict[str, str] = {}
    dirnames = sorted({path.split("/")[1] for path in result.files if package.partition_of(path) is not None}
                      | {render.province_path(province).rstrip("/") for province in derived.provinces})
    sizes = {}
    for dirname in dirnames:
        key = (keys or {}).get(dirname.split("-", 1)[0])
        kept = cache / f"{dirname}-{key}.zip" if key and cache is not None else None
        if kept is not None and kept.is_file():
            (target / PACKAGES).mkdir(parents=True, exist_ok=True)
            workdir.link(kept, target / PACKAGES / f"{dirname}.zip")
            sizes[f"{dirname}.zip"] = kept.stat().st_size
            continue
        shared = shared or {path: result.text(path) for path in result.files if package.partition_of(path) is None}
        prefix = f"provinces/{dirname}/"
        own = {path: result.text(path) for path in result.files if path.startswith(prefix)}
        content = {**shared, **own, "datapackage.json": json.dumps(province_descriptor(result.descriptor, dirname),
                                                                    ensure_ascii=False, indent=1)}
        sizes[f"{dirname}.zip"] = archives.write_zip(target / PACKAGES / f"{dirname}.zip", content)
        if kept is not None:
            kept.parent.mkdir(parents=True, exist_ok=True)
            for stale in kept.parent.glob(f"{dirname}-*.zip"):
                stale.unlink()
            workdir.link(target / PACKAGES / f"{dirname}.zip", kept)
    return sizes


LISTING_MARKER = "<!-- cnscd:tai-ve -->"


def write_listing(page: Path, derived: Derived, national: dict[str, int], packages: dict[str, int],
                  commune_csv: bool = True) -> None:
    """Put the list of national and per-province downloads, with sizes, into the open-data page at its marker;
    `commune_csv`: whether commune pages offer their own CSV (site/communefiles.py)."""
    names = {f"{render.province_path(p).rstrip('/')}.zip": p.name for p in derived.provinces}
    html = render.ENV.get_template("data_downloads.html").render(
        root="../", sizes={**national, **packages},
        national=[(NATIONAL_CSV, "Danh sách tổ cả nước (CSV)"), (NATIONAL_JSON, "Danh sách tổ cả nước (JSON)")],
        packages=[(name, names.get(name, name)) for name in sorted(packages)], commune_csv=commune_csv)
    block = "\n" + render.html_block(html) + "\n"
    text = page.read_text(encoding="utf-8") if page.is_file() else "# Dữ liệu mở\n"
    text = text.replace(LISTING_MARKER, block) if LISTING_MARKER in text else text.rstrip() + "\n\n" + block
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(text, encoding="utf-8")
