"""The find box's own functions (assets/find.js, window.cnscdFind) run in Chromium for the Python tests.

Python has no copy of the planner: these tests ask the script the browser runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cnscd.site import search

SCRIPT = (Path(search.__file__).parent / "assets" / "find.js").read_text(encoding="utf-8")


class FindJS:
    """A blank page holding find.js; each method is one round trip, over many inputs at once."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.page.set_content("<!doctype html><html lang=vi><meta charset=utf-8><title>find.js</title></html>")
        self.page.add_script_tag(content=SCRIPT)

    def close(self) -> None:
        self.context.close()

    def _run(self, body: str, *args: Any) -> Any:
        """Arguments and answer cross as JSON text: Playwright's own encoding of big objects is slow."""
        script = f"text => {{ const args = JSON.parse(text); return JSON.stringify(({body})(...args)); }}"
        return json.loads(self.page.evaluate(script, json.dumps(args, ensure_ascii=False)))

    def fold(self, texts: list[str]) -> list[str]:
        return self._run("texts => texts.map(t => cnscdFind.fold(t))", texts)

    def words(self, texts: list[str]) -> list[list[str]]:
        return self._run("texts => texts.map(t => cnscdFind.words(t))", texts)

    def expand(self, manifest: dict, typed: list[str]) -> list[str]:
        return self._run("(m, typed) => typed.map(t => cnscdFind.expand(m, t))", manifest, typed)

    def plans(self, manifest: dict, typed: list[str]) -> list[list[str] | None]:
        """The shards each typed text downloads, as the box decides after expanding abbreviations."""
        return self._run("(m, typed) => typed.map(t => cnscdFind.plan(m, cnscdFind.expand(m, t)))", manifest, typed)

    def decode(self, manifest: dict, shards: dict[str, str]) -> dict[str, list[dict]]:
        """Each shard's entries as {n, c, u, t} (the box's own key k left out)."""
        parsed = {key: json.loads(text) for key, text in shards.items()}
        return self._run("""(m, shards) => Object.fromEntries(Object.entries(shards).map(([key, s]) =>
            [key, cnscdFind.decode(m, s).map(e => ({n: e.n, c: e.c, u: e.u, t: e.t}))]))""", manifest, parsed)

    def download(self, files: dict[str, str], typed: str) -> list[dict] | None:
        """The entries the box downloads for a typed text (None: type more), decoded by the box."""
        manifest = json.loads(files["index.json"])
        keys = self.plans(manifest, [typed])[0]
        if keys is None:
            return None
        decoded = self.decode(manifest, {key: files[search.shard_file(key)] for key in keys})
        return [e for key in keys for e in decoded[key]]
