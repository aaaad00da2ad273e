-- Events whose jurisdiction lies in a shown region or contains one (a WORLD-wide event applies to US), by the
-- one containment rule (region_lineage). Parameters: the shown region codes (a list).
-- Columns: as serve_events, in date order.
select e.*
from serve_events as e
where exists (
    select 1 from region_lineage as l
    where (l.ancestor_code = e.jurisdiction and list_contains($1, l.descendant_code))
       or (l.descendant_code = e.jurisdiction and list_contains($1, l.ancestor_code))
)
order by e.date, e.event_id
