-- Which period comes before which, written once as macros (docs/warehouse.md, "Against the prior period"):
-- called by actual_vs_prior and expectation_errors. Arguments are the candidate prior period's start and end
-- and the period's start and end (dates, inclusive ends).
-- is_previous_period: the period of the same grain just before (it ends the day before the period starts:
-- quarter on quarter, month on month, week on week, a fiscal month on the one before).
-- prior_year_distance: how many days the candidate is off "the same period a year earlier" (the larger of its
-- start's and end's distance to the period's start and end a year back); same period a year earlier when
-- <= 7 (a 52/53-week year moves a retail period by up to a week; a calendar period is off by 0, a leap day 1).
create or replace macro is_previous_period(prior_start, prior_end, period_start, period_end) as
    prior_end = period_start - 1;

create or replace macro prior_year_distance(prior_start, prior_end, period_start, period_end) as
    greatest(
        abs(datediff('day', prior_start, (period_start - interval 1 year)::date)),
        abs(datediff('day', prior_end, (period_end - interval 1 year)::date))
    );
