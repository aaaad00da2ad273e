-- Where do sources report different numbers for the same thing, largest relative spread first?
select
    entity,
    metric,
    region_code,
    period,
    kind_group,
    figures,
    sources,
    min_value,
    max_value,
    round(spread_pct * 100, 1) as spread_pct,
    source_ids
from source_disagreement
order by spread_pct desc nulls last
