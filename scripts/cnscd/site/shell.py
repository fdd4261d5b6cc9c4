"""Commune pages put into the theme's own page shell, without sending each one through MkDocs.

At national scale the engine spent about a minute turning 3,321 commune pages, each one raw-HTML block,
into the same theme page with a different title, description, address, preview picture and content.
Here the engine builds two of them for real; the first becomes a shell (its page with those five
values cut out) and the shell must give back the second page byte for byte before it is used for the
rest. If the theme ever puts one of those values somewhere the shell cannot follow, that check fails
and the build sends every commune page through the engine as before: slower, never wrong.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape

from . import render

SLOTS = ("content", "title", "description", "path", "image")


@dataclass(frozen=True)
class Page:
    """One commune page as the engine would be given it: its folder from the site root, the front
    matter's title, description and preview picture, and the HTML block (already html_block'ed)."""

    path: str
    title: str
    description: str
    image: str
    content: str = ""
    source: str = ""  # or the page's Markdown file, read when the page is written: 3,321 pages' HTML is 150 MB

    def html(self) -> str:
        if self.content or not self.source:
            return self.content
        return render.page_block(Path(self.source).read_text(encoding="utf-8"))

    def values(self) -> dict[str, str]:
        """What the theme prints for each slot: titles and descriptions escaped as Jinja escapes them."""
        return {"content": self.html(), "title": str(escape(render._plain(self.title))),
                "description": str(escape(render._plain(self.description))), "path": self.path, "image": self.image}


def escape_free(page: Page) -> bool:
    """True when the title and description hold nothing a theme escapes (an apostrophe, as in «Ea H'Leo»):
    themes escape in some places and not in others, so such a page goes through the engine instead."""
    return all(str(escape(render._plain(value))) == render._plain(value) for value in (page.title, page.description))


@dataclass(frozen=True)
class Shell:
    """Literal text and slot names, alternating: literal, slot, literal, …, literal."""

    parts: tuple[str, ...]

    def fill(self, page: Page) -> str:
        values = page.values()
        return "".join(part if index % 2 == 0 else values[part] for index, part in enumerate(self.parts))


def make_shell(built: str, page: Page) -> Shell | None:
    """The shell of an engine-built page, or None when its content is not found exactly once (the engine
    changed the block) or a value is too short to be cut out safely."""
    values = page.values()
    if built.count(values["content"]) != 1 or min(len(value) for value in values.values()) < 8:
        return None
    head, tail = built.split(values["content"])
    others = sorted((slot for slot in SLOTS if slot != "content"), key=lambda slot: -len(values[slot]))
    pattern = re.compile("|".join(re.escape(values[slot]) for slot in others))
    by_value = {values[slot]: slot for slot in others}
    parts: list[str] = []
    for index, text in enumerate((head, tail)):
        if index:
            parts.append("content")
        position = 0
        for match in pattern.finditer(text):
            parts += [text[position:match.start()], by_value[match.group(0)]]
            position = match.end()
        parts.append(text[position:])
    return Shell(tuple(parts))


def verified_shell(site_dir: Path, source: Page, check: Page) -> Shell | None:
    """A shell made from one engine-built page that rebuilds another engine-built page exactly."""
    built = (site_dir / source.path / "index.html").read_text(encoding="utf-8")
    shell = make_shell(built, source)
    if shell is None or shell.fill(source) != built:
        return None
    if shell.fill(check) != (site_dir / check.path / "index.html").read_text(encoding="utf-8"):
        return None
    return shell


def write_pages(site_dir: Path, shell: Shell, pages: list[Page]) -> int:
    for page in pages:
        folder = site_dir / page.path
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(shell.fill(page), encoding="utf-8")
    return len(pages)


_LASTMOD = re.compile(r"<lastmod>([^<]*)</lastmod>")


def add_to_sitemap(site_dir: Path, base_url: str, pages: list[Page]) -> None:
    """The spliced pages in the engine's sitemap.xml (and its .gz), in its format and with its date:
    search engines should find every commune page, as before."""
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.is_file() or not pages:
        return
    text = sitemap.read_text(encoding="utf-8")
    found = _LASTMOD.search(text)
    lastmod = f"\n         <lastmod>{found.group(1)}</lastmod>" if found else ""
    entries = "".join(f"    <url>\n         <loc>{escape(base_url + page.path)}</loc>{lastmod}\n    </url>\n"
                      for page in pages)
    text = text.replace("</urlset>", entries + "</urlset>", 1)
    sitemap.write_text(text, encoding="utf-8")
    (site_dir / "sitemap.xml.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
