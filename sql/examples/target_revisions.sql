-- How was each target or guidance revised over time, and by how much each time?
select
    entity,
    metric,
    region_code,
    period,
    kind,
    vintage,
    vintages,
    as_of,
    value,
    previous_value,
    change,
    round(change_pct * 100, 1) as change_pct,
    source_id
from expectation_revisions
where vintages > 1
order by entity, metric, region_code, period_start, kind, vintage
