-- blocking: false
-- description: no two vintages of the same expectation share an as_of date with different values (their order would be ambiguous)
-- One row per expectation and as_of date with more than one value: the series, period, kind, as_of, values.
select entity, metric, region_code, period_start, period_end, kind, as_of, count(distinct value) as values
from figures
where is_expectation and value is not null
group by all
having count(distinct value) > 1
