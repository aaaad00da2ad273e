-- New alerts: what this build reveals that the published one had not (pipelines/warehouse/alerts.py inserts
-- the rows whose alert_id is not in alerts yet). Two kinds, both under each expectation kind's default policy
-- (view default_policies) and "short" meaning favourable = false:
--   shortfall_streak  a shortfall streak reaching $streak periods (IMPACT_ALERT_STREAK_PERIODS)
--   large_miss        a period missing its expectation by at least $miss (a share: IMPACT_ALERT_MISS_PCT / 100)
-- Bound parameters: $streak (integer), $miss (double), $now (the build's timestamp).
-- Needs the macro of sql/alerts/value_text.sql. Columns: those of table alerts; one row per alert.
with streaks as (
    select s.*, 'shortfall_streak' as alert_type, s.length::double as measure,
           s.first_period || '..' || s.last_period as period_label
    from shortfall_streaks as s
    inner join default_policies as d on d.expectation_kind = s.expectation_kind and d.default_policy = s.policy
    where s.length >= $streak
), misses as (
    -- in the base unit, which value_text scales ('USD 8.50 bn')
    select a.* replace (a.actual * a.to_base as actual, a.expectation * a.to_base as expectation,
                        a.base_unit as unit),
           'large_miss' as alert_type, a.variance_pct as measure
    from actual_vs_expectation as a
    where a.is_default_policy and a.actual_vintage = 'latest' and a.favourable = false and abs(a.variance_pct) >= $miss
), candidates as (
    select alert_type, entity, metric, region_code, period_label as period, expectation_kind, policy, measure,
           format('{} {} in {} fell short of {} ({}) for {} consecutive {} periods, {} to {}', entity, metric,
                  region_code, expectation_kind, policy, length, grain, first_period, last_period) as message,
           null::varchar as source_ids
    from streaks
    union all
    select alert_type, entity, metric, region_code, period, expectation_kind, policy, measure,
           format('{} {} in {} for {} missed its {} by {:.1f}% ({} against {})', entity, metric, region_code,
                  period, expectation_kind, abs(measure) * 100, value_text(actual, unit),
                  value_text(expectation, unit)),
           actual_source_id || ',' || expectation_source_id
    from misses
)
select md5(concat_ws('|', alert_type, entity, metric, region_code, period, expectation_kind, policy)) as alert_id,
       $now::timestamp as created_at, c.*
from candidates as c
