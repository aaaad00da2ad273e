-- The region tree in path order. Parameters: none.
-- Columns: region_code, name, parent_code, level, depth (0 for WORLD), path ('WORLD/APAC/SEA/VN').
select region_code, name, parent_code, level, depth, path from regions order by path
