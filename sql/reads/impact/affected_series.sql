-- Every series (entity x metric x grain x region) with actuals in one event's jurisdiction or a region under
-- it (region_lineage: what event_windows covers), at the month, quarter, half or year grain.
-- Parameters: event_id. Columns: region_code, region_name, depth, path, is_jurisdiction, entity, metric,
-- metric_name, grain, figures, figures_before / figures_after (actuals starting before / ending after the
-- event's date), first_period_start, last_period_end.
with ev as (
    select e.event_id, e.date, e.jurisdiction from events as e where e.event_id = ?
)

select a.region_code, r.name as region_name, r.depth, r.path, (l.distance = 0) as is_jurisdiction,
       a.entity, a.metric, coalesce(m.name, a.metric) as metric_name, a.grain,
       count(*)::bigint as figures,
       count(*) filter (where a.period_start <= ev.date)::bigint as figures_before,
       count(*) filter (where a.period_end >= ev.date)::bigint as figures_after,
       min(a.period_start) as first_period_start, max(a.period_end) as last_period_end
from ev
inner join region_lineage as l on l.ancestor_code = ev.jurisdiction
inner join actual_figures as a on a.region_code = l.descendant_code
inner join regions as r on r.region_code = a.region_code
left join metrics as m on m.metric = a.metric
where a.value is not null and a.grain in ('day', 'month', 'quarter', 'half', 'year')
group by all
order by r.path, a.entity, a.metric, a.grain
