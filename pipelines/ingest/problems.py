"""Vectorised row checks: each rule maps a column's distinct values once and records issues per row.

A `RowChecks` holds the frame being validated and every issue found so far. Rules never drop rows;
`split()` at the end separates rows with no issue (loaded) from rows with at least one (rejected).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from pipelines.ingest.readers import ROW
from pipelines.normalise.errors import InputError

ISSUE_SCHEMA = {
    ROW: pl.Int32,
    "column_name": pl.String,
    "value": pl.String,
    "reason": pl.String,
    "suggestion": pl.String,
}


class Problem(InputError):
    """A value that fails a row rule: `reason` for a person, and a `suggestion` where one exists (str() is the
    reason alone: the suggestion has its own column)."""

    shows_suggestion = False

    @property
    def reason(self) -> str:
        return self.problem


def problem_of(exc: Exception) -> Problem:
    if isinstance(exc, Problem):
        return exc
    # the normalise errors carry the reason alone in `problem` (or `reason`): str(exc) appends the suggestion,
    # which then printed twice ("reason; suggestion" and "suggestion")
    reason = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc)
    return Problem(reason, getattr(exc, "suggestion", None))


@dataclass
class RowChecks:
    frame: pl.DataFrame
    issues: list[pl.DataFrame] = field(default_factory=list)

    def flag(
        self,
        mask: pl.Expr,
        column: str | None,
        reason: str | pl.Expr,
        suggestion: str | pl.Expr | None = None,
        value: pl.Expr | None = None,
    ) -> None:
        """Record an issue for every row where `mask` is true."""
        value_expr = value if value is not None else (pl.col(column) if column else pl.lit(None))
        reason_expr = reason if isinstance(reason, pl.Expr) else pl.lit(reason)
        sugg_expr = suggestion if isinstance(suggestion, pl.Expr) else pl.lit(suggestion)
        hits = self.frame.filter(mask).select(
            pl.col(ROW),
            pl.lit(column, pl.String).alias("column_name"),
            value_expr.cast(pl.String).alias("value"),
            reason_expr.cast(pl.String).alias("reason"),
            sugg_expr.cast(pl.String).alias("suggestion"),
        )
        if hits.height:
            self.issues.append(hits)

    def require(self, columns: Iterable[str]) -> None:
        for column in columns:
            self.flag(pl.col(column).is_null(), column, f"{column} is required but empty")

    def map_values(
        self, column: str, out: str, fn: Callable[[str], Any], dtype: pl.DataType, on_error: str = "{error}"
    ) -> None:
        """Add `out` = fn(value) computed once per distinct value; values where fn raises are flagged."""
        self.map_keys([column], out, lambda v: fn(v[0]), dtype, on_error, report=column)

    def map_keys(
        self,
        columns: list[str],
        out: str,
        fn: Callable[[tuple], Any],
        dtype: pl.DataType,
        on_error: str = "{error}",
        report: str | None = None,
    ) -> None:
        """Like `map_values` over a tuple of columns (e.g. period and the entity's fiscal start)."""
        report = report or columns[0]
        distinct = self.frame.select(columns).unique().drop_nulls()
        results: list[Any] = []
        reasons: list[str | None] = []
        suggestions: list[str | None] = []
        for values in distinct.iter_rows():
            try:
                results.append(fn(values))
                reasons.append(None)
                suggestions.append(None)
            except Exception as exc:  # noqa: BLE001 - every failure becomes a row-level reason
                prob = problem_of(exc)
                results.append(None)
                reasons.append(on_error.format(error=prob.reason, value=values[0]))
                suggestions.append(prob.suggestion)
        lookup = distinct.with_columns(
            pl.Series(out, results, dtype=dtype),
            pl.Series(f"{out}__reason", reasons, dtype=pl.String),
            pl.Series(f"{out}__suggestion", suggestions, dtype=pl.String),
        )
        self.frame = self.frame.join(lookup, on=columns, how="left", nulls_equal=False, maintain_order="left")
        self.flag(
            pl.col(f"{out}__reason").is_not_null(),
            report,
            pl.col(f"{out}__reason"),
            pl.col(f"{out}__suggestion"),
        )
        self.frame = self.frame.drop(f"{out}__reason", f"{out}__suggestion")

    def vocabulary(self, column: str, words: dict[str, str], default: str | None = None) -> None:
        """Map free text to a controlled word in place; unknown words are flagged with the accepted list."""
        from pipelines.ingest.vocabulary import key

        accepted = ", ".join(sorted(set(words.values())))

        def lookup(text: str) -> str:
            word = words.get(key(text))
            if word is None:
                raise Problem(f"unknown {column} '{text}'", f"use one of: {accepted}")
            return word

        self.map_values(column, f"{column}__mapped", lookup, pl.String)
        mapped = pl.col(f"{column}__mapped")
        if default is not None:
            mapped = pl.when(pl.col(column).is_null()).then(pl.lit(default)).otherwise(mapped)
        self.frame = self.frame.with_columns(mapped.alias(column)).drop(f"{column}__mapped")

    def numbers(self, column: str) -> None:
        """Parse a numeric column in place ('1,234.5', '−3' accepted); anything else is flagged."""
        text = (
            pl.col(column)
            .str.replace_all(r"[\s_]", "")
            .str.replace_all("\u2212", "-")
            .str.replace_all(r"^([-+]?\d{1,3}(,\d{3})+(\.\d+)?)$", "${1}")
            .str.replace_all(",", "")
        )
        parsed = text.cast(pl.Float64, strict=False)
        self.frame = self.frame.with_columns(parsed.alias(f"{column}__num"))
        self.flag(
            pl.col(column).is_not_null()
            & (pl.col(f"{column}__num").is_null() | ~pl.col(f"{column}__num").is_finite()),
            column,
            f"{column} is not a number",
            "write a plain number such as 17.5; put the currency and scale in unit",
        )
        self.frame = self.frame.with_columns(pl.col(f"{column}__num").alias(column)).drop(f"{column}__num")

    def duplicates(self, column: str, what: str) -> None:
        """Flag every occurrence of a key after its first, naming the first row."""
        self.frame = self.frame.with_columns(pl.col(ROW).first().over(column).alias("_first_row"))
        first = pl.col("_first_row")
        self.flag(
            pl.col(column).is_not_null() & (pl.col(ROW) != first),
            column,
            pl.format("duplicate {} '{}' (first at row {})", pl.lit(what), pl.col(column), first),
        )
        self.frame = self.frame.drop("_first_row")

    def split(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(rows without any issue, issues)."""
        issues = pl.concat(self.issues) if self.issues else pl.DataFrame(schema=ISSUE_SCHEMA)
        issues = issues.cast(ISSUE_SCHEMA).sort(ROW, maintain_order=True)
        good = self.frame.join(issues.select(ROW).unique(), on=ROW, how="anti", maintain_order="left")
        return good, issues
