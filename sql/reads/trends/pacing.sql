-- Pacing of chosen regions against their longer-period expectations, one phasing per expectation and where
-- the period landed (serve_pacing). Parameters: entity, metric, policy; filter: the region codes.
-- Columns: serve_pacing's without entity, metric, policy.
select * exclude (entity, metric, policy)
from serve_pacing
where entity = ? and metric = ? and policy = ? and true /* filter */
order by region_code, expectation_start, expectation_kind, to_date_end
