"""`impact import PATH [--layout FILE] [--preview]` and `impact layout guess PATH`: spreadsheets through layouts."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipelines.cli.options import data_dir_option
from pipelines.words import counted, more_rows


def _layout_for(path: Path, layout: Path | None) -> Path:
    from pipelines.ingest.layouts.discovery import LAYOUT_SUFFIX, layout_files

    if layout is not None:
        return layout
    found = [lay for lay, files in layout_files(path.parent).items() if path in files]
    if not found:
        raise click.ClickException(
            f"no layout for {path.name}: give --layout FILE, or write {path.stem}{LAYOUT_SUFFIX} beside it "
            f"(start from 'impact layout guess {path}')"
        )
    return found[0]


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--layout", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="The layout file."
)
@click.option(
    "--preview", is_flag=True, help="Print the first canonical rows and every problem; load nothing."
)
@click.option(
    "--rows", type=click.IntRange(min=0), default=10, show_default=True, help="Rows shown by --preview."
)
@click.option("--overwrite", is_flag=True, help="Replace a file of the same name waiting in the inbox.")
@data_dir_option
def import_(
    path: Path, layout: Path | None, preview: bool, rows: int, overwrite: bool, data_dir: Path
) -> None:
    """Read a spreadsheet or CSV through its layout. With --preview: show what would load and every rejected
    cell (exit 1 when any). Without: put the file, its layout and the regions, entities, metrics and sources
    files beside it (what the preview reads) into DATA_DIR/inbox/; 'impact run' or the inbox sensor files
    them as one dataset and builds."""
    import polars as pl

    layout = _layout_for(path, layout)
    if not preview:
        _save(path, layout, overwrite, data_dir)
        return
    from pipelines.ingest.layouts.preview import preview as run_preview

    shown = run_preview(path, layout, data_dir)
    click.echo(
        f"{path.name} through {layout.name}: {counted(shown.rows_in)} read, {shown.rows.height} would load, "
        f"{shown.rejected['row_number'].n_unique()} rejected"
        + (f", {shown.rows_combined} added into another line's figure" if shown.rows_combined else "")
        + f"; {shown.empty_cells} empty cells"
    )
    with pl.Config(
        tbl_rows=max(rows, 1),
        tbl_cols=20,
        fmt_str_lengths=40,
        tbl_width_chars=200,
        tbl_hide_dataframe_shape=True,
    ):
        if rows and shown.rows.height:
            click.echo(shown.rows.head(rows))
    if cut := more_rows(rows, shown.rows.height, f" (--rows {shown.rows.height} shows them all)"):
        click.echo(cut)
    for line in shown.skipped:
        click.echo(f"skipped {line}")
    for r in shown.rejected.iter_rows(named=True):
        where = r["origin"] or f"row {r['row_number']}"
        column = f" {r['column_name']}" if r["column_name"] else ""
        hint = f" ({r['suggestion']})" if r["suggestion"] else ""
        click.echo(f"REJECTED {where}{column}: {r['reason']}{hint}")
    sys.exit(1 if shown.rejected.height else 0)


def _save(path: Path, layout: Path, overwrite: bool, data_dir: Path) -> None:
    """Put the file, its layout and the reference files beside it that the preview reads (regions,
    entities, metrics, sources: preview.reference_siblings) into the inbox, together."""
    from pipelines.ingest.layouts.preview import reference_siblings
    from pipelines.ingest.layouts.upload import UploadRefused, save_group_to_inbox

    extras = reference_siblings(path, layout, data_dir)
    text = layout.read_text(encoding="utf-8")
    try:  # always one folder, written whole: 'impact run' right after takes it without waiting
        saved = save_group_to_inbox(
            data_dir, path.name, path.read_bytes(), text, {p.name: p.read_bytes() for p in extras}, overwrite
        )
    except UploadRefused as exc:
        raise click.ClickException(str(exc)) from None
    also = f" with {', '.join(p.name for p in extras)}" if extras else ""
    click.echo(
        f"saved {saved.data_file.name} and {saved.layout_file.name}{also} into {saved.layout_file.parent}; "
        "'impact run' (or the inbox sensor, within a minute while 'impact serve' runs) files them as one "
        "dataset and builds"
    )


@click.group()
def layout() -> None:
    """Spreadsheet layouts (docs/data-formats.md, 'Spreadsheet layouts')."""


@layout.command("guess")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write [default: PATH's <stem>.layout.toml].",
)
@click.option("--force", is_flag=True, help="Overwrite an existing layout file.")
def guess(path: Path, out: Path | None, force: bool) -> None:
    """Propose a layout for a spreadsheet (header rows, month columns, scenarios, side-by-side values) and write
    it for review; placeholders ('CHANGE ME') mark what the sheet cannot tell."""
    import tomllib

    from pipelines.ingest.layouts.discovery import LAYOUT_SUFFIX
    from pipelines.ingest.layouts.guess import guess_layout
    from pipelines.ingest.layouts.placeholders import PLACEHOLDER, unfilled
    from pipelines.ingest.readers import UnreadableFile

    out = out or path.with_name(path.name[: -len(path.suffix)] + LAYOUT_SUFFIX)
    if out.exists() and not force:
        raise click.ClickException(f"{out} exists; use --force to replace it or --out to write elsewhere")
    try:
        text = guess_layout(path)
    except UnreadableFile as exc:
        raise click.ClickException(f"{path.name}: {exc}") from None
    out.write_text(text, encoding="utf-8")
    click.echo(text)
    todo = unfilled(tomllib.loads(text))
    fill = f"; fill in each {PLACEHOLDER} ({', '.join(todo)}: nothing loads until you do)" if todo else ""
    click.echo(f"# written to {out}{fill}; then: impact import {path} --preview")
