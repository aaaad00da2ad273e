-- Runs of consecutive shortfalls per series (entity, metric, region, expectation kind, policy, grain).
-- Consecutive: a period starts the day after the previous one ended; a hit or a missing period breaks the run.
create or replace view shortfall_streaks as

with comparisons as (
    select * replace (variance * to_base as variance)  -- the base unit: a streak's shortfalls are added up
    from actual_vs_expectation
    where actual_vintage = 'latest'  -- the actual as it stands (first releases: query actual_vs_expectation)
),

series as (
    select
        *,
        max(period_end) over (
            partition by entity, metric, region_code, expectation_kind, policy, grain
        ) as series_last_end
    from comparisons
),

shortfalls as (
    select
        *,
        lag(period_end) over (
            partition by entity, metric, region_code, expectation_kind, policy, grain order by period_start
        ) as previous_shortfall_end
    from series
    where is_shortfall
),

numbered as (
    select
        *,
        sum(case when previous_shortfall_end + 1 = period_start then 0 else 1 end) over (
            partition by entity, metric, region_code, expectation_kind, policy, grain
            order by period_start
            rows between unbounded preceding and current row
        ) as run_number
    from shortfalls
),

runs as (
    select
        entity,
        metric,
        region_code,
        expectation_kind,
        policy,
        grain,
        min(period_start) as streak_start,
        max(period_end) as streak_end,
        arg_min(period, period_start) as first_period,
        arg_max(period, period_start) as last_period,
        count(*)::bigint as length,
        -- a shortfall's variance always points the bad way, so its size is the absolute variance; a sum of
        -- percentage points is no quantity (six months 20 pp short are not 120 pp short): null for rates
        case when not bool_or(kpi_is_rate(base_unit)) then sum(abs(variance)) end::double as cumulative_shortfall,
        max(period_end) = max(series_last_end) as is_current
    from numbered
    group by entity, metric, region_code, expectation_kind, policy, grain, run_number
),

final as (
    select * from runs
)

select * from final
