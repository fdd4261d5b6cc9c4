"""Downloads sized for static hosting: zips that hold the same rows as the data, byte-identical across builds,
listed with their sizes; and the size check that flags any file over 5 MB."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

from cnscd.load import load
from cnscd.site import archives, downloads, render, sitesize
from tests.conftest import SAMPLE, TODAY, run_cli
from tests.site.conftest import province


def _csv_rows(data: bytes) -> list[dict]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def _expected(rows: list[dict]) -> list[dict]:
    """What a CSV reader gives back for these rows: text formula-safe, numbers as text."""
    return list(csv.DictReader(io.StringIO(downloads.to_csv(rows)[1:], newline="")))


def test_national_zips_hold_every_team_as_csv_and_json(built_site, derived):
    rows = list(downloads.national_rows(derived))
    with zipfile.ZipFile(built_site / "du-lieu" / downloads.NATIONAL_CSV) as archive:
        assert archive.namelist() == ["to-cnscd-ca-nuoc.csv"]
        data = archive.read("to-cnscd-ca-nuoc.csv")
    assert data.count(b"\r\n") == 1 + len(rows) == 106  # CRLF rows, one per team
    assert _csv_rows(data) == _expected(rows)
    with zipfile.ZipFile(built_site / "du-lieu" / downloads.NATIONAL_JSON) as archive:
        assert archive.namelist() == ["to-cnscd-ca-nuoc.json"]
        payload = json.loads(archive.read("to-cnscd-ca-nuoc.json"))
    assert payload["columns"] == downloads.COLUMNS
    assert payload["teams"] == rows  # values as they are: JSON is read by programs, not by Excel


def test_province_zip_holds_its_csv(built_site, derived):
    rows = list(downloads.province_rows(province(derived, "79")))
    with zipfile.ZipFile(built_site / "79-ho-chi-minh" / "to-cnscd-79.zip") as archive:
        assert archive.namelist() == ["to-cnscd-79.csv"]  # the same rows as JSON: in the national zip only
        assert _csv_rows(archive.read("to-cnscd-79.csv")) == _expected(rows)
    # JSON lives in the national zip only; no CSV is left unzipped: mkdocs.yml offers no commune CSV (its rows are
    # here; a site that offers it: tests/site/test_communefiles.py).
    assert not list(built_site.rglob("to-cnscd-*.json"))
    assert not list(built_site.rglob("*.csv"))


def test_downloads_are_formula_safe_inside_the_zip(tmp_path):
    row = dict.fromkeys(downloads.COLUMNS, "")
    row.update(team_name="=HYPERLINK(\"http://x\")", leader_name="\t=cmd|' /C calc'!A0", member_count=5)
    downloads.write_province_zip(tmp_path, "to-cnscd-99", [row])
    with zipfile.ZipFile(tmp_path / "to-cnscd-99.zip") as archive:
        (parsed,) = _csv_rows(archive.read("to-cnscd-99.csv"))
    raw = json.loads(downloads.to_json([row], {}))["teams"][0]
    assert parsed["team_name"] == "'=HYPERLINK(\"http://x\")" and parsed["leader_name"] == "'\t=cmd|' /C calc'!A0"
    assert raw["team_name"] == "=HYPERLINK(\"http://x\")"  # JSON keeps the value; only spreadsheets run formulas


def test_province_package_zip_holds_the_published_files(built_site, tmp_path):
    downloads.publish_package(load(SAMPLE), tmp_path / "whole")
    with zipfile.ZipFile(built_site / "du-lieu" / "goi-du-lieu" / "79-ho-chi-minh.zip") as archive:
        names = archive.namelist()
        descriptor = json.loads(archive.read("datapackage.json"))
        for name in names:
            if name != "datapackage.json":  # the same bytes as the whole published package's file
                assert archive.read(name) == (tmp_path / "whole" / name).read_bytes(), name
    assert "provinces/79-ho-chi-minh/members.csv" in names and "units/communes.csv" in names
    assert not [n for n in names if n.startswith("provinces/") and not n.startswith("provinces/79-ho-chi-minh/")]
    listed = {p for r in descriptor["resources"] for p in (r["path"] if isinstance(r["path"], list) else [r["path"]])}
    assert listed == set(names) - {"datapackage.json"}
    # A province without data still has its package (reference tables only), so its page's link holds.
    with zipfile.ZipFile(built_site / "du-lieu" / "goi-du-lieu" / "01-ha-noi.zip") as archive:
        assert not [n for n in archive.namelist() if n.startswith("provinces/")]


def test_two_builds_give_byte_identical_downloads_and_print_the_site_size(built_site, tmp_path):
    # built_site was built earlier by another process: same data, same bytes (fixed times, sorted entries).
    result = run_cli("build", "--data", str(SAMPLE), "--site-dir", str(tmp_path / "site"), "--today", TODAY.isoformat(),
                     check=True)
    second = tmp_path / "site"
    # The province lists and packages (34 each) and the national CSV and JSON zips.
    names = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*") if p.suffix in {".zip", ".csv"})
    assert len(names) == 34 + 34 + 2 and sorted(p.relative_to(second).as_posix()
                                       for p in second.rglob("*") if p.suffix in {".zip", ".csv"}) == names
    assert [n for n in names if (built_site / n).read_bytes() != (second / n).read_bytes()] == []
    with zipfile.ZipFile(second / "du-lieu" / downloads.NATIONAL_CSV) as archive:
        assert {info.date_time for info in archive.infolist()} == {archives.EPOCH}
    # The size check runs at the end of `cnscd build`; its line is in the build's output.
    line = next(line for line in result.stdout.splitlines() if line.startswith("Dung lượng / size:"))
    size = sitesize.measure(second)
    assert f"{size.files} tệp / files" in line and "0 tệp quá / files over 5 MB" in line


def test_zip_bytes_depend_only_on_content():
    first = archives.zip_bytes({"b.csv": "x\r\n", "a.json": "{}"})
    assert first == archives.zip_bytes({"a.json": "{}", "b.csv": "x\r\n"})
    assert zipfile.ZipFile(io.BytesIO(first)).namelist() == ["a.json", "b.csv"]
    assert first != archives.zip_bytes({"a.json": "{}", "b.csv": "y\r\n"})


def test_open_data_page_lists_every_download_with_its_size(built_site):
    html = (built_site / "du-lieu-mo" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="\.\./(du-lieu/[^"]+\.zip)" download>([^<]+)</a> <small>\(tệp nén ZIP, ([^)]+)\)</small>', html)
    assert len(links) == 2 + 34  # the national list as CSV and JSON, one package per province
    for href, _label, size in links:
        assert size == render.size_vi((built_site / href).stat().st_size), href
    assert ("du-lieu/goi-du-lieu/79-ho-chi-minh.zip", "Thành phố Hồ Chí Minh") in [(h, label) for h, label, _ in links]
    assert "cnscd:tai-ve" not in html


def test_size_vi():
    assert render.size_vi(3_298_203) == "3,3 MB" and render.size_vi(181_023) == "181 KB"
    assert render.size_vi(120) == "1 KB"


def test_size_check_flags_a_file_over_5_mb(tmp_path):
    site = tmp_path / "site"
    (site / "du-lieu").mkdir(parents=True)
    (site / "index.html").write_text("<p>x</p>", encoding="utf-8")
    (site / "du-lieu" / "big.csv").write_bytes(b"a" * (sitesize.FILE_LIMIT + 1))
    (site / "du-lieu" / "ok.csv").write_bytes(b"a" * sitesize.FILE_LIMIT)
    size = sitesize.measure(site)
    assert size.files == 3 and size.total == 2 * sitesize.FILE_LIMIT + 1 + 8
    assert size.over == [("du-lieu/big.csv", sitesize.FILE_LIMIT + 1)]
    assert size.largest == ("du-lieu/big.csv", sitesize.FILE_LIMIT + 1)
    assert size.by_kind[".csv"] == (2, 2 * sitesize.FILE_LIMIT + 1)
    (finding,) = sitesize.findings(size)
    assert (finding.file, finding.code) == ("du-lieu/big.csv", "site-file-too-large")
    assert finding.message_vi.startswith("Tệp 5,0 MB, quá 5 MB")
    assert [f.code for f in sitesize.findings(size, site_limit=1_000)] == ["site-file-too-large", "site-too-large"]


def test_built_sample_site_has_no_file_over_5_mb(built_site: Path):
    size = sitesize.measure(built_site)
    assert size.over == [] and size.largest[1] < sitesize.FILE_LIMIT
    assert size.files > 10_000  # the redirects and communes are all there


def test_national_list_written_as_it_comes_is_the_same_zip(tmp_path) -> None:
    """The national zips are streamed (never held whole in memory) and must be the bytes the one-shot writer gives."""
    rows = [{column: f"=v{number}-{column}" for column in downloads.COLUMNS} for number in range(1234)]
    streamed = archives.write_zip_stream(tmp_path / "a.zip", "a.csv", downloads.csv_chunks(iter(rows)))
    assert (tmp_path / "a.zip").read_bytes() == archives.zip_bytes({"a.csv": downloads.to_csv(rows)})
    assert streamed == (tmp_path / "a.zip").stat().st_size
    whole = json.dumps({"today": "2026-11-22", "columns": downloads.COLUMNS, "teams": rows}, ensure_ascii=False,
                       separators=(",", ":"))
    assert "".join(downloads.json_chunks(iter(rows), {"today": "2026-11-22"})) == whole
