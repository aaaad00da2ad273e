-- The grains at which each expectation kind, and the actuals ('actual'), exist for one series: the Trends
-- page's default kind is one drawn at the grain it shows. Parameters: entity, metric (twice).
-- Columns: kind, grain.
select kind, grain from serve_vintages where entity = ? and metric = ? group by all
union all
select 'actual' as kind, grain from serve_actuals where entity = ? and metric = ? group by all
