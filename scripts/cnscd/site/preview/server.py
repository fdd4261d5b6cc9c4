"""The preview's HTTP server on 127.0.0.1: the built files, plus (in responses only) a reload script and a banner.

Nothing it adds is written to disk: the site folder stays exactly what `cnscd build` and the live engine
wrote. Each page asks `/__cnscd-preview/events` (Server-Sent Events) to be told when it was written again;
it sends the version it was served at, so an edit that lands between serving and asking is not missed.
"""

from __future__ import annotations

import http.server
import json
import mimetypes
import threading
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import jinja2

from ...model import Finding
from .session import EVERY_PAGE

PREFIX = "/__cnscd-preview/"
SHOWN_FINDINGS = 20
KEEP_ALIVE_SECONDS = 15
# A worker left by the built site (same address as an earlier `make site` preview) would answer pages from its
# cache; in the preview this one replaces it, clears its caches and unregisters itself.
NO_WORKER = """self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.registration.unregister(); }));
});
"""
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("image/svg+xml", ".svg")

_banner = jinja2.Environment(autoescape=True, loader=jinja2.FunctionLoader(
    lambda name: (resources.files("cnscd.site.preview") / name).read_text(encoding="utf-8")))


def page_path(url_path: str) -> str:
    """/a/b/index.html and /a/b/ are one page: the path the live engine reports for it."""
    path = unquote(url_path)
    return path[: -len("index.html")] if path.endswith("/index.html") else path


class Versions:
    """A counter per page, bumped when the page is written again; EVERY_PAGE bumps all of them at once."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.counter = 0
        self.every = 0
        self.pages: dict[str, int] = {}
        self.banner = ""

    def of(self, path: str) -> int:
        return max(self.every, self.pages.get(path, 0))

    def publish(self, paths: list[str], findings: list[Finding]) -> None:
        banner = render_banner(findings)
        with self.changed:
            self.counter += 1
            if EVERY_PAGE in paths or banner != self.banner:
                self.every = self.counter
            for path in paths:
                self.pages[path] = self.counter
            self.banner = banner
            self.changed.notify_all()


def render_banner(findings: list[Finding]) -> str:
    if not findings:
        return ""
    return _banner.get_template("banner.html").render(total=len(findings), shown=findings[:SHOWN_FINDINGS])


def inject(html: str, banner: str, path: str, version: int) -> str:
    """The banner after <body …>, the reload script before </body>: only in what this server sends."""
    state = json.dumps({"path": path, "version": version}).replace("<", "\\u003c")
    script = f'<script>window.__cnscdPreview={state};</script><script src="{PREFIX}reload.js"></script>'
    start = html.find("<body")
    start = html.find(">", start) + 1 if start >= 0 else 0
    html = html[:start] + banner + html[start:]
    end = html.rfind("</body>")
    return html[:end] + script + html[end:] if end >= 0 else html + script


class Handler(http.server.BaseHTTPRequestHandler):
    site_dir: Path
    versions: Versions
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # one line per edit is printed by the watcher instead
        pass

    def _send(self, status: int, body: bytes, content_type: str, head: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        url = urlsplit(self.path)
        if url.path == PREFIX + "events":
            return self._events(parse_qs(url.query))
        if url.path == PREFIX + "reload.js":
            script = (resources.files("cnscd.site.preview") / "reload.js").read_bytes()
            return self._send(200, script, "text/javascript; charset=utf-8", head)
        if url.path == "/sw.js":
            return self._send(200, NO_WORKER.encode(), "text/javascript; charset=utf-8", head)
        root = self.site_dir.resolve()
        target = (root / unquote(url.path).lstrip("/")).resolve()
        if not target.is_relative_to(root):
            return self._send(404, b"", "text/plain", head)
        if target.is_dir():
            if not url.path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", url.path + "/" + (f"?{url.query}" if url.query else ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            target = target / "index.html"
        status = 200
        if not target.is_file():
            status, target = 404, root / "404.html"
            if not target.is_file():
                return self._send(404, "Không tìm thấy / not found".encode(), "text/plain; charset=utf-8", head)
        body = target.read_bytes()
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type == "text/html":
            path = page_path(url.path) if status == 200 else "/404.html"
            with self.versions.changed:
                version, banner = self.versions.of(path), self.versions.banner
            body = inject(body.decode("utf-8"), banner, path, version).encode("utf-8")
        if content_type.startswith("text/") or content_type.endswith(("javascript", "json", "xml")):
            content_type += "; charset=utf-8"
        return self._send(status, body, content_type, head)

    def _events(self, query: dict[str, list[str]]) -> None:
        path = query.get("path", ["/"])[0]
        try:
            seen = int(query.get("v", ["0"])[0])
        except ValueError:
            seen = 0
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while True:
                with self.versions.changed:
                    if self.versions.of(path) <= seen:
                        self.versions.changed.wait(KEEP_ALIVE_SECONDS)
                    current = self.versions.of(path)
                if current > seen:
                    self.wfile.write(f"event: reload\ndata: {current}\n\n".encode())
                    self.wfile.flush()
                    return
                self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (ConnectionError, OSError):  # the page went away
            return


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser that stops reading is normal
            super().handle_error(request, client_address)


def bind(site_dir: Path, host: str, port: int, versions: Versions) -> Server:
    """Take the address now (a busy port is said before a long build); `server_address` has the port chosen."""
    handler = type("PreviewHandler", (Handler,), {"site_dir": Path(site_dir), "versions": versions})
    return Server((host, port), handler)


def start(server: Server) -> None:
    """Answer requests in a background thread."""
    threading.Thread(target=server.serve_forever, name="preview-http", daemon=True).start()
