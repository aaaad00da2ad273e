-- Events whose jurisdiction lies in a shown region or contains one (a WORLD-wide event applies to US), by the
-- one containment rule (region_lineage). Parameters: the shown region codes (a list).
-- Columns: as serve_events, in date order.
with shown as (
    select unnest(?) as region_code
)

select e.*
from serve_events as e
where exists (
    select 1
    from region_lineage as l
    inner join shown as s on s.region_code in (l.ancestor_code, l.descendant_code)
    where e.jurisdiction in (l.ancestor_code, l.descendant_code)
)
order by e.date, e.event_id
