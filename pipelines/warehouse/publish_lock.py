"""One publisher at a time: a lock held from reading the inputs to the swap.

Two runs that overlap (the 06:00 schedule, an inbox run, a manual `impact run`) would otherwise both read the
inputs, both build, and the one that read the OLDER inputs could swap last and win while both print
"published". The lock is `flock(2)` on the warehouse's folder itself, so it leaves no file behind, is released
by the kernel when the holder dies (even on SIGKILL), and needs no clean-up. A run that finds the lock held
waits (up to IMPACT_PUBLISH_WAIT_SECONDS, default 900) and then reads the inputs itself, so the last run to
publish has read the newest inputs; if the wait runs out it publishes nothing and says which process held the
lock. The lock is re-entrant within a process (`impact run` takes it, then the Dagster assets find it held).

The Dagster daemon additionally runs at most one `build_warehouse` run at a time (a tag concurrency limit of 1
in dagster.yaml, written by `pipelines.settings.dagster_home`), so scheduled and inbox runs queue instead of
waiting inside a run.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from pipelines.settings import Settings

_held: dict[str, int] = {}  # folder -> open fd of the lock this process holds


class PublishBusy(RuntimeError):
    """Another process kept the publish lock for longer than we were willing to wait."""


def _folder(warehouse: Path) -> str:
    folder = Path(warehouse).absolute().parent
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def holder(warehouse: Path) -> str | None:
    """'pid 1234 (impact run ...)' of the process holding the lock, from /proc/locks, or None."""
    try:
        inode = os.stat(_folder(warehouse)).st_ino
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split()
        if len(parts) >= 6 and parts[1] == "FLOCK" and parts[5].endswith(f":{inode}"):
            pid = parts[4]
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                cmd = "?"
            return f"pid {pid} ({cmd.strip()[:120]})"
    return None


def acquire(warehouse: Path, wait_s: float | None = None) -> tuple[bool, float]:
    """Take the lock for `warehouse`; returns (newly taken by this call, seconds waited).

    Raises PublishBusy naming the holder when it is not free within `wait_s` seconds."""
    folder = _folder(warehouse)
    if folder in _held:
        return False, 0.0
    wait_s = Settings.from_env().publish_wait_seconds if wait_s is None else wait_s
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    started = time.monotonic()
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() - started >= wait_s:
                who = holder(warehouse) or "another process"
                os.close(fd)
                raise PublishBusy(
                    f"another run is publishing to {folder} ({who}); waited {wait_s:g} s, nothing published"
                ) from None
            time.sleep(0.2)
    _held[folder] = fd
    return True, time.monotonic() - started


def release(warehouse: Path) -> None:
    fd = _held.pop(_folder(warehouse), None)
    if fd is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def held(warehouse: Path) -> bool:
    return _folder(warehouse) in _held
