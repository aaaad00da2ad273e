-- The source a figure or event cites, by the dataset its ids are scoped to: one row per (dataset, source_id)
-- that a dataset can cite, its own sources and the shared ones of reference/ ('_reference'). Two datasets may
-- use one source_id for two different sources (ids are scoped to their dataset), so a citation is resolved
-- by (dataset, source_id), never by source_id alone; a dataset cannot define a shared source's id, so at most
-- one row matches. Every view and read that names a figure's publisher joins here.
-- Columns: dataset (the citing dataset), source_id, publisher, title, url, published_on, published_date,
-- reliability, defined_in (the dataset that defines the source: the citing one or '_reference').
create or replace view cited_sources as

with sources as (
    select * from sources
),

citing as (
    select distinct dataset from sources
    union
    select distinct dataset from figures
    union
    select distinct dataset from events
),

final as (
    select
        c.dataset,
        s.source_id,
        s.publisher,
        s.title,
        s.url,
        s.published_on,
        s.published_date,
        s.reliability,
        s.dataset as defined_in
    from citing as c
    inner join sources as s on s.dataset in (c.dataset, '_reference')
)

select * from final
