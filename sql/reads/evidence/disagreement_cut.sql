-- The spread of the N-th widest disagreement between sources: the next read keeps the rows at least that wide
-- (a constant the scan filters on, skipping whole row groups) before it sorts them and makes JSON of them
-- (one top-N query over all the columns: 38 ms at 1M figures; the two: 2 + 10 ms).
-- Parameters: N - 1 (the offset); filter: entity and/or metric when given. Columns: spread_pct.
select spread_pct
from source_disagreement
where true /* filter */
order by spread_pct desc nulls last
limit 1 offset ?
