-- The exchange rates behind the figures' USD values, with who published them: one row per currency and
-- source, over the months of the figures in that currency. Rates come from the bundled ECB reference rates or
-- from a rates file the user brings (fx*.csv, which wins for its currency and months; docs/data-formats.md).
-- Grain: currency x source. usd_per_unit_min/max: the range of the monthly rates used (USD per unit).
create or replace view fx_rates_used as

with figures as (
    select * from figures
),

fx_rates as (
    select * from fx_rates
),

months_used as (
    select distinct
        f.dataset,
        f.currency,
        unnest(generate_series(date_trunc('month', f.period_start), f.period_end, interval 1 month))::date
            as month
    from figures as f
    where f.currency is not null and f.currency <> 'USD'
),

chosen as (
    select
        m.currency,
        m.month,
        coalesce(own.usd_per_unit, shared.usd_per_unit) as usd_per_unit,
        coalesce(own.source, shared.source) as source
    from months_used as m
    left join fx_rates as own
        on own.dataset = m.dataset and own.currency = m.currency and own.month = m.month
    left join fx_rates as shared
        on shared.dataset = '_reference' and shared.currency = m.currency and shared.month = m.month
    where coalesce(own.usd_per_unit, shared.usd_per_unit) is not null
),

final as (
    select
        currency,
        source,
        min(month) as first_month,
        max(month) as last_month,
        count(distinct month)::bigint as months,
        min(usd_per_unit) as usd_per_unit_min,
        max(usd_per_unit) as usd_per_unit_max
    from chosen
    group by currency, source
)

select * from final
order by currency, first_month
