-- The periodic grains, written once: their order (finest first: the grain an effect is estimated on when a
-- series exists at several, and the order pickers list them in), their length in months, and the event
-- window's size (k periods each side of the period containing an event; docs/event-impact.md). Edit the
-- values here to change a window: sql/views/analysis/event_windows.sql and the Python in
-- pipelines/effects/ and dashboard/ read this view (through pipelines/warehouse/rules.py).
-- Grains not listed ('day', 'span') have no window. Grain: one row per grain.
create or replace view grains as
select * from (values
    ('month', 1, 1, 6),
    ('quarter', 2, 3, 4),
    ('half', 3, 6, 2),
    ('year', 4, 12, 2)
) as t(grain, grain_rank, months_per_period, window_k)
order by grain_rank
