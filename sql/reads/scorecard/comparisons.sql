-- One series' comparisons at the reported grains, as the Scorecard shows them (serve_comparisons), sorted by
-- region path and period. Parameters: entity, metric, expectation_kind, policy; filter: grain and/or
-- region_code when given. Columns: serve_comparisons' without the series keys.
select * exclude (entity, metric, expectation_kind, policy)
from serve_comparisons
where entity = ? and metric = ? and expectation_kind = ? and policy = ? and true /* filter */
order by region_path, period_start
