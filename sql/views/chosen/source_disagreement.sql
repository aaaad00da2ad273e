-- Where sources disagree: numeric figures for the same entity, metric, region, period, unit and kind group
-- ('actual' covers actual and estimate). Per source only its latest vintage in the group is compared (latest
-- as_of, ties: highest figure_id, as for chosen_expectations' latest policy), so a revised target or a
-- restated actual is a revision, not a disagreement. A group is listed when more than one source's latest
-- figure is there and those figures hold more than one distinct value. Every column (figures, min/max,
-- source_ids, figure_ids, values) describes the compared figures, one per source; the superseded vintages
-- are in expectation_revisions and figures. For expectations a source is its publisher (sources.publisher):
-- a plan revised under a new source id by the same publisher (the marketplace demo's 'midyear revision') is a
-- revision, listed in expectation_revisions, not a disagreement between sources (issue 23); for actuals it is
-- the source id (two articles may report different numbers). Disagreement is shown, never averaged away. A range's value is
-- its midpoint.
create or replace view source_disagreement as

with figures as (
    select * from figures
),

sources as (
    select * from sources
),

numeric_figures as (
    select
        f.*,
        case when kind in ('actual', 'estimate') then 'actual' else kind end as kind_group,
        range_midpoint(value, value_high) as value_mid,
        case
            when kind in ('actual', 'estimate') then f.source_id
            else coalesce(s.publisher, f.source_id)
        end as source_key
    from figures as f
    left join sources as s on s.source_id = f.source_id and s.dataset = f.dataset
    where value is not null
),

latest_of_source as (
    select *
    from numeric_figures
    qualify row_number() over (
        partition by entity, metric, region_code, period_start, period_end, unit, kind_group, source_key
        order by as_of desc, figure_id desc
    ) = 1
),

groups as (
    select
        entity,
        metric,
        region_code,
        any_value(period) as period,
        any_value(grain) as grain,
        period_start,
        period_end,
        kind_group,
        unit,
        count(*)::bigint as figures,
        count(distinct source_key)::bigint as sources,
        min(value_mid) as min_value,
        max(value_mid) as max_value,
        string_agg(source_id, ',' order by value_mid, figure_id) as source_ids,
        string_agg(figure_id, ',' order by value_mid, figure_id) as figure_ids,
        list(
            {'figure_id': figure_id, 'value': value_mid, 'bound': bound, 'kind': kind,
             'source_id': source_id, 'as_of': as_of}
            order by value_mid, figure_id
        ) as values
    from latest_of_source
    group by entity, metric, region_code, period_start, period_end, unit, kind_group
    having count(distinct source_key) > 1
       and count(distinct value_mid) > 1
),

final as (
    select
        entity,
        metric,
        region_code,
        period,
        grain,
        period_start,
        period_end,
        kind_group,
        unit,
        figures,
        sources,
        min_value,
        max_value,
        max_value - min_value as spread,
        (max_value - min_value) / nullif(abs(min_value), 0) as spread_pct,
        source_ids,
        figure_ids,
        values
    from groups
)

select * from final
