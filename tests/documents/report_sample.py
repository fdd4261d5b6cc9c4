"""A hand-made report (independent of the sample data, which is regenerated often) with awkward values."""

from __future__ import annotations

import datetime as dt

from cnscd.documents.report import Part, Report

TRICKY = 'Thôn <Đông> & "Tây"'
FORMULA = '=HYPERLINK("https://example.invalid","Bấm")'


def sample_report() -> Report:
    report = Report("commune", "21040", "Xã Bình Sơn", "", "ỦY BAN NHÂN DÂN\nXÃ BÌNH SƠN", "BC-UBND", "Bình Sơn",
                    "Sở Khoa học và Công nghệ tỉnh Quảng Ngãi", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
                    "Ủy ban nhân dân xã Bình Sơn", "2026-10", dt.date(2026, 11, 22), 2026)
    report.parts = [
        Part("1. Tổ, thành viên", "I. TỔ VÀ THÀNH VIÊN", ["Số tổ đang hoạt động: 2; số thành viên: 9."],
             ["TT", "Tổ", "Tổ trưởng", "SĐT tổ trưởng", "Số thành viên", "Số lượng"],
             [[1, "Tổ CNSCĐ Xã Bình Sơn", "Nguyễn Văn A", "0900 000 001", 6, "Đủ"],
              [2, TRICKY, "Trần Thị C", "", 3, "Thiếu"]],
             [5, 28, 24, 14, 10, 9], ["int", "text", "text", "text", "int", "text"]),
        Part("2. Độ phủ", "II. ĐỘ PHỦ", ["Mọi thôn, tổ dân phố đều đã có tổ."], ["TT", "Mã", "Thôn chưa có tổ"], [],
             [5, 12, 40], ["int", "text", "text"]),
        Part("4. Chỉ tiêu", "IV. KẾT QUẢ THỰC HIỆN CHỈ TIÊU", ["Lũy kế năm 2026."],
             ["TT", "Chỉ tiêu", "Lũy kế năm 2026", "Chỉ tiêu năm 2026", "Tỷ lệ"],
             [[1, "Hồ sơ dịch vụ công trực tuyến", 1234, 1500, 0.8227], [2, "Người học nền tảng số", 58, "", ""]],
             [5, 44, 14, 14, 9], ["int", "text", "int", "int", "pct"]),
        Part("6. Khó khăn, đề xuất", "VI. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ", ["1 ý kiến."],
             ["TT", "Tổ", "Khó khăn, vướng mắc", "Đề xuất, kiến nghị"],
             [[1, TRICKY, "Thiếu sóng\n4G", FORMULA]], [5, 26, 44, 44], ["int", "text", "text", "text"]),
    ]
    return report
