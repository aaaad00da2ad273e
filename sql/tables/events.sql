-- Dated regulatory, legal and political events, tied to a jurisdiction (a region).
create or replace table events (
    event_id         varchar not null,
    dataset          varchar not null,
    date             date not null,      -- first day of the given (possibly partial) date
    date_precision   varchar not null,   -- 'year' | 'month' | 'day'
    date_end         date,
    status           varchar not null,   -- announced | effective | expected | overturned
    jurisdiction     varchar not null,   -- region_code
    category         varchar not null,   -- law | litigation | ruling | regulation | order | ban | market_exit | other
    title            varchar not null,
    entity           varchar,
    source_id        varchar not null,
    note             varchar,
    file             varchar not null,
    row_number       integer not null,
    primary key (dataset, event_id)
);
