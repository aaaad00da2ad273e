-- Quarter by quarter, how did each region do against its projection (reported quarters or summed months)?
select
    entity,
    metric,
    region_level,
    region_name,
    quarter,
    expectation_kind,
    actual,
    expectation,
    variance,
    round(variance_pct * 100, 1) as variance_pct,
    direction,
    basis
from variance_by_region_quarter
where policy = 'at_period_end'
order by entity, metric, quarter, region_level, region_name
