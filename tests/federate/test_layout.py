"""Descriptor vetting and capped, confined reads: what a province package may name and what is fetched."""

from __future__ import annotations

import http.server
import json
from pathlib import Path

import pytest

from cnscd.federate.fetch import FetchError, Source
from cnscd.federate.layout import safe_path, vet


def _descriptor(provinces: Path, name: str = "79-ho-chi-minh") -> dict:
    return json.loads((provinces / name / "datapackage.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", ["../x.csv", "provinces/79-ho-chi-minh/../../x.csv", "/etc/passwd", "C:/x.csv",
                                  "http://127.0.0.2/x.csv", "//127.0.0.2/x.csv", "units\\x.csv", "./units/x.csv",
                                  "units//x.csv", "", ".hidden/x.csv", "units/x.csv?y=1", "units/%2e%2e/x.csv"])
def test_unsafe_paths_are_refused(path: str) -> None:
    assert not safe_path(path)


def test_a_good_descriptor_plans_exactly_its_files(provinces: Path) -> None:
    plan = vet(_descriptor(provinces))
    assert plan.findings == []
    assert (plan.province_code, plan.folder) == ("79", "79-ho-chi-minh")
    assert set(plan.files) == set(_descriptor(provinces)["cnscd"]["files"])


@pytest.mark.parametrize(("change", "code", "where"), [
    (lambda d: d["resources"][8].update(path=["provinces/79-ho-chi-minh/../../../etc/passwd"]), "path-unsafe",
     "resources[8] villages"),
    (lambda d: d["resources"][0].update(path="http://127.0.0.2/provinces.csv"), "path-unsafe", "resources[0] provinces"),
    (lambda d: d["resources"][0].update(path="units/communes.csv"), "path-unexpected", "resources[0] provinces"),
    (lambda d: d["resources"][10].update(path=["provinces/79-ho-chi-minh/members.csv"]), "path-unexpected",
     "resources[10] teams"),
    (lambda d: d["resources"][8].update(path=d["resources"][8]["path"] + ["provinces/04-cao-bang/villages.csv"]),
     "province-several", "resources"),
    (lambda d: d["resources"][1].update(schema={"fields": []}), "schema-unexpected", "resources[1] communes"),
    (lambda d: d["resources"].append({"name": "secrets", "path": "secrets.csv"}), "resource-unknown",
     "resources[16] secrets"),
    (lambda d: d["resources"].pop(6), "resource-missing", "indicators"),
    (lambda d: d["cnscd"].update(province_code="04"), "province-mismatch", "cnscd.province_code"),
    (lambda d: d.pop("resources"), "descriptor-malformed", None),
])
def test_a_bad_descriptor_is_refused_with_the_place_named(provinces: Path, change, code: str, where: str | None) -> None:
    descriptor = _descriptor(provinces)
    change(descriptor)
    plan = vet(descriptor)
    assert [(f.file, f.field, f.code) for f in plan.findings] == [("datapackage.json", where, code)]
    assert plan.findings[0].message_vi and plan.findings[0].message_en


def test_a_symlink_out_of_the_package_is_not_followed(provinces: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("not public\n", encoding="utf-8")
    folder = provinces / "79-ho-chi-minh"
    (folder / "indicators.csv").unlink()
    (folder / "indicators.csv").symlink_to(secret)
    with pytest.raises(FetchError) as refused:
        Source(str(folder)).read("indicators.csv", 1 << 20)
    assert refused.value.code == "path-outside"


def test_reads_stop_at_the_cap_over_http_even_without_a_length(provinces: Path, serve) -> None:
    class Chunked(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for _ in range(64):  # 64 × 64 KiB = 4 MiB, never announced
                self.wfile.write(b"10000\r\n" + b"x" * 0x10000 + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")

        def log_message(self, format: str, *args: object) -> None:
            pass

    base = serve(provinces, Chunked)
    source = Source(base + "datapackage.json")
    with pytest.raises(FetchError) as refused:
        source.read("units/communes.csv", 100_000)
    assert refused.value.code == "file-too-large"
    assert len(source.read("units/communes.csv", 8 << 20)) == 64 * 0x10000


def test_a_redirect_to_another_host_is_refused(provinces: Path, serve) -> None:
    class Elsewhere(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.2:9/datapackage.json")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    base = serve(provinces, Elsewhere)
    with pytest.raises(FetchError) as refused:
        Source(base + "datapackage.json").read_descriptor()
    assert refused.value.code == "redirect-elsewhere"
    assert "127.0.0.2" in refused.value.message_vi


def test_a_declared_size_over_the_cap_is_refused_before_fetching(provinces: Path, tmp_path: Path) -> None:
    import datetime as dt

    from cnscd.federate.run import Limits, stage

    result = stage(Source(str(provinces / "79-ho-chi-minh")), tmp_path / "stage", Limits(file_bytes=50_000),
                   dt.date(2026, 11, 22))
    assert result.staged is None
    finding, = result.findings
    assert (finding.file, finding.code) == ("units/communes.csv", "file-too-large")


def test_a_yaml_descriptor_with_aliases_is_refused(provinces: Path, tmp_path: Path) -> None:
    import datetime as dt

    from cnscd.federate.run import Limits, stage

    folder = provinces / "79-ho-chi-minh"
    text = (folder / "datapackage.yaml").read_text(encoding="utf-8")
    (folder / "datapackage.yaml").write_text(text.replace("licenses:", "x: &a [1, 2]\ny: [*a, *a]\nlicenses:"),
                                             encoding="utf-8")
    result = stage(Source(str(folder / "datapackage.yaml")), tmp_path / "stage", Limits(), dt.date(2026, 11, 22))
    assert [(f.file, f.code) for f in result.findings] == [("datapackage.yaml", "descriptor-malformed")]
    assert "aliases" in result.findings[0].message_en and result.code == "79"
