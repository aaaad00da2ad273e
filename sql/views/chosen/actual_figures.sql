-- The actual-side figure chosen per entity, metric, region and period, as it stands now: kind 'actual' beats
-- 'estimate', then the latest as_of (revisions win), then the highest figure_id (the rule: base/ranked_actuals).
-- A range is represented by its midpoint. Columns as ranked_actuals without its ranks.
create or replace view actual_figures as

select * exclude (rank_latest, rank_first_release)
from ranked_actuals
where rank_latest = 1
