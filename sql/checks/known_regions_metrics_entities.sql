-- blocking: true
-- description: every figure's region, metric and entity and every event's jurisdiction exist in the reference tables
-- One row per missing reference: table_name, id (figure_id or event_id), column_name, value.
select 'figures' as table_name, f.figure_id as id, 'region_code' as column_name, f.region_code as value
from figures as f
where not exists (select 1 from regions as r where r.region_code = f.region_code)
union all
select 'figures', f.figure_id, 'metric', f.metric
from figures as f
where not exists (select 1 from metrics as m where m.metric = f.metric)
union all
select 'figures', f.figure_id, 'entity', f.entity
from figures as f
where not exists (select 1 from entities as e where e.entity = f.entity)
union all
select 'events', v.event_id, 'jurisdiction', v.jurisdiction
from events as v
where not exists (select 1 from regions as r where r.region_code = v.jurisdiction)
