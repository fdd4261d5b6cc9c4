"""QR codes are drawn once per address and drawing; then copied from the cache."""

from __future__ import annotations

from pathlib import Path

from cnscd.site import posters, qrcodes


def test_a_code_is_drawn_once_and_is_what_posters_draw(tmp_path: Path):
    cache = tmp_path / "cache"
    url = "https://example.org/79-ho-chi-minh/26506-phuong-vung-tau/"
    assert qrcodes.write(url, tmp_path / "a" / "qr.svg", cache) is True
    assert qrcodes.write(url, tmp_path / "b" / "qr.svg", cache) is False
    posters.write_qr(url, tmp_path / "direct.svg")
    direct = (tmp_path / "direct.svg").read_bytes()
    assert (tmp_path / "a" / "qr.svg").read_bytes() == direct == (tmp_path / "b" / "qr.svg").read_bytes()
    assert qrcodes.write(url + "x", tmp_path / "c" / "qr.svg", cache) is True
    assert (tmp_path / "c" / "qr.svg").read_bytes() != direct


def test_a_change_in_how_codes_are_drawn_draws_them_again(tmp_path: Path, monkeypatch):
    cache = tmp_path / "cache"
    url = "https://zalo.me/g/abcdef123"
    assert qrcodes.write(url, tmp_path / "a.svg", cache) is True
    qrcodes._drawing.cache_clear()
    monkeypatch.setattr(qrcodes.inspect, "getsource", lambda function: "def write_qr(): changed")
    try:
        assert qrcodes.write(url, tmp_path / "b.svg", cache) is True
    finally:
        qrcodes._drawing.cache_clear()


def test_deploy_keeps_the_qr_cache(monkeypatch):
    import yaml

    from tests.conftest import ROOT

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "/home/runner")
    kept = [Path(path.replace("~", "/home/runner")) for step in workflow["jobs"]["build"]["steps"]
            if step.get("uses", "").startswith("actions/cache@") for path in step["with"]["path"].split()]
    assert qrcodes.default_cache() in kept
