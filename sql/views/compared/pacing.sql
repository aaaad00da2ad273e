-- Cumulative actual against an expectation for a longer period, for metrics whose aggregation is 'sum'
-- (docs/warehouse.md, "Pacing"): one row per to-date point of the FINEST grain of actuals present inside the
-- expectation's period (every day for daily actuals, every month for monthly ones), while those actuals run
-- without a gap from the expectation's start; the point where they reach its end is included (the period is
-- then complete and pace_attainment equals attainment). Reported to-date spans ('2024-01..2024-05') that start
-- on the expectation's start and end before its end are points too (basis 'reported').
-- Phasing (column phasing): 'linear' for every point, and 'plan' beside it where the expectation's period is
-- tiled by finer expectations of the same kind and policy (a monthly budget under an annual one: the
-- company's own seasonality; the finest complete grain, phase_grain): expected_share is then their cumulative
-- sum to the point over their total (a part of one pro rata by days), in the plan's own currency.
-- has_plan_phasing: the expectation has 'plan' rows (the dashboard shows those, and linear otherwise).
-- expected_to_date = expectation x expected_share; for 'linear', expected_share = elapsed_share. The rest below
-- reads elapsed_share as expected_share for 'plan' rows.
-- elapsed_share = elapsed days / days in the period (linear in
-- days: a 30-day month half gone by the 15th), or elapsed months / months in the period when whole months
-- (monthly or coarser actuals, or a reported span of whole months) pace a period of whole months (January to
-- May is 5/12 of the year, DESIGN.md section 3); pace_attainment = actual_to_date / expected_to_date (null when
-- expected_to_date <= 0); run_rate_projection = actual_to_date / elapsed_share (the landing at this pace);
-- performance_pct = (actual_to_date - expected_to_date) / |expected_to_date|, sign flipped for lower-is-better
-- metrics; favourable: ahead of pace given higher_is_better (null exactly on pace).
-- Constant currency (as in actual_vs_expectation): an actual in the expectation's currency is restated at the
-- expectation's rate, so pace, run-rate and shares are those in that currency (a budget of 100 a month met
-- every month paces 1.0 whatever the lira did); fx_effect = actual_to_date at each month's own rates minus
-- actual_to_date (0 for USD and non-money figures).
-- unit: the expectation's unit (the actuals are matched on it): USD, orders, ...
-- Policies: those of chosen_expectations ('at_period_end', 'original', 'latest'); is_default_policy as in
-- actual_vs_expectation.
create or replace view pacing as

with expectations as (
    select * from chosen_expectations
),

actuals as (
    select * from actual_figures
),

aggregations as (
    select * from metric_aggregations
),

grains as (
    select * from grain_order
),

policies as (
    select * from default_policies
),

series_grains as (
    select distinct a.entity, a.metric, a.region_code, a.unit, g.grain_rank
    from actuals as a
    inner join grains as g on g.grain = a.grain
    where a.grain <> 'span'
),

summed_expectations as (
    select e.*, g.grain_rank
    from expectations as e
    inner join aggregations as m on m.metric = e.metric and m.aggregation = 'sum'
    inner join grains as g on g.grain = e.grain
),

-- an expectation's columns as every to-date row names them, then what the joins and currency rule read
expectation_sides as (
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
        e.period_start,
        e.period_end,
        e.kind,
        e.currency,
        e.value_native,
        e.grain_rank
    from summed_expectations as e
),

paced as (
    select e.*
    from expectation_sides as e
    semi join series_grains as s
        on  s.entity = e.entity
        and s.metric = e.metric
        and s.region_code = e.region_code
        and s.unit is not distinct from e.unit
        and s.grain_rank < e.grain_rank
),

components as (
    select
        e.* exclude (period_start, period_end, kind, currency, value_native, grain_rank),
        a.grain as component_grain,
        g.grain_rank as component_rank,
        a.period_start as component_start,
        a.period_end as component_end,
        a.value,
        a.value_native,
        e.value_native as expectation_native,
        coalesce(a.currency = e.currency and e.value_native <> 0, false) as is_constant_currency,
        a.bound,
        a.source_id,
        a.as_of,
        lag(a.period_end) over (
            partition by e.entity, e.metric, e.region_code, e.period_start, e.period_end, e.kind, e.policy, a.grain
            order by a.period_start
        ) as previous_end
    from paced as e
    inner join actuals as a
        on  a.entity = e.entity
        and a.metric = e.metric
        and a.region_code = e.region_code
        and a.unit is not distinct from e.unit
        and a.period_start >= e.period_start
        and a.period_end <= e.period_end
    inner join grains as g on g.grain = a.grain and g.grain_rank < e.grain_rank
    where a.grain <> 'span'
),

finest as (
    select *
    from components
    qualify component_rank = min(component_rank) over (
        partition by entity, metric, region_code, expectation_start, expectation_end, expectation_kind, policy
    )
),

running as (
    select
        *,
        row_number() over running_window as points,
        sum(value) over running_window as running_value,
        sum(value_native) over running_window as running_native,
        bool_and(is_constant_currency) over running_window as all_constant_currency,
        bool_and(coalesce(component_start = previous_end + 1, component_start = expectation_start))
            over running_window as is_contiguous,
        bool_and(bound = 'exact') over running_window as all_exact,
        bool_and(bound in ('exact', 'at_most')) over running_window as all_at_most,
        bool_and(bound in ('exact', 'at_least')) over running_window as all_at_least,
        max(as_of) over running_window as running_as_of,
        list(source_id) over running_window as running_sources
    from finest
    window running_window as (
        partition by entity, metric, region_code, expectation_start, expectation_end, expectation_kind, policy
        order by component_start
        rows between unbounded preceding and current row
    )
),

summed_to_date as (
    select
        r.entity,
        r.metric,
        r.region_code,
        r.expectation_period,
        r.expectation_start,
        r.expectation_end,
        r.expectation_kind,
        r.policy,
        r.expectation,
        r.unit,
        r.expectation_source_id,
        r.expectation_start as to_date_start,
        r.component_end as to_date_end,
        -- in the expectation's currency when every component shares it: the native sum at the expectation's rate
        case
            when r.all_constant_currency then r.expectation * (r.running_native / r.expectation_native)
            else r.running_value
        end as actual_to_date,
        case
            when r.all_constant_currency
                then r.running_value - r.expectation * (r.running_native / r.expectation_native)
            else 0.0
        end as fx_effect,
        -- a sum of upper bounds is an upper bound, of lower bounds a lower bound; anything else is approximate
        case
            when r.all_exact then 'exact'
            when r.all_at_most then 'at_most'
            when r.all_at_least then 'at_least'
            else 'approx'
        end as actual_bound,
        case when r.points = 1 then 'reported' else 'sum of ' || r.points || ' ' || g.unit_label end as basis,
        r.component_grain as to_date_grain,
        r.running_as_of as actual_as_of,
        array_to_string(list_sort(list_distinct(r.running_sources)), ',') as source_ids
    from running as r
    inner join grains as g on g.grain = r.component_grain
    where r.is_contiguous  -- no gap since the expectation's start
),

reported_to_date as (
    select
        e.* exclude (period_start, period_end, kind, currency, value_native, grain_rank),
        a.period_start as to_date_start,
        a.period_end as to_date_end,
        case
            when a.currency is not null and a.currency = e.currency and e.value_native <> 0
                then e.expectation * (a.value_native / e.value_native)
            else a.value
        end as actual_to_date,
        a.value - case
            when a.currency is not null and a.currency = e.currency and e.value_native <> 0
                then e.expectation * (a.value_native / e.value_native)
            else a.value
        end as fx_effect,
        a.bound as actual_bound,
        'reported' as basis,
        a.grain as to_date_grain,
        a.as_of as actual_as_of,
        a.source_id as source_ids
    from expectation_sides as e
    inner join actuals as a
        on  a.entity = e.entity
        and a.metric = e.metric
        and a.region_code = e.region_code
        and a.unit is not distinct from e.unit
        and a.period_start = e.period_start
        and a.period_end < e.period_end
    where a.grain = 'span'
),

to_date as (
    select * from summed_to_date
    union all by name
    select * from reported_to_date
),

-- the plan's own phasing: finer expectations of the same kind and policy (a monthly budget under an annual
-- one) that tile the expectation's period; of several complete grains the finest wins
phase_components as (
    select
        e.entity,
        e.metric,
        e.region_code,
        e.period_start as expectation_start,
        e.period_end as expectation_end,
        e.kind as expectation_kind,
        e.policy,
        f.grain as phase_grain,
        g.grain_rank as phase_rank,
        f.period_start as phase_start,
        f.period_end as phase_end,
        -- in the plan's own currency when it shares the period's (the phasing is the plan's, not the rates')
        case when f.currency = e.currency and f.value_native is not null then f.value_native else f.value end
            as phase_value,
        lag(f.period_end) over (
            partition by e.entity, e.metric, e.region_code, e.period_start, e.period_end, e.kind, e.policy, f.grain
            order by f.period_start
        ) as previous_end
    from paced as e
    inner join expectations as f
        on  f.entity = e.entity
        and f.metric = e.metric
        and f.region_code = e.region_code
        and f.kind = e.kind
        and f.policy = e.policy
        and f.unit is not distinct from e.unit
        and f.period_start >= e.period_start
        and f.period_end <= e.period_end
    inner join grains as g on g.grain = f.grain and g.grain_rank < e.grain_rank
    where f.grain <> 'span'
),

phase_tilings as (
    select
        entity, metric, region_code, expectation_start, expectation_end, expectation_kind, policy, phase_grain,
        any_value(phase_rank) as phase_rank,
        sum(phase_value) as plan_total
    from phase_components
    group by entity, metric, region_code, expectation_start, expectation_end, expectation_kind, policy, phase_grain
    having bool_and(coalesce(phase_start = previous_end + 1, phase_start = expectation_start))
        and max(phase_end) = any_value(expectation_end)
        and sum(phase_value) > 0
),

phase_grains as (
    select *
    from phase_tilings
    qualify row_number() over (
        partition by entity, metric, region_code, expectation_start, expectation_end, expectation_kind, policy
        order by phase_rank
    ) = 1
),

-- the plan's share of the period by each to-date point: its finer expectations up to that day (a part of
-- one in proportion to its days elapsed), over their total
plan_shares as (
    select
        t.entity, t.metric, t.region_code, t.expectation_start, t.expectation_end, t.expectation_kind, t.policy,
        t.to_date_end,
        sum(
            c.phase_value * greatest(0.0, least(1.0,
                (datediff('day', c.phase_start, t.to_date_end) + 1)::double
                / (datediff('day', c.phase_start, c.phase_end) + 1)
            ))
        ) / any_value(p.plan_total) as plan_share,
        count(*)::bigint as phase_components,
        any_value(p.phase_grain) as phase_grain
    from (
        select distinct entity, metric, region_code, expectation_start, expectation_end, expectation_kind, policy,
            to_date_end
        from to_date
    ) as t
    inner join phase_grains as p
        using (entity, metric, region_code, expectation_start, expectation_end, expectation_kind, policy)
    inner join phase_components as c
        using (entity, metric, region_code, expectation_start, expectation_end, expectation_kind, policy, phase_grain)
    group by all
),

timed as (
    select
        t.*,
        case
            -- whole months of a period of whole months: a month is 1/12 of a year whatever its days (a plan of
            -- 100 a month met every month paces 1.0 at every month-end, not 0.98 in January)
            when t.to_date_grain <> 'day'
                and day(t.expectation_start) = 1 and day(t.to_date_end + 1) = 1 and day(t.expectation_end + 1) = 1
                then datediff('month', t.expectation_start, t.to_date_end + 1)::double
                    / datediff('month', t.expectation_start, t.expectation_end + 1)
            else (datediff('day', t.expectation_start, t.to_date_end) + 1)::double
                / (datediff('day', t.expectation_start, t.expectation_end) + 1)
        end as elapsed_share,
        m.higher_is_better,
        d.default_policy is not null as is_default_policy
    from to_date as t
    left join aggregations as m on m.metric = t.metric
    left join policies as d on d.expectation_kind = t.expectation_kind and d.default_policy = t.policy
),

-- both phasings: the plan's own (where its finer expectations tile the period) and the linear share of time
measured as (
    select timed.*, 'plan' as phasing, s.plan_share as expected_share, s.phase_grain, true as has_plan_phasing
    from timed
    inner join plan_shares as s
        using (entity, metric, region_code, expectation_start, expectation_end, expectation_kind, policy, to_date_end)
    union all by name
    select
        timed.*,
        'linear' as phasing,
        timed.elapsed_share as expected_share,
        null::varchar as phase_grain,
        g.phase_grain is not null as has_plan_phasing
    from timed
    left join phase_grains as g
        using (entity, metric, region_code, expectation_start, expectation_end, expectation_kind, policy)
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
        fx_effect,
        actual_bound,
        basis,
        phasing,
        elapsed_share,
        expected_share,
        actual_to_date / nullif(expectation, 0) as share_achieved,
        expectation * expected_share as expected_to_date,
        kpi_attainment(actual_to_date, expectation * expected_share, unit) as pace_attainment,
        actual_to_date / nullif(expected_share, 0) as run_rate_projection,
        source_ids,
        expectation_start,
        expectation_end,
        expectation_source_id,
        to_date_grain,
        actual_as_of,
        to_date_end = expectation_end as is_complete,
        kpi_favourable(
            kpi_direction(actual_to_date, expectation * expected_share, expectation * expected_share), higher_is_better
        ) as favourable,
        kpi_performance_pct(actual_to_date, expectation * expected_share, unit, higher_is_better) as performance_pct,
        is_default_policy,
        phase_grain,
        has_plan_phasing,
        unit
    from measured
)

select * from final
