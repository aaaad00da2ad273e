-- Which series are in a shortfall streak right now, longest first?
select
    entity,
    metric,
    region_code,
    grain,
    expectation_kind,
    first_period,
    last_period,
    length,
    cumulative_shortfall
from shortfall_streaks
where is_current
  and policy = 'at_period_end'
order by length desc, cumulative_shortfall desc
