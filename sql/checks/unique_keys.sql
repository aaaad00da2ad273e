-- blocking: true
-- description: figure_id, event_id and source_id are unique
-- One row per duplicate beyond the first: table_name, key.
select 'figures' as table_name, figure_id as key
from figures
qualify row_number() over (partition by figure_id) > 1
union all
select 'events', event_id
from events
qualify row_number() over (partition by event_id) > 1
union all
select 'sources', source_id
from sources
qualify row_number() over (partition by source_id) > 1
