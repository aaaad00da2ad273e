"""The order path's SQL statements: `sql/orders/<name>.sql`, one statement each, read by both engines."""

from __future__ import annotations

from functools import cache
from pathlib import Path

ORDERS_SQL_DIR = Path(__file__).resolve().parents[2] / "sql" / "orders"


@cache
def orders_sql(name: str) -> str:
    """The text of sql/orders/<name>.sql (comments kept); raises FileNotFoundError for an unknown name."""
    return (ORDERS_SQL_DIR / f"{name}.sql").read_text()
