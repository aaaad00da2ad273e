-- The period grains, written once, from finest to coarsest: rank orders them (a component of a rollup has a
-- lower rank than the period it fills; pickers list grains in this order), unit_label names a count of them,
-- months_per_period turns dates into period positions, and window_k is the event window's size (k periods
-- each side of the period containing an event; docs/event-impact.md). Edit the values here to change a
-- window. 'span' (an arbitrary run of months, e.g. '2024-01..2024-05') is the coarsest and is never a
-- component: spans may overlap. 'week' is a week of an entity's retail calendar (FY2012-W01, or a 7-day span
-- aligned to its weeks; pipelines/normalise/retail_calendar.py): weeks tile its fiscal months, quarters and
-- years. 'day', 'week' and 'span' have no event window (null months_per_period, window_k).
-- Used by actual_rollups, expectation_rollups, pacing and event_windows, and by Python through
-- pipelines/warehouse/rules.py. Grain: one row per grain.
-- Columns: grain varchar, grain_rank integer (1 = day ... 7 = span), unit_label varchar (plural, for 'sum of
-- 12 months'), months_per_period integer, window_k integer.
create or replace view grain_order as

select * from (values
    ('day', 1, 'days', null, null),
    ('week', 2, 'weeks', null, null),
    ('month', 3, 'months', 1, 6),
    ('quarter', 4, 'quarters', 3, 4),
    ('half', 5, 'halves', 6, 2),
    ('year', 6, 'years', 12, 2),
    ('span', 7, 'spans', null, null)
) as t(grain, grain_rank, unit_label, months_per_period, window_k)
order by grain_rank
