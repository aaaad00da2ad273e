-- Every event once, as every page lists them: a group of reports of the same event (event_groups) shown as its
-- representative, with its jurisdiction's name and path, its source's publisher and url, and every report's
-- event id, source id and publisher.
-- Grain: one row per event group. Columns: event_id, date, date_precision, date_end, status, jurisdiction,
-- jurisdiction_name, jurisdiction_path, category, title, entity, source_id, publisher, url, note,
-- reported_as (the group's event ids), source_ids, publishers (each source id's publisher in the dataset of
-- the report citing it, else the id; event_groups.group_publishers), dataset (the representative's), cited
-- (each distinct {dataset, source_id} of the group: a citation's key). Stored sorted by (date, event_id).
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
        e.group_publishers as publishers,
        e.dataset,
        e.group_cited as cited
    from events as e
    left join regions as r on r.region_code = e.jurisdiction
    left join sources as s on s.source_id = e.source_id and s.dataset in (e.dataset, '_reference')
)

select * from final
order by date, event_id
