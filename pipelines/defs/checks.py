"""Asset checks on the built warehouse, before it is published. Each counts offending rows.

Blocking checks stop the publish step: the last good warehouse stays published. Warnings are shown in the
run and the UI but do not block (they describe the data, not a broken build).
"""

from pathlib import Path

import dagster as dg
import duckdb

from pipelines.defs.assets import warehouse_build

CHECKS_SQL = {
    "unique_keys": """
        select (select count(*) - count(distinct (dataset, figure_id)) from figures)
             + (select count(*) - count(distinct (dataset, event_id)) from events)
             + (select count(*) - count(distinct (dataset, source_id)) from sources)""",
    "known_regions_metrics_entities": """
        select (select count(*) from figures f where not exists (select 1 from regions r where r.region_code = f.region_code))
             + (select count(*) from figures f where not exists (select 1 from metrics m where m.metric = f.metric))
             + (select count(*) from figures f where not exists (select 1 from entities e where e.entity = f.entity))
             + (select count(*) from events v where not exists (select 1 from regions r where r.region_code = v.jurisdiction))""",
    "every_figure_has_a_source": """
        select (select count(*) from figures f where not exists (select 1 from sources s
                    where s.source_id = f.source_id and s.dataset in (f.dataset, '_reference')))
             + (select count(*) from events v where not exists (select 1 from sources s
                    where s.source_id = v.source_id and s.dataset in (v.dataset, '_reference')))""",
    "rows_in_equals_loaded_plus_rejected": """
        with per_kind as (
            select input_kind, sum(rows_loaded)::bigint as loaded from loads group by input_kind
        ), tables as (
            select 'figures' as input_kind, count(*)::bigint as n from figures
            union all select 'events', count(*) from events
            union all select 'sources', count(*) from sources
        )
        select (select count(*) from loads where rows_in <> rows_loaded + rows_rejected)
             + (select count(*) from tables t left join per_kind p using (input_kind) where coalesce(p.loaded, 0) <> t.n)""",
    "expectation_vintages_ordered": """
        select count(*) from (
            select entity, metric, region_code, period_start, period_end, kind, as_of
            from figures where is_expectation and value is not null
            group by all having count(distinct value) > 1
        )""",
    "expectations_published_after_period": """
        select count(*) from figures where is_expectation and as_of > period_end""",
    "no_rejected_rows": """
        select count(*) from (select distinct file, row_number from rejected_rows)""",
}
DESCRIPTIONS = {
    "unique_keys": "figure_id, event_id and source_id are unique within their dataset",
    "known_regions_metrics_entities": "every figure's region, metric and entity and every event's jurisdiction "
    "exist in the reference tables",
    "every_figure_has_a_source": "every figure and event points to a source of its own dataset or a shared "
    "one (reference/)",
    "rows_in_equals_loaded_plus_rejected": "per file, rows in = rows loaded + rows rejected, and the tables "
    "hold exactly the rows loaded",
    "expectation_vintages_ordered": "no two vintages of the same expectation share an as_of date with different "
    "values (their order would be ambiguous)",
    "expectations_published_after_period": "expectations published after the period they predict (flagged: "
    "an 'expectation' known after the fact is not a forecast)",
    "no_rejected_rows": "input rows that were rejected (see rejected_rows)",
}
BLOCKING = {
    "unique_keys",
    "known_regions_metrics_entities",
    "every_figure_has_a_source",
    "rows_in_equals_loaded_plus_rejected",
}


def count_offending(path: Path, name: str) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return int(con.execute(CHECKS_SQL[name]).fetchone()[0])


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            name, asset=warehouse_build, description=DESCRIPTIONS[name], blocking=name in BLOCKING
        )
        for name in CHECKS_SQL
    ],
)
def warehouse_checks(warehouse_build: str):
    """Every check in one step: each is one SQL count over the built file."""
    for name in CHECKS_SQL:
        n = count_offending(Path(warehouse_build), name)
        yield dg.AssetCheckResult(
            asset_key=dg.AssetKey("warehouse_build"),
            check_name=name,
            passed=n == 0,
            severity=dg.AssetCheckSeverity.ERROR if name in BLOCKING else dg.AssetCheckSeverity.WARN,
            metadata={"offending rows": n},
        )


WAREHOUSE_CHECKS = [warehouse_checks]
