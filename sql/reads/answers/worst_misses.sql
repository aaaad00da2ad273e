-- The largest misses of the expectations (expectation_errors) for one actual vintage, with their sources: the
-- Track record page's table. Parameters: actual_vintage, the number of rows.
select e.publisher, e.expectation_kind, e.entity, e.metric, e.region_code, e.period, e.as_of, e.horizon_band,
       e.expectation, e.actual, e.unit, e.error_pct, e.error, e.figure_id, e.source_id, s.title, s.url
from expectation_errors as e
left join cited_sources as s on s.dataset = e.dataset and s.source_id = e.source_id
where e.actual_vintage = ?
order by coalesce(abs(e.error_pct), 0) desc, abs(e.error) desc
limit ?
