"""Synthetic data: the bundled sample (real places, invented people) and nationwide benchmark data.

Everything is derived from a seeded random generator, so the same call writes the same files.
Names are built from common name parts; phone numbers use the 0900 000 xxx block and appear only
with synthetic recorded consent.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import package, periods
from .load import Dataset, load
from .units import Units
from .write import render, write_text_atomic

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Nông", "Lục"]
MIDDLE_MALE = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mai"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Khánh", "Lan",
         "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Trang",
         "Trung", "Tú", "Tuấn", "Vân", "Việt", "Yến"]
VILLAGE_NAMES = ["Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Tân Lập", "Đồng Tâm", "Phú Lợi",
                 "Hòa Bình", "Nà Rụa", "Khuổi Kép", "Bản Chang", "An Phú", "Phước Hải", "Long Điền"]
POSITIONS_LEADER = ["Trưởng thôn", "Bí thư chi bộ", "Trưởng khu phố", "Tổ trưởng tổ dân phố"]
POSITIONS_DEPUTY = ["Bí thư Chi đoàn", "Phó trưởng thôn", "Công an viên"]
POSITIONS_MEMBER = ["Chi hội trưởng Hội Phụ nữ", "Chi hội trưởng Hội Nông dân", "Công an xã", "Nhân viên Viettel",
                    "Nhân viên VNPT", "Nhân viên MobiFone", "Nhân viên Agribank", "Giáo viên Tin học", "Sinh viên",
                    "Đoàn viên thanh niên"]

INDICATORS = [
    ("dvc_dossiers", "Hồ sơ dịch vụ công trực tuyến được hỗ trợ", "Online public service dossiers assisted",
     "government", "hồ sơ", "dossiers", "Cổng Dịch vụ công quốc gia"),
    ("vneid_activations", "Tài khoản định danh điện tử VNeID được hỗ trợ kích hoạt",
     "VNeID electronic identity accounts activated", "government", "tài khoản", "accounts", "VNeID"),
    ("feedback_app_users", "Người dân được hướng dẫn phản ánh hiện trường qua ứng dụng",
     "Residents shown how to send feedback through the app", "government", "người", "people", ""),
    ("payment_accounts", "Tài khoản thanh toán điện tử mở mới", "New electronic payment accounts",
     "economy", "tài khoản", "accounts", ""),
    ("ecommerce_households", "Hộ đưa sản phẩm lên sàn thương mại điện tử",
     "Households selling on e-commerce platforms", "economy", "hộ", "households", "voso.vn, postmart.vn"),
    ("qr_shops", "Cửa hàng chấp nhận thanh toán bằng mã QR", "Shops accepting QR payments",
     "economy", "cửa hàng", "shops", ""),
    ("health_records", "Sổ sức khỏe điện tử được kích hoạt", "Electronic health books activated",
     "society", "người", "people", "Sổ sức khỏe điện tử"),
    ("vssid_installs", "Người cài đặt ứng dụng VssID", "People who installed VssID", "society", "người", "people",
     "VssID"),
    ("digital_learners", "Người học trên nền tảng Bình dân học vụ số",
     "Learners on the Bình dân học vụ số platform", "society", "người", "people", "Bình dân học vụ số"),
    ("residents_helped", "Lượt người dân được hướng dẫn trực tiếp (cầm tay chỉ việc)",
     "Residents helped hands-on", "society", "lượt", "visits", ""),
]

# (2025 province, pre-2025 district whose communes the sample uses): the seeds' areas.
SAMPLE_AREAS = [("04", "040"), ("19", "058"), ("51", "524"), ("79", "747"), ("75", "731")]
SAMPLE_POLICIES = [
    ("pre2025", "04", "2022-07-15", "2025-06-30", 3, "monthly", 25, "",
     "Công văn hướng dẫn thành lập Tổ CNSCĐ của UBND thành phố Cao Bằng (7/2022)"),
    ("2025", "04", "2025-07-01", "", 3, "monthly", 25, "2025-12-31", "Dữ liệu mẫu: giữ quy định 2022 của thành phố Cao Bằng"),
    ("2025", "19", "2025-07-01", "", 3, "monthly", 25, "2025-12-31", "Dữ liệu mẫu (giả định)"),
    ("2025", "51", "2025-07-01", "", 3, "monthly", 25, "2025-12-31", "Dữ liệu mẫu (giả định)"),
    ("2025", "79", "2025-07-01", "", 4, "monthly", 20, "2025-12-31", "Dữ liệu mẫu (giả định)"),
    ("2025", "75", "2025-07-01", "", 5, "quarterly", 25, "2025-12-31",
     "Văn bản kiện toàn Tổ CNSCĐ của tỉnh Đồng Nai (2025): tối thiểu 5 thành viên, báo cáo quý trước ngày 25"),
]
MERGER_DAY = dt.date(2025, 7, 1)
CONSENT_METHODS = ("paper_form", "in_person_witnessed", "online_self")


@dataclass
class _Builder:
    rng: random.Random
    units: Units
    today: dt.date
    rows: dict[str, dict[str, list[dict[str, str]]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    counters: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    phones: int = 0

    def next_id(self, prefix: str, province: str, width: int) -> str:
        self.counters[prefix + province] += 1
        return f"{prefix}{province}-{self.counters[prefix + province]:0{width}d}"

    def add(self, province: str, table: str, row: dict[str, str]) -> None:
        self.rows[province][table].append(row)

    def name(self) -> str:
        middle = self.rng.choice(MIDDLE_MALE if self.rng.random() < 0.5 else MIDDLE_FEMALE)
        return f"{self.rng.choice(SURNAMES)} {middle} {self.rng.choice(GIVEN)}"

    def day_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange(max(1, (end - start).days)))

    def members(self, province: str, team_id: str, size: int, joined: dt.date, left: str = "") -> None:
        for index in range(size):
            role = "leader" if index == 0 else "deputy" if index == 1 else "member"
            position = self.rng.choice(POSITIONS_LEADER if role == "leader" else
                                       POSITIONS_DEPUTY if role == "deputy" else POSITIONS_MEMBER)
            consent = (role != "member" and self.rng.random() < 0.8) or self.rng.random() < 0.15
            phone = consent_on = method = recorded_by = ""
            if consent:
                self.phones += 1
                phone = f"0900{self.phones:06d}"
                consent_on = joined.isoformat()
                method = CONSENT_METHODS[self.phones % len(CONSENT_METHODS)]
                recorded_by = "Công chức Văn hóa - Xã hội xã"
            self.add(province, "members", {
                "member_id": self.next_id("M", province, 6), "team_id": team_id,
                "person_id": self.next_id("P", province, 6), "full_name": self.name(), "role": role,
                "position": position, "joined_on": joined.isoformat(), "left_on": left, "phone": phone,
                "phone_consent": "true" if consent else "false", "phone_consent_on": consent_on,
                "phone_consent_method": method, "phone_consent_recorded_by": recorded_by, "notes": "",
            })

    def decision(self, province: str, scheme: str, unit_code: str, issuer: str, signed: dt.date, title: str) -> str:
        decision_id = self.next_id("D", province, 4)
        self.add(province, "decisions", {
            "decision_id": decision_id, "number": f"{self.rng.randrange(5, 400)}/QĐ-UBND",
            "signed_on": signed.isoformat(), "issuer": issuer, "unit_scheme": scheme, "unit_code": unit_code,
            "title": title, "url": "",
        })
        return decision_id

    def reports(self, province: str, team_id: str, established: dt.date, cadence: str, deadline: int,
                months: int, indicators: list[str]) -> None:
        quarterly = cadence == "quarterly"
        period = periods.period_of(self.today, quarterly)
        wanted = []
        for _ in range(months // 3 if quarterly else months):
            period = periods.previous(period)
            wanted.append(period)
        for period in wanted:
            start, _ = periods.parse(period)  # type: ignore[misc]
            if start < established:
                continue
            luck = self.rng.random()
            if luck < 0.08:
                continue  # missing report
            due = periods.due_date(period, deadline)
            assert due is not None
            submitted = due + dt.timedelta(days=self.rng.randrange(1, 20)) if luck < 0.2 else \
                due - dt.timedelta(days=self.rng.randrange(0, 10))
            submitted = min(submitted, self.today)
            for code in indicators:
                self.add(province, f"reports-{period[:4]}", {
                    "team_id": team_id, "period": period, "indicator_code": code,
                    "value": str(self.rng.randrange(0, 60)), "submitted_on": submitted.isoformat(), "notes": "",
                })


def _sample_communes(units: Units, province: str, district: str, count: int) -> list[str]:
    olds = [code for code, row in units.legacy_communes.items() if row["district_code"] == district]
    news = sorted({new for old in olds for new in units.old_to_new.get(old, [])
                   if units.province_of_commune(new) == province})
    return news[:count]


def _village_kind(commune_name: str) -> str:
    return "to_dan_pho" if commune_name.startswith("Phường") else "thon"


def build(units: Units, areas: list[tuple[str, str | None]], communes_per_area: int, villages_per_commune: int,
          today: dt.date, seed: int = 2025, report_months: int = 12, indicators_per_report: int = 3,
          history: bool = True) -> _Builder:
    """Rows for every table, per province; `history` adds pre-2025 teams, decisions and a district team."""
    builder = _Builder(random.Random(seed), units, today)
    indicator_codes = [row[0] for row in INDICATORS]
    policies = {row[1]: row for row in SAMPLE_POLICIES if row[0] == "2025"}
    for province, district in areas:
        cadence, deadline = ("monthly", 25)
        if province in policies:
            cadence, deadline = policies[province][5], policies[province][6]
        minimum = int(policies[province][4]) if province in policies else 3
        if district:
            communes = _sample_communes(units, province, district, communes_per_area)
        else:
            communes = sorted(code for code, row in units.communes.items() if row["province_code"] == province)
            communes = communes[:communes_per_area] if communes_per_area else communes
        if history and district:
            district_name = units.legacy_districts[district]["name"]
            did = builder.decision(province, "pre2025", district, f"UBND {district_name}", dt.date(2022, 4, 12),
                                   f"Thành lập Tổ công nghệ số cộng đồng {district_name}")
            team_id = builder.next_id("T", province, 4)
            builder.add(province, "teams", {
                "team_id": team_id, "name": f"Tổ CNSCĐ {district_name}", "level": "district", "status": "dissolved",
                "unit_scheme": "pre2025", "district_code": district, "commune_code": "", "village_id": "",
                "current_commune_code": "", "decision_id": did, "established_on": "2022-04-12",
                "ended_on": "2025-06-30", "merged_into": "", "zalo_url": "", "notes": "Cấp huyện kết thúc hoạt động từ 1/7/2025"})
            builder.members(province, team_id, 5, dt.date(2022, 4, 12), left="2025-06-30")
        for commune in communes:
            name = units.communes[commune]["name"]
            short = name.split(" ", 1)[1] if " " in name else name
            kiendtoan = builder.day_between(dt.date(2025, 7, 15), dt.date(2025, 9, 30))
            did = builder.decision(province, "2025", commune, f"UBND {name}", kiendtoan,
                                   f"Kiện toàn Tổ công nghệ số cộng đồng {name}")
            commune_team = builder.next_id("T", province, 4)
            builder.add(province, "teams", {
                "team_id": commune_team, "name": f"Tổ CNSCĐ {name}", "level": "commune", "status": "active",
                "unit_scheme": "2025", "district_code": "", "commune_code": commune, "village_id": "",
                "current_commune_code": "", "decision_id": did, "established_on": kiendtoan.isoformat(),
                "ended_on": "", "merged_into": "", "zalo_url": f"https://zalo.me/g/cnscd{commune}", "notes": ""})
            builder.members(province, commune_team, max(minimum, 6), kiendtoan)
            builder.reports(province, commune_team, kiendtoan, cadence, deadline, report_months,
                            indicator_codes[:indicators_per_report])
            olds = sorted(units.new_to_old.get(commune, []))
            kind = _village_kind(name)
            names = builder.rng.sample(VILLAGE_NAMES, k=min(villages_per_commune, len(VILLAGE_NAMES)))
            for index in range(villages_per_commune):
                village_id = f"V{commune}-{index + 1:03d}"
                if kind == "to_dan_pho":
                    village_name = f"Tổ dân phố {index + 1}"
                else:
                    village_name = f"Thôn {names[index]}" if index < len(names) else f"Thôn {index + 1}"
                old = olds[index % len(olds)] if olds else ""
                builder.add(province, "villages", {"village_id": village_id, "commune_code": commune,
                                                   "kind": kind, "name": village_name, "legacy_commune_code": old})
                legacy_team = history and old and index == 0
                if legacy_team:
                    # A team set up in 2022 under the old commune, still active and mapped to the new one.
                    old_name = units.legacy_communes[old]["name"]
                    old_did = builder.decision(province, "pre2025", old, f"UBND {old_name}", dt.date(2022, 5, 20),
                                               f"Thành lập Tổ công nghệ số cộng đồng {old_name}")
                    established = dt.date(2022, 5, 20)
                    scheme, unit, current, decision = "pre2025", old, commune, old_did
                else:
                    established = kiendtoan
                    scheme, unit, current, decision = "2025", commune, "", did
                team_id = builder.next_id("T", province, 4)
                builder.add(province, "teams", {
                    "team_id": team_id, "name": f"Tổ CNSCĐ {village_name}", "level": "village", "status": "active",
                    "unit_scheme": scheme, "district_code": "", "commune_code": unit, "village_id": village_id,
                    "current_commune_code": current, "decision_id": decision,
                    "established_on": established.isoformat(), "ended_on": "", "merged_into": "",
                    "zalo_url": f"https://zalo.me/g/cnscd{commune}x{index + 1}" if builder.rng.random() < 0.7 else "",
                    "notes": ""})
                size = builder.rng.randrange(minimum, minimum + 4)
                builder.members(province, team_id, size, established)
                builder.reports(province, team_id, established, cadence, deadline, report_months,
                                indicator_codes[builder.rng.randrange(len(indicator_codes))::4][:indicators_per_report])
            if history and len(olds) > 1:
                # The old commune's own team merged into the new commune team on 1 July 2025.
                old = olds[1]
                old_name = units.legacy_communes[old]["name"]
                old_did = builder.decision(province, "pre2025", old, f"UBND {old_name}", dt.date(2022, 6, 1),
                                           f"Thành lập Tổ công nghệ số cộng đồng {old_name}")
                team_id = builder.next_id("T", province, 4)
                builder.add(province, "teams", {
                    "team_id": team_id, "name": f"Tổ CNSCĐ {old_name} (cũ)", "level": "commune",
                    "status": "merged", "unit_scheme": "pre2025", "district_code": "", "commune_code": old,
                    "village_id": "", "current_commune_code": "", "decision_id": old_did,
                    "established_on": "2022-06-01", "ended_on": "2025-06-30", "merged_into": commune_team,
                    "zalo_url": "", "notes": f"Sáp nhập vào Tổ CNSCĐ {short} khi sắp xếp đơn vị hành chính"})
                builder.members(province, team_id, 4, dt.date(2022, 6, 1), left="2025-06-30")
            for code in indicator_codes[:4]:
                builder.add(province, "targets", {"unit_level": "commune", "unit_code": commune,
                                                  "period": str(today.year), "indicator_code": code,
                                                  "value": str(builder.rng.randrange(100, 900)), "notes": ""})
        for code in indicator_codes[:4]:
            builder.add(province, "targets", {"unit_level": "province", "unit_code": province,
                                              "period": str(today.year), "indicator_code": code,
                                              "value": str(builder.rng.randrange(3000, 9000)), "notes": ""})
        platforms = [("Cổng Dịch vụ công quốc gia", "Hướng dẫn nộp hồ sơ dịch vụ công trực tuyến"),
                     ("VNeID", "Kích hoạt và sử dụng định danh điện tử VNeID"),
                     ("Bình dân học vụ số", "Học kỹ năng số trên nền tảng Bình dân học vụ số"),
                     ("postmart.vn", "Đưa nông sản lên sàn thương mại điện tử")]
        for index, (platform, topic) in enumerate(platforms[: 2 + len(communes) % 3]):
            online = index % 2 == 1
            builder.add(province, "trainings", {
                "training_id": builder.next_id("H", province, 4),
                "held_on": builder.day_between(dt.date(2025, 9, 1), today - dt.timedelta(days=7)).isoformat(),
                "commune_code": "" if online else communes[index % len(communes)], "mode": "online" if online else "in_person",
                "place": "Trực tuyến qua Zoom" if online else f"Hội trường UBND {units.communes[communes[index % len(communes)]]['name']}",
                "topic": topic, "platform": platform,
                "trainer": "Sở Khoa học và Công nghệ" if index % 2 == 0 else "VNPT",
                "participants": str(builder.rng.randrange(20, 150)), "notes": "", "status": "held"})
        # One planned class ahead, so pages show what is coming (no random draw: earlier data stays the same).
        builder.add(province, "trainings", {
            "training_id": builder.next_id("H", province, 4), "held_on": (today + dt.timedelta(days=24)).isoformat(),
            "status": "planned", "commune_code": communes[0], "mode": "in_person",
            "place": f"Hội trường UBND {units.communes[communes[0]]['name']}",
            "topic": "Thanh toán không dùng tiền mặt bằng mã QR", "platform": "", "trainer": "Sở Khoa học và Công nghệ",
            "participants": "0", "notes": "Số người tham gia ghi sau khi tổ chức"})
        _sample_withdrawal(builder, province, today)
    return builder


def _sample_withdrawal(builder: _Builder, province: str, today: dt.date) -> None:
    """One applied withdrawal per province: the person's phone is gone, the request date stays on record."""
    for member in builder.rows[province]["members"]:
        if member["phone_consent"] == "false" and not member["left_on"]:
            builder.add(province, "withdrawals", {
                "person_id": member["person_id"], "requested_on": (today - dt.timedelta(days=40)).isoformat(),
                "channel": "paper", "applied_on": (today - dt.timedelta(days=33)).isoformat(),
                "notes": "Đơn giấy nộp tại UBND xã"})
            return


def write(root: Path, builder: _Builder, policies: list[tuple] | None = None) -> None:
    """Write the built rows through the canonical writer, plus indicators and policies."""
    schemas = {table: package.load_schema(root, table) for table in package.TABLES}

    def emit(path: Path, table: str, rows: list[dict[str, str]]) -> None:
        schema = schemas[table]
        write_text_atomic(path, render(rows, package.field_names(schema), schema.get("primaryKey", [])))

    emit(root / "indicators.csv", "indicators", [dict(zip(package.field_names(schemas["indicators"]), row, strict=True))
                                                 for row in INDICATORS])
    emit(root / "policies.csv", "policies", [dict(zip(package.field_names(schemas["policies"]), map(str, row), strict=True))
                                             for row in (policies if policies is not None else SAMPLE_POLICIES)])
    for province, tables in builder.rows.items():
        slug = builder.units.provinces[province]["slug"]
        for table, rows in tables.items():
            name, _, year = table.partition("-")
            emit(package.partition_file(root, name, province, slug, year or None), name, rows)
    write_text_atomic(root / package.DESCRIPTOR, package.descriptor_text(root))


def write_sample(root: Path, today: dt.date) -> Dataset:
    """The bundled sample: the seeds' five areas, three communes each, six villages per commune."""
    units = Units.from_dataset(load(root)) if (root / package.DESCRIPTOR).exists() else _units_only(root)
    builder = build(units, list(SAMPLE_AREAS), communes_per_area=3, villages_per_commune=6, today=today)
    write(root, builder)
    return load(root)


def _units_only(root: Path) -> Units:
    write_text_atomic(root / package.DESCRIPTOR, package.descriptor_text(root))
    return Units.from_dataset(load(root))
