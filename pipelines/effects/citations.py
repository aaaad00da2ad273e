"""The narrative's citations: each a (dataset, source_id) key, numbered in order of first citation.

A source id is scoped to its dataset (two datasets may each have a source 'report' from two publishers), so
every citation carries the dataset of the figure or event that cites it and is resolved by both
(`pipelines.effects.reads.sources`, over sql/views/chosen/cited_sources.sql), never by the id alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.effects.reads import cited as cited_keys


@dataclass(frozen=True)
class Citation:
    """One numbered source: `source_id` of `dataset` (ids are scoped to their dataset: two datasets may each
    have a source 'report'), resolved by both (`pipelines.effects.reads.sources`)."""

    marker: int
    source_id: str
    publisher: str
    published_on: str
    dataset: str | None = None
    title: str | None = None
    url: str | None = None

    def __str__(self) -> str:
        return f"[{self.marker}] {self.source_id}: {self.publisher}, {self.published_on}"


class _Citer:
    """cite(('alpha', 'a,b'), ...) -> '[1][2]': markers for (dataset, source ids) keys, numbered in order of first
    citation; a rolled-up figure's source_id joins its components' ids with commas. A bare id (no dataset)
    is a key of dataset None, which no source resolves."""

    def __init__(self, sources: dict[tuple, dict]):
        self.sources, self.order = sources, {}

    def __call__(self, *keys) -> str:
        markers = []
        pairs = []
        for key in keys:
            if not key:
                continue
            dataset, ids = key if isinstance(key, tuple) else (None, key)
            pairs += cited_keys(dataset, ids)
        for pair in dict.fromkeys(pairs):
            self.order.setdefault(pair, len(self.order) + 1)
            markers.append(f"[{self.order[pair]}]")
        return "".join(markers)

    def citations(self) -> list[Citation]:
        out = []
        for (dataset, sid), marker in self.order.items():
            src = self.sources.get((dataset, sid), {})
            out.append(
                Citation(
                    marker,
                    sid,
                    src.get("publisher") or "unknown publisher",
                    src.get("published_on") or "undated",
                    dataset,
                    src.get("title"),
                    src.get("url"),
                )
            )
        return out


def event_cited(event: dict) -> list[tuple]:
    """The (dataset, source_id) keys an event cites: every report's of its group (`cited`), else its own."""
    if event.get("cited"):
        return [(c["dataset"], c["source_id"]) for c in event["cited"]]
    return [(event.get("dataset"), event.get("source_id"))]
