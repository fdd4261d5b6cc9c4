"""Open-data downloads: team lists per commune, province and nation (CSV and JSON), and the published package.

Only consented phone numbers leave this module: team rows take phones from `derive.Person`, which is
blank without consent, and the published members table is rewritten with the same rule (`consent.public_phone`).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from .. import package
from ..consent import public_phone, withdrawals_by_person
from ..derive import CommuneFacts, Derived, Person, ProvinceFacts, TeamFacts
from ..load import Dataset, Row
from ..text import csv_safe

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


def to_csv(rows: Iterable[dict]) -> str:
    """UTF-8 CSV (with BOM so Excel reads Vietnamese), every text cell made formula-safe.

    CRLF rows (RFC 4180, what Excel writes): a cell holding CR or LF is then always quoted.
    """
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: csv_safe(value) if isinstance(value, str) else value for key, value in row.items()})
    return buffer.getvalue()


def to_json(rows: Iterable[dict], meta: dict) -> str:
    return json.dumps({**meta, "columns": COLUMNS, "teams": list(rows)}, ensure_ascii=False, indent=1)


def write_pair(folder: Path, stem: str, rows: list[dict], meta: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.csv").write_text(to_csv(rows), encoding="utf-8")
    (folder / f"{stem}.json").write_text(to_json(rows, meta), encoding="utf-8")


def _published_table(rows: list[Row], fields: list[str], strings: set[str]) -> str:
    """One partition as published: clean cells, text made formula-safe (TAB and CR included)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([csv_safe(row[name]) if name in strings else row[name] for name in fields])
    return buffer.getvalue()


def publish_package(dataset: Dataset, target: Path) -> Path:
    """The data package as `datapackage.json` with inline schemas, next to the files written from the loaded data.

    Files are written from the cleaned rows, not copied: a phone leaves only through `consent.public_phone`
    (so a withdrawal hides it at the next build, before the data is edited), and no cell keeps a leading
    TAB, CR or formula sign a spreadsheet would run.
    """
    descriptor = package.build_descriptor(dataset.root, inline_schemas=True)
    withdrawals = withdrawals_by_person(dataset)
    for resource in descriptor["resources"]:
        table, schema = resource["name"], resource["schema"]
        fields = package.field_names(schema)
        strings = {f["name"] for f in schema["fields"] if f.get("type", "string") == "string"}
        by_file: dict[str, list[Row]] = defaultdict(list)
        for row in dataset.rows(table):
            if table == "members":
                row = Row(row.file, row.line, {**row, "phone": public_phone(row, withdrawals)})
            by_file[row.file].append(row)
        paths = resource["path"] if isinstance(resource["path"], list) else [resource["path"]]
        for relpath in paths:
            destination = target / relpath
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_text(_published_table(by_file.get(relpath, []), fields, strings), encoding="utf-8")
    path = target / "datapackage.json"
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
