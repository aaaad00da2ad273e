"""One event in several treated regions (a law in several states, a geo test in two cities): the synthetic
controls of the regions pooled into one estimate, each region's own result beside it.

Every treated region is fitted on the same donor pool (the regions every one of them may use, none of the
treated), so the placebos (each donor fitted on the other donors) are the same for all. The pooled estimate is
the mean of the regions' average gaps (and of their relative effects). Its p-value follows Cavallo, Galiani, Noy
and Pantano (2013): the mean of the treated regions' post/pre RMSPE ratios against the means of every set of as
many placebos (all sets when there are at most `EXACT_SETS`, else that many drawn with a fixed seed), counting
the treated set among them. No pooled interval is given: the regions' own intervals stand beside it.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from pipelines.effects.results import Refusal
from pipelines.effects.synthetic_control import SyntheticControlEstimate

EXACT_SETS = 20_000
P_VALUE_METHOD = (
    "placebo sets: the mean post/pre RMSPE ratio of the treated regions against the mean of every set of as many "
    "donors' placebo ratios (Cavallo, Galiani, Noy & Pantano 2013)"
)


@dataclass(frozen=True)
class PooledEstimate:
    method: str
    regions: list[str]
    donors: list[str]
    average_gap: float  # mean over the regions of their average gaps
    relative_effect: float | None  # mean of the regions' relative effects
    p_value: float
    placebo_sets: int
    by_region: dict[str, SyntheticControlEstimate]

    def to_dict(self) -> dict:
        return {
            "status": "estimated",
            "method": self.method,
            "regions": self.regions,
            "donors": self.donors,
            "average_gap": self.average_gap,
            "relative_effect": self.relative_effect,
            "p_value": self.p_value,
            "p_value_method": P_VALUE_METHOD,
            "placebo_sets": self.placebo_sets,
            "interval": None,
            "interval_note": "no pooled interval: each region's own interval is given beside it",
        }


def pool_synthetic_controls(
    by_region: dict[str, SyntheticControlEstimate | Refusal],
) -> PooledEstimate | Refusal:
    """The pooled estimate of several treated regions' synthetic controls fitted on one donor pool."""
    refused = {r: e for r, e in by_region.items() if isinstance(e, Refusal)}
    if refused:
        listed = "; ".join(f"{r}: {e.reason}" for r, e in refused.items())
        return Refusal("pooled synthetic control", f"not every treated region has an estimate ({listed})")
    estimates = dict(by_region)
    first = next(iter(estimates.values()))
    placebos = first.placebos.filter(~first.placebos["region_code"].is_in(list(estimates)))
    ratios = placebos["ratio"].to_numpy()
    k = len(estimates)
    if len(ratios) < k:
        return Refusal(
            "pooled synthetic control", f"{len(ratios)} donors cannot make a placebo set of {k} regions"
        )
    treated = float(
        np.mean([e.placebos.filter(e.placebos["region_code"] == r)["ratio"][0] for r, e in estimates.items()])
    )
    sets = _placebo_means(ratios, k)
    p_value = (1 + int(np.sum(sets >= treated - 1e-12))) / (1 + len(sets))
    relatives = [e.relative_effect.estimate for e in estimates.values() if e.relative_effect is not None]
    return PooledEstimate(
        method="pooled synthetic control: the mean of the treated regions' average gaps, one donor pool",
        regions=list(estimates),
        donors=placebos["region_code"].to_list(),
        average_gap=float(np.mean([e.average_gap for e in estimates.values()])),
        relative_effect=float(np.mean(relatives)) if len(relatives) == k else None,
        p_value=p_value,
        placebo_sets=len(sets),
        by_region=estimates,
    )


def _placebo_means(ratios: np.ndarray, k: int) -> np.ndarray:
    if math.comb(len(ratios), k) <= EXACT_SETS:
        return np.array([ratios[list(c)].mean() for c in itertools.combinations(range(len(ratios)), k)])
    rng = np.random.default_rng(0)
    return np.array([ratios[rng.choice(len(ratios), k, replace=False)].mean() for _ in range(EXACT_SETS)])
