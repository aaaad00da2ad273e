"""One numbered source list per report: every number's `[n]` marker points into it.

A citation is a (dataset, source_id) key: ids are scoped to their dataset, so two datasets may each have a
source 'report' from two publishers, and the list resolves each key in its own dataset (report.reads.sources).
The narrative (`pipelines.effects.narrative`) numbers its own citations; `Citer.adopt` renumbers its markers
into the report's list, so one source keeps one number through the whole document.
"""

from __future__ import annotations

import re

from pipelines.effects.reads import cited

MARKER = re.compile(r"\[(\d+)\]")


class Citer:
    """cite(('alpha', 'a'), ('alpha', 'b,c')) -> '[1][2][3]': markers for (dataset, source ids) keys (a rolled-up
    figure's source_id joins its components' ids with commas), numbered in order of first citation. A key
    may be a list of such pairs; a bare id (or list of ids) has no dataset (None): `source_list` resolves it
    in the report's own datasets."""

    def __init__(self) -> None:
        self.order: dict[tuple, int] = {}

    def __call__(self, *keys) -> str:
        pairs: list[tuple] = []
        for given in keys:
            if not given:
                continue
            if isinstance(given, tuple):
                pairs += cited(given[0], given[1])
            elif isinstance(given, list):
                for item in given:
                    pairs += cited(item[0], item[1]) if isinstance(item, tuple) else cited(None, item)
            else:
                pairs += cited(None, given)
        return "".join(f"[{self._number(pair)}]" for pair in dict.fromkeys(pairs))

    def _number(self, pair: tuple) -> int:
        """The marker of (dataset, source_id): a bare id (dataset None) and a dataset's key of that id are one
        source with one number (the tiles cite by dataset, a narrative may cite the bare id: the report
        listed PYMNTS twice, as [2] and [17])."""
        if pair not in self.order:
            dataset, sid = pair
            same = [n for (d, s), n in self.order.items() if s == sid and (dataset is None or d is None)]
            self.order[pair] = same[0] if same else len(set(self.order.values())) + 1
        return self.order[pair]

    def adopt(self, text: str, markers: dict[int, tuple]) -> str:
        """`text` with another numbering's markers (marker -> (dataset, source_id)) replaced by this list's."""
        return MARKER.sub(lambda m: self(markers[int(m.group(1))]) or m.group(0), text)

    def source_list(self, known: dict[tuple, dict]) -> list[dict]:
        """[{marker, dataset, source_id, publisher, title, url, published_on, reliability, ...}] in marker
        order; a key the warehouse does not hold is listed as such (never dropped: its marker must resolve)."""
        keys: dict[int, tuple] = {}
        for key, n in sorted(self.order.items(), key=lambda kv: kv[1]):
            if n not in keys or keys[n][0] is None:  # one entry per number: the dataset's key over a bare id
                keys[n] = key
        return [
            {"publisher": "source not in the warehouse", **known.get(key, {}), "marker": n, "source_id": key[1],
             "dataset": known.get(key, {}).get("dataset", key[0])}
            for n, key in sorted(keys.items())
        ]  # fmt: skip
