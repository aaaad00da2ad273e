-- Direction-only claims ("revenue fell short of the target") with their source; no number is invented.
-- has_numeric_comparison: actual_vs_expectation also compares numbers for that entity, metric, region, period.
create or replace view qualitative_claims as

with figures as (
    select * from figures
),

sources as (
    select * from sources
),

regions as (
    select * from regions
),

compared_periods as (
    select distinct entity, metric, region_code, period_start, period_end
    from actual_vs_expectation
    where actual_vintage = 'latest'
),

claims as (
    select *
    from figures
    where value is null
      and direction is not null
),

final as (
    select
        c.entity,
        c.metric,
        c.region_code,
        r.name as region_name,
        c.period,
        c.period_start,
        c.period_end,
        c.kind,
        c.direction,
        c.as_of,
        c.source_id,
        s.publisher,
        s.url,
        c.note,
        p.entity is not null as has_numeric_comparison,
        c.figure_id
    from claims as c
    left join regions as r on r.region_code = c.region_code
    left join sources as s on s.source_id = c.source_id and s.dataset in (c.dataset, '_reference')
    left join compared_periods as p
        on  p.entity = c.entity
        and p.metric = c.metric
        and p.region_code = c.region_code
        and p.period_start = c.period_start
        and p.period_end = c.period_end
)

select * from final
