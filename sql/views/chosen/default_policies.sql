-- The default vintage policy per expectation kind: the ONE place it is chosen (docs/warehouse.md, "Policies").
-- The dashboard's default view, the streak and large-miss alerts and event windows use it; a user can pick
-- any policy. Analyst consensus is fixed on the report date, after the period ends, so only 'when_reported'
-- (the latest vintage known when the actual came out) compares it; plans (target, budget), company guidance
-- and projections are judged by what was expected by the period's end.
-- Columns: expectation_kind varchar, default_policy varchar, reason varchar.
create or replace view default_policies as

select * from (values
    ('consensus', 'when_reported', 'consensus is set on the report date, after the period ends'),
    ('target', 'at_period_end', 'a plan is judged by what was expected by the period''s end'),
    ('budget', 'at_period_end', 'a plan is judged by what was expected by the period''s end'),
    ('guidance', 'at_period_end', 'guidance is judged by what was expected by the period''s end'),
    ('projection', 'at_period_end', 'a projection is judged by what was expected by the period''s end')
) as t(expectation_kind, default_policy, reason)
