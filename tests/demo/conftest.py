"""The operator demo's warehouse (`demo_build`) comes from tests/conftest.py."""

from __future__ import annotations

import duckdb
import pytest


@pytest.fixture
def con(demo_build):
    with duckdb.connect(str(demo_build["warehouse"]), read_only=True) as connection:
        yield connection
