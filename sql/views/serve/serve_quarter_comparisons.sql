-- The Scorecard's quarter grain: variance_by_region_quarter's rows (a reported or rolled-up quarter, or the
-- sum of its three months) in the columns of serve_comparisons, so the page reads either the same way.
-- Grain: one row per entity x metric x expectation_kind x policy x region x calendar or fiscal quarter.
-- Values are in the base unit (variance_by_region_quarter adds months up in it); unit is the smallest unit of
-- the series' actuals (figure_counts); the columns variance_by_region_quarter has no equivalent for are null
-- (actual_kind, actual_bound, expectation_low/high, expectation_bound, expectation_as_of, vintages, the
-- publishers); direction_certain is true and is_approximate / is_bound false. actual_figure_ids /
-- expectation_figure_ids: rolled-up and summed rows only, as in serve_comparisons.
-- The expectation's currency as in serve_comparisons: native_currency, actual_native, expectation_native,
-- variance_native (whole units of it) and usd_per_unit (USD per one of it) from variance_by_region_quarter (a
-- summed quarter: its months' natives added up when they share one currency, usd_per_unit the
-- expectation-weighted rate); expectation_low_native / expectation_high_native null, as expectation_low/high;
-- fx_first_month / fx_last_month the quarter's months, fx_source null (several months' rates: fx_rates_used).
-- Stored sorted by (entity, metric, expectation_kind, policy, region_path, period_start).
create or replace view serve_quarter_comparisons as

with quarters as (
    select * from variance_by_region_quarter
),

regions as (
    select * from regions
),

actual_units as (
    select entity, metric, min(unit) as unit
    from figure_counts
    where not is_expectation
    group by entity, metric
),

final as (
    select
        q.entity,
        q.metric,
        q.expectation_kind,
        q.policy,
        q.region_code,
        q.region_name,
        r.level as region_level,
        r.depth as region_depth,
        r.path as region_path,
        q.quarter as period,
        'quarter' as grain,
        q.period_start,
        q.period_end,
        u.unit,
        q.actual,
        null::varchar as actual_kind,
        null::varchar as actual_bound,
        q.actual_source_ids as actual_source_id,
        null::varchar as actual_publisher,
        q.expectation,
        null::double as expectation_low,
        null::double as expectation_high,
        null::varchar as expectation_bound,
        null::date as expectation_as_of,
        q.expectation_source_ids as expectation_source_id,
        null::varchar as expectation_publisher,
        null::bigint as vintages,
        q.variance,
        q.variance_pct,
        q.attainment,
        q.direction,
        true as direction_certain,
        q.is_shortfall,
        false as is_approximate,
        false as is_bound,
        q.basis,
        q.favourable,
        q.performance_pct,
        q.actual_components,
        q.actual_approximate_components,
        case when q.basis <> 'reported' then q.actual_figure_ids end as actual_figure_ids,
        q.expectation_components,
        q.expectation_approximate_components,
        case when q.basis <> 'reported' then q.expectation_figure_ids end as expectation_figure_ids,
        q.expectation_currency as native_currency,
        q.actual_native,
        q.expectation_native,
        null::double as expectation_low_native,
        null::double as expectation_high_native,
        q.variance_native,
        q.usd_per_unit,
        case when q.expectation_currency <> 'USD' then q.period_start end as fx_first_month,
        case when q.expectation_currency <> 'USD' then date_trunc('month', q.period_end)::date end as fx_last_month,
        null::varchar as fx_source
    from quarters as q
    inner join regions as r on r.region_code = q.region_code
    left join actual_units as u on u.entity = q.entity and u.metric = q.metric
)

select * from final
order by entity, metric, expectation_kind, policy, region_path, period_start
