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
    inputs_hash     varchar,  -- hash over all input file hashes: same inputs, same hash
    schema_fingerprint varchar -- hash of sql/tables and sql/views as this build created them
                               -- (pipelines/warehouse/sqlfiles.py schema_fingerprint): the dashboard warns
                               -- when it differs from its own (a warehouse built by another version)
);
