"""The forms' pickers: which communes, villages and teams a person can choose, as small JSON files.

Written at build time next to the form pages (`bieu-mau/du-lieu/`): `index.json` lists the provinces
and the code ranges that tell a commune's province (so `?xa=CODE` needs one small file), one
`<province code>.json` per province lists its communes, and `xa/<commune code>.json` a commune's villages
and active teams — commune and team names folded by `text.fold`, so the browser searches without diacritics by
comparing, never by its own folding rules (a village is picked from the browser's own list of names: no fold, 1.6 MB
of the national site). A phone fetches three small files, only for the place it picks: on synthetic
national data (102,951 teams) one province file with villages and teams in it was 750 KB for Hồ Chí Minh City.
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


def payloads(ctx: Context) -> tuple[dict[str, list], dict[str, dict]]:
    """Communes per province [code, name, folded]; per commune its villages [id, name] and active teams
    [team_id, village_id, name, folded] (active only: the forms cannot change the others)."""
    units = ctx.units
    provinces: dict[str, list] = {code: [] for code in units.provinces}
    communes: dict[str, dict] = {}
    for code, row in sorted(units.communes.items()):
        provinces[row["province_code"]].append([code, row["name"], fold(row["name"])])
    for village in ctx.dataset.rows("villages"):
        if village["commune_code"] in units.communes:
            communes.setdefault(village["commune_code"], {"villages": [], "teams": []})["villages"].append(
                [village["village_id"], village["name"]])
    for team in ctx.dataset.rows("teams"):
        commune = units.current_commune(team)
        if team["status"] != "active" or commune not in units.communes:
            continue
        communes.setdefault(commune, {"villages": [], "teams": []})["teams"].append(
            [team["team_id"], team["village_id"], team["name"], fold(team["name"])])
    for payload in communes.values():
        payload["villages"].sort()
        payload["teams"].sort()
    return provinces, communes


def write_form_data(docs: Path, ctx: Context) -> int:
    """Write index.json, one file per province and one per commune with teams; returns the number of files."""
    folder = docs / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    units = ctx.units
    index = {"provinces": [[code, row["name"], fold(row["name"])] for code, row in sorted(units.provinces.items())],
             "ranges": code_ranges(units.communes),
             # The annex table's column names as the core reads them, so a pasted table fills the boxes the
             # way `cnscd import roster` would read it (the service reads every line again).
             "columns": [[column, list(needles)] for column, needles in spreadsheet._HEADERS]}
    (folder / "index.json").write_text(_dump(index), encoding="utf-8")
    provinces, communes = payloads(ctx)
    for code, rows in provinces.items():
        (folder / f"{code}.json").write_text(_dump({"communes": rows}), encoding="utf-8")
    (folder / "xa").mkdir(exist_ok=True)
    for code, payload in communes.items():
        (folder / "xa" / f"{code}.json").write_text(_dump(payload), encoding="utf-8")
    return len(provinces) + len(communes) + 1
