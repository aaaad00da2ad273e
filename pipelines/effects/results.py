"""What an impact method returns: an estimate with its interval, or a refusal that says why."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Refusal:
    """The data cannot support an estimate; `reason` is written for the person reading it."""

    method: str
    reason: str

    def to_dict(self) -> dict:
        return {"status": "refused", **asdict(self)}


@dataclass(frozen=True)
class Interval:
    """A point estimate and its 95% interval."""

    estimate: float
    lower: float
    upper: float

    def covers(self, value: float) -> bool:
        return self.lower <= value <= self.upper
