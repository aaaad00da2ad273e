"""`python -m dashboard.server run dashboard/app.py ...`: Streamlit's own command line, with the product's upload
server (`dashboard/uploads.py`: limits per file, per session and in all, files on disk) in place of Streamlit's
in-memory one. `impact dashboard` and `impact serve` start the dashboard with it
(`pipelines/cli/processes.py: dashboard_command`)."""

from __future__ import annotations

import streamlit.web.server.server as streamlit_server
from streamlit.web.cli import main

from dashboard.uploads import DiskUploadedFileManager


def install() -> None:
    """Make Streamlit's server build its uploaded-file manager as a DiskUploadedFileManager."""
    streamlit_server.MemoryUploadedFileManager = DiskUploadedFileManager


if __name__ == "__main__":
    install()
    main(prog_name="streamlit")
