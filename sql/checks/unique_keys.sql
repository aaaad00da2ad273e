-- blocking: true
-- description: figure_id, event_id and source_id are unique within their dataset
-- One row per duplicate beyond the first: table_name, dataset, key. Ids are scoped to their dataset
-- (docs/data-formats.md, section 1): two datasets may use the same id.
select 'figures' as table_name, dataset, figure_id as key
from figures
qualify row_number() over (partition by dataset, figure_id) > 1
union all
select 'events', dataset, event_id
from events
qualify row_number() over (partition by dataset, event_id) > 1
union all
select 'sources', dataset, source_id
from sources
qualify row_number() over (partition by dataset, source_id) > 1
