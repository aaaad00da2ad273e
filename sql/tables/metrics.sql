-- Metric reference: how a metric's values are measured and compared.
create or replace table metrics (
    metric           varchar primary key,  -- snake_case id: 'revenue', 'gmv', 'ad_revenue'
    name             varchar not null,
    unit_kind        varchar not null,     -- 'money' | 'percent' | 'count' | 'ratio'
    additive         boolean not null,     -- finer periods may be summed into coarser ones
    higher_is_better boolean not null,
    can_be_negative  boolean not null,
    description      varchar,
    aggregation      varchar,              -- how finer periods combine: 'sum' | 'mean' | 'last' | 'none';
                                           -- null = the default of view metric_aggregations
    max_abs_value    double,               -- larger values (base unit) are rejected as implausible; null =
                                           -- the unit kind's limit (pipelines/ingest/check_rows/figure_rules.py PLAUSIBLE)
    weight_metric    varchar               -- for rates ('mean'): the metric that weights a rolled-up mean (A&E
                                           -- attendances for a 4-hour percentage); null = unweighted mean
);
