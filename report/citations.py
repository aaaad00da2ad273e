"""One numbered source list per report: every number's `[n]` marker points into it.

The narrative (`pipelines.effects.narrative`) numbers its own citations; `Citer.adopt` renumbers its markers
into the report's list, so one source keeps one number through the whole document.
"""

from __future__ import annotations

import re

MARKER = re.compile(r"\[(\d+)\]")


class Citer:
    """cite('a', 'b,c') -> '[1][2][3]': markers for source ids (a rolled-up figure's source_id joins its
    components' sources with commas), numbered in order of first citation."""

    def __init__(self) -> None:
        self.order: dict[str, int] = {}

    def __call__(self, *source_ids: str | list | None) -> str:
        ids: list[str] = []
        for given in source_ids:
            if not given:
                continue
            parts = given if isinstance(given, list) else str(given).split(",")
            ids += [p.strip() for p in parts if p and p.strip()]
        markers = []
        for sid in dict.fromkeys(ids):
            self.order.setdefault(sid, len(self.order) + 1)
            markers.append(f"[{self.order[sid]}]")
        return "".join(markers)

    def adopt(self, text: str, markers: dict[int, str]) -> str:
        """`text` with another numbering's markers (marker -> source id) replaced by this list's."""
        return MARKER.sub(lambda m: self(markers[int(m.group(1))]) or m.group(0), text)

    def source_list(self, known: dict[str, dict]) -> list[dict]:
        """[{marker, source_id, publisher, title, url, published_on, reliability, ...}] in marker order;
        a source id the warehouse does not hold is listed as such (never dropped: its marker must resolve)."""
        return [
            {"publisher": "source not in the warehouse", **known.get(sid, {}), "marker": n, "source_id": sid}
            for sid, n in sorted(self.order.items(), key=lambda kv: kv[1])
        ]
