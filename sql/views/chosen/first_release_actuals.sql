-- The first published actual per entity, metric, region and period: what was known when the result first came
-- out, before any restatement. Kind 'actual' beats 'estimate', then the EARLIEST as_of, then the lowest
-- figure_id (actual_figures takes the latest). Same columns as actual_figures (candidates: every actual-side
-- figure of the series). actual_vs_expectation compares it as actual_vintage = 'first_release': a forecast
-- evaluation ("how good was the consensus?") scores a forecast against the first release it predicted.
create or replace view first_release_actuals as

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
        order by (kind = 'actual') desc, as_of asc, figure_id asc
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
