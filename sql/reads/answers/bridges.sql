-- The series that have a bridge (expectation_bridge), for the Bridge page's pickers: one row per entity, metric,
-- region, period and expectation kind, with the region's name, latest periods first.
select b.entity, b.metric, b.region_code, coalesce(r.name, b.region_code) as region_name, b.period,
       b.period_start, b.expectation_kind, count(*) as steps
from expectation_bridge as b
left join regions as r using (region_code)
group by all
order by b.entity asc, b.metric asc, b.period_start desc, b.region_code asc, b.expectation_kind asc
