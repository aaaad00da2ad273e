-- Every disagreement of a selection, widest first, for its CSV download. Filter: entity and/or metric.
select entity, metric, region_code, period, kind_group, unit, figures, sources, min_value, max_value, spread,
       spread_pct, source_ids, figure_ids
from source_disagreement
where true /* filter */
order by spread_pct desc nulls last
