"""`cnscd serve`: a live preview on 127.0.0.1 that follows edits to data/ and docs/ without rebuilding everything.

session.py decides what an edit touches, engine.py renders single pages with MkDocs kept in memory,
server.py serves the site and tells open pages to reload, watch.py notices edits.
"""

from __future__ import annotations

import datetime as dt
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from . import watch
from .server import Versions, bind, start
from .session import Session

POLL_SECONDS = 0.25


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt


def serve(data_dir: Path, host: str = "127.0.0.1", port: int = 8000, today: dt.date | None = None,
          config_path: Path | None = None, site_dir: Path | None = None) -> int:
    """Build once, serve, then keep the site up to date until interrupted; raises BuildRefused on bad data at start."""
    work = Path(tempfile.mkdtemp(prefix="cnscd-preview-"))
    site = Path(site_dir) if site_dir else work / "site"
    versions = Versions()
    try:
        server = bind(site, host, port, versions)
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        print(f"LỖI/ERROR: không mở được {host}:{port} (cổng đang bận? thử --port khác) / cannot listen on "
              f"{host}:{port}: {exc}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _stop)
    serving = False
    try:
        session = Session(data_dir, site, work / "build", today, config_path)
        seconds = ", ".join(f"{stage} {value:.1f}s" for stage, value in session.report.seconds.items())
        print(f"Đã dựng {session.report.pages} trang / built {session.report.pages} pages: {seconds}", flush=True)
        roots = [session.data_dir, session.docs_source]
        snapshot = watch.scan(roots)
        start(server)
        serving = True
        address = f"http://{host}:{server.server_address[1]}/"
        print(f"Đang xem trước tại {address} — sửa data/ hoặc docs/, trang đang mở tự tải lại; Ctrl+C để dừng / "
              f"previewing at {address}", flush=True)
        while True:
            time.sleep(POLL_SECONDS)
            current = watch.scan(roots)
            changed = watch.changes(snapshot, current)
            if not changed:
                continue
            time.sleep(POLL_SECONDS / 5)  # an editor may write a file in more than one go
            current = watch.scan(roots)
            changed |= watch.changes(snapshot, current)
            snapshot = current
            saved = max((current[str(path)][0] for path in changed if str(path) in current), default=time.time_ns())
            update = session.apply(changed)
            findings = session.banner_findings()
            versions.publish(update.paths, findings)
            latency = (time.time_ns() - saved) / 1e9
            print(f"[xem trước / preview] {update.what}: {len(update.paths)} trang / pages, "
                  f"{latency:.2f} s sau khi lưu / after saving, CPU {update.cpu_seconds:.2f} s", flush=True)
            for finding in findings:
                print("  " + finding.text(), file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        return 0
    finally:
        if serving:  # shutdown() waits for a loop that must have started
            server.shutdown()
        server.server_close()
        shutil.rmtree(work, ignore_errors=True)
