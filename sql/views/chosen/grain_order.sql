-- The period grains from finest to coarsest: rank orders them (a component of a rollup has a lower rank than
-- the period it fills). 'span' (an arbitrary run of months, e.g. '2024-01..2024-05') is the coarsest and is
-- never a component: spans may overlap. Used by actual_rollups, expectation_rollups and pacing.
-- Columns: grain varchar, grain_rank integer (1 = day ... 6 = span), unit_label varchar (plural, for 'sum of 12 months').
create or replace view grain_order as

select * from (values
    ('day', 1, 'days'),
    ('month', 2, 'months'),
    ('quarter', 3, 'quarters'),
    ('half', 4, 'halves'),
    ('year', 5, 'years'),
    ('span', 6, 'spans')
) as t(grain, grain_rank, unit_label)
