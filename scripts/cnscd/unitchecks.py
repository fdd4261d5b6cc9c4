"""Domain rules about administrative units: codes that exist, units the 2025 reform abolished, villages in
their commune, rows in their province's folder, village names that differ only in tone marks.

Split from checks.py (same Context, same `finding`); `checks.all_checks` runs these after the core rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import package
from .checks import Check, Context, finding
from .load import Row
from .model import Finding, Level, Scheme, Severity, Status
from .text import tone_key


def _unknown(row: Row, name: str, code: str, scheme: str) -> Finding:
    label = "từ 1/7/2025" if scheme == Scheme.CURRENT else "trước 1/7/2025"
    return finding(row, name, "unit-unknown",
                   f"Không có đơn vị mã {code} trong danh mục {label} (hệ mã {scheme})",
                   f"No unit with code {code} in the {scheme} list")


def check_unit_references(ctx: Context) -> Iterator[Finding]:
    """Every unit code exists in the scheme the row names."""
    units = ctx.units
    for team in ctx.dataset.rows("teams"):
        scheme, level = team["unit_scheme"], team["level"]
        if level == Level.DISTRICT:
            if scheme == Scheme.CURRENT:
                yield finding(team, "level", "district-after-2025",
                              "Từ 1/7/2025 không còn cấp huyện; tổ cấp huyện phải dùng hệ mã pre2025",
                              "Districts no longer exist after 1 July 2025; district teams use scheme pre2025")
            elif team["district_code"] not in units.legacy_districts:
                yield _unknown(team, "district_code", team["district_code"] or "(trống)", scheme)
            continue
        if not team["commune_code"]:
            yield finding(team, "commune_code", "commune-missing", "Thiếu mã xã của tổ",
                          "The team's commune code is missing")
        elif not units.commune_exists(scheme, team["commune_code"]):
            yield _unknown(team, "commune_code", team["commune_code"], scheme)
        if team["current_commune_code"] and team["current_commune_code"] not in units.communes:
            yield _unknown(team, "current_commune_code", team["current_commune_code"], Scheme.CURRENT)
    for village in ctx.dataset.rows("villages"):
        legacy = village["legacy_commune_code"]
        if legacy and legacy not in units.legacy_communes:
            yield _unknown(village, "legacy_commune_code", legacy, Scheme.LEGACY)
    for decision in ctx.dataset.rows("decisions"):
        code, scheme = decision["unit_code"], decision["unit_scheme"]
        known = (units.legacy_districts if scheme == Scheme.LEGACY and len(code) == 3
                 else units.communes if scheme == Scheme.CURRENT else units.legacy_communes)
        if code not in known:
            yield _unknown(decision, "unit_code", code, scheme)
    for target in ctx.dataset.rows("targets"):
        table = units.provinces if target["unit_level"] == "province" else units.communes
        if target["unit_code"] not in table:
            yield _unknown(target, "unit_code", target["unit_code"], Scheme.CURRENT)
    for training in ctx.dataset.rows("trainings"):
        if training["commune_code"] and training["commune_code"] not in units.communes:
            yield _unknown(training, "commune_code", training["commune_code"], Scheme.CURRENT)
    for policy in ctx.dataset.rows("policies"):
        table = units.provinces if policy["unit_scheme"] == Scheme.CURRENT else units.legacy_provinces
        if policy["province_code"] not in table:
            yield _unknown(policy, "province_code", policy["province_code"], policy["unit_scheme"])


def check_abolished_units(ctx: Context) -> Iterator[Finding]:
    """Teams of units abolished in 2025 are mapped to a new commune or marked dissolved/merged."""
    for team in ctx.dataset.rows("teams"):
        status = team["status"]
        if status != Status.ACTIVE:
            if not team["ended_on"]:
                yield finding(team, "ended_on", "ended-date-missing",
                              "Tổ đã giải thể/sáp nhập phải có ngày kết thúc",
                              "A dissolved or merged team needs the date it ended")
            if status == Status.MERGED and not team["merged_into"]:
                yield finding(team, "merged_into", "merged-target-missing",
                              "Tổ đã sáp nhập phải ghi tổ tiếp nhận (merged_into)",
                              "A merged team must name the team it merged into")
            continue
        if team["ended_on"]:
            yield finding(team, "ended_on", "active-with-end-date",
                          "Tổ đang hoạt động không được có ngày kết thúc",
                          "An active team cannot have an end date")
        if team["unit_scheme"] != Scheme.LEGACY:
            continue
        if team["level"] == Level.DISTRICT:
            yield finding(team, "status", "abolished-unit-unmapped",
                          "Cấp huyện đã bỏ từ 1/7/2025: tổ cấp huyện phải ghi đã giải thể hoặc đã sáp nhập",
                          "Districts were abolished on 1 July 2025: mark the district team dissolved or merged")
            continue
        mapped = ctx.units.old_to_new.get(team["commune_code"], [])
        chosen = team["current_commune_code"]
        if not mapped:
            yield finding(team, "commune_code", "abolished-unit-unmapped",
                          f"Xã cũ {team['commune_code']} không có trong bảng chuyển đổi 2025",
                          f"Old commune {team['commune_code']} is not in the 2025 conversion table")
        elif chosen and chosen not in mapped:
            yield finding(team, "current_commune_code", "mapping-mismatch",
                          f"Xã cũ {team['commune_code']} không được chuyển vào xã {chosen} (mà vào: {', '.join(mapped)})",
                          f"Old commune {team['commune_code']} did not become {chosen} (it became: {', '.join(mapped)})")
        elif not chosen and len(mapped) > 1:
            yield finding(team, "current_commune_code", "mapping-ambiguous",
                          f"Xã cũ {team['commune_code']} được chia vào nhiều xã mới ({', '.join(mapped)}); ghi current_commune_code",
                          f"Old commune {team['commune_code']} was split into {', '.join(mapped)}; set current_commune_code")


def check_village_commune(ctx: Context) -> Iterator[Finding]:
    """A village team has a village, and the village belongs to the team's commune."""
    for team in ctx.dataset.rows("teams"):
        if team["level"] != Level.VILLAGE:
            if team["village_id"] and team["level"] != Level.VILLAGE:
                yield finding(team, "village_id", "village-on-non-village-team",
                              "Chỉ tổ cấp thôn mới ghi mã thôn", "Only village-level teams name a village")
            continue
        village = ctx.villages.get(team["village_id"])
        if not team["village_id"]:
            yield finding(team, "village_id", "village-missing", "Tổ cấp thôn phải ghi mã thôn/tổ dân phố",
                          "A village-level team must name its village")
            continue
        if village is None:
            continue  # the foreign-key check reports it
        expected = village["commune_code"] if team["unit_scheme"] == Scheme.CURRENT else village["legacy_commune_code"]
        if expected != team["commune_code"]:
            yield finding(team, "village_id", "village-wrong-commune",
                          f"Thôn {village['name']} ({team['village_id']}) không thuộc xã {team['commune_code']} của tổ",
                          f"Village {village['name']} ({team['village_id']}) is not in the team's commune {team['commune_code']}")


def check_partitions(ctx: Context) -> Iterator[Finding]:
    """A row lives in the folder of the 2025 province it belongs to, so that province's owners review it."""
    units = ctx.units

    def misplaced(row: Row, name: str, province: str | None) -> Iterator[Finding]:
        folder = package.partition_of(row.file)
        if province and folder and province != folder:
            yield finding(row, name, "wrong-province-folder",
                          f"Dòng này thuộc tỉnh mã {province}, không thuộc thư mục {folder}",
                          f"This row belongs to province {province}, not folder {folder}")

    for village in ctx.dataset.rows("villages"):
        yield from misplaced(village, "commune_code", units.province_of_commune(village["commune_code"]))
    for team in ctx.dataset.rows("teams"):
        commune = ctx.current_commune(team)
        if commune:
            yield from misplaced(team, "commune_code", units.province_of_commune(commune))
    for table in ("members", "reports"):
        for row in ctx.dataset.rows(table):
            team = ctx.teams.get(row["team_id"])
            if team is not None:
                yield from misplaced(row, "team_id", package.partition_of(team.file))
    for training in ctx.dataset.rows("trainings"):
        if training["commune_code"]:
            yield from misplaced(training, "commune_code", units.province_of_commune(training["commune_code"]))
    for target in ctx.dataset.rows("targets"):
        code = target["unit_code"]
        yield from misplaced(target, "unit_code", code if target["unit_level"] == "province" else units.province_of_commune(code))


def check_spelling_variants(ctx: Context) -> Iterator[Finding]:
    """Warn when one commune spells the same village name two ways ("Hoà" and "Hòa")."""
    seen: dict[tuple[str, str], Row] = {}
    for village in ctx.dataset.rows("villages"):
        key = (village["commune_code"], tone_key(village["name"]))
        first = seen.setdefault(key, village)
        if first is not village and first["name"] != village["name"]:
            yield finding(village, "name", "spelling-variant",
                          f"Tên \"{village['name']}\" và \"{first['name']}\" (dòng {first.line}) chỉ khác cách bỏ dấu; "
                          "thống nhất một cách viết",
                          f"\"{village['name']}\" and \"{first['name']}\" (row {first.line}) differ only in tone-mark placement",
                          Severity.WARNING)


UNIT_CHECKS: tuple[Check, ...] = (
    check_unit_references,
    check_abolished_units,
    check_village_commune,
    check_partitions,
    check_spelling_variants,
)
