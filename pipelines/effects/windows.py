"""The estimation window of an event: which periods count as before it and which as after it.

Every estimator uses the same `Window` and every estimate states it ("1970-1988 (19 years before), 1989-2000
(12 years after)"). Periods are running indices (`pipelines.effects.periods.period_index`).

- The event's own period counts as after it, unless the event falls on that period's last day (a law in force
  on 31 December acts from January).
- By default the window reaches as far as the series goes on each side, but never past another event that
  touches the same series: the pre-period starts after the latest earlier event's period (after its date_end's
  period for an event that lasted), the post-period ends before the next event's first affected period, and
  with the event's own date_end (a ban lifted) at the period that date falls in: the estimate is the effect
  while the event lasted.
- The user may give either side as a period range (`--pre 1970..1988 --post 1989..2000`); a post window may
  start later than the event (an effect that builds up), the pre window must end before the event acts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from pipelines.effects.periods import label, period_end, period_index, period_start
from pipelines.normalise.periods import PeriodError, parse_period
from pipelines.warehouse.rules import UNIT_LABEL


def first_affected(day: date, grain: str) -> int:
    """The first period an event dated `day` can act on: its own, or the next when it is that period's last day
    (for periods longer than a day: a day-long period is the event's own)."""
    idx = period_index(day, grain)
    return idx + 1 if grain != "day" and day == period_end(idx, grain) else idx


@dataclass(frozen=True)
class Window:
    grain: str
    event_period: int  # the first period the event acts on
    pre: tuple[int, int]  # first and last period index, inclusive
    post: tuple[int, int]
    chosen_by: str = "default"  # 'default' | 'user'
    empty: str | None = None  # why a side has no period (every estimate is then refused with it), else None
    lasted_until: date | None = None  # the event's date_end when the default post window stops with it

    @property
    def pre_periods(self) -> int:
        return self.pre[1] - self.pre[0] + 1

    @property
    def post_periods(self) -> int:
        return self.post[1] - self.post[0] + 1

    def side(self, idx: int) -> str | None:
        """'pre', 'post' or None (outside the window, or between a pre window and a late-starting post)."""
        if self.pre[0] <= idx <= self.pre[1]:
            return "pre"
        if self.post[0] <= idx <= self.post[1]:
            return "post"
        return None

    def span(self, which: str) -> str:
        """'1970-1988', '2024-01 to 2024-06', '1989' (one period) or 'none' (an empty side)."""
        a, b = self.pre if which == "pre" else self.post
        if a > b:
            return "none"
        joint = "-" if self.grain == "year" else " to "
        return label(a, self.grain) if a == b else f"{label(a, self.grain)}{joint}{label(b, self.grain)}"

    @property
    def text(self) -> str:
        """'1970-1988 (19 years before), 1989-2000 (12 years after)'; with an empty side, '2024 (1 year
        before), no period after: the series' last figure is 2024 and the event acts from 2025'."""
        if self.empty and self.post_periods <= 0:
            return f"{self.span('pre')} ({count(max(self.pre_periods, 0), self.grain)} before), no period after: {self.empty}"
        if self.empty:
            return f"no period before: {self.empty}; {self.span('post')} ({count(self.post_periods, self.grain)} after)"
        lasted = f", while the event lasted, to {self.lasted_until.isoformat()}" if self.lasted_until else ""
        return (
            f"{self.span('pre')} ({count(self.pre_periods, self.grain)} before), "
            f"{self.span('post')} ({count(self.post_periods, self.grain)} after{lasted})"
        )

    @property
    def start_date(self) -> date:
        return period_start(self.pre[0], self.grain)

    @property
    def end_date(self) -> date:
        return period_end(self.post[1], self.grain)

    def to_dict(self) -> dict:
        pre, post = self.pre, self.post
        return {
            "pre": f"{label(pre[0], self.grain)}..{label(pre[1], self.grain)}",
            "post": f"{label(post[0], self.grain)}..{label(post[1], self.grain)}",
            "pre_start": label(pre[0], self.grain),
            "pre_end": label(pre[1], self.grain),
            "post_start": label(post[0], self.grain),
            "post_end": label(post[1], self.grain),
            "pre_periods": self.pre_periods,
            "post_periods": self.post_periods,
            "event_period": label(self.event_period, self.grain),
            "chosen_by": self.chosen_by,
            "empty": self.empty,
            "lasted_until": self.lasted_until.isoformat() if self.lasted_until else None,
            "text": self.text,
        }


SINGULAR = {"halves": "half"}


def count(n: int, grain: str) -> str:
    plural = UNIT_LABEL.get(grain, f"{grain}s")
    return f"{n} {SINGULAR.get(plural, plural.removesuffix('s'))}" if n == 1 else f"{n} {plural}"


def choose_window(
    event_date: date,
    grain: str,
    data_periods: list[int],
    other_events: pl.DataFrame | None = None,
    pre: str | None = None,
    post: str | None = None,
    event_end: date | None = None,
) -> Window:
    """The window for an event on a series observed in `data_periods` (period indices); ValueError with a
    reason the user can act on when a chosen range cannot be used.

    other_events: events touching the same series (date, and optionally date_end); the default window stops
    short of them. `pre`/`post`: period ranges chosen by the user ('1970..1988', '2024-01..2024-06', '1989').
    event_end: the event's own date_end (a ban that was lifted, an outage): the default post window stops with
    the period it falls in, so the average is the effect while the event lasted, not diluted by the periods
    after it (a three-year ban's -20 read -6.3 averaged over eleven years); `--post` reaches beyond it."""
    event_idx = first_affected(event_date, grain)
    if not data_periods:
        raise ValueError("the series has no figures")
    first, last = min(data_periods), max(data_periods)
    earlier, later = first, last
    for row in other_events.iter_rows(named=True) if other_events is not None else ():
        acts = first_affected(row["date"], grain)
        ends = first_affected(row.get("date_end") or row["date"], grain)
        if acts < event_idx:  # the series is clean from the period after the earlier event's last one
            earlier = max(earlier, period_index(row["date_end"], grain) + 1 if row.get("date_end") else ends)
        elif acts > event_idx:
            later = min(later, acts - 1)
    pre_range = _user_range(pre, grain, "--pre") if pre else (earlier, event_idx - 1)
    lasted_until = None
    if not post and event_end is not None and period_index(event_end, grain) < later:
        later, lasted_until = max(period_index(event_end, grain), event_idx), event_end
    post_range = _user_range(post, grain, "--post") if post else (event_idx, later)
    if pre_range[1] >= event_idx:
        raise ValueError(
            f"the pre window {_span(pre_range, grain)} reaches the event's first period {label(event_idx, grain)} "
            f"(the event dated {event_date} acts from it): end the pre window at {label(event_idx - 1, grain)} or before"
        )
    if post_range[0] < event_idx:
        raise ValueError(
            f"the post window {_span(post_range, grain)} starts before the event acts ({label(event_idx, grain)}, "
            f"the event is dated {event_date}): start it at {label(event_idx, grain)} or later"
        )
    chosen = "user" if (pre or post) else "default"
    empty = None
    if post_range[0] > post_range[1]:  # only a default side can be empty (`_user_range` refuses the others)
        empty = (
            f"the series' last figure is {label(last, grain)} and the event acts from {label(event_idx, grain)}"
            if last < event_idx
            else f"the next event touching the series acts from {label(later + 1, grain)}, the event's own period"
        )
    elif pre_range[0] > pre_range[1]:
        empty = (
            f"the series' first figure is {label(first, grain)} and the event acts from {label(event_idx, grain)}"
            if first >= event_idx
            else f"an earlier event touching the series acts up to {label(earlier, grain)}, the period before the event"
        )
    return Window(grain, event_idx, pre_range, post_range, chosen, empty, lasted_until)


def _user_range(text: str, grain: str, option: str) -> tuple[int, int]:
    try:
        period = parse_period(text)
    except PeriodError as exc:
        raise ValueError(f"{option} {text!r}: {exc}") from None
    first, last = period_index(period.start, grain), period_index(period.end, grain)
    if first > last:
        raise ValueError(f"{option} {text!r} ends before it starts")
    return first, last


def _span(pair: tuple[int, int], grain: str) -> str:
    return f"{label(pair[0], grain)}..{label(pair[1], grain)}"


def event_window(ev: dict, grain: str, starts: list, other, pre, post) -> Window:
    """`choose_window` for an event (a row of `events`) on a series whose periods start on `starts`; a window
    that cannot be used is a LookupError (bad input, said to the user)."""
    try:
        return choose_window(
            ev["date"], grain, [period_index(d, grain) for d in starts], other, pre, post, ev.get("date_end")
        )
    except ValueError as exc:
        raise LookupError(str(exc)) from None
