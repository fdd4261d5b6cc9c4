"""The HTTP face of the intake service (Starlette): check a draft, accept a submission, tell its state.

A submission is checked by intake's own path (pipeline.Intake), written to the journal, and only then
answered 202; the worker delivers it. Bodies are read with a byte cap; every answer is JSON except the
receipt page a browser asks for with Accept: text/html.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from . import access
from .journal import Journal, new_receipt
from .limits import MAX_FIELDS, Limits, RateLimits
from .pages import receipt_page
from .pipeline import Intake, finding_json, known_forms
from .worker import Worker

log = logging.getLogger("cnscd.service")


@dataclass
class Service:
    intake: Intake
    journal: Journal
    worker: Worker
    allow_origins: list[str]
    limits: Limits = field(default_factory=Limits)
    site_url: str = ""  # the receipt page links back to the site

    def __post_init__(self) -> None:
        self.rates = RateLimits(self.limits)


class Refused(Exception):
    def __init__(self, status: int, code: str, vi: str, en: str, field_id: str | None = None,
                 headers: dict | None = None):
        super().__init__(en)
        self.status, self.headers = status, headers or {}
        self.finding = {"field": field_id, "line": None, "body_line": None, "code": code, "message_vi": vi,
                        "message_en": en, "severity": "error"}

    def response(self) -> JSONResponse:
        return JSONResponse({"findings": [self.finding]}, status_code=self.status, headers=self.headers)


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def _too_many(seconds: float) -> Refused:
    minutes = max(1, round(seconds / 60))
    return Refused(429, "rate-limited", f"Gửi quá nhiều lần; hãy thử lại sau khoảng {minutes} phút",
                   f"Too many requests; try again in about {minutes} minutes",
                   headers={"Retry-After": str(int(seconds) + 1)})


@dataclass
class Payload:
    form: str
    fields: dict
    access_code: str
    idempotency_key: str | None


_KEY = re.compile(r"[A-Za-z0-9_.:-]{8,100}")


async def _read_payload(service: Service, request: Request) -> Payload:
    """The JSON body within the byte cap, its shape checked."""
    origin = request.headers.get("origin")
    if origin and origin not in service.allow_origins:
        raise Refused(403, "origin-refused", "Trang gửi không được phép gửi tới dịch vụ này",
                      "This origin may not submit to this service")
    limit = service.limits.body_bytes
    declared = request.headers.get("content-length")
    too_large = Refused(413, "body-too-large", f"Nội dung gửi quá lớn (tối đa {limit // 1024} KB)",
                        f"The request is too large (at most {limit // 1024} KB)")
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    try:
        payload = json.loads(b"".join(chunks).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Refused(400, "json-invalid", "Nội dung gửi không phải JSON hợp lệ", "The body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise Refused(400, "json-invalid", "Nội dung gửi phải là một đối tượng JSON", "The body must be a JSON object")
    form = payload.get("form")
    if form not in known_forms():
        raise Refused(422, "form-unknown", f"Không có biểu mẫu «{form}»; có: {', '.join(known_forms())}",
                      f"No form «{form}»; known: {', '.join(known_forms())}", "form")
    fields = payload.get("fields")
    if not isinstance(fields, dict) or len(fields) > MAX_FIELDS:
        raise Refused(422, "fields-invalid", "«fields» phải là một đối tượng: mã mục → giá trị",
                      "«fields» must be an object of field id → value", "fields")
    for name, value in fields.items():
        values = value if isinstance(value, list) else [value]
        if not all(v is None or isinstance(v, str | bool | int | float) for v in values):
            raise Refused(422, "field-invalid", f"Mục «{name}» có giá trị không đọc được",
                          f"The field «{name}» has a value that cannot be read", str(name))
        cap = service.limits.field_chars
        if sum(len(str(v)) for v in values) > cap:
            raise Refused(413, "field-too-long", f"Mục «{name}» quá dài (tối đa {cap} ký tự)",
                          f"The field «{name}» is too long (at most {cap} characters)", str(name))
    _input_limits(service, form, fields)
    code = payload.get("access_code") or ""
    if not isinstance(code, str) or len(code) > 64:
        raise Refused(422, "access-code-invalid", "Mã truy cập không đúng dạng", "The access code is malformed",
                      "access_code")
    key = payload.get("idempotency_key") or request.headers.get("idempotency-key")
    if key is not None and not (isinstance(key, str) and _KEY.fullmatch(key)):
        raise Refused(422, "idempotency-key-invalid", "Mã gửi lại không đúng dạng (8–100 chữ, số, - _ . :)",
                      "The idempotency key is malformed (8–100 letters, digits, - _ . :)", "idempotency_key")
    return Payload(form, fields, code, key)


async def _checked(service: Service, form: str, fields: dict, source: str):
    return await run_in_threadpool(service.intake.check, form, fields, source)


def _input_limits(service: Service, form_name: str, fields: dict) -> None:
    """One-line inputs get a shorter cap than textareas."""
    from ..intake.forms import forms_dir, load_form

    cap = service.limits.input_chars
    for spec in load_form(form_name, forms_dir(service.intake.data_dir)).fields:
        value = fields.get(spec.id)
        if spec.type in ("input", "dropdown") and isinstance(value, str) and len(value) > cap:
            raise Refused(413, "field-too-long", f"Mục «{spec.label}» quá dài (tối đa {cap} ký tự)",
                          f"The field «{spec.id}» is too long (at most {cap} characters)", spec.id)


async def api_check(request: Request) -> Response:
    service: Service = request.app.state.service
    try:
        payload = await _read_payload(service, request)
        client = _client(request)
        wait = service.rates.checks.blocked(client)
        if wait:
            raise _too_many(wait)
        service.rates.checks.hit(client)
        checked = await _checked(service, payload.form, payload.fields, "web")
    except Refused as refused:
        return refused.response()
    return JSONResponse({"ok": checked.valid,
                         "findings": [finding_json(f, checked.field_lines) for f in checked.findings]})


def _accepted(item, findings: list[dict], code_given: bool) -> JSONResponse:
    return JSONResponse({"receipt": item.receipt, "state": item.state, "trusted": item.trusted,
                         "review": not item.trusted, "access_code_accepted": item.trusted if code_given else None,
                         "findings": findings, "status_url": f"/api/submissions/{item.receipt}"}, status_code=202)


async def api_submit(request: Request) -> Response:
    service: Service = request.app.state.service
    try:
        payload = await _read_payload(service, request)
        code = payload.access_code
        if payload.idempotency_key:  # a resend after a lost answer: the same receipt, nothing added
            earlier = await run_in_threadpool(service.journal.by_key, payload.idempotency_key)
            if earlier is not None:
                return _accepted(earlier, earlier.findings, bool(code))
        client = _client(request)
        if code:
            wait = service.rates.wrong_codes.blocked(client)
            if wait:
                raise _too_many(wait)
        wait = service.rates.checks.blocked(client) or (0 if code else service.rates.review.blocked(client))
        if wait:
            raise _too_many(wait)
        service.rates.checks.hit(client)
        checked = await _checked(service, payload.form, payload.fields, "web")
        findings = [finding_json(f, checked.field_lines) for f in checked.findings]
        if not checked.valid:
            return JSONResponse({"findings": findings}, status_code=422)
        trusted = bool(code) and await run_in_threadpool(access.verify, service.journal, checked.commune_code, code)
        if code and not trusted:
            service.rates.wrong_codes.hit(client)
        window = service.rates.trusted if trusted else service.rates.review
        wait = window.blocked(client)
        if wait:
            raise _too_many(wait)
        window.hit(client)
        receipt = await run_in_threadpool(
            service.journal.add, new_receipt(), payload.form, payload.fields, checked.body, checked.files,
            checked.title, checked.commit_message, checked.pull_body, checked.commune_code, checked.province_code,
            trusted, findings, payload.idempotency_key, checked.upserts)
    except Refused as refused:
        return refused.response()
    except sqlite3.Error:
        log.exception("journal write failed")
        return Refused(503, "journal-unavailable", "Hệ thống chưa lưu được biểu mẫu; hãy gửi lại sau ít phút",
                       "The submission could not be stored; send it again in a few minutes",
                       headers={"Retry-After": "60"}).response()
    service.worker.wake.set()
    item = service.journal.get(receipt)
    log.info("accepted %s (%s, %s)", receipt, payload.form, "trusted" if item.trusted else "review")
    return _accepted(item, item.findings, bool(code))


def status_json(item) -> dict:
    data = {"receipt": item.receipt, "state": item.state, "form": item.form, "trusted": item.trusted}
    if item.state == "committed":
        data["branch"] = item.branch
    if item.pull_url:
        data["pull_request"] = item.pull_url
    if item.state == "queued":
        data["attempts"] = item.attempts
    if item.state == "rejected":
        data["reasons"] = item.findings
    return data


async def api_status(request: Request) -> Response:
    service: Service = request.app.state.service
    receipt = request.path_params["receipt"]
    item = service.journal.get(receipt) if receipt.isalnum() and len(receipt) <= 64 else None
    wants_html = "text/html" in request.headers.get("accept", "")
    if item is None:
        if wants_html:
            return HTMLResponse(receipt_page(None, receipt, service.site_url), status_code=404)
        return JSONResponse({"findings": [{"field": None, "line": None, "code": "receipt-unknown",
                                           "message_vi": "Không có biên nhận này", "message_en": "No such receipt"}]},
                            status_code=404)
    item = await run_in_threadpool(service.worker.refresh, item)
    if wants_html:
        return HTMLResponse(receipt_page(item, receipt, service.site_url))
    return JSONResponse(status_json(item))


async def health(request: Request) -> Response:
    return JSONResponse({"ok": True, "forms": known_forms()})


async def internal_error(request: Request, exc: Exception) -> Response:
    """Our bug, never the submitter's: a clear answer (the form keeps the draft), the details in our log only."""
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return Refused(500, "internal-error", "Lỗi của hệ thống, không phải của bạn: biểu mẫu chưa được lưu, hãy gửi lại sau",
                   "Our error, not yours: the submission was not stored; please send it again later").response()


def create_app(service: Service) -> Starlette:
    def lifespan(app):
        from contextlib import asynccontextmanager

        @asynccontextmanager
        async def span(app):
            service.worker.start()
            try:
                yield
            finally:
                await run_in_threadpool(service.worker.stop)

        return span(app)

    app = Starlette(routes=[
        Route("/api/check", api_check, methods=["POST"]),
        Route("/api/submissions", api_submit, methods=["POST"]),
        Route("/api/submissions/{receipt}", api_status, methods=["GET"]),
        Route("/api/health", health, methods=["GET"]),
    ], middleware=[Middleware(CORSMiddleware, allow_origins=service.allow_origins, allow_methods=["GET", "POST"],
                              allow_headers=["Content-Type", "Idempotency-Key"], max_age=600)],
                    exception_handlers={Exception: internal_error}, lifespan=lifespan)
    app.state.service = service
    return app
