"""Old-commune addresses (/xa-cu/<code>/) lead on with JavaScript switched off: a meta refresh for a commune that
went whole into one new commune, a list of links for a split one. 10,051 of these pages exist at national scale."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def no_script(browser, site_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_old_address_leads_to_the_new_commune_without_javascript(no_script, site_server):
    no_script.goto(site_server + "/xa-cu/26740/")  # Phường Bến Nghé (Quận 1), whole into Phường Sài Gòn
    no_script.wait_for_url(re.compile(r"/79-ho-chi-minh/26740-phuong-sai-gon/$"))
    assert no_script.get_by_role("heading", level=1).inner_text().endswith("Phường Sài Gòn")


def test_split_old_address_lists_its_communes_without_javascript(no_script, site_server):
    no_script.goto(site_server + "/xa-cu/00019/")  # split between four new Hà Nội wards
    links = no_script.locator(".cnscd-targets a")
    assert links.count() == 4
    links.first.click()
    no_script.wait_for_url(re.compile(r"/01-ha-noi/\d{5}-[a-z-]+/$"))
