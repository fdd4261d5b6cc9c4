"""What people read about their submission: the issue comment, the pull request and commit texts."""

from __future__ import annotations

from ..model import Finding, Severity
from .apply import Outcome

MARKER = "<!-- cnscd-intake -->"


def findings_list(findings: list[Finding]) -> list[str]:
    lines = []
    for item in findings:
        where = f"dòng {item.row}" if item.row else "biểu mẫu"
        if item.field:
            where += f", mục `{item.field}`"
        level = "❌" if item.severity == Severity.ERROR else "⚠️"
        lines.append(f"- {level} ({where}) {item.message_vi} — _{item.message_en}_ `{item.code}`")
    return lines


def commit_message(outcome: Outcome, issue: int | None) -> str:
    head = outcome.change.title or "Gửi thay đổi"
    ref = f" (issue #{issue})" if issue else ""
    body = "\n".join(f"- {line}" for line in outcome.change.summary_vi)
    return f"{head}{ref}\n\n{body}\n"


def pull_body(outcome: Outcome, issue: int | None, needs_review: bool) -> str:
    lines = [MARKER, ""]
    if issue:
        lines += [f"Closes #{issue}", ""]
    lines += ["**Thay đổi / Change**", ""]
    lines += [f"- {vi} — _{en}_" for vi, en in zip(outcome.change.summary_vi, outcome.change.summary_en, strict=True)]
    lines += ["", "**Tệp / Files**", ""] + [f"- `{path}`" for path in sorted(outcome.files)]
    warnings = findings_list(outcome.findings)
    if warnings:
        lines += ["", "**Lưu ý / Notes**", "", *warnings]
    if needs_review:
        lines += ["", "Người gửi không thuộc nhóm quản lý của xã/tỉnh này: cần người quản lý duyệt. "
                  "_The submitter is not a maintainer of this commune: a maintainer must review._"]
    return "\n".join(lines) + "\n"


def comment_valid(outcome: Outcome, pull_url: str, needs_review: bool) -> str:
    lines = [MARKER, "✅ **Đã nhận và kiểm tra biểu mẫu.** Yêu cầu thay đổi dữ liệu: " + pull_url, ""]
    lines += [f"- {vi}" for vi in outcome.change.summary_vi]
    warnings = findings_list(outcome.findings)
    if warnings:
        lines += ["", "Lưu ý:", *warnings]
    lines += ["", "Người quản lý sẽ duyệt trước khi dữ liệu lên trang; sửa issue này để cập nhật yêu cầu."]
    if needs_review:
        lines.append("Người gửi không thuộc nhóm quản lý của xã/tỉnh này nên yêu cầu được gắn nhãn cần duyệt.")
    lines += ["", "_Received and checked. A maintainer reviews the pull request before it is published; "
              "edit this issue to update it._"]
    return "\n".join(lines) + "\n"


def comment_invalid(outcome: Outcome) -> str:
    lines = [MARKER, "❌ **Biểu mẫu chưa hợp lệ, chưa có thay đổi nào được tạo.** Hãy sửa issue này "
             "(nút «Edit») theo các lỗi dưới đây; nội dung bạn đã gửi vẫn được giữ nguyên trong issue.", ""]
    lines += findings_list(outcome.findings)
    lines += ["", "_The submission is not valid yet and nothing was changed. Edit this issue to fix the errors "
              "above (line numbers count from the top of the issue body); what you sent is kept in the issue._"]
    return "\n".join(lines) + "\n"


def summary_text(outcome: Outcome) -> str:
    """Plain text for the terminal."""
    lines = [f"{vi} — {en}" for vi, en in zip(outcome.change.summary_vi, outcome.change.summary_en, strict=True)]
    lines += [item.text() for item in outcome.findings]
    verdict = "HỢP LỆ / VALID" if outcome.valid else "KHÔNG HỢP LỆ / INVALID"
    lines.append(f"{verdict}: {len(outcome.files)} tệp / files")
    return "\n".join(lines) + "\n"
