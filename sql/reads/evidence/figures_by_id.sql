-- The figures with the given ids (figure_evidence), in the order given: the components behind a rolled-up
-- comparison. Parameters: the ids (a list); filter: the ids again, as an in-list the scan can use.
-- Columns: as sql/reads/evidence/evidence.sql.
select figure_id, entity, metric, region_code, region_name, period, grain, kind, value, value_high, bound,
       unit, direction, value_raw, value_high_raw, unit_raw, as_of, source_id, publisher, title, url,
       published_on, originally_reported_by, reliability, note, file, row_number, origin
from figure_evidence
where true /* filter */
order by list_position(?, figure_id)
