"""Issue 28, faults 7 and 18, against the real dashboard server: the upload limits hold on the server, not only
in the browser. A session opened in headless Chromium uploads a small CSV through the page; then the test
speaks to the server directly, with that session's upload address and XSRF token, as a hostile client would.

Before: the server took a 150 MB file (Streamlit's default `server.maxUploadSize` is 200 MB), any number of
files per session, and held them in memory; the browser refused above 10,000,000 bytes, the product above
10,485,760. Now: above 10,000,000 bytes is refused (HTTP 413), a session holds at most 4 files and 21,000,000
bytes, and what it holds is on disk in the server's spool folder."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest
import requests

from pipelines.ingest.layouts.upload import MAX_SESSION_BYTES, MAX_SESSION_FILES, MAX_UPLOAD_BYTES
from tests.case_study import REPO

from .browser import MARKS, start_dashboard, wait_until_settled
from .test_upload_browser import choose_file, wait_for_text

pytestmark = MARKS
EARNINGS = REPO / "data" / "examples" / "datasets" / "earnings" / "earnings-2024.csv"


@pytest.fixture(scope="module")
def upload_server(case_warehouse, tmp_path_factory):
    data_dir, spool_root = tmp_path_factory.mktemp("upload-limits"), tmp_path_factory.mktemp("spool")
    before = {k: os.environ.get(k) for k in ("IMPACT_DATA_DIR", "TMPDIR")}
    os.environ.update(IMPACT_DATA_DIR=str(data_dir), TMPDIR=str(spool_root))
    try:
        proc, url = start_dashboard(case_warehouse)
    finally:
        for key, value in before.items():
            os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)
    yield proc, url, data_dir, spool_root
    proc.terminate()
    proc.wait(timeout=20)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def test_the_server_enforces_size_count_and_total_and_keeps_files_on_disk(upload_server, browser):
    proc, url, data_dir, spool_root = upload_server
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    puts: list = []
    page.on("request", lambda r: puts.append(r) if r.method == "PUT" and "/upload_file/" in r.url else None)
    try:
        page.goto(f"{url}/upload")
        wait_until_settled(page, 0)
        wait_for_text(page, "Upload a spreadsheet")
        body = page.inner_text("body")
        assert "CSV or .xlsx, at most 10 MB" in body and str(data_dir) not in body  # fault 18
        choose_file(page, 0, str(EARNINGS))
        wait_for_text(page, "Layout")
        assert puts, "the page's own upload was not seen"
        session = puts[0].url.split("/upload_file/")[1].split("/")[0]
        headers = {k: v for k, v in puts[0].headers.items() if k.lower() == "x-xsrftoken"}
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}

        def put(size: int) -> int:
            files = {"file": ("budget.csv", b"a" * size, "text/csv")}
            target = f"{url}/_stcore/upload_file/{session}/{uuid.uuid4()}"
            return requests.put(
                target, files=files, headers=headers, cookies=cookies, timeout=120
            ).status_code

        rss_before = _rss_mb(proc.pid)
        started = time.perf_counter()
        assert put(150_000_000) == 413  # fault 7: was 204, held in memory
        print(f"\nuploads: 150 MB refused (413) in {time.perf_counter() - started:.1f} s")
        assert put(MAX_UPLOAD_BYTES + 1) == 413  # fault 18: one limit in bytes
        assert put(MAX_UPLOAD_BYTES) == 204
        assert put(MAX_UPLOAD_BYTES) == 204  # the CSV + 2 x 10 MB: 20,0xx,xxx bytes of 21,000,000
        assert put(MAX_SESSION_BYTES - 2 * MAX_UPLOAD_BYTES) == 413  # over the session's total
        statuses = [put(1000) for _ in range(MAX_SESSION_FILES)]
        assert statuses.count(204) == MAX_SESSION_FILES - 3 and statuses[-1] == 413, statuses  # count
        held = [p for p in spool_root.glob("impact-uploads-*/*") if p.is_file()]
        on_disk = sum(p.stat().st_size for p in held)
        rss_after = _rss_mb(proc.pid)
        print(
            f"uploads: the session holds {len(held)} files, {on_disk:,} bytes on disk; server RSS "
            f"{rss_before:.0f} -> {rss_after:.0f} MB"
        )
        assert len(held) == MAX_SESSION_FILES and 2 * MAX_UPLOAD_BYTES < on_disk <= MAX_SESSION_BYTES
        assert rss_after < rss_before + 200  # transient copies of one request at a time, nothing held
        wait_until_settled(page, 0)
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.close()
