-- How did each year do against the year before, next to how it did against the plan?
select
    p.entity,
    p.metric,
    p.region_code,
    p.period,
    p.prior_period,
    p.actual,
    p.prior_actual,
    round(p.change_pct * 100, 1) as change_pct,
    p.favourable as better_than_last_year,
    round(e.variance_pct * 100, 1) as vs_plan_pct,
    e.favourable as better_than_plan
from actual_vs_prior as p
left join actual_vs_expectation as e
    on  e.entity = p.entity
    and e.metric = p.metric
    and e.region_code = p.region_code
    and e.period_start = p.period_start
    and e.period_end = p.period_end
    and e.is_default_policy
    and e.actual_vintage = 'latest'
where p.comparison = 'prior_year'
order by p.entity, p.metric, p.region_code, p.period_start
