"""Pages written straight into the built site, after the engine: thousands of small ones it need not see.

A commune without data and an old commune's address (`/xa-cu/<code>/`) are each one small HTML file
with the site's stylesheet and no theme: the engine would spend a minute on them at national scale
and add 10 KB of chrome to each. Link-preview pictures are written here too (see previews.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..derive import Derived
from ..units import Units
from . import forks, previews, render

PREVIEWS = "xem-truoc/"
HOME_PREVIEW = PREVIEWS + "trang-chu.png"


@dataclass
class Place:
    """A 2025 commune's address from the site root, its name and its province's name."""

    path: str
    name: str
    province: str


def commune_places(derived: Derived, units: Units) -> dict[str, Place]:
    """Every 2025 commune, with data or not, at the same kind of address: <province>/<code>-<slug>/."""
    provinces = {p.code: p for p in derived.provinces}
    places = {}
    for code, row in units.communes.items():
        province = provinces.get(row["province_code"])
        if province is not None:
            places[code] = Place(f"{render.province_path(province)}{code}-{row['slug']}/", row["name"], province.name)
    return places


def old_label(units: Units, code: str) -> str:
    """«Phường Bến Nghé (Quận 1)»: old names repeat across districts, so the district tells them apart."""
    row = units.legacy_communes.get(code, {})
    district = units.legacy_districts.get(row.get("district_code", ""), {}).get("name")
    name = row.get("name", code)
    return f"{name} ({district})" if district else name


def old_labels(units: Units) -> dict[str, str]:
    """Every old commune that has an address: those the 2025 mapping sends somewhere."""
    return {code: old_label(units, code) for code in sorted(units.old_to_new) if code in units.legacy_communes}


def preview_image(code: str) -> str:
    return f"{PREVIEWS}{code}.png"


def _write(path: Path, text: str) -> None:
    """os calls, not pathlib's: 13,000 pages of communes without data and old communes on every build."""
    name = os.fspath(path)
    os.makedirs(os.path.dirname(name), exist_ok=True)
    with open(name, "w", encoding="utf-8") as handle:
        handle.write(text)


def write_communes_without_data(site_dir: Path, derived: Derived, units: Units, base_url: str) -> int:
    with_data = {c.code for c in derived.communes()}
    count = 0
    for code, place in commune_places(derived, units).items():
        if code in with_data:
            continue
        old = [old_label(units, old_code) for old_code in sorted(units.new_to_old.get(code, []))]
        meta = render.Meta(f"Tổ CNSCĐ {place.name}, {place.province}",
                           f"{place.name} ({place.province}) chưa có danh sách tổ công nghệ số cộng đồng: "
                           "cách gửi danh sách tổ.",
                           base_url + place.path, base_url + preview_image(code))
        _write(site_dir / place.path / "index.html", render.render_commune_empty(code, place.name, place.province, old, meta))
        count += 1
    return count


def write_redirects(site_dir: Path, derived: Derived, units: Units, base_url: str) -> int:
    """Every old commune's address; one the mapping does not know (28 in the units) says so and offers the find box."""
    places = commune_places(derived, units)
    count = 0
    for old_code in sorted(units.legacy_communes):
        label = old_label(units, old_code)
        found = [places[code] for code in units.old_to_new.get(old_code, []) if code in places]
        if not found:
            meta = render.Meta(f"{label} (xã cũ)", f"Chưa rõ {label} nay thuộc xã, phường nào.",
                               base_url + render.redirect_path(old_code), base_url + HOME_PREVIEW)
            _write(site_dir / render.redirect_path(old_code) / "index.html", render.render_redirect(label, [], meta))
            count += 1
            continue
        targets = [render.Target("../../" + place.path, place.name, place.province) for place in found]
        names = ", ".join(place.name for place in found)
        meta = render.Meta(f"{label} nay thuộc {names}", f"Từ 1/7/2025, {label} thuộc {names}.",
                           base_url + (found[0].path if len(found) == 1 else render.redirect_path(old_code)),
                           base_url + (preview_image(units.old_to_new[old_code][0]) if len(found) == 1 else HOME_PREVIEW))
        _write(site_dir / render.redirect_path(old_code) / "index.html", render.render_redirect(label, targets, meta))
        count += 1
    return count


def write_previews(site_dir: Path, derived: Derived, units: Units, cache: Path) -> int:
    """One picture per commune, one per province and one for the home page; returns how many were drawn."""
    facts = {c.code: c for c in derived.communes()}
    jobs: list[tuple[str, previews.Preview]] = []
    for code, place in commune_places(derived, units).items():
        commune = facts.get(code)
        figures = (f"{commune.tally.teams} tổ · {commune.tally.members} thành viên" if commune and commune.tally.teams
                   else "Chưa có danh sách tổ")
        jobs.append((preview_image(code), previews.Preview(place.name, place.province, figures)))
    for province in derived.provinces:
        figures = (f"{render.number_vi(province.tally.teams)} tổ · {province.tally.communes_with_teams} xã, phường có tổ"
                   if province.tally.teams else "Chưa có danh sách tổ")
        jobs.append((preview_image(f"tinh-{province.code}"), previews.Preview(province.name, "Việt Nam", figures)))
    nation = derived.tally
    jobs.append((HOME_PREVIEW, previews.Preview("Ai giúp bạn dùng dịch vụ số?", "Tìm tổ ở thôn, tổ dân phố của bạn",
                                                f"{render.number_vi(nation.teams)} tổ · "
                                                f"{render.number_vi(nation.members)} thành viên")))
    return previews.write_all([(site_dir / path, preview) for path, preview in jobs], cache, forks.default_workers())
