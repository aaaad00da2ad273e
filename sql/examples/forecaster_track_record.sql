-- How far can each publisher's expectations be trusted? Bias and mean absolute error against the first release
-- of the actual, over every horizon, most scored first.
select
    publisher,
    expectation_kind,
    metric,
    comparisons,
    periods,
    round(bias_pct * 100, 1) as bias_pct,
    round(mae_pct * 100, 1) as mean_abs_error_pct,
    round(hit_rate * 100) as direction_hit_pct,
    round(band_coverage * 100) as range_coverage_pct
from expectation_track_record
where actual_vintage = 'first_release' and horizon_band = 'all'
order by comparisons desc, publisher
