"""After a successful build the configured reports (IMPACT_REPORTS) are written to DATA_DIR/reports/ with dated
names, and the alert webhook's message links them: a real Dagster run and a real loopback receiver."""

from __future__ import annotations

import json
import re
import shutil
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

import duckdb
import pytest

from pipelines.defs.resources import ImpactSettings
from pipelines.defs.run import run_pipeline
from tests.helpers import CASE_STUDY, TODAY, wait_until


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        _Receiver.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def _wait_until_listening(port: int, timeout_s: float = 60) -> None:
    """Poll the receiver's port until it accepts a connection (bounded; no fixed sleep)."""
    wait_until(
        lambda: socket.create_connection(("127.0.0.1", port), timeout=5).close() or True,
        timeout_s,
        "the receiver",
    )


@pytest.fixture
def receiver():
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    _wait_until_listening(port)
    yield f"http://127.0.0.1:{port}/hook"
    server.shutdown()
    thread.join(timeout=5)


def test_the_build_writes_each_report_and_the_webhook_links_it(tmp_path: Path, receiver: str) -> None:
    shutil.copytree(CASE_STUDY, tmp_path / "datasets" / "cs")
    settings = ImpactSettings(
        data_dir=str(tmp_path),
        warehouse=str(tmp_path / "w.duckdb"),
        today=TODAY,
        alert_webhook=receiver,
        # the second selection has nothing to report: listed as failed, never failing the run
        reports="entity=TikTok Shop,metric=gmv,region=US,period=2024; entity=Nobody,metric=gmv",
    )
    summary = run_pipeline(settings)
    assert summary.published, summary.error

    written = sorted((tmp_path / "reports").iterdir())
    assert [
        p.name
        for p in written
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}-tiktok-shop-gmv-us-2024\.html", p.name)
    ] == []
    (report,) = written
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        (inputs_hash,) = con.execute("select inputs_hash from build_info").fetchone()
    html = report.read_text(encoding="utf-8")
    assert inputs_hash in html and "USD 17.5bn" in html  # this build's report, with the US target

    (message,) = _Receiver.received
    assert message["kind"] == "alerts" and message["alerts"]
    (link,) = message["reports"]
    assert link["selection"] == "tiktok-shop-gmv-us-2024"
    assert Path(unquote(urlparse(link["url"]).path)) == report.resolve() == Path(link["path"])
