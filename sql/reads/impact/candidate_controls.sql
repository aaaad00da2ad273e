-- Regions other than the treated one with actuals of the same series (the controls one may pick).
-- Parameters: entity, metric, grain, the treated region_code. Columns: region_code, region_name, path.
select distinct a.region_code, r.name as region_name, r.path
from actual_figures as a
inner join regions as r on r.region_code = a.region_code
where a.entity = ? and a.metric = ? and a.grain = ? and a.region_code <> ? and a.value is not null
order by r.path
