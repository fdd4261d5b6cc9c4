"""`cnscd serve` in real Chromium on a phone: open pages follow edits on disk by themselves, bad edits show a banner.

The preview runs as the real command in a subprocess on a copy of the sample (data/, docs/, mkdocs.yml) on
127.0.0.1; the tests only write files and wait (generously) for the open page to change. No timing is asserted:
the latency is printed by the preview and reported in the README.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT, SAMPLE, TODAY

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 640}
COMMUNE = "79-ho-chi-minh/26506-phuong-vung-tau/"
GUIDE = "huong-dan/cai-dat-vneid/"
WAIT_MS = 30_000


class Preview:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.site = root / "preview-site"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cnscd", "serve", "--data", "data", "--port", "0", "--today", TODAY.isoformat(),
             "--site-dir", str(self.site)],
            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUTF8": "1"})
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.url = ""
        while not self.url:
            line = self.lines.get(timeout=300)
            found = re.search(r"previewing at (http://127\.0\.0\.1:\d+/)", line)
            if found:
                self.url = found[1]
            assert self.process.poll() is None, "\n".join(self.log)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.log.append(line.rstrip())
            self.lines.put(line)

    def edit(self, relpath: str, old: str, new: str) -> None:
        path = self.root / relpath
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relpath}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=180)  # removing the temporary build folder takes a while on a busy machine


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("preview")
    shutil.copytree(SAMPLE, root / "data")
    shutil.copytree(ROOT / "docs", root / "docs")
    shutil.copyfile(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    running = Preview(root)
    yield running
    running.stop()
    print("\n".join(line for line in running.log if "preview]" in line))


@pytest.fixture
def phone(browser, preview):
    context = browser.new_context(viewport=PHONE)
    outside: list[str] = []
    context.on("request", lambda request: None if request.url.startswith((preview.url, "data:"))
               else outside.append(request.url))
    page = context.new_page()
    yield page
    context.close()
    assert outside == [], f"requests left the preview: {outside}"


def members_file() -> str:
    return "data/provinces/79-ho-chi-minh/members.csv"


def test_open_commune_page_shows_an_edited_row_by_itself(phone, preview, tmp_path):
    phone.goto(preview.url + COMMUNE)
    leader = phone.locator("#t79-0002 li", has_text="Tổ trưởng")
    expect(leader).to_contain_text("Dương Kim Bình")
    phone.evaluate("window.__notReloaded = true")
    preview.edit(members_file(), "Dương Kim Bình,leader", "Dương Kim Bảo,leader")
    expect(phone.locator("#t79-0002 li", has_text="Tổ trưởng")).to_contain_text("Dương Kim Bảo", timeout=WAIT_MS)
    assert phone.evaluate("window.__notReloaded === undefined")  # the page reloaded itself
    phone.screenshot(path=str(tmp_path / "commune.png"), full_page=False)
    # The province page was written again too (its team count did not change, the page is fresh).
    phone.goto(preview.url + "79-ho-chi-minh/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thành phố Hồ Chí Minh")


def test_open_guide_shows_an_edited_heading_by_itself(phone, preview):
    phone.goto(preview.url + GUIDE)
    expect(phone.get_by_role("heading", name="Chuẩn bị", exact=True)).to_be_visible()
    preview.edit("docs/huong-dan/cai-dat-vneid.md", "## Chuẩn bị\n", "## Chuẩn bị trước khi cài\n")
    expect(phone.get_by_role("heading", name="Chuẩn bị trước khi cài")).to_be_visible(timeout=WAIT_MS)


def test_invalid_edit_shows_a_vietnamese_banner_and_keeps_the_last_good_page(phone, preview, tmp_path):
    phone.goto(preview.url + COMMUNE)
    expect(phone.get_by_text("Lý Văn Hạnh").first).to_be_visible()
    preview.edit(members_file(), "Lý Văn Hạnh,deputy,Phó trưởng thôn,2025-07-19", "Lý Văn Hạnh,deputy,Phó trưởng thôn,2025-13-45")
    banner = phone.get_by_role("alert").filter(has_text="Bản xem trước chưa cập nhật")
    expect(banner).to_be_visible(timeout=WAIT_MS)
    expect(banner).to_contain_text("members.csv:8 [joined_on]")
    expect(banner).to_contain_text("Giá trị không đúng kiểu dữ liệu")
    expect(phone.get_by_text("Lý Văn Hạnh").first).to_be_visible()  # the last valid page stays
    phone.screenshot(path=str(tmp_path / "banner.png"), full_page=False)
    # A bad guide joins the banner; fixing both clears it.
    preview.edit("docs/huong-dan/ban-hang-postmart.md", "title:", "titel:")
    expect(banner).to_contain_text("ban-hang-postmart.md", timeout=WAIT_MS)
    preview.edit("docs/huong-dan/ban-hang-postmart.md", "titel:", "title:")
    preview.edit(members_file(), "Phó trưởng thôn,2025-13-45", "Phó trưởng thôn,2025-07-19")
    expect(phone.get_by_role("alert").filter(has_text="Bản xem trước")).to_have_count(0, timeout=WAIT_MS)


def test_nothing_of_the_preview_is_written_to_a_site(preview, built_site):
    """The reload script and the banner exist only in the preview's responses, never in files."""
    for site in (preview.site, built_site):
        pages = list(site.rglob("*.html"))
        assert len(pages) > 50
        for page in pages:
            text = page.read_text(encoding="utf-8")
            assert "__cnscd" not in text and "EventSource" not in text and "cnscd-preview" not in text, page
    assert not list(built_site.rglob("reload.js"))
