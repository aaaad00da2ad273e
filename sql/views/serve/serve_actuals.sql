-- The Trends page's actuals: actual_figures (the latest vintage of each series' actual) with the region's
-- name and the source's publisher.
-- Grain: one row per entity x metric x region x period (as actual_figures).
-- Columns: entity, metric, region_code, region_name, period, grain, period_start, period_end, value,
-- value_low, value_high (base unit, as actual_figures), bound, kind, as_of, source_id, publisher, candidates,
-- unit (the base unit).
-- Stored sorted by (entity, metric, region_code, period_start).
create or replace view serve_actuals as

with actuals as (
    select * from actual_figures
),

regions as (
    select * from regions
),

publishers as (
    select * from cited_sources
),

final as (
    select
        a.entity,
        a.metric,
        a.region_code,
        r.name as region_name,
        a.period,
        a.grain,
        a.period_start,
        a.period_end,
        a.value,
        a.value_low,
        a.value_high,
        a.bound,
        a.kind,
        a.as_of,
        a.source_id,
        p.publisher,
        a.candidates,
        a.unit
    from actuals as a
    inner join regions as r on r.region_code = a.region_code
    left join publishers as p on p.dataset = a.dataset and p.source_id = a.source_id
)

select * from final
order by entity, metric, region_code, period_start
