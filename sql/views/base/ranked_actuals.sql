-- Every actual-side figure (kind 'actual' or 'estimate', with a number) ranked within its series (entity, metric,
-- region, period): the ONE place the choice of the series' actual is written. rank_latest = 1 is the figure
-- that stands for the actual as it is now (kind 'actual' beats 'estimate', then the latest as_of: revisions win,
-- then the highest figure_id and dataset; view actual_figures); rank_first_release = 1 the first published one ('actual'
-- beats 'estimate', then the earliest as_of, then the lowest figure_id and dataset; view first_release_actuals).
-- A range is represented by its midpoint (value; value_low/value_high its ends, null unless a range).
-- Columns: entity, metric, region_code, period, grain, period_start, period_end, value, currency, value_native
-- (in the figure's own currency, to a millionth of its unit: the division's rounding noise would make on-plan
-- figures differ; what constant-currency comparisons compare), bound, kind, as_of, source_id, figure_id, unit,
-- candidates (actual-side figures of the series), value_low, value_high, dataset (the figure's: its figure_id and
-- source_id are scoped to it), rank_latest, rank_first_release.
create or replace view ranked_actuals as

with figures as (
    select * from figures
),

actual_side as (
    select
        *,
        range_midpoint(value, value_high) as value_mid
    from figures
    where kind in ('actual', 'estimate')
      and value is not null
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
        value_mid as value,
        currency,
        figure_value_native(value_mid, fx_usd_per_unit) as value_native,  -- base/figure_values.sql
        bound,
        kind,
        as_of,
        source_id,
        figure_id,
        unit,
        (count(*) over series)::bigint as candidates,
        case when value_high is not null then value end as value_low,
        value_high,
        dataset,
        row_number() over (series order by (kind = 'actual') desc, as_of desc, figure_id desc, dataset desc)
            as rank_latest,
        row_number() over (series order by (kind = 'actual') desc, as_of, figure_id, dataset) as rank_first_release
    from actual_side
    window series as (partition by entity, metric, region_code, period_start, period_end)
)

select * from final
