-- Actuals of chosen regions (serve_actuals). Parameters: entity, metric; filter: the region codes.
-- Columns: region_code, region_name, period, grain, period_start, period_end, value, value_low, value_high,
-- bound, kind, as_of, source_id, publisher, candidates, unit (values in the base unit).
select * exclude (entity, metric)
from serve_actuals
where entity = ? and metric = ? and true /* filter */
order by region_code, period_start
