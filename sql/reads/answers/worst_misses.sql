-- The largest misses of the expectations (expectation_errors) for one actual vintage, with their sources: the
-- Track record page's table. Parameters: actual_vintage, the number of rows.
with source_pages as (
    select source_id, any_value(title) as title, any_value(url) as url from sources group by source_id
)

select e.publisher, e.expectation_kind, e.entity, e.metric, e.region_code, e.period, e.as_of, e.horizon_band,
       e.expectation, e.actual, e.unit, e.error_pct, e.error, e.figure_id, e.source_id, s.title, s.url
from expectation_errors as e
left join source_pages as s using (source_id)
where e.actual_vintage = ?
order by coalesce(abs(e.error_pct), 0) desc, abs(e.error) desc
limit ?
