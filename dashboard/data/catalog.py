"""What is in the warehouse, shared by every page: build info, figure counts, comparable pairs, metrics,
regions, events, default policies, unmatched expectations and the documented example queries.

Each function names its read (sql/reads/catalog/*.sql) and returns a Polars frame, cached by the warehouse's
identity (`dashboard.data.connection`). A warehouse built by another version of the product may lack a view
or column read here: the version notice above every page says so (`schema_fingerprint`), no read falls back.
"""

from __future__ import annotations

import polars as pl

from dashboard.data.connection import Identity, read
from pipelines.warehouse.sqlfiles import sql_files


def build_info(ident: Identity) -> pl.DataFrame:
    """built_at, files, rows_in, rows_loaded, rows_rejected, product_version (one row)."""
    return read(ident, "catalog/build_info")


def schema_fingerprint(ident: Identity) -> str | None:
    """The fingerprint of the SQL the warehouse was built with (build_info.schema_fingerprint), None when the
    warehouse predates the column (then it was built by an older version)."""
    return read(ident, "catalog/schema_fingerprint")["fingerprint"][0]


def figure_counts(ident: Identity) -> pl.DataFrame:
    """entity, metric, region_code, kind, is_expectation, unit, figures, numeric_figures (figure_counts)."""
    return read(ident, "catalog/figure_counts")


def comparable_pairs(ident: Identity) -> pl.DataFrame:
    """Entity and metric pairs with a numeric actual and a numeric expectation, most figures first: entity,
    metric, actual_figures, expectation_figures, expectation_kinds."""
    return read(ident, "catalog/comparable_pairs")


def comparison_counts(ident: Identity, entity: str, metric: str) -> pl.DataFrame:
    """Comparisons (region x period) per expectation kind and grain of one series, quarters as the Scorecard
    shows them (reported, rolled up or summed from months): kind, grain, comparisons. The input of the pages'
    one default rule, `pipelines.warehouse.default_view.default_view` (the report reads the same SQL file
    through `pipelines.warehouse.default_view.comparison_counts`)."""
    return read(ident, "catalog/comparison_counts", entity, metric, entity, metric)


def illustrative_entities(ident: Identity) -> set[str]:
    """Names of the entities whose figures are all illustrative (generated, not reported)."""
    return set(read(ident, "catalog/illustrative_entities")["entity"].to_list())


def metrics(ident: Identity) -> pl.DataFrame:
    """metric, name, unit_kind, additive, higher_is_better."""
    return read(ident, "catalog/metrics")


def regions(ident: Identity) -> pl.DataFrame:
    """region_code, name, parent_code, level, depth, path, in path order."""
    return read(ident, "catalog/regions")


def events(ident: Identity) -> pl.DataFrame:
    """Every event once (a group of reports of the same event as its representative, serve_events):
    event_id, date, date_precision, date_end, status, jurisdiction(_name, _path), category, title, entity,
    source_id, publisher, url, note, reported_as (the group's event ids), source_ids, publishers."""
    return read(ident, "catalog/events")


def representative_event(events_frame: pl.DataFrame, event_id: str | None) -> str | None:
    """The id under which `events` shows the event: itself, or its group's representative for another report
    of it (a link to BRE03 opens EV07, the same order); None when no event has that id."""
    if event_id is None or events_frame.is_empty():
        return None
    hit = events_frame.filter(pl.col("reported_as").list.contains(event_id))
    return hit["event_id"][0] if hit.height else None


def example_queries() -> dict[str, str]:
    """The documented example queries (sql/examples), by a readable name."""
    return {path.stem.replace("_", " "): path.read_text().strip() for path in sql_files("examples")}


def default_policies(ident: Identity) -> dict[str, str]:
    """Expectation kind -> its default policy (view default_policies, the one place it is chosen: consensus
    'when_reported', the other kinds 'at_period_end')."""
    frame = read(ident, "catalog/default_policies")
    return dict(zip(frame["expectation_kind"], frame["default_policy"], strict=True))


def unmatched_expectations(ident: Identity, entity: str) -> pl.DataFrame:
    """metric, region_code, period, kind, vintages, reason, expectation_figure_ids of the entity's expectations
    that no comparison uses (sql/views/analysis/unmatched_expectations.sql): the Scorecard and Trends say how
    many, so an empty shortfall list is never read as "no misses"."""
    return read(ident, "catalog/unmatched_expectations", entity)
