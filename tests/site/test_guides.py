"""Trainers' guides: located front-matter errors, sanitised Markdown, anchors that keep đ as d."""

from __future__ import annotations

from pathlib import Path

import pytest

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
