-- Each actual against the same period a year earlier and against the previous period of the same grain
-- (docs/warehouse.md, "Against the prior period"): one row per reported actual (actual_figures, the latest
-- vintage) x comparison ('prior_year' | 'prior_period') where that prior actual exists for the same entity,
-- metric, region, grain and unit. A missing prior is a missing row, never zero. Fiscal and retail periods
-- follow the entity's calendar through their dates (period_rules: within 7 days of a year back). Spans have
-- no previous period, only a prior year.
-- Values in the base unit (USD, count, %, minutes). Constant currency as in actual_vs_expectation: when both
-- actuals are in one currency, actual is restated at the prior's rate (so change and change_pct are those in
-- that currency) and fx_effect = actual at its own rate - actual; else fx_effect 0.
-- Measures (sql/views/base/kpi_measures.sql): change = actual - prior_actual; change_pct = change / |prior|
-- (null for rates: their change is in points, change_bps); direction (below | in_line | above the prior),
-- favourable in the metric's sense (null when unchanged), performance_pct as in actual_vs_expectation.
-- Columns: entity, metric, region_code, region_name, period, grain, period_start, period_end, comparison,
-- prior_period, prior_start, prior_end, unit, currency, actual, actual_at_own_rates, fx_effect, prior_actual,
-- change, change_pct, change_bps, direction, favourable, performance_pct, actual_bound, prior_bound,
-- actual_as_of, prior_as_of, actual_source_id, prior_source_id, actual_figure_id, prior_figure_id, actual_dataset,
-- prior_dataset (the datasets the ids are scoped to).
create or replace view actual_vs_prior as

with actuals as (
    select * from actual_figures
),

aggregations as (
    select * from metric_aggregations
),

regions as (
    select * from regions
),

comparisons as (
    select * from (values ('prior_year'), ('prior_period')) as t(comparison)
),

priors as (
    select
        a.*,
        c.comparison,
        p.period as prior_period, p.period_start as prior_start, p.period_end as prior_end, p.value as prior_value,
        p.value_native as prior_native, p.currency as prior_currency, p.bound as prior_bound,
        p.as_of as prior_as_of, p.source_id as prior_source_id, p.figure_id as prior_figure_id,
        p.dataset as prior_dataset
    from actuals as a
    cross join comparisons as c
    inner join actuals as p
        on  p.entity = a.entity
        and p.metric = a.metric
        and p.region_code = a.region_code
        and p.grain = a.grain
        and p.unit is not distinct from a.unit
        and p.period_end < a.period_start
    where case c.comparison
        when 'prior_year' then prior_year_distance(p.period_start, p.period_end, a.period_start, a.period_end) <= 7
        else a.grain <> 'span' and is_previous_period(p.period_start, p.period_end, a.period_start, a.period_end)
    end
    qualify row_number() over (
        partition by a.entity, a.metric, a.region_code, a.period_start, a.period_end, a.unit, c.comparison
        order by prior_year_distance(p.period_start, p.period_end, a.period_start, a.period_end), p.period_start
    ) = 1
),

pairs as (
    select
        *,
        -- constant currency: the actual at the prior's rate when both are in one currency
        case
            when currency is not null and currency = prior_currency and prior_native <> 0
                then prior_value * (value_native / prior_native)
            else value
        end as actual_constant
    from priors
),

final as (
    select
        p.entity,
        p.metric,
        p.region_code,
        r.name as region_name,
        p.period,
        p.grain,
        p.period_start,
        p.period_end,
        p.comparison,
        p.prior_period,
        p.prior_start,
        p.prior_end,
        p.unit,
        case when p.currency = p.prior_currency then p.currency end as currency,
        p.actual_constant as actual,
        p.value as actual_at_own_rates,
        p.value - p.actual_constant as fx_effect,
        p.prior_value as prior_actual,
        p.actual_constant - p.prior_value as change,
        kpi_variance_pct(p.actual_constant, p.prior_value, p.unit) as change_pct,
        kpi_variance_bps(p.actual_constant, p.prior_value, p.unit) as change_bps,
        kpi_direction(p.actual_constant, p.prior_value, p.prior_value) as direction,
        kpi_favourable(kpi_direction(p.actual_constant, p.prior_value, p.prior_value), m.higher_is_better)
            as favourable,
        kpi_performance_pct(p.actual_constant, p.prior_value, p.unit, m.higher_is_better) as performance_pct,
        p.bound as actual_bound,
        p.prior_bound,
        p.as_of as actual_as_of,
        p.prior_as_of,
        p.source_id as actual_source_id,
        p.prior_source_id,
        p.figure_id as actual_figure_id,
        p.prior_figure_id,
        p.dataset as actual_dataset,
        p.prior_dataset
    from pairs as p
    left join aggregations as m on m.metric = p.metric
    left join regions as r on r.region_code = p.region_code
)

select * from final
