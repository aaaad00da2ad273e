-- blocking: false
-- description: every metric a figure uses is declared (a metrics file of its dataset, or reference/metrics.csv); one added automatically is compared as if more were better
-- One row per metric added automatically (pipelines/ingest/reference_tables.py, with_new_metrics_and_entities:
-- higher_is_better true, its description 'added automatically (first used in <file>) ...'): metric, name,
-- higher_is_better, description. Declare it (metric, name, unit_kind, higher_is_better) to set its direction:
-- a cost added this way reads over budget as favourable.
select metric, name, higher_is_better, description
from metrics
where description like 'added automatically%'
