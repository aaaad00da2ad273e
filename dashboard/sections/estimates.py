"""The Impact page's estimates: the counterfactual (three panels), difference-in-differences against control
regions, the treated region and its controls indexed, and the cited narrative of the event's period. Each
says why there is no estimate when the estimator refused (pipelines.effects.results.Refusal)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import widgets
from dashboard.charts.did import controls_chart, did_chart
from dashboard.charts.effects import effect_panels
from dashboard.charts.style import value_scale
from dashboard.charts.synthetic_control import PLACEBO_FIT_LIMIT, synthetic_chart, weights_chart
from dashboard.data import connection as db
from dashboard.data import impact as data
from dashboard.figures import show_chart
from dashboard.text import page_words
from pipelines.effects import synthetic_control
from pipelines.effects.periods import label, period_end, period_index, period_start
from pipelines.effects.results import Refusal


def pct(x: float) -> str:
    return f"{x * 100:+.1f}%"


def amount(x: float, unit: str | None) -> str:
    d, lab = value_scale(unit, [x])
    return f"{x / d:+,.2f} {lab}".strip()


def window_line(report) -> None:
    """The window every estimate below uses, and how it was chosen."""
    if report.window is None:
        return
    how = (
        "chosen by you"
        if report.window.chosen_by == "user"
        else "default: every period on each side up to the next event touching the series"
    )
    st.markdown(
        f"**Window**: {report.window.text} · {how}. The event's own period counts as after it unless the event falls on its last day."
    )


def synthetic_control_section(report, choice, event: dict, unit: str | None, names: dict) -> None:
    """The headline for one treated region; left out when the figures are of units (stores), whose design is
    the unit-level difference-in-differences."""
    sc = report.synthetic_control
    if sc is None or report.units:
        return
    st.subheader(
        "Synthetic control: the headline estimate"
        if report.headline == "synthetic_control"
        else "Synthetic control"
    )
    if isinstance(sc, Refusal):
        st.info(f"**No synthetic control for this series.** {page_words(sc.reason)}.")
        return
    c = st.columns(4)
    c[0].metric(f"Average gap, {sc.window.span('post')}", amount(sc.average_gap, unit))
    c[0].caption(
        f"95% interval {amount(sc.interval.lower, unit)} to {amount(sc.interval.upper, unit)} (placebo-based)"
        if sc.interval
        else "no bounded 95% interval (see the note below)"
    )
    if sc.relative_effect is not None:
        c[1].metric("Relative to the synthetic", pct(sc.relative_effect.estimate))
    c[2].metric("Placebo p-value", f"{sc.p_value:.3f}", help=synthetic_control.P_VALUE_METHOD)
    c[2].caption(f"rank {sc.rank} of {sc.units} by post/pre RMSPE ratio")
    c[3].metric("Pre-period fit (RMSPE)", amount(sc.pre_rmspe, unit).lstrip("+"))
    c[3].caption(
        f"{sc.relative_pre_rmspe:.1%} of the series' level; refused above {synthetic_control.MAX_RELATIVE_RMSPE:.0%}"
    )
    treated = choice.region_names[choice.region]
    significant = sc.p_value <= synthetic_control.ALPHA
    st.markdown(
        f"{treated} ran **{amount(sc.average_gap, unit)}** a {choice.grain} against its synthetic control over "
        f"{sc.window.span('post')}; "
        + (
            f"only {sc.rank - 1} of {sc.units - 1} donors' placebo gaps are as large relative to their fit, so the "
            "gap is **unlikely to be chance** (p ≤ 0.05)."
            if significant
            else f"{sc.rank - 1} of {sc.units - 1} donors' placebo gaps are as large relative to their fit, so the "
            "gap **could be chance** (p > 0.05)."
        )
        + " Figures as loaded from the sources cited in the narrative below."
    )
    show_chart(
        synthetic_chart(sc.gaps, sc.placebo_gaps, sc.placebos, choice.region, event["date"], choice.grain, unit,
                        treated, choice.metric_label),
        key="synthetic",
    )  # fmt: skip
    show_chart(weights_chart(sc.weights, names), key="weights")
    st.caption(
        f"Method: {sc.method}. p-value: {synthetic_control.P_VALUE_METHOD}. Interval: "
        f"{synthetic_control.INTERVAL_METHOD}. Grey lines: placebo gaps of donors fitted within "
        f"{PLACEBO_FIT_LIMIT:g} times {treated}'s pre-period RMSPE (as Abadie, Diamond and Hainmueller draw them; "
        "the p-value counts every donor). Covariates are not used: the fit is on the pre-period outcomes only."
    )
    if sc.placebo_in_time:
        t = sc.placebo_in_time
        st.caption(
            f"Placebo in time: the same fit with a fake event in {t['fake_event_period']} (fitted on {t['pre']}) "
            f"gives an average gap of {amount(t['average_gap'], unit)} over {t['post']}, against "
            f"{amount(sc.average_gap, unit)} after the real event."
        )
    for note in sc.notes:
        st.caption(f"Note: {note}")


def donor_pool_section(pool, names: dict) -> None:
    if pool is None:
        return
    with st.expander(
        f"Donor pool: {len(pool.donors)} regions in, {len(pool.left_out)} left out", expanded=False
    ):
        st.markdown(f"Rule: {page_words(pool.rule)}.")
        st.markdown("**In**: " + (", ".join(f"{names.get(d, d)} ({d})" for d in pool.donors) or "none"))
        if pool.left_out:
            left_out = pl.DataFrame(pool.left_out)
            if "reason" in left_out.columns:
                left_out = left_out.with_columns(
                    pl.col("reason").map_elements(page_words, return_dtype=pl.String)
                )
            st.dataframe(left_out, hide_index=True, width="stretch")
        if pool.without_figures:
            st.caption(f"{pool.without_figures} other regions of the level have no figures of this series.")


def counterfactual_section(cf, event: dict, grain: str, unit: str | None, metric_label: str) -> None:
    st.subheader("Counterfactual: what would have happened without the event")
    if isinstance(cf, Refusal):
        st.info(f"**No counterfactual for this series.** {page_words(cf.reason)}.")
        return
    c = st.columns(3)
    c[0].metric(
        "Relative effect",
        pct(cf.relative_effect.estimate),
        help="Cumulative effect / cumulative counterfactual over the post-period.",
    )
    c[0].caption(f"95% interval {pct(cf.relative_effect.lower)} to {pct(cf.relative_effect.upper)}")
    total, average = cf.cumulative_effect, cf.average_effect
    c[1].metric(f"Cumulative effect, {cf.post_start} to {cf.post_end}", amount(total.estimate, unit))
    c[1].caption(f"95% interval {amount(total.lower, unit)} to {amount(total.upper, unit)}")
    c[2].metric(f"Average effect per {grain}", amount(average.estimate, unit))
    c[2].caption(f"95% interval {amount(average.lower, unit)} to {amount(average.upper, unit)}")
    covers_zero = cf.relative_effect.lower <= 0 <= cf.relative_effect.upper
    st.markdown(
        "The interval **includes zero**: the data do not show a clear effect."
        if covers_zero
        else "The interval **excludes zero**: the series departed from what the model expected."
    )
    show_chart(effect_panels(cf.panels, event["date"], grain, unit, metric_label), key="panels")
    st.caption(
        f"Model: {cf.model}, fitted on {widgets.count_of(cf.pre_periods, grain)} before the event "
        f"({cf.pre_start} to {cf.pre_end}) and run over {cf.post_periods} after ({cf.post_start} to "
        f"{cf.post_end}) with the actuals hidden. The period containing the event counts as the first period "
        "after it. Before the event the dashed line is the model's one-step fit; the band is the 95% interval. "
        "Intervals take the model's variances as known, so they are slightly optimistic on short series."
    )
    for note in cf.notes:
        st.caption(f"Note: {note}")


def did_section(did, choice, event: dict, unit: str | None) -> None:
    st.subheader("Difference-in-differences: against regions the event did not touch")
    if isinstance(did, Refusal):
        st.info(f"**No difference-in-differences estimate.** {page_words(did.reason)}.")
        return
    if hasattr(did, "unit_kind"):
        units_did_section(did, unit)
        return
    c = st.columns(3)
    if did.relative_effect is not None:
        c[0].metric("Relative effect", pct(did.relative_effect.estimate))
        c[0].caption(f"95% interval {pct(did.relative_effect.lower)} to {pct(did.relative_effect.upper)}")
    else:
        c[0].metric("Effect (level)", amount(did.effect.estimate, unit))
        c[0].caption(f"95% interval {amount(did.effect.lower, unit)} to {amount(did.effect.upper, unit)}")
    all_names = {**choice.control_names, **choice.region_names}
    c[1].metric("Control regions", len(did.controls))
    c[1].caption(
        ", ".join(f"{all_names.get(r, r)} ({r})" for r in did.controls)
        + (
            " · chosen by you"
            if choice.controls
            else " · the donor pool (every region of the level, see above)"
        )
    )
    grain = choice.grain
    c[2].metric(
        f"{widgets.GRAIN_PLURAL.get(grain, grain).capitalize()} compared",
        f"{did.pre_periods} before · {did.post_periods} after",
    )
    treated = choice.region_names[choice.region]
    show_chart(
        did_chart(did.gap, event["date"], grain, did.scale, unit, treated, choice.metric_label), key="did"
    )
    st.caption(
        "Gap = log(treated) − mean log(controls) (levels when a value is not positive); the effect is the "
        "change of its average from before to after, with Newey-West standard errors. It assumes the controls "
        "would have moved like the treated region without the event: check that in the chart below."
    )
    for note in did.notes:
        st.caption(f"Note: {note}")


def units_did_section(did, unit: str | None) -> None:
    """Many units per region (stores): the 2x2 (or longer) design's effect and its four cells."""
    c = st.columns(3)
    c[0].metric(f"Effect per {did.unit_kind}", amount(did.effect.estimate, unit))
    c[0].caption(f"95% interval {amount(did.effect.lower, unit)} to {amount(did.effect.upper, unit)}")
    if did.conventional:
        conv = did.conventional
        c[0].caption(
            f"conventional (CRV1, normal, as published studies quote it): {amount(conv['lower'], unit)} to "
            f"{amount(conv['upper'], unit)}"
        )
    c[1].metric(
        "Standard error",
        f"{did.standard_error:,.3f}",
        help=f"clustered by {did.unit_kind}: CRV3 (jackknife), t with {did.unit_kind}s - 1 degrees of freedom",
    )
    c[2].metric(f"{did.unit_kind.capitalize()}s · observations", f"{did.units} · {did.observations}")
    cells = did.cells.select(
        "group", pl.col("side").alias("before / after"), "mean", pl.col("units").alias(f"{did.unit_kind}s"),
        pl.col("period_labels").list.join(", ").alias("periods"),
    )  # fmt: skip
    st.dataframe(cells, hide_index=True)
    if did.event_study is not None:
        st.markdown("**Event study**: each period's effect against the last period before the event")
        st.dataframe(did.event_study, hide_index=True)
        if did.pre_trend:
            st.caption(f"Pre-trend test: {did.pre_trend['test']}; p = {did.pre_trend['p_value']:.3f}.")
    st.caption(
        f"Method: {did.method}. Window: {did.window.text}. Control regions: {', '.join(did.controls)}. It assumes "
        f"the control {did.unit_kind}s would have moved like the treated ones without the event."
    )
    for note in did.notes:
        st.caption(f"Note: {note}")


def controls_section(ident: db.Identity, cf, did, choice, event: dict) -> None:
    """The treated region and every control used, indexed to their pre-event average."""
    used = sorted(set(getattr(did, "controls", []) or []) | set(getattr(cf, "controls", []) or []))
    if not used or hasattr(did, "unit_kind"):  # units (stores): their regions have no one series to draw
        return
    grain, idx = choice.grain, period_index(event["date"], choice.grain)
    span = data.series(
        ident,
        choice.entity,
        choice.metric,
        grain,
        [choice.region, *used],
        period_start(idx - 36, grain),
        period_end(idx + 12, grain),
    )
    with st.expander("Treated region and controls, indexed", expanded=True):
        show_chart(
            controls_chart(span, choice.region, event["date"], grain, choice.metric_label),
            key="controls_chart",
        )


def narrative_period(event: dict, window: pl.DataFrame, grain: str) -> tuple[str, str]:
    """(the event's period, the period to narrate): the closest period with an actual when the event's own
    period has none."""
    event_period = label(period_index(event["date"], grain), grain)
    if not window.height or event_period in window["period"].to_list():
        return event_period, event_period
    after = window.filter(pl.col("position") >= 0)
    return event_period, (after if after.height else window).sort("position")["period"][
        0 if after.height else -1
    ]


def narrative_section(ident: db.Identity, choice, event: dict, window: pl.DataFrame, span: tuple) -> None:
    """The cited paragraph of the period closest to the event with an actual; its events are those of the
    event's window `span` (dates: `periods.event_span`), the window the flags name."""
    event_period, period = narrative_period(event, window, choice.grain)
    st.subheader(f"What the figures say about {period}")
    if period != event_period:
        st.caption(
            f"The event's period {event_period} has no actual figure; the closest period with one is shown."
        )
    st.caption(
        "Generated from templates (deterministic); [n] points to the sources below. The events are ranked "
        "by place (this region, then enclosing, then inner regions), closeness in time and category; the "
        "estimate is about the event chosen above."
    )
    story = data.narrative(
        ident,
        choice.entity,
        choice.metric,
        choice.region,
        period,
        choice.event_id,
        choice.pre,
        choice.post,
        span,
    )
    if isinstance(story, str):
        st.info(f"No narrative for {period}: {story}.")
        return
    for heading, body in story.parts:  # the miss, the streak, the events, the estimate
        st.markdown(f"**{heading}.** " + page_words(body).replace("$", "\\$"))  # page advice, not CLI flags
    cited = data.sources(ident, [(c.dataset, c.source_id) for c in story.citations])
    keys = list(zip(cited["dataset"].to_list(), cited["source_id"].to_list(), strict=True))
    urls = dict(zip(keys, cited["url"].to_list(), strict=True))  # by (dataset, source_id): ids are scoped
    titles = dict(zip(keys, cited["title"].to_list(), strict=True))
    lines = []
    for c in story.citations:
        key = (c.dataset, c.source_id)
        name = f"{c.publisher}" + (f", *{titles[key]}*" if titles.get(key) else "")
        name = f"[{name}]({urls[key]})" if urls.get(key) else name
        lines.append(f"{c.marker}. {name} · {c.published_on} · `{c.source_id}`")
    if lines:
        st.markdown("**Sources**  \n" + "  \n".join(lines))
