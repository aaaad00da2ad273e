-- One row per input file read by the build, with its counts and error. Parameters: entity (null = every
-- file): then only the files that hold a figure of that entity.
select file, dataset, input_kind, status, rows_in, rows_loaded, rows_rejected, rows_combined, error,
    duration_ms, loaded_at
from loads
where ?::varchar is null or file in (select distinct file from figures where entity = ?::varchar)
order by file
