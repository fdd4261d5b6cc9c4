"""Charts and dashboards read back: the SVG parsed and its numbers compared with the figures they draw."""

from __future__ import annotations

import re

import lxml.html
import pytest
from lxml import etree

from cnscd import figures
from cnscd.checks import Context
from cnscd.derive import ReportStatus, derive
from cnscd.load import load
from cnscd.site import charts, dashboards, render
from tests.test_figures import TODAY, build_fixture

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory):
    ctx = Context(load(build_fixture(tmp_path_factory.mktemp("charts"))), TODAY)
    derived = derive(ctx)
    return derived, figures.compute(ctx, derived)


def parse(svg: str) -> etree._Element:
    root = etree.fromstring(str(svg).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1).encode())
    # Every chart names itself: role img, a title and a description that aria-labelledby points to.
    assert root.get("role") == "img"
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    assert set(root.get("aria-labelledby").split()) <= ids
    assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text
    return root


def test_target_bars_draw_the_figures(made):
    _, figs = made
    items = figs.provinces["51"].communes["21040"].indicators
    root = parse(charts.target_bars("Chỉ tiêu", items))
    bars = {g.get("data-label"): g for g in root.iter(f"{SVG}g")}
    assert {code: (float(g.get("data-value")), float(g.get("data-target"))) for code, g in bars.items()} == {
        "dvc_dossiers": (120, 100), "vneid_activations": (20, 200), "payment_accounts": (0, 25)}
    assert "cnscd-met" in bars["dvc_dossiers"].get("class") and "cnscd-short" in bars["vneid_activations"].get("class")
    widths = {code: float(g.find(f"{SVG}rect").get("width")) for code, g in bars.items()}
    assert widths["dvc_dossiers"] == pytest.approx(widths["vneid_activations"] * 12, rel=0.01)  # 120 % vs 10 %
    assert [t.text for g in bars.values() for t in g.iter(f"{SVG}text")][1::2] == ["120\u00a0%", "10\u00a0%", "0\u00a0%"]
    assert "Hồ sơ dịch vụ công trực tuyến được hỗ trợ: 120/100 hồ sơ" in root.find(f"{SVG}desc").text


def test_report_strip_draws_every_mark(made):
    _, figs = made
    province = figs.provinces["51"]
    teams = province.communes["21040"].teams
    root = parse(charts.report_strip("Báo cáo", province.strip, teams))
    rows = {g.get("data-team"): g for g in root.iter(f"{SVG}g") if g.get("data-team")}
    code = {"d": ReportStatus.ON_TIME, "t": ReportStatus.LATE, "c": ReportStatus.MISSING, "k": ReportStatus.NOT_DUE}
    for team in teams:
        uses = [use.get("href")[-1] for use in rows[team.team_id].iter(f"{SVG}use")]
        assert "".join(uses) == rows[team.team_id].get("data-marks")
        assert [code[c] for c in uses] == [mark.status for mark in team.marks]
    assert [u.get("href") for u in rows["T51-0001"].iter(f"{SVG}use")][-2:] == ["#cnscd-d", "#cnscd-t"]
    assert [u.get("href") for u in rows["T51-0002"].iter(f"{SVG}use")][-2:] == ["#cnscd-d", "#cnscd-c"]
    assert charts.strip_text(teams[1]) == "Thôn An: 1 đúng hạn, 11 chưa báo cáo"
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    assert {"cnscd-d", "cnscd-t", "cnscd-c", "cnscd-k"} <= ids


def test_trend_line_values(made):
    _, figs = made
    province = figs.provinces["51"]
    dvc = next(item for item in province.communes["21040"].indicators if item.code == "dvc_dossiers")
    root = parse(charts.trend_line(dvc, province.strip))
    line = root.find(f"{SVG}polyline")
    assert [float(v) for v in line.get("data-values").split()] == dvc.trend
    points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
    assert len(points) == 12 and points[-2][1] < points[-1][1] < points[0][1]  # 80 highest, 40 mid, 0 on the axis
    assert "Tháng 9/2026: 80" in root.find(f"{SVG}desc").text


def test_labels_are_escaped():
    hostile = '<script>alert("x")</script> & Thôn'
    root = parse(charts.share_bars(hostile, [(hostile, 1, 4)]))
    assert root.find(f"{SVG}title").text == hostile
    assert root.find(f"{SVG}g").get("data-label") == hostile
    assert not list(root.iter("script")) and not list(root.iter(f"{SVG}script"))


def test_province_dashboard_lists_who_to_chase(made):
    derived, figs = made
    province = next(p for p in derived.provinces if p.code == "51")
    html = render.render_province(derived, province, [], board=dashboards.province_board(figs, "51"))
    doc = lxml.html.fromstring(html)
    chase = doc.xpath("//ul[@class='cnscd-chase']/li")
    text = [li.text_content() for li in chase]
    assert len(text) == 3
    assert text[0].startswith("Tổ CNSCĐ Xã Bình Sơn: trễ 5 ngày — Tổ trưởng Nguyễn Văn A 0900 000 001")
    assert text[1].startswith("Thôn An: chưa báo cáo (hạn 25/10/2026) — Tổ trưởng Phạm Văn D 0900 000 004")
    assert text[2] == "Thôn Bình: chưa báo cáo (hạn 25/10/2026) — Tổ trưởng Vũ Văn G"  # no consent, no phone
    phones = doc.xpath("//ul[@class='cnscd-chase']//a[starts-with(@href, 'tel:')]")
    assert [a.get("href") for a in phones] == ["tel:+84900000001", "tel:+84900000004"]
    body = doc.text_content()
    assert f"1/{figs.provinces['51'].coverage.communes} xã, phường có tổ" in re.sub(r"\s+", " ", body)
    assert "Thôn, tổ dân phố chưa có tổ: Xã Bình Sơn (1)." in re.sub(r"\s+", " ", body)
    assert "Tổ CNSCĐ Thôn An (đang theo Quyết định số 12/QĐ-UBND ngày 20/05/2022): quá hạn" in re.sub(r"\s+", " ", body)
    assert "05/12/2026: Thanh toán bằng mã QR" in body  # the planned training
    top = [li.text_content() for li in doc.xpath("//h3[@id='tieu-bieu']/following-sibling::ol[1]/li")]
    assert top[0].endswith("Tổ CNSCĐ Xã Bình Sơn: 27\u00a0% chỉ tiêu của xã; 1/12 kỳ báo cáo đúng hạn")


def test_commune_page_puts_the_current_period_first(made):
    derived, figs = made
    province = next(p for p in derived.provinces if p.code == "51")
    commune = next(c for c in province.communes if c.code == "21040")
    pages = render.render_commune_pages(derived, province, commune, "https://example.org/x/",
                                        board=dashboards.commune_board(figs, "51", "21040"))
    doc = lxml.html.fromstring(pages[""])
    table = doc.xpath("//h2[@id='bao-cao']/following-sibling::div[contains(@class, 'cnscd-scroll')][1]//table")[0]
    rows = {row.xpath("th")[0].text_content(): row.xpath("td")[-1].text_content() for row in table.xpath(".//tbody/tr")}
    # Every row is about the period due, so it is named once, in the column's heading.
    assert table.xpath(".//thead//th")[-1].text_content() == "Báo cáo tháng 10/2026"
    assert rows["Thôn An"] == "chưa báo cáoGần nhất: Tháng 9/2026, nộp 25/09/2026"
    assert "đúng hạn" not in rows["Thôn An"]
    assert rows["Tổ CNSCĐ Xã Bình Sơn"] == "trễ hạn, nộp 30/10/2026"
    strip = doc.xpath("//svg[@data-chart='strip']")
    assert len(strip) == 1 and len(strip[0].xpath(".//g[@data-team]")) == 3
    assert len(doc.xpath("//svg[@data-chart='targets']")) == 1


@pytest.mark.parametrize("villages", [19, 30, 170])
def test_large_commune_dashboard_does_not_grow_with_villages(sample_context, derived, villages):
    """Phường Vũng Tàu grown to many villages, each team with a full 12-period record: the dashboard draws one
    row per team only up to STRIP_LIMIT teams, then costs a few kilobytes whatever the size; pages fit 60 KB."""
    import copy
    import dataclasses

    from tests.site.conftest import large_commune, province

    figs = figures.compute(sample_context, derived)
    p, big = province(derived, "79"), large_commune(derived, villages)
    big_figures = copy.deepcopy(figs.provinces["79"].communes["26506"])
    model = next(team for team in big_figures.teams if team.marks and team.leader)
    big_figures.teams = [dataclasses.replace(model, team_id=v.teams[0].team_id, label=v.name) for v in big.villages]
    province_figures = copy.copy(figs.provinces["79"])
    province_figures.communes = {**province_figures.communes, "26506": big_figures}
    board = {"f": big_figures, "pf": province_figures, "year": figs.year, "updated": TODAY, "changes": []}
    url = "https://example.org/x/"
    parts = render.split_villages(big, 4) if villages > 60 else None
    with_board = render.html_block(render.render_commune(derived, p, big, url, parts, board))
    without = render.html_block(render.render_commune(derived, p, big, url, parts))
    drawn = villages <= dashboards.STRIP_LIMIT
    added = len(with_board.encode()) - len(without.encode())
    assert added <= (1100 * villages if drawn else 5 * 1024), added
    strips = lxml.html.fromstring(with_board).xpath("//svg[@data-chart='strip']")
    assert len(strips) == (1 if drawn else 0)
    if villages <= 30:
        pages = render.render_commune_pages(derived, p, big, url, board=board)
        sizes = {path: len(render.html_block(html).encode()) for path, html in pages.items()}
        assert max(sizes.values()) <= render.PAGE_BUDGET - render.THEME_ALLOWANCE, sizes


def test_small_shares_keep_a_decimal():
    assert charts.share_text(15 / 3321) == "0,5\u00a0%"
    assert charts.share_text(3 / 56) == "5,4\u00a0%"
    assert charts.share_text(0.5) == "50\u00a0%" and charts.share_text(0) == "0\u00a0%" and charts.share_text(None) == "—"
    root = parse(charts.share_bars("Độ phủ", [("Xã có tổ", 15, 3321)]))
    assert [t.text for t in root.iter(f"{SVG}text")][-1] == "0,5\u00a0%"
