-- Every input row that did not load, with the reason; a whole unreadable file is one row with row_number 0.
create or replace table rejected_rows (
    file         varchar not null,
    dataset      varchar,
    input_kind   varchar,   -- sources | figures | events | regions | entities | metrics
    row_number   integer not null,  -- 1 = first data row (header excluded); 0 = the file as a whole
    column_name  varchar,
    value        varchar,
    reason       varchar not null,
    suggestion   varchar,
    origin       varchar,   -- sheet and cell ('Budget!F12') for files read through a layout
    -- a figures row: what it was about, as far as its values could be read (null where one could not), so an
    -- expectation left without its actual names the rejection (unmatched_expectations, reason_kind
    -- actual_rejected)
    entity       varchar,
    metric       varchar,
    region_code  varchar,
    period       varchar,   -- as written
    period_start date,
    period_end   date,
    kind         varchar
);
