-- Alerts raised by builds: new shortfall streaks and new large misses. Carried forward from build to build.
create or replace table alerts (
    alert_id          varchar primary key,  -- stable hash of what and where: the same alert is raised once
    created_at        timestamp not null,   -- the build that raised it
    alert_type        varchar not null,     -- 'shortfall_streak' | 'large_miss'
    entity            varchar not null,
    metric            varchar not null,
    region_code       varchar not null,
    period            varchar not null,     -- the missed period, or 'first..last' of the streak
    expectation_kind  varchar not null,
    policy            varchar not null,
    measure           double,               -- streak length in periods, or variance_pct of the miss
    message           varchar not null,     -- one sentence a person can act on
    source_ids        varchar               -- comma-joined sources of the numbers in the message
);
