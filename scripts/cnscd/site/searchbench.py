"""What a phone downloads to find its village: the real find box typed letter by letter in Chromium.

The figure behind issue 10's target «≤ 150 KB per query»: nothing here re-implements assets/find.js,
it drives it. The site is served on 127.0.0.1 with gzip, as static hosting serves it, and the server
counts the compressed bytes of every response of the find index (the manifest once per query, then
each shard the box asks for while a person types; a shard it already holds is never asked again).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import math
import statistics
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

INDEX = "/assets/cnscd/tim-kiem/"
CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 360, "height": 640}
GZIP_LEVEL = 6  # what common web servers and CDNs use by default
COMPRESSED = (".json", ".js", ".html", ".css", ".svg", ".txt")


@dataclass(frozen=True)
class Query:
    """What a person types, and the result that must then be shown: its name and part of its address."""

    typed: str
    name: str
    address: str


# Real names of the 2025 units, old communes and villages present both in the bundled sample and in
# `cnscd synth --scale national` (every rural commune there has the same 30 villages, so a village
# is typed with its commune, as people do). With and without diacritics, with abbreviations.
QUERIES = (
    Query("thon na rua binh minh", "Thôn Nà Rụa", "/21085-xa-binh-minh/#"),
    Query("Thôn Nà Rụa, xã Bình Minh", "Thôn Nà Rụa", "/21085-xa-binh-minh/#"),
    Query("ben nghe", "Phường Bến Nghé (Quận 1)", "xa-cu/26740/"),
    Query("Bến Nghé", "Phường Bến Nghé (Quận 1)", "xa-cu/26740/"),
    Query("tdp 5 p. vung tau", "Tổ dân phố 5", "/26506-phuong-vung-tau/#"),
    Query("to dan pho 3 tam thang", "Tổ dân phố 3", "-phuong-tam-thang/#"),
    Query("thon khuoi kep phong quang", "Thôn Khuổi Kép", "/01849-xa-phong-quang/#"),
    Query("x. phong quang", "Xã Phong Quang", "/01849-xa-phong-quang/"),
    Query("thuc phan", "Phường Thục Phán", "/01273-phuong-thuc-phan/"),
    Query("cao bang", "Tỉnh Cao Bằng", "04-cao-bang/"),
    Query("nguyen an ninh", "Phường Nguyễn An Ninh (Thành phố Vũng Tàu)", "xa-cu/26526/"),
    Query("phuong ba dinh", "Phường Ba Đình", "/00004-phuong-ba-dinh/"),
    Query("hoan kiem", "Phường Hoàn Kiếm", "-phuong-hoan-kiem/"),
    Query("thon dong tam binh son", "Thôn Đồng Tâm", "-xa-binh-son/#"),
    Query("tp. ho chi minh", "Thành phố Hồ Chí Minh", "79-ho-chi-minh/"),
    Query("thon phuoc hai van tuong", "Thôn Phước Hải", "-xa-van-tuong/#"),
    Query("tdp 2 ho nai", "Tổ dân phố 2", "-phuong-ho-nai/#"),
    Query("Nùng Trí Cao", "Phường Nùng Trí Cao", "-phuong-nung-tri-cao/"),
    Query("trang dai", "Phường Trảng Dài", "-phuong-trang-dai/"),
    Query("thon ha phong quang thai nguyen", "Thôn Hạ", "/01849-xa-phong-quang/#"),
)


@dataclass
class Typed:
    """One query typed letter by letter: what it downloaded and whether the place was then shown."""

    typed: str
    found: bool
    rank: int | None  # the place's position among the results shown (1 = first)
    bytes: int  # compressed: the manifest and every shard fetched while typing
    files: list[tuple[str, int]] = field(default_factory=list)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed when the browser accepts it; counts what it sends."""

    sent: list[tuple[str, int]]
    cache: dict[str, bytes]

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", "") \
                or path.suffix not in COMPRESSED:
            super().do_GET()
            if path.is_file():  # sent as it is (images, files compressed already)
                self.sent.append((self.path.split("?")[0], path.stat().st_size))
            return
        key = str(path)
        if key not in self.cache:
            self.cache[key] = gzip.compress(path.read_bytes(), GZIP_LEVEL, mtime=0)
        body = self.cache[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")  # as GitHub Pages serves
        self.end_headers()
        self.wfile.write(body)
        self.sent.append((self.path.split("?")[0], len(body)))


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser that stops reading is normal
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(site_dir: Path) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    """The site on 127.0.0.1 with gzip; yields its address and the (path, compressed bytes) sent so far."""
    sent: list[tuple[str, int]] = []
    handler = type("Handler", (_Handler,), {"sent": sent, "cache": {}})
    server = _Server(("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", sent
    finally:
        server.shutdown()
        server.server_close()


def type_query(browser: Any, base: str, sent: list[tuple[str, int]], query: Query) -> Typed:
    """A fresh phone (empty cache) opens the home page and types the query one letter at a time.

    After each letter it waits until the box has answered that text (find.js marks the form with
    data-answered), so every shard the box chooses on the way is fetched and counted.
    """
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        del sent[:]  # from the page's opening: its service worker may fetch the manifest to keep it offline
        page.goto(base + "/", wait_until="load")
        box = page.locator("#cnscd-find-input")
        box.click()
        for end in range(1, len(query.typed) + 1):
            page.keyboard.type(query.typed[end - 1])
            page.wait_for_function("text => document.getElementById('cnscd-find').dataset.answered === text",
                                   arg=query.typed[:end], timeout=30_000)
        shown = page.eval_on_selector_all(
            "#cnscd-find-results a", "links => links.map(a => [a.textContent, a.getAttribute('href')])")
        rank = next((i + 1 for i, (name, href) in enumerate(shown) if name == query.name and query.address in href),
                    None)
        # Once per file: the service worker and the box may both ask for the manifest; the browser's
        # cache answers the second, or not, depending on timing.
        files = list({path.removeprefix(INDEX): size for path, size in sent if path.startswith(INDEX)}.items())
        return Typed(query.typed, rank is not None, rank, sum(size for _, size in files), files)
    finally:
        context.close()


def distribution(values: list[int]) -> dict[str, int]:
    """min, median, p90 (nearest rank) and max."""
    ordered = sorted(values)
    return {"min": ordered[0], "median": int(statistics.median(ordered)),
            "p90": ordered[math.ceil(0.9 * len(ordered)) - 1], "max": ordered[-1]}


def index_figures(site_dir: Path) -> dict[str, Any]:
    """The index on disk: shard count, total and largest (raw bytes), and the manifest's size."""
    folder = site_dir / INDEX.strip("/")
    shards = sorted((p.stat().st_size, p.name) for p in (folder / "s").glob("*.json"))
    manifest = (folder / "index.json").read_bytes()
    return {"shards": len(shards), "shards_bytes": sum(s for s, _ in shards),
            "largest_shard_bytes": shards[-1][0] if shards else 0, "largest_shard": shards[-1][1] if shards else "",
            "manifest_bytes": len(manifest), "manifest_gzip_bytes": len(gzip.compress(manifest, GZIP_LEVEL, mtime=0))}


def measure(site_dir: Path, queries: tuple[Query, ...] = QUERIES, browser: Any = None) -> dict[str, Any]:
    """Type every query into the built site's find box; the distribution of bytes per query, and each query."""
    with serve(site_dir) as (base, sent), contextlib.ExitStack() as stack:
        if browser is None:
            from playwright.sync_api import sync_playwright

            playwright = stack.enter_context(sync_playwright())
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
            stack.callback(browser.close)
        typed = [type_query(browser, base, sent, query) for query in queries]
    return {"search_bytes_per_query": distribution([t.bytes for t in typed]),
            "found": sum(t.found for t in typed), "queries": len(typed), "gzip_level": GZIP_LEVEL,
            "index": index_figures(site_dir), "per_query": [asdict(t) for t in typed]}


def print_figures(figures: dict[str, Any]) -> None:
    for t in figures["per_query"]:
        print(f"  {t['typed']:<34} {t['bytes'] / 1000:7.1f} KB  {len(t['files']):3d} tệp/files  "
              f"{'tìm thấy/found #' + str(t['rank']) if t['found'] else 'KHÔNG THẤY / NOT FOUND'}")
    d = figures["search_bytes_per_query"]
    print(f"  search_bytes_per_query (gzip, KB): min {d['min'] / 1000:.1f}  median {d['median'] / 1000:.1f}  "
          f"p90 {d['p90'] / 1000:.1f}  max {d['max'] / 1000:.1f};  found {figures['found']}/{figures['queries']}")
    i = figures["index"]
    print(f"  index: {i['shards']:,} shards, {i['shards_bytes'] / 1e6:.1f} MB, largest {i['largest_shard_bytes'] / 1000:.1f} KB "
          f"({i['largest_shard']}); manifest {i['manifest_bytes'] / 1000:.1f} KB, gzip {i['manifest_gzip_bytes'] / 1000:.1f} KB")
