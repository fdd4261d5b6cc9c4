"""The baseline a user would pick instead of `cnscd build`: plain MkDocs + Material over the same data.

One Markdown page per commune (a table of its village teams: village, team, leader, consented phone,
Zalo), province pages linking their communes, communes out of the nav, the search plugin on. It reads
the CSV files with the standard library only, as a quick script would; `cnscd bench --baseline`
builds it from the same data in the same run, so the ratios it prints compare like with like.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import yaml


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def write_project(data_dir: Path, project: Path) -> int:
    """Write `project/docs` and `project/mkdocs.yml`; returns the number of commune pages."""
    provinces = {r["code"]: r for r in _rows(data_dir / "units" / "provinces.csv")}
    communes = {r["code"]: r for r in _rows(data_dir / "units" / "communes.csv")}
    villages, teams, leaders = {}, defaultdict(list), {}
    for folder in sorted((data_dir / "provinces").iterdir()):
        for row in _rows(folder / "villages.csv"):
            villages[row["village_id"]] = row
        for row in _rows(folder / "teams.csv"):
            if row["status"] == "active" and row["level"] == "village":
                teams[communes.get(row["current_commune_code"] or row["commune_code"], {}).get("code", "")].append(row)
        for row in _rows(folder / "members.csv"):
            if row["role"] == "leader" and not row["left_on"]:
                leaders[row["team_id"]] = row
    docs = project / "docs"
    (docs / "xa").mkdir(parents=True, exist_ok=True)
    by_province: dict[str, list[str]] = defaultdict(list)
    pages = 0
    for code, commune in sorted(communes.items()):
        if not teams.get(code):
            continue
        by_province[commune["province_code"]].append(code)
        lines = [f"# {commune['name']}", "", "| Thôn | Tổ | Tổ trưởng | Điện thoại | Zalo |", "|---|---|---|---|---|"]
        for team in teams[code]:
            leader = leaders.get(team["team_id"], {})
            phone = leader.get("phone", "") if leader.get("phone_consent") == "true" else ""
            village = villages.get(team["village_id"], {}).get("name", "")
            lines.append("| " + " | ".join(_cell(v) for v in (village, team["name"], leader.get("full_name", ""), phone,
                                                              team["zalo_url"])) + " |")
        (docs / "xa" / f"{code}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        pages += 1
    nav: list = [{"Trang chủ": "index.md"}]
    for code, province in sorted(provinces.items()):
        links = "\n".join(f"- [{communes[c]['name']}](../xa/{c}.md)" for c in by_province.get(code, []))
        (docs / "tinh").mkdir(exist_ok=True)
        (docs / "tinh" / f"{code}.md").write_text(f"# {province['name']}\n\n{links}\n", encoding="utf-8")
        nav.append({province["name"]: f"tinh/{code}.md"})
    (docs / "index.md").write_text("# Tổ Công nghệ số cộng đồng\n", encoding="utf-8")
    config = {"site_name": "Tổ CNSCĐ (baseline)", "theme": {"name": "material", "language": "vi", "font": False},
              "plugins": ["search"], "nav": nav}
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return pages
