"""`cnscd split` then `cnscd federate`: real files, real HTTP on 127.0.0.1, the real validator and site build."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from cnscd import package
from cnscd.federate.layout import reference_files
from tests.conftest import SAMPLE, TODAY
from tests.datautil import append, edit
from tests.federate.conftest import package_files, reseal

DAY = TODAY.isoformat()
ALL = ("04-cao-bang", "19-thai-nguyen", "51-quang-ngai", "75-dong-nai", "79-ho-chi-minh")


def main(args: list[str]) -> int:
    """The real command in its own process (its output goes to this test's captured stdout and stderr)."""
    result = subprocess.run([sys.executable, "-m", "cnscd", *args], capture_output=True, text=True)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.returncode


def expected_without(*left_out: str) -> tuple[dict[str, bytes], dict]:
    """The sample package as it would be without some province folders (its descriptor regenerated)."""
    original = package_files(SAMPLE)
    kept = {path: data for path, data in original.items()
            if not any(path.startswith(f"provinces/{folder}/") for folder in left_out)}
    listing = {path for path in kept if path.startswith("provinces/")}
    descriptor = package.build_descriptor(SAMPLE)
    for resource in descriptor["resources"]:
        if isinstance(resource["path"], list):
            resource["path"] = [path for path in resource["path"] if path in listing]
    descriptor["resources"] = [r for r in descriptor["resources"] if r["path"]]
    return kept, descriptor


def test_split_then_federate_gives_back_the_same_package(provinces: Path, tmp_path: Path, serve, capsys) -> None:
    assert sorted(p.name for p in provinces.iterdir()) == list(ALL)
    one = provinces / "79-ho-chi-minh"
    # A province package is a whole package on its own: it validates with the ordinary command.
    assert main(["validate", "--data", str(one), "--today", DAY]) == 0
    listed = json.loads((one / "datapackage.json").read_text(encoding="utf-8"))
    assert listed["cnscd"]["province_code"] == "79"
    assert set(listed["cnscd"]["files"]) == set(reference_files(one)) | {
        p.relative_to(one).as_posix() for p in (one / "provinces").rglob("*.csv")}
    capsys.readouterr()
    out = tmp_path / "national"
    # Paths and URLs mixed; a repository's own `datapackage.yaml` (no hashes) is a province package too.
    base = serve(provinces)
    sources = [str(provinces / name) for name in ALL[:3]] + [base + "75-dong-nai/datapackage.json",
                                                             base + "79-ho-chi-minh/datapackage.yaml"]
    assert main(["federate", "--out", str(out), "--today", DAY, *sources]) == 0
    summary = capsys.readouterr().out
    assert summary.count("đã gộp / merged") == 5
    assert package_files(out) == package_files(SAMPLE)  # byte for byte, descriptor included


def test_broken_provinces_are_named_and_left_out(provinces: Path, tmp_path: Path, serve, capsys) -> None:
    # 04, a path: an invalid value (frictionless: `level` must be district/commune/village).
    row = edit(provinces / "04-cao-bang", "provinces/04-cao-bang/teams.csv", "team_id", "T04-0002", level="tinh")
    reseal(provinces / "04-cao-bang")
    # 51, over HTTP: a village of Hồ Chí Minh City's commune 26506 in Quảng Ngãi's folder.
    stray = append(provinces / "51-quang-ngai", "provinces/51-quang-ngai/villages.csv", village_id="V26506-099",
                   commune_code="26506", kind="to_dan_pho", name="Tổ dân phố 99", legacy_commune_code="26506")
    reseal(provinces / "51-quang-ngai")
    # 75, over HTTP: a resource path that climbs out of the package.
    descriptor_75 = provinces / "75-dong-nai" / "datapackage.json"
    listed = json.loads(descriptor_75.read_text(encoding="utf-8"))
    teams = next(r for r in listed["resources"] if r["name"] == "teams")
    teams["path"] = ["provinces/75-dong-nai/../../../etc/passwd"]
    descriptor_75.write_text(json.dumps(listed), encoding="utf-8")
    # 19, over HTTP: the descriptor lists a file the server does not have (404).
    (provinces / "19-thai-nguyen" / "provinces" / "19-thai-nguyen" / "villages.csv").unlink()
    base = serve(provinces)
    sources = [str(provinces / "04-cao-bang"), base + "19-thai-nguyen/datapackage.json",
               base + "51-quang-ngai/datapackage.json", base + "75-dong-nai/datapackage.json",
               base + "79-ho-chi-minh/datapackage.json", base + "99-khong-co/datapackage.json"]
    out, site = tmp_path / "national", tmp_path / "site"
    report = tmp_path / "federation.json"
    code = main(["federate", "--out", str(out), "--site-dir", str(site), "--today", DAY, "--report", str(report),
                 *sources])
    printed = capsys.readouterr().out
    assert code == 1, printed
    outcome = {item["source"]: item for item in json.loads(report.read_text(encoding="utf-8"))["provinces"]}
    assert [outcome[s]["status"] for s in sources] == ["left-out", "left-out", "left-out", "left-out", "merged",
                                                       "left-out"]

    def errors_of(source: str) -> set[tuple]:
        return {(f["file"], f["row"], f["field"], f["code"]) for f in outcome[source]["findings"]
                if f["severity"] == "error"}

    assert ("provinces/04-cao-bang/teams.csv", row, "level", "constraint-error") in errors_of(sources[0])
    assert errors_of(sources[1]) == {("provinces/19-thai-nguyen/villages.csv", None, None, "unreachable")}
    assert "HTTP 404" in outcome[sources[1]]["findings"][0]["message_vi"]
    assert ("provinces/51-quang-ngai/villages.csv", stray, "commune_code", "wrong-province-folder") in errors_of(sources[2])
    assert errors_of(sources[3]) == {("datapackage.json", None, "resources[10] teams", "path-unsafe")}
    assert outcome[sources[5]]["findings"][0]["code"] == "unreachable"
    # The printed summary names each province, Vietnamese first, with the located finding.
    assert "04 Tỉnh Cao Bằng" in printed and "bị loại / left-out" in printed
    assert f"provinces/51-quang-ngai/villages.csv:{stray} [commune_code]: LỖI/ERROR wrong-province-folder: Dòng này" in printed
    # Thái Nguyên's other files were fine, yet nothing of it was merged: a province is in whole or not at all.
    kept, descriptor = expected_without("04-cao-bang", "19-thai-nguyen", "51-quang-ngai", "75-dong-nai")
    merged = package_files(out)
    assert {k: v for k, v in merged.items() if k != "datapackage.yaml"} == {
        k: v for k, v in kept.items() if k != "datapackage.yaml"}
    assert package.build_descriptor(out) == descriptor
    assert not (tmp_path / "etc").exists()
    # The national site was built from what passed: Hồ Chí Minh City's teams are on its pages, Cao Bằng's on none.
    assert "Tổ CNSCĐ Phường Vũng Tàu" in (site / "79-ho-chi-minh" / "index.html").read_text(encoding="utf-8")
    assert (site / "79-ho-chi-minh" / "26506-phuong-vung-tau" / "index.html").is_file()
    assert "Tổ CNSCĐ" not in (site / "04-cao-bang" / "index.html").read_text(encoding="utf-8")


def test_nothing_to_build_exits_2_and_keeps_the_previous_package(provinces: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "national"
    assert main(["federate", "--out", str(out), "--today", DAY, str(provinces / "79-ho-chi-minh")]) == 0
    before = package_files(out)
    (provinces / "04-cao-bang" / "datapackage.json").write_text("{not json", encoding="utf-8")
    code = main(["federate", "--out", str(out), "--today", DAY, str(provinces / "04-cao-bang"),
                 str(tmp_path / "nowhere" / "datapackage.json")])
    captured = capsys.readouterr()
    assert code == 2
    assert "descriptor-malformed" in captured.out and "file-missing" in captured.out
    assert "Không gộp được tỉnh nào" in captured.err
    assert package_files(out) == before


def test_keep_last_good_keeps_a_failing_provinces_previous_folder(provinces: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "national"
    sources = [str(provinces / name) for name in ALL]
    assert main(["federate", "--out", str(out), "--today", DAY, *sources]) == 0
    shutil.rmtree(provinces / "04-cao-bang" / "provinces")  # the province's next package is broken
    capsys.readouterr()
    code = main(["federate", "--out", str(out), "--today", DAY, "--keep-last-good", *sources])
    printed = capsys.readouterr().out
    assert code == 1
    assert "giữ bản cũ / kept" in printed and "file-missing" in printed
    assert package_files(out) == package_files(SAMPLE)
    # Gone altogether: the province is known by the folder name in its address, and kept again.
    shutil.rmtree(provinces / "04-cao-bang")
    assert main(["federate", "--out", str(out), "--today", DAY, "--keep-last-good", *sources]) == 1
    assert "04 Tỉnh Cao Bằng" in capsys.readouterr().out
    assert package_files(out) == package_files(SAMPLE)
    # Without the flag the province is left out.
    assert main(["federate", "--out", str(out), "--today", DAY, *sources]) == 1
    assert not (out / "provinces" / "04-cao-bang").exists()


def test_reference_tables_conflicts_and_duplicates(provinces: Path, tmp_path: Path) -> None:
    # Thái Nguyên carries another indicators table; each package is valid alone.
    edit(provinces / "19-thai-nguyen", "indicators.csv", "code", "dvc_dossiers", name_en="Dossiers (changed)")
    reseal(provinces / "19-thai-nguyen")
    # Hồ Chí Minh City reuses a member id of Cao Bằng's: valid alone, a duplicate key once merged.
    folder = provinces / "79-ho-chi-minh"
    edit(folder, "provinces/79-ho-chi-minh/members.csv", "member_id", "M79-000002", member_id="M04-000002")
    reseal(folder)
    assert main(["validate", "--data", str(folder), "--today", DAY]) == 0
    report = tmp_path / "r.json"
    # Quảng Ngãi is given twice.
    sources = [str(provinces / name) for name in ALL] + [str(provinces / "51-quang-ngai" / "datapackage.yaml")]
    assert main(["federate", "--out", str(tmp_path / "n"), "--today", DAY, "--report", str(report), *sources]) == 1
    outcome = json.loads(report.read_text(encoding="utf-8"))["provinces"]
    status = [p["status"] for p in outcome]
    assert status[1] == "left-out" and status[5] == "left-out" and status[2] == status[3] == "merged"
    assert [(f["file"], f["code"]) for f in outcome[1]["findings"]] == [("indicators.csv", "reference-differs")]
    assert [f["code"] for f in outcome[5]["findings"]] == ["province-duplicate"]
    # The conflict leaves out the province it is found in (the later one in national order), with the key named.
    conflicted = [p for p in (outcome[0], outcome[4]) if p["status"] == "left-out"]
    assert len(conflicted) == 1
    assert ("national-conflict", "member_id") in {(f["code"], f["field"]) for f in conflicted[0]["findings"]}
    merged = sorted(p.name for p in (tmp_path / "n" / "provinces").iterdir())
    assert merged == sorted({"04-cao-bang", "51-quang-ngai", "75-dong-nai", "79-ho-chi-minh"} - {conflicted[0]["folder"]})
