-- Every vintage of every numeric expectation, in as_of order (ties by figure_id), with the change from the
-- previous vintage. A range's value is its midpoint; value_low/value_high are null unless a range.
-- Ties on as_of by figure_id, then dataset; dataset (the last column): the figure's (its ids are scoped to it).
create or replace view expectation_revisions as

with figures as (
    select * from figures
),

expectations as (
    select
        *,
        range_midpoint(value, value_high) as value_mid
    from figures
    where is_expectation
      and value is not null
),

sequenced as (
    select
        *,
        row_number() over vintage_order as vintage,
        count(*) over vintage_group as vintages,
        lag(value_mid) over vintage_order as previous_value,
        lag(as_of) over vintage_order as previous_as_of
    from expectations
    window
        vintage_group as (partition by entity, metric, region_code, period_start, period_end, kind),
        vintage_order as (vintage_group order by as_of, figure_id, dataset)
),

final as (
    select
        entity,
        metric,
        region_code,
        period,
        grain,
        period_start,
        period_end,
        kind,
        vintage::bigint as vintage,
        vintages::bigint as vintages,
        value_mid as value,
        currency,
        figure_value_native(value_mid, fx_usd_per_unit) as value_native,  -- base/figure_values.sql
        case when value_high is not null then value end as value_low,
        value_high,
        bound,
        unit,
        unit_raw,  -- the unit as reported, and base units per one of it (base/figure_values.sql)
        figure_base_per_unit_raw(unit_scale, fx_usd_per_unit) as base_per_unit_raw,
        previous_value,
        value_mid - previous_value as change,
        (value_mid - previous_value) / nullif(abs(previous_value), 0) as change_pct,
        as_of,
        previous_as_of,
        source_id,
        figure_id,
        vintage = 1 as is_original,
        vintage = vintages as is_latest,
        dataset
    from sequenced
)

select * from final
