-- Regions with numeric figures for one entity and metric (the region picker). Parameters: entity, metric.
-- Columns: region_code, depth (0 for WORLD), figures (numeric figures of every kind).
select c.region_code, r.depth, sum(c.numeric_figures)::bigint as figures
from figure_counts as c
inner join regions as r on r.region_code = c.region_code
where c.entity = ? and c.metric = ? and c.numeric_figures > 0
group by c.region_code, r.depth
order by c.region_code
