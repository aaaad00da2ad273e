"""Issue 23, CI under load: a test waits for the condition it needs (tests/helpers.py `wait_until`: polled
with backoff up to a bound scaled by IMPACT_TEST_TIMEOUT_SCALE), never for a fixed time. A fixed pause is
too short on a loaded 2-core runner and wasted time on an idle one.

Allowed: the sleep inside `wait_until`, and a sleep marked `# pacing:` on its line (load a test generates on
purpose: a visitor's reload a second, a child process's own script), never a wait for readiness. Playwright's
`wait_for_timeout` is never allowed."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import REPO, scaled, wait_until

TESTS = REPO / "tests"
FIXED = re.compile(r"\b(?:time\.sleep|asyncio\.sleep|wait_for_timeout)\s*\(")
HELPER = TESTS / "helpers.py"


def fixed_waits(root: Path) -> list[str]:
    """Every `path:line: text` under `root` that pauses for a fixed time outside the one helper."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if path == Path(__file__):
            continue  # this file names the patterns
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if not FIXED.search(line):
                continue
            if path == HELPER and line.strip().startswith("time.sleep(min(pause"):
                continue  # wait_until's own backoff
            if "wait_for_timeout" not in line and "# pacing:" in line:
                continue
            found.append(f"{path.relative_to(root.parent)}:{number}: {line.strip()}")
    return found


def test_no_fixed_sleep_or_wait_for_timeout_in_tests():
    offenders = fixed_waits(TESTS)
    assert not offenders, "wait for a condition with tests.helpers.wait_until instead:\n" + "\n".join(
        offenders
    )


def test_the_lint_sees_a_fixed_wait(tmp_path):
    (tmp_path / "test_x.py").write_text(
        "import time\ntime.sleep(1)\npage.wait_for_timeout(1500)  # pacing: no\ntime.sleep(0.2)  # pacing: ok\n"
    )
    assert [line.split(": ", 1)[1] for line in fixed_waits(tmp_path)] == [
        "time.sleep(1)",
        "page.wait_for_timeout(1500)  # pacing: no",
    ]


def test_wait_until_returns_the_value_and_names_what_timed_out(monkeypatch):
    calls = []
    assert wait_until(lambda: calls.append(1) or (len(calls) >= 3 and "ready"), 10, "three calls") == "ready"
    monkeypatch.setenv("IMPACT_TEST_TIMEOUT_SCALE", "0.01")
    assert scaled(100) == pytest.approx(1.0)
    with pytest.raises(
        AssertionError, match=r"timed out after 0 s waiting for the port \(last error: OSError"
    ):
        wait_until(lambda: (_ for _ in ()).throw(OSError("refused")), 10, "the port")
    monkeypatch.setenv("IMPACT_TEST_TIMEOUT_SCALE", "fast")
    with pytest.raises(ValueError, match="IMPACT_TEST_TIMEOUT_SCALE='fast'"):
        scaled(1)


def test_wait_until_fails_at_once_when_the_process_it_waits_on_exits(tmp_path):
    log = tmp_path / "server.log"
    log.write_text("Address already in use\n")
    proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    proc.wait()
    started = time.monotonic()
    with pytest.raises(AssertionError, match=r"exited with 3\nAddress already in use"):
        wait_until(lambda: False, 600, "the server", alive=[proc], log=log)
    assert time.monotonic() - started < 60  # not the 600 s bound
