-- The widest disagreements between sources, each source's figure as JSON (values_json).
-- Parameters: limit; filter: entity and/or metric, and spread_pct at least the cut (disagreement_cut).
select * exclude (values), to_json(values)::varchar as values_json
from (
    select entity, metric, region_code, period, kind_group, unit, figures, sources, min_value, max_value,
           spread, spread_pct, source_ids, figure_ids, values
    from source_disagreement
    where true /* filter */
    order by
        spread_pct desc nulls last, spread desc, entity asc, metric asc, region_code asc, period asc, kind_group asc
    limit ?
) as widest
order by spread_pct desc nulls last, spread desc, entity asc, metric asc, region_code asc, period asc, kind_group asc
