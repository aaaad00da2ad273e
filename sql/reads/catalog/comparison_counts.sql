-- How many comparisons each expectation kind has at each grain for one series, the input of the pages' one
-- default rule (dashboard/widgets.py `default_view`). A comparison is one region x period with both an actual
-- and an expectation, under any policy. Quarters count as the Scorecard shows them: reported, rolled up or
-- summed from months (serve_quarter_comparisons); the other grains as reported (serve_comparisons).
-- Parameters: entity, metric (twice). Columns: kind, grain, comparisons (bigint).
select
    expectation_kind as kind,
    grain,
    count(distinct row(region_code, period_start, period_end))::bigint as comparisons
from serve_comparisons
where entity = ? and metric = ? and grain <> 'quarter'
group by all
union all
select
    expectation_kind as kind,
    'quarter' as grain,
    count(distinct row(region_code, period_start, period_end))::bigint as comparisons
from serve_quarter_comparisons
where entity = ? and metric = ?
group by all
