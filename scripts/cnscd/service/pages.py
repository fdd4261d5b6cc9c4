"""The receipt page a person sees when opening the status address in a browser (Vietnamese, escaped)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from jinja2 import Environment

STATE_VI = {
    "queued": ("Đang chờ gửi", "Biểu mẫu đã được nhận và lưu an toàn; hệ thống sẽ tự gửi đi, không cần gửi lại."),
    "committed": ("Đã ghi vào nhánh chờ duyệt", "Thay đổi đã được ghi vào một nhánh riêng; người quản lý sẽ duyệt."),
    "pull-request": ("Đang chờ duyệt", "Yêu cầu thay đổi đã được mở; người quản lý của tỉnh/xã sẽ duyệt."),
    "merged": ("Đã được duyệt", "Thay đổi đã được chấp nhận và sẽ hiện trên trang sau lần cập nhật tới."),
    "closed": ("Đã đóng", "Người quản lý đã đóng yêu cầu này mà không đưa vào dữ liệu."),
    "rejected": ("Không được chấp nhận", "Biểu mẫu không được chấp nhận vì các lý do dưới đây."),
}
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
FORM_VI = {"team": "Danh sách tổ", "report": "Báo cáo định kỳ", "guide": "Bài hướng dẫn",
           "withdrawal": "Gỡ số điện thoại"}

_TEMPLATE = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} — Biên nhận</title>
<style>
body{font:1rem/1.5 system-ui,sans-serif;margin:0 auto;max-width:36rem;padding:1rem;color:#1b1b1b}
h1{font-size:1.4rem}.state{font-size:1.2rem;font-weight:700}.receipt{font-family:monospace;word-break:break-all}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}dt{font-weight:600}
a{color:#0b5394}li{margin:.25rem 0}
</style>
</head>
<body>
<main>
<h1>{{ title }}</h1>
{% if item %}
<p class="state">{{ state_vi }}</p>
<p>{{ explain }}</p>
<dl>
<dt>Biên nhận</dt><dd class="receipt">{{ receipt }}</dd>
<dt>Biểu mẫu</dt><dd>{{ form_vi }}</dd>
<dt>Nhận lúc</dt><dd>{{ created }}</dd>
{% if item.pull_url %}<dt>Yêu cầu thay đổi</dt><dd><a href="{{ item.pull_url }}">{{ item.pull_url }}</a></dd>{% endif %}
{% if item.state == "committed" %}<dt>Nhánh</dt><dd class="receipt">{{ item.branch }}</dd>{% endif %}
</dl>
{% if item.state == "rejected" %}<ul>{% for reason in item.findings %}<li>{{ reason.message_vi }}</li>{% endfor %}</ul>{% endif %}
<p>Hãy giữ địa chỉ trang này để xem lại tình trạng.</p>
{% else %}
<p>Không tìm thấy biên nhận <span class="receipt">{{ receipt }}</span>. Hãy kiểm tra lại địa chỉ.</p>
{% endif %}
{% if site_url %}<p><a href="{{ site_url }}">Về trang Tổ Công nghệ số cộng đồng</a></p>{% endif %}
</main>
</body>
</html>
""")


def receipt_page(item, receipt: str, site_url: str = "") -> str:
    if item is None:
        return _TEMPLATE.render(title="Không có biên nhận", item=None, receipt=receipt, site_url=site_url)
    state_vi, explain = STATE_VI.get(item.state, (item.state, ""))
    created = dt.datetime.fromtimestamp(item.created_at, VIETNAM).strftime("%H:%M %d/%m/%Y")  # what the officer's phone says
    return _TEMPLATE.render(title="Biên nhận biểu mẫu", item=item, receipt=item.receipt, state_vi=state_vi,
                            explain=explain, form_vi=FORM_VI.get(item.form, item.form), created=created,
                            site_url=site_url)
