"""Renderers against golden files (UPDATE_GOLDEN=1 rewrites them), and escaping of hostile data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest
import yaml

from cnscd.checks import Context
from cnscd.datespan import Today
from cnscd.derive import derive
from cnscd.load import load
from cnscd.site import render
from tests.conftest import SAMPLE, TODAY
from tests.site.conftest import commune, large_commune, province

GOLDEN = Path(__file__).parent / "golden"
URL = "https://example.org/"


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"{path} missing: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file; UPDATE_GOLDEN=1 to accept"


def test_commune_page_golden(derived):
    p, c = province(derived, "79"), commune(derived, "26506")
    check_golden("commune-26506.html", render.render_commune(derived, p, c, URL + render.commune_path(p, c)))


def test_province_page_golden(derived):
    check_golden("province-79.html", render.render_province(derived, province(derived, "79")))


def test_home_golden(derived):
    find, figures = render.render_home(derived, 3321)
    check_golden("home-find.html", find)
    check_golden("home-figures.html", figures)


META = render.Meta("Tiêu đề", "Mô tả", URL + "trang/", URL + "xem-truoc/1.png")


def test_redirect_golden():
    targets = [render.Target("../../79-ho-chi-minh/26506-phuong-vung-tau/", "Phường Vũng Tàu", "Thành phố Hồ Chí Minh")]
    check_golden("redirect.html", render.render_redirect("Phường Thắng Tam (Thành phố Vũng Tàu)", targets, META))


def test_split_old_commune_lists_every_new_commune_without_refresh():
    html = render.render_redirect("Xã A", [render.Target("../../x/", "Xã X", "Tỉnh P"),
                                           render.Target("../../y/", "Xã Y", "Tỉnh P")], META)
    assert "http-equiv" not in html
    assert html.count("<li>") == 2
    assert '<a href="../../x/">Xã X</a>, Tỉnh P' in html and '<a href="../../y/">Xã Y</a>, Tỉnh P' in html


def test_commune_without_data_golden():
    check_golden("commune-empty-26740.html", render.render_commune_empty(
        "26740", "Phường Sài Gòn", "Thành phố Hồ Chí Minh", ["Phường Bến Nghé (Quận 1)", "Phường Đa Kao (Quận 1)"], META))


def test_an_old_commune_address_is_a_small_page_without_script():
    # 10,051 of them at national scale: the canonical address and the refresh carry a visitor and a search engine
    # to the new commune, whose own page has the link-preview tags.
    html = render.render_redirect("Xã <b>A</b>", [render.Target("../../x/", "Xã X", "Tỉnh P")], META)
    assert '<meta http-equiv="refresh" content="0; url=../../x/">' in html
    assert f'<link rel="canonical" href="{URL}trang/">' in html
    assert '<a href="../../quyen-rieng-tu/">Quyền riêng tư</a>' in html and "<b>A</b>" not in html
    assert "<script" not in html and "og:" not in html
    assert len(html.encode()) < 1_200


def test_pages_without_the_theme_carry_preview_tags_and_the_privacy_link():
    for html in (render.render_commune_empty("1", "Xã <b>A</b>", "Tỉnh P", [], META),):
        for tag in ('<meta property="og:title" content="Tiêu đề">', '<meta property="og:description" content="Mô tả">',
                    f'<meta property="og:url" content="{URL}trang/">', f'<meta property="og:image" content="{URL}xem-truoc/1.png">',
                    '<meta name="twitter:card" content="summary_large_image">', f'<link rel="canonical" href="{URL}trang/">',
                    '<a href="../../quyen-rieng-tu/">Quyền riêng tư</a>'):
            assert tag in html
        assert "<b>A</b>" not in html
        assert len(html.encode()) < 3_000  # small: thousands of them


def test_commune_without_data_says_how_to_register_teams():
    html = render.render_commune_empty("26740", "Phường Sài Gòn", "Thành phố Hồ Chí Minh", [], META)
    assert '<a class="cnscd-button" href="../../bieu-mau/to/?xa=26740">Gửi danh sách tổ của Phường Sài Gòn</a>' in html


def test_a_planned_training_is_upcoming_through_its_day_and_a_watched_build_day_knows_it(derived):
    """Ho Chi Minh City's sample plans a training in Phường Vũng Tàu on 25/11: upcoming on the 22nd (the pages'
    day, watched) up to the 25th itself, no longer on the 26th; the page's span ends there."""
    c = commune(derived, "26506")
    p = province(derived, c.province_code)

    def upcoming(day: dt.date) -> bool:
        page = render.render_commune_pages(dataclasses.replace(derived, today=day), p, c, URL,
                                           board={"updated": dt.date(2026, 11, 1)})[""]  # the poster's data date
        return "Lớp tập huấn sắp tới" in page

    watched = Today(TODAY)
    assert upcoming(watched) and upcoming(dt.date(2026, 11, 25)) and not upcoming(dt.date(2026, 11, 26))
    assert watched.span.end == dt.date(2026, 11, 26)


def test_no_repeated_words_in_trainings(derived):
    html = "".join(render.render_province(derived, p) for p in derived.provinces)
    assert "VNeID (VNeID)" not in html and "Trực tuyến, Trực tuyến" not in html


def test_percentages_do_not_wrap(derived):
    html = render.render_province(derived, province(derived, "79"))
    assert "\u00a0%" in html and " %" not in html


def test_commune_page_shows_consented_phones_as_tel_links(derived):
    p, c = province(derived, "79"), commune(derived, "26506")
    html = render.render_commune(derived, p, c, URL)
    assert '<a href="tel:+84900000166">0900 000 166</a>' in html
    assert "gồm các xã cũ: Phường 1 (Thành phố Vũng Tàu), Phường Thắng Tam (Thành phố Vũng Tàu)" in html
    assert "<td>232/QĐ-UBND, 19/07/2025</td>" in html


def test_data_is_escaped_not_interpreted():
    dataset = load(SAMPLE)
    team = next(t for t in dataset.rows("teams") if t["team_id"] == "T79-0002")
    team.data["name"] = '<script>alert("x")</script> **bold** [link](javascript:alert(1))'
    team.data["zalo_url"] = 'https://zalo.me/g/x" onclick="alert(1)'
    village_team = next(t for t in dataset.rows("teams") if t["team_id"] == "T79-0003")
    village_team.data["name"] = "<b>Tổ</b> & <i>bạn</i>"
    village_team.data["zalo_url"] = 'https://zalo.me/g/y"><script>alert(2)</script>'
    derived = derive(Context(dataset, TODAY))
    p, c = province(derived, "79"), commune(derived, "26506")
    one = render.render_commune_pages(derived, p, c, URL)
    split = render.render_commune_pages(derived, p, c, URL, budget=5000)
    assert list(one) == [""] and len(split) == 3
    for path, html in [*one.items(), *split.items()]:
        page = render.page({"title": c.name}, html)
        assert "<script>" not in page and "<b>Tổ" not in page, path
    page = render.page({"title": c.name}, one[""])
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert 'href="https://zalo.me/g/x&#34; onclick=&#34;alert(1)"' in page
    assert "<p><b>&lt;b&gt;Tổ&lt;/b&gt; &amp; &lt;i&gt;bạn&lt;/i&gt;</b></p>" in page  # a name unlike its village's is shown
    assert 'href="https://zalo.me/g/y&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"' in split[""]
    assert "<th scope=\"row\">Tổ dân phố 1 — &lt;b&gt;Tổ&lt;/b&gt; &amp; &lt;i&gt;bạn&lt;/i&gt;</th>" in split["chi-tiet-1/"]


def test_page_is_front_matter_and_one_html_block(derived):
    p, c = province(derived, "79"), commune(derived, "26506")
    text = render.page({"title": "Tổ CNSCĐ: Phường Vũng Tàu", "search": {"exclude": True}},
                       render.render_commune(derived, p, c, URL))
    _, head, body = text.split("---\n", 2)
    assert yaml.safe_load(head) == {"title": "Tổ CNSCĐ: Phường Vũng Tàu", "search": {"exclude": True}}
    # Markdown ends a raw HTML block at a blank line; there must be none inside the block.
    assert "\n\n" not in body.strip()
    assert body.strip().startswith("<div") and body.strip().endswith("</div>")


def test_front_matter_cannot_carry_markup():
    text = render.page({"title": 'A <b>"x"</b> & y', "hide": ["toc"]}, "<div></div>")
    assert yaml.safe_load(text.split("---\n")[1]) == {"title": "A bx/b  y", "hide": ["toc"]}


@pytest.mark.parametrize(("value", "expected"), [(3321, "3.321"), (105, "105"), (500000, "500.000")])
def test_number_vi(value, expected):
    assert render.number_vi(value) == expected


def test_paths_keep_codes_and_d_for_đ(derived):
    p = province(derived, "48")
    assert render.province_path(p) == "48-da-nang/"
    c = commune(derived, "26506")
    assert render.commune_path(province(derived, "79"), c) == "79-ho-chi-minh/26506-phuong-vung-tau/"
    assert render.redirect_path("26508") == "xa-cu/26508/"


def test_a_large_commune_keeps_every_contact_on_its_first_page(derived):
    """Above the budget the first page keeps one line per village (phone, Zalo) and the old anchors."""
    p = province(derived, "79")
    big = large_commune(derived, 150)
    pages = render.render_commune_pages(derived, p, big, URL + render.commune_path(p, big))
    assert list(pages) == ["", "chi-tiet-1/", "chi-tiet-2/", "chi-tiet-3/"]
    first = pages[""]
    for number, village in enumerate(big.villages):
        team = village.teams[0]
        part = f"chi-tiet-{number // 50 + 1}/"
        assert f'<li id="{village.village_id.lower()}-ten"><a id="{team.team_id.lower()}" href="{part}#{team.team_id.lower()}">' in first
        assert f'href="{team.zalo_url}"' in first
        assert f'id="{village.village_id.lower()}-ten"' in pages[part] and f'<ul id="{team.team_id.lower()}">' in pages[part]
        assert f"<th scope=\"row\">{village.name}</th>" in pages[part]
    assert first.count('href="tel:+84900000171"') == 150
    assert "Bí thư chi bộ" not in first and "Bí thư chi bộ" in pages["chi-tiet-3/"]


def test_a_commune_that_fits_stays_one_page(derived):
    p = province(derived, "79")
    assert list(render.render_commune_pages(derived, p, large_commune(derived, 50), URL)) == [""]


def test_split_commune_golden(derived):
    """The sample commune forced over a tiny budget: the first page with one line per village, and its parts."""
    p, c = province(derived, "79"), commune(derived, "26506")
    pages = render.render_commune_pages(derived, p, c, URL + render.commune_path(p, c), budget=5000)
    assert list(pages) == ["", "chi-tiet-1/", "chi-tiet-2/"]
    check_golden("commune-26506-split.html", pages[""])
    check_golden("commune-26506-chi-tiet-1.html", pages["chi-tiet-1/"])


def test_an_old_commune_the_mapping_does_not_know_says_so():
    html = render.render_redirect("Xã Mỹ Hưng (Huyện Quảng Hòa)", [], META)
    assert "http-equiv" not in html and "cnscd-targets" not in html
    assert "chưa ghi Xã Mỹ Hưng (Huyện Quảng Hòa) nay thuộc xã, phường nào" in html
    assert '<a class="cnscd-button" href="../../">Tìm xã, phường mới ở trang chủ</a>' in html


def test_reports_table_says_a_shared_decision_and_the_due_period_once() -> None:
    """What every row would repeat (one decision for all teams, the period due) is said once: ~1.5 KB a national page."""
    from types import SimpleNamespace

    def team(members: int, number: str = "167/QĐ-UBND") -> SimpleNamespace:
        return SimpleNamespace(decision_number=number, decision_signed_on="2025-08-23", member_count=members,
                               latest_report=None, status_this_period="missing")

    table = render.ENV.get_template("_macros.html").module.reports_table
    html = str(table([("Thôn A", team(5)), ("Thôn B", team(6))], "2026-10"))
    assert "<p>Quyết định thành lập cả 2 tổ: 167/QĐ-UBND, 23/08/2025.</p>" in html
    assert "Quyết định thành lập</th>" not in html and html.count("167/QĐ-UBND") == 1
    assert '<th scope="col">Báo cáo tháng 10/2026</th>' in html and "Tháng 10/2026:" not in html
    mixed = str(table([("Thôn A", team(5)), ("Thôn B", team(6, "9/QĐ-UBND"))], "2026-10"))
    assert '<th scope="col">Quyết định thành lập</th>' in mixed and "<td>9/QĐ-UBND, 23/08/2025</td>" in mixed
