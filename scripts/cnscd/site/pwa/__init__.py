"""Installable and offline: the web app manifest, its icons and the service worker, written into the built site.

Runs after the site engine, so the worker's precache list names the files the engine actually wrote (the
theme's hashed CSS and JavaScript) and its version changes whenever one of them does. The worker is a small
hand-written file (sw.js beside this module): no library, no request to any other origin.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

from PIL import Image, ImageDraw

THEME = "#303f9f"
# Pages and files every visitor may need without signal; commune pages and find shards are cached when opened.
SHELL_PAGES = ["", "bieu-mau/", "bieu-mau/to/", "bieu-mau/bao-cao/", "bieu-mau/go-so/"]
SHELL_GLOBS = ["assets/stylesheets/*.css", "assets/javascripts/bundle*.js", "assets/cnscd/*.css", "assets/cnscd/*.js",
               "assets/cnscd/tim-kiem/index.json", "bieu-mau/*.js", "bieu-mau/*.css", "bieu-mau/du-lieu/index.json"]
SHELL_GLOB_LIMIT = 40


def manifest(name: str, short_name: str) -> dict:
    return {"name": name, "short_name": short_name, "lang": "vi", "dir": "ltr",
            "description": "Ai giúp người dân dùng dịch vụ số ở thôn, tổ dân phố của bạn; gửi danh sách tổ và báo cáo.",
            "start_url": "./", "scope": "./", "display": "standalone", "background_color": "#ffffff",
            "theme_color": THEME,
            "icons": [{"src": f"icon-{size}.png", "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
                      for size in (192, 512)]
            + [{"src": "icon-maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"}]}


def draw_icon(size: int, padding: float) -> Image.Image:
    """A phone with a speech bubble on the theme colour: recognisable without any text or font."""
    image = Image.new("RGB", (size, size), THEME)
    draw = ImageDraw.Draw(image)
    unit = size * (1 - 2 * padding) / 10
    left, top = size * padding, size * padding

    def box(x0: float, y0: float, x1: float, y1: float) -> list[float]:
        return [left + x0 * unit, top + y0 * unit, left + x1 * unit, top + y1 * unit]

    draw.rounded_rectangle(box(2.2, 1, 6.6, 9), radius=unit * .6, fill="#ffffff")
    draw.rectangle(box(2.8, 2, 6, 7.6), fill="#c5cae9")
    draw.ellipse(box(4.1, 8, 4.7, 8.6), fill=THEME)
    draw.rounded_rectangle(box(5.4, .6, 9.2, 3.6), radius=unit * .6, fill="#ffb300")
    draw.polygon([tuple(box(6, 3.4, 0, 0)[:2]), tuple(box(7, 3.4, 0, 0)[:2]), tuple(box(5.8, 4.4, 0, 0)[:2])],
                 fill="#ffb300")
    return image


def precache_list(site_dir: Path) -> list[str]:
    paths = [page for page in SHELL_PAGES if (site_dir / page / "index.html").is_file()]
    for pattern in SHELL_GLOBS:
        found = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.glob(pattern) if p.is_file())
        paths += found[:SHELL_GLOB_LIMIT]
    paths += ["manifest.webmanifest", "icon-192.png"]
    return list(dict.fromkeys(paths))


def write_pwa(site_dir: Path, config: dict) -> list[str]:
    """Write manifest.webmanifest, the icons and sw.js at the site root; returns the precached paths."""
    name = str(config.get("site_name") or "Tổ Công nghệ số cộng đồng")
    (site_dir / "manifest.webmanifest").write_text(
        json.dumps(manifest(name, "Tổ CNSCĐ"), ensure_ascii=False, indent=1), encoding="utf-8")
    for size in (192, 512):
        draw_icon(size, .08).save(site_dir / f"icon-{size}.png", optimize=True)
    draw_icon(512, .2).save(site_dir / "icon-maskable-512.png", optimize=True)
    paths = precache_list(site_dir)
    digest = hashlib.sha256()
    for path in paths:
        target = site_dir / path / "index.html" if path == "" or path.endswith("/") else site_dir / path
        digest.update(path.encode() + b"\0" + target.read_bytes())
    worker = (resources.files("cnscd.site.pwa") / "sw.js").read_text(encoding="utf-8")
    worker = worker.replace("__CNSCD_VERSION__", digest.hexdigest()[:16]).replace(
        "__CNSCD_PRECACHE__", json.dumps(paths, ensure_ascii=False))
    (site_dir / "sw.js").write_text(worker, encoding="utf-8")
    return paths
