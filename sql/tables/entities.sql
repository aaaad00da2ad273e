-- Entity reference: companies, business units, products.
create or replace table entities (
    entity                   varchar primary key,  -- as written in figures: 'TikTok Shop'
    parent                   varchar,              -- another entity or null
    fiscal_year_start_month  integer not null,     -- 1 = calendar year
    description              varchar
);
