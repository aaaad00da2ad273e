-- The fiscal periods of every entity that keeps a retail calendar (entities.calendar: 52/53-week years of 4-4-5,
-- 4-5-4 or 5-4-4 weeks; pipelines/normalise/retail_calendar.py, from pandas' FY5253 offsets), for the fiscal
-- years from the one before its first figure to the one after its last (pipelines/warehouse/fiscal_periods.py).
-- Views read it where a period's neighbour must follow the calendar rather than the months: a growth target's
-- prior year or quarter (rollup_tilings' growth_periods; FY2024's prior is the 53 weeks of FY2023, not the 52
-- weeks before). Grain: one row per entity x fiscal year x grain x position.
create or replace table fiscal_periods (
    entity        varchar not null,  -- as in entities
    fiscal_year   integer not null,  -- its label's year: 2012 for FY2012
    grain         varchar not null,  -- 'year' | 'half' | 'quarter' | 'month'
    position      integer not null,  -- 1-based within the year (quarter 1..4, month 1..12; 1 for the year)
    period        varchar not null,  -- its label: 'FY2012', 'FY2012-H1', 'FY2012-Q1', 'FY2012-M01'
    period_start  date not null,
    period_end    date not null,     -- inclusive
    weeks         integer not null   -- whole weeks in it (a 53-week year's extra week falls in Q4's last month)
);
