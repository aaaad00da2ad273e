-- Which qualitative claims ("fell short of targets") have no numeric comparison to back them?
select
    entity,
    metric,
    region_name,
    period,
    kind,
    direction,
    as_of,
    publisher,
    url,
    note
from qualitative_claims
where not has_numeric_comparison
order by as_of desc
