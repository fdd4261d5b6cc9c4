"""An Atom feed (RFC 4287) of a province's roster changes, written with ElementTree so every value is escaped."""

from __future__ import annotations

import datetime as dt
import hashlib
import xml.etree.ElementTree as ET

from .log import Change

ATOM = "http://www.w3.org/2005/Atom"
FEED_NAME = "thay-doi.xml"
ENTRIES = 200  # the newest; the full history stays in git


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _entry_id(feed_id: str, change: Change) -> str:
    key = "\x1f".join((change.commit, change.kind, change.team_id, change.person, change.role, change.on.isoformat()))
    return f"{feed_id}#{hashlib.sha1(key.encode()).hexdigest()[:16]}"  # noqa: S324 - an identifier, not security


def atom(title: str, page_url: str, feed_url: str, changes: list[Change], commune_urls: dict[str, str],
         commune_names: dict[str, str]) -> bytes:
    """The feed: newest change first; each entry links to its commune's page."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "vi"})
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_url
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": feed_url, "type": "application/atom+xml"})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": page_url, "type": "text/html"})
    newest = sorted(changes, key=lambda c: (c.committed, c.on), reverse=True)[:ENTRIES]
    updated = newest[0].committed if newest else dt.date(2025, 7, 1)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(updated)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "Tổ Công nghệ số cộng đồng — dữ liệu mở"
    for change in newest:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        commune = commune_names.get(change.commune_code, "")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = change.text_vi() + (f" — {commune}" if commune else "")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = _entry_id(feed_url, change)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(change.committed)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(change.on)
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": change.kind})
        link = commune_urls.get(change.commune_code, page_url)
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": link, "type": "text/html"})
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = (
            f"Ngày {change.on.strftime('%d/%m/%Y')}: {change.text_vi()}"
            + (f", {commune}" if commune else "") + f" (ghi nhận {change.committed.strftime('%d/%m/%Y')}).")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
