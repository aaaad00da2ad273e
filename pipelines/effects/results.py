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


def cited_list(keys: list[tuple[str | None, str]], publishers: dict) -> list[dict]:
    """[{dataset, source_id, publisher, title, url, published_on}] for (dataset, source_id) keys: a source id
    means nothing without the dataset it is scoped to (two datasets may each have a source 'report')."""
    out = []
    for dataset, source_id in keys:
        known = publishers.get((dataset, source_id), {})
        out.append({"dataset": dataset, "source_id": source_id, "publisher": known.get("publisher"),
                    "title": known.get("title"), "url": known.get("url"),
                    "published_on": known.get("published_on")})  # fmt: skip
    return out
