-- One series' quarters, reported or summed from months (serve_quarter_comparisons), in serve_comparisons'
-- columns. Parameters: entity, metric, expectation_kind, policy.
select * exclude (entity, metric, expectation_kind, policy)
from serve_quarter_comparisons
where entity = ? and metric = ? and expectation_kind = ? and policy = ?
order by region_path, period_start
