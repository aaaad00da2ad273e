"""Counts in words, as every message of the product writes them: '1 row', '2 rows', '1,204 rows'."""

from __future__ import annotations


def counted(n: int, noun: str = "row", plural: str | None = None) -> str:
    """'1 row', '0 rows', '1,204 rows'; `plural` for nouns not made plural by an 's' ('1 entry', '2 entries')."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"


def signed_percent(fraction: float, decimals: int = 1) -> str:
    """A signed fraction (0.0423) as a percentage with its sign: '+4.2%', '-1.5%'. Rounded first and signed
    after, so a value that rounds to zero (0.0, -0.0, -0.0004) is '0.0%', never '-0.0%' or '+0.0%'.
    `decimals`: the decimals of the percentage (0: '+4%')."""
    shown = round(fraction * 100, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{shown:.{decimals}f}%" if shown == 0 else f"{shown:+.{decimals}f}%"


def more_rows(shown: int, total: int, hint: str = "") -> str | None:
    """The line under a list cut at `shown` of `total` rows, so that the count above it and the rows agree:
    'and 2 more rows' (+ `hint`, e.g. ' (--rows 12 shows them all)'); None when nothing was cut."""
    left = total - max(shown, 0)
    return f"and {counted(left, 'more row')}{hint}" if left > 0 else None
