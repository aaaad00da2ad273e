-- One series' shortfall streaks, longest first. Parameters: entity, metric, expectation_kind, policy; filter:
-- grain when given. Columns: region_code, region_name, grain, first_period, last_period, streak_start,
-- streak_end, length, cumulative_shortfall (base unit), is_current.
select region_code, region_name, grain, first_period, last_period, streak_start, streak_end, length,
       cumulative_shortfall, is_current
from serve_streaks
where entity = ? and metric = ? and expectation_kind = ? and policy = ? and true /* filter */
order by length desc, cumulative_shortfall desc
