"""The forms' pickers: which communes, villages and teams a person can choose, as small JSON files.

Written at build time next to the form pages (`bieu-mau/du-lieu/`): `index.json` lists the provinces
and the code ranges that tell a commune's province (so `?xa=CODE` needs one small file), and one
`<province code>.json` per province lists its communes, villages and active teams with names folded by
`text.fold`, so the browser searches without diacritics by comparing, never by its own folding rules.
At national scale this is 34 files, each fetched only when someone picks that province.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..checks import Context
from ..intake import spreadsheet
from ..text import fold

FOLDER = "bieu-mau/du-lieu"


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def code_ranges(communes: dict[str, dict[str, str]]) -> list[list[str]]:
    """Runs of consecutive codes (in the sorted national list) that share a province: [first, last, province]."""
    runs: list[list[str]] = []
    for code in sorted(communes):
        province = communes[code]["province_code"]
        if runs and runs[-1][2] == province:
            runs[-1][1] = code
        else:
            runs.append([code, code, province])
    return runs


def province_payloads(ctx: Context) -> dict[str, dict]:
    """Per province: communes [code, name, folded], villages [id, commune, name, folded], teams
    [team_id, commune, village_id, name, folded] (active teams only: the forms cannot change others)."""
    units = ctx.units
    out: dict[str, dict] = {code: {"communes": [], "villages": [], "teams": []} for code in units.provinces}
    for code, row in sorted(units.communes.items()):
        out[row["province_code"]]["communes"].append([code, row["name"], fold(row["name"])])
    for village in ctx.dataset.rows("villages"):
        province = units.province_of_commune(village["commune_code"])
        if province in out:
            out[province]["villages"].append([village["village_id"], village["commune_code"], village["name"],
                                              fold(village["name"])])
    for team in ctx.dataset.rows("teams"):
        commune = units.current_commune(team)
        province = units.province_of_commune(commune) if commune else None
        if team["status"] != "active" or province not in out:
            continue
        out[province]["teams"].append([team["team_id"], commune, team["village_id"], team["name"],
                                       fold(team["name"])])
    for payload in out.values():
        payload["villages"].sort()
        payload["teams"].sort()
    return out


def write_form_data(docs: Path, ctx: Context) -> int:
    """Write index.json and one file per province into the build's docs; returns the number of files."""
    folder = docs / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    units = ctx.units
    index = {"provinces": [[code, row["name"], fold(row["name"])] for code, row in sorted(units.provinces.items())],
             "ranges": code_ranges(units.communes),
             # The annex table's column names as the core reads them, so a pasted table fills the boxes the
             # way `cnscd import roster` would read it (the service reads every line again).
             "columns": [[column, list(needles)] for column, needles in spreadsheet._HEADERS]}
    (folder / "index.json").write_text(_dump(index), encoding="utf-8")
    payloads = province_payloads(ctx)
    for code, payload in payloads.items():
        (folder / f"{code}.json").write_text(_dump(payload), encoding="utf-8")
    return len(payloads) + 1
