"""Evidence: every figure behind the numbers, where sources disagree, claims without numbers, and the loads."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import tables, widgets
from dashboard.charts.evidence import disagreement_chart, one_unit
from dashboard.charts.style import as_reported
from dashboard.data import catalog
from dashboard.data import connection as db
from dashboard.data import evidence as data
from dashboard.figures import show_chart
from dashboard.text import md, md_link
from pipelines.words import counted

DIRECTION_BADGE = {
    "below": ("red", "fell short of expectations"),
    "in_line": ("gray", "in line with expectations"),
    "above": ("blue", "beat expectations"),
}

CLAIM_BADGES = 20

st.title("Evidence: where every number comes from")
ident = widgets.current_identity()
with db.reading(ident):  # one short connection for this render's uncached queries
    counts = catalog.figure_counts(ident)
    entities = sorted(set(counts["entity"].to_list()))
    # in the URL as its id, also read from a label or a loose spelling (`?entity=illustrative-marketplace`)
    entity = widgets.url_choice(
        st.sidebar.selectbox, "Entity", ["(all)", *entities], "entity", "(all)", prefix=""
    )
    entity = None if entity == "(all)" else entity
    widgets.illustrative_caption(ident, entity)
    metrics = sorted(
        set(
            counts.filter(pl.col("entity") == entity)["metric"].to_list()
            if entity
            else counts["metric"].to_list()
        )
    )
    names = widgets.metric_names(ident)  # 'Gross merchandise value' for 'gmv', as on the other pages
    metric = st.sidebar.selectbox(
        "Metric",
        ["(all)", *metrics],
        key="metric",
        bind="query-params",
        format_func=lambda m: names.get(m, m),
    )
    metric = None if metric in (None, "(all)") else metric
    # the selection in every download's columns and file name ('figures_TikTok-Shop_gmv.csv'); '(all)' is named
    picked = {"entity": entity or "all entities", "metric": metric or "all metrics"}

    info = catalog.build_info(ident)
    if info.height:
        b = info.row(0, named=True)
        st.caption(
            f"Warehouse built {b['built_at']:%Y-%m-%d %H:%M} UTC from {counted(b['files'], 'file')}: "
            f"{counted(b['rows_in'])} in, "
            f"{b['rows_loaded']:,} loaded, {b['rows_rejected']:,} rejected"
            + (
                f", {added:,} added into another line's figure"
                if (added := b["rows_in"] - b["rows_loaded"] - b["rows_rejected"]) > 0
                else ""
            )
            + f" (version {b['product_version']})."
        )

    region, start, end = (st.query_params.get(k) for k in ("region", "start", "end"))
    if region and start and end:  # a Scorecard heatmap cell, clicked (its region and period in the address)
        try:
            first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        except ValueError:
            st.warning(f"The address's period '{md(start)}'–'{md(end)}' is not two dates (YYYY-MM-DD).")
        else:
            cell = data.cell_figures(ident, entity, metric, region, first, last)
            where = cell["region_name"][0] if cell.height else region
            period = st.query_params.get("cell_period") or f"{first}–{last}"
            st.subheader(f"Figures behind the Scorecard cell: {md(where)}, {md(period)}")
            st.caption(
                f"{counted(cell.height, 'figure')} of {md(entity or 'every entity')} · "
                f"{md(names.get(metric, metric) if metric else 'every metric')} in {md(where)} within "
                f"{first}–{last} (the period and its months), actuals and every expectation with its vintage."
            )
            back = {k: v for k in ("entity", "metric", "kind") if (v := st.query_params.get(k))}
            st.page_link("app_pages/scorecard.py", label="Back to the Scorecard", query_params=back)
            tables.show_table(cell, "cell_figures", selection=picked | {"region": region, "period": period})

    component_ids = [f for f in st.query_params.get("figures", "").split(",") if f]
    if component_ids:  # linked from a rolled-up comparison on the Scorecard
        st.subheader("Figures behind a rolled-up comparison")
        components = data.figures_by_id(ident, component_ids)
        st.caption(
            f"{components.height} of the {len(component_ids)} figures linked (in period order) that were combined "
            "into one comparison by the metric's aggregation (docs/warehouse.md, 'Rollups')."
        )
        tables.show_table(components, "rollup_components", selection=picked)

    st.subheader("Qualitative claims (no number was reported)")
    claims = data.claims(ident, entity, metric)
    if claims.is_empty():
        st.caption("no direction-only claims for this selection")
    # Badges for the latest few: a page of a thousand markdown lines took the browser seconds (10M figures:
    # 1,056 claims, 7 s to the first chart); with more, one table holds them all.
    for r in claims.head(CLAIM_BADGES).iter_rows(named=True):
        colour, words = DIRECTION_BADGE.get(r["direction"], ("gray", r["direction"]))
        backed = "" if r["has_numeric_comparison"] else " · :orange-badge[no numbers to check it]"
        source = md_link(r["publisher"], r["url"])  # text from data is shown as text (dashboard/text.py)
        st.markdown(
            f":{colour}-badge[{words}] **{md(r['entity'])} · {md(names.get(r['metric'], r['metric']))}** in "
            f"{md(r['region_name'])}, {md(r['period'])} — {source}, {r['as_of']}{backed}"
        )
    if claims.height > CLAIM_BADGES:
        st.caption(f"The {CLAIM_BADGES} latest of {claims.height:,} claims; all of them in the table.")
        tables.show_table(claims, "qualitative_claims", selection=picked)
    elif claims.height:  # the badges above are the table; a grid of the same rows only delayed the page
        tables.show_table(
            claims,
            "qualitative_claims",
            grid=False,
            hidden_note="the claims above, one row each",
            selection=picked,
        )

    st.subheader("Where sources disagree")
    dis = data.disagreement(ident, entity, metric)
    if dis.is_empty():
        st.caption("no disagreement between sources for this selection")
    else:
        disagreeing = data.disagreement_count(ident, entity, metric)
        if disagreeing > dis.height:
            st.caption(
                f"The {dis.height} widest of {disagreeing:,} disagreements (by spread in %); "
                "pick an entity and metric to narrow them down."
            )
        charted, other_units = one_unit(dis)
        if not other_units.is_empty():
            st.caption(
                f"Charted: the {charted.height:,} disagreement{'' if charted.height == 1 else 's'} in "
                f"{charted['unit'][0] or 'no unit'}; {other_units.height:,} in other units "
                f"({', '.join(sorted(set(other_units['unit'].fill_null('no unit'))))}) are in the table below "
                "(one axis cannot hold different units)."
            )
        show_chart(disagreement_chart(charted), key="disagreement")
        tables.show_table(
            dis.drop("values_json"),
            "source_disagreement",
            total=disagreeing,
            full_csv=lambda: data.disagreement_csv(ident, entity, metric),
            selection=picked,
        )

    st.subheader("Revisions of expectations")
    revised = data.revisions(ident, entity, metric)
    if revised.is_empty():
        st.caption("no revised expectation for this selection")
    else:
        st.caption(
            f"{revised.height:,} later vintage{'' if revised.height == 1 else 's'} of an expectation with the "
            "value each replaced, latest first: a plan revised by its own publisher is a revision, not a "
            "disagreement between sources" + (" (the 1,000 latest)" if revised.height >= 1000 else "") + "."
        )
        tables.show_table(revised, "expectation_revisions", selection=picked)

    st.subheader("Figures")
    figures = data.evidence(ident, entity, metric)
    if figures.is_empty():
        st.info("No figures for this selection.")
    else:
        shown = figures.with_columns(
            pl.struct("value", "value_high", "bound", "unit", "direction")
            .map_elements(lambda r: as_reported(**r), return_dtype=pl.String)
            .alias("as reported"),
        ).select(
            "as reported",
            "bound",
            "kind",
            "entity",
            "metric",
            "region_name",
            "period",
            "publisher",
            "url",
            "as_of",
            "reliability",
            "originally_reported_by",
            "value",
            "value_high",
            "unit",
            "value_raw",
            "unit_raw",
            "source_id",
            "figure_id",
            "note",
            "file",
            "row_number",
            "origin",  # sheet and cell for files read through a layout: 'P&L'!F12
        )
        st.caption(
            "'as reported': ≤ at most, ≥ at least, ~ approximate, a–b a range. Values in the base unit (USD)."
        )
        tables.show_table(
            shown,
            "figures",
            column_config={"url": st.column_config.LinkColumn("source link", display_text="open")},
            total=int(
                counts.filter(
                    (pl.col("entity") == entity if entity else pl.lit(True))
                    & (pl.col("metric") == metric if metric else pl.lit(True))
                )["figures"].sum()
            ),
            full_csv=lambda: data.evidence_csv(ident, entity, metric),
            selection=picked,
        )

    st.subheader("Exchange rates used")
    rates = data.fx_rates_used(ident, entity)
    if rates.is_empty():
        st.caption(
            f"every figure{f' of {md(entity)}' if entity else ''} is in USD or a unit without currency: "
            "no exchange rate used"
        )
    else:
        st.caption(
            "Monthly rates behind the USD values, with who published them: the ECB reference rates, or a "
            "rates file brought with the data (fx*.csv), which wins for its currency and months."
        )
        tables.show_table(rates, "fx_rates_used")

    st.subheader("Loads and rejected rows")
    if entity:
        st.caption(f"The files holding {md(entity)}'s figures.")
    tables.show_table(data.loads(ident, entity), "loads")
    rejected = data.rejected(ident)
    if rejected.is_empty():
        st.caption("no rejected rows: every input row loaded")
    else:
        tables.show_table(rejected, "rejected_rows")
    order_rejects = data.order_rejects(ident)
    if not order_rejects.is_empty():
        st.subheader("Bad order rows (orders path)")
        months = order_rejects["month"].n_unique()
        st.caption(
            f"{order_rejects['rows'].sum():,} order rows left out of GMV across {months} "
            f"month{'' if months == 1 else 's'}, counted by reason (docs/orders.md section 3)."
        )
        tables.show_table(order_rejects, "order_rejects")
