-- How many figures each entity and metric has, per region, kind and unit: the catalogue the dashboard's
-- pickers (entity, metric, expectation kind, region) and a first look at a warehouse start from.
-- figures counts every row, numeric_figures only those with a value (qualitative claims have none).
create or replace view figure_counts as

with figures as (
    select * from figures
),

final as (
    select
        entity,
        metric,
        region_code,
        kind,
        is_expectation,
        unit,
        count(*)::bigint as figures,
        count(value)::bigint as numeric_figures
    from figures
    group by entity, metric, region_code, kind, is_expectation, unit
)

select * from final
