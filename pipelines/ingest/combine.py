"""Lines of one file that share a figure's key: added into one figure when the file says they are parts,
otherwise each refused, naming the others. Never reduced to one silently.

A figure's key is what the comparison views tell figures apart by: entity, metric, region, period (its
dates), kind, as_of and source. Accounting extracts write one line per department or cost centre, so
several lines of one file share a key. `combine = "sum"` (a layout's key, or `dataset.toml`, for the whole
dataset or one file) says they are parts of one figure: they are added, and the figure's note names its
lines; every line but the first is counted in `loads.rows_combined`, so rows in = loaded + rejected +
combined. Without the setting each line that shares its key is rejected, naming the other lines and the
setting. Rows that carry their own `figure_id` in the file are figures of their own (an original and a
revised target reported in one article) and are never refused for sharing a key; direction-only claims
(no value) are not lines to add.

Pure Polars: `combine_lines(rows, rule, hint)` -> (rows with `_lines`, issues).
"""

from __future__ import annotations

import polars as pl

from pipelines.ingest.problems import ISSUE_SCHEMA
from pipelines.ingest.readers import ROW

KEY = ("entity", "metric", "region_code", "period_start", "period_end", "kind", "as_of", "source_id")
LINES = "_lines"  # per figure, the rows (ROW numbers) it was made from: [its own] unless lines were added
OWN_ID = "_own_id"  # the file gave the row its figure_id (not derived from its content or its cell)
_EXACTISH = ("exact", "approx")
_SAME = ("unit_raw", "currency", "direction")  # lines that differ in these cannot be added


def combine_lines(rows: pl.DataFrame, rule: str | None, hint: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`rows`: one file's validated figure rows (with ROW, the figure columns and OWN_ID). Returns the rows
    with LINES (lines added into one row under `rule` = 'sum'; without a rule, lines sharing a key removed)
    and an issue per removed line. `hint` says where the setting goes (the layout or dataset.toml)."""
    c = pl.col
    keyed = c("value").is_not_null() & (pl.lit(rule is not None) | ~c(OWN_ID))
    rows = rows.with_columns(
        pl.when(keyed).then(pl.len().over(pl.when(keyed).then(pl.struct(*KEY)))).otherwise(1).alias("_n")
    )
    single = rows.filter(c("_n") == 1).with_columns(pl.concat_list(c(ROW)).alias(LINES))
    shared = rows.filter(c("_n") > 1)
    if shared.is_empty():
        return single.drop("_n"), pl.DataFrame(schema=ISSUE_SCHEMA)
    shared = shared.sort(ROW).with_columns(
        c(ROW).over(KEY, mapping_strategy="join").alias("_rows"),
        c("origin").over(KEY, mapping_strategy="join").alias("_origins"),
    )
    if rule is None:
        return single.drop("_n"), _refused(shared, hint)
    addable = _addable(shared)
    refused = shared.filter(~addable)
    added = _added(shared.filter(addable))
    issues = _not_addable(refused) if refused.height else pl.DataFrame(schema=ISSUE_SCHEMA)
    out = pl.concat([single.drop("_n"), added.select(single.drop("_n").columns)], how="vertical_relaxed")
    return out.sort(ROW), issues


def _others() -> pl.Expr:
    """'4 (K5), 9 (K10)': the other lines of the row's key, with their cells where known."""
    c = pl.col
    return pl.struct(c("_rows"), c("_origins"), c(ROW)).map_elements(
        lambda s: ", ".join(
            f"{r} ({o})" if o else str(r)
            for r, o in zip(s["_rows"], s["_origins"], strict=True)
            if r != s[ROW]
        ),
        return_dtype=pl.String,
    )


def _key_text() -> pl.Expr:
    c = pl.col
    return pl.format(
        "{}, {}, {}, {}, {}, as of {}, source {}",
        c("entity"),
        c("metric"),
        c("region_code"),
        c("period"),
        c("kind"),
        c("as_of").cast(pl.String),
        c("source_id"),
    )


def _refused(shared: pl.DataFrame, hint: str) -> pl.DataFrame:
    c = pl.col
    return shared.select(
        c(ROW),
        pl.lit(None, pl.String).alias("column_name"),
        c("value_raw").cast(pl.String).alias("value"),
        pl.format(
            "this line shares its figure's key ({}) with row(s) {}: lines are never reduced to one",
            _key_text(),
            _others(),
        ).alias("reason"),
        pl.lit(
            f'if the lines are parts of one figure (departments, cost centres), set combine = "sum" {hint} to '
            "add them; if they are alternatives, keep one, or give each row its own figure_id"
        ).alias("suggestion"),
    ).cast(ISSUE_SCHEMA)


def _addable(shared: pl.DataFrame) -> pl.Series:
    """Per line: whether its key's lines can be added (one unit, currency and direction; bounds that add)."""
    c = pl.col
    same = [c(col).fill_null("").n_unique().over(KEY) == 1 for col in _SAME]
    bounds = c("bound").unique().over(KEY, mapping_strategy="join")
    exactish = bounds.list.eval(pl.element().is_in(list(_EXACTISH))).list.all()
    one_bound = bounds.list.len() == 1
    ranged = c("value_high").is_not_null().any().over(KEY)
    ok = pl.all_horizontal(*same) & (exactish | (one_bound & ~ranged))
    return shared.select(ok.alias("ok"))["ok"]


def _not_addable(refused: pl.DataFrame) -> pl.DataFrame:
    c = pl.col
    return refused.select(
        c(ROW),
        pl.lit(None, pl.String).alias("column_name"),
        c("value_raw").cast(pl.String).alias("value"),
        pl.format(
            "this line shares its figure's key ({}) with row(s) {}, and they cannot be added: they differ in "
            "unit, currency, direction or bound",
            _key_text(),
            _others(),
        ).alias("reason"),
        pl.lit("write the lines in one unit with one bound, or keep one line").alias("suggestion"),
    ).cast(ISSUE_SCHEMA)


def _added(lines: pl.DataFrame) -> pl.DataFrame:
    """One row per key: the first line's columns, the values added, the bound of the sum, a note naming the
    lines. A range among the lines makes the sum a range (the other lines count at their value)."""
    if lines.is_empty():
        return lines.with_columns(pl.concat_list(pl.col(ROW)).alias(LINES))
    c = pl.col
    ranged = c("value_high").is_not_null().any()
    approx = (c("bound") == "approx").any()
    first_note = c("note").drop_nulls().unique(maintain_order=True).str.join("; ")
    grouped = lines.group_by(KEY, maintain_order=True).agg(
        pl.all().exclude(*KEY, "value", "value_high", "value_raw", "value_high_raw", "bound", "note").first(),
        c("value").sum(),
        c("value_raw").sum(),
        pl.when(ranged).then(c("value_high").fill_null(c("value")).sum()).alias("value_high"),
        pl.when(ranged).then(c("value_high_raw").fill_null(c("value_raw")).sum()).alias("value_high_raw"),
        pl.when(c("bound").first().is_in(list(_EXACTISH)))
        .then(pl.when(approx).then(pl.lit("approx")).otherwise(pl.lit("exact")))
        .otherwise(c("bound").first())
        .alias("bound"),
        first_note.alias("_notes"),
        c(ROW).alias(LINES),
        c("origin").alias("_cells"),
    )
    rows_text = c(LINES).list.eval(pl.element().cast(pl.String)).list.join(", ")
    cells = c("_cells").list.drop_nulls().list.join(", ")
    described = (
        pl.when(c("_cells").list.drop_nulls().list.len() > 0)
        .then(pl.format("sum of {} lines: rows {} ({})", c(LINES).list.len(), rows_text, cells))
        .otherwise(pl.format("sum of {} lines: rows {}", c(LINES).list.len(), rows_text))
    )
    return grouped.with_columns(
        pl.when(c("_notes").is_null() | (c("_notes") == ""))
        .then(described)
        .otherwise(pl.format("{}: {}", described, c("_notes")))
        .alias("note")
    ).drop("_notes", "_cells", "_rows", "_origins", "_n")


def lines_combined(rows: pl.DataFrame) -> int:
    """How many lines were added into another line's figure (counted in loads.rows_combined)."""
    if LINES not in rows.columns or rows.is_empty():
        return 0
    return int(rows[LINES].list.len().sum()) - rows.height


def explode_lines(figures: pl.DataFrame) -> pl.DataFrame:
    """Figure rows as the lines they were made from (ROW = each line's row), to reject a figure line by line."""
    if LINES not in figures.columns:
        return figures
    return figures.drop(ROW).explode(LINES).rename({LINES: ROW}).with_columns(pl.col(ROW).cast(pl.Int32))


def across_files(
    rows: pl.DataFrame, seen: pl.DataFrame | None, file_name: str
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Lines of a dataset's later file that share a figure's key (its source included) with a figure an
    earlier file of the dataset loaded are refused, naming that file and row: lines add up within one file.
    `seen`: the keys loaded so far (None at the first file). Returns (rows kept, issues, keys seen now)."""
    c = pl.col
    keyed = c("value").is_not_null()
    mine = rows.filter(keyed).select(*KEY, c(ROW).alias("_seen_row"), pl.lit(file_name).alias("_seen_file"))
    if seen is None or seen.is_empty():
        return rows, pl.DataFrame(schema=ISSUE_SCHEMA), mine if seen is None else pl.concat([seen, mine])
    own = c(OWN_ID) if OWN_ID in rows.columns else pl.lit(False)
    earlier = seen.unique(subset=list(KEY), keep="first", maintain_order=True)
    hit = rows.filter(keyed & ~own).join(earlier, on=list(KEY), how="inner")
    if hit.is_empty():
        return rows, pl.DataFrame(schema=ISSUE_SCHEMA), pl.concat([seen, mine])
    reason = pl.format(
        "the same figure's key ({}) as row {} of {}, which is loaded: lines add up within one file only",
        _key_text(),
        c("_seen_row"),
        c("_seen_file"),
    )
    issues = explode_lines(hit.with_columns(reason.alias("reason"))).select(
        c(ROW),
        pl.lit(None, pl.String).alias("column_name"),
        c("value_raw").cast(pl.String).alias("value"),
        c("reason"),
        pl.lit(
            'if the lines are parts of one figure, put them in one file and set combine = "sum"; '
            "if one revises the other, give it a later as_of"
        ).alias("suggestion"),
    )
    kept = rows.join(hit.select(ROW), on=ROW, how="anti", maintain_order="left")
    loaded = mine.join(hit.select(c(ROW).alias("_seen_row")), on="_seen_row", how="anti")
    return kept, issues.cast(ISSUE_SCHEMA), pl.concat([seen, loaded])


# a line's key as written (after a layout's maps), to find the figure a rejected line was a part of
_WRITTEN_KEY = ("entity", "metric", "region", "period", "kind", "as_of", "source_id")


def refuse_partial_sums(
    written: pl.DataFrame, rows: pl.DataFrame, rejected: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Under `combine = "sum"`, a figure some of whose lines were rejected is refused too: its sum would miss
    them (a credit memo of -1,000 refused as a negative sale left the month at its other line, 56,105 instead of
    55,105, with no word). `written`: the file's rows as written (ROW and the figure columns as text);
    `rows`: combine_lines' figures (with LINES); `rejected`: the rows the checks refused (ROW). A rejected line
    belongs to the figure whose key it has as written (entity, metric, region, period, kind, as_of, source_id,
    compared trimmed and case-insensitively); one whose key itself was unreadable cannot be placed and stays
    only its own rejection. Returns (rows kept, an issue per line of each refused figure)."""
    c = pl.col
    if rejected.is_empty() or rows.is_empty() or LINES not in rows.columns:
        return rows, pl.DataFrame(schema=ISSUE_SCHEMA)
    key = pl.concat_str(
        [c(k).cast(pl.String).fill_null("").str.strip_chars().str.to_lowercase() for k in _WRITTEN_KEY],
        separator="\x1f",
    ).alias("_key")
    keyed = written.select(c(ROW), key)
    refused_rows = rejected.select(c(ROW)).unique()
    missing = (
        keyed.join(refused_rows, on=ROW, how="semi").group_by("_key").agg(c(ROW).sort().alias("_missing"))
    )
    figures = rows.join(keyed, on=ROW, how="left").join(missing, on="_key", how="inner")
    if figures.is_empty():
        return rows, pl.DataFrame(schema=ISSUE_SCHEMA)
    text = c("_missing").list.eval(pl.element().cast(pl.String)).list.join(", ")
    issues = explode_lines(
        figures.with_columns(
            pl.format(
                "a part of this line's figure ({}) was rejected (row(s) {}): the sum of its lines would miss it",
                _key_text(),
                text,
            ).alias("reason")
        )
    ).select(
        c(ROW),
        pl.lit(None, pl.String).alias("column_name"),
        c("value_raw").cast(pl.String).alias("value"),
        c("reason"),
        pl.lit("fix the rejected line(s) and the figure loads whole").alias("suggestion"),
    )
    kept = rows.join(figures.select(ROW), on=ROW, how="anti", maintain_order="left")
    return kept, issues.cast(ISSUE_SCHEMA)


def refuse_negative_sums(rows: pl.DataFrame, never_negative: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Under `combine = "sum"` the sign rule applies to the figure, not to each line: a credit memo (-1,000) is
    a part of a month's sales; a sum below zero of a metric that cannot be negative is refused, line by line.
    Returns (rows kept, an issue per line of each refused figure)."""
    c = pl.col
    bad = rows.filter((c("value") < 0) & c("metric").is_in(never_negative))
    if bad.is_empty():
        return rows, pl.DataFrame(schema=ISSUE_SCHEMA)
    issues = explode_lines(bad).select(
        c(ROW),
        pl.lit("value", pl.String).alias("column_name"),
        c("value_raw").cast(pl.String).alias("value"),
        pl.format(
            "the sum of this line's figure is negative for {}, which cannot be negative", c("metric")
        ).alias("reason"),
        pl.lit("losses belong to a profit metric; check the sign of the lines").alias("suggestion"),
    )
    kept = rows.join(bad.select(ROW), on=ROW, how="anti", maintain_order="left")
    return kept, issues.cast(ISSUE_SCHEMA)
