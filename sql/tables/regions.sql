-- One row per region: countries (ISO 3166), macro regions, custom aggregates, and World at the root.
create or replace table regions (
    region_code  varchar primary key,  -- ISO alpha-2 for countries ('US'), upper-case code otherwise ('SEA', 'WORLD')
    name         varchar not null,
    parent_code  varchar,              -- null only for WORLD
    level        varchar not null,     -- 'world' | 'region' | 'subregion' | 'country' | 'custom'
    iso3         varchar,
    depth        integer not null,     -- 0 for WORLD
    path         varchar not null      -- 'WORLD/APAC/SEA/VN': ancestors joined by '/'
);
