"""The find-your-village index: diacritic-free keys, small shards, and the client's choice of shards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cnscd.site import search, standalone
from cnscd.text import fold


def find(entries, query):
    """What assets/find.js does: every typed word starts a word of the name or its context."""
    tokens = search.words(query)
    return [e for e in entries if all(f" {t}" in " " + " ".join(search.words(f"{e['n']} {e['c']}")) for t in tokens)]


def download(files, query):
    """The entries a query downloads (None: type more), decoded as assets/find.js decodes them."""
    manifest = json.loads(files["index.json"])
    keys = search.plan(manifest, query)
    if keys is None:
        return None
    return [e for key in keys for e in search.decode(manifest, json.loads(files[search.shard_file(key)]))]


def public(entry):
    return {field: entry[field] for field in ("n", "c", "u", "t")}


@pytest.fixture(scope="module")
def entries(derived, sample_context):
    # As the build does: every old commune of the country has an address, not only those with data.
    return search.entries(derived, sample_context.units.communes, standalone.old_labels(sample_context.units))


@pytest.fixture(scope="module")
def files(entries):
    return search.index_files(entries)


@pytest.fixture
def small_shards(monkeypatch, entries, derived):
    """The sample indexed with a budget 30 times smaller, so that it has common words as a country does.

    Its old communes are the country's (10,000) while its villages are a thousandth of the country's, so
    only the old communes of communes with data are kept: the proportions of a country again.
    """
    monkeypatch.setattr(search, "SHARD_BYTES", 5_000)
    monkeypatch.setattr(search, "QUERY_BYTES", 10_000)
    return search.index_files(country_proportions(entries, derived))


def country_proportions(entries, derived):
    kept = {code for c in derived.communes() for code, _label in c.old_communes}
    return [e for e in entries if e["t"] != "old_commune" or e["u"].split("/")[1] in kept]


def test_folding_matches_what_people_type():
    assert fold("Cao Bằng") == "cao bang"
    assert fold("Nguyễn") == "nguyen"
    assert fold("Hướng dẫn") == "huong dan"
    assert fold("Đà Nẵng") == "da nang"
    assert search.words("Xã Zuôich (Huyện Nam Giang), 1/7/2025") == ["xa", "zuoich", "huyen", "nam", "giang", "1", "7",
                                                                      "2025"]


def test_index_finds_units_villages_and_old_communes(entries):
    assert {"Tỉnh Cao Bằng", "Phường Thục Phán"} <= {e["n"] for e in find(entries, "cao bang")}
    village = next(e for e in find(entries, "thon khuoi kep xa phong quang") if e["t"] == "village")
    assert village["n"] == "Thôn Khuổi Kép"
    assert village["u"] == "19-thai-nguyen/01849-xa-phong-quang/#v01849-001-ten"
    old = next(e for e in find(entries, "nguyen an ninh") if e["t"] == "old_commune")
    assert old["u"] == "xa-cu/26526/"
    # Every commune of the country is findable; one without data has a page of its own.
    hanoi = next(e for e in find(entries, "phuong ba dinh") if e["t"] == "commune_no_data")
    assert hanoi["u"] == "01-ha-noi/00004-phuong-ba-dinh/"
    # An old commune merged into a commune without data is findable too («ben nghe» found nothing).
    ben_nghe = next(e for e in find(entries, "ben nghe") if e["t"] == "old_commune")
    assert ben_nghe["n"] == "Phường Bến Nghé (Quận 1)" and ben_nghe["u"] == "xa-cu/26740/"
    assert len([e for e in entries if e["t"] in ("commune", "commune_no_data")]) == 3321


@pytest.mark.parametrize(("names", "common", "expected"), [
    (["Thôn Khuổi Kép", "Xã Phong Quang"], set(), {"khuoi", "kep", "phong", "quang"}),
    # Stop words and numbers never choose a shard; pairs skip them, so they cross "xã".
    (["Tổ dân phố 5", "Phường Vũng Tàu"], set(), {"to", "dan", "vung", "tau"}),
    (["Thôn Khuổi Kép", "Xã Phong Quang"], {"kep", "phong"}, {"khuoi", "kep", "phong", "quang", "kep phong",
                                                              "phong quang"}),
])
def test_terms_an_entry_is_filed_under(names, common, expected):
    assert search.terms(names, common) == expected


def test_a_village_is_filed_under_its_commune_but_filtered_by_its_province(entries):
    village = next(e for e in entries if e["n"] == "Thôn Khuổi Kép" and "Phong Quang" in e["c"])
    filed, filters = search.filing_names(village)
    assert filed == ["Thôn Khuổi Kép", "Xã Phong Quang"]
    assert filters == ["Tỉnh Thái Nguyên"]


def test_shards_hold_every_entry_and_decode_to_it(entries, files):
    manifest = json.loads(files["index.json"])
    assert manifest["version"] == 3
    decoded = []
    for key, size in manifest["shards"].items():
        text = files[search.shard_file(key)]
        assert len(text.encode()) == size
        decoded += search.decode(manifest, json.loads(text))
    as_json = {json.dumps(public(e), sort_keys=True) for e in entries}
    assert {json.dumps(e, sort_keys=True) for e in decoded} == as_json
    # Provinces are named once, in the manifest; no shard repeats a commune's name for each village.
    assert all(not any(isinstance(v, str) and v.startswith("Tỉnh") for row in json.loads(text)["e"] for v in row[2:])
               for name, text in files.items() if name != "index.json")


@pytest.mark.parametrize("index", ["files", "small_shards"])
def test_every_entry_is_reachable_from_each_word_it_is_filed_under(request, entries, derived, index):
    files = request.getfixturevalue(index)
    manifest = json.loads(files["index.json"])
    shards: dict[str, set[str]] = {}  # each shard decoded once: thirteen thousand entries ask the same few

    def reachable(term: str) -> set[str]:
        keys = search.plan(manifest, term) or []
        for key in keys:
            if key not in shards:
                shards[key] = {json.dumps(e, sort_keys=True)
                               for e in search.decode(manifest, json.loads(files[search.shard_file(key)]))}
        return set().union(*(shards[key] for key in keys))

    unreachable = []
    for entry in entries if index == "files" else country_proportions(entries, derived):
        wanted = json.dumps(public(entry), sort_keys=True)
        for term in search.terms(search.filing_names(entry)[0], set()) - set(manifest["common"]):
            # A finished word: "ba " is the whole word even though "ban" is common.
            if wanted not in reachable(term + " "):
                unreachable.append((entry["n"], term))
    assert unreachable == []


def test_a_small_budget_makes_common_words_and_pairs_of_them(entries, small_shards):
    manifest = json.loads(small_shards["index.json"])
    assert {"thanh", "phu", "tan"} <= set(manifest["common"])
    assert all(len(text.encode()) <= 5_000 for name, text in small_shards.items() if name != "index.json")
    # A commune whose words are all common is found by the pair they make.
    phong_quang = next(e for e in entries if e["n"] == "Xã Phong Quang")
    assert {"phong", "quang"} <= set(manifest["common"])
    assert public(phong_quang) in find(download(small_shards, "xa phong quang"), "xa phong quang")


@pytest.mark.parametrize("query", ["thon", "to dan pho", "to dan pho 5", "xa phuong", "tinh thanh pho", "th", "5"])
def test_queries_of_common_words_ask_for_more(small_shards, query):
    assert download(small_shards, query) is None


@pytest.mark.parametrize(("query", "shown"), [
    ("thon khuoi kep phong quang", "Thôn Khuổi Kép"),
    ("cao bang", "Tỉnh Cao Bằng"),
    ("cao bang", "Phường Thục Phán"),
    ("vung tau", "Phường Vũng Tàu"),
    ("thuc", "Phường Thục Phán"),
    ("thuc phan", "Phường Thục Phán"),
    ("nguyen an ninh", "Phường Nguyễn An Ninh (Thành phố Vũng Tàu)"),
])
def test_typical_queries_download_little_and_find_the_place(entries, files, small_shards, query, shown):
    for index, budget in ((files, 300_000), (small_shards, 10_000)):  # search.QUERY_BYTES is patched here
        manifest = json.loads(index["index.json"])
        keys = search.plan(manifest, query)
        assert keys is not None and sum(manifest["shards"][k] for k in keys) <= budget
        assert shown in {e["n"] for e in find(download(index, query), query)}


def test_the_manifest_stays_small(files):
    assert len(files["index.json"].encode()) < 20_000


@pytest.mark.parametrize(("typed", "expanded"), [
    ("tdp 5", "to dan pho 5"),
    ("TDP 5 p. vung tau", "to dan pho 5 phuong vung tau"),
    ("kp 3", "khu pho 3"),
    ("x. phong quang", "xa phong quang"),
    ("x phong quang", "xa phong quang"),
    ("tp. ho chi minh", "thanh pho ho chi minh"),
    ("tt ", "thi tran "),
    ("p", "p"),  # still typing: «p» may start «phú»
    ("phu", "phu"),
    ("thon na rua", "thon na rua"),
])
def test_abbreviations_people_type(typed, expanded):
    assert search.expand(typed) == expanded


def test_the_abbreviations_travel_in_the_manifest(files):
    """find.js has no table of its own: it reads this one (one source of truth)."""
    manifest = json.loads(files["index.json"])
    assert manifest["abbreviations"] == search.ABBREVIATIONS
    script = (Path(search.__file__).parent / "assets" / "find.js").read_text(encoding="utf-8")
    assert "\"tdp\"" not in script and "khu pho" not in script and "m.abbreviations" in script


@pytest.mark.parametrize(("query", "shown"), [("tdp 1 vung tau", "Tổ dân phố 1"), ("p. vung tau", "Phường Vũng Tàu"),
                                              ("x. phong quang", "Xã Phong Quang")])
def test_abbreviated_queries_find_the_place(files, query, shown):
    expanded = search.expand(query)
    assert shown in {e["n"] for e in find(download(files, query), expanded)}
