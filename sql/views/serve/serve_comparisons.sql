-- The Scorecard's comparisons, as the page shows them: actual_vs_expectation's rows for the latest actual
-- (actual_vintage = 'latest'), with the region tree's columns and the sources' publishers joined, values in the
-- base unit. Read by sql/reads/scorecard/*.sql and sql/reads/trends/shortfall_periods.sql only.
-- Grain: one row per entity x metric x expectation_kind x policy x region x period (as actual_vs_expectation).
-- Columns: the series keys (entity, metric, expectation_kind, policy), region_code, region_name, region_level,
-- region_depth (0 for WORLD), region_path ('WORLD/APAC/SEA/VN'), period, grain, period_start, period_end,
-- unit (the base unit: 'USD', 'count', '%'), the values actual, expectation, expectation_low, expectation_high,
-- variance in that unit (actual_vs_expectation's x to_base), the ratios and flags as there, the publishers
-- actual_publisher / expectation_publisher (null for a rollup's comma-joined source ids), actual_dataset /
-- expectation_dataset (the datasets the source ids are scoped to: a citation's key with the id), and
-- actual_figure_ids / expectation_figure_ids for rolled-up rows only (null when basis = 'reported': the row's
-- one figure is named by its source; the lists cost as much to read as every other column together).
-- Stored sorted by (entity, metric, expectation_kind, policy, grain, region_path, period_start): the page's
-- filters prune whole row groups and its rows come out in the order it shows them.
create or replace view serve_comparisons as

with comparisons as (
    select * from actual_vs_expectation
    where actual_vintage = 'latest'
),

regions as (
    select * from regions
),

-- a citation by the dataset its ids are scoped to (two datasets may share one source id)
publishers as (
    select * from cited_sources
),

final as (
    select
        c.entity,
        c.metric,
        c.expectation_kind,
        c.policy,
        c.region_code,
        c.region_name,
        r.level as region_level,
        r.depth as region_depth,
        r.path as region_path,
        c.period,
        c.grain,
        c.period_start,
        c.period_end,
        c.base_unit as unit,
        c.actual * c.to_base as actual,
        c.actual_kind,
        c.actual_bound,
        c.actual_source_id,
        c.actual_dataset,
        pa.publisher as actual_publisher,
        c.expectation * c.to_base as expectation,
        c.expectation_low * c.to_base as expectation_low,
        c.expectation_high * c.to_base as expectation_high,
        c.expectation_bound,
        c.expectation_as_of,
        c.expectation_source_id,
        c.expectation_dataset,
        pe.publisher as expectation_publisher,
        c.vintages,
        c.variance * c.to_base as variance,
        c.variance_pct,
        c.attainment,
        c.direction,
        c.direction_certain,
        c.is_shortfall,
        c.is_approximate,
        c.is_bound,
        c.basis,
        c.favourable,
        c.performance_pct,
        c.actual_components,
        c.actual_approximate_components,
        case when c.basis <> 'reported' then c.actual_figure_ids end as actual_figure_ids,
        c.expectation_components,
        c.expectation_approximate_components,
        case when c.basis <> 'reported' then c.expectation_figure_ids end as expectation_figure_ids
    from comparisons as c
    inner join regions as r on r.region_code = c.region_code
    left join publishers as pa on pa.dataset = c.actual_dataset and pa.source_id = c.actual_source_id
    left join publishers as pe on pe.dataset = c.expectation_dataset and pe.source_id = c.expectation_source_id
)

select * from final
order by entity, metric, expectation_kind, policy, grain, region_path, period_start
