-- The Trends page's expectation vintages: expectation_revisions with the region's name and the source's
-- publisher.
-- Grain: one row per entity x metric x region x period x expectation kind x vintage.
-- Columns: entity, metric, region_code, region_name, period, grain, period_start, period_end, kind, vintage,
-- vintages, value, value_low, value_high (base unit), bound, as_of, source_id, publisher, is_original,
-- is_latest, unit (the base unit).
-- Stored sorted by (entity, metric, kind, region_code, period_start, vintage).
create or replace view serve_vintages as

with revisions as (
    select * from expectation_revisions
),

regions as (
    select * from regions
),

publishers as (
    select * from cited_sources
),

final as (
    select
        e.entity,
        e.metric,
        e.region_code,
        r.name as region_name,
        e.period,
        e.grain,
        e.period_start,
        e.period_end,
        e.kind,
        e.vintage,
        e.vintages,
        e.value,
        e.value_low,
        e.value_high,
        e.bound,
        e.as_of,
        e.source_id,
        p.publisher,
        e.is_original,
        e.is_latest,
        e.unit
    from revisions as e
    inner join regions as r on r.region_code = e.region_code
    left join publishers as p on p.dataset = e.dataset and p.source_id = e.source_id
)

select * from final
order by entity, metric, kind, region_code, period_start, vintage
