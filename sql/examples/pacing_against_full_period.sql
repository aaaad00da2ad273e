-- How far along is each business against a longer-period expectation (e.g. Jan-May actual vs a full-year target)?
select
    entity,
    metric,
    region_code,
    expectation_period,
    expectation_kind,
    expectation,
    to_date_start,
    to_date_end,
    actual_to_date,
    actual_bound,
    basis,
    round(share_achieved * 100, 1) as achieved_pct,
    round(elapsed_share * 100, 1) as elapsed_pct,
    round(pace_attainment * 100, 1) as pace_attainment_pct,
    run_rate_projection
from pacing
where policy = 'at_period_end'
order by entity, metric, region_code, expectation_period, to_date_end
