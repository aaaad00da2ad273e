-- Actuals rolled up to an expectation's period (docs/warehouse.md, "Rollups"): the 'actual' side of
-- rollup_tilings (the tiling rule, the aggregation, bounds and basis are written there once). One row per
-- expectation period (entity, metric, region, unit, period_start, period_end; any kind or policy) that has no
-- actual reported for exactly that period and whose finer actuals of ONE grain tile it completely.
-- kind: 'actual' when every component is one, else 'estimate'.
-- Columns as actual_figures plus aggregation, component_grain, components, approximate_components (bound not
-- exact), component_figure_ids (varchar[], in period order), basis ('sum of 12 months'); currency and
-- value_native: the components' one currency and the value aggregated in it (null when they differ); dataset:
-- the components' one dataset (their ids are scoped to it), else null.
create or replace view actual_rollups as

with rolled as (
    select * from rollup_tilings() where side = 'actual'
),

final as (
    -- actual_figures' columns in its order, then the rollup's own
    select
        entity, metric, region_code, period, grain, period_start, period_end, value, bound,
        case when all_actual then 'actual' else 'estimate' end as kind,
        as_of, source_id, null::varchar as figure_id, unit, 1::bigint as candidates, value_low, value_high,
        aggregation, component_grain, components, approximate_components, component_figure_ids, currency,
        value_native, basis, dataset
    from rolled
)

select * from final
