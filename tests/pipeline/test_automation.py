"""Schedule, inbox sensor and alerts, through Dagster's own test contexts and a real loopback HTTP server."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.definitions import defs
from pipelines.defs.resources import ImpactSettings
from pipelines.defs.run import run_pipeline
from pipelines.ingest.inbox import file_inbox
from pipelines.warehouse.alerts import post_json
from tests.helpers import CASE_STUDY, TODAY


def _repo():
    return defs.get_repository_def()


def test_daily_schedule_requests_a_warehouse_run() -> None:
    schedule = _repo().get_schedule_def("daily_warehouse_rebuild")
    assert schedule.cron_schedule == "0 6 * * *"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    requests = schedule.evaluate_tick(dg.build_schedule_context()).run_requests
    assert len(requests) == 1 and schedule.job_name == "build_warehouse"


def _sensor(tmp_path: Path):
    """Evaluate the sensor as the daemon does: the cursor of a tick that succeeded goes to the next."""
    sensor = _repo().get_sensor_def("inbox_sensor")
    settings = ImpactSettings(data_dir=str(tmp_path), warehouse=str(tmp_path / "w.duckdb"))
    cursor: list[str | None] = [None]

    def evaluate():
        context = dg.build_sensor_context(resources={"settings": settings}, cursor=cursor[0])
        result = sensor(context)
        cursor[0] = context.cursor
        return result

    return evaluate


def _drop(tmp_path: Path, name: str, content: str) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    (inbox / name).write_text(content)
    finished = time.time() - 60  # written a minute ago: settled (the inbox takes only finished files)
    os.utime(inbox / name, (finished, finished))


SOURCES = "source_id,publisher,published_on\nsrc,Press,2025-01-10\n"
FIGURES = "entity,metric,region,period,kind,value,unit,source_id\nAcme,revenue,DE,2024,actual,3,EUR bn,src\n"


def test_inbox_files_each_file_once_and_requests_one_run(tmp_path: Path) -> None:
    evaluate = _sensor(tmp_path)
    assert isinstance(evaluate(), dg.SkipReason)
    _drop(tmp_path, "sources-acme.csv", SOURCES)
    _drop(tmp_path, "acme numbers.csv", FIGURES)  # no prefix: told by its columns
    request = evaluate()
    assert isinstance(request, dg.RunRequest) and request.run_key.startswith("inbox-")
    filed = sorted(p.name for p in (tmp_path / "datasets" / "inbox").iterdir())
    assert [n.split("-")[0] for n in filed] == ["figures", "sources"]
    # the same file dropped again is set aside, and no run is requested
    _drop(tmp_path, "acme numbers.csv", FIGURES)
    assert isinstance(evaluate(), dg.SkipReason)
    assert len(list((tmp_path / "datasets" / "inbox").iterdir())) == 2
    assert (tmp_path / "inbox" / "processed" / "duplicate-acme numbers.csv").exists()


def test_unrecognisable_inbox_file_is_set_aside_with_a_reason(tmp_path: Path) -> None:
    _drop(tmp_path, "notes.csv", "a,b\n1,2\n")
    (result,) = file_inbox(tmp_path)
    assert result.status == "unrecognised" and "cannot tell the kind" in result.detail


def test_inbox_file_with_bad_rows_still_loads_its_good_rows(tmp_path: Path) -> None:
    _drop(tmp_path, "sources.csv", SOURCES)
    _drop(tmp_path, "figures.csv", FIGURES + "Acme,revenue,Atlantis,2024,actual,3,EUR bn,src\n")
    assert isinstance(_sensor(tmp_path)(), dg.RunRequest)
    summary = run_pipeline(
        ImpactSettings(data_dir=str(tmp_path), warehouse=str(tmp_path / "w.duckdb"), today=TODAY)
    )
    assert summary.published
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select region_code from figures").fetchall() == [("DE",)]
        assert (
            con.execute("select count(*) from rejected_rows where reason like 'unknown region%'").fetchone()[
                0
            ]
            == 1
        )


class _Hook(BaseHTTPRequestHandler):
    received: list[dict] = []
    failures_left = 0

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if _Hook.failures_left > 0:
            _Hook.failures_left -= 1
            self.send_response(503)
            self.end_headers()
            return
        _Hook.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def webhook():
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    _Hook.received, _Hook.failures_left = [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/alerts"
    server.shutdown()


def test_post_retries_until_the_webhook_answers(webhook: str) -> None:
    _Hook.failures_left = 2
    delivery = post_json(webhook, {"hello": 1}, retries=3, backoff_s=0.01)
    assert delivery.delivered and delivery.attempts == 3
    assert _Hook.received == [{"hello": 1}]


def test_a_dead_webhook_is_reported_not_raised() -> None:
    delivery = post_json(
        "http://127.0.0.1:9/nothing-listens", {"x": 1}, retries=2, timeout_s=0.5, backoff_s=0.01
    )
    assert not delivery.delivered and delivery.attempts == 2


def test_a_run_raises_new_alerts_once_and_posts_them(tmp_path: Path, webhook: str) -> None:
    shutil.copytree(CASE_STUDY, tmp_path / "datasets" / "cs")
    settings = ImpactSettings(
        data_dir=str(tmp_path), warehouse=str(tmp_path / "w.duckdb"), today=TODAY, alert_webhook=webhook
    )
    assert run_pipeline(settings).published
    (payload,) = _Hook.received
    messages = sorted(a["message"] for a in payload["alerts"])
    assert any(
        "US for 2024 missed its target by 51.4% (USD 8.50 bn against USD 17.50 bn)" in m for m in messages
    )
    assert all(abs(a["measure"]) >= 0.10 for a in payload["alerts"] if a["alert_type"] == "large_miss")
    # a second run on the same inputs raises nothing new and posts nothing
    assert run_pipeline(settings).published
    assert len(_Hook.received) == 1
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from alerts").fetchone()[0] == len(payload["alerts"])


def test_a_dead_webhook_never_fails_the_run(tmp_path: Path) -> None:
    shutil.copytree(CASE_STUDY, tmp_path / "datasets" / "cs")
    settings = ImpactSettings(
        data_dir=str(tmp_path),
        warehouse=str(tmp_path / "w.duckdb"),
        today=TODAY,
        alert_webhook="http://127.0.0.1:9/nothing-listens",
    )
    assert run_pipeline(settings).published


def test_streak_alerts_use_the_configured_length(tmp_path: Path) -> None:
    folder = tmp_path / "datasets" / "m"
    folder.mkdir(parents=True)
    (folder / "sources.csv").write_text("source_id,publisher,published_on\ns,Internal,2024-01-01\n")
    rows = ["entity,metric,region,period,kind,value,unit,source_id,as_of"]
    for month, actual in zip(range(1, 7), [9, 8, 9, 11, 9, 9], strict=True):
        rows.append(f"Acme,revenue,FR,2024-{month:02d},target,10,USD m,s,2024-01-01")
        rows.append(f"Acme,revenue,FR,2024-{month:02d},actual,{actual},USD m,s,2024-{month:02d}-28")
    (folder / "figures.csv").write_text("\n".join(rows) + "\n")
    settings = ImpactSettings(
        data_dir=str(tmp_path),
        warehouse=str(tmp_path / "w.duckdb"),
        today=TODAY,
        alert_streak_periods=3,
        alert_miss_pct=50,
    )
    assert run_pipeline(settings).published
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        got = con.execute(
            "select period, measure from alerts where alert_type = 'shortfall_streak'"
        ).fetchall()
    assert got == [("2024-01..2024-03", 3.0)]
