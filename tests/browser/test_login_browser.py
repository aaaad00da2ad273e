"""Issue 13, fault 16: the documented OIDC login failed (`StreamlitMissingAuthlibError`, a traceback).

The real dashboard, served as `impact dashboard` serves it, with an `[auth]` section pointing at a local OIDC
stub (discovery document and an authorisation endpoint that records the request): a visitor who presses
"Log in" is sent to the identity provider with the client id, the redirect URI, a state and a PKCE challenge.
Everything stays on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from pipelines.cli.processes import dashboard_command
from tests.helpers import free_port, port_answers, wait_until

from .browser import MARKS, ms

pytestmark = MARKS


class _Stub(BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        _Stub.seen.append(self.path)
        base = f"http://127.0.0.1:{self.server.server_port}"
        if self.path.startswith("/.well-known/openid-configuration"):
            body = json.dumps(
                {
                    "issuer": base,
                    "authorization_endpoint": f"{base}/authorize",
                    "token_endpoint": f"{base}/token",
                    "jwks_uri": f"{base}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "code_challenge_methods_supported": ["S256"],
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
        else:
            body = b"<html><body><h1>Stub identity provider</h1></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_log_in_redirects_to_the_identity_provider(browser, tmp_path: Path, case_study_run) -> None:
    stub = HTTPServer(("127.0.0.1", 0), _Stub)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    port = free_port()
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-that-is-long-enough"\n'
        'client_id = "impact-test-client"\n'
        'client_secret = "impact-test-secret"\n'
        f'server_metadata_url = "http://127.0.0.1:{stub.server_port}/.well-known/openid-configuration"\n'
    )
    env = {**os.environ, "IMPACT_WAREHOUSE": str(case_study_run.warehouse)}
    proc = subprocess.Popen(
        dashboard_command(port, "127.0.0.1"),
        cwd=tmp_path,  # Streamlit reads .streamlit/secrets.toml from where it is started
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: port_answers(url + "/_stcore/health"), 120, "the dashboard", alive=[proc])
        page = browser.new_page()
        page.goto(url, wait_until="networkidle")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"http://127.0.0.1:{stub.server_port}/authorize*", timeout=ms(60))
        query = parse_qs(urlparse(page.url).query)
        assert query["client_id"] == ["impact-test-client"]
        assert query["redirect_uri"] == [f"http://127.0.0.1:{port}/oauth2callback"]
        assert query["response_type"] == ["code"] and "openid" in query["scope"][0]
        assert query["state"][0] and query["code_challenge_method"] == ["S256"]
        assert page.get_by_text("Stub identity provider").is_visible()
        page.close()
    finally:
        proc.terminate()
        try:
            out, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        stub.shutdown()
    assert "Traceback" not in out, out[-3000:]
    if not any(p.startswith("/authorize") for p in _Stub.seen):
        pytest.fail(f"the identity provider was never asked: {_Stub.seen}")
