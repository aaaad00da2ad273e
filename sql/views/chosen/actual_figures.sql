-- The actual-side figure chosen per entity, metric, region and period: kind 'actual' beats 'estimate',
-- then the latest as_of (revisions win), then the highest figure_id. A range is represented by its midpoint.
create or replace view actual_figures as

with figures as (
    select * from figures
),

actual_side as (
    select
        *,
        range_midpoint(value, value_high) as value_mid
    from figures
    where kind in ('actual', 'estimate')
      and value is not null
),

chosen as (
    select
        *,
        count(*) over (partition by entity, metric, region_code, period_start, period_end) as candidates
    from actual_side
    qualify row_number() over (
        partition by entity, metric, region_code, period_start, period_end
        order by (kind = 'actual') desc, as_of desc, figure_id desc
    ) = 1
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
        value_mid as value,
        currency,
        -- in the figure's own currency, to a millionth of its unit (the division's rounding noise would make
        -- on-plan figures differ): what constant-currency comparisons compare
        round(value_mid / fx_usd_per_unit, 6) as value_native,
        bound,
        kind,
        as_of,
        source_id,
        figure_id,
        unit,
        candidates::bigint as candidates,
        case when value_high is not null then value end as value_low,
        value_high
    from chosen
)

select * from final
