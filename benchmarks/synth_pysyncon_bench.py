"""The project's synthetic control solver against pysyncon's on the Prop 99 data (39 states, 1970-1988 fitted):
the treated fit and its 38 placebos (each donor fitted on the others, California left out), in-process, and
each library's import time in a fresh process. The median of `--runs` runs of each.

usage: python benchmarks/synth_pysyncon_bench.py [--runs 3] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

FIGURES = Path(__file__).resolve().parents[1] / "tests/data/cases/effects-prop99/datasets/prop99/figures.csv"


def table() -> pd.DataFrame:
    frame = pd.read_csv(FIGURES)
    return frame.pivot(index="period", columns="region", values="value").loc[1970:1988]


def fits(pre: pd.DataFrame, solve) -> list[np.ndarray]:
    """The treated fit and every placebo: the same 39 fits as the placebo test."""
    out = []
    for unit in ["US_CA", *[c for c in pre.columns if c != "US_CA"]]:
        donors = [c for c in pre.columns if c not in ("US_CA", unit)]
        out.append(solve(pre[unit], pre[donors]))
    return out


def ours(y: pd.Series, X: pd.DataFrame) -> np.ndarray:
    from pipelines.effects.synthetic_control import simplex_weights

    return simplex_weights(y.to_numpy(), X.to_numpy())


def theirs(y: pd.Series, X: pd.DataFrame) -> np.ndarray:
    from pysyncon import Synth

    V = pd.concat([X, y], axis=1).std(axis=1).to_numpy() ** 2
    s = Synth()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s.fit(X0=X, X1=y, Z0=X, Z1=y, custom_V=V)
    return s.W


def import_time(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    pre = table()
    result = {}
    for name, solve in (("project_nnls", ours), ("pysyncon_slsqp", theirs)):
        solve(pre["US_CA"], pre.drop(columns="US_CA"))  # warm the imports
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            weights = fits(pre, solve)
            times.append(time.perf_counter() - t)
        result[name] = {"fits": len(weights), "median_s": statistics.median(times)}
    result["project_nnls"]["import_s"] = import_time("scipy.optimize")
    result["pysyncon_slsqp"]["import_s"] = import_time("pysyncon")
    mine = fits(pre, ours)
    other = fits(pre, theirs)
    result["max_weight_difference"] = float(
        max(np.abs(a - b).max() for a, b in zip(mine, other, strict=True))
    )
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
