"""Track record: how far each forecaster's expectations can be trusted (bias, mean absolute error, direction
hit rate, range coverage), by horizon, against the first release or the latest actual."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import tables, widgets
from dashboard.charts.answers import error_by_horizon
from dashboard.data import answers as data
from dashboard.data import connection as db
from dashboard.figures import show_chart

VINTAGES = {"first_release": "the first release", "latest": "the latest (restated) actual"}

st.title("Track record: how far each forecaster can be trusted")
ident = widgets.current_identity()
with db.reading(ident):
    vintage = widgets.url_choice(
        st.sidebar.radio,
        "Score against",
        list(VINTAGES),
        "actual_vintage",
        "first_release",
        prefix="",
        format_func=VINTAGES.get,
        help="Forecast evaluations score a forecast against the first published value of what it predicted; "
        "restatements come later.",
    )
    record = data.track_record(ident, vintage)
    if record.is_empty():
        st.info("No expectation has an actual to be scored against yet.")
        st.stop()
    overall = record.filter(pl.col("horizon_band") == "all")
    st.caption(
        f"Every vintage of every expectation against {VINTAGES[vintage]}: bias = mean signed error (positive: "
        "expected too much), MAE = mean absolute error, both as % of the actual (rates: in points, as bias); "
        "hit rate = share of forecasts that called the direction against the previous period rightly."
    )
    top = overall.sort("comparisons", "mae_pct", descending=[True, False], nulls_last=True).row(0, named=True)
    if top["bias_pct"] is not None:
        sense = "too high" if top["bias_pct"] > 0 else "too low"
        st.markdown(
            f"**{top['publisher']}**'s {top['expectation_kind']}s for {top['metric']} have been "
            f"{abs(top['bias_pct']) * 100:.0f} % {sense} on average over {top['periods']} "
            f"period{'s' if top['periods'] != 1 else ''} ({top['comparisons']} forecasts)."
        )
    show_chart(error_by_horizon(record), key="horizon")
    st.subheader("Forecasters, most scored first")
    ranking = overall.sort("comparisons", "mae_pct", descending=[True, False], nulls_last=True).select(
        "publisher", "expectation_kind", "metric", "comparisons", "periods", "bias_pct", "mae_pct", "hit_rate",
        "direction_calls", "band_coverage", "ranges", "worst_figure_id", "worst_error_pct",
    )  # fmt: skip
    tables.show_table(ranking, "track_record", selection={"actual_vintage": vintage})
    st.subheader("The largest misses")
    tables.show_table(
        data.worst_misses(ident, vintage), "worst_misses", selection={"actual_vintage": vintage}
    )
