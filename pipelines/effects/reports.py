"""What `impact effect` answers: every estimate of one event's effect on one series, over one window and one
donor pool (`EffectReport`), or on several treated regions pooled (`PooledReport`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.effects.counterfactual import CounterfactualEstimate
from pipelines.effects.did import DidEstimate
from pipelines.effects.donors import DonorPool
from pipelines.effects.pooled import PooledEstimate
from pipelines.effects.results import Refusal, cited_list
from pipelines.effects.synthetic_control import SyntheticControlEstimate
from pipelines.effects.unit_did import UnitDidEstimate
from pipelines.effects.windows import Window


@dataclass(frozen=True)
class EffectReport:
    """Every estimate of one event's effect on one series (or its refusal), over one window, against one
    donor pool. `headline` is the estimate to quote: the synthetic control for one treated region, the
    unit-level difference-in-differences for many units per region, else the first method not refused."""

    event: dict
    entity: str
    metric: str
    region_code: str
    grain: str
    points: int
    counterfactual: CounterfactualEstimate | Refusal
    did: DidEstimate | UnitDidEstimate | Refusal
    series_sources: list[tuple[str | None, str]]  # (dataset, source_id) of every figure the estimates use
    synthetic_control: SyntheticControlEstimate | Refusal | None = None
    window: Window | None = None
    donor_pool: DonorPool | None = None
    units: list[str] | None = None  # the entities used as units (stores), when the design is unit-level
    publishers: dict = field(default_factory=dict)  # (dataset, source_id) -> the source (`reads.sources`)

    @property
    def estimates(self) -> dict[str, object]:
        """Method name -> estimate or Refusal, headline candidates first."""
        order = (
            (("difference_in_differences", self.did), ("synthetic_control", self.synthetic_control))
            if self.units
            else (("synthetic_control", self.synthetic_control), ("counterfactual", self.counterfactual),
                  ("difference_in_differences", self.did))
        )  # fmt: skip
        return {name: est for name, est in order if est is not None}

    @property
    def headline(self) -> str | None:
        return next((n for n, e in self.estimates.items() if not isinstance(e, Refusal)), None)

    @property
    def estimated(self) -> bool:
        return self.headline is not None

    def to_dict(self) -> dict:
        return {
            "event": {k: str(v) if v is not None else None for k, v in self.event.items()},
            "entity": self.entity,
            "metric": self.metric,
            "region_code": self.region_code,
            "grain": self.grain,
            "points": self.points,
            "units": self.units,
            "headline": self.headline,
            "window": self.window.to_dict() if self.window else None,
            "donor_pool": self.donor_pool.to_dict() if self.donor_pool else None,
            "synthetic_control": self.synthetic_control.to_dict() if self.synthetic_control else None,
            "counterfactual": self.counterfactual.to_dict(),
            "difference_in_differences": self.did.to_dict(),
            "series_sources": cited_list(self.series_sources, self.publishers),
        }


@dataclass(frozen=True)
class PooledReport:
    """One event in several treated regions: the pooled synthetic control and every region's own report."""

    pooled: PooledEstimate | Refusal
    reports: dict[str, EffectReport]

    @property
    def estimated(self) -> bool:
        return not isinstance(self.pooled, Refusal) or any(r.estimated for r in self.reports.values())

    def to_dict(self) -> dict:
        return {
            "headline": "pooled_synthetic_control" if not isinstance(self.pooled, Refusal) else None,
            "pooled_synthetic_control": self.pooled.to_dict(),
            "regions": {code: report.to_dict() for code, report in self.reports.items()},
        }
