"""Reuse what an earlier build rendered when none of its inputs changed.

A build's generated files fall in groups, each a pure function of inputs that can be hashed before
anything is loaded: one group per province (its page, its commune pages, their downloads, QR codes and
documents — everything under the province's folder), the national group (home, dashboards, feeds,
find-box shards, national downloads, guides) and the standalone group (pages of communes without data,
old-commune redirects, keyed by what they show; link previews go with the national group). A group's key
hashes the bytes of the data files it reads (the province's own files, the national tables and every
province's withdrawals, since a withdrawal hides a person's number wherever they serve), git's
history of it, the site code, the installed libraries' versions, the config and the build options. What is
due and late depends on the day too, but no key holds it: a province's bundle keeps the days on which every
comparison its pages made with the build's day gives the same answer (`datespan`), the national bundle the days
all provinces' figures hold for, and each is linked back on any of them; the first build of a new day renders
only the provinces whose deadlines, planned trainings or other dates it crossed (and then the national pages).
The home page's «as of» day is put in after the bundle is linked (pages.DAY_MARK). A group whose key is in
the cache (and whose days hold today) is linked back from there instead of being rendered; when every group
is, the package is not even loaded. A pull request that changes one province renders that province and the
national group only.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .. import datespan, filedigest
from ..history.log import History
from .workdir import link

NATIONAL, STANDALONE = "ca-nuoc", "ngoai-trang"  # group names beside the province folders' ones
_FORMAT = "3"  # bump when what a bundle holds changes
_META = "meta.json"
_CODE_SUFFIXES = {".py", ".html", ".css", ".js", ".yaml", ".yml", ".json", ".txt", ".svg", ".md"}


@functools.cache
def code_digest() -> str:
    """Every file of the cnscd package that can change what a build writes (code, templates, assets), and the
    version of every installed library (Jinja2, Pillow, the QR and zip writers…)."""
    here = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    libraries = sorted(f"{dist.metadata['Name']}=={dist.version}" for dist in importlib.metadata.distributions())
    digest.update("\n".join(libraries).encode() + b"\0")
    for path in sorted(here.rglob("*")):
        if path.suffix in _CODE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
            digest.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _hash(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def tree_digest(folder: Path) -> str:
    """The hand-written docs folder: names and bytes of every file (digests kept by stat, as validation's)."""
    folder = Path(folder)
    names = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())
    return _hash(json.dumps(filedigest.digests(folder, names), sort_keys=True))


def history_slice(history: History, province_code: str, commune_codes: set[str]) -> str:
    """What git's history puts on one province's pages: its dates, its communes' dates and changes, and
    whether the site has a history feed at all."""
    changes = sorted(repr(change) for change in history.changes if change.province_code == province_code)
    dates = sorted((code, day.isoformat()) for code, day in history.commune_updated.items() if code in commune_codes)
    updated = history.province_updated.get(province_code)
    return json.dumps([history.updated is not None, updated.isoformat() if updated else "", dates, changes])


def _history_digest(history: History) -> str:
    """The whole history, in an order that does not depend on how git's output was walked."""
    dates = {name: sorted((key, str(value)) for key, value in getattr(history, name).items())
             for name in ("file_updated", "commune_updated", "province_updated")}
    return json.dumps([str(history.updated), sorted(repr(change) for change in history.changes), dates])


@dataclass
class Keys:
    """The key of each group: province code → key, and the national group's. The standalone group's is made
    from what its pages show (`Bundles.standalone_key`) and kept in the national group's meta."""

    provinces: dict[str, str]
    national: str
    base: str  # the code, the config, the options and the national tables: what every group depends on (not the day)
    packages: dict[str, str] = field(default_factory=dict)  # province code → its data package zip's key (not the day)


def make_keys(settings: str, common: str, country_wide: str, province_files: dict[str, str], whole: str,
              docs_digest: str, history: History, province_communes: dict[str, set[str]]) -> Keys:
    """`settings`: config text and build options; `common`: the national tables' hash;
    `country_wide`: every withdrawals file's hash; `province_files`: province code → hash of its folder's files;
    `whole`: hash of every data file; `province_communes`: province code → its commune codes (for the history slice).

    No key holds the build's day: the province and national bundles keep the days they hold for instead
    (`Bundles.has_province`, `Bundles.complete`); the data package zips and the standalone pages (communes
    without data, old communes) do not change with it."""
    head = _hash(_FORMAT, code_digest(), settings)
    provinces, packages = {}, {}
    for code, files in province_files.items():
        provinces[code] = _hash(head, common, country_wide, code, files,
                                history_slice(history, code, province_communes.get(code, set())))
        packages[code] = _hash(head, "package", common, country_wide, code, files)
    everything = _hash(head, whole, docs_digest, _history_digest(history))
    return Keys(provinces, _hash("national", everything), _hash(head, common), packages)


def _link_tree(source: str, target: str, skip_top: frozenset[str] = frozenset()) -> int:
    """Link every file of one tree into the same places in another; `skip_top`: top-level folders left out."""
    count = 0
    for folder, subfolders, names in os.walk(source):
        relative = os.path.relpath(folder, source)
        if relative == ".":
            subfolders[:] = [name for name in subfolders if name not in skip_top]
        os.makedirs(os.path.join(target, relative), exist_ok=True)
        for name in names:
            if relative == "." and name == _META:
                continue
            link(os.path.join(folder, name), os.path.join(target, relative, name))
            count += 1
    return count


class Store:
    """Bundles of rendered files, one folder per group and key; only a group's latest bundle is kept."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _folder(self, group: str, key: str) -> Path:
        return self.root / group / key

    def has(self, group: str, key: str) -> bool:
        return (self._folder(group, key) / _META).is_file()

    def meta(self, group: str, key: str) -> dict:
        return json.loads((self._folder(group, key) / _META).read_text(encoding="utf-8"))

    def restore(self, group: str, key: str, target: Path) -> dict:
        """Link the bundle's files into `target` (replacing what is there) and return its meta."""
        folder = self._folder(group, key)
        _link_tree(str(folder), str(target))
        return self.meta(group, key)

    def save(self, group: str, key: str, source: Path, meta: dict, skip_top: frozenset[str] = frozenset()) -> None:
        """Keep `source`'s files (links, not copies) as this group's bundle; the group's older bundles go.

        Built under a temporary name and renamed, so a bundle is there whole or not at all."""
        final = self._folder(group, key)
        partial = final.with_name(f"{key}.{os.getpid()}.part")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        _link_tree(str(source), str(partial), skip_top)
        (partial / _META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        shutil.rmtree(final, ignore_errors=True)
        os.replace(partial, final)
        for other in final.parent.iterdir():
            if other.name != key and not other.name.endswith(".part"):
                shutil.rmtree(other, ignore_errors=True)


class Bundles:
    """One build's keys over the store, and what it reused or rendered (the build report says which)."""

    def __init__(self, store: Store, keys: Keys, today: dt.date) -> None:
        self.store, self.keys, self.today = store, keys, today
        self._held: dict[str, bool] = {}
        self.reused: list[str] = []
        self.rendered: list[str] = []
        self._pending: list[tuple[str, dict]] = []

    @staticmethod
    def group(code: str) -> str:
        return f"tinh-{code}"

    def complete(self) -> bool:
        """Every group is in the store: the build needs nothing but links (and the engine)."""
        if not self.store.has(NATIONAL, self.keys.national):
            return False
        meta = self.store.meta(NATIONAL, self.keys.national)
        if not self._holds(meta):
            return False
        return self.store.has(STANDALONE, meta["standalone"]) and all(self.has_province(code) for code in self.keys.provinces)

    def _holds(self, meta: dict) -> bool:
        """The bundle was made on a day that gives the same answers as this build's (its span holds today)."""
        return datespan.Span.from_json(meta["span"]).holds(datespan.unwatched(self.today))

    def standalone_key(self, places: list[tuple[str, str, str, str]], with_data: set[str]) -> str:
        """The pages of communes without data and of old communes show only where each commune is, its name and
        province (`places`: code, path, name, province), and which communes have data; the rest is in `base`."""
        return _hash(self.keys.base, STANDALONE, json.dumps(sorted(places), ensure_ascii=False),
                     json.dumps(sorted(with_data)))

    def has_province(self, code: str) -> bool:
        """The province's bundle is in the store and was made on a day that gives the same pages as this build's."""
        key = self.keys.provinces.get(code)
        if key is None or not self.store.has(self.group(code), key):
            return False
        if code not in self._held:
            self._held[code] = self._holds(self.store.meta(self.group(code), key))
        return self._held[code]

    def restore_province(self, code: str, docs: Path, spliced: list | None) -> dict | None:
        """Link an unchanged province's files into the docs folder; its commune pages join `spliced`."""
        from .shell import Page

        if not self.has_province(code):
            return None
        key = self.keys.provinces[code]
        meta = self.store.meta(self.group(code), key)
        self.store.restore(self.group(code), key, docs / meta["path"])
        if spliced is not None:
            for path, title, description, image in meta["pages"]:
                spliced.append(Page(path, title, description, image, source=str(docs / path / "index.md")))
        self.reused.append(code)
        return meta

    def summary(self, national: bool) -> str:
        """For the build's output: what came from the cache and what was rendered."""
        whole = "lấy lại" if national else "dựng lại"
        return (f"{len(self.reused)} tỉnh lấy lại, {len(self.rendered)} tỉnh dựng lại, trang toàn quốc {whole} / "
                f"{len(self.reused)} provinces reused, {len(self.rendered)} rendered, national pages "
                f"{'reused' if national else 'rendered'}")

    def rendered_province(self, code: str, path: str, communes: list[str], pages: list, span: datespan.Span) -> None:
        """Note a province rendered in this build and the days its pages hold for; `save_rendered` keeps it once
        every file is written (the feeds and other national writers also put files in province folders)."""
        meta = {"path": path, "communes": communes, "span": span.as_json(),
                "pages": [[page.path, page.title, page.description, page.image] for page in pages]}
        self._pending.append((code, meta))

    def save_rendered(self, docs: Path) -> None:
        for code, meta in self._pending:
            self.store.save(self.group(code), self.keys.provinces[code], docs / meta["path"], meta)
            self.rendered.append(code)
        self._pending = []


def plan(data_dir: Path, today: dt.date, config_path: Path, docs_source: Path, options: str) -> tuple[Bundles, History]:
    """Every group's key, from the files' bytes and git's history alone (the units are read for the
    history; the rest of the package is not loaded). Returns the history too, so it is read once."""
    from ..history.log import read_history
    from ..load import load
    from ..tablecheck import cache_dir
    from ..units import Units
    from ..validate import NATIONAL as NATIONAL_SCOPE
    from ..validate import Plan

    found = Plan.of(Path(data_dir), today, True)  # type: ignore[arg-type]
    units = Units.from_dataset(load(found.root, found.scopes[NATIONAL_SCOPE]))
    history = read_history(Path(data_dir), units)
    communes: dict[str, set[str]] = {}
    for code, row in units.communes.items():
        communes.setdefault(row["province_code"], set()).add(code)
    # A province without a folder of its own still has a page (from the national tables alone).
    files = dict.fromkeys(communes, "")
    files.update({name.split("-", 1)[0]: found.scope_key(name) for name in found.scopes if name != NATIONAL_SCOPE})
    settings = f"{options}\0{Path(config_path).read_text(encoding='utf-8')}"
    # A withdrawal filed in one province can hide a number on every province's pages: each key holds them all.
    from .. import package
    from ..consent import COUNTRY_WIDE_TABLES

    country_wide = "".join(f"{relpath}\0{found.digests[relpath]}\0" for table in COUNTRY_WIDE_TABLES
                           for relpath in package.table_files(found.root, table))
    keys = make_keys(settings, found.common, _hash(country_wide), files, found.whole,
                     tree_digest(docs_source), history, communes)
    return Bundles(Store(cache_dir().parent / "site"), keys, today), history
