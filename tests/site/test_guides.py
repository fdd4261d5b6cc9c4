"""Trainers' guides: located front-matter errors, sanitised Markdown, anchors that keep đ as d."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnscd.site import guides
from tests.conftest import ROOT

VALID = """---
title: Cài VNeID
platform: VNeID
pillar: government
audience: Người dân
author: Nguyễn Văn A
reviewed_on: 2026-09-15
---
"""


def write_guide(tmp_path: Path, text: str, name: str = "thu.md") -> Path:
    folder = tmp_path / "docs" / "huong-dan"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return tmp_path / "docs"


def test_sample_guides_are_valid():
    loaded = guides.load_guides(ROOT / "docs")
    assert len(loaded) >= 3
    assert [f for g in loaded for f in g.findings] == []


@pytest.mark.parametrize(("change", "field", "code", "vi"), [
    (("author: Nguyễn Văn A\n", ""), "author", "guide-field-missing", "Thiếu trường bắt buộc “author”"),
    (("pillar: government", "pillar: banking"), "pillar", "guide-pillar",
     "Trụ cột “banking” không hợp lệ; chọn một trong: government, economy, society"),
    (("reviewed_on: 2026-09-15", "reviewed_on: 15/09/2026"), "reviewed_on", "guide-date",
     "Ngày rà soát “15/09/2026” phải có dạng YYYY-MM-DD"),
    (("title: Cài VNeID", "title: [a, b]"), "title", "guide-field-type", "Trường “title” phải là chữ"),
    (("title: Cài VNeID", "title: Cài <img src=x onerror=alert(1)>"), "title", "guide-field-html",
     "Trường “title” không được chứa mã HTML hay dấu \""),
])
def test_front_matter_errors_name_file_and_field(tmp_path, change, field, code, vi):
    docs = write_guide(tmp_path, VALID.replace(*change) + "\nNội dung\n")
    (guide,) = guides.load_guides(docs)
    (finding,) = guide.findings
    assert (finding.file, finding.field, finding.code, finding.message_vi) == ("docs/huong-dan/thu.md", field, code, vi)
    assert finding.message_en


def test_missing_front_matter(tmp_path):
    docs = write_guide(tmp_path, "# Không có khai báo\n")
    (guide,) = guides.load_guides(docs)
    assert [f.code for f in guide.findings] == ["guide-front-matter"]


def test_trainer_markdown_cannot_inject_script(tmp_path):
    body = ('## Bước 1\n\n<script>alert("x")</script>\n\n<img src="x" onerror="alert(1)">\n\n'
            '[bấm vào đây](javascript:alert(1))\n\n<a href="https://vneid.gov.vn" onclick="alert(1)">VNeID</a>\n')
    docs = write_guide(tmp_path, VALID + body)
    (guide,) = guides.load_guides(docs)
    html = guide.body_html
    assert "<script" not in html and "onerror" not in html and "onclick" not in html and "javascript:" not in html
    assert '<a href="https://vneid.gov.vn" rel="noopener noreferrer nofollow">VNeID</a>' in html


@pytest.mark.parametrize(("heading", "anchor"), [
    ("Đội Đà Nẵng", "doi-da-nang"),
    ("Hướng dẫn cài đặt", "huong-dan-cai-dat"),
    ("Bước 2: Đăng nhập", "buoc-2-dang-nhap"),
])
def test_heading_anchors_keep_d(heading, anchor):
    assert f'<h2 id="{anchor}">' in guides.render_markdown(f"## {heading}\n")


def test_folded_words_let_search_find_guides_without_diacritics(tmp_path):
    docs = write_guide(tmp_path, VALID + "\nHướng dẫn người dân đăng nhập.\n")
    (guide,) = guides.load_guides(docs)
    words = guides.folded_words(guide).split()
    assert {"huong", "dan", "dang", "nhap", "vneid"} <= set(words)


BOMB = """---
a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
title: *g
---
"""


def test_yaml_anchors_and_aliases_are_refused_before_any_expansion(tmp_path, monkeypatch):
    constructed = []
    original = guides._FrontMatterLoader.construct_document
    monkeypatch.setattr(guides._FrontMatterLoader, "construct_document",
                        lambda self, node: constructed.append(node) or original(self, node))
    docs = write_guide(tmp_path, BOMB + "\nNội dung\n")
    (guide,) = guides.load_guides(docs)
    assert [f.code for f in guide.findings] == ["guide-front-matter"]
    assert "anchors and aliases" in guide.findings[0].message_en
    assert constructed == []  # refused while composing: nothing was built


@pytest.mark.parametrize(("change", "field", "code"), [
    (("reviewed_on: 2026-09-15", "reviewed_on: 2026-02-30"), "reviewed_on", "guide-date"),
    (("reviewed_on: 2026-09-15", "reviewed_on: [2026-09-15]"), "reviewed_on", "guide-date"),
    (("pillar: government", "pillar: [government, economy]"), "pillar", "guide-field-type"),
    (("author: Nguyễn Văn A", "author: {name: Nguyễn Văn A}"), "author", "guide-field-type"),
    (("audience: Người dân", "audience: 12"), "audience", "guide-field-type"),
    (("author: Nguyễn Văn A", "author: Nguyễn Văn A 0914.555.666"), "author", "contact-in-text"),
    (("audience: Người dân", "audience: Người dân, hỏi a.nguyen@example.com"), "audience", "contact-in-text"),
])
def test_front_matter_of_the_wrong_type_is_a_located_error(tmp_path, change, field, code):
    docs = write_guide(tmp_path, VALID.replace(*change) + "\nNội dung\n")
    (guide,) = guides.load_guides(docs)
    assert [(f.field, f.code) for f in guide.findings] == [(field, code)]
    assert guide.findings[0].file == "docs/huong-dan/thu.md" and guide.findings[0].message_vi


def test_a_hotline_in_the_body_is_allowed(tmp_path):
    docs = write_guide(tmp_path, VALID + "\nGọi tổng đài 1900 0368 hoặc 1800 1091 khi cần.\n")
    (guide,) = guides.load_guides(docs)
    assert guide.findings == [] and "1900 0368" in guide.body_html


@pytest.mark.parametrize("front", ["title: " + "[" * 3000 + "]" * 3000, "title: " + "x" * 20_000])
def test_deep_or_oversized_front_matter_is_refused(tmp_path, front):
    text = VALID.replace("title: Cài VNeID", front)
    docs = write_guide(tmp_path, text)
    (guide,) = guides.load_guides(docs)
    assert [f.code for f in guide.findings] == ["guide-front-matter"]


def test_a_persons_mobile_in_the_body_is_refused_an_office_landline_is_not(tmp_path):
    docs = write_guide(tmp_path, VALID + "\nHỏi Bộ phận một cửa 0206 3852 123.\n")
    (guide,) = guides.load_guides(docs)
    assert guide.findings == []
    docs = write_guide(tmp_path, VALID + "\nHỏi anh Tú 0914 555 666 hoặc tu@example.com.\n")
    (guide,) = guides.load_guides(docs)
    assert [(f.field, f.code) for f in guide.findings] == [("body", "contact-in-text"), ("body", "contact-in-text")]
    assert guide.body_html == ""


front_lines = st.one_of(st.text(max_size=30), st.sampled_from([
    "title: Cài VNeID", "title: [a, b]", "title: &x abc", "author: *x", "reviewed_on: 2026-02-30",
    "reviewed_on: 2026-09-15", "pillar: government", "pillar: {a: 1}", "? [a]\n: b", "audience: 0914 555 666",
    "platform: !!python/object:os.system x", "- a", "{", "'", "author: 'Nguyễn Văn A'", "title: |\n  dòng",
]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(front_lines, max_size=10))
def test_any_front_matter_is_read_or_refused_never_a_crash(lines):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        docs = write_guide(Path(tmp), "---\n" + "\n".join(lines) + "\n---\n\nNội dung\n")
        (guide,) = guides.load_guides(docs)
    assert guide.findings or guide.body_html
    assert all(f.file == "docs/huong-dan/thu.md" and f.message_vi and f.message_en for f in guide.findings)
