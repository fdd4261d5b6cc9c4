"""Reading a province package from a folder or over HTTP(S): capped, confined to where its descriptor is.

Only paths the descriptor vetting allowed are read, each under the descriptor's own folder (after
symlinks) or at the descriptor's own origin; a redirect to another host is refused. Every read stops
at its byte cap, so a runaway or hostile server costs at most the cap.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from .layout import DESCRIPTOR_JSON

DESCRIPTOR_CAP = 4 << 20
_CHUNK = 1 << 16


class FetchError(Exception):
    """A file could not be read within the rules; the messages say why, Vietnamese first."""

    def __init__(self, code: str, message_vi: str, message_en: str):
        super().__init__(message_en)
        self.code, self.message_vi, self.message_en = code, message_vi, message_en


def _origin(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, parts.netloc.lower()


class _SameOrigin(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to the descriptor's own scheme and host."""

    def __init__(self, origin: tuple[str, str]):
        self.origin = origin

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if _origin(urllib.parse.urljoin(req.full_url, newurl)) != self.origin:
            raise FetchError("redirect-elsewhere", f"Máy chủ chuyển hướng sang địa chỉ khác: {newurl[:200]}",
                             f"The server redirects to another host: {newurl[:200]}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Source:
    """One province package: a `datapackage.json` given as a path (or its folder) or an http(s) URL."""

    def __init__(self, text: str, timeout: float = 30.0):
        self.text = text
        self.timeout = timeout
        self.is_url = text.startswith(("http://", "https://"))
        if self.is_url:
            self.descriptor = text
            self.base = urllib.parse.urljoin(text, ".")
            self._opener = urllib.request.build_opener(_SameOrigin(_origin(text)))
        else:
            path = Path(text)
            self.descriptor = str(path / DESCRIPTOR_JSON if path.is_dir() else path)
            self.base = str(Path(self.descriptor).resolve().parent)

    def read_descriptor(self) -> bytes:
        if self.is_url:
            return self._get(self.descriptor, DESCRIPTOR_CAP)
        return self._read_file(Path(self.descriptor), DESCRIPTOR_CAP, Path(self.descriptor).name)

    def read(self, relpath: str, cap: int) -> bytes:
        """One file named by the (already vetted) relative path, at most `cap` bytes."""
        if self.is_url:
            url = urllib.parse.urljoin(self.base, urllib.parse.quote(relpath))
            if _origin(url) != _origin(self.base) or not url.startswith(self.base):
                raise FetchError("path-outside", f"{relpath} nằm ngoài thư mục của gói", f"{relpath} is outside the package")
            return self._get(url, cap)
        base = Path(self.base)
        path = (base / relpath).resolve()
        if not path.is_relative_to(base):
            raise FetchError("path-outside", f"{relpath} trỏ ra ngoài thư mục của gói", f"{relpath} points outside the package")
        return self._read_file(path, cap, relpath)

    @staticmethod
    def _read_file(path: Path, cap: int, name: str) -> bytes:
        if not path.is_file():
            raise FetchError("file-missing", f"Không có tệp {name}", f"No file {name}")
        if path.stat().st_size > cap:
            raise FetchError("file-too-large", f"Tệp {name} lớn hơn giới hạn {cap:,} byte",
                             f"File {name} is over the {cap:,}-byte limit")
        return path.read_bytes()

    def _get(self, url: str, cap: int) -> bytes:
        if _origin(url)[0] not in ("http", "https"):
            raise FetchError("unreachable", f"Chỉ nhận địa chỉ http(s): {url[:200]}", f"Only http(s) addresses: {url[:200]}")
        request = urllib.request.Request(url, headers={"User-Agent": "cnscd-federate", "Accept-Encoding": "identity"})  # noqa: S310 - http(s) only, checked above
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                length = response.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > cap:
                    raise FetchError("file-too-large", f"{url} lớn hơn giới hạn {cap:,} byte",
                                     f"{url} is over the {cap:,}-byte limit")
                chunks, size = [], 0
                while chunk := response.read(_CHUNK):
                    size += len(chunk)
                    if size > cap:
                        raise FetchError("file-too-large", f"{url} lớn hơn giới hạn {cap:,} byte",
                                         f"{url} is over the {cap:,}-byte limit")
                    chunks.append(chunk)
                return b"".join(chunks)
        except urllib.error.HTTPError as exc:
            raise FetchError("unreachable", f"Không tải được {url} (HTTP {exc.code})",
                             f"Could not fetch {url} (HTTP {exc.code})") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError("unreachable", f"Không kết nối được {url} ({reason})",
                             f"Could not reach {url} ({reason})") from exc
