-- Expectations of one business compared with nothing, with the reason in words: the Scorecard and Trends say
-- how many, so an empty shortfall list is never read as "no misses". Parameters: entity.
-- Columns: metric, region_code, period, kind, vintages, reason, expectation_figure_ids.
select metric, region_code, period, kind, vintages, reason, expectation_figure_ids
from unmatched_expectations
where entity = ?
order by metric, region_code, period_start, kind
