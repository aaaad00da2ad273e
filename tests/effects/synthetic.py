"""Synthetic monthly series with a known effect: a growing, seasonal common level shared by all regions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.effects.periods import period_start

START = 2021 * 12  # period index of 2021-01
CONTROL_SCALES = {"CA": 0.8, "MX": 1.2, "BR": 1.0}


def synthetic(seed: int, effect: float = -0.2, n_pre: int = 36, n_post: int = 12):
    """(treated series, long control frame, event date): noise sd 5% of the level, a step of `effect` after
    the event in the treated region only; controls unchanged."""
    rng = np.random.default_rng(seed)
    n = n_pre + n_post
    t = np.arange(n)
    level = 100 * (1 + 0.01 * t) + 5 * np.sin(2 * np.pi * t / 12)
    treated = level * (1 + 0.05 * rng.standard_normal(n))
    treated[n_pre:] *= 1 + effect
    starts = [period_start(START + i, "month") for i in range(n)]
    series = pl.DataFrame({"period_start": starts, "value": treated})
    controls = pl.concat(
        [
            pl.DataFrame(
                {
                    "region_code": code,
                    "period_start": starts,
                    "value": level * scale * (1 + 0.05 * rng.standard_normal(n)),
                }
            )
            for code, scale in CONTROL_SCALES.items()
        ]
    )
    return series, controls, period_start(START + n_pre, "month")


def panel(series: pl.DataFrame, controls: pl.DataFrame, treated: str = "US") -> pl.DataFrame:
    return pl.concat([series.select(pl.lit(treated).alias("region_code"), "period_start", "value"), controls])


def impact_run(data_dir: Path, warehouse: Path) -> Path:
    """`impact run` in its own process on a generated data folder (what a user runs); the warehouse's path.
    Fails the test with the command's last output when it does not exit 0."""
    impact = str(Path(sys.executable).with_name("impact"))
    run = subprocess.run([impact, "run", "--data-dir", str(data_dir), "--warehouse", str(warehouse)],
                         capture_output=True, text=True, timeout=600)  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return warehouse
