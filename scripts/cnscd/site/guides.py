"""Trainers' guides (docs/huong-dan/*.md): front matter checked, Markdown rendered and sanitised with nh3.

A guide is written by a trainer, not by the maintainers, so its Markdown is turned into HTML here and
cleaned before any engine sees it: raw <script>, event handlers and javascript: links cannot pass.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import nh3
import yaml

from ..contact import find_contacts, message
from ..model import PILLAR_VI, Finding, Pillar, Severity
from ..text import fold, has_html, slugify

REQUIRED = ("title", "platform", "pillar", "audience", "author", "reviewed_on")
# Front matter is a handful of short fields: a block past this is refused before YAML reads it.
MAX_FRONT_MATTER_CHARS = 10_000
_FRONT = re.compile(r"^---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_TAGS = set(nh3.ALLOWED_TAGS) - {"map", "area", "center", "font"}
_ATTRIBUTES = {**{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items() if tag in _TAGS},
               **{h: {"id"} for h in _HEADINGS}}


def heading_slug(value: str, separator: str = "-") -> str:
    """Heading anchors as people type them: đ kept as d (`doi-da-nang`), no diacritics."""
    return slugify(value).replace("-", separator)


@dataclass
class Guide:
    source: str  # path relative to docs/, e.g. huong-dan/cai-dat-vneid.md
    meta: dict
    body_html: str = ""
    text: str = ""
    findings: list[Finding] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return Path(self.source).stem

    @property
    def pillar_vi(self) -> str:
        return PILLAR_VI.get(self.meta.get("pillar"), str(self.meta.get("pillar", "")))


def _error(source: str, name: str | None, code: str, vi: str, en: str) -> Finding:
    return Finding(source, None, name, code, vi, en)


def check_front_matter(source: str, meta: object) -> list[Finding]:
    """Each field present and well-formed; every problem names the file and the field."""
    if not isinstance(meta, dict):
        return [_error(source, None, "guide-front-matter", "Thiếu phần khai báo đầu tệp (--- ... ---)",
                       "Missing front matter block (--- ... ---)")]
    found = []
    for name in REQUIRED:
        value = meta.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            found.append(_error(source, name, "guide-field-missing", f"Thiếu trường bắt buộc “{name}”",
                                f"Required field “{name}” is missing"))
    for name in ("title", "platform", "audience", "author"):
        value = meta.get(name)
        if value is not None and not isinstance(value, str):
            found.append(_error(source, name, "guide-field-type", f"Trường “{name}” phải là chữ",
                                f"Field “{name}” must be text"))
        # The engine's theme prints the title unescaped in the header, so markup never gets that far.
        elif isinstance(value, str) and (has_html(value) or '"' in value):
            found.append(_error(source, name, "guide-field-html",
                                f"Trường “{name}” không được chứa mã HTML hay dấu \"",
                                f"Field “{name}” must not contain HTML markup or \""))
    for name, value in meta.items():
        # A guide's body may show an office hotline; its front matter (author, audience…) never holds a contact.
        contacts = find_contacts(value) if isinstance(value, str) else []
        if contacts:
            vi, en = message(contacts[0].kind, f"trường “{name}”", f"field “{name}”")
            found.append(_error(source, str(name), "contact-in-text", vi, en))
    pillar = meta.get("pillar")
    if pillar is not None and not isinstance(pillar, str):
        found.append(_error(source, "pillar", "guide-field-type", "Trường “pillar” phải là chữ",
                            "Field “pillar” must be text"))
    elif pillar is not None and pillar not in {p.value for p in Pillar}:
        allowed = ", ".join(p.value for p in Pillar)
        found.append(_error(source, "pillar", "guide-pillar", f"Trụ cột “{pillar}” không hợp lệ; chọn một trong: {allowed}",
                            f"Pillar “{pillar}” is not valid; use one of: {allowed}"))
    reviewed = meta.get("reviewed_on")
    if reviewed is not None and not isinstance(reviewed, dt.date):
        try:
            dt.date.fromisoformat(reviewed if isinstance(reviewed, str) else "")
        except ValueError:
            found.append(_error(source, "reviewed_on", "guide-date", f"Ngày rà soát “{reviewed}” phải có dạng YYYY-MM-DD",
                                f"Review date “{reviewed}” must be YYYY-MM-DD"))
    return found


def check_body_contacts(source: str, body: str, line: int | None = None) -> list[Finding]:
    """A guide may show an office's landline (02…) or an agency's e-mail (….gov.vn) as a warning for the
    reviewer; a mobile number or a private e-mail is a person's and is refused. Hotlines 1900/1800 pass."""
    found = []
    for item in find_contacts(body):
        digits = "".join(c for c in item.text if c.isdigit())
        office = (item.kind == "phone" and (digits.startswith("02") or digits.startswith("842"))) or (
            item.kind == "email" and item.text.lower().endswith(".gov.vn"))
        if office:
            found.append(Finding(source, line, "body", "contact-in-guide-body",
                                 f"Bài có số/địa chỉ liên hệ «{item.text}»: người duyệt kiểm tra đó là của cơ quan",
                                 f"The guide shows a contact «{item.text}»: the reviewer checks it is an office's",
                                 Severity.WARNING))
        else:
            vi, en = message(item.kind, "nội dung bài hướng dẫn", "a guide's text")
            found.append(Finding(source, line, "body", "contact-in-text",
                                 f"«{item.text}»: {vi}; dùng số tổng đài (1900…, 1800…) hoặc số cơ quan",
                                 f"«{item.text}»: {en}; use a hotline (1900…, 1800…) or an office number"))
    return found


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases (an alias bomb expands to gigabytes) and with dates kept as text,
    so an impossible date is our located error rather than the YAML library's exception."""

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent) or getattr(self.peek_event(), "anchor", None):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "anchors and aliases (&, *) are not allowed", event.start_mark)
        return super().compose_node(parent, index)


_FrontMatterLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def parse_front_matter(text: str) -> object:
    """The front matter block as data; raises ValueError (with a reason) for oversized or unsafe YAML."""
    if len(text) > MAX_FRONT_MATTER_CHARS:
        raise ValueError(f"longer than {MAX_FRONT_MATTER_CHARS} characters")
    try:
        meta = yaml.load(text, Loader=_FrontMatterLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if isinstance(meta, dict) and isinstance(meta.get("reviewed_on"), str):
        with contextlib.suppress(ValueError):  # check_front_matter names a bad date
            meta["reviewed_on"] = dt.date.fromisoformat(meta["reviewed_on"])
    return meta


def sanitise(html: str) -> str:
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto", "tel"},
                     link_rel="noopener noreferrer nofollow")


def render_markdown(text: str) -> str:
    converter = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists", "toc"],
                                  extension_configs={"toc": {"slugify": heading_slug}})
    return sanitise(converter.convert(text))


def load_guide(docs_dir: Path, path: Path) -> Guide:
    relpath = path.relative_to(docs_dir).as_posix()
    source = f"{docs_dir.name}/{relpath}"
    text = path.read_text(encoding="utf-8")
    match = _FRONT.match(text)
    meta: object = None
    body = text
    if match:
        body = text[match.end():]
        try:
            meta = parse_front_matter(match.group(1))
        except (yaml.YAMLError, ValueError) as exc:
            return Guide(relpath, {}, findings=[
                _error(source, None, "guide-front-matter", f"Phần khai báo đầu tệp không phải YAML hợp lệ: {exc}",
                       f"Front matter is not valid YAML: {exc}")])
    guide = Guide(relpath, meta if isinstance(meta, dict) else {},
                  findings=check_front_matter(source, meta))
    guide.findings += [f for f in check_body_contacts(source, body) if f.severity == Severity.ERROR]
    if not guide.findings:
        guide.body_html = render_markdown(body)
        guide.text = body
    return guide


def load_guides(docs_dir: Path) -> list[Guide]:
    folder = docs_dir / "huong-dan"
    if not folder.is_dir():
        return []
    return [load_guide(docs_dir, path) for path in sorted(folder.glob("*.md")) if path.name != "index.md"]


def folded_words(guide: Guide) -> str:
    """The guide's words without diacritics, indexed so site search finds `huong dan` for `hướng dẫn`."""
    words = " ".join(str(guide.meta.get(name, "")) for name in ("title", "platform", "audience")) + " " + guide.text
    words = re.sub(r"[^\w\s]", " ", fold(words))
    return " ".join(dict.fromkeys(words.split()))
