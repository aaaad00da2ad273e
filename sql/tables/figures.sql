-- One reported number (or direction) about an entity's metric in a region over a period, normalised.
create or replace table figures (
    figure_id         varchar not null,     -- as given, else derived from the content; unique within its dataset
    dataset           varchar not null,
    entity            varchar not null,
    metric            varchar not null,
    region_code       varchar not null,
    period            varchar not null,     -- canonical label: '2024', '2024-Q3', '2024-01..2024-05'
    grain             varchar not null,     -- 'year' | 'half' | 'quarter' | 'month' | 'week' | 'day' | 'span'
    period_start      date not null,
    period_end        date not null,        -- inclusive
    kind              varchar not null,     -- actual | estimate | target | guidance | consensus | projection | budget
    is_expectation    boolean not null,
    value             double,               -- in the base unit (USD for money); null for direction-only claims
    value_high        double,               -- upper end of a range, base unit
    bound             varchar not null,     -- exact | approx | at_least | at_most
    unit              varchar,              -- base unit: 'USD', '%', 'count', 'ratio'
    direction         varchar,              -- below | in_line | above (qualitative claim vs expectations)
    as_of             date not null,        -- when the figure became known (source's published date if not given)
    as_of_precision   varchar not null,     -- 'year' | 'month' | 'day'
    source_id         varchar not null,
    note              varchar,
    value_raw         double,               -- value as written in the file
    value_high_raw    double,
    unit_raw          varchar,              -- unit as written: 'USD bn', 'CNY bn', '%'
    currency          varchar,              -- ISO 4217 of the raw value, null when not money
    fx_usd_per_unit   double,               -- period-average rate used, 1.0 for USD
    file              varchar not null,
    row_number        integer not null,     -- 1 = first data row; for a file read through a layout, the canonical row
    origin            varchar,              -- sheet and cell for files read through a layout: 'Budget!F12'
    unit_scale        double,               -- the scale unit_raw names: 1e9 for 'USD bn', 1 for 'USD' and '%'
    primary key (dataset, figure_id)      -- ids are scoped to their dataset
);
