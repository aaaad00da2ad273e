-- Every event once, as every page lists them: a group of reports of the same event (event_groups) shown as its
-- representative, with its jurisdiction's name and path, its source's publisher and url, and every report's
-- event id, source id and publisher.
-- Grain: one row per event group. Columns: event_id, date, date_precision, date_end, status, jurisdiction,
-- jurisdiction_name, jurisdiction_path, category, title, entity, source_id, publisher, url, note,
-- reported_as (the group's event ids), source_ids, publishers (the first publisher of each source id, else
-- the id). Stored sorted by (date, event_id).
create or replace view serve_events as

with events as (
    select * from event_groups
    where is_representative
),

regions as (
    select * from regions
),

sources as (
    select * from sources
),

publishers as (
    select source_id, min(publisher) as publisher from sources group by source_id
),

final as (
    select
        e.event_id,
        e.date,
        e.date_precision,
        e.date_end,
        e.status,
        e.jurisdiction,
        r.name as jurisdiction_name,
        r.path as jurisdiction_path,
        e.category,
        e.title,
        e.entity,
        e.source_id,
        s.publisher,
        s.url,
        e.note,
        e.group_event_ids as reported_as,
        e.group_source_ids as source_ids,
        list(coalesce(p.publisher, p_id.source_id) order by p_id.n) as publishers
    from events as e
    left join regions as r on r.region_code = e.jurisdiction
    left join sources as s on s.source_id = e.source_id and s.dataset in (e.dataset, '_reference')
    cross join unnest(e.group_source_ids) with ordinality as p_id(source_id, n)
    left join publishers as p on p.source_id = p_id.source_id
    group by all
)

select * from final
order by date, event_id
