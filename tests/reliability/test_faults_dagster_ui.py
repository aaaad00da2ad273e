"""Issue 29, fault 5: the Dagster UI's GraphQL endpoint ran mutations sent as GET requests (and JSON bodies
labelled text/plain), so any page the operator opened could launch runs or stop sensors on loopback.

A real webserver as `impact serve` starts it (pipelines/defs/webserver_guard.py), bound to 127.0.0.1 on a
free port.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from pipelines.cli import processes
from pipelines.defs.webserver import LAUNCH, materialize_all_params, stop
from tests.helpers import free_port, port_answers, wait_until

RUNS = "query { runsOrError { __typename ... on Runs { count } } }"


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    data = tmp_path_factory.mktemp("dagster-ui")
    home = data / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {**os.environ, "DAGSTER_HOME": str(home), "IMPACT_DATA_DIR": str(data)}
    env["IMPACT_WAREHOUSE"] = str(data / "warehouse.duckdb")
    port = free_port()
    command = processes.serve_commands("127.0.0.1", free_port(), port, "127.0.0.1")["dagster webserver"]
    proc = subprocess.Popen(
        command,
        env=env,
        stdout=(home / "webserver.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until(
            lambda: port_answers(f"http://127.0.0.1:{port}/server_info"),
            900,
            "the Dagster webserver",
            alive=[proc],
            log=home / "webserver.log",
        )
        yield port
    finally:
        stop([proc])


def _request(port: int, method: str, query: str, variables: dict | None = None, **headers):
    """(status, parsed JSON answer) of one GraphQL request: GET with the query in the URL, POST with a JSON
    body (headers may relabel its Content-Type or add an Origin)."""
    url = f"http://127.0.0.1:{port}/graphql"
    payload = {"query": query, **({"variables": json.dumps(variables)} if variables else {})}
    if method == "GET":
        request = urllib.request.Request(f"{url}?{urllib.parse.urlencode(payload)}")
    else:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(url, body, {"Content-Type": "application/json"}, method="POST")
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _runs(port: int) -> int:
    status, answer = _request(port, "POST", RUNS)
    assert status == 200, answer
    return answer["data"]["runsOrError"]["count"]


def test_a_mutation_sent_as_get_is_refused_and_launches_nothing(webserver):
    params = {"params": materialize_all_params()}
    status, answer = _request(webserver, "GET", LAUNCH, params)
    assert status == 405, answer
    assert "not run over GET" in answer["errors"][0]["message"]
    # a query first, then the mutation: refused all the same
    status, _ = _request(webserver, "GET", "query A { version }\n" + LAUNCH, params, operationName="A")
    assert status == 405
    assert _runs(webserver) == 0


def test_a_json_body_labelled_as_text_is_refused(webserver):
    """`text/plain; application/json` needs no CORS preflight; Dagster parsed it as JSON all the same."""
    status, answer = _request(
        webserver,
        "POST",
        LAUNCH,
        {"params": materialize_all_params()},
        Content_Type="text/plain; application/json",
    )
    assert status == 415, answer
    assert _runs(webserver) == 0


def test_a_post_from_another_origin_is_refused(webserver):
    status, answer = _request(webserver, "POST", "{ version }", Origin="http://evil.example")
    assert status == 403 and "another origin" in answer["errors"][0]["message"]


def test_queries_and_the_uis_own_requests_still_work(webserver):
    status, answer = _request(webserver, "GET", "{ version }")
    assert status == 200 and answer["data"]["version"]
    status, answer = _request(webserver, "POST", "{ version }", Origin=f"http://127.0.0.1:{webserver}")
    assert status == 200 and answer["data"]["version"]
    page = urllib.request.Request(f"http://127.0.0.1:{webserver}/graphql", headers={"Accept": "text/html"})
    with urllib.request.urlopen(page, timeout=60) as response:  # GraphiQL
        assert response.status == 200 and b"graphiql" in response.read().lower()


def test_serve_starts_the_guarded_webserver():
    web = processes.serve_commands("127.0.0.1", 8501, 3000, "127.0.0.1")["dagster webserver"]
    assert web[:3] == [sys.executable, "-m", "pipelines.defs.webserver_guard"]
    assert Path(web[0]).exists()
