"""A stand-in for the GitHub REST endpoints intake uses, served over real HTTP on 127.0.0.1.

It keeps a tiny repository (branches → files), pull requests, issues with comments and labels,
collaborator permissions, and records every request it receives so tests can assert on them.
`fail` makes every request answer 503, or 403 with X-RateLimit-Remaining: 0, or drop the connection.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import itertools
import json
import re
import threading
import urllib.parse
from dataclasses import dataclass, field

URLS = [
    "archive_url", "assignees_url", "blobs_url", "branches_url", "collaborators_url", "comments_url",
    "commits_url", "compare_url", "contents_url", "contributors_url", "deployments_url", "downloads_url",
    "events_url", "forks_url", "git_commits_url", "git_refs_url", "git_tags_url", "hooks_url",
    "issue_comment_url", "issue_events_url", "issues_url", "keys_url", "labels_url", "languages_url",
    "merges_url", "milestones_url", "notifications_url", "pulls_url", "releases_url", "stargazers_url",
    "statuses_url", "subscribers_url", "subscription_url", "tags_url", "teams_url", "trees_url",
    "clone_url", "git_url", "ssh_url", "svn_url", "mirror_url", "homepage",
]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: object


@dataclass
class State:
    owner: str = "cnscd"
    name: str = "du-lieu"
    default_branch: str = "main"
    branches: dict[str, str] = field(default_factory=dict)  # branch → head sha
    files: dict[str, dict[str, str]] = field(default_factory=dict)  # branch → path → text
    pulls: list[dict] = field(default_factory=list)
    issues: dict[int, dict] = field(default_factory=dict)
    permissions: dict[str, str] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    fail: str | None = None  # None, "503", "ratelimit"
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def sha(self) -> str:
        return hashlib.sha1(str(next(self.counter)).encode()).hexdigest()  # noqa: S324 (a fake object id)

    def calls(self, method: str, pattern: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and re.search(pattern, r.path)]


def _user(base: str, login: str) -> dict:
    data = {k: f"{base}/users/{login}" for k in [
        "avatar_url", "events_url", "followers_url", "following_url", "gists_url", "html_url",
        "organizations_url", "received_events_url", "repos_url", "starred_url", "subscriptions_url", "url",
    ]}
    return {**data, "login": login, "id": 1, "gravatar_id": "", "type": "User", "site_admin": False}


class Handler(http.server.BaseHTTPRequestHandler):
    state: State
    base: str

    def log_message(self, *args) -> None:
        pass

    # ------------------------------------------------------------------ plumbing
    def _send(self, status: int, payload: object = None, headers: dict | None = None) -> None:
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(parsed.path)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        self.state.requests.append(Request(self.command, path, query, body))
        if self.state.fail == "503":
            return self._send(503, {"message": "Service Unavailable"})
        if self.state.fail == "ratelimit":
            return self._send(403, {"message": "API rate limit exceeded"},
                              {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1700000000"})
        prefix = f"/repos/{self.state.owner}/{self.state.name}"
        if not path.startswith(prefix):
            return self._send(404, {"message": "Not Found"})
        rest = path[len(prefix):]
        for method, pattern, func in ROUTES:
            match = re.fullmatch(pattern, rest)
            if method == self.command and match:
                return func(self, query, body, **match.groupdict())
        return self._send(404, {"message": f"Not Found (fake): {self.command} {rest}"})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    # ------------------------------------------------------------------ objects
    @property
    def api(self) -> str:
        return f"{self.base}/repos/{self.state.owner}/{self.state.name}"

    def repo_json(self) -> dict:
        s = self.state
        data = {k: f"{self.api}/{k}" for k in URLS}
        data.update({"id": 1, "name": s.name, "full_name": f"{s.owner}/{s.name}", "owner": _user(self.base, s.owner),
                     "private": False, "fork": False, "description": "", "html_url": f"https://github.test/{s.owner}/{s.name}",
                     "url": self.api, "default_branch": s.default_branch, "archived": False,
                     "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z",
                     "pushed_at": "2025-01-01T00:00:00Z", "language": "Python", "size": 1})
        for key in ("forks_count", "network_count", "open_issues_count", "stargazers_count", "subscribers_count",
                    "watchers_count"):
            data[key] = 0
        for key in ("has_downloads", "has_issues", "has_pages", "has_projects", "has_wiki"):
            data[key] = True
        return data

    def ref_json(self, branch: str) -> dict:
        url = f"{self.api}/git/refs/heads/{branch}"
        return {"ref": f"refs/heads/{branch}", "url": url,
                "object": {"sha": self.state.branches[branch], "type": "commit", "url": f"{self.api}/git/commits/x"}}

    def contents_json(self, path: str, text: str) -> dict:
        sha = hashlib.sha1(text.encode()).hexdigest()  # noqa: S324
        url = f"{self.api}/contents/{path}"
        return {"type": "file", "encoding": "base64", "size": len(text), "name": path.rsplit("/", 1)[-1],
                "path": path, "content": base64.b64encode(text.encode()).decode(), "sha": sha, "url": url,
                "git_url": url, "html_url": url, "download_url": url, "_links": {"self": url}}

    def pull_json(self, pull: dict) -> dict:
        url = f"{self.api}/pulls/{pull['number']}"
        data = {k: url for k in ("comments_url", "commits_url", "diff_url", "issue_url", "patch_url",
                                 "review_comment_url", "review_comments_url", "statuses_url", "url")}
        data.update({"html_url": f"https://github.test/{self.state.owner}/{self.state.name}/pull/{pull['number']}",
                     "_links": {}, "active_lock_reason": None, "assignee": None, "assignees": [],
                     "body_html": "", "body_text": "", "closed_at": None, "created_at": "2026-11-22T00:00:00Z",
                     "updated_at": "2026-11-22T00:00:00Z", "id": pull["number"], "locked": False,
                     "merge_commit_sha": None, "merged_at": None, "user": _user(self.base, "intake-bot"),
                     "additions": 0, "author_association": "NONE", "comments": 0, "commits": 1, "deletions": 0,
                     "draft": False, "mergeable": None, "mergeable_state": "unknown", "merged": False,
                     "merged_by": None, "requested_reviewers": [], "requested_teams": [], "review_comments": 0,
                     "number": pull["number"], "state": pull["state"], "title": pull["title"], "body": pull["body"],
                     "head": self.destination(pull["head"]), "base": self.destination(pull["base"])})
        return data

    def destination(self, branch: str) -> dict:
        return {"ref": branch, "label": f"{self.state.owner}:{branch}", "sha": "0" * 40,
                "user": _user(self.base, self.state.owner), "repo": self.repo_json()}

    def issue_json(self, number: int) -> dict:
        issue = self.state.issues[number]
        url = f"{self.api}/issues/{number}"
        return {"url": url, "html_url": url, "comments_url": f"{url}/comments", "events_url": url, "labels_url": url,
                "id": number, "number": number, "title": issue.get("title", ""), "body": issue.get("body", ""),
                "body_html": "", "body_text": "", "closed_by": None, "state": "open", "locked": False,
                "user": _user(self.base, issue.get("author", "someone")), "assignee": None, "assignees": [],
                "milestone": None, "comments": len(issue["comments"]), "closed_at": None,
                "created_at": "2026-11-22T00:00:00Z", "updated_at": "2026-11-22T00:00:00Z",
                "labels": [self.label_json(name) for name in issue["labels"]]}

    def label_json(self, name: str) -> dict:
        return {"name": name, "color": "ededed", "description": "", "url": f"{self.api}/labels/{name}"}

    def comment_json(self, number: int, comment: dict) -> dict:
        url = f"{self.api}/issues/comments/{comment['id']}"
        return {"url": url, "html_url": url, "issue_url": f"{self.api}/issues/{number}", "id": comment["id"],
                "body": comment["body"], "body_html": "", "body_text": "", "author_association": "NONE",
                "created_at": "2026-11-22T00:00:00Z", "updated_at": "2026-11-22T00:00:00Z",
                "user": _user(self.base, "intake-bot")}

    # ------------------------------------------------------------------ endpoints
    def get_repo(self, query, body):
        self._send(200, self.repo_json())

    def get_ref(self, query, body, branch):
        if branch not in self.state.branches:
            return self._send(404, {"message": "Not Found"})
        self._send(200, self.ref_json(branch))

    def create_ref(self, query, body):
        branch = body["ref"].removeprefix("refs/heads/")
        if branch in self.state.branches:
            return self._send(422, {"message": "Reference already exists"})
        self.state.branches[branch] = body["sha"]
        source = next(b for b, sha in self.state.branches.items() if sha == body["sha"] and b != branch)
        self.state.files[branch] = dict(self.state.files[source])
        self._send(201, self.ref_json(branch))

    def update_ref(self, query, body, branch):
        self.state.branches[branch] = body["sha"]
        source = next(b for b, sha in self.state.branches.items() if sha == body["sha"] and b != branch)
        self.state.files[branch] = dict(self.state.files[source])
        self._send(200, self.ref_json(branch))

    def get_contents(self, query, body, path):
        branch = query.get("ref", self.state.default_branch)
        text = self.state.files.get(branch, {}).get(path)
        if text is None:
            return self._send(404, {"message": "Not Found"})
        self._send(200, self.contents_json(path, text))

    def put_contents(self, query, body, path):
        branch = body.get("branch", self.state.default_branch)
        files = self.state.files[branch]
        if path in files and body.get("sha") != self.contents_json(path, files[path])["sha"]:
            return self._send(409, {"message": "sha does not match"})
        if path not in files and body.get("sha"):
            return self._send(422, {"message": "sha given for a new file"})
        status = 200 if path in files else 201
        files[path] = base64.b64decode(body["content"]).decode()
        self.state.branches[branch] = self.state.sha()
        commit = {"sha": self.state.branches[branch], "url": f"{self.api}/git/commits/x", "html_url": "",
                  "author": {"name": "bot", "email": "bot@test", "date": "2026-11-22T00:00:00Z"},
                  "committer": {"name": "bot", "email": "bot@test", "date": "2026-11-22T00:00:00Z"},
                  "message": body["message"], "tree": {"sha": "0" * 40, "url": ""}, "parents": [],
                  "verification": {"verified": False, "reason": "unsigned"}}
        self._send(status, {"content": self.contents_json(path, files[path]), "commit": commit})

    def list_pulls(self, query, body):
        found = [p for p in self.state.pulls if (query.get("state", "open") in (p["state"], "all"))
                 and (not query.get("head") or query["head"] == f"{self.state.owner}:{p['head']}")]
        self._send(200, [self.pull_json(p) for p in found])

    def create_pull(self, query, body):
        if any(p["head"] == body["head"] and p["state"] == "open" for p in self.state.pulls):
            return self._send(422, {"message": "A pull request already exists"})
        pull = {"number": 100 + len(self.state.pulls), "state": "open", "title": body["title"],
                "body": body.get("body", ""), "head": body["head"], "base": body["base"]}
        self.state.pulls.append(pull)
        self._send(201, self.pull_json(pull))

    def update_pull(self, query, body, number):
        pull = next(p for p in self.state.pulls if p["number"] == int(number))
        pull.update({k: v for k, v in body.items() if k in ("title", "body", "state")})
        self._send(200, self.pull_json(pull))

    def get_issue(self, query, body, number):
        if int(number) not in self.state.issues:
            return self._send(404, {"message": "Not Found"})
        self._send(200, self.issue_json(int(number)))

    def list_comments(self, query, body, number):
        issue = self.state.issues[int(number)]
        self._send(200, [self.comment_json(int(number), c) for c in issue["comments"]])

    def create_comment(self, query, body, number):
        issue = self.state.issues[int(number)]
        comment = {"id": 1000 + sum(len(i["comments"]) for i in self.state.issues.values()), "body": body["body"]}
        issue["comments"].append(comment)
        self._send(201, self.comment_json(int(number), comment))

    def edit_comment(self, query, body, comment_id):
        for number, issue in self.state.issues.items():
            for comment in issue["comments"]:
                if comment["id"] == int(comment_id):
                    comment["body"] = body["body"]
                    return self._send(200, self.comment_json(number, comment))
        self._send(404, {"message": "Not Found"})

    def add_labels(self, query, body, number):
        issue = self.state.issues[int(number)]
        names = body if isinstance(body, list) else body.get("labels", [])
        issue["labels"] += [n for n in names if n not in issue["labels"]]
        self._send(200, [self.label_json(n) for n in issue["labels"]])

    def remove_label(self, query, body, number, name):
        issue = self.state.issues[int(number)]
        if name not in issue["labels"]:
            return self._send(404, {"message": "Label does not exist"})
        issue["labels"].remove(name)
        self._send(200, [self.label_json(n) for n in issue["labels"]])

    def permission(self, query, body, login):
        level = self.state.permissions.get(login)
        if level is None:
            return self._send(404, {"message": "Not a collaborator"})
        self._send(200, {"permission": level, "user": _user(self.base, login)})


ROUTES = [
    ("GET", r"", Handler.get_repo),
    ("GET", r"/git/refs?/heads/(?P<branch>.+)", Handler.get_ref),
    ("POST", r"/git/refs", Handler.create_ref),
    ("PATCH", r"/git/refs/heads/(?P<branch>.+)", Handler.update_ref),
    ("GET", r"/contents/(?P<path>.+)", Handler.get_contents),
    ("PUT", r"/contents/(?P<path>.+)", Handler.put_contents),
    ("GET", r"/pulls", Handler.list_pulls),
    ("POST", r"/pulls", Handler.create_pull),
    ("PATCH", r"/pulls/(?P<number>[0-9]+)", Handler.update_pull),
    ("GET", r"/issues/(?P<number>[0-9]+)", Handler.get_issue),
    ("GET", r"/issues/(?P<number>[0-9]+)/comments", Handler.list_comments),
    ("POST", r"/issues/(?P<number>[0-9]+)/comments", Handler.create_comment),
    ("PATCH", r"/issues/comments/(?P<comment_id>[0-9]+)", Handler.edit_comment),
    ("POST", r"/issues/(?P<number>[0-9]+)/labels", Handler.add_labels),
    ("DELETE", r"/issues/(?P<number>[0-9]+)/labels/(?P<name>.+)", Handler.remove_label),
    ("GET", r"/collaborators/(?P<login>[^/]+)/permission", Handler.permission),
]


class FakeGitHub:
    """Context manager: `with FakeGitHub(state) as api_url:` serves until the block ends."""

    def __init__(self, state: State):
        self.state = state

    def __enter__(self) -> str:
        handler = type("BoundHandler", (Handler,), {"state": self.state, "base": ""})
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        handler.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return handler.base

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
