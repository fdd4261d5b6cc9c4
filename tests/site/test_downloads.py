"""Downloads: formula-safe CSV, JSON, only consented phones, a published package frictionless accepts."""

from __future__ import annotations

import csv
import io
import json

from cnscd.load import load
from cnscd.site import downloads
from tests.datautil import edit
from tests.site.conftest import commune, province


def test_csv_cells_that_look_like_formulas_are_prefixed():
    row = dict.fromkeys(downloads.COLUMNS, "")
    row.update(team_name="=HYPERLINK(\"http://x\")", deputies="+84 900", leader_position="@SUM(A1)",
               zalo_url="-1", member_count=5, leader_name="\t=cmd|' /C calc'!A0", village_name="\r=1+1")
    text = downloads.to_csv([row])
    assert text.startswith("\ufeff")
    (parsed,) = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    assert parsed["team_name"] == "'=HYPERLINK(\"http://x\")"
    assert parsed["deputies"] == "'+84 900"
    assert parsed["leader_position"] == "'@SUM(A1)"
    assert parsed["zalo_url"] == "'-1"
    assert parsed["member_count"] == "5"
    assert parsed["leader_name"] == "'\t=cmd|' /C calc'!A0" and parsed["village_name"] == "'\r=1+1"


def test_published_package_never_starts_a_cell_with_tab_cr_or_a_formula(data_copy, tmp_path):
    # Validation refuses these; the publisher still writes the cleaned, neutralised cell.
    edit(data_copy, "provinces/79-ho-chi-minh/teams.csv", "team_id", "T79-0003", notes="\t=cmd|' /C calc'!A0")
    downloads.publish_package(load(data_copy), tmp_path / "out")
    with open(tmp_path / "out" / "provinces/79-ho-chi-minh/teams.csv", encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells
    assert not [cell for cell in cells if cell[:1] in ("\t", "\r", "=", "+", "@")]


def test_commune_rows_and_json(derived):
    p, c = province(derived, "79"), commune(derived, "26506")
    rows = list(downloads.commune_rows(p, c))
    assert [r["team_id"] for r in rows] == ["T79-0002", "T79-0003", "T79-0004", "T79-0005", "T79-0006",
                                            "T79-0007", "T79-0008"]
    first = rows[0]
    assert (first["leader_name"], first["leader_phone"], first["decision_number"]) == (
        "Dương Kim Bình", "0900000166", "232/QĐ-UBND")
    assert rows[1]["village_name"] == "Tổ dân phố 1"
    assert rows[1]["leader_phone"] == ""  # this leader did not consent
    data = json.loads(downloads.to_json(rows, {"commune": c.name}))
    assert data["commune"] == "Phường Vũng Tàu" and len(data["teams"]) == 7


def test_published_members_keep_only_consented_phones(data_copy, tmp_path):
    # Validation refuses such a row; the publisher still never copies the number.
    edit(data_copy, "provinces/79-ho-chi-minh/members.csv", "member_id", "M79-000003", phone="0900000999")
    descriptor = downloads.publish_package(load(data_copy), tmp_path / "out")
    text = (tmp_path / "out" / "provinces/79-ho-chi-minh/members.csv").read_text(encoding="utf-8")
    assert "0900000999" not in text
    assert "0900000164" in text  # a consented number stays
    assert json.loads(descriptor.read_text(encoding="utf-8"))["resources"][0]["name"] == "provinces"


def test_published_package_is_valid_frictionless(built_site):
    # Each province's zip is a whole package: frictionless opens the zip itself.
    from frictionless import Package, system

    # 8 reference tables (units, indicators, policies); Hồ Chí Minh City adds its own 8, Hà Nội has none in the sample.
    for name, tables in (("79-ho-chi-minh.zip", 16), ("01-ha-noi.zip", 8)):
        with system.use_context(trusted=True):
            report = Package(str(built_site / "du-lieu" / "goi-du-lieu" / name)).validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
        assert len(report.tasks) == tables, name
