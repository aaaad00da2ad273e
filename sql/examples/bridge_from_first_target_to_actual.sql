-- From the first target to the actual: how much did the target move, and how much did the business miss by?
-- (US TikTok Shop GMV 2024: 17.5 bn, cut to 17 and 15.5, then 7 bn short: 8.5 bn)
select step_order, step, label, round(step_value / 1e9, 2) as step_usd_bn,
       round(running_total / 1e9, 2) as total_usd_bn, publisher, as_of
from expectation_bridge
where entity = 'TikTok Shop' and metric = 'gmv' and region_code = 'US' and period = '2024'
  and expectation_kind = 'target'
order by step_order
