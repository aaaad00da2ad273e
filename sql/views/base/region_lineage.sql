-- Region containment, written once: one row per (ancestor, descendant) pair of regions, every region being
-- its own ancestor at distance 0. The rule: B contains A when A's path is B's path or starts with it plus
-- '/' (regions.path is 'WORLD/APAC/SEA/VN', built from parent_code by pipelines/normalise/regions.py).
-- Use it for every containment test, in SQL and in Python (pipelines/warehouse/rules.py):
--   "A is in B"            exists a row (ancestor_code = B, descendant_code = A)
--   "A and B are related"  exists a row either way (one contains the other, or they are the same)
-- Grain: one row per pair. Columns: ancestor_code, descendant_code, distance (levels from the ancestor down
-- to the descendant, 0 for the region itself), ancestor_depth (0 for WORLD). Reads regions.region_code and
-- regions.path only, so Python can apply it to a small regions frame (rules.lineage_pairs).
create or replace view region_lineage as
select
    a.region_code as ancestor_code,
    d.region_code as descendant_code,
    len(string_split(d.path, '/')) - len(string_split(a.path, '/')) as distance,
    len(string_split(a.path, '/')) - 1 as ancestor_depth
from regions as d
inner join regions as a on a.path = d.path or starts_with(d.path, a.path || '/')
order by ancestor_code, descendant_code
