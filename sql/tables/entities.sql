-- Entity reference: companies, business units, products.
create or replace table entities (
    entity                   varchar primary key,  -- as written in figures: 'TikTok Shop'
    parent                   varchar,              -- another entity or null
    fiscal_year_start_month  integer not null,     -- 1 = calendar year; with a retail calendar, the month after year_end's
    description              varchar,
    calendar                 varchar,              -- a retail calendar's weeks per month: '4-4-5' | '4-5-4' | '5-4-4'; null = calendar months
    year_end                 varchar,              -- with a calendar: 'last Saturday of January' | 'Saturday nearest January 31'
    fiscal_year_named_by     varchar               -- with a calendar: 'end' (FY2012 ends in 2012) | 'start'; null without
);
