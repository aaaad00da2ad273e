"""Counts in words, as every message of the product writes them: '1 row', '2 rows', '1,204 rows'."""

from __future__ import annotations


def counted(n: int, noun: str = "row", plural: str | None = None) -> str:
    """'1 row', '0 rows', '1,204 rows'; `plural` for nouns not made plural by an 's' ('1 entry', '2 entries')."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"
