-- Actuals rolled up to an expectation's period (docs/warehouse.md, "Rollups"): one row per expectation period
-- (entity, metric, region, unit, period_start, period_end; any kind or policy) that has no actual reported for
-- exactly that period, whose metric's aggregation is not 'none', and whose finer actuals of ONE grain tile the
-- period completely: the first starts on the period's start, each next one the day after the previous one
-- ends, the last ends on the period's end (calendar or fiscal periods and spans alike, by dates). When several
-- grains tile it, the coarsest wins (four reported quarters over twelve months). Spans are never components.
-- value: sum, mean or last (the latest component's value) by metric_aggregations; a mean is weighted by the
-- metric's weight_metric (its actual for the same entity, region and period: attendances for a 4-hour
-- percentage) when every component has a positive one (basis 'weighted mean of 3 months (by attendances)'),
-- else equal-weight (basis 'unweighted mean of 3 months');
-- value_low/value_high likewise when a component is a range. bound: for sum and mean, 'exact' when every
-- component is, 'at_most' ('at_least') when every one is exact or at_most (at_least), else 'approx'; for last
-- the last component's bound. kind: 'actual' when every component is one, else 'estimate'. as_of: the latest
-- component's as_of (when the whole period became known). source_id: the components' sources, comma-joined.
-- Columns as actual_figures plus aggregation, component_grain, components, approximate_components (bound not
-- exact), component_figure_ids (varchar[], in period order), basis ('sum of 12 months'); currency and
-- value_native: the components' one currency and the value aggregated in it (null when they differ).
create or replace view actual_rollups as

with actuals as (
    select * from actual_figures
),

expectations as (
    select * from chosen_expectations
),

aggregations as (
    select * from metric_aggregations
),

grains as (
    select * from grain_order
),

-- the grains each series reports actuals at: a period can only be rolled up where a finer one exists
series_grains as (
    select distinct a.entity, a.metric, a.region_code, a.unit, g.grain_rank
    from actuals as a
    inner join grains as g on g.grain = a.grain
    where a.grain <> 'span'
),

periods as (
    select
        e.entity,
        e.metric,
        e.region_code,
        e.unit,
        e.period_start,
        e.period_end,
        any_value(e.period order by e.period) as period,
        any_value(e.grain order by e.grain) as grain,
        any_value(m.aggregation) as aggregation,
        any_value(m.weight_metric) as weight_metric,
        any_value(g.grain_rank) as grain_rank
    from expectations as e
    inner join aggregations as m on m.metric = e.metric and m.aggregation <> 'none'
    inner join grains as g on g.grain = e.grain
    anti join actuals as a
        on  a.entity = e.entity
        and a.metric = e.metric
        and a.region_code = e.region_code
        and a.period_start = e.period_start
        and a.period_end = e.period_end
        and a.unit is not distinct from e.unit
    group by e.entity, e.metric, e.region_code, e.unit, e.period_start, e.period_end
),

candidates as (
    select p.*
    from periods as p
    semi join series_grains as s
        on  s.entity = p.entity
        and s.metric = p.metric
        and s.region_code = p.region_code
        and s.unit is not distinct from p.unit
        and s.grain_rank < p.grain_rank
),

components as (
    select
        p.*,
        a.grain as component_grain,
        g.grain_rank as component_rank,
        a.period_start as component_start,
        a.period_end as component_end,
        a.value,
        coalesce(a.value_low, a.value) as value_low,
        coalesce(a.value_high, a.value) as value_high,
        a.value_high is not null as is_range,
        a.currency,
        a.value_native,
        a.bound,
        a.kind,
        a.as_of,
        a.source_id,
        a.figure_id,
        w.value as weight,
        lag(a.period_end) over tiles as previous_end
    from candidates as p
    inner join actuals as a
        on  a.entity = p.entity
        and a.metric = p.metric
        and a.region_code = p.region_code
        and a.unit is not distinct from p.unit
        and a.period_start >= p.period_start
        and a.period_end <= p.period_end
    inner join grains as g on g.grain = a.grain and g.grain_rank < p.grain_rank
    -- a rate's weight for the same entity, region and period (attendances for a 4-hour percentage)
    left join actuals as w
        on  p.weight_metric is not null
        and w.entity = a.entity
        and w.metric = p.weight_metric
        and w.region_code = a.region_code
        and w.period_start = a.period_start
        and w.period_end = a.period_end
    where a.grain <> 'span'
    window tiles as (
        partition by p.entity, p.metric, p.region_code, p.unit, p.period_start, p.period_end, a.grain
        order by a.period_start
    )
),

tilings as (
    select
        entity,
        metric,
        region_code,
        unit,
        period_start,
        period_end,
        any_value(period) as period,
        any_value(grain) as grain,
        any_value(aggregation) as aggregation,
        any_value(weight_metric) as weight_metric,
        component_grain,
        any_value(component_rank) as component_rank,
        count(*)::bigint as components,
        bool_and(coalesce(component_start = previous_end + 1, component_start = period_start))
            and max(component_end) = any_value(period_end) as is_complete,
        sum(value) as sum_value,
        sum(value_low) as sum_low,
        sum(value_high) as sum_high,
        avg(value) as mean_value,
        avg(value_low) as mean_low,
        avg(value_high) as mean_high,
        -- weighted by the weight metric when every component has a positive weight
        bool_and(coalesce(weight > 0, false)) as all_weighted,
        sum(value * weight) / nullif(sum(weight), 0) as weighted_value,
        sum(value_low * weight) / nullif(sum(weight), 0) as weighted_low,
        sum(value_high * weight) / nullif(sum(weight), 0) as weighted_high,
        sum(value_native * weight) / nullif(sum(weight), 0) as weighted_native,
        arg_max(value, component_start) as last_value,
        arg_max(value_low, component_start) as last_low,
        arg_max(value_high, component_start) as last_high,
        sum(value_native) as sum_native,
        avg(value_native) as mean_native,
        arg_max(value_native, component_start) as last_native,
        -- one currency for every component, else none (no constant-currency comparison)
        case when count(distinct currency) = 1 and count(currency) = count(*) then min(currency) end as currency,
        arg_max(bound, component_start) as last_bound,
        arg_max(is_range, component_start) as last_is_range,
        bool_or(is_range) as any_range,
        bool_and(bound = 'exact') as all_exact,
        bool_and(bound in ('exact', 'at_most')) as all_at_most,
        bool_and(bound in ('exact', 'at_least')) as all_at_least,
        count(*) filter (where bound <> 'exact')::bigint as approximate_components,
        bool_and(kind = 'actual') as all_actual,
        max(as_of) as as_of,
        string_agg(distinct source_id, ',' order by source_id) as source_id,
        list(figure_id order by component_start) as component_figure_ids
    from components
    group by entity, metric, region_code, unit, period_start, period_end, component_grain
),

chosen as (
    select *
    from tilings
    where is_complete
    qualify row_number() over (
        partition by entity, metric, region_code, unit, period_start, period_end
        order by component_rank desc
    ) = 1
),

final as (
    select
        c.entity,
        c.metric,
        c.region_code,
        c.period,
        c.grain,
        c.period_start,
        c.period_end,
        case
            when c.aggregation = 'sum' then c.sum_value
            when c.aggregation = 'mean' and c.all_weighted then c.weighted_value
            when c.aggregation = 'mean' then c.mean_value
            else c.last_value
        end as value,
        case
            when c.aggregation = 'last' then c.last_bound
            when c.all_exact then 'exact'
            when c.all_at_most then 'at_most'
            when c.all_at_least then 'at_least'
            else 'approx'
        end as bound,
        case when c.all_actual then 'actual' else 'estimate' end as kind,
        c.as_of,
        c.source_id,
        null::varchar as figure_id,
        c.unit,
        1::bigint as candidates,
        case
            when c.aggregation = 'last' and c.last_is_range then c.last_low
            when c.aggregation = 'sum' and c.any_range then c.sum_low
            when c.aggregation = 'mean' and c.any_range and c.all_weighted then c.weighted_low
            when c.aggregation = 'mean' and c.any_range then c.mean_low
        end as value_low,
        case
            when c.aggregation = 'last' and c.last_is_range then c.last_high
            when c.aggregation = 'sum' and c.any_range then c.sum_high
            when c.aggregation = 'mean' and c.any_range and c.all_weighted then c.weighted_high
            when c.aggregation = 'mean' and c.any_range then c.mean_high
        end as value_high,
        c.aggregation,
        c.component_grain,
        c.components,
        c.approximate_components,
        c.component_figure_ids,
        c.currency,
        case when c.currency is not null then
            case
                when c.aggregation = 'sum' then c.sum_native
                when c.aggregation = 'mean' and c.all_weighted then c.weighted_native
                when c.aggregation = 'mean' then c.mean_native
                else c.last_native
            end
        end as value_native,
        case
            when c.aggregation = 'mean' and c.all_weighted
                then 'weighted mean of ' || c.components || ' ' || g.unit_label || ' (by ' || c.weight_metric || ')'
            when c.aggregation = 'mean' then 'unweighted mean of ' || c.components || ' ' || g.unit_label
            else c.aggregation || ' of ' || c.components || ' ' || g.unit_label
        end as basis
    from chosen as c
    inner join grains as g on g.grain = c.component_grain
)

select * from final
