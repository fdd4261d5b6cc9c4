"""The "find your village" index: names of units, villages and teams with a diacritic-free key.

Material's search needs exact diacritics; people often type without them on a phone. The index is
built once per build, from the derived facts, split into shards by the first two letters of each
word, and matched by assets/find.js with the same folding.
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


def shard_key(token: str) -> str:
    """Entries are split by the first two letters of each word, so a phone downloads only one small part."""
    return token[:2]


def shards(items: list[dict]) -> dict[str, list[dict]]:
    """Each entry goes into the shard of every word of its key (a national single file would be ~15 MB)."""
    found: dict[str, list[dict]] = {}
    for item in items:
        for key in dict.fromkeys(shard_key(token) for token in item["k"].split() if len(token) >= 2):
            found.setdefault(key, []).append(item)
    return found


def _dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def index_files(items: list[dict]) -> dict[str, str]:
    """File name → JSON text: a manifest with the size of every shard, and the shards."""
    parts = shards(items)
    files = {f"{key}.json": _dump({"entries": part}) for key, part in parts.items()}
    files["index.json"] = _dump({"version": 2, "shards": {key: len(part) for key, part in sorted(parts.items())}})
    return files
