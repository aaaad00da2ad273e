-- One row per input file per run: rows in = rows loaded + rows rejected + rows combined.
create or replace table loads (
    file           varchar not null,
    dataset        varchar,
    input_kind     varchar,
    content_hash   varchar,     -- sha256 of the file's bytes
    modified_at    timestamp,   -- the file's modification time: how fresh the dataset is
    status         varchar not null,  -- loaded | unreadable | duplicate_file
    rows_in        integer not null,
    rows_loaded    integer not null,
    rows_rejected  integer not null,
    rows_combined  integer not null default 0,  -- lines added into another line's figure (a layout's or
                                                -- dataset.toml's combine = "sum": department lines of a GL)
    error          varchar,
    duration_ms    double,
    loaded_at      timestamp,
    notes          varchar      -- how the file was read where it matters: entity spellings made one
);
