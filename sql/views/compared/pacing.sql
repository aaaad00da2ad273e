-- Cumulative actual against an expectation for a longer period of an additive metric ("under $2bn in
-- January-May against a $17.5bn year"): reported to-date figures that start on the expectation's start
-- and end before its end, plus running sums of 2+ contiguous calendar months from the expectation's start.
-- `unit` is the expectation's unit (the actuals are joined on the same unit): USD, orders, ...
create or replace view pacing as

with expectations as (
    select * from chosen_expectations
),

actuals as (
    select * from actual_figures
),

metrics as (
    select * from metrics
),

additive_expectations as (
    select e.*
    from expectations as e
    inner join metrics as m on m.metric = e.metric and m.additive
),

reported_to_date as (
    select
        e.entity,
        e.metric,
        e.region_code,
        e.period as expectation_period,
        e.period_start as expectation_start,
        e.period_end as expectation_end,
        e.kind as expectation_kind,
        e.policy,
        e.value as expectation,
        e.unit,
        e.source_id as expectation_source_id,
        a.period_start as to_date_start,
        a.period_end as to_date_end,
        a.value as actual_to_date,
        a.bound as actual_bound,
        'reported' as basis,
        a.source_id as source_ids
    from additive_expectations as e
    inner join actuals as a
        on  a.entity = e.entity
        and a.metric = e.metric
        and a.region_code = e.region_code
        and a.unit is not distinct from e.unit
        and a.period_start = e.period_start
        and a.period_end < e.period_end
),

months_in_expectation as (
    select
        e.entity,
        e.metric,
        e.region_code,
        e.period as expectation_period,
        e.period_start as expectation_start,
        e.period_end as expectation_end,
        e.kind as expectation_kind,
        e.policy,
        e.value as expectation,
        e.unit,
        e.source_id as expectation_source_id,
        a.period_start as month_start,
        a.period_end as month_end,
        a.value,
        a.bound,
        a.source_id,
        datediff('month', e.period_start, a.period_start) as month_index
    from additive_expectations as e
    inner join actuals as a
        on  a.entity = e.entity
        and a.metric = e.metric
        and a.region_code = e.region_code
        and a.unit is not distinct from e.unit
        and a.period_start >= e.period_start
        and a.period_end < e.period_end
    where a.grain = 'month'
      and a.period_start = date_trunc('month', a.period_start)
      and a.period_end = last_day(a.period_start)
      and e.period_start = date_trunc('month', e.period_start)
),

running as (
    select
        *,
        row_number() over running_window as months,
        sum(value) over running_window as running_value,
        bool_and(bound = 'exact') over running_window as all_exact,
        bool_and(bound in ('exact', 'at_most')) over running_window as all_at_most,
        bool_and(bound in ('exact', 'at_least')) over running_window as all_at_least,
        list(source_id) over running_window as running_sources
    from months_in_expectation
    window running_window as (
        partition by entity, metric, region_code, expectation_start, expectation_end, expectation_kind, policy
        order by month_start
        rows between unbounded preceding and current row
    )
),

summed_to_date as (
    select
        entity,
        metric,
        region_code,
        expectation_period,
        expectation_start,
        expectation_end,
        expectation_kind,
        policy,
        expectation,
        unit,
        expectation_source_id,
        expectation_start as to_date_start,
        month_end as to_date_end,
        running_value as actual_to_date,
        -- a sum of upper bounds is an upper bound, of lower bounds a lower bound; anything else is approximate
        case
            when all_exact then 'exact'
            when all_at_most then 'at_most'
            when all_at_least then 'at_least'
            else 'approx'
        end as actual_bound,
        'sum of ' || months || ' months' as basis,
        array_to_string(list_sort(list_distinct(running_sources)), ',') as source_ids
    from running
    where months = month_index + 1  -- no month missing since the expectation's start
      and months >= 2                -- a single month is already a reported to-date figure
),

to_date as (
    select * from reported_to_date
    union all
    select * from summed_to_date
),

measured as (
    select
        *,
        (datediff('day', expectation_start, to_date_end) + 1)::double
            / (datediff('day', expectation_start, expectation_end) + 1) as elapsed_share
    from to_date
),

final as (
    select
        entity,
        metric,
        region_code,
        expectation_period,
        expectation_kind,
        policy,
        expectation,
        to_date_start,
        to_date_end,
        actual_to_date,
        actual_bound,
        basis,
        elapsed_share,
        actual_to_date / nullif(expectation, 0) as share_achieved,
        expectation * elapsed_share as expected_to_date,
        actual_to_date / nullif(expectation * elapsed_share, 0) as pace_attainment,
        actual_to_date / elapsed_share as run_rate_projection,
        source_ids,
        expectation_start,
        expectation_end,
        expectation_source_id,
        unit
    from measured
)

select * from final
