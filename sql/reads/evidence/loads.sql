-- One row per input file read by the build, with its counts and error. Parameters: none.
select file, dataset, input_kind, status, rows_in, rows_loaded, rows_rejected, rows_combined, error,
    duration_ms, loaded_at
from loads order by file
