-- Where did a business fall short of what was expected when the period ended, worst first?
select
    entity,
    metric,
    region_name,
    period,
    expectation_kind,
    actual,
    expectation,
    unit,  -- the expectation's unit as reported ('USD bn')
    round(variance_pct * 100, 1) as variance_pct,
    round(attainment * 100, 1) as attainment_pct,
    direction_certain,
    is_approximate,
    actual_source_id,
    expectation_source_id
from actual_vs_expectation
where policy = 'at_period_end'
  and actual_vintage = 'latest'
  and is_shortfall
order by variance_pct
