-- The event_windows rows of one series around one event. Parameters: event_id, region_code, entity, metric,
-- grain. Columns as selected; values in the series' unit.
select position, period, grain, period_start, period_end, unit, actual, actual_bound, actual_source_id,
       expectation, expectation_kind, expectation_source_id, expectation_as_of, attainment, variance_pct,
       is_shortfall, favourable, performance_pct, change_vs_pre, change_vs_pre_pct, is_overlapping,
       overlapping_event_ids, data_end, after_data_end, is_expected, k, window_start, window_end
from event_windows
where event_id = ? and region_code = ? and entity = ? and metric = ? and grain = ?
order by position
