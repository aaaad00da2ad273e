-- Bad order rows of the orders path (docs/orders.md), counted per month and reason by the build's
-- order_facts asset (sql/orders/rejects.sql) from each month's grouped scan. Order rows are aggregated,
-- never loaded one by one, so they are counted here rather than listed in rejected_rows; each month is a
-- `loads` row too (input_kind 'orders'): `loads join order_rejects using (file)`.
create or replace table order_rejects (
    dataset      varchar not null,
    file         varchar not null,   -- relative to DATA_DIR: datasets/<dataset>/order_groups-YYYY-MM.parquet
    month        varchar not null,   -- YYYY-MM: the partition the rows were found in
    reason       varchar not null,   -- ordered_at_outside_month | missing_amount | invalid_amount | unknown_country | unknown_currency | missing_status
    column_name  varchar,
    value        varchar,            -- the offending value for unknown_country / unknown_currency
    rows         bigint not null
);
