-- Who said it and when. Every figure and event points to one source.
create or replace table sources (
    source_id               varchar not null,
    publisher               varchar not null,
    title                   varchar,
    url                     varchar,
    published_on            varchar,   -- as given, possibly partial: '2024', '2024-11', '2024-11-06'
    published_date          date,      -- first day of published_on
    published_precision     varchar,   -- 'year' | 'month' | 'day' | null when unknown
    originally_reported_by  varchar,
    reliability             varchar,   -- filing | company | press | leak | third_party_estimate | analyst_consensus | internal
    note                    varchar,
    dataset                 varchar not null,
    file                    varchar not null,
    row_number              integer not null,
    primary key (dataset, source_id)       -- ids are scoped to their dataset ('_reference': shared)
);
