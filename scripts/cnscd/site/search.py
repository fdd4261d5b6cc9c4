"""The "find your village" index: names of units, villages and teams with a diacritic-free key.

Material's search needs exact diacritics; people often type without them on a phone. The index is
built once per build, from the derived facts, and matched by assets/find.js with the same folding.
"""

from __future__ import annotations

import json

from ..derive import Derived
from ..text import fold
from .render import commune_path, province_path, redirect_path

# Lower sorts first when several entries match equally well.
KIND_RANK = {"commune": 0, "village": 1, "team": 2, "province": 3, "old_commune": 4, "commune_no_data": 5}


def entries(derived: Derived, communes: dict[str, dict[str, str]], redirects: dict[str, str]) -> list[dict]:
    """One entry per findable name: k folded key, n name, c context, u address from the site root, t kind."""
    found: list[dict] = []
    with_pages = set()

    def add(kind: str, name: str, context: str, url: str) -> None:
        found.append({"k": fold(f"{name} {context}"), "n": name, "c": context, "u": url, "t": kind})

    for province in derived.provinces:
        add("province", province.name, "", province_path(province))
        for commune in province.communes:
            with_pages.add(commune.code)
            url = commune_path(province, commune)
            add("commune", commune.name, province.name, url)
            where = f"{commune.name}, {province.name}"
            for village in commune.villages:
                add("village", village.name, where, f"{url}#{village.village_id.lower()}-ten")
                for team in village.teams:
                    if team.active and fold(team.name) != fold(f"Tổ CNSCĐ {village.name}"):
                        add("team", team.name, where, f"{url}#{team.team_id.lower()}")
            for team in commune.commune_teams:
                add("team", team.name, where, f"{url}#{team.team_id.lower()}")
    names = {p.code: p for p in derived.provinces}
    for code, row in communes.items():
        if code not in with_pages and row["province_code"] in names:
            province = names[row["province_code"]]
            add("commune_no_data", row["name"], province.name, province_path(province))
    for old_code, label in redirects.items():
        add("old_commune", label, "xã cũ trước 1/7/2025", redirect_path(old_code))
    found.sort(key=lambda e: (KIND_RANK[e["t"]], e["k"]))
    return found


def index_json(items: list[dict]) -> str:
    return json.dumps({"version": 1, "entries": items}, ensure_ascii=False, separators=(",", ":"))
