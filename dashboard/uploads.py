"""The dashboard's upload server: files a browser sends are checked on the server and kept on disk.

Streamlit keeps every uploaded file of every session in memory (`MemoryUploadedFileManager`), and its server
accepts files up to `server.maxUploadSize` (200 MB by default), any number of them per session, whatever the
widget's `max_upload_size` told the browser (issue 28, faults 7 and 18: the server took 150 MB files). This
manager replaces it (`dashboard/server.py` installs it before Streamlit starts) and enforces, per request:

- each file at most MAX_UPLOAD_BYTES (HTTP 413), the same number of bytes the browser and the Upload page use
  (`pipelines.ingest.layouts.upload`, the one definition);
- at most MAX_SESSION_FILES files and MAX_SESSION_BYTES bytes held by one session (HTTP 413);
- at most MAX_SERVER_UPLOAD_BYTES held by all sessions together (HTTP 503);

and writes each accepted file to a private spool folder (mode 0700, under $TMPDIR), so what sessions hold is
on disk, not in the dashboard's memory; a file is read back only while a page run uses it, and deleted with
its widget or its session (and the folder when the server exits).
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import tempfile
import threading
import uuid
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec

from pipelines.ingest.layouts.upload import (
    MAX_SERVER_UPLOAD_BYTES,
    MAX_SESSION_BYTES,
    MAX_SESSION_FILES,
    MAX_UPLOAD_BYTES,
    UPLOAD_LIMIT_TEXT,
)


class UploadRejected(Exception):
    """An upload over a limit: `status` is the HTTP status, the message says which limit."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _http_error(status: int, message: str) -> Exception:
    """Starlette's HTTPException when Streamlit serves with Starlette (the route turns it into the status)."""
    try:
        from starlette.exceptions import HTTPException
    except ImportError:  # pragma: no cover - Streamlit ships Starlette
        return UploadRejected(status, message)
    return HTTPException(status_code=status, detail=message)


class DiskUploadedFileManager(MemoryUploadedFileManager):
    """Streamlit's uploaded-file manager with the product's limits, holding files on disk.

    `spool` is the folder for the files (a private temporary folder by default). Thread-safe."""

    def __init__(self, upload_endpoint: str, spool: Path | None = None) -> None:
        super().__init__(upload_endpoint)
        self.spool = Path(spool) if spool else Path(tempfile.mkdtemp(prefix="impact-uploads-"))
        self.spool.mkdir(mode=0o700, parents=True, exist_ok=True)
        atexit.register(shutil.rmtree, self.spool, True)
        # session -> file_id -> (name, type, size, path on disk)
        self._files: dict[str, dict[str, tuple[str, str, int, Path]]] = defaultdict(dict)
        self._held = 0
        self._disk_lock = threading.Lock()

    def add_file(self, session_id: str, file: UploadedFileRec) -> None:
        """Write `file` to disk for `session_id`, or raise an HTTP error naming the limit it is over."""
        size = len(file.data)
        if size > MAX_UPLOAD_BYTES:
            raise _http_error(413, f"a file is {UPLOAD_LIMIT_TEXT} ({MAX_UPLOAD_BYTES:,} bytes)")
        with self._disk_lock:
            held = self._files[session_id]
            previous = held.get(file.file_id)
            count = len(held) + (previous is None)
            total = sum(f[2] for f in held.values()) - (previous[2] if previous else 0) + size
            if count > MAX_SESSION_FILES:
                raise _http_error(413, f"a session holds at most {MAX_SESSION_FILES} uploaded files")
            if total > MAX_SESSION_BYTES:
                raise _http_error(413, f"a session holds at most {MAX_SESSION_BYTES:,} bytes of uploads")
            if self._held - (previous[2] if previous else 0) + size > MAX_SERVER_UPLOAD_BYTES:
                raise _http_error(503, "the server holds as many uploads as it can; try again later")
            path = self.spool / uuid.uuid4().hex  # never a name from the request
            path.write_bytes(file.data)
            path.chmod(0o600)
            if previous is not None:
                previous[3].unlink(missing_ok=True)
                self._held -= previous[2]
            held[file.file_id] = (file.name, file.type, size, path)
            self._held += size
            self._total_bytes, self._file_count = self._held, sum(len(s) for s in self._files.values())

    def get_files(self, session_id: str, file_ids: Sequence[str]) -> list[UploadedFileRec]:
        """The session's files of `file_ids`, read back from disk for this page run."""
        with self._disk_lock:
            held = dict(self._files.get(session_id, {}))
        out = []
        for file_id in file_ids:
            if file_id in held:
                name, kind, _, path = held[file_id]
                with contextlib.suppress(FileNotFoundError):
                    out.append(UploadedFileRec(file_id=file_id, name=name, type=kind, data=path.read_bytes()))
        return out

    def remove_file(self, session_id: str, file_id: str) -> None:
        """Delete one file of a session (its widget was cleared)."""
        with self._disk_lock:
            found = self._files.get(session_id, {}).pop(file_id, None)
            if found is not None:
                found[3].unlink(missing_ok=True)
                self._held -= found[2]
                self._total_bytes, self._file_count = self._held, sum(len(s) for s in self._files.values())

    def remove_session_files(self, session_id: str) -> None:
        """Delete every file of a session (it ended)."""
        with self._disk_lock:
            for _, _, size, path in self._files.pop(session_id, {}).values():
                path.unlink(missing_ok=True)
                self._held -= size
            self._total_bytes, self._file_count = self._held, sum(len(s) for s in self._files.values())

    def held_bytes(self) -> int:
        """Bytes all sessions hold on disk now."""
        with self._disk_lock:
            return self._held
