-- Metric reference. Parameters: none. Columns: metric, name, unit_kind, additive, higher_is_better.
select metric, name, unit_kind, additive, higher_is_better from metrics
