"""data/maintainers.yaml → .github/CODEOWNERS, and who may change what without extra review."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..model import Finding

MAINTAINERS = "maintainers.yaml"
_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")


@dataclass
class Maintainers:
    leads: list[str] = field(default_factory=list)
    provinces: dict[str, list[str]] = field(default_factory=dict)  # province code → logins
    communes: dict[str, list[str]] = field(default_factory=dict)  # commune code → logins

    def may_change(self, login: str, commune_code: str | None, province_code: str | None) -> bool:
        """Leads everywhere, a province's maintainers in it, a commune's maintainers in that commune."""
        key = login.casefold()
        allowed = [*self.leads]
        if province_code:
            allowed += self.provinces.get(province_code, [])
        if commune_code:
            allowed += self.communes.get(commune_code, [])
        return key in {name.casefold() for name in allowed}


def load_maintainers(data_dir: Path) -> tuple[Maintainers, list[Finding]]:
    path = Path(data_dir) / MAINTAINERS
    found: list[Finding] = []
    result = Maintainers()
    if not path.is_file():
        return result, found
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for login in spec.get("leads", []) or []:
        result.leads.append(str(login))
    for number, entry in enumerate(spec.get("maintainers", []) or [], start=1):
        login = str(entry.get("login", ""))
        if not _LOGIN.match(login):
            found.append(Finding(MAINTAINERS, number, "login", "login-invalid", f"Tên GitHub không hợp lệ: {login!r}",
                                 f"Not a GitHub login: {login!r}"))
            continue
        for code in entry.get("provinces", []) or []:
            result.provinces.setdefault(str(code), []).append(login)
        for code in entry.get("communes", []) or []:
            result.communes.setdefault(str(code), []).append(login)
    return result, found


def render_codeowners(data_dir: Path) -> str:
    """CODEOWNERS text: leads own everything, each province's maintainers own its folder."""
    from ..package import partitions
    from ..text import slugify

    maintainers, _ = load_maintainers(data_dir)
    slugs = {p.province_code: p.dirname for p in partitions(Path(data_dir))}
    units = Path(data_dir) / "units" / "provinces.csv"
    if units.is_file():
        import csv

        with open(units, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                slugs.setdefault(row["code"], f"{row['code']}-{row['slug'] or slugify(row['name'])}")
    leads = " ".join(f"@{login}" for login in maintainers.leads)
    data = Path(data_dir).resolve().name
    lines = ["# Generated from data/maintainers.yaml by `cnscd codeowners`; edit that file, not this one.", ""]
    if leads:
        lines += [f"* {leads}", ""]
    for code in sorted(maintainers.provinces):
        owners = " ".join(f"@{login}" for login in [*maintainers.leads, *maintainers.provinces[code]])
        folder = slugs.get(code, code)
        lines.append(f"/{data}/provinces/{folder}/ {owners}")
    if maintainers.communes:
        lines += ["", "# Commune maintainers (intake authority only, files are per province):"]
        for code in sorted(maintainers.communes):
            lines.append(f"# {code}: " + " ".join(f"@{login}" for login in maintainers.communes[code]))
    return "\n".join(lines) + "\n"
