-- Revised expectations: each later vintage of an expectation with the value it replaced (expectation_revisions,
-- vintage > 1), latest revisions first; a revision is not a disagreement between sources (issue 23).
-- Parameters: limit; filter: entity and/or metric. Columns: entity, metric, region_code, period, kind,
-- vintage, vintages, previous_value, value, change, change_pct, unit, previous_as_of, as_of, source_id, figure_id.
select entity, metric, region_code, period, kind, vintage, vintages, previous_value, value, change, change_pct,
    unit, previous_as_of, as_of, source_id, figure_id
from expectation_revisions
where vintage > 1 and true /* filter */
order by as_of desc, entity, metric, region_code, period_start, kind, figure_id
limit ?
