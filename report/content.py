"""What a report says, before it is drawn: scope, stamp, tiles, sections and charts, each number cited.

`gather(con, selection)` reads the warehouse (report.reads) and returns a `Report`: plain values and Plotly
figures (from the dashboard's pure chart builders), numbers as text followed by their `[n]` markers, and the
numbered source list those markers resolve to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import plotly.graph_objects as go
import polars as pl

from dashboard.charts.answers import bridge_waterfall
from dashboard.charts.pacing import pacing_chart
from dashboard.charts.scorecard import performance_heatmap
from dashboard.charts.trends import trend_chart
from pipelines.effects.narrative import amount, event_cited
from pipelines.settings import ReportSelection
from pipelines.warehouse.default_view import comparison_counts, default_view
from pipelines.words import signed_percent
from report import reads
from report.citations import Citer

POLICY_WORDS = {
    "at_period_end": "as known at the period's end",
    "when_reported": "as known when the result was reported",
    "original": "the first one published",
    "latest": "the latest one published",
}


@dataclass
class Chart:
    key: str  # heatmap, trend, pacing, bridge
    title: str
    figure: go.Figure
    caption: str


@dataclass
class Report:
    """Everything the template shows. rows: lists of dicts whose text values already carry markers."""

    title: str
    scope: list[tuple[str, str]]
    stamp: dict
    tiles: list[dict]
    charts: list[Chart]
    streaks: list[dict]
    pacing: list[dict]
    events: list[dict]
    narrative: list[tuple[str, str]]
    bridge: list[dict]
    unmatched: list[dict]
    sources: list[dict] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # section -> why it is empty


def gather(con: duckdb.DuckDBPyConnection, selection: ReportSelection, now: dt.datetime) -> Report:
    """The report of one selection. Raises LookupError (said to the person who chose the selection) when the
    warehouse is not a built one, or the series, region or period has no comparison to report."""
    stamp = {**reads.build(con), "generated_at": now}
    s = _resolve(con, selection)
    cite = Citer()
    frame = s["frame"]
    row = frame.filter((pl.col("region_code") == s["region"]) & (pl.col("period") == s["period"])).row(
        0, named=True
    )
    unit = row["unit"]
    streaks = reads.streaks(con, selection.entity, selection.metric, s["kind"], s["policy"], s["grain"])
    report = Report(
        title=f"{selection.entity} · {s['metric_label']}: actual against {s['kind']}",
        scope=_scope(selection, s, row),
        stamp=stamp,
        tiles=_tiles(frame, row, streaks, s, cite),
        charts=[],
        streaks=_streak_rows(streaks, frame, unit, s["grain"], cite),
        pacing=[],
        events=[],
        narrative=[],
        bridge=[],
        unmatched=_unmatched_rows(reads.unmatched(con, selection.entity, selection.metric), cite),
    )
    report.charts.append(_heatmap(frame, s))
    report.charts.append(_trend(con, selection, s, frame, report, cite))
    _pacing(con, selection, s, report, cite)
    _narrative(con, selection, s, report, cite)
    _bridge(con, selection, s, report, cite)
    datasets = sorted(
        {d for d in frame["actual_dataset"].to_list() + frame["expectation_dataset"].to_list() if d}
    )
    report.sources = cite.source_list(reads.sources(con, list(cite.order), datasets))
    return report


def _resolve(con, selection: ReportSelection) -> dict:
    """The selection with its defaults filled in: kind, policy, grain, region and period, the comparisons."""
    kinds = reads.series_kinds(con, selection.entity, selection.metric)
    if kinds.is_empty():
        raise LookupError(
            f"no comparison for {selection.entity} · {selection.metric}: no actual meets an expectation "
            '(check the entity and metric ids, e.g. with `impact sql "select distinct entity, metric from '
            'actual_vs_expectation"`)'
        )
    if selection.kind is not None and selection.kind not in kinds["kind"].to_list():
        have = ", ".join(kinds["kind"].to_list())
        raise LookupError(
            f"no comparison of {selection.entity} · {selection.metric} against '{selection.kind}' (have: {have})"
        )
    # the kind and grain the Scorecard opens on: the pages' one rule (pipelines/warehouse/default_view.py)
    counts = comparison_counts(con, selection.entity, selection.metric)
    kind = selection.kind or default_view(counts)[0]
    chosen = kinds.filter(pl.col("kind") == kind)
    if chosen.is_empty():  # counted but not in the latest vintage's comparisons: the most compared kind
        chosen = kinds
    kind, default_policy, _ = chosen.row(0)
    policy = selection.policy or default_policy or "at_period_end"
    frame = reads.comparisons(con, selection.entity, selection.metric, kind, policy)
    if frame.is_empty():
        raise LookupError(f"no comparison of {selection.entity} · {selection.metric} under policy '{policy}'")
    region = selection.region or _headline_region(frame)
    in_region = frame.filter(pl.col("region_code") == region)
    if in_region.is_empty():
        have = ", ".join(sorted(set(frame["region_code"])))
        raise LookupError(
            f"no comparison of {selection.entity} · {selection.metric} in '{region}' (have: {have})"
        )
    _, default_grain = default_view(counts.filter(pl.col("kind") == kind))
    at_default = in_region.filter(pl.col("grain") == default_grain)
    latest = in_region if selection.period or at_default.is_empty() else at_default
    period = selection.period or latest.sort("period_end")["period"][-1]
    picked = in_region.filter(pl.col("period") == period)
    if picked.is_empty():
        have = ", ".join(in_region["period"].to_list())
        raise LookupError(f"no comparison for {region} in '{period}' (have: {have})")
    grain = picked["grain"][0]
    return {
        "kind": kind,
        "policy": policy,
        "grain": grain,
        "region": region,
        "period": period,
        "region_name": picked["region_name"][0],
        "region_path": in_region["region_path"][0],
        "frame": frame.filter(pl.col("grain") == grain),
        "metric_label": _metric_label(con, selection.metric),
    }


def _metric_label(con, metric: str) -> str:
    rows = con.sql("select name from metrics where metric = ?", params=[metric]).fetchall()
    return rows[0][0] if rows and rows[0][0] else metric


def _headline_region(frame: pl.DataFrame) -> str:
    """The shallowest region with the most periods (the Scorecard's tiles' region)."""
    counts = frame.group_by("region_code", "region_depth").len()
    return counts.sort(["region_depth", "len", "region_code"], descending=[False, True, False])[
        "region_code"
    ][0]


def _scope(selection, s, row) -> list[tuple[str, str]]:
    return [
        ("Business", selection.entity),
        ("Metric", s["metric_label"]),
        ("Region", f"{s['region_name']} ({s['region']})"),
        ("Period", f"{s['period']} (per {s['grain']})"),
        ("Against", f"{s['kind']}, {POLICY_WORDS.get(s['policy'], s['policy'])}"),
    ]


def _sources_of(rows: pl.DataFrame) -> list[tuple]:
    """The (dataset, source_id) keys of comparison rows, both sides (a rollup's ids comma-joined)."""
    return [*zip(rows["actual_dataset"].to_list(), rows["actual_source_id"].to_list(), strict=True),
            *zip(rows["expectation_dataset"].to_list(), rows["expectation_source_id"].to_list(), strict=True)]  # fmt: skip


def _tiles(frame, row, streaks, s, cite) -> list[dict]:
    a_key = (row["actual_dataset"], row["actual_source_id"])
    e_key = (row["expectation_dataset"], row["expectation_source_id"])
    unit, both = row["unit"], cite(a_key, e_key)
    in_period = frame.filter(pl.col("period") == s["period"])
    worse = in_period.filter(pl.col("favourable").not_())
    pct = row["performance_pct"]
    sense = {True: "better than expected", False: "worse than expected"}.get(row["favourable"], "in line")
    tiles = [
        {"label": "Actual", "value": amount(row["actual"], unit), "cite": cite(a_key),
         "detail": f"{s['region_name']}, {s['period']}"},
        {"label": f"Expected ({s['kind']})", "value": amount(row["expectation"], unit),
         "cite": cite(e_key), "detail": f"as of {row['expectation_as_of']}"},
        {"label": "Variance", "value": _signed(row["variance"], unit), "cite": both,
         "detail": "actual − expected"},
        {"label": "Performance", "value": "n/a" if pct is None else signed_percent(pct), "cite": both,
         "detail": sense},
        {"label": "Regions worse", "value": f"{worse.height} of {in_period.height}",
         "cite": cite(*_sources_of(in_period)), "detail": f"in {s['period']}"},
    ]  # fmt: skip
    current = streaks.filter(pl.col("is_current") & (pl.col("region_code") == s["region"]))
    if current.is_empty():
        tiles.append({"label": "Current streak", "value": "none", "cite": "", "detail": "not short now"})
    else:
        st = current.row(0, named=True)
        tiles.append(
            {"label": "Current streak", "value": f"{st['length']} {s['grain']}(s)",
             "cite": cite(*_streak_sources(frame, st)), "detail": f"{st['first_period']} → {st['last_period']}"}
        )  # fmt: skip
    return tiles


def _signed(value: float | None, unit: str | None) -> str:
    """'−USD 9.0bn', '+USD 13.0bn': a change, its sign first."""
    if value is None:
        return "n/a"
    return ("−" if value < 0 else "+") + amount(abs(value), unit)


def _streak_sources(frame: pl.DataFrame, streak: dict) -> list[tuple]:
    inside = frame.filter(
        (pl.col("region_code") == streak["region_code"])
        & pl.col("period_start").is_between(streak["streak_start"], streak["streak_end"])
    )
    return _sources_of(inside)


def _streak_rows(streaks, frame, unit, grain, cite) -> list[dict]:
    return [
        {
            "region": st["region_name"],
            "periods": f"{st['first_period']} → {st['last_period']}",
            "length": f"{st['length']} {grain}(s)",
            "shortfall": amount(st["cumulative_shortfall"], unit),
            "cite": cite(*_streak_sources(frame, st)),
        }
        for st in streaks.filter(pl.col("is_current")).iter_rows(named=True)
    ]


def _heatmap(frame, s) -> Chart:
    return Chart(
        "heatmap",
        f"Regions × periods, per {s['grain']}",
        performance_heatmap(frame, s["metric_label"]),
        "Blue: better than expected, red: worse (in the metric's own sense). Empty cells: no comparison. "
        "The sources of each cell are those of the tiles and tables; every one is in the list at the end.",
    )


def _trend(con, selection, s, frame, report, cite) -> Chart:
    actuals = reads.actuals(con, selection.entity, selection.metric, s["region"], s["grain"])
    vintages = reads.vintages(con, selection.entity, selection.metric, s["kind"], s["region"], s["grain"])
    shortfalls = frame.filter((pl.col("region_code") == s["region"]) & pl.col("is_shortfall"))
    starts = actuals["period_start"].to_list() + vintages["period_start"].to_list()
    ends = actuals["period_end"].to_list() + vintages["period_end"].to_list()
    events = reads.events_near(con, selection.entity, s["region_path"])
    if starts:
        margin = dt.timedelta(days=92)
        events = events.filter(pl.col("date").is_between(min(starts) - margin, max(ends) + margin))
    report.events = [
        {"date": str(e["date"]), "status": e["status"], "where": e["jurisdiction_name"] or e["jurisdiction"],
         "title": e["title"], "cite": cite(*event_cited(e))}
        for e in events.iter_rows(named=True)
    ]  # fmt: skip
    return Chart(
        "trend",
        f"{s['region_name']}: actual and {s['kind']} over time, with events",
        trend_chart(
            actuals, vintages, shortfalls.select("period_start", "period_end"), events, s["metric_label"]
        ),
        "Solid: actual; dashed: first expectation; dotted: latest revision. Shaded: periods worse than "
        "expected. Events below: those about this business or its group, in or above the region.",
    )


def _pacing(con, selection, s, report, cite) -> None:
    paces = reads.pacing(con, selection.entity, selection.metric, s["policy"], s["region"], s["kind"])
    if paces.is_empty():
        report.notes["pacing"] = (
            "No pacing for this region: pacing needs an actual for part of a period and an expectation "
            "for the whole period."
        )
        return
    unit = paces["unit"][0]
    for p in paces.iter_rows(named=True):
        report.pacing.append(
            {"expectation": f"{p['expectation_kind']} for {p['expectation_period']}",
             "to_date": f"{p['to_date_start']} → {p['to_date_end']}",
             "actual": f"{amount(p['actual_to_date'], unit)} {cite(p['source_ids'])}",
             "achieved": f"{p['share_achieved'] * 100:.0f}% at {p['elapsed_share'] * 100:.0f}% elapsed "
             f"{cite(p['source_ids'], p['expectation_source_id'])}",
             "run_rate": f"{amount(p['run_rate_projection'], unit)} "
             f"{cite(p['source_ids'])}" if p["run_rate_projection"] is not None else "n/a"}
        )  # fmt: skip
    first = paces.filter(pl.col("expectation_period") == paces["expectation_period"][0])
    report.charts.append(
        Chart(
            "pacing",
            f"Pacing against the {first['expectation_kind'][0]} for {first['expectation_period'][0]}",
            pacing_chart(first, s["metric_label"]),
            "The straight line to the expectation, and the actual to date against it.",
        )
    )


def _narrative(con, selection, s, report, cite) -> None:
    from pipelines.effects.assess import explain_period  # the estimators load only when a report is made

    told = explain_period(con, selection.entity, selection.metric, s["region"], s["period"])
    markers = {c.marker: (c.dataset, c.source_id) for c in told.citations}
    report.narrative = [(heading, cite.adopt(text, markers)) for heading, text in told.parts]


def _bridge(con, selection, s, report, cite) -> None:
    steps = reads.bridge(
        con, selection.entity, selection.metric, s["region"], s["period"], s["kind"], s["policy"]
    )
    if steps.is_empty():
        report.notes["bridge"] = (
            f"No bridge for {s['region_name']}, {s['period']}: one expectation, no revision."
        )
        return
    unit = steps["unit"][0]
    every = [
        (d, sid)
        for d, sid in zip(steps["dataset"].to_list(), steps["source_id"].to_list(), strict=True)
        if sid
    ]
    for b in steps.iter_rows(named=True):
        signed = b["step"] not in ("original", "actual")
        value = amount(b["step_value"], unit)
        report.bridge.append(
            {"step": b["step"], "label": b["label"],
             "value": _signed(b["step_value"], unit) if signed else value,
             "total": amount(b["running_total"], unit), "cite": cite((b["dataset"], b["source_id"]) if b["source_id"] else every)}
        )  # fmt: skip
    report.charts.append(
        Chart(
            "bridge",
            f"From the first {s['kind']} to the actual: {s['region_name']}, {s['period']}",
            bridge_waterfall(steps, "", s["metric_label"]),
            "Each revision of the expectation, then the gap to the actual.",
        )
    )


def _unmatched_rows(frame: pl.DataFrame, cite) -> list[dict]:
    return [
        {"region": u["region_name"], "period": u["period"], "kind": u["kind"], "reason": u["reason"],
         "cite": cite([(c["dataset"], c["source_id"]) for c in u["cited"] or []])}
        for u in frame.iter_rows(named=True)
    ]  # fmt: skip
