"""Roster changes and "last updated" dates from the git history of the data, read in one pass.

One `git log -p` over `data/provinces` (oldest commit first) is parsed line by line: each commit's added
and removed CSV rows of `teams.csv` and `members.csv` become changes (joined, left, role changed, team created,
merged, dissolved, removed); every changed row of any partitioned table dates its commune and its file.
The parser (`parse_log`) is pure and takes the log text, so it is tested on real repositories and on text.
Outside a git checkout there is no history and pages simply show no date.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import subprocess
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import ROLE_VI, Status
from ..units import Units

COMMIT_MARK = "\x1ecommit\x1f"
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_PATH = re.compile(r"^\+\+\+ b/(.+)$|^--- a/(.+)$")


class Kind:
    JOINED = "joined"
    LEFT = "left"
    ROLE_CHANGED = "role_changed"
    TEAM_CREATED = "team_created"
    DISSOLVED = "dissolved"
    MERGED = "merged"
    REMOVED = "removed"


@dataclass(frozen=True)
class Change:
    """One roster event, dated by the row (joined_on, left_on, ended_on…) or else by its commit."""

    on: dt.date
    committed: dt.date
    commit: str
    kind: str
    province_code: str
    commune_code: str
    team_id: str
    team_name: str
    person: str = ""
    role: str = ""
    before: str = ""  # the former role, or the team merged into

    def text_vi(self) -> str:
        role = ROLE_VI.get(self.role, self.role)
        return {
            Kind.JOINED: f"{self.person} tham gia {self.team_name}" + (f" ({role})" if role else ""),
            Kind.LEFT: f"{self.person} thôi tham gia {self.team_name}",
            Kind.ROLE_CHANGED: f"{self.person} chuyển từ {ROLE_VI.get(self.before, self.before)} sang {role}, "
                               f"{self.team_name}",
            Kind.TEAM_CREATED: f"Thành lập {self.team_name}",
            Kind.DISSOLVED: f"Giải thể {self.team_name}",
            Kind.MERGED: f"{self.team_name} sáp nhập" + (f" vào {self.before}" if self.before else ""),
            Kind.REMOVED: f"{self.person} được gỡ khỏi danh sách {self.team_name}",
        }[self.kind]


@dataclass
class History:
    changes: list[Change] = field(default_factory=list)  # oldest first
    file_updated: dict[str, dt.date] = field(default_factory=dict)  # path in the repository → last commit
    commune_updated: dict[str, dt.date] = field(default_factory=dict)
    province_updated: dict[str, dt.date] = field(default_factory=dict)
    updated: dt.date | None = None  # the latest commit that touched the data

    def by_commune(self) -> dict[str, list[Change]]:
        """Each commune's changes, oldest first."""
        found: dict[str, list[Change]] = defaultdict(list)
        for change in sorted(self.changes, key=lambda c: (c.on, c.committed)):
            found[change.commune_code].append(change)
        return found

    def by_province(self) -> dict[str, list[Change]]:
        found: dict[str, list[Change]] = defaultdict(list)
        for change in sorted(self.changes, key=lambda c: (c.on, c.committed)):
            found[change.province_code].append(change)
        return found


def _row(header: list[str], line: str) -> dict[str, str]:
    values = next(csv.reader([line]), [])
    return dict(zip(header, values, strict=False))


def _date(value: str, fallback: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else fallback
    except ValueError:
        return fallback


@dataclass
class _FileDiff:
    path: str
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    old_header: str | None = None  # when line 1 changed
    new_header: str | None = None


class _State:
    """What the parser remembers between commits: each file's header and each team's latest row."""

    def __init__(self, units: Units, province_of_folder: dict[str, str]) -> None:
        self.units = units
        self.province_of_folder = province_of_folder
        self.headers: dict[str, list[str]] = {}
        self.teams: dict[str, dict[str, str]] = {}
        self.history = History()

    def commune_of(self, team_id: str) -> str:
        team = self.teams.get(team_id)
        if team is None:
            return ""
        try:
            return self.units.current_commune(team) or ""
        except KeyError:
            return ""

    def apply(self, commit: str, day: dt.date, files: list[_FileDiff]) -> None:
        history = self.history
        history.updated = max(history.updated or day, day)
        touched: set[str] = set()
        # Teams first: git lists members.csv before teams.csv, and a member's change is placed by its team.
        for diff in sorted(files, key=lambda d: not d.path.endswith("/teams.csv")):
            history.file_updated[diff.path] = day
            parts = diff.path.split("/")
            folder = parts[-2] if len(parts) >= 2 else ""
            province = self.province_of_folder.get(folder, folder[:2])
            history.province_updated[province] = day
            old = self.headers.get(diff.path, [])
            if diff.old_header is not None:
                old = next(csv.reader([diff.old_header]), [])
            new = next(csv.reader([diff.new_header]), []) if diff.new_header is not None else old
            if diff.new_header is not None:
                self.headers[diff.path] = new
            table = parts[-1].removesuffix(".csv").split("-")[0]
            parsed = table != "reports"
            removed = [_row(old, line) for line in diff.removed] if parsed else []
            added = [_row(new, line) for line in diff.added] if parsed else []
            if table == "teams":
                self._teams(commit, day, province, removed, added, touched)
            elif table == "members":
                self._members(commit, day, province, removed, added, touched)
            elif table == "reports":  # the biggest table: only its team ids are needed, so no CSV parsing
                for team_id in {line.split(",", 1)[0] for line in diff.removed + diff.added}:
                    touched.add(self.commune_of(team_id))
            else:
                for row in removed + added:
                    code = row.get("commune_code") or self.commune_of(row.get("team_id", ""))
                    if table == "decisions" and row.get("unit_scheme") == "2025":
                        code = row.get("unit_code", "")
                    if code:
                        touched.add(code)
        for code in touched:
            if code:
                history.commune_updated[code] = day

    def _team_name(self, team_id: str) -> str:
        return self.teams.get(team_id, {}).get("name", team_id)

    def _teams(self, commit: str, day: dt.date, province: str, removed: list[dict], added: list[dict],
               touched: set[str]) -> None:
        before = {row.get("team_id", ""): row for row in removed}
        for row in added:
            team_id = row.get("team_id", "")
            old = before.pop(team_id, None)
            self.teams[team_id] = row
            commune = self.commune_of(team_id)
            touched.add(commune)
            emit = self.history.changes.append
            if old is None:
                emit(Change(_date(row.get("established_on", ""), day), day, commit, Kind.TEAM_CREATED, province,
                            commune, team_id, row.get("name", team_id)))
            if row.get("status") != (old or {}).get("status") and row.get("status") in (Status.DISSOLVED, Status.MERGED):
                target = self._team_name(row.get("merged_into", "")) if row.get("merged_into") else ""
                kind = Kind.DISSOLVED if row["status"] == Status.DISSOLVED else Kind.MERGED
                emit(Change(_date(row.get("ended_on", ""), day), day, commit, kind, province, commune, team_id,
                            row.get("name", team_id), before=target))
        for team_id in before:
            touched.add(self.commune_of(team_id))

    def _members(self, commit: str, day: dt.date, province: str, removed: list[dict], added: list[dict],
                 touched: set[str]) -> None:
        before = {row.get("member_id", ""): row for row in removed}
        emit = self.history.changes.append
        for row in added:
            old = before.pop(row.get("member_id", ""), None)
            team_id = row.get("team_id", "")
            commune = self.commune_of(team_id)
            touched.add(commune)
            args = (province, commune, team_id, self._team_name(team_id), row.get("full_name", ""), row.get("role", ""))
            if old is None:
                emit(Change(_date(row.get("joined_on", ""), day), day, commit, Kind.JOINED, *args))
                if row.get("left_on"):
                    emit(Change(_date(row["left_on"], day), day, commit, Kind.LEFT, *args))
                continue
            if row.get("left_on") and not old.get("left_on"):
                emit(Change(_date(row["left_on"], day), day, commit, Kind.LEFT, *args))
            if row.get("role") != old.get("role") and old.get("role"):
                emit(Change(day, day, commit, Kind.ROLE_CHANGED, *args, before=old.get("role", "")))
        for old in before.values():
            team_id = old.get("team_id", "")
            commune = self.commune_of(team_id)
            touched.add(commune)
            if not old.get("left_on"):  # a row deleted while its person was still on the team
                emit(Change(day, day, commit, Kind.REMOVED, province, commune, team_id, self._team_name(team_id),
                            old.get("full_name", ""), old.get("role", "")))


def _files(lines: list[str]) -> list[_FileDiff]:
    """The per-file added and removed lines of one commit's patch (unified=0)."""
    files: list[_FileDiff] = []
    current: _FileDiff | None = None
    old_line = new_line = 0
    for line in lines:
        if line.startswith("diff --git "):
            current = None
            continue
        match = _PATH.match(line)
        if match and (line.startswith("+++ ") or line.startswith("--- ")):
            path = match.group(1) or match.group(2)
            if current is None:
                current = _FileDiff(path)
                files.append(current)
            elif line.startswith("+++ "):
                current.path = path
            continue
        if line.startswith(("--- /dev/null", "+++ /dev/null")):
            if current is None:
                current = _FileDiff("")
                files.append(current)
            continue
        hunk = _HUNK.match(line)
        if hunk and current is not None:
            old_line, new_line = int(hunk.group(1)), int(hunk.group(3))
            old_line = old_line if hunk.group(2) != "0" else 0
            new_line = new_line if hunk.group(4) != "0" else 0
            continue
        if current is None or not line or line.startswith("\\"):
            continue
        if line[0] == "-":
            if old_line == 1:
                current.old_header = line[1:]
            else:
                current.removed.append(line[1:])
            old_line += 1
        elif line[0] == "+":
            if new_line == 1:
                current.new_header = line[1:]
            else:
                current.added.append(line[1:])
            new_line += 1
    return [item for item in files if item.path.endswith(".csv")]


def parse_log(lines: Iterable[str], units: Units, province_of_folder: dict[str, str] | None = None) -> History:
    """History from the lines of `git log --reverse --format=<COMMIT_MARK>%H%x1f%cI -p --unified=0`, read as a
    stream: only one commit's patch is held at a time."""
    state = _State(units, province_of_folder or {})
    head: str | None = None
    patch: list[str] = []

    def flush() -> None:
        if head is None:
            return
        commit, _, stamp = head.partition("\x1f")
        try:
            day = dt.datetime.fromisoformat(stamp.strip()).date()
        except ValueError:
            return
        state.apply(commit, day, _files(patch))

    for raw in lines:
        line = raw.rstrip("\n")
        if line.startswith(COMMIT_MARK):
            flush()
            head, patch = line[len(COMMIT_MARK):], []
        elif head is not None:
            patch.append(line)
    flush()
    return state.history


def read_history(data_dir: Path, units: Units) -> History:
    """The data folder's history from git, or an empty History outside a git checkout (or without git)."""
    data_dir = Path(data_dir).resolve()
    try:
        top = subprocess.run(["git", "-C", str(data_dir), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, check=True).stdout.strip()
        target = (data_dir / "provinces").relative_to(Path(top).resolve()).as_posix()
        with subprocess.Popen(
                ["git", "-C", top, "-c", "core.quotepath=off", "log", "--reverse", "--no-renames", "--no-color",
                 "--unified=0", "--no-ext-diff", f"--format={COMMIT_MARK}%H%x1f%cI", "-p", "--", target],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8",
                errors="replace") as process:
            assert process.stdout is not None
            history = parse_log(process.stdout, units)
        if process.returncode != 0:
            return History()
    except (OSError, subprocess.CalledProcessError, ValueError):
        return History()
    return history
