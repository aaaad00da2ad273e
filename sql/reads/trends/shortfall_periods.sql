-- The periods of one region's series worse than expected (the Trends chart's shading).
-- Parameters: entity, metric, expectation_kind, policy, grain, region_code. Columns: period_start, period_end.
select period_start, period_end
from serve_comparisons
where entity = ? and metric = ? and expectation_kind = ? and policy = ? and grain = ? and region_code = ?
  and is_shortfall
order by period_start
