-- Expectations rolled up to an actual's period (docs/warehouse.md, "Rollups"), for the pairs that have no
-- other: one row per actual period (entity, metric, region, unit, period_start, period_end) x expectation kind
-- x policy ('at_period_end', 'original', 'latest' of chosen_expectations) where no expectation of that kind and
-- policy covers exactly the actual's period and the policy's chosen expectations of ONE finer grain tile it
-- completely (same tiling rule as actual_rollups; the coarsest complete grain wins). Monthly targets summed to
-- a reported quarter, for instance. 'when_reported' is not rolled up: it is chosen per reported actual.
-- value/value_low/value_high/bound/as_of/source_id combine the components as in actual_rollups.
-- Columns as chosen_expectations (figure_id null, vintages null) plus aggregation, component_grain, components,
-- approximate_components, component_figure_ids (varchar[]), basis ('sum of 3 months').
create or replace view expectation_rollups as

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

series_grains as (
    select distinct e.entity, e.metric, e.region_code, e.unit, e.kind, e.policy, g.grain_rank
    from expectations as e
    inner join grains as g on g.grain = e.grain
    where e.grain <> 'span'
),

candidates as (
    select distinct
        a.entity,
        a.metric,
        a.region_code,
        a.unit,
        a.period,
        a.grain,
        a.period_start,
        a.period_end,
        s.kind,
        s.policy,
        m.aggregation,
        g.grain_rank
    from actuals as a
    inner join aggregations as m on m.metric = a.metric and m.aggregation <> 'none'
    inner join grains as g on g.grain = a.grain
    inner join series_grains as s
        on  s.entity = a.entity
        and s.metric = a.metric
        and s.region_code = a.region_code
        and s.unit is not distinct from a.unit
        and s.grain_rank < g.grain_rank
    anti join expectations as e
        on  e.entity = a.entity
        and e.metric = a.metric
        and e.region_code = a.region_code
        and e.period_start = a.period_start
        and e.period_end = a.period_end
        and e.unit is not distinct from a.unit
        and e.kind = s.kind
        and e.policy = s.policy
),

components as (
    select
        c.*,
        e.grain as component_grain,
        g.grain_rank as component_rank,
        e.period_start as component_start,
        e.period_end as component_end,
        e.value,
        coalesce(e.value_low, e.value) as value_low,
        coalesce(e.value_high, e.value) as value_high,
        e.value_high is not null as is_range,
        e.currency,
        e.value_native,
        e.bound,
        e.as_of,
        e.source_id,
        e.figure_id,
        lag(e.period_end) over tiles as previous_end
    from candidates as c
    inner join expectations as e
        on  e.entity = c.entity
        and e.metric = c.metric
        and e.region_code = c.region_code
        and e.unit is not distinct from c.unit
        and e.kind = c.kind
        and e.policy = c.policy
        and e.period_start >= c.period_start
        and e.period_end <= c.period_end
    inner join grains as g on g.grain = e.grain and g.grain_rank < c.grain_rank
    where e.grain <> 'span'
    window tiles as (
        partition by c.entity, c.metric, c.region_code, c.unit, c.period_start, c.period_end, c.kind, c.policy,
            e.grain
        order by e.period_start
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
        kind,
        policy,
        any_value(period) as period,
        any_value(grain) as grain,
        any_value(aggregation) as aggregation,
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
        max(as_of) as as_of,
        string_agg(distinct source_id, ',' order by source_id) as source_id,
        list(figure_id order by component_start) as component_figure_ids
    from components
    group by entity, metric, region_code, unit, period_start, period_end, kind, policy, component_grain
),

chosen as (
    select *
    from tilings
    where is_complete
    qualify row_number() over (
        partition by entity, metric, region_code, unit, period_start, period_end, kind, policy
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
        c.kind,
        c.policy,
        case c.aggregation when 'sum' then c.sum_value when 'mean' then c.mean_value else c.last_value end
            as value,
        case
            when c.aggregation = 'last' and c.last_is_range then c.last_low
            when c.aggregation = 'sum' and c.any_range then c.sum_low
            when c.aggregation = 'mean' and c.any_range then c.mean_low
        end as value_low,
        case
            when c.aggregation = 'last' and c.last_is_range then c.last_high
            when c.aggregation = 'sum' and c.any_range then c.sum_high
            when c.aggregation = 'mean' and c.any_range then c.mean_high
        end as value_high,
        case
            when c.aggregation = 'last' then c.last_bound
            when c.all_exact then 'exact'
            when c.all_at_most then 'at_most'
            when c.all_at_least then 'at_least'
            else 'approx'
        end as bound,
        c.unit,
        -- a rolled-up expectation is presented in the base unit (its components may be written differently)
        null::varchar as unit_raw,
        null::double as base_per_unit_raw,
        c.as_of,
        c.source_id,
        null::varchar as figure_id,
        null::bigint as vintages,
        c.aggregation,
        c.component_grain,
        c.components,
        c.approximate_components,
        c.component_figure_ids,
        c.currency,
        case when c.currency is not null then
            case c.aggregation when 'sum' then c.sum_native when 'mean' then c.mean_native else c.last_native end
        end as value_native,
        case when c.aggregation = 'mean' then 'unweighted ' else '' end
            || c.aggregation || ' of ' || c.components || ' ' || g.unit_label as basis
    from chosen as c
    inner join grains as g on g.grain = c.component_grain
)

select * from final
