"""The find-your-village index: diacritic-free keys, small shards, and the client's choice of shards.

The choice of shards, the abbreviations and the decoding are asked of assets/find.js itself, run in
Chromium (tests/site/findjs.py): Python has no second planner.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from cnscd.site import search, standalone
from cnscd.text import fold
from tests.site.findjs import FindJS


def find(entries, query):
    """What assets/find.js does: every typed word starts a word of the name or its context."""
    tokens = search.words(query)
    return [e for e in entries if all(f" {t}" in " " + " ".join(search.words(f"{e['n']} {e['c']}")) for t in tokens)]


def public(entry):
    return {field: entry[field] for field in ("n", "c", "u", "t")}


@pytest.fixture(scope="module")
def js(browser):
    script = FindJS(browser)
    yield script
    script.close()


@pytest.fixture(scope="module")
def entries(derived, sample_context):
    # As the build does: every old commune of the country has an address, not only those with data.
    return search.entries(derived, sample_context.units.communes, standalone.old_labels(sample_context.units))


@pytest.fixture(scope="module")
def files(entries):
    return search.index_files(entries)


@pytest.fixture(scope="module")
def small_shards(entries, derived):
    """The sample indexed with a budget 30 times smaller, so that it has common words as a country does.

    Its old communes are the country's (10,000) while its villages are a thousandth of the country's, so
    only the old communes of communes with data are kept: the proportions of a country again.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SHARD_BYTES", 5_000)
        patch.setattr(search, "QUERY_BYTES", 10_000)
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


def test_shards_hold_every_entry_and_decode_to_it(js, entries, files):
    manifest = json.loads(files["index.json"])
    assert manifest["version"] == 3
    for key, size in manifest["shards"].items():
        assert len(files[search.shard_file(key)].encode()) == size
    shards = js.decode(manifest, {key: files[search.shard_file(key)] for key in manifest["shards"]})
    decoded = [e for part in shards.values() for e in part]
    as_json = {json.dumps(public(e), sort_keys=True) for e in entries}
    assert {json.dumps(e, sort_keys=True) for e in decoded} == as_json
    # Provinces are named once, in the manifest; no shard repeats a commune's name for each village.
    assert all(not any(isinstance(v, str) and v.startswith("Tỉnh") for row in json.loads(text)["e"] for v in row[2:])
               for name, text in files.items() if name != "index.json")


@pytest.mark.parametrize("index", ["files", "small_shards"])
def test_every_entry_is_reachable_from_each_word_it_is_filed_under(request, js, entries, derived, index):
    files = request.getfixturevalue(index)
    manifest = json.loads(files["index.json"])
    chosen = [entry for entry in (entries if index == "files" else country_proportions(entries, derived))]
    wanted = {term: [] for entry in chosen
              for term in search.terms(search.filing_names(entry)[0], set()) - set(manifest["common"])}
    for entry in chosen:
        for term in search.terms(search.filing_names(entry)[0], set()) - set(manifest["common"]):
            wanted[term].append(json.dumps(public(entry), sort_keys=True))
    # One round trip for every plan and one for every shard: a finished word ("ba ") is the whole word
    # even though "ban" is common.
    plans = dict(zip(wanted, js.plans(manifest, [term + " " for term in wanted]), strict=True))
    shards = {key: {json.dumps(e, sort_keys=True) for e in decoded} for key, decoded in js.decode(
        manifest, {key: files[search.shard_file(key)] for keys in plans.values() for key in keys or []}).items()}
    unreachable = [(entry, term) for term, found in wanted.items() for entry in found
                   if entry not in set().union(*(shards[key] for key in plans[term] or []))]
    assert unreachable == []


def test_a_small_budget_makes_common_words_and_pairs_of_them(js, entries, small_shards):
    manifest = json.loads(small_shards["index.json"])
    assert {"thanh", "phu", "tan"} <= set(manifest["common"])
    assert all(len(text.encode()) <= 5_000 for name, text in small_shards.items() if name != "index.json")
    # A commune whose words are all common is found by the pair they make.
    phong_quang = next(e for e in entries if e["n"] == "Xã Phong Quang")
    assert {"phong", "quang"} <= set(manifest["common"])
    assert public(phong_quang) in find(js.download(small_shards, "xa phong quang"), "xa phong quang")


def tiny_country() -> list[dict]:
    """Ten communes with a «Thôn Hạ», ten named «Phong …», ten «Quang …»; one Xã Phong Quang in Thái Nguyên."""
    found = []

    def add(kind, name, province, commune=None, anchor=None):
        place = (province.lower().replace(" ", "-") + "/", province)
        context = province if kind == "commune" else f"{commune[1]}, {province}" if commune else ""
        where = {"province": place} | ({"commune": commune} if commune else {}) | ({"anchor": anchor} if anchor else {})
        found.append({"k": fold(f"{name} {context}"), "n": name, "c": context, "t": kind,
                      "u": (commune[0] + f"#{anchor}") if anchor else commune[0] if commune else place[0], **where})

    add("province", "Tỉnh Thái Nguyên", "Tỉnh Thái Nguyên")
    add("province", "Tỉnh Cao Bằng", "Tỉnh Cao Bằng")
    for number, name in enumerate(["Xã Phong Quang"] + [f"Xã Tân {n}" for n in range(9)]):
        province = "Tỉnh Thái Nguyên" if number == 0 else "Tỉnh Cao Bằng"
        commune = (f"{province[5:].lower().replace(' ', '-')}/{number:05d}/", name)
        add("commune", name, province, commune)
        add("village", "Thôn Hạ", province, commune, f"v{number}")
        add("village", "Thôn Tây", province, commune, f"w{number}")
    for number in range(10):
        for word in ("Phong", "Quang"):
            add("commune", f"Xã {word} {number}", "Tỉnh Cao Bằng", (f"cao-bang/{word}{number}/", f"Xã {word} {number}"))
    add("province", "Tỉnh Quảng Ninh", "Tỉnh Quảng Ninh")  # «quang» may start a province's words too
    add("village", "Thôn Mới", "Tỉnh Quảng Ninh", ("quang-ninh/1/", "Xã Hạ Long"), "v1")
    return found


def test_a_village_whose_name_words_are_all_common_is_found_with_its_province(js):
    """«ha», «phong», «quang» are common and «thai nguyen» only filters villages: a pair finds «Thôn Hạ»,
    never the shards of «thai nguyen», which hold no village (it chose those before)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SHARD_BYTES", 600)
        patch.setattr(search, "QUERY_BYTES", 1_200)
        files = search.index_files(tiny_country())
    manifest = json.loads(files["index.json"])
    assert {"ha", "phong", "quang"} <= set(manifest["common"]) and {"thai", "nguyen"} <= set(manifest["context"])
    query = "thon ha phong quang thai nguyen"
    shown = find(js.download(files, query), query)
    assert [(e["n"], e["c"]) for e in shown] == [("Thôn Hạ", "Xã Phong Quang, Tỉnh Thái Nguyên")]
    # «phong quang» is a pair of the commune's name although «quang» may start «quang ninh».
    assert "quang ninh" in manifest["context"]
    assert ("Xã Phong Quang", "Tỉnh Thái Nguyên") in {(e["n"], e["c"]) for e in find(
        js.download(files, "x. phong quang"), "xa phong quang")}


@pytest.mark.parametrize("query", ["thon", "to dan pho", "to dan pho 5", "xa phuong", "tinh thanh pho", "th", "5"])
def test_queries_of_common_words_ask_for_more(js, small_shards, query):
    assert js.download(small_shards, query) is None


@pytest.mark.parametrize(("query", "shown"), [
    ("thon khuoi kep phong quang", "Thôn Khuổi Kép"),
    ("cao bang", "Tỉnh Cao Bằng"),
    ("cao bang", "Phường Thục Phán"),
    ("vung tau", "Phường Vũng Tàu"),
    ("thuc", "Phường Thục Phán"),
    ("thuc phan", "Phường Thục Phán"),
    ("nguyen an ninh", "Phường Nguyễn An Ninh (Thành phố Vũng Tàu)"),
])
def test_typical_queries_download_little_and_find_the_place(js, entries, files, small_shards, query, shown):
    for index, budget in ((files, 300_000), (small_shards, 10_000)):  # search.QUERY_BYTES is patched here
        manifest = json.loads(index["index.json"])
        keys = js.plans(manifest, [query])[0]
        assert keys is not None and sum(manifest["shards"][k] for k in keys) <= budget
        assert shown in {e["n"] for e in find(js.download(index, query), query)}


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
def test_abbreviations_people_type(js, files, typed, expanded):
    assert js.expand(json.loads(files["index.json"]), [typed]) == [expanded]


def test_the_abbreviations_travel_in_the_manifest(files):
    """find.js has no table of its own: it reads this one (one source of truth)."""
    manifest = json.loads(files["index.json"])
    assert manifest["abbreviations"] == search.ABBREVIATIONS
    script = (Path(search.__file__).parent / "assets" / "find.js").read_text(encoding="utf-8")
    assert "\"tdp\"" not in script and "khu pho" not in script and "m.abbreviations" in script


@pytest.mark.parametrize(("query", "shown"), [("tdp 1 vung tau", "Tổ dân phố 1"), ("p. vung tau", "Phường Vũng Tàu"),
                                              ("x. phong quang", "Xã Phong Quang")])
def test_abbreviated_queries_find_the_place(js, files, query, shown):
    expanded = js.expand(json.loads(files["index.json"]), [query])[0]
    assert shown in {e["n"] for e in find(js.download(files, query), expanded)}


# Names with every kind of mark: tones on ơ/ư/â, Đ/đ, both tone placements, a decomposed (NFD) name,
# NBSP and runs of spaces, upper case, digits, punctuation, a non-Vietnamese name with other marks.
TRICKY = ["Thôn Nà Rụa", "Xã Đắk Glei", "ĐỒNG THÁP", "Phường Thủ Dầu Một", "Hoà Bình", "Hòa Bình", "Ấp Mỹ Hưng",
          "Khu phố Tân Hòa\u00a0 2", "  Xã  Ea H'leo ", "Thôn Kơ Nia", "Bản Lũng Cú", "Ngũ Hành Sơn",
          "Phường Nguyễn An Ninh (Thành phố Vũng Tàu)", "Tổ dân phố 1/7/2025", "Thị trấn Đồng Đăng",
          "Xã Ia Dom", "Xã Zuôich", "Thôn Ỷ La", "Làng Ơ Tiêu", "Ưu Điềm", "Crème brûlée", "Ǹgọc"]
TRICKY.append(unicodedata.normalize("NFD", "Thôn Khuổi Kép"))


def test_the_box_folds_and_splits_as_python_does(js):
    """The fold is the one rule written in both languages (NFD, drop marks, đ → d): they must agree."""
    assert js.fold(TRICKY) == [fold(name) for name in TRICKY]
    assert js.words(TRICKY) == [search.words(name) for name in TRICKY]
