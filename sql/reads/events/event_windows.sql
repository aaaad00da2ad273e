-- The periods around one event, every series in or under its jurisdiction (event_windows).
-- Parameters: event_id. Columns as selected; values in the series' unit (event_windows).
select region_code, region_name, is_jurisdiction, entity, metric, grain, position, period, period_start,
       period_end, unit, actual, actual_bound, actual_source_id, expectation, expectation_kind,
       expectation_source_id, attainment, variance_pct, is_shortfall, favourable, performance_pct,
       change_vs_pre_pct, is_overlapping, overlapping_event_ids, after_data_end
from event_windows
where event_id = ?
order by entity, metric, grain, region_code, position
