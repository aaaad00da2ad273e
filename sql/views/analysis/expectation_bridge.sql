-- The bridge from the original expectation to the actual (docs/warehouse.md, "Bridge"): for each entity,
-- metric, region, period and expectation kind with a comparison (actual_vs_expectation, latest actual; policy
-- 'when_reported', the last expectation before the result, else 'latest'), the steps of a waterfall:
--   'original'    the first vintage (a level);
--   'revision'    each later vintage up to the one compared, by how much it moved ("the target moved"), who
--                 published it and when;
--   'fx_effect'   the exchange-rate effect where the actual is restated at the expectation's rate;
--   'gap'         the actual (at the expectation's rate) against the last expectation ("the business missed");
--                 for a region with direct child regions compared under the same kind and policy, instead one
--                 'child_gap' step per child (largest first) and an 'unallocated' step (the parent's gap minus
--                 the children's), so the steps always add up;
--   'actual'      the actual at its own rates (a level).
-- Values in the base unit (USD, count, %, minutes): step_value is the step's change (the level for 'original' and
-- 'actual'), running_total the level after it; the last running_total equals the actual exactly.
-- Columns: entity, metric, region_code, period, period_start, period_end, expectation_kind, policy, unit,
-- step_order, step, label, region_step (the child region of a child_gap), step_value, running_total, as_of,
-- source_id, publisher, figure_id, dataset (the one the step's source and figure ids are scoped to).
create or replace view expectation_bridge as

with comparisons as (
    select * replace (
        actual * to_base as actual, actual_at_own_rates * to_base as actual_at_own_rates,
        fx_effect * to_base as fx_effect, expectation * to_base as expectation, variance * to_base as variance
    )
    from actual_vs_expectation
    where actual_vintage = 'latest' and policy in ('when_reported', 'latest')
    qualify row_number() over (
        partition by entity, metric, region_code, period_start, period_end, expectation_kind
        order by policy = 'when_reported' desc
    ) = 1
),

vintages as (
    select * from expectation_revisions
),

lineage as (
    select * from region_lineage
),

sources as (
    select * from cited_sources
),

compared_vintage as (
    select c.*, v.vintage as last_vintage
    from comparisons as c
    left join vintages as v
        on  v.figure_id = c.expectation_figure_id
        and v.dataset = c.expectation_dataset
        and v.entity = c.entity
        and v.metric = c.metric
        and v.region_code = c.region_code
        and v.period_start = c.period_start
        and v.period_end = c.period_end
        and v.kind = c.expectation_kind
),

expectation_steps as (
    select
        c.entity, c.metric, c.region_code, c.period, c.period_start, c.period_end, c.expectation_kind, c.policy,
        c.base_unit as unit,
        v.vintage as step_order,
        case when v.vintage = 1 then 'original' else 'revision' end as step,
        case
            when v.vintage = 1 then 'first ' || c.expectation_kind
            when v.change < 0 then 'cut'
            when v.change > 0 then 'raised'
            else 'confirmed'
        end || coalesce(' by ' || s.publisher, '') || coalesce(' (' || strftime(v.as_of, '%Y-%m-%d') || ')', '')
            as label,
        null::varchar as region_step,
        case when v.vintage = 1 then v.value else v.change end as step_value,
        v.as_of,
        v.source_id,
        s.publisher,
        v.figure_id,
        v.dataset
    from compared_vintage as c
    inner join vintages as v
        on  v.entity = c.entity
        and v.metric = c.metric
        and v.region_code = c.region_code
        and v.period_start = c.period_start
        and v.period_end = c.period_end
        and v.kind = c.expectation_kind
        and v.vintage <= coalesce(c.last_vintage, 1)
    left join sources as s on s.dataset = v.dataset and s.source_id = v.source_id
    where c.last_vintage is not null
),

children as (
    select
        p.entity, p.metric, p.region_code, p.period_start, p.period_end, p.expectation_kind,
        k.region_code as child_code, k.region_name as child_name, k.variance * k.to_base as child_gap,
        k.actual_source_id,
        k.actual_dataset
    from compared_vintage as p
    inner join lineage as l on l.ancestor_code = p.region_code and l.distance = 1
    inner join actual_vs_expectation as k
        on  k.entity = p.entity
        and k.metric = p.metric
        and k.region_code = l.descendant_code
        and k.period_start = p.period_start
        and k.period_end = p.period_end
        and k.expectation_kind = p.expectation_kind
        and k.policy = p.policy
        and k.actual_vintage = 'latest'
),

child_totals as (
    select entity, metric, region_code, period_start, period_end, expectation_kind, sum(child_gap) as allocated
    from children
    group by all
),

closing_steps as (
    -- the exchange-rate effect, the gap (or the children's gaps and the unallocated rest), the actual
    select
        c.entity, c.metric, c.region_code, c.period, c.period_start, c.period_end, c.expectation_kind, c.policy,
        c.base_unit as unit, 1000 as step_order, 'fx_effect' as step, 'exchange-rate effect' as label,
        null::varchar as region_step, c.fx_effect as step_value, null::date as as_of, null::varchar as source_id,
        null::varchar as publisher, null::varchar as figure_id, null::varchar as dataset
    from compared_vintage as c
    where c.last_vintage is not null and coalesce(c.fx_effect, 0) <> 0
    union all
    select
        c.entity, c.metric, c.region_code, c.period, c.period_start, c.period_end, c.expectation_kind, c.policy,
        c.base_unit, 2000, 'gap', case when c.variance < 0 then 'missed' else 'beat' end || ' the last '
        || c.expectation_kind, null, c.variance, c.actual_as_of, c.actual_source_id, null, c.actual_figure_id,
        c.actual_dataset
    from compared_vintage as c
    anti join child_totals as t using (entity, metric, region_code, period_start, period_end, expectation_kind)
    where c.last_vintage is not null
    union all
    select
        c.entity, c.metric, c.region_code, c.period, c.period_start, c.period_end, c.expectation_kind, c.policy,
        c.base_unit,
        2000 + row_number() over (
            partition by c.entity, c.metric, c.region_code, c.period_start, c.period_end, c.expectation_kind
            order by abs(k.child_gap) desc, k.child_code
        ),
        'child_gap', k.child_name || ' ' || case when k.child_gap < 0 then 'missed' else 'beat' end,
        k.child_code, k.child_gap, null, k.actual_source_id, null, null, k.actual_dataset
    from compared_vintage as c
    inner join children as k using (entity, metric, region_code, period_start, period_end, expectation_kind)
    where c.last_vintage is not null
    union all
    select
        c.entity, c.metric, c.region_code, c.period, c.period_start, c.period_end, c.expectation_kind, c.policy,
        c.base_unit, 2999, 'unallocated', 'other and unallocated', null, c.variance - t.allocated, null, null,
        null, null, null
    from compared_vintage as c
    inner join child_totals as t using (entity, metric, region_code, period_start, period_end, expectation_kind)
    where c.last_vintage is not null
    union all
    select
        c.entity, c.metric, c.region_code, c.period, c.period_start, c.period_end, c.expectation_kind, c.policy,
        c.base_unit, 3000, 'actual', 'actual', null, c.actual_at_own_rates, c.actual_as_of, c.actual_source_id,
        null, c.actual_figure_id, c.actual_dataset
    from compared_vintage as c
    where c.last_vintage is not null
),

steps as (
    select * from expectation_steps
    union all by name
    select * from closing_steps
),

final as (
    select
        * exclude (dataset),
        case
            when step = 'actual' then step_value
            else sum(step_value) over (
                partition by entity, metric, region_code, period_start, period_end, expectation_kind
                order by step_order
                rows between unbounded preceding and current row
            )
        end as running_total,
        dataset
    from steps
    order by entity, metric, region_code, period_start, expectation_kind, step_order
)

select * from final
