-- Per month: rows in, rows aggregated (inside the month, finite amount, known country, currency, status and
-- entity) and the rate month each currency got (a list of {currency, rate_month}).
select
    month,
    coalesce(sum(rows_in), 0)::bigint as rows_in,
    coalesce(sum(rows_valid) filter (where reason is null), 0)::bigint as rows_aggregated,
    list(distinct {'currency': currency, 'rate_month': rate_month}) filter (where reason is null) as fx_months
from classified_groups
group by month
order by month
