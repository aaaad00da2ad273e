-- Every vintage of one expectation kind for chosen regions (serve_vintages).
-- Parameters: entity, metric, kind; filter: the region codes. Columns: region_code, region_name, period, grain,
-- period_start, period_end, kind, vintage, vintages, value, value_low, value_high, bound, as_of, source_id,
-- publisher, is_original, is_latest, unit (values in the base unit).
select * exclude (entity, metric)
from serve_vintages
where entity = ? and metric = ? and kind = ? and true /* filter */
order by region_code, period_start, kind, vintage
