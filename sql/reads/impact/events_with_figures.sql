-- Events with any actual (month to year grain) in their jurisdiction or a region under it (region_lineage):
-- the Impact page's default event is one. Parameters: none. Columns: event_id.
select distinct e.event_id
from events as e
inner join region_lineage as l on l.ancestor_code = e.jurisdiction
where exists (
    select 1 from actual_figures as a
    where a.region_code = l.descendant_code and a.value is not null
      and a.grain in ('day', 'month', 'quarter', 'half', 'year')
)
