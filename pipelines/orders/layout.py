"""Where order data and the orders dataset live under DATA_DIR, and which months exist on disk."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

ORDERS_SUBDIR = "orders"  # DATA_DIR/orders/year=YYYY/month=MM/*.parquet
DEFAULT_DATASET = (
    "orders"  # DATA_DIR/datasets/<dataset>/: canonical figures/sources the core's build picks up
)
SYNTHETIC_MARKER = "_generated.json"  # written by the generator; marks every figure as synthetic

_MONTH_DIR = re.compile(r"year=(\d{4})[/\\]month=(\d{1,2})$")


def orders_dir(data_dir: Path) -> Path:
    return Path(data_dir) / ORDERS_SUBDIR


def dataset_dir(data_dir: Path) -> Path:
    """DATA_DIR/datasets/orders, or the dataset the generator named in its marker (the operator demo's
    orders go to DATA_DIR/datasets/illustrative-marketplace, so the dataset's name says what it is)."""
    marker = orders_dir(data_dir) / SYNTHETIC_MARKER
    name = DEFAULT_DATASET
    if marker.exists():
        name = json.loads(marker.read_text()).get("dataset") or DEFAULT_DATASET
    return Path(data_dir) / "datasets" / name


def month_dir(orders_root: Path, month: str) -> Path:
    year, mon = month.split("-")
    padded = Path(orders_root) / f"year={year}" / f"month={mon}"
    unpadded = Path(orders_root) / f"year={year}" / f"month={int(mon)}"
    return unpadded if not padded.exists() and unpadded.exists() else padded


def month_files(orders_root: Path, month: str) -> list[str]:
    """The month's Parquet files, sorted; files starting with '_' or '.' are ignored (writers' temp files)."""
    return sorted(str(p) for p in month_dir(orders_root, month).glob("[!_.]*.parquet"))


def months_on_disk(orders_root: Path) -> list[str]:
    """Every 'YYYY-MM' that has at least one Parquet file under orders_root, sorted."""
    months = set()
    for folder in Path(orders_root).glob("year=*/month=*"):
        match = _MONTH_DIR.search(folder.as_posix())
        if match and any(folder.glob("[!_.]*.parquet")):
            months.add(f"{match[1]}-{int(match[2]):02d}")
    return sorted(months)


def is_synthetic(orders_root: Path) -> bool:
    return (Path(orders_root) / SYNTHETIC_MARKER).exists()


def replace_atomically(tmp: Path, final: Path) -> None:
    """Readers see the old file or the new one, never half of one."""
    os.replace(tmp, final)
