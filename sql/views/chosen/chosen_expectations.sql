-- Each expectation group (entity, metric, region, period, kind) reduced to one vintage per policy:
-- 'at_period_end' = latest vintage with as_of <= period_end (no row when none), 'original' = earliest,
-- 'latest' = most recent; and each cut-off policy a dataset declares (expectation_policies, from its
-- dataset.toml `[policies] cutoff_days = [90]`): 'days_before_end_90' = latest vintage with as_of <= period_end
-- - 90 days, for that dataset's expectations only (no row when none is that old).
-- Ties on as_of: 'original' takes the lowest figure_id (then dataset), the others the highest.
-- dataset (the last column): the chosen figure's; its figure_id and source_id are scoped to it.
create or replace view chosen_expectations as

with figures as (
    select * from figures
),

expectations as (
    select
        *,
        range_midpoint(value, value_high) as value_mid
    from figures
    where is_expectation
      and value is not null
),

cutoffs as (
    select * from expectation_policies
),

numbered as (
    select
        *,
        count(*) over vintage_group as vintages,
        row_number() over (vintage_group order by as_of, figure_id, dataset) as rank_original,
        row_number() over (vintage_group order by as_of desc, figure_id desc, dataset desc) as rank_latest,
        row_number() over (
            partition by entity, metric, region_code, period_start, period_end, kind, as_of <= period_end
            order by as_of desc, figure_id desc, dataset desc
        ) as rank_before_end
    from expectations
    window vintage_group as (partition by entity, metric, region_code, period_start, period_end, kind)
),

ranked as (
    select *
    from numbered
    where rank_original = 1 or rank_latest = 1 or (rank_before_end = 1 and as_of <= period_end)
),

-- the dataset's own cut-off policies: the latest vintage known cutoff_days before the period ended
cut_off as (
    select c.policy, n.*
    from numbered as n
    inner join cutoffs as c on c.dataset = n.dataset
    where n.as_of <= n.period_end - c.cutoff_days
    qualify row_number() over (
        partition by c.policy, n.entity, n.metric, n.region_code, n.period_start, n.period_end, n.kind
        order by n.as_of desc, n.figure_id desc, n.dataset desc
    ) = 1
),

by_policy as (
    select 'at_period_end' as policy, * from ranked where rank_before_end = 1 and as_of <= period_end
    union all
    select 'original' as policy, * from ranked where rank_original = 1
    union all
    select 'latest' as policy, * from ranked where rank_latest = 1
    union all
    select * from cut_off
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
        kind,
        policy,
        value_mid as value,
        currency,
        figure_value_native(value_mid, fx_usd_per_unit) as value_native,  -- base/figure_values.sql
        case when value_high is not null then value end as value_low,
        value_high,
        bound,
        unit,
        unit_raw,  -- the unit as reported, and base units per one of it (base/figure_values.sql)
        figure_base_per_unit_raw(unit_scale, fx_usd_per_unit) as base_per_unit_raw,
        as_of,
        source_id,
        figure_id,
        vintages::bigint as vintages,
        dataset
    from by_policy
)

select * from final
