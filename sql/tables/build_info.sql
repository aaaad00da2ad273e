-- One row describing the published build: when, from what, by which version.
create or replace table build_info (
    built_at        timestamp not null,
    data_dir        varchar,
    product_version varchar,
    duckdb_version  varchar,
    files           integer,
    rows_in         integer,
    rows_loaded     integer,
    rows_rejected   integer,
    inputs_hash     varchar   -- hash over all input file hashes: same inputs, same hash
);
