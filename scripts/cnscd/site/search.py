"""The "find your village" index: names of units, villages and teams with a diacritic-free key.

Material's search needs exact diacritics; people often type without them on a phone, on mobile data.
The index is built once per build: a small manifest, then shards keyed by word prefixes, each kept
under SHARD_BYTES so that one query downloads at most QUERY_BYTES. Which shards a query needs is
decided in one place, assets/find.js (`plan`), from what the manifest says as data: the keys and
their sizes, the stop, common and context words, the abbreviations. The tests run that very script
in Chromium against these files; Python has no second planner.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict

from ..derive import Derived
from ..text import fold
from .render import commune_path, province_path, redirect_path

# Lower sorts first when several entries match equally well; also the kind's number in the shards.
KIND_RANK = {"commune": 0, "village": 1, "team": 2, "province": 3, "old_commune": 4, "commune_no_data": 5}
OLD_COMMUNE_CONTEXT = "xã cũ trước 1/7/2025"

# A shard never exceeds SHARD_BYTES; a query loads the cheapest set of shards that holds every entry
# it can match, never more than QUERY_BYTES besides the manifest (find.js, `plan`).
SHARD_BYTES = 150_000
QUERY_BYTES = 300_000
KEY_LENGTH = 3

# Words that only name a kind of place: they never choose a shard. "tổ", "dân" or "thành" fold to
# words that are also names (Tô Châu, Đan Hải, Thanh Hóa), so they are left to the data: a word is
# common when its entries exceed SHARD_BYTES. Numbers never choose a shard ("Tổ dân phố 5" is in
# thousands of wards).
STOP_WORDS = frozenset(fold(w) for w in ("thôn", "xóm", "ấp", "phố", "khu", "xã", "phường", "huyện", "tỉnh", "cnscđ"))

# What people type for a kind of place. Shipped in the manifest, so assets/find.js has no copy of it.
# A one-letter abbreviation counts only when finished ("p." or "p vung tau"): "p" may start "phú".
ABBREVIATIONS = {fold(short): fold(full) for short, full in (
    ("tdp", "tổ dân phố"), ("kp", "khu phố"), ("tp", "thành phố"), ("tt", "thị trấn"),
    ("p", "phường"), ("x", "xã"), ("q", "quận"), ("h", "huyện"))}

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """Folded words, split on anything that is not a letter or digit (as find.js does)."""
    return _WORD.findall(fold(text))


def entries(derived: Derived, communes: dict[str, dict[str, str]], redirects: dict[str, str]) -> list[dict]:
    """One entry per findable name: k folded key, n name, c context, u address from the site root, t kind.

    Entries also say where they are (`province`, `commune`, `anchor`) so that the shards can store each
    commune's address and name once instead of in every village.
    """
    found: list[dict] = []
    with_pages = set()

    def add(kind: str, name: str, context: str, url: str, **where: object) -> None:
        found.append({"k": fold(f"{name} {context}"), "n": name, "c": context, "u": url, "t": kind, **where})

    for province in derived.provinces:
        place = (province_path(province), province.name)
        add("province", province.name, "", place[0], province=place)
        for commune in province.communes:
            with_pages.add(commune.code)
            url = commune_path(province, commune)
            add("commune", commune.name, province.name, url, province=place, commune=(url, commune.name))
            where = f"{commune.name}, {province.name}"
            home = {"province": place, "commune": (url, commune.name)}
            for village in commune.villages:
                anchor = f"{village.village_id.lower()}-ten"
                add("village", village.name, where, f"{url}#{anchor}", anchor=anchor, **home)
                for team in village.teams:
                    if team.active and fold(team.name) != fold(f"Tổ CNSCĐ {village.name}"):
                        add("team", team.name, where, f"{url}#{team.team_id.lower()}", anchor=team.team_id.lower(), **home)
            for team in commune.commune_teams:
                add("team", team.name, where, f"{url}#{team.team_id.lower()}", anchor=team.team_id.lower(), **home)
    names = {p.code: p for p in derived.provinces}
    for code, row in communes.items():
        if code not in with_pages and row["province_code"] in names:
            province = names[row["province_code"]]
            add("commune_no_data", row["name"], province.name, f"{province_path(province)}{code}-{row['slug']}/",
                province=(province_path(province), province.name), anchor=f"{code}-{row['slug']}/")
    for old_code, label in redirects.items():
        add("old_commune", label, OLD_COMMUNE_CONTEXT, redirect_path(old_code))
    found.sort(key=lambda e: (KIND_RANK[e["t"]], e["k"]))
    return found


def filing_names(entry: dict) -> tuple[list[str], list[str]]:
    """The names an entry is filed under, and the names of its context that only filter it.

    A village or team is filed under its name and its commune's; a commune under its name and its
    province's. Province words only filter villages: filing 5,000 villages under "hoa" for Thanh Hóa
    would make the shard useless, and nobody looks for a village by its province alone.
    """
    if entry["t"] in ("village", "team"):
        return [entry["n"], entry["commune"][1]], [entry["province"][1]]
    if entry["t"] in ("commune", "commune_no_data"):
        return [entry["n"], entry["province"][1]], []
    return [entry["n"]], [entry["c"]]


def terms(names: list[str], common: frozenset[str] | set[str] = frozenset()) -> set[str]:
    """Words that can choose a shard, and each common word paired with the next such word.

    "Thôn Khuổi Kép, Xã Phong Quang": all four words are common in the country, "kep phong" and
    "phong quang" are not. Stop words and numbers are skipped, so pairs cross "xã".
    """
    found = [w for name in names for w in words(name) if w not in STOP_WORDS and not w.isdigit()]
    return set(found) | {f"{a} {b}" for a, b in itertools.pairwise(found) if a in common}


def _dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _encode(entry: dict, communes: dict[str, int], provinces: dict[str, int]) -> list:
    """[kind, name, place, anchor?]: place is a province number (manifest), a commune number (shard) or an address."""
    rank = KIND_RANK[entry["t"]]
    if entry["t"] == "province":
        return [rank, entry["n"], provinces[entry["province"][0]]]
    if entry["t"] == "commune_no_data":  # its address inside the province's folder
        return [rank, entry["n"], provinces[entry["province"][0]], entry["anchor"]]
    if entry["t"] == "old_commune":
        return [rank, entry["n"], entry["u"]]
    row = [rank, entry["n"], communes[entry["commune"][0]]]
    return [*row, entry["anchor"]] if "anchor" in entry else row


def _shard(items: list[dict], provinces: dict[str, int]) -> str:
    communes: dict[str, int] = {}
    table = []
    for item in items:
        if "commune" in item and item["commune"][0] not in communes:
            communes[item["commune"][0]] = len(table)
            url, name = item["commune"]
            table.append([url, name, provinces[item["province"][0]]])
    return _dump({"c": table, "e": [_encode(item, communes, provinces) for item in items]})


def _cost(entry: dict) -> int:
    """An upper bound on the entry's bytes in a shard: its row plus its commune's row."""
    commune = entry.get("commune", ("", ""))
    return len(_dump([entry["n"], entry["u"], commune[1]]).encode()) + 12


def _root(term: str) -> str:
    """The first key of a term: KEY_LENGTH letters of a word; the common word and a space for a pair."""
    return term[:KEY_LENGTH] if " " not in term else term[:term.index(" ") + 1]


def _keys(filed: dict[str, list[int]], costs: list[int]) -> tuple[dict[str, str], set[str]]:
    """Term → shard key (the shortest prefix, from its root, whose shard fits) and the common terms.

    A key holds every filed term it starts, except terms under a longer key; a term whose own entries
    exceed SHARD_BYTES is common. A term moves to a longer key at most once per letter: O(entries).
    """
    common = {t for t, ids in filed.items() if sum(costs[i] for i in ids) > SHARD_BYTES}
    key_of: dict[str, str] = {}
    pending = defaultdict(list)
    for term in filed:
        if term not in common:
            pending[_root(term)].append(term)
    while pending:
        key, group = pending.popitem()
        if sum(costs[i] for i in {i for t in group for i in filed[t]}) <= SHARD_BYTES:
            key_of.update((t, key) for t in group)
            continue
        for term in group:
            if len(term) == len(key):
                key_of[term] = key
            else:
                pending[term[:len(key) + 1]].append(term)
    return key_of, common


def _filed(items: list[dict], common: set[str]) -> dict[str, list[int]]:
    filed: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        for term in terms(filing_names(item)[0], common):
            filed[term].append(i)
    return filed


def shard_file(key: str) -> str:
    return "s/" + key.replace(" ", "-") + ".json"


def index_files(items: list[dict]) -> dict[str, str]:
    """File name → JSON text: the manifest (index.json) and the shards (s/<key>.json)."""
    costs = [_cost(item) for item in items]
    # Two passes: the first finds the common words, the second adds the pairs they start.
    _, common_words = _keys(_filed(items, set()), costs)
    key_of, common = _keys(_filed(items, common_words), costs)
    parts: dict[str, list[int]] = defaultdict(list)
    context: set[str] = set()
    for i, item in enumerate(items):
        names, filters = filing_names(item)
        chosen = terms(names, common_words) - common
        for key in sorted({key_of[t] for t in chosen}):
            parts[key].append(i)
        context |= terms(filters, common_words) - chosen
    provinces: dict[str, tuple[int, str]] = {}
    for item in items:
        if "province" in item:
            provinces.setdefault(item["province"][0], (len(provinces), item["province"][1]))
    numbers = {url: number for url, (number, _name) in provinces.items()}
    files = {shard_file(key): _shard([items[i] for i in ids], numbers) for key, ids in parts.items()}
    files["index.json"] = _dump({
        "version": 3, "query_bytes": QUERY_BYTES,
        "shards": {key: len(files[shard_file(key)].encode()) for key in sorted(parts)},
        "stop": sorted(STOP_WORDS),
        "common": sorted(common),
        # Terms of a context that entries are not filed under: a query word that may be one of them
        # cannot choose a shard by itself (find.js, `plan`).
        "context": sorted(context - common),
        "provinces": [[url, name] for url, (_number, name) in provinces.items()],
        "old_commune": OLD_COMMUNE_CONTEXT,
        "abbreviations": ABBREVIATIONS,
    })
    return files
