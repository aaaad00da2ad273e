-- The first published actual per entity, metric, region and period: what was known when the result first came
-- out, before any restatement (the rule: base/ranked_actuals; actual_figures takes the latest). Columns as
-- actual_figures (candidates: every actual-side figure of the series). actual_vs_expectation compares it as
-- actual_vintage = 'first_release': a forecast evaluation scores a forecast against the first release it
-- predicted.
create or replace view first_release_actuals as

select * exclude (rank_latest, rank_first_release)
from ranked_actuals
where rank_first_release = 1
