-- Actual vs expectation at quarter grain: actual_vs_expectation's quarter rows (reported, or rolled up there
-- to the expectation's calendar or fiscal quarter; basis says which), plus the months of metrics whose
-- aggregation is 'sum' summed into a calendar quarter when all three months have both an actual and a
-- (policy-chosen) expectation. A quarter comparison of actual_vs_expectation wins over the sum of its months
-- for the same kind and policy. favourable / performance_pct as in actual_vs_expectation; the *_components,
-- *_approximate_components and *_figure_ids columns add up those of the rows combined (the evidence).
-- The expectation's currency (as actual_vs_expectation): expectation_currency, actual_native,
-- expectation_native, variance_native (whole units of it) and usd_per_unit (USD per one of it); a summed
-- quarter has them when its three months share one expectation currency (the natives added up, usd_per_unit
-- = expectation / expectation_native: the months' rates weighted by their expectations), else null. A summed
-- quarter's actual (USD) adds each month at its own rate, so there actual = actual_native x usd_per_unit only
-- up to the months' differences in rate; the expectation's holds exactly.
create or replace view variance_by_region_quarter as

with comparisons as (
    -- in the base unit: months are added up, and may be reported in different units
    select * replace (
        actual * to_base as actual, expectation * to_base as expectation, variance * to_base as variance,
        expectation_low * to_base as expectation_low, expectation_high * to_base as expectation_high
    )
    from actual_vs_expectation
    where actual_vintage = 'latest'
),

metrics as (
    select * from metric_aggregations
),

regions as (
    select * from regions
),

reported as (
    select
        entity,
        metric,
        region_code,
        period as quarter,
        period_start,
        period_end,
        policy,
        expectation_kind,
        base_unit,
        actual,
        expectation,
        coalesce(expectation_low, expectation) as band_low,
        coalesce(expectation_high, expectation) as band_high,
        basis,
        actual_source_id as actual_source_ids,
        expectation_source_id as expectation_source_ids,
        actual_components,
        actual_approximate_components,
        actual_figure_ids,
        expectation_components,
        expectation_approximate_components,
        expectation_figure_ids,
        expectation_currency,
        actual_native,
        expectation_native,
        usd_per_unit
    from comparisons
    where grain = 'quarter'
),

calendar_months as (
    select c.*
    from comparisons as c
    inner join metrics as m on m.metric = c.metric and m.aggregation = 'sum'
    where c.grain = 'month'
      and c.period_start = date_trunc('month', c.period_start)
      and c.period_end = last_day(c.period_start)
),

summed as (
    select
        entity,
        metric,
        region_code,
        strftime(period_start, '%Y') || '-Q' || quarter(period_start) as quarter,
        date_trunc('quarter', period_start)::date as period_start,
        last_day(date_trunc('quarter', period_start)::date + interval 2 month)::date as period_end,
        policy,
        expectation_kind,
        base_unit,
        -- summed in month order: the same figures give the same last digit on every build
        sum(actual order by period_start) as actual,
        sum(expectation order by period_start) as expectation,
        sum(coalesce(expectation_low, expectation) order by period_start) as band_low,
        sum(coalesce(expectation_high, expectation) order by period_start) as band_high,
        'sum of 3 months' as basis,
        string_agg(distinct actual_source_id, ',' order by actual_source_id) as actual_source_ids,
        string_agg(distinct expectation_source_id, ',' order by expectation_source_id) as expectation_source_ids,
        sum(actual_components)::bigint as actual_components,
        sum(actual_approximate_components)::bigint as actual_approximate_components,
        flatten(list(actual_figure_ids order by period_start)) as actual_figure_ids,
        sum(expectation_components)::bigint as expectation_components,
        sum(expectation_approximate_components)::bigint as expectation_approximate_components,
        flatten(list(expectation_figure_ids order by period_start)) as expectation_figure_ids,
        -- one expectation currency for all three months, else none
        case
            when count(distinct expectation_currency) = 1 and count(expectation_currency) = count(*)
                then min(expectation_currency)
        end as expectation_currency,
        case
            when count(distinct expectation_currency) = 1 and count(actual_native) = count(*)
                then sum(actual_native order by period_start)
        end as actual_native,
        case
            when count(distinct expectation_currency) = 1 and count(expectation_native) = count(*)
                then sum(expectation_native order by period_start)
        end as expectation_native,
        case
            when count(distinct expectation_currency) = 1 and count(expectation_native) = count(*)
                then sum(expectation order by period_start)
                    / nullif(sum(expectation_native order by period_start), 0)
        end as usd_per_unit
    from calendar_months
    group by
        entity, metric, region_code, quarter, date_trunc('quarter', period_start), policy, expectation_kind, base_unit
    having count(distinct period_start) = 3
),

quarters as (
    select * from reported
    union all
    select s.*
    from summed as s
    anti join reported as r
        on  r.entity = s.entity
        and r.metric = s.metric
        and r.region_code = s.region_code
        and r.period_start = s.period_start
        and r.period_end = s.period_end
        and r.policy = s.policy
        and r.expectation_kind = s.expectation_kind
),

measured as (
    select
        q.*,
        q.actual - q.expectation as variance,
        kpi_variance_pct(q.actual, q.expectation, q.base_unit) as variance_pct,
        kpi_attainment(q.actual, q.expectation, q.base_unit) as attainment,
        kpi_direction(q.actual, q.band_low, q.band_high) as direction,
        kpi_performance_pct(q.actual, q.expectation, q.base_unit, m.higher_is_better) as performance_pct,
        m.higher_is_better
    from quarters as q
    left join metrics as m on m.metric = q.metric
),

final as (
    select
        entity,
        metric,
        region_code,
        r.name as region_name,
        r.level as region_level,
        r.parent_code as region_parent,
        quarter,
        period_start,
        period_end,
        policy,
        expectation_kind,
        actual,
        expectation,
        variance,
        variance_pct,
        attainment,
        direction,
        kpi_is_shortfall(direction, higher_is_better) as is_shortfall,
        kpi_favourable(direction, higher_is_better) as favourable,
        performance_pct,
        basis,
        actual_source_ids,
        expectation_source_ids,
        actual_components,
        actual_approximate_components,
        actual_figure_ids,
        expectation_components,
        expectation_approximate_components,
        expectation_figure_ids,
        expectation_currency,
        actual_native,
        expectation_native,
        actual_native - expectation_native as variance_native,
        usd_per_unit
    from measured
    left join regions as r using (region_code)
)

select * from final
