-- Every vintage of every numeric expectation scored against the actual it predicted (docs/warehouse.md,
-- "Track record"): one row per expectation vintage (expectation_revisions) x actual_vintage ('latest': the
-- actual as it stands, reported or rolled up; 'first_release': the first published value, reported actuals
-- only) where that actual exists, for the same entity, metric, region, period and unit. Forecast evaluations
-- score against the first release; both are here.
-- error = expectation - actual (positive: expected too much), in the base unit (constant currency when both are
-- in one currency, as in actual_vs_expectation); error_pct = error / |actual| (null for rates, whose error is
-- in points, and for an actual of 0); abs_error_pct; horizon_months = whole months from the vintage's as_of to
-- the period's end (negative: published after the period ended), horizon_band '>12', '6-12', '0-6' or
-- 'after'; direction_hit: the vintage said higher (lower) than the previous period's actual and the actual was
-- higher (lower), null without a previous actual or when either equals it; in_band: the actual within the
-- vintage's range (null unless a range).
-- publisher: the vintage's source's publisher (the source of its dataset, or a shared one of reference/).
-- Columns: entity, metric, region_code, period, grain, period_start, period_end, expectation_kind, vintage,
-- vintages, figure_id, as_of, source_id, publisher, actual_vintage, unit, expectation, expectation_low,
-- expectation_high, actual, actual_figure_ids, prior_actual, error, error_pct, abs_error_pct, horizon_months,
-- horizon_band, direction_hit, in_band, dataset (the vintage's: its figure_id and source_id are scoped to it).
create or replace view expectation_errors as

with vintages as (
    select * from expectation_revisions
),

latest_actuals as (
    select
        entity, metric, region_code, period_start, period_end, unit, value, value_native, currency,
        [figure_id] as figure_ids
    from actual_figures
    union all
    select
        entity, metric, region_code, period_start, period_end, unit, value, value_native, currency,
        component_figure_ids as figure_ids
    from actual_rollups
),

first_actuals as (
    select
        entity, metric, region_code, period_start, period_end, unit, value, value_native, currency,
        [figure_id] as figure_ids
    from first_release_actuals
),

actual_sides as (
    select 'latest' as actual_vintage, * from latest_actuals
    union all
    select 'first_release' as actual_vintage, * from first_actuals
),

previous_actuals as (
    select * from actual_figures
),

sources as (
    select * from cited_sources
),

scored as (
    select
        v.*,
        a.actual_vintage,
        a.figure_ids as actual_figure_ids,
        -- constant currency: the actual at the vintage's rate when both are in one currency
        case
            when a.currency is not null and a.currency = v.currency and v.value_native <> 0
                then v.value * (a.value_native / v.value_native)
            else a.value
        end as actual,
        v.dataset
    from vintages as v
    inner join actual_sides as a
        on  a.entity = v.entity
        and a.metric = v.metric
        and a.region_code = v.region_code
        and a.period_start = v.period_start
        and a.period_end = v.period_end
        and a.unit is not distinct from v.unit
),

with_prior as (
    select s.*, p.value as prior_actual
    from scored as s
    left join previous_actuals as p
        on  p.entity = s.entity
        and p.metric = s.metric
        and p.region_code = s.region_code
        and p.unit is not distinct from s.unit
        and p.grain = s.grain
        and is_previous_period(p.period_start, p.period_end, s.period_start, s.period_end)
),

final as (
    select
        w.entity,
        w.metric,
        w.region_code,
        w.period,
        w.grain,
        w.period_start,
        w.period_end,
        w.kind as expectation_kind,
        w.vintage,
        w.vintages,
        w.figure_id,
        w.as_of,
        w.source_id,
        coalesce(s.publisher, w.source_id) as publisher,
        w.actual_vintage,
        w.unit,
        w.value as expectation,
        w.value_low as expectation_low,
        w.value_high as expectation_high,
        w.actual,
        w.actual_figure_ids,
        w.prior_actual,
        w.value - w.actual as error,
        kpi_variance_pct(w.value, w.actual, w.unit) as error_pct,  -- of |actual|: the macro's base is its 2nd
        abs(kpi_variance_pct(w.value, w.actual, w.unit)) as abs_error_pct,
        datediff('month', w.as_of, w.period_end) as horizon_months,
        case
            when w.as_of > w.period_end then 'after'
            when datediff('month', w.as_of, w.period_end) > 12 then '>12'
            when datediff('month', w.as_of, w.period_end) >= 6 then '6-12'
            else '0-6'
        end as horizon_band,
        case
            when w.prior_actual is not null and w.value <> w.prior_actual and w.actual <> w.prior_actual
                then (w.value > w.prior_actual) = (w.actual > w.prior_actual)
        end as direction_hit,
        case when w.value_high is not null then w.actual between w.value_low and w.value_high end as in_band,
        w.dataset
    from with_prior as w
    left join sources as s on s.dataset = w.dataset and s.source_id = w.source_id
    qualify row_number() over (
        partition by w.figure_id, w.dataset, w.actual_vintage order by s.defined_in = '_reference'
    ) = 1
)

select * from final
