"""mkdocs.yml `extra.commune_files`: what each commune page offers beside itself, and bad values refused by place."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from cnscd.documents.site import write_commune_documents
from cnscd.site import build, communefiles, downloads, pages, render
from tests.conftest import ROOT, SAMPLE, TODAY, run_cli
from tests.site.conftest import commune, province


def test_the_setting_names_the_kinds_and_defaults_to_all() -> None:
    assert communefiles.from_config({}) == (communefiles.ALL, [])
    assert communefiles.from_config({"extra": {"repository": "https://x"}}) == (communefiles.ALL, [])
    assert communefiles.from_config({"extra": {"commune_files": ["teams_csv"]}}) == (frozenset({"teams_csv"}), [])
    assert communefiles.from_config({"extra": {"commune_files": []}}) == (frozenset(), [])
    kinds, findings = communefiles.from_config({"extra": {"commune_files": ["report_docx", "report_pdf"]}})
    assert kinds == {"report_docx"}
    assert [finding.text() for finding in findings] == [
        "mkdocs.yml [extra.commune_files]: LỖI/ERROR unknown-commune-file: «report_pdf» không phải loại tệp của trang "
        "xã; dùng: decision_docx, report_docx, report_xlsx, teams_csv — 'report_pdf' is not a commune file kind; use: "
        "decision_docx, report_docx, report_xlsx, teams_csv"]
    _, findings = communefiles.from_config({"extra": {"commune_files": "report_docx"}})
    assert [finding.code for finding in findings] == ["commune-files-not-list"]
    kinds, findings = communefiles.from_config({"extra": {"commune_files": [{"report_docx": True}, "teams_csv"]}})
    assert kinds == {"teams_csv"} and [finding.code for finding in findings] == ["unknown-commune-file"]


def _written(sample_context, derived, tmp_path: Path, files: frozenset[str]) -> tuple[Path, str]:
    p, c = province(derived, "79"), commune(derived, "26506")
    documents = write_commune_documents(sample_context, derived, tmp_path / "docs", tmp_path / "cache",
                                        kinds=files).links
    pages.write_commune_page(tmp_path / "docs", derived, p, c, "https://example.org/" + render.commune_path(p, c),
                             documents=documents, files=files)
    folder = tmp_path / "docs" / render.commune_path(p, c)
    return folder, (folder / "index.md").read_text(encoding="utf-8")


def test_a_site_offering_all_four_writes_and_links_each(sample_context, derived, tmp_path: Path) -> None:
    """A province's own site lists every kind: the page links the CSV and the Excel report, and both are there."""
    folder, page = _written(sample_context, derived, tmp_path, communefiles.ALL)
    links = re.findall(r'<a href="([^"]+)" download>', page)
    assert links == ["to-cnscd-26506.csv", "van-ban/du-thao-quyet-dinh-26506.docx",
                     "van-ban/bao-cao-26506-2026-11.docx", "van-ban/bao-cao-26506-2026-11.xlsx"]
    assert all((folder / link).is_file() for link in links)
    rows = list(downloads.commune_rows(province(derived, "79"), commune(derived, "26506")))
    assert (folder / "to-cnscd-26506.csv").read_bytes() == downloads.to_csv(rows).encode("utf-8")
    assert "(Excel)" in page and "../to-cnscd-79.zip" not in page


def test_a_site_offering_only_the_report_writes_nothing_else(sample_context, derived, tmp_path: Path) -> None:
    folder, page = _written(sample_context, derived, tmp_path, frozenset({communefiles.REPORT_DOCX}))
    assert re.findall(r'<a href="([^"]+)" download>', page) == ["../to-cnscd-79.zip", "van-ban/bao-cao-26506-2026-11.docx"]
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "index.md", "qr.svg", "van-ban/bao-cao-26506-2026-11.docx", "zalo.svg"]
    assert not list((tmp_path / "cache").rglob("*.xlsx")) and not list((tmp_path / "cache").rglob("decision-*"))
    _, page = _written(sample_context, derived, tmp_path / "none", frozenset())
    assert "Văn bản của xã" not in page  # no heading over an empty list


def test_build_refuses_a_kind_it_does_not_know(tmp_path: Path) -> None:
    assert build.read_config(ROOT / "mkdocs.yml")["extra"]["commune_files"] == ["decision_docx", "report_docx"]  # the national choice
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "commune_files: [decision_docx, report_docx]", "commune_files: [decision_docx, report_pdf]")
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    result = run_cli("build", "--data", str(SAMPLE), "--site-dir", str(tmp_path / "site"),
                     "--today", TODAY.isoformat(), "--config", str(tmp_path / "mkdocs.yml"))
    assert result.returncode == 1
    assert "mkdocs.yml [extra.commune_files]: LỖI/ERROR unknown-commune-file: «report_pdf»" in result.stdout
    assert not (tmp_path / "site").exists()
