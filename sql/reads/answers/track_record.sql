-- The forecasters' track record (expectation_track_record) for one actual vintage, every horizon band: the
-- Track record page ranks the 'all' rows and charts the bands. Parameter: actual_vintage.
select publisher, expectation_kind, metric, unit, horizon_band, comparisons, periods, bias, bias_pct, mae_pct,
       rmse, direction_calls, hit_rate, ranges, band_coverage, worst_figure_id, worst_error_pct
from expectation_track_record
where actual_vintage = ?
order by comparisons desc, publisher asc, expectation_kind asc, metric asc, horizon_band asc
