-- Which expectation kind stands for a period when it has several, written once: the lowest preference wins
-- (a company's own target before its guidance and budget, then the analysts' consensus, then projections).
-- Read by sql/views/analysis/event_windows.sql and by pipelines/effects/reads.py (through
-- pipelines/warehouse/rules.py). Grain: one row per expectation kind (pipelines/ingest/vocabulary.py).
create or replace view expectation_preference as
select * from (values
    ('target', 1),
    ('guidance', 2),
    ('budget', 3),
    ('consensus', 4),
    ('projection', 5)
) as t(expectation_kind, preference)
order by preference
