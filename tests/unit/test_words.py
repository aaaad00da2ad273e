"""'1 row', not '1 rows' (issue 16, fault 5)."""

from __future__ import annotations

import pytest

from pipelines.words import counted


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((1,), "1 row"),
        ((0,), "0 rows"),
        ((1204,), "1,204 rows"),
        ((1, "file"), "1 file"),
        ((2, "entry", "entries"), "2 entries"),
    ],
)
def test_counted(args, text):
    assert counted(*args) == text
