-- The tiling rule of every rollup, written once as a table macro (docs/warehouse.md, "Rollups"); actual_rollups
-- and expectation_rollups select their side of it. A rollup target is a period one side lacks and the other
-- side asks for: for side 'actual', an expectation period (entity, metric, region, unit, start, end; any kind or
-- policy), or a period a growth target needs its base metric for (its own and the prior one: growth_periods
-- below), with no actual reported for exactly that period; for side 'expectation', an actual period x kind x
-- policy ('at_period_end', 'original', 'latest' of chosen_expectations) with no expectation of that kind and
-- policy for exactly that period. The target is rolled up when its metric's aggregation is not 'none' and the
-- side's figures of ONE finer grain tile it completely: the first starts on the period's start, each next one
-- the day after the previous one ends, the last ends on the period's end (calendar or fiscal periods and spans
-- alike, by dates; spans are never components). When several grains tile it, the coarsest wins (four
-- quarters over twelve months).
-- value: sum, mean or last (the latest component's value) by metric_aggregations. An actual's mean is weighted
-- by the metric's weight_metric (its actual for the same entity, region and period: attendances for a 4-hour
-- percentage) when every component has a positive one (basis 'weighted mean of 3 months (by attendances)'),
-- else equal-weight (basis 'unweighted mean of 3 months'); an expectation's mean is equal-weight.
-- value_low/value_high likewise when a component is a range. bound: for sum and mean, 'exact' when every
-- component is, 'at_most' ('at_least') when every one is exact or at_most (at_least), else 'approx'; for last
-- the last component's bound. all_actual: every component of an actual rollup is kind 'actual' (null for
-- expectations). as_of: the latest component's as_of. source_id: the components' sources, comma-joined.
-- currency and value_native: the components' one currency and the value aggregated in it (null when they differ).
-- Returns one row per rolled-up target: side ('actual' | 'expectation'), entity, metric, region_code, unit,
-- period, grain, period_start, period_end, kind and policy (the expectation's; null for actuals), value,
-- value_low, value_high, bound, all_actual, as_of, source_id, aggregation, component_grain, components,
-- approximate_components (bound not exact), component_figure_ids (varchar[], in period order), currency,
-- value_native, basis ('sum of 12 months'), dataset (the components' one dataset, else null).
create or replace macro rollup_tilings() as table

with grains as (
    select * from grain_order
),

aggregations as (
    select * from metric_aggregations
),

-- both sides' figures that can be components, in one shape (an actual has no expectation kind or policy)
figures as (
    select
        'actual' as side,
        entity,
        metric,
        region_code,
        unit,
        null::varchar as kind,
        null::varchar as policy,
        grain,
        period_start,
        period_end,
        value,
        value_low,
        value_high,
        currency,
        value_native,
        bound,
        kind as figure_kind,
        as_of,
        source_id,
        figure_id,
        dataset
    from actual_figures
    union all
    select
        'expectation' as side,
        entity,
        metric,
        region_code,
        unit,
        kind,
        policy,
        grain,
        period_start,
        period_end,
        value,
        value_low,
        value_high,
        currency,
        value_native,
        bound,
        null::varchar as figure_kind,
        as_of,
        source_id,
        figure_id,
        dataset
    from chosen_expectations
),

-- the grains each series has figures at: a period can only be rolled up where a finer one exists
series_grains as (
    select distinct f.side, f.entity, f.metric, f.region_code, f.unit, f.kind, f.policy, g.grain_rank
    from figures as f
    inner join grains as g on g.grain = f.grain
    where f.grain <> 'span'
),

-- growth targets ('<metric>_growth_yoy' | '_qoq' expectations, growth_bases): their base metric and basis
growth_expectations as (
    select distinct
        entity,
        regexp_extract(metric, '^(.*)_growth_(yoy|qoq)$', 1) as metric,
        regexp_extract(metric, '^(.*)_growth_(yoy|qoq)$', 2) as growth_basis,
        region_code,
        period,
        grain,
        period_start,
        period_end
    from chosen_expectations
    where regexp_matches(metric, '_growth_(yoy|qoq)$')
),

-- the periods a growth target needs its base metric's actual for: its own and the prior one. An entity with a
-- retail calendar steps by it (fiscal_periods: the same fiscal period of the year before for yoy, the one ending
-- the day before for qoq; a 53-week year's prior is its 53 weeks); any other a year earlier by the calendar
-- (yoy), or the period ending the day before and starting 3 months earlier (qoq), its label the period's with
-- the year (yoy) or the quarter (qoq) stepped back.
growth_periods as (
    select entity, metric, region_code, period, grain, period_start, period_end
    from growth_expectations
    union all
    select g.entity, g.metric, g.region_code, p.period, g.grain, p.period_start, p.period_end
    from growth_expectations as g
    inner join fiscal_periods as c
        on  c.entity = g.entity
        and c.period_start = g.period_start
        and c.period_end = g.period_end
    inner join fiscal_periods as p
        on  p.entity = c.entity
        and p.grain = c.grain
        and case g.growth_basis
            when 'yoy' then p.fiscal_year = c.fiscal_year - 1 and p.position = c.position
            else p.period_end = c.period_start - 1
        end
    union all
    select
        g.entity,
        g.metric,
        g.region_code,
        case
            when g.growth_basis = 'yoy' and regexp_matches(g.period, '\d{4}') then
                regexp_replace(g.period, '\d{4}', (regexp_extract(g.period, '(\d{4})', 1)::int - 1)::varchar)
            when regexp_matches(g.period, '\d{4}-Q[2-4]$') then
                left(g.period, length(g.period) - 1) || (right(g.period, 1)::int - 1)::varchar
            when regexp_matches(g.period, '\d{4}-Q1$') then
                regexp_replace(
                    g.period, '(\d{4})-Q1$', (regexp_extract(g.period, '(\d{4})-Q1$', 1)::int - 1)::varchar || '-Q4'
                )
            else strftime(g.period_start, '%Y-%m-%d') || ' before'
        end as period,
        g.grain,
        case g.growth_basis
            when 'yoy' then (g.period_start - interval 1 year)::date
            else (g.period_start - interval 3 month)::date
        end as period_start,
        case g.growth_basis
            when 'yoy' then ((g.period_end + 1) - interval 1 year)::date - 1
            else g.period_start - 1
        end as period_end
    from growth_expectations as g
    anti join fiscal_periods as c on c.entity = g.entity
),

-- the periods an actual is rolled up to: every expectation's, and those growth targets need, in each unit the
-- base metric's actuals have there
wanted_periods as (
    select entity, metric, region_code, unit, period, grain, period_start, period_end
    from chosen_expectations
    union all
    select distinct p.entity, p.metric, p.region_code, a.unit, p.period, p.grain, p.period_start, p.period_end
    from growth_periods as p
    inner join actual_figures as a
        on  a.entity = p.entity
        and a.metric = p.metric
        and a.region_code = p.region_code
),

actual_targets as (
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
    from wanted_periods as e
    inner join aggregations as m on m.metric = e.metric and m.aggregation <> 'none'
    inner join grains as g on g.grain = e.grain
    anti join actual_figures as a
        on  a.entity = e.entity
        and a.metric = e.metric
        and a.region_code = e.region_code
        and a.period_start = e.period_start
        and a.period_end = e.period_end
        and a.unit is not distinct from e.unit
    group by e.entity, e.metric, e.region_code, e.unit, e.period_start, e.period_end
),

-- the actual periods x expectation kind x policy an expectation is rolled up to
expectation_targets as (
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
    from actual_figures as a
    inner join aggregations as m on m.metric = a.metric and m.aggregation <> 'none'
    inner join grains as g on g.grain = a.grain
    inner join series_grains as s
        on  s.side = 'expectation'
        and s.entity = a.entity
        and s.metric = a.metric
        and s.region_code = a.region_code
        and s.unit is not distinct from a.unit
        and s.grain_rank < g.grain_rank
    anti join chosen_expectations as e
        on  e.entity = a.entity
        and e.metric = a.metric
        and e.region_code = a.region_code
        and e.period_start = a.period_start
        and e.period_end = a.period_end
        and e.unit is not distinct from a.unit
        and e.kind = s.kind
        and e.policy = s.policy
),

targets as (
    select
        'actual' as side,
        p.entity,
        p.metric,
        p.region_code,
        p.unit,
        null::varchar as kind,
        null::varchar as policy,
        p.period,
        p.grain,
        p.period_start,
        p.period_end,
        p.aggregation,
        p.weight_metric,
        p.grain_rank
    from actual_targets as p
    semi join series_grains as s
        on  s.side = 'actual'
        and s.entity = p.entity
        and s.metric = p.metric
        and s.region_code = p.region_code
        and s.unit is not distinct from p.unit
        and s.grain_rank < p.grain_rank
    union all
    select
        'expectation' as side,
        entity,
        metric,
        region_code,
        unit,
        kind,
        policy,
        period,
        grain,
        period_start,
        period_end,
        aggregation,
        null::varchar as weight_metric,
        grain_rank
    from expectation_targets
),

components as (
    select
        t.*,
        f.grain as component_grain,
        g.grain_rank as component_rank,
        f.period_start as component_start,
        f.period_end as component_end,
        f.value,
        coalesce(f.value_low, f.value) as value_low,
        coalesce(f.value_high, f.value) as value_high,
        f.value_high is not null as is_range,
        f.currency,
        f.value_native,
        f.bound,
        f.figure_kind,
        f.as_of,
        f.source_id,
        f.figure_id,
        f.dataset,
        w.value as weight,
        lag(f.period_end) over tiles as previous_end
    from targets as t
    inner join figures as f
        on  f.side = t.side
        and f.entity = t.entity
        and f.metric = t.metric
        and f.region_code = t.region_code
        and f.unit is not distinct from t.unit
        and f.kind is not distinct from t.kind
        and f.policy is not distinct from t.policy
        and f.period_start >= t.period_start
        and f.period_end <= t.period_end
    inner join grains as g on g.grain = f.grain and g.grain_rank < t.grain_rank
    -- a rate's weight for the same entity, region and period (attendances for a 4-hour percentage)
    left join actual_figures as w
        on  t.weight_metric is not null
        and w.entity = f.entity
        and w.metric = t.weight_metric
        and w.region_code = f.region_code
        and w.period_start = f.period_start
        and w.period_end = f.period_end
    where f.grain <> 'span'
    window tiles as (
        partition by t.side, t.entity, t.metric, t.region_code, t.unit, t.period_start, t.period_end, t.kind,
            t.policy, f.grain
        order by f.period_start
    )
),

tilings as (
    select
        side,
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
        any_value(weight_metric) as weight_metric,
        component_grain,
        any_value(component_rank) as component_rank,
        count(*)::bigint as components,
        bool_and(coalesce(component_start = previous_end + 1, component_start = period_start))
            and max(component_end) = any_value(period_end) as is_complete,
        sum(value order by component_start) as sum_value,
        sum(value_low order by component_start) as sum_low,
        sum(value_high order by component_start) as sum_high,
        avg(value order by component_start) as mean_value,
        avg(value_low order by component_start) as mean_low,
        avg(value_high order by component_start) as mean_high,
        -- sums and means in period order (the same figures give the same last digit on every build);
        -- weighted by the weight metric when every component has a positive weight
        bool_and(coalesce(weight > 0, false)) as all_weighted,
        sum(value * weight order by component_start)
            / nullif(sum(weight order by component_start), 0) as weighted_value,
        sum(value_low * weight order by component_start)
            / nullif(sum(weight order by component_start), 0) as weighted_low,
        sum(value_high * weight order by component_start)
            / nullif(sum(weight order by component_start), 0) as weighted_high,
        sum(value_native * weight order by component_start)
            / nullif(sum(weight order by component_start), 0) as weighted_native,
        arg_max(value, component_start) as last_value,
        arg_max(value_low, component_start) as last_low,
        arg_max(value_high, component_start) as last_high,
        sum(value_native order by component_start) as sum_native,
        avg(value_native order by component_start) as mean_native,
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
        bool_and(figure_kind = 'actual') as all_actual,
        max(as_of) as as_of,
        string_agg(distinct source_id, ',' order by source_id) as source_id,
        list(figure_id order by component_start) as component_figure_ids,
        -- the components' one dataset (their ids are scoped to it), else null
        case when count(distinct dataset) = 1 then min(dataset) end as dataset
    from components
    group by side, entity, metric, region_code, unit, period_start, period_end, kind, policy, component_grain
),

chosen as (
    select *
    from tilings
    where is_complete
    qualify row_number() over (
        partition by side, entity, metric, region_code, unit, period_start, period_end, kind, policy
        order by component_rank desc
    ) = 1
),

final as (
    select
        c.side,
        c.entity,
        c.metric,
        c.region_code,
        c.unit,
        c.period,
        c.grain,
        c.period_start,
        c.period_end,
        c.kind,
        c.policy,
        case
            when c.aggregation = 'sum' then c.sum_value
            when c.aggregation = 'mean' and c.all_weighted then c.weighted_value
            when c.aggregation = 'mean' then c.mean_value
            else c.last_value
        end as value,
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
        case
            when c.aggregation = 'last' then c.last_bound
            when c.all_exact then 'exact'
            when c.all_at_most then 'at_most'
            when c.all_at_least then 'at_least'
            else 'approx'
        end as bound,
        c.all_actual,
        c.as_of,
        c.source_id,
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
        end as basis,
        c.dataset
    from chosen as c
    inner join grains as g on g.grain = c.component_grain
)

select * from final
