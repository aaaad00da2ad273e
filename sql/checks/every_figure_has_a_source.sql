-- blocking: true
-- description: every figure and event points to a source of its own dataset or a shared one (reference/)
-- One row per figure or event whose source_id is neither in its dataset's sources nor a shared source
-- (dataset '_reference'): table_name, dataset, id, source_id.
select 'figures' as table_name, f.dataset, f.figure_id as id, f.source_id
from figures as f
where not exists (
    select 1 from sources as s where s.source_id = f.source_id and s.dataset in (f.dataset, '_reference')
)
union all
select 'events', v.dataset, v.event_id, v.source_id
from events as v
where not exists (
    select 1 from sources as s where s.source_id = v.source_id and s.dataset in (v.dataset, '_reference')
)
