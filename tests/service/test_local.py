"""`cnscd intake-serve --local` over real HTTP: accepted submissions become one commit on their own branch of
a real git repository; invalid ones get the same findings as `cnscd intake`; checks write nothing."""

from __future__ import annotations

import json
import re
import urllib.parse

from cnscd.intake.forms import load_form
from cnscd.service.journal import Journal
from cnscd.service.pipeline import render_body
from tests.service.harness import (
    ORIGIN,
    TODAY_TEXT,
    active_teams,
    git,
    git_state,
    indicator_codes,
    report_fields,
    request,
    run_cnscd,
)


def test_accepted_report_is_committed_on_its_own_branch(repo, serve) -> None:
    team = active_teams(1)[0]
    service = serve()
    before = git_state(repo)
    reply = service.submit("report", report_fields(team["team_id"]))
    assert reply.status == 202, reply.text
    receipt = reply.json["receipt"]
    assert re.fullmatch(r"[a-z2-7]{24}", receipt) and reply.json["state"] in ("queued",)
    done = service.wait_for(receipt, "committed")
    branch = f"submission/web-{receipt}"
    assert done["branch"] == branch
    # One commit on top of main, touching only the province's report file; main and the checkout untouched.
    assert git(repo, "rev-list", "--count", f"main..{branch}") == "1"
    assert git(repo, "rev-parse", f"{branch}^") == git(repo, "rev-parse", "main")
    changed = git(repo, "diff", "--name-only", "main", branch).splitlines()
    assert len(changed) == 1 and re.fullmatch(r"data/provinces/[0-9]{2}-[a-z-]+/reports-2026\.csv", changed[0])
    text = git(repo, "show", f"{branch}:{changed[0]}")
    first, second = indicator_codes()[:2]
    assert f"{team['team_id']},2026-10,{first},12,{TODAY_TEXT}," in text
    assert f"{team['team_id']},2026-10,{second},1250,{TODAY_TEXT}," in text  # «1.250» read as 1250
    assert receipt in git(repo, "log", "-1", "--format=%B", branch)
    after = git_state(repo)
    assert after[1:] == before[1:]  # same branch checked out, working tree clean
    assert set(after[0].splitlines()) - set(before[0].splitlines()) == {f"refs/heads/{branch} "
                                                                        f"{git(repo, 'rev-parse', branch)}"}


def test_invalid_submission_gets_the_findings_cnscd_intake_gives(repo, serve, tmp_path) -> None:
    team = active_teams(1)[0]
    codes = indicator_codes()
    fields = {"team_id": team["team_id"], "period": "2026-10", codes[0]: "mười", codes[1]: "-3", codes[2]: "4"}
    service = serve()
    reply = service.submit("report", fields)
    assert reply.status == 422, reply.text
    served = reply.json["findings"]
    assert {f["code"] for f in served} == {"value-invalid"} and {f["field"] for f in served} == {codes[0], codes[1]}
    body = tmp_path / "body.md"
    body.write_text(render_body(load_form("report"), fields), encoding="utf-8")
    cli = run_cnscd("intake", str(body), "--form", "report", "--today", TODAY_TEXT, "--format", "json",
                    "--data", str(repo / "data"), cwd=repo)
    assert cli.returncode == 1, cli.stderr
    expected = json.loads(next(line for line in cli.stdout.splitlines() if line.startswith("{")))["findings"]
    key = ("field", "code", "message_vi", "message_en", "severity")
    assert [(*[f[k] for k in key], f["body_line"]) for f in served] == \
        [(*[f[k] for k in key], f["row"]) for f in expected]
    assert all(f["line"] == 1 for f in served)  # each value is the first line of its own field
    assert run_cnscd("intake-queue", "list", "--journal", str(service.journal), cwd=repo).stdout.startswith("0 ")


def test_roster_finding_is_located_on_the_line_of_the_field(serve) -> None:
    team = active_teams(1)[0]
    members = "Nguyễn Văn A; Tổ trưởng; Trưởng thôn;\nNguyễn Văn B; Chủ tịch; Bí thư Chi đoàn;\n"
    reply = serve().check("team", {"commune_code": team["commune_code"], "team_id": team["team_id"], "members": members})
    assert reply.status == 200 and reply.json["ok"] is False
    role = [f for f in reply.json["findings"] if f["field"] == "members" and "Chủ tịch" in f["message_vi"]]
    assert role and role[0]["line"] == 2  # the second line of the members box


def test_check_writes_nothing(repo, serve) -> None:
    team = active_teams(1)[0]
    service = serve()
    before = git_state(repo)
    good = service.check("report", report_fields(team["team_id"]))
    bad = service.check("report", report_fields(team["team_id"], period="2026-13"))
    assert good.status == 200 and good.json == {"ok": True, "findings": []}
    assert bad.status == 200 and bad.json["ok"] is False
    assert [f["code"] for f in bad.json["findings"]] == ["period-invalid"]
    extra = service.check("report", {**report_fields(team["team_id"]), "nickname": "x"})
    assert extra.json["ok"] is True
    assert [(f["code"], f["field"], f["severity"]) for f in extra.json["findings"]] == [("field-unknown", "nickname", "warning")]
    assert git_state(repo) == before
    listed = run_cnscd("intake-queue", "list", "--journal", str(service.journal), cwd=repo)
    assert listed.returncode == 0 and listed.stdout.startswith("0 ")


def test_size_limits_answer_413(serve) -> None:
    team = active_teams(1)[0]
    service = serve("--max-body", "4096")
    big = service.submit("report", report_fields(team["team_id"], difficulties="x" * 5000))
    assert big.status == 413 and big.json["findings"][0]["code"] == "body-too-large"
    long_input = service.check("report", report_fields(team["team_id"], period="2" * 600))
    assert long_input.status == 413 and long_input.json["findings"][0]["field"] == "period"
    unknown = service.submit("petition", {"a": "b"})
    assert unknown.status == 422 and unknown.json["findings"][0]["code"] == "form-unknown"
    broken = request(f"{service.url}/api/submissions", "POST", raw=b"{not json")
    assert broken.status == 400 and broken.json["findings"][0]["code"] == "json-invalid"


def test_submissions_without_a_code_are_rate_limited_per_client(repo, serve) -> None:
    team = active_teams(1)[0]
    service = serve("--review-per-hour", "1")
    first = service.submit("report", report_fields(team["team_id"]))
    assert first.status == 202 and first.json["review"] is True
    second = service.submit("report", report_fields(team["team_id"], period="2026-09"))
    assert second.status == 429 and int(second.headers["retry-after"]) > 0
    assert "thử lại" in second.json["findings"][0]["message_vi"]
    service.wait_for(first.json["receipt"], "committed")
    assert len(git(repo, "branch", "--list", "submission/web-*").splitlines()) == 1


def test_cors_allows_only_the_site_origin(serve) -> None:
    team = active_teams(1)[0]
    service = serve()
    preflight = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"}
    allowed = request(f"{service.url}/api/submissions", "OPTIONS", headers=preflight)
    assert allowed.status == 200 and allowed.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in allowed.headers["access-control-allow-methods"]
    denied = request(f"{service.url}/api/submissions", "OPTIONS", headers={**preflight, "Origin": "https://evil.test"})
    assert denied.status == 400 and "access-control-allow-origin" not in denied.headers
    checked = request(f"{service.url}/api/check", "POST", {"form": "report", "fields": report_fields(team["team_id"])},
                      headers={"Origin": ORIGIN})
    assert checked.status == 200 and checked.headers["access-control-allow-origin"] == ORIGIN
    refused = service.submit("report", report_fields(team["team_id"]), headers={"Origin": "https://evil.test"})
    assert refused.status == 403 and "access-control-allow-origin" not in refused.headers


def test_receipt_page_status_and_unknown_receipt(repo, serve) -> None:
    team = active_teams(1)[0]
    service = serve("--refresh-seconds", "0")
    receipt = service.submit("report", report_fields(team["team_id"])).json["receipt"]
    service.wait_for(receipt, "committed")
    page = request(f"{service.url}/api/submissions/{receipt}", headers={"Accept": "text/html"})
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert "Đã ghi vào nhánh chờ duyệt" in page.text and receipt in page.text and 'lang="vi"' in page.text
    assert f'href="{ORIGIN}/' in page.text  # back to the site (mkdocs.yml site_url)
    hostile = urllib.parse.quote("<img src=x onerror=alert(1)>")
    missing = request(f"{service.url}/api/submissions/{hostile}", headers={"Accept": "text/html"})
    assert missing.status == 404 and "<img" not in missing.text and "&lt;img src=x" in missing.text
    assert request(f"{service.url}/api/submissions/{'a' * 24}").status == 404
    # The maintainer merges the branch: the receipt says so.
    git(repo, "-c", "user.name=T", "-c", "user.email=t@example.invalid", "merge", "-q", "--no-edit",
        f"submission/web-{receipt}")
    assert service.status(receipt)["state"] == "merged"


def test_deleted_branch_reads_closed(repo, serve) -> None:
    team = active_teams(1)[0]
    service = serve("--refresh-seconds", "0")
    receipt = service.submit("report", report_fields(team["team_id"])).json["receipt"]
    service.wait_for(receipt, "committed")
    git(repo, "branch", "-D", f"submission/web-{receipt}")
    assert service.status(receipt)["state"] == "closed"
    shown = run_cnscd("intake-queue", "show", receipt, "--journal", str(service.journal), cwd=repo)
    assert shown.returncode == 0 and json.loads(shown.stdout)["state"] == "closed"
    assert run_cnscd("intake-queue", "show", "nope", "--journal", str(service.journal), cwd=repo).returncode == 1


def test_roster_update_is_committed_with_the_people_sent(repo, serve) -> None:
    team = active_teams(1)[0]
    people = ["Nguyễn Văn An", "Trần Văn Bình", "Lê Thị Cúc", "Phạm Văn Dũng", "Hoàng Văn Em"]
    roles = ["Tổ trưởng", "Tổ phó", "Tổ viên", "Tổ viên", "Tổ viên"]
    members = "\n".join(f"{name}; {role}; Cán bộ thôn;" for name, role in zip(people, roles, strict=True))
    service = serve()
    reply = service.submit("team", {"commune_code": team["commune_code"], "team_id": team["team_id"], "members": members})
    assert reply.status == 202, reply.text
    branch = service.wait_for(reply.json["receipt"], "committed")["branch"]
    changed = git(repo, "diff", "--name-only", "main", branch).splitlines()
    roster = next(path for path in changed if path.endswith("/members.csv"))
    added = [line for line in git(repo, "diff", "main", branch, "--", roster).splitlines() if line.startswith("+")]
    assert all(any(f"{team['team_id']}," in line and name in line for line in added) for name in people)


def test_resend_with_the_same_idempotency_key_is_the_same_submission(repo, serve) -> None:
    team = active_teams(1)[0]
    service = serve()
    payload = {"form": "report", "fields": report_fields(team["team_id"]), "idempotency_key": "draft-7f3c9a21"}
    first = request(f"{service.url}/api/submissions", "POST", payload)
    again = request(f"{service.url}/api/submissions", "POST", payload)  # the answer was lost offline: sent again
    by_header = request(f"{service.url}/api/submissions", "POST", {k: v for k, v in payload.items() if k != "idempotency_key"},
                        headers={"Idempotency-Key": "draft-7f3c9a21"})
    assert first.status == again.status == by_header.status == 202
    assert first.json["receipt"] == again.json["receipt"] == by_header.json["receipt"]
    service.wait_for(first.json["receipt"], "committed")
    assert git(repo, "branch", "--list", "submission/web-*").split() == [f"submission/web-{first.json['receipt']}"]
    bad = request(f"{service.url}/api/submissions", "POST", {**payload, "idempotency_key": "x"})
    assert bad.status == 422 and bad.json["findings"][0]["field"] == "idempotency_key"


def test_purge_forgets_what_was_sent_but_the_receipt_still_answers(repo, serve) -> None:
    team = active_teams(1)[0]
    service = serve()
    receipt = service.submit("report", report_fields(team["team_id"])).json["receipt"]
    service.wait_for(receipt, "committed")
    purged = run_cnscd("intake-queue", "purge", "--days", "0", "--journal", str(service.journal), cwd=repo)
    assert purged.returncode == 0 and purged.stdout.startswith("đã xoá nội dung của 1 ")
    shown = json.loads(run_cnscd("intake-queue", "show", receipt, "--journal", str(service.journal), cwd=repo).stdout)
    assert shown["files"] == [] and shown["state"] == "committed"
    kept = Journal(service.journal).get(receipt)
    assert kept.fields == {} and kept.body == "" and kept.files == {} and kept.branch == f"submission/web-{receipt}"
    assert service.status(receipt)["state"] == "committed"
