-- How far each forecaster can be trusted (docs/warehouse.md, "Track record"): expectation_errors summarised per
-- publisher, expectation kind, metric and unit, against each actual vintage ('first_release', 'latest'),
-- over every horizon ('all') and per horizon band ('>12', '6-12', '0-6', 'after'): one row each.
-- comparisons: vintages scored; periods: distinct periods; bias: mean signed error (expectation - actual, in the
-- unit: positive = expected too much); bias_pct: mean signed error % of |actual| (null for rates: their bias is
-- in points); mae_pct: mean absolute error %; rmse (in the unit); direction_calls / hit_rate: vintages with a
-- direction against the previous period's actual, and the share called rightly; ranges / band_coverage: range
-- vintages, and the share whose range held the actual (means taken in figure order: the same inputs give the same
-- bits); worst_figure_id / worst_error_pct: the largest miss.
create or replace view expectation_track_record as

with errors as (
    select * from expectation_errors
),

banded as (
    select *, horizon_band as band from errors
    union all
    select *, 'all' as band from errors
),

final as (
    select
        publisher,
        expectation_kind,
        metric,
        unit,
        actual_vintage,
        band as horizon_band,
        count(*)::bigint as comparisons,
        count(distinct (entity, region_code, period_start, period_end))::bigint as periods,  -- noqa: ST08, LT06
        avg(error order by figure_id, actual_figure_ids) as bias,
        avg(error_pct order by figure_id, actual_figure_ids) as bias_pct,
        avg(abs_error_pct order by figure_id, actual_figure_ids) as mae_pct,
        sqrt(avg(error * error order by figure_id, actual_figure_ids)) as rmse,
        count(direction_hit)::bigint as direction_calls,
        avg(direction_hit::int order by figure_id, actual_figure_ids) as hit_rate,
        count(in_band)::bigint as ranges,
        avg(in_band::int order by figure_id, actual_figure_ids) as band_coverage,
        -- ties broken by figure_id: the same inputs give the same answer
        arg_max(figure_id, (coalesce(abs_error_pct, abs(error)), figure_id)) as worst_figure_id,
        arg_max(error_pct, (coalesce(abs_error_pct, abs(error)), figure_id)) as worst_error_pct
    from banded
    group by publisher, expectation_kind, metric, unit, actual_vintage, band
)

select * from final
