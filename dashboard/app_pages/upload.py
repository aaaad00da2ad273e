"""Upload: bring a spreadsheet (CSV or .xlsx, at most 10 MB), give or guess its layout, preview the canonical
rows and every rejected cell, then save the file and its layout into the inbox (the inbox sensor builds) or
build now. The rules (safe names, size, no overwrite without asking) live in
`pipelines.ingest.layouts.upload`; the reading and checking in `pipelines.ingest.layouts.preview`."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.sections.upload_preview import preview_ui, without_server_paths
from dashboard.text import md
from pipelines.ingest.layouts.upload import (
    MAX_LAYOUT_BYTES,
    MAX_UPLOAD_MB,
    UPLOAD_LIMIT_TEXT,
    AlreadyInInbox,
    UploadRefused,
    check_upload,
)
from pipelines.settings import env_data_dir, env_warehouse

DATA_DIR = Path(env_data_dir())


def file_ui() -> tuple[str, bytes] | None:
    """The uploaded file (safe name, bytes), or None; a refused file is explained and dropped."""
    uploaded = st.file_uploader(
        f"Spreadsheet (CSV or .xlsx, {UPLOAD_LIMIT_TEXT})",
        type=["csv", "xlsx"],
        max_upload_size=MAX_UPLOAD_MB,  # the browser's check; dashboard/uploads.py checks on the server
        key="upload_file",
    )
    if uploaded is None:
        return None
    data = uploaded.getvalue()
    try:
        return check_upload(uploaded.name, data), data
    except UploadRefused as exc:
        st.error(f"Refused: {md(without_server_paths(str(exc)))}")
        return None


def saved_layouts() -> dict[str, Path]:
    """Layouts already in the data dir (a workbook sent every month reuses its layout), by dataset/name."""
    found = (
        sorted((DATA_DIR / "datasets").glob("*/*.layout.toml")) if (DATA_DIR / "datasets").is_dir() else []
    )
    return {f"{p.parent.name}/{p.name}": p for p in found}


def layout_ui(name: str, data: bytes) -> str:
    """The layout's TOML text: guessed from the file, uploaded, or one already saved; editable in every case."""
    from pipelines.ingest.layouts.upload import for_file_name

    saved = saved_layouts()
    choice = st.radio(
        "Layout",
        ["Guess it from the file", "Upload a layout file", "Use a saved layout"],
        horizontal=True,
        key="layout_choice",
    )
    source = "guess"
    if choice == "Upload a layout file":
        layout_file = st.file_uploader(
            "Layout file (.layout.toml, at most 1 MB)",
            type=["toml"],
            max_upload_size=MAX_LAYOUT_BYTES // 1_000_000,
            key="upload_layout",
        )
        if layout_file is None:
            return ""
        proposed, source = layout_file.getvalue().decode("utf-8", errors="replace"), layout_file.file_id
    elif choice == "Use a saved layout":
        if not saved:
            st.info("No saved layouts in the data folder's datasets/ yet.")
            return ""
        picked = st.selectbox("Saved layout", list(saved), key="saved_layout")
        proposed, source = for_file_name(saved[picked].read_text(encoding="utf-8"), name), picked
    else:
        proposed = _guess(name, data)
        if proposed is None:
            return ""
    key = f"layout_text:{name}:{source}"
    return st.text_area("Layout (TOML; see docs/data-formats.md, section 10)", proposed, height=320, key=key)


def _guess(name: str, data: bytes) -> str | None:
    import tempfile

    from pipelines.ingest.layouts.guess import guess_layout
    from pipelines.ingest.readers import UnreadableFile

    with tempfile.TemporaryDirectory(prefix="impact-guess-") as tmp:
        (Path(tmp) / name).write_bytes(data)
        try:
            return guess_layout(Path(tmp) / name, DATA_DIR)
        except UnreadableFile as exc:
            st.error(f"Cannot read {md(name)}: {md(without_server_paths(str(exc)).replace(tmp + '/', ''))}")
            return None


def save_ui(name: str, data: bytes, layout_text: str) -> None:
    """ "Save into the inbox" (the inbox sensor files and builds within a minute while `impact serve` runs)
    and "Build now" (saves the file if it is not waiting yet, files and builds at once, and says what it
    built)."""
    from pipelines.ingest.layouts.upload import save_to_inbox

    overwrite = st.session_state.get("confirm_overwrite", False)
    cols = st.columns(2)
    if cols[0].button("Save into the inbox", type="primary", key="save_inbox"):
        try:
            saved = save_to_inbox(DATA_DIR, name, data, layout_text, overwrite=overwrite)
            st.success(
                f"Saved {saved.data_file.name} and {saved.layout_file.name} into the inbox: "
                "the inbox sensor files them and builds (or press Build now)."
            )
        except AlreadyInInbox as exc:
            st.warning(f"{md(exc)} Tick 'Overwrite' below and save again.")
        except UploadRefused as exc:
            st.error(f"Refused: {md(without_server_paths(str(exc)))}")
    st.checkbox("Overwrite a file of the same name waiting in the inbox", key="confirm_overwrite")
    if cols[1].button("Build now", key="build_now"):
        build_now(name, data, layout_text, overwrite)
    shown = st.session_state.get("built")  # kept: the page reruns when the new warehouse is published
    if shown and shown[0] == name:
        (st.success if shown[1] else st.error)(md(shown[2]))
        if not shown[1]:
            st.code(shown[3], language=None)


def build_now(name: str, data: bytes, layout_text: str, overwrite: bool) -> None:
    """Save the file (unless it is waiting in the inbox already), file the inbox and build in a separate
    process (pipelines.ingest.build_now); then say what was built."""
    from pipelines.ingest.build_now import build_now as build
    from pipelines.ingest.inbox import InboxBusy
    from pipelines.ingest.layouts.upload import save_to_inbox

    waiting = DATA_DIR / "inbox" / name
    if not (waiting.is_file() and waiting.read_bytes() == data):
        try:
            save_to_inbox(DATA_DIR, name, data, layout_text, overwrite=overwrite)
        except AlreadyInInbox as exc:
            st.warning(f"{md(exc)} Tick 'Overwrite' below and build again.")
            return
        except UploadRefused as exc:
            st.error(f"Refused: {md(without_server_paths(str(exc)))}")
            return
    try:
        with st.spinner("Filing the inbox and building the warehouse ..."):
            built = build(DATA_DIR, Path(env_warehouse()), [name])
    except InboxBusy as exc:
        st.warning(f"Not built: {md(without_server_paths(str(exc)))}")
        return
    st.session_state["built"] = (
        name,
        built.published,
        without_server_paths(built.summary()),
        without_server_paths(built.output),
    )


st.title("Upload a spreadsheet")
st.caption(
    f"CSV or .xlsx, {UPLOAD_LIMIT_TEXT}. It is read through a layout (guessed here, or your own), checked exactly "
    "as a run checks files, and saved with its layout into the inbox; nothing loads before you save."
)
st.caption(
    "Regions, entities or metrics of your own (a sales territory, your company, a KPI) go in "
    "`regions.csv`, `entities.csv`, `metrics.csv` in the data folder's `reference/` (shared by every dataset; "
    "docs/data-formats.md, section 5): the preview and the build read them there. `impact import` carries "
    "such files from beside the spreadsheet."
)
chosen = file_ui()
if chosen is not None:
    file_name, file_data = chosen
    text = layout_ui(file_name, file_data)
    if text:
        st.subheader("Preview")
        preview_ui(file_name, file_data, text, DATA_DIR)
        save_ui(file_name, file_data, text)
