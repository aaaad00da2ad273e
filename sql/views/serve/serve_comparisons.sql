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
-- In the expectation's own currency (issue 23: a EUR sheet was shown only in USD): native_currency (ISO 4217 of
-- the expectation, 'USD' for a USD one, null when not money or a rollup mixing currencies), actual_native,
-- expectation_native, expectation_low_native, expectation_high_native, variance_native in whole units of it
-- (EUR, not EUR m: the files' cells x their unit's scale; an actual in another currency at the expectation's
-- rate), and the rate that converted them: usd_per_unit = USD per one native_currency (the mean of the
-- monthly rates over the period, 1.0 for USD), so actual = actual_native x usd_per_unit; fx_first_month /
-- fx_last_month the months whose rates were averaged and fx_source who published them (fx_rates_used's
-- sources: 'ECB' or a rates file's; null for USD, and for a period past the last rate, whose figures used the
-- last month's rate). variance_pct, attainment and performance_pct are the same in either currency.
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

-- the months whose rates converted each non-USD expectation, and who published them (a dataset's own rates
-- win over the shared ones, as in fx_rates_used)
rate_months as (
    select distinct
        expectation_dataset as dataset,
        expectation_currency as currency,
        period_start,
        period_end,
        unnest(generate_series(date_trunc('month', period_start), period_end, interval 1 month))::date as month
    from comparisons
    where expectation_currency is not null and expectation_currency <> 'USD'
),

rate_sources as (
    select
        m.dataset,
        m.currency,
        m.period_start,
        m.period_end,
        min(m.month) as fx_first_month,
        max(m.month) as fx_last_month,
        string_agg(distinct coalesce(own.source, shared.source), '; ') as fx_source
    from rate_months as m
    left join fx_rates as own
        on own.dataset = m.dataset and own.currency = m.currency and own.month = m.month
    left join fx_rates as shared
        on shared.dataset = '_reference' and shared.currency = m.currency and shared.month = m.month
    where coalesce(own.usd_per_unit, shared.usd_per_unit) is not null
    group by m.dataset, m.currency, m.period_start, m.period_end
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
        case when c.basis <> 'reported' then c.expectation_figure_ids end as expectation_figure_ids,
        c.expectation_currency as native_currency,
        c.actual_native,
        c.expectation_native,
        c.expectation_low_native,
        c.expectation_high_native,
        c.variance_native,
        c.usd_per_unit,
        fx.fx_first_month,
        fx.fx_last_month,
        fx.fx_source
    from comparisons as c
    inner join regions as r on r.region_code = c.region_code
    left join publishers as pa on pa.dataset = c.actual_dataset and pa.source_id = c.actual_source_id
    left join publishers as pe on pe.dataset = c.expectation_dataset and pe.source_id = c.expectation_source_id
    left join rate_sources as fx
        on  fx.dataset is not distinct from c.expectation_dataset
        and fx.currency = c.expectation_currency
        and fx.period_start = c.period_start
        and fx.period_end = c.period_end
)

select * from final
order by entity, metric, expectation_kind, policy, grain, region_path, period_start
