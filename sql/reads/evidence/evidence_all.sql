-- Every figure of a selection with its source (figure_evidence), for its CSV download. Filter: entity and/or
-- metric when given. Columns: the figure, its raw value and unit, its source, its file and row.
select figure_id, entity, metric, region_code, region_name, period, grain, kind, value, value_high, bound,
       unit, direction, value_raw, value_high_raw, unit_raw, as_of, source_id, publisher, title, url,
       published_on, originally_reported_by, reliability, note, file, row_number, origin
from figure_evidence
where true /* filter */
order by entity, metric, region_code
