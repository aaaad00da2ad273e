-- How each metric combines over time (docs/warehouse.md, "Rollups"): one row per metric.
-- aggregation: the metric's declared `aggregation` when set, else the default from `additive` and `unit_kind`:
--   additive                      -> 'sum'   (money and counts that add up: revenue, orders)
--   unit_kind 'percent' / 'ratio' / 'duration' -> 'mean'  (rates, shares, prices, response times)
--   unit_kind 'count'             -> 'last'  (stocks at a point in time: users, headcount)
--   otherwise (non-additive money)-> 'none'  (per-share amounts, run-rates: EPS is never combined)
-- This view is the only place the default is decided. aggregation_declared says whether the metric set it.
-- weight_metric: the metric whose actuals weight a rolled-up mean (metrics.weight_metric), null = unweighted.
create or replace view metric_aggregations as

with metrics as (
    select * from metrics
),

final as (
    select
        metric,
        coalesce(
            aggregation,
            case
                when additive then 'sum'
                when unit_kind in ('percent', 'ratio', 'duration') then 'mean'
                when unit_kind = 'count' then 'last'
                else 'none'
            end
        ) as aggregation,
        aggregation is not null as aggregation_declared,
        higher_is_better,
        weight_metric
    from metrics
)

select * from final
