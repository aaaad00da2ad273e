-- Every figure with its region's name and its source, for the evidence page.
create or replace view figure_evidence as

with figures as (
    select * from figures
),

sources as (
    select * from sources
),

regions as (
    select * from regions
),

final as (
    select
        f.*,
        r.name as region_name,
        s.publisher,
        s.title,
        s.url,
        s.published_on,
        s.originally_reported_by,
        s.reliability
    from figures as f
    left join regions as r on r.region_code = f.region_code
    left join sources as s on s.dataset = f.source_dataset and s.source_id = f.source_id
)

select * from final
