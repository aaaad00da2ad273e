-- Actuals of several regions' series between two dates (the treated region and its controls).
-- Parameters: entity, metric, grain, region codes (a list), the last date, the first date.
-- Columns: region_code, region_name, period, period_start, period_end, value (base unit), unit, source_id.
select a.region_code, r.name as region_name, a.period, a.period_start, a.period_end, a.value, a.unit,
       a.source_id
from actual_figures as a
inner join regions as r on r.region_code = a.region_code
where a.entity = ? and a.metric = ? and a.grain = ? and list_contains(?, a.region_code)
  and a.value is not null and a.period_start <= ? and a.period_end >= ?
order by a.region_code, a.period_start
