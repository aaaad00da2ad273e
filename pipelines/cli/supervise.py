"""No child of `impact serve` outlives it, whatever ends it (issue 28, fault 12; docs/reliability.md).

Three layers, because a SIGKILL or the OOM killer gives `impact serve` no chance to clean up:

1. **Parent-death signal.** Each child is started in its own process group with Linux's
   `prctl(PR_SET_PDEATHSIG, SIGTERM)` (`preexec`), so the kernel sends it SIGTERM the moment `impact serve`
   dies, and it stops what it started itself (Dagster's code servers).
2. **A keeper.** A small process (`python -m pipelines.cli.supervise keep`, its own session) is told every
   child's process group over a pipe. When the pipe closes without the word `done` (`impact serve` died),
   it stops those groups: SIGTERM, up to `GRACE_S` seconds, then SIGKILL.
3. **A pid file.** `DAGSTER_HOME/impact-serve.json` records `impact serve`'s and each child's pid with its
   start time (so a reused pid is never mistaken for a child). The next `impact serve` for that data dir
   stops a stale set left by a kill that took the keeper too (`clean_stale`), or refuses to start beside a
   live one.

Linux only (prctl and /proc); elsewhere layers 2 and 3 still apply.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

PR_SET_PDEATHSIG = 1
GRACE_S = 10.0
PID_FILE = "impact-serve.json"


def preexec(parent: int, sig: int = signal.SIGTERM) -> Callable[[], None]:
    """A `preexec_fn` that asks the kernel to send `sig` to the child when its parent dies; if `parent`
    (the pid of the process starting it) is already gone when the child gets there, it signals itself."""

    def arm() -> None:
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:
            os.kill(os.getpid(), sig)

    return arm


def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (/proc/<pid>/stat field 22), None if it is gone
    or a zombie (exited, not yet reaped)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    if fields[0] == "Z":
        return None
    return int(fields[19])


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes whose process group is `pgid`."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def stop_groups(pgids: Iterable[int], grace_s: float = GRACE_S) -> list[int]:
    """Stop every process of these process groups: SIGTERM, then SIGKILL for what is left after `grace_s`.
    Returns the groups that had live members. Waits (bounded: grace_s + 5 s) until none is left."""
    pgids = [g for g in dict.fromkeys(pgids) if g > 1 and group_members(g)]
    for sig, wait_s in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 5.0)):
        for pgid in pgids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, sig)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline and any(group_members(g) for g in pgids):
            time.sleep(0.1)
        if not any(group_members(g) for g in pgids):
            break
    return pgids


def write_pid_file(path: Path, children: dict[str, int]) -> None:
    """Record this process (`impact serve`) and its children (name -> pid = process group), with start
    times, atomically."""
    record = {
        "serve": {"pid": os.getpid(), "start": start_time(os.getpid())},
        "children": {n: {"pid": p, "start": start_time(p)} for n, p in children.items()},
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record))
    tmp.replace(path)


def clean_stale(path: Path) -> tuple[str | None, str | None]:
    """Before `impact serve` starts: (refusal, note). refusal: another `impact serve` recorded in `path` is
    alive. note: what was left by an earlier one that was killed and has now been stopped. A record whose
    pids now belong to other processes (a different start time) is ignored; the file is then removed."""
    try:
        record = json.loads(path.read_text())
        serve = record["serve"]
        children = record["children"]
    except (OSError, ValueError, KeyError, TypeError):
        with contextlib.suppress(OSError):
            path.unlink()
        return None, None
    if serve.get("start") is not None and start_time(serve["pid"]) == serve["start"]:
        return (
            f"another impact serve (pid {serve['pid']}) is running for this data dir ({path}); stop it first",
            None,
        )
    alive = {
        name: c["pid"]
        for name, c in children.items()
        if c.get("start") is not None and start_time(c["pid"]) == c["start"]
    }
    stopped = stop_groups(alive.values()) if alive else []
    path.unlink(missing_ok=True)
    if not stopped:
        return None, None
    names = ", ".join(f"{n} (pid {p})" for n, p in alive.items() if p in stopped)
    return None, f"stopped what an earlier impact serve (pid {serve['pid']}) left running: {names}"


class Keeper:
    """The keeper process of layer 2; `add` tells it a child's group, `release` says serve stopped them."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli.supervise", "keep", str(os.getpid())],
            stdin=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def add(self, pgid: int) -> None:
        self._say(f"{pgid}\n")

    def release(self) -> None:
        """Serve stopped its children itself: the keeper exits without touching anything."""
        self._say("done\n")
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)

    def _say(self, line: str) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.proc.stdin.write(line)
            self.proc.stdin.flush()


def keep(serve_pid: int) -> int:
    """The keeper's loop: read process groups from stdin until `done` (exit 0) or end of input, meaning
    `impact serve` died: then stop every group (SIGTERM, grace, SIGKILL) and exit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C in the terminal is serve's to handle
    groups: list[int] = []
    for line in sys.stdin:
        word = line.strip()
        if word == "done":
            return 0
        if word.isdigit():
            groups.append(int(word))
    stopped = stop_groups(groups)
    if stopped:
        print(
            f"impact serve (pid {serve_pid}) died; stopped its children (process groups {stopped})",
            file=sys.stderr,
            flush=True,
        )
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "keep":
        sys.exit(keep(int(sys.argv[2])))
    sys.exit("usage: python -m pipelines.cli.supervise keep SERVE_PID")
