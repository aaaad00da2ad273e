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
        f.currency,
        unnest(generate_series(date_trunc('month', f.period_start), f.period_end, interval 1 month))::date
            as month
    from figures as f
    where f.currency is not null and f.currency <> 'USD'
),

final as (
    select
        r.currency,
        r.source,
        min(r.month) as first_month,
        max(r.month) as last_month,
        count(*)::bigint as months,
        min(r.usd_per_unit) as usd_per_unit_min,
        max(r.usd_per_unit) as usd_per_unit_max
    from fx_rates as r
    inner join months_used as m on r.currency = m.currency and r.month = m.month
    group by r.currency, r.source
)

select * from final
order by currency, first_month
