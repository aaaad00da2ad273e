-- Expectations rolled up to an actual's period (docs/warehouse.md, "Rollups"), for the pairs that have no
-- other: the 'expectation' side of rollup_tilings (the tiling rule, the aggregation, bounds and basis are
-- written there once). One row per actual period (entity, metric, region, unit, period_start, period_end) x
-- expectation kind x policy ('at_period_end', 'original', 'latest' of chosen_expectations) where no
-- expectation of that kind and policy covers exactly the actual's period and the policy's chosen expectations
-- of ONE finer grain tile it completely. Monthly targets summed to a reported quarter, for instance.
-- 'when_reported' is not rolled up: it is chosen per reported actual.
-- Columns as chosen_expectations (figure_id null, vintages null) plus aggregation, component_grain, components,
-- approximate_components, component_figure_ids (varchar[]), basis ('sum of 3 months'), dataset (the
-- components' one dataset, else null).
create or replace view expectation_rollups as

with rolled as (
    select * from rollup_tilings() where side = 'expectation'
),

final as (
    -- chosen_expectations' columns in its order (a rolled-up expectation is presented in the base unit: its
    -- components may be written differently), then the rollup's own
    select
        entity, metric, region_code, period, grain, period_start, period_end, kind, policy, value, value_low,
        value_high, bound, unit, null::varchar as unit_raw, null::double as base_per_unit_raw, as_of, source_id,
        null::varchar as figure_id, null::bigint as vintages,
        aggregation, component_grain, components, approximate_components, component_figure_ids, currency,
        value_native, basis, dataset
    from rolled
)

select * from final
