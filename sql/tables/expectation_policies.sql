-- The cut-off policies a dataset asks for in its dataset.toml (`[policies] cutoff_days = [90]`): one row per
-- dataset and cut-off. Policy `days_before_end_90` picks, for that dataset's expectations, the latest vintage
-- known 90 days before the period ended (docs/warehouse.md, "Policies"). Scoped: another dataset's
-- expectations get no such policy.
create or replace table expectation_policies (
    dataset      varchar not null,
    policy       varchar not null,     -- 'days_before_end_<cutoff_days>'
    cutoff_days  integer not null,     -- days before period_end; the vintage's as_of must be on or before it
    primary key (dataset, policy)
);
