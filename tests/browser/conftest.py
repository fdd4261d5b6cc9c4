"""The phone every browser test starts from: 360×640 in Debian Chromium, and no request may leave the site."""

from __future__ import annotations

import pytest

PHONE = {"width": 360, "height": 640}


@pytest.fixture
def page(browser, site_server):
    context = browser.new_context(viewport=PHONE)
    outside: list[str] = []
    context.on("request", lambda request: None if request.url.startswith((site_server, "data:"))
               else outside.append(request.url))
    page = context.new_page()
    yield page
    context.close()
    assert outside == [], f"requests left the site: {outside}"
