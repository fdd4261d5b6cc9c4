"""When one province's findings can be computed from its own files and the national tables alone.

Keys and rules join rows by key values: a member's team, a team's village, a withdrawal's person, a
primary key that must be unique in the whole country. A province's findings from its own files plus
the national tables equal those of a run over the whole country when every key value its rows use is
used by no other province. Each file is summarised by the key values it holds (small, cached with the
province's findings), and that condition is then a few set operations over the summaries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from . import package
from .load import Row

# Joins the rules make in code rather than through the schemas' keys, with the blank value kept where
# rows with an empty key are still grouped together (members of team "", villages of commune "").
DOMAIN_JOINS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("teams", "team_id"), ("members", "team_id"), ("reports", "team_id")),  # Context.teams, members_by_team
    (("villages", "commune_code"),),  # check_spelling_variants groups villages by commune
)
# The withdrawal rules look a person up among all members; only persons named in a withdrawal matter.
DRIVEN_JOINS: tuple[tuple[tuple[str, str], tuple[tuple[str, str], ...]], ...] = (
    (("withdrawals", "person_id"), (("members", "person_id"),)),
)


@dataclass(frozen=True)
class Entry:
    """Some columns of one table whose values take part in a join; blanks count only if `keep_blank`."""

    table: str
    fields: tuple[str, ...]
    keep_blank: bool = False

    @property
    def id(self) -> str:
        return f"{self.table}:{','.join(self.fields)}:{'b' if self.keep_blank else ''}"

    def values(self, rows: Iterable[Row]) -> set[str]:
        if len(self.fields) == 1:
            name = self.fields[0]
            found = {row[name] for row in rows}
            if not self.keep_blank:
                found.discard("")
            return found
        found = {"\x1f".join([row[name] for name in self.fields]) for row in rows}
        if not self.keep_blank:
            found.discard("\x1f" * (len(self.fields) - 1))
        return found


@dataclass(frozen=True)
class Group:
    """Entries whose values must each belong to one province; with a driver, only values the driver holds."""

    entries: tuple[Entry, ...]
    driver: Entry | None = None


def _listed(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def groups(schemas: Mapping[str, dict]) -> list[Group] | None:
    """The joins of the schemas' keys and of the rules; None when a national table points into the provinces."""
    parent: dict[tuple[str, tuple[str, ...]], tuple[str, tuple[str, ...]]] = {}
    keep: set[tuple[str, tuple[str, ...]]] = set()

    def find(key: tuple[str, tuple[str, ...]]) -> tuple[str, tuple[str, ...]]:
        parent.setdefault(key, key)
        while parent[key] != key:
            key = parent[key]
        return key

    def join(a: tuple[str, tuple[str, ...]], b: tuple[str, tuple[str, ...]]) -> None:
        parent[find(a)] = find(b)

    for table, schema in schemas.items():
        for foreign in schema.get("foreignKeys") or []:
            target = foreign["reference"].get("resource") or table
            if target not in package.PARTITIONED_TABLES:
                continue  # national tables are part of every province's run
            if table not in package.PARTITIONED_TABLES:
                return None
            join((table, _listed(foreign["fields"])), (target, _listed(foreign["reference"]["fields"])))
    for joined in DOMAIN_JOINS:
        for table, name in joined:
            keep.add((table, (name,)))
            join((table, (name,)), (joined[0][0], (joined[0][1],)))
    for table, schema in schemas.items():
        key = _listed(schema.get("primaryKey") or [])
        if table not in package.PARTITIONED_TABLES or not key:
            continue
        # A key holding a kept-blank join column is already unique per province when that column is.
        if not any((table, (name,)) in keep for name in key):
            find((table, key))
    members: dict[tuple[str, tuple[str, ...]], list[Entry]] = {}
    for key in parent:
        members.setdefault(find(key), []).append(Entry(key[0], key[1], key in keep))
    found = [Group(tuple(sorted(entries, key=lambda e: e.id))) for entries in members.values()]
    for (table, name), others in DRIVEN_JOINS:
        driver = Entry(table, (name,), True)
        found.append(Group((driver, *(Entry(t, (n,), True) for t, n in others)), driver))
    return sorted(found, key=lambda g: g.entries[0].id)


def summarise(rows_by_file: Mapping[str, list[Row]], table_of: Mapping[str, str], found: list[Group]) -> dict[str, dict[str, list[str]]]:
    """Per file, the sorted key values of each entry of its table: what the locality test needs of it."""
    result: dict[str, dict[str, list[str]]] = {}
    for relpath, rows in rows_by_file.items():
        table = table_of[relpath]
        result[relpath] = {entry.id: sorted(entry.values(rows)) for group in found for entry in group.entries
                           if entry.table == table}
    return result


def conflict(summaries_by_province: Mapping[str, Iterable[Mapping[str, list[str]]]], found: list[Group]) -> str | None:
    """The first key value used by two provinces (as text for --explain), or None when each province stands alone."""
    for group in found:
        ids = {entry.id for entry in group.entries}
        allowed: set[str] | None = None
        if group.driver is not None:
            allowed = set()
            for summaries in summaries_by_province.values():
                for summary in summaries:
                    allowed.update(summary.get(group.driver.id, ()))
        seen: set[str] = set()
        for province, summaries in summaries_by_province.items():
            mine: set[str] = set()
            for summary in summaries:
                for entry_id in ids:
                    mine.update(summary.get(entry_id, ()))
            if allowed is not None:
                mine &= allowed
            if not seen.isdisjoint(mine):
                value = next(iter(seen & mine))
                return f"{'/'.join(sorted(ids))} {value!r} is used by {province} and another province"
            seen |= mine
    return None
