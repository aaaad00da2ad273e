-- The Trends page's pacing: one phasing per expectation (the plan's own where its finer expectations tile the
-- period, has_plan_phasing; else linear), and where the period landed: period_actual, the actual reported
-- for the whole expectation period in the expectation's unit when there is one (the period is over: the chart
-- shows it instead of a run-rate from the last to-date point), with its source.
-- Grain: one row per entity x metric x region x policy x expectation (period, kind) x to-date point.
-- Columns: entity, metric, policy, region_code, expectation_period, expectation_kind, expectation (unit),
-- expectation_start, expectation_end, expectation_source_id, to_date_start, to_date_end, actual_to_date,
-- actual_bound, basis, elapsed_share, share_achieved, expected_to_date, pace_attainment, run_rate_projection,
-- source_ids, unit, favourable, performance_pct, to_date_grain, is_complete, period_actual,
-- period_actual_source_id. Amounts are in `unit`, as pacing's.
-- Stored sorted by (entity, metric, policy, region_code, expectation_start, expectation_kind, to_date_end).
create or replace view serve_pacing as

with paces as (
    select * from pacing
    where phasing = 'plan' or not has_plan_phasing
),

actuals as (
    select * from actual_figures
),

final as (
    select
        p.entity,
        p.metric,
        p.policy,
        p.region_code,
        p.expectation_period,
        p.expectation_kind,
        p.expectation,
        p.expectation_start,
        p.expectation_end,
        p.expectation_source_id,
        p.to_date_start,
        p.to_date_end,
        p.actual_to_date,
        p.actual_bound,
        p.basis,
        p.elapsed_share,
        p.share_achieved,
        p.expected_to_date,
        p.pace_attainment,
        p.run_rate_projection,
        p.source_ids,
        p.unit,
        p.favourable,
        p.performance_pct,
        p.to_date_grain,
        p.is_complete,
        w.value as period_actual,
        w.source_id as period_actual_source_id
    from paces as p
    left join actuals as w
        on
            w.entity = p.entity
            and w.metric = p.metric
            and w.region_code = p.region_code
            and w.period_start = p.expectation_start
            and w.period_end = p.expectation_end
            and w.unit is not distinct from p.unit
)

select * from final
order by entity, metric, policy, region_code, expectation_start, expectation_kind, to_date_end
