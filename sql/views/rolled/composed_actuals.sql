-- Actuals of a declared whole rolled up from its parts (docs/warehouse.md, "Declared hierarchies"): a region
-- or entity whose dataset declares what it is made of (table compositions, the `made_of` column of a regions
-- or entities file) gets an actual for an expectation period it has no actual for, when EVERY declared part
-- reports an actual for exactly that period and unit (nothing is assumed of parts that do not report).
-- Across parts: money, counts and stocks add up ('sum' and 'last' metrics: sum of the parts); rates ('mean')
-- take the mean weighted by the metric's weight_metric when every part has one, else the plain mean (basis
-- says 'unweighted'); 'none' metrics (EPS) are never combined. Regions first when both apply.
-- bound: 'exact' when every part is, else 'approx'; kind 'actual' when every part is one, else 'estimate';
-- as_of the latest part's; currency / value_native the parts' one currency and their sum in it (constant
-- currency against an expectation in that currency; else null: compared in USD at each part's own rates).
-- Grain: one row per (entity, metric, region_code, period_start, period_end, unit). Columns as actual_side of
-- actual_vs_expectation: entity, metric, region_code, period, grain, period_start, period_end, unit, value,
-- value_low, value_high (null), kind, bound, as_of, source_id (comma-joined), figure_id (null), currency,
-- value_native, figure_ids (the parts' figures), components, approximate_components, basis ('sum of 2
-- regions: CA, US'), dataset (the parts' one dataset, else null).
create or replace view composed_actuals as

with expectations as (
    select * from chosen_expectations
),

actuals as (
    select * from actual_figures
),

parts as (
    select * from compositions
),

aggregations as (
    select * from metric_aggregations
),

-- expectation periods of a declared whole with no actual reported for them, with the declaring dataset
wholes as (
    select distinct
        e.entity, e.metric, e.region_code, e.period, e.grain, e.period_start, e.period_end, e.unit, e.dataset
    from expectations as e
    anti join actuals as a
        on  a.entity = e.entity
        and a.metric = e.metric
        and a.region_code = e.region_code
        and a.period_start = e.period_start
        and a.period_end = e.period_end
        and a.unit is not distinct from e.unit
),

declared as (
    select w.*, 'region' as dimension, w.entity as part_entity, p.child as part_region, p.child as part
    from wholes as w
    inner join parts as p on p.dataset = w.dataset and p.dimension = 'region' and p.parent = w.region_code
    union all
    select w.*, 'entity' as dimension, p.child as part_entity, w.region_code as part_region, p.child as part
    from wholes as w
    inner join parts as p on p.dataset = w.dataset and p.dimension = 'entity' and p.parent = w.entity
),

components as (
    select
        d.*,
        m.aggregation,
        m.weight_metric,
        a.value,
        a.value_native,
        a.currency,
        a.bound,
        a.kind,
        a.as_of,
        a.source_id,
        a.figure_id,
        a.dataset as part_dataset,
        wt.value as weight
    from declared as d
    inner join aggregations as m on m.metric = d.metric and m.aggregation <> 'none'
    left join actuals as a
        on  a.entity = d.part_entity
        and a.metric = d.metric
        and a.region_code = d.part_region
        and a.period_start = d.period_start
        and a.period_end = d.period_end
        and a.unit is not distinct from d.unit
    left join actuals as wt
        on  m.weight_metric is not null
        and wt.entity = d.part_entity
        and wt.metric = m.weight_metric
        and wt.region_code = d.part_region
        and wt.period_start = d.period_start
        and wt.period_end = d.period_end
),

combined as (
    select
        entity, metric, region_code, period, grain, period_start, period_end, unit, dimension,
        any_value(aggregation) as aggregation,
        any_value(weight_metric) as weight_metric,
        count(*)::bigint as components,
        count(*) filter (where bound <> 'exact')::bigint as approximate_components,
        sum(value) as sum_value,
        avg(value) as mean_value,
        bool_and(coalesce(weight > 0, false)) as all_weighted,
        sum(value * weight) / nullif(sum(weight), 0) as weighted_value,
        case when count(distinct currency) = 1 and count(currency) = count(*) then min(currency) end as currency,
        sum(value_native) as sum_native,
        sum(value_native * weight) / nullif(sum(weight), 0) as weighted_native,
        avg(value_native) as mean_native,
        bool_and(bound = 'exact') as all_exact,
        bool_and(kind = 'actual') as all_actual,
        max(as_of) as as_of,
        string_agg(distinct source_id, ',' order by source_id) as source_id,
        list(figure_id order by part) as figure_ids,
        string_agg(part, ', ' order by part) as part_names,
        -- the parts' one dataset (their ids are scoped to it), else null
        case when count(distinct part_dataset) = 1 then min(part_dataset) end as dataset
    from components
    group by entity, metric, region_code, period, grain, period_start, period_end, unit, dimension
    having count(value) = count(*)  -- every declared part reports
    qualify row_number() over (
        partition by entity, metric, region_code, period_start, period_end, unit order by dimension desc
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
        unit,
        case
            when aggregation <> 'mean' then sum_value
            when all_weighted then weighted_value
            else mean_value
        end as value,
        null::double as value_low,
        null::double as value_high,
        case when all_actual then 'actual' else 'estimate' end as kind,
        case when all_exact then 'exact' else 'approx' end as bound,
        as_of,
        source_id,
        null::varchar as figure_id,
        currency,
        case when currency is not null then
            case
                when aggregation <> 'mean' then sum_native
                when all_weighted then weighted_native
                else mean_native
            end
        end as value_native,
        figure_ids,
        components,
        approximate_components,
        case
            when aggregation <> 'mean' then 'sum'
            when all_weighted then 'weighted mean'
            else 'unweighted mean'
        end || ' of ' || components || ' ' || case dimension when 'region' then 'regions' else 'entities' end
        || ': ' || part_names
        || case when aggregation = 'mean' and all_weighted then ' (by ' || weight_metric || ')' else '' end
            as basis,
        dataset
    from combined
)

select * from final
