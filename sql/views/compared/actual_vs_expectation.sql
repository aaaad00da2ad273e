-- One row per chosen actual x expectation kind x policy, with variance, attainment and direction.
-- Ranges compare against their midpoint (direction: inside the range is 'in_line'); only figures with the
-- same unit are compared. direction_certain is false when an at_least/at_most bound could flip the direction.
create or replace view actual_vs_expectation as

with actuals as (
    select * from actual_figures
),

expectations as (
    select * from chosen_expectations
),

metrics as (
    select * from metrics
),

regions as (
    select * from regions
),

paired as (
    select
        a.entity,
        a.metric,
        a.region_code,
        r.name as region_name,
        a.period,
        a.grain,
        a.period_start,
        a.period_end,
        a.unit,
        a.value as actual,
        coalesce(a.value_low, a.value) as actual_low,
        coalesce(a.value_high, a.value) as actual_high,
        a.kind as actual_kind,
        a.bound as actual_bound,
        a.as_of as actual_as_of,
        a.source_id as actual_source_id,
        a.figure_id as actual_figure_id,
        e.value as expectation,
        e.value_low as expectation_low,
        e.value_high as expectation_high,
        coalesce(e.value_low, e.value) as band_low,
        coalesce(e.value_high, e.value) as band_high,
        e.kind as expectation_kind,
        e.bound as expectation_bound,
        e.as_of as expectation_as_of,
        e.source_id as expectation_source_id,
        e.figure_id as expectation_figure_id,
        e.as_of > a.period_end as expectation_published_after_period,
        e.vintages,
        e.policy,
        m.higher_is_better
    from actuals as a
    inner join expectations as e
        on  e.entity = a.entity
        and e.metric = a.metric
        and e.region_code = a.region_code
        and e.period_start = a.period_start
        and e.period_end = a.period_end
        and e.unit is not distinct from a.unit
    left join metrics as m on m.metric = a.metric
    left join regions as r on r.region_code = a.region_code
),

measured as (
    select
        *,
        actual - expectation as variance,
        (actual - expectation) / nullif(abs(expectation), 0) as variance_pct,
        actual / nullif(expectation, 0) as attainment,
        case
            when actual < band_low then 'below'
            when actual > band_high then 'above'
            else 'in_line'
        end as direction,
        case when expectation_high is not null then actual between band_low and band_high end as in_range
    from paired
),

final as (
    select
        entity,
        metric,
        region_code,
        region_name,
        period,
        grain,
        period_start,
        period_end,
        unit,
        actual,
        actual_kind,
        actual_bound,
        actual_as_of,
        actual_source_id,
        actual_figure_id,
        expectation,
        expectation_low,
        expectation_high,
        expectation_kind,
        expectation_bound,
        expectation_as_of,
        expectation_source_id,
        expectation_figure_id,
        expectation_published_after_period,
        vintages,
        policy,
        variance,
        variance_pct,
        attainment,
        direction,
        in_range,
        -- the direction holds for every value the bounds allow: an at_least actual can only be higher,
        -- an at_most one only lower; likewise for the expectation
        case direction
            when 'below' then actual_bound <> 'at_least' and expectation_bound <> 'at_most'
                and actual_high < band_low
            when 'above' then actual_bound <> 'at_most' and expectation_bound <> 'at_least'
                and actual_low > band_high
            else actual_bound not in ('at_least', 'at_most') and expectation_bound not in ('at_least', 'at_most')
                and actual_low >= band_low and actual_high <= band_high
        end as direction_certain,
        case when higher_is_better then direction = 'below' else direction = 'above' end as is_shortfall,
        actual_bound = 'approx' or expectation_bound = 'approx' as is_approximate,
        actual_bound in ('at_least', 'at_most') or expectation_bound in ('at_least', 'at_most') as is_bound
    from measured
)

select * from final
