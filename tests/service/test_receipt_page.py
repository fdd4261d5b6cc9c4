"""The receipt page a person opens from the status address, in real Chromium on a 360×640 phone."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.service.harness import active_teams, report_fields

pytestmark = pytest.mark.browser
SHOTS = Path(tempfile.gettempdir()) / "cnscd-receipt-shots"  # looked at by people, not committed


def serious(page) -> list:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def test_receipt_page_reads_well_on_a_phone(browser, serve) -> None:
    service = serve()
    receipt = service.submit("report", report_fields(active_teams(1)[0]["team_id"])).json["receipt"]
    service.wait_for(receipt, "committed")
    context = browser.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    try:
        SHOTS.mkdir(exist_ok=True)
        for name, address in (("receipt", receipt), ("unknown", "khongcobiennhan")):
            page.goto(f"{service.url}/api/submissions/{address}")
            assert page.evaluate("document.documentElement.lang") == "vi"
            assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
            assert serious(page) == [], name
            page.screenshot(path=str(SHOTS / f"{name}.png"))
        page.goto(f"{service.url}/api/submissions/{receipt}")
        assert page.inner_text("h1") == "Biên nhận biểu mẫu"
        assert "Đã ghi vào nhánh chờ duyệt" in page.inner_text(".state")
    finally:
        context.close()
