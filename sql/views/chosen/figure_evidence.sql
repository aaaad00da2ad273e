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
    -- ids are scoped to their dataset: the figure's own dataset's source, or a shared one (reference/);
    -- a dataset cannot define a shared source's id, so at most one matches
    left join sources as s on s.source_id = f.source_id and s.dataset in (f.dataset, '_reference')
)

select * from final
