"""The find-your-village index: diacritic-free keys for units, villages and team names."""

from __future__ import annotations

import json

from cnscd.site import search
from cnscd.text import fold


def find(entries, query):
    """What assets/find.js does: every typed word starts a word of the key."""
    tokens = fold(query).split()
    return [e for e in entries if all(f" {t}" in f" {e['k']}" for t in tokens)]


def test_folding_matches_what_people_type():
    assert fold("Cao Bằng") == "cao bang"
    assert fold("Nguyễn") == "nguyen"
    assert fold("Hướng dẫn") == "huong dan"
    assert fold("Đà Nẵng") == "da nang"


def test_index_finds_units_villages_and_old_communes(derived, sample_context):
    labels = {code: label for c in derived.communes() for code, label in c.old_communes}
    entries = search.entries(derived, sample_context.units.communes, labels)
    assert {"Tỉnh Cao Bằng", "Phường Thục Phán"} <= {e["n"] for e in find(entries, "cao bang")}
    village = next(e for e in find(entries, "thon khuoi kep xa phong quang") if e["t"] == "village")
    assert village["n"] == "Thôn Khuổi Kép"
    assert village["u"] == "19-thai-nguyen/01849-xa-phong-quang/#v01849-001-ten"
    old = next(e for e in find(entries, "nguyen an ninh") if e["t"] == "old_commune")
    assert old["u"] == "xa-cu/26526/"
    # Every commune of the country is findable; one without data leads to its province page.
    hanoi = next(e for e in find(entries, "phuong ba dinh") if e["t"] == "commune_no_data")
    assert hanoi["u"] == "01-ha-noi/"
    assert len([e for e in entries if e["t"] in ("commune", "commune_no_data")]) == 3321


def test_index_is_sharded_by_the_first_two_letters_of_each_word(derived, sample_context):
    entries = search.entries(derived, sample_context.units.communes, {})
    files = search.index_files(entries)
    manifest = json.loads(files["index.json"])
    assert manifest["version"] == 2
    # "cao bang" is answered from the smaller of the two shards, and both hold Tỉnh Cao Bằng.
    for key in ("ca", "ba"):
        shard = json.loads(files[f"{key}.json"])["entries"]
        assert len(shard) == manifest["shards"][key]
        assert "Tỉnh Cao Bằng" in {e["n"] for e in find(shard, "cao bang")}
    # Every entry is reachable from the shard of any of its words.
    assert all(e in json.loads(files[f"{w[:2]}.json"])["entries"] for e in entries[:50] for w in e["k"].split()
               if len(w) >= 2)
    # A query with a distinctive word downloads a small part of the whole (the client picks the smallest shard).
    assert min(manifest["shards"]["kh"], manifest["shards"]["ke"]) < len(entries) / 20
