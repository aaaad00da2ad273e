-- blocking: true
-- description: every figure and event points to an existing source
-- One row per figure or event whose source_id is not in sources: table_name, id, source_id.
select 'figures' as table_name, f.figure_id as id, f.source_id
from figures as f
where not exists (select 1 from sources as s where s.source_id = f.source_id)
union all
select 'events', v.event_id, v.source_id
from events as v
where not exists (select 1 from sources as s where s.source_id = v.source_id)
