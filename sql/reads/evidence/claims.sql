-- Qualitative claims (a direction, no number), newest first. Filter: entity and/or metric when given.
select entity, metric, region_code, region_name, period, kind, direction, as_of, source_id, publisher, url,
       note, has_numeric_comparison, figure_id
from qualitative_claims
where true /* filter */
order by as_of desc, entity asc, metric asc
