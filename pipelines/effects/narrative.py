"""A short, deterministic account of one period of one series in four parts, with a citation for every number:
the miss (how much, which period), the streak (how long), the events that matter most (ranked by
`pipelines.effects.ranking`, the rest counted: "and 9 more"), and the estimate (the effect with its interval,
or why there is none).

Plain templates, no generated prose: the same warehouse gives the same words. Every figure, date and
estimate is followed by bracketed markers [n] that point to sources (source id, publisher, published date);
a derived number (a variance, a streak total, an effect) cites every source it was computed from, and an event
reported by several sources cites each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipelines.effects.citations import Citation, _Citer, event_cited
from pipelines.effects.periods import period_index, window_words
from pipelines.effects.ranking import SHOWN_EVENTS

__all__ = ["Citation", "Narrative", "_Citer", "amount", "event_cited", "write_narrative"]


@dataclass(frozen=True)
class Narrative:
    """parts: (heading, text) in order: 'The miss', 'The streak', 'The events', 'The estimate' (the last only
    when an event was assessed). text: the parts as paragraphs ('The miss: ...')."""

    parts: list[tuple[str, str]]
    citations: list[Citation]

    @property
    def text(self) -> str:
        return "\n\n".join(f"{heading}: {body}" for heading, body in self.parts)

    def __str__(self) -> str:
        return self.text + "\n\nSources:\n" + "\n".join(str(c) for c in self.citations)

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "parts": [{"heading": h, "text": t} for h, t in self.parts],
            "citations": [c.__dict__ for c in self.citations],
        }


def amount(value: float | None, unit: str | None) -> str:
    """'USD 8.5bn', '12.0%', '3.2m'; base units as stored in the warehouse."""
    if value is None:
        return "n/a"
    if unit == "%":
        return f"{value:.1f}%"
    scaled = next(
        ((value / d, s) for d, s in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")) if abs(value) >= d),
        (value, ""),
    )
    number = f"{scaled[0]:,.1f}{scaled[1]}" if scaled[1] else f"{scaled[0]:,.2f}"
    return f"{unit} {number}" if unit and unit not in ("count", "ratio") else number


def write_narrative(
    *,
    entity: str,
    metric_name: str,
    region_name: str,
    period: str,
    actual: dict,
    comparison: dict | None,
    streak: dict | None,
    streak_sources: list[str],
    events: list[dict],
    window: tuple[date, date],
    effect=None,
    effect_event_related: bool = True,
    sources: dict[str, dict],
    region_code: str | None = None,
) -> Narrative:
    """events: the window's events, most relevant first (`ranking.rank_events`; each with `source_ids`, every
    report's source, and `place`); the first `SHOWN_EVENTS` are named, the rest counted.
    effect: an EffectReport, a StaggeredReport (several events: `region_code` places the period in its window)
    or None; effect_event_related: whether its event's jurisdiction is the region,
    an ancestor or a descendant. An effect whose event is not among `events` (outside the window, or in an
    unrelated jurisdiction) names the event's jurisdiction and date and says why it is not listed."""
    cite = _Citer(sources)
    unit = actual.get("unit")
    parts = [
        ("The miss", _miss_sentence(entity, metric_name, region_name, period, actual, comparison, cite)),
        ("The streak", _streak_sentence(streak, streak_sources, unit, comparison, period, cite)),
        ("The events", _events_sentence(events, window, region_name, cite)),
    ]
    if effect is not None:
        placement = _placement(effect.event, events, window, effect_event_related, region_name, cite)
        if hasattr(effect, "events"):  # several events: the staggered design
            said = _staggered_sentence(effect, placement, cite, period, actual, region_code, region_name)
        else:
            said = _effect_sentence(effect, placement, cite, period, actual, unit)
        parts.append(("The estimate", said))
    return Narrative(parts, cite.citations())


def _miss_sentence(entity, metric_name, region_name, period, actual, comparison, cite) -> str:
    unit = actual.get("unit")
    subject = f"{entity} {metric_name.lower()} in {region_name}, {period}"
    if comparison is None:
        value = actual.get("value")
        return (
            f"{subject}: {amount(value, unit)} {cite((actual.get('dataset'), actual.get('source_id')))}; no "
            "expectation known by "
            "then to compare it with."
        )
    a_src = (comparison.get("actual_dataset"), comparison["actual_source_id"])
    e_src = (comparison.get("expectation_dataset"), comparison["expectation_source_id"])
    actual_text = f"{amount(comparison['actual'], unit)} {cite(a_src)}"
    expected_text = (
        f"the {comparison['expectation_kind']} of {amount(comparison['expectation'], unit)} {cite(e_src)}"
    )
    if comparison.get("actual_components", 1) > 1:
        actual_text += f" ({_basis(comparison, 'actual')})"
    if comparison.get("expectation_components", 1) > 1:
        expected_text += f" ({_basis(comparison, 'expectation')})"
    variance, pct = comparison["variance"], comparison["variance_pct"]
    size = (
        f"{amount(abs(variance), unit)} ({abs(pct) * 100:.1f}%) {cite(a_src, e_src)}"
        if pct is not None
        else ""
    )
    if comparison["direction"] == "in_line":
        return f"{subject}: {actual_text}, in line with {expected_text}."
    word = "below" if comparison["direction"] == "below" else "above"
    sense = {True: ": better than expected", False: ": worse than expected"}.get(
        comparison.get("favourable"), ""
    )
    return f"{subject}: {actual_text}, which is {size} {word} {expected_text}{sense}."


def _basis(comparison: dict, side: str) -> str:
    """'sum of 12 months, 3 approximate' for a rolled-up side of a comparison."""
    text = comparison["basis"].removeprefix(f"{side}: ")
    approximate = comparison.get(f"{side}_approximate_components") or 0
    return text + (f", {approximate} approximate" if approximate else "")


def _streak_sentence(streak, streak_sources, unit, comparison, period, cite) -> str:
    if comparison is None:
        return "No expectation to compare with, so no run of shortfalls to measure."
    kind = comparison["expectation_kind"]
    if not comparison.get("is_shortfall"):
        return f"Not short of its {kind}: no shortfall run."
    if not streak or streak["length"] < 2:
        return (
            f"Short of its {kind} on its own: the periods next to it are not short or have no figures to "
            "compare."
        )
    n, grain = streak["length"], streak["grain"]
    current = "the current run" if streak["is_current"] else "a run"
    cited = cite(*streak_sources)
    return (
        f"It is part of {current} of {n} {cited} {grain}s short of {streak['expectation_kind']}, "
        f"from {streak['first_period']} to {streak['last_period']}, "
        f"{amount(streak['cumulative_shortfall'], unit)} {cited} short in total."
    )


def _events_sentence(events, window, region_name, cite) -> str:
    span = window_words(window)
    if not events:
        return f"No events in related jurisdictions fall in the window {span}."
    shown, rest = events[:SHOWN_EVENTS], events[SHOWN_EVENTS:]
    listed = "; ".join(
        f"{e['title']} ({e['jurisdiction']}, {e['date']}{', expected' if e['status'] == 'expected' else ''}) "
        f"{cite(*event_cited(e))}"
        for e in shown
    )
    ids = ", ".join(e["event_id"] for e in rest[:6]) + (", …" if len(rest) > 6 else "")
    more = f"; and {len(rest)} more ({ids})" if rest else ""
    heading = (
        f"{len(events)} events in related jurisdictions in the window {span}; the closest to {region_name} "
        "first"
        if len(events) > 1
        else f"One event in a related jurisdiction in the window {span}"
    )
    return f"{heading}: {listed}{more}."


def _placement(event, events, window, related, region_name, cite) -> str:
    """'' for an event listed in the events sentence, else ' (CA, 2024-11-06 [3]; outside the window)'."""
    if any(e["event_id"] == event["event_id"] for e in events):
        return ""
    why = []
    if event["date"] > window[1] or (event.get("date_end") or event["date"]) < window[0]:
        why.append("outside the events window")
    if not related:
        why.append(f"in a jurisdiction not related to {region_name}")
    return (
        f" ({event['jurisdiction']}, {event['date']} {cite((event.get('dataset'), event['source_id']))}; "
        f"{' and '.join(why) or 'not among the events above'})"
    )


def _effect_sentence(effect, placement, cite, period, actual, unit) -> str:
    """The headline estimate (`EffectReport.headline`) with its window; for a period outside that window, that
    it says nothing about the period (never another window's number presented as this period's)."""
    title = effect.event["title"] + placement
    series_cite = cite(*effect.series_sources)
    name = effect.headline
    if name is None:
        reasons = [r.reason for r in effect.estimates.values()]
        return f"No effect of {title} can be estimated: {reasons[0]} (figures: {series_cite})."
    estimate = effect.estimates[name]
    window = getattr(estimate, "window", None) or effect.window
    span = f", {window.text}" if window else ""
    side = window.side(period_index(actual["period_start"], window.grain)) if window else "post"
    if hasattr(estimate, "weights"):  # synthetic control: a gap in the series' unit, per period
        said = _synthetic_sentence(estimate, unit)
    elif hasattr(estimate, "unit_kind"):  # units: the effect per unit, as the published 2x2 tables give it
        e = estimate.effect
        said = (
            f"{e.estimate:+,.2f} per {estimate.unit_kind} (95% interval {e.lower:+,.2f} to {e.upper:+,.2f}, "
            f"standard errors clustered by {estimate.unit_kind}; {estimate.units} {estimate.unit_kind}s)"
        )
    else:
        interval = estimate.relative_effect or estimate.effect
        scale = 100 if estimate.relative_effect is not None else 1
        sign = "%" if estimate.relative_effect is not None else ""
        said = (
            f"{interval.estimate * scale:+.1f}{sign} (95% interval {interval.lower * scale:+.1f}{sign} to "
            f"{interval.upper * scale:+.1f}{sign})"
        )
    method = estimate.method.split(" (")[0].split(":")[0]
    text = f"Estimated effect of {title} on this series ({method}{span}): {said} {series_cite}."
    if side is None:
        return text + (
            f" {period} lies outside this window, so the estimate says nothing about {period} itself; choose a "
            "window that covers it (--pre, --post)."
        )
    if side == "pre":
        return text + f" {period} is before the event, in the window's pre-period."
    gap = estimate.gap_at(period) if hasattr(estimate, "gap_at") else None
    if gap is not None:
        text += f" In {period} the gap is {amount(gap, unit)} {series_cite}."
    return text


def _staggered_sentence(report, placement, cite, period, actual, region_code, region_name) -> str:
    """The staggered estimate (`pipelines.effects.adoption.StaggeredReport`) with its window; for a period
    outside that window (or of a region the estimate neither treats nor controls), that it says nothing about
    the period."""
    others = len(report.events) - 1
    title = (
        report.event["title"]
        + placement
        + (f" and {others} events like it in other regions" if others else "")
    )
    series_cite = cite(*report.series_sources)
    est = report.estimate
    if not report.estimated:
        return f"No staggered effect of {title} can be estimated: {est.reason} (figures: {series_cite})."
    a = est.att
    window = f", {report.window.text}" if report.window else ""
    text = (
        f"Estimated effect of {title} on this series (staggered difference-in-differences{window}): "
        f"{a.estimate:+,.4g} per treated region and {report.grain} on average (95% interval {a.lower:+,.4g} to "
        f"{a.upper:+,.4g}; two-way fixed effects, biased here, {est.twfe['estimate']:+,.4g}) {series_cite}."
    )
    side, where = report.place(region_code, actual["period_start"]) if region_code else ("post", "")
    if side is None:
        return text + (
            f" {period} in {region_name} lies outside this window ({where}), so the estimate says nothing about "
            f"{period} itself; choose a window that covers it (--pre, --post)."
        )
    if side == "pre":
        return text + f" {period} is {where}, in the window's pre-period."
    if side == "control":
        return text + f" {region_name} is {where} of the estimate in {period}."
    return text + f" {period} is {where}, inside the window."


def _synthetic_sentence(estimate, unit) -> str:
    donors = estimate.units - 1
    interval = (
        f"placebo-based 95% interval {amount(estimate.interval.lower, unit)} to {amount(estimate.interval.upper, unit)}"
        if estimate.interval
        else f"no 95% interval: with {donors} donors the placebo test cannot reach 0.05"
        if donors < 19
        else "no bounded 95% interval: no constant effect fits the post-period as well as the placebos"
    )
    relative = estimate.relative_effect
    share = f", {relative.estimate * 100:+.1f}% of the synthetic" if relative is not None else ""
    return (
        f"on average {amount(estimate.average_gap, unit)} per period{share} against its synthetic control over "
        f"{estimate.window.span('post')} ({interval}; placebo p-value {estimate.p_value:.3f}, rank "
        f"{estimate.rank} of {estimate.units})"
    )
