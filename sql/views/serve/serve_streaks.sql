-- The Scorecard's shortfall streaks (shortfall_streaks) with the region's name.
-- Grain: one row per streak: entity x metric x expectation_kind x policy x grain x region x streak_start.
-- Columns: the series keys, region_code, region_name, grain, first_period, last_period, streak_start,
-- streak_end, length (periods), cumulative_shortfall (base unit, as shortfall_streaks), is_current.
-- Stored sorted by (entity, metric, expectation_kind, policy, grain, length desc, cumulative_shortfall desc).
create or replace view serve_streaks as

with streaks as (
    select * from shortfall_streaks
),

regions as (
    select * from regions
),

final as (
    select
        s.entity,
        s.metric,
        s.expectation_kind,
        s.policy,
        s.region_code,
        r.name as region_name,
        s.grain,
        s.first_period,
        s.last_period,
        s.streak_start,
        s.streak_end,
        s.length,
        s.cumulative_shortfall,
        s.is_current
    from streaks as s
    inner join regions as r on r.region_code = s.region_code
)

select * from final
order by entity asc, metric asc, expectation_kind asc, policy asc, grain asc, length desc, cumulative_shortfall desc
