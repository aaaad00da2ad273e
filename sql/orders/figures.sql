-- The GMV definitions, once: actual gmv, net_gmv and orders per month, entity and region (every country and
-- every region above it in the region tree: a region's value is the sum of its countries), in the columns
-- of the warehouse's `figures` table (sql/tables/figures.sql). Reads sql/orders/classified.sql's rows.
--   gmv:     order value in USD, gross of refunds, excluding cancelled orders;
--   net_gmv: gmv excluding refunded orders too;
--   orders:  number of orders excluding cancelled ones.
-- Statuses other than cancelled and refunded (completed, shipped, ...) count in all three. Money is
-- converted at the month's rate of the order's currency (usd_per_unit) and kept as a double throughout.
-- Parameters: $dataset, $source_id, $note (the figures' note), $file_prefix, $file_suffix (a month's `file`:
-- $file_prefix || 'YYYY-MM' || $file_suffix, the grouped-scan file the month's figures come from).
with valid as (
    select
        month,
        entity,
        path,
        status,
        rows_valid,
        amount * usd_per_unit as amount_usd
    from classified_groups
    where reason is null and rows_valid > 0
),

by_region as (
    select
        month,
        entity,
        unnest(string_split(path, '/')) as region,
        status,
        rows_valid,
        amount_usd
    from valid
),

totals as (
    select
        month,
        entity,
        region,
        coalesce(sum(amount_usd) filter (where status <> 'cancelled'), 0) as gmv,
        coalesce(sum(amount_usd) filter (where status not in ('cancelled', 'refunded')), 0) as net_gmv,
        coalesce(sum(rows_valid) filter (where status <> 'cancelled'), 0)::double as orders
    from by_region
    group by month, entity, region
),

long as (
    unpivot totals on gmv, net_gmv, orders into name metric value value
),

dated as (
    select
        *,
        strptime(month, '%Y-%m')::date as period_start,
        metric <> 'orders' as is_money,
        round(value, 2) as rounded
    from long
)

select
    'orders:' || entity || ':' || metric || ':' || region || ':' || month as figure_id,
    $dataset::varchar as dataset,
    entity,
    metric,
    region as region_code,
    month as period,
    'month' as grain,
    period_start,
    (period_start + interval 1 month - interval 1 day)::date as period_end,
    'actual' as kind,
    false as is_expectation,
    rounded as value,
    null::double as value_high,
    'exact' as bound,
    case when is_money then 'USD' else 'count' end as unit,
    null::varchar as direction,
    (period_start + interval 1 month)::date as as_of,
    'day' as as_of_precision,
    $source_id::varchar as source_id,
    $note::varchar as note,
    rounded as value_raw,
    null::double as value_high_raw,
    case when is_money then 'USD' else 'count' end as unit_raw,
    case when is_money then 'USD' end as currency,
    case when is_money then 1.0 end as fx_usd_per_unit,
    $file_prefix || month || $file_suffix as file,
    row_number() over (partition by month order by entity, metric, region)::integer as row_number,
    null::varchar as origin,
    1.0 as unit_scale
from dated
order by period, entity, metric, region_code
