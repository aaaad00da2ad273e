-- Per event, every series (entity x metric x grain x region) with actuals in the event's jurisdiction or a
-- region under it (region_lineage), at the month, quarter, half or year grain, with how many of its figures
-- end before the event's date and how many on or after it: the Impact page's default event is the one with
-- the most to show (dashboard.widgets.default_event). Parameters: none. Columns: event_id, entity, metric,
-- grain, region_code, before, after.
select e.event_id, a.entity, a.metric, a.grain, a.region_code,
       count(*) filter (where a.period_end < e.date)::bigint as before,
       count(*) filter (where a.period_end >= e.date)::bigint as after
from events as e
inner join region_lineage as l on l.ancestor_code = e.jurisdiction
inner join actual_figures as a on a.region_code = l.descendant_code
where a.value is not null and a.grain in ('month', 'quarter', 'half', 'year')
group by all
order by all
