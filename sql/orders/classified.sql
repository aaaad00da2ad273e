-- Each grouped-scan row (order_groups: sql/orders/scan.sql's result, every materialised month) with what the
-- reference data says of it: the country's region path (country_paths: every country of the warehouse's
-- region tree, dataset regions included), the month's USD rate of its currency (month_rates: the same
-- rates as every figure, ECB overridden by the user's fx files; a month past a currency's last rate takes
-- its latest earlier month) and the reason its rows cannot count (first that applies): unknown_country,
-- unknown_currency, missing_status.
select
    g.*,
    p.path,
    r.usd_per_unit,
    strftime(r.rate_month, '%Y-%m') as rate_month,
    case
        when p.path is null then 'unknown_country'
        when r.usd_per_unit is null then 'unknown_currency'
        when g.status is null then 'missing_status'
    end as reason
from order_groups as g
left join country_paths as p on g.country = p.region_code
asof left join month_rates as r on g.currency = r.currency and strptime(g.month, '%Y-%m')::date >= r.rate_month
