-- How does each actual compare with the original target and with the latest (revised) one?
select
    original.entity,
    original.metric,
    original.region_code,
    original.period,
    original.actual,
    original.expectation as original_target,
    original.unit,  -- each comparison is in its expectation's unit as reported
    latest.expectation as latest_target,
    latest.unit as latest_unit,
    round(original.attainment * 100, 1) as attainment_vs_original_pct,
    round(latest.attainment * 100, 1) as attainment_vs_latest_pct,
    latest.vintages
from actual_vs_expectation as original
inner join actual_vs_expectation as latest
    using (entity, metric, region_code, period_start, period_end, expectation_kind)
where original.policy = 'original'
  and original.actual_vintage = 'latest' and latest.actual_vintage = 'latest'
  and latest.policy = 'latest'
  and original.expectation_kind = 'target'
order by original.entity, original.metric, original.region_code, original.period_start
