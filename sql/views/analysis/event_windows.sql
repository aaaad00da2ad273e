-- Each event's window: for every region under the event's jurisdiction (the jurisdiction included) and every
-- entity/metric/grain with actual figures there, the periods from k before to k after the period containing
-- the event, with the actual, the expectation (the kind's default policy, preferred kind), attainment,
-- favourable, performance_pct, the change
-- against the last period before the event, and flags. Documented in docs/event-impact.md.
-- Only periods with an actual appear: a missing period is a missing row, never a zero.
create or replace view event_windows as

-- k periods each side of the event, per grain (sql/views/base/grain_order.sql). 'day' and 'span' get no
-- window. months_per_period turns dates into period positions.
with window_sizes as (
    select grain, months_per_period, window_k as k from grain_order where window_k is not null
),

-- When a period has expectations of several kinds, the lowest preference wins
-- (sql/views/base/expectation_preference.sql, joined below).

-- every report of an event with its group (sql/views/chosen/event_groups.sql): a second report of the same
-- event (the news brief's BRE05 of the law EV05) is not "another event in the window"
events as (
    select * from event_groups
),

regions as (
    select * from regions
),

actuals as (
    select * from actual_figures
),

comparisons as (
    select * replace (expectation * to_base as expectation)  -- the base unit, as the window's actual figures
    from actual_vs_expectation
    where is_default_policy and actual_vintage = 'latest'
),

preferred_expectations as (
    select c.*
    from comparisons as c
    inner join expectation_preference as p using (expectation_kind)
    qualify row_number() over (
        partition by c.entity, c.metric, c.region_code, c.period_start, c.period_end
        order by p.preference
    ) = 1
),

series_extents as (
    select entity, metric, region_code, grain, max(period_end) as data_end
    from actuals
    group by all
),

affected_regions as (
    select
        e.event_id,
        e.date as event_date,
        e.date_precision as event_date_precision,
        e.status as event_status,
        e.category as event_category,
        e.title as event_title,
        e.entity as event_entity,
        e.source_id as event_source_id,
        e.jurisdiction,
        e.group_event_ids,
        r.region_code,
        r.name as region_name
    from events as e
    inner join region_lineage as l on l.ancestor_code = e.jurisdiction
    inner join regions as r on r.region_code = l.descendant_code
),

positioned as (
    select
        a.*,
        f.entity,
        f.metric,
        f.grain,
        f.period,
        f.period_start,
        f.period_end,
        f.unit,
        f.value as actual,
        f.bound as actual_bound,
        f.source_id as actual_source_id,
        f.as_of as actual_as_of,
        w.k,
        w.months_per_period,
        -- 0 for the period containing the event, -1 the one before, 1 the one after
        -floor(
            ((year(a.event_date) * 12 + month(a.event_date)) - (year(f.period_start) * 12 + month(f.period_start)))
            / w.months_per_period::double
        )::integer as position
    from affected_regions as a
    inner join actuals as f on f.region_code = a.region_code
    inner join window_sizes as w on w.grain = f.grain
),

in_window as (
    select
        *,
        (period_start - to_months(position * months_per_period))::date as event_period_start
    from positioned
    where position between -k and k
),

bounded as (
    select
        *,
        (event_period_start - to_months(k * months_per_period))::date as window_start,
        (event_period_start + to_months((k + 1) * months_per_period) - interval 1 day)::date as window_end
    from in_window
),

windows as (
    select distinct
        event_id, group_event_ids, region_code, entity, metric, grain, window_start, window_end
    from bounded
),

-- another event (one per group of reports: its representative; never a report of this event) in the same
-- region, an ancestor or a descendant, dated (or lasting) inside the window
overlapping as (
    select
        w.event_id,
        w.region_code,
        w.entity,
        w.metric,
        w.grain,
        list(o.event_id order by o.date, o.event_id) as overlapping_event_ids
    from windows as w
    inner join events as o
        on  o.is_representative
        and not list_contains(w.group_event_ids, o.event_id)
        and o.date <= w.window_end
        and coalesce(o.date_end, o.date) >= w.window_start
    where exists (
        select 1 from region_lineage as l
        where (l.ancestor_code = o.jurisdiction and l.descendant_code = w.region_code)
           or (l.ancestor_code = w.region_code and l.descendant_code = o.jurisdiction)
    )
    group by all
),

final as (
    select
        b.event_id,
        b.event_date,
        b.event_date_precision,
        b.event_status,
        b.event_category,
        b.event_title,
        b.event_entity,
        b.event_source_id,
        b.jurisdiction,
        b.region_code,
        b.region_name,
        b.region_code = b.jurisdiction as is_jurisdiction,
        b.entity,
        b.metric,
        b.grain,
        b.k,
        b.position,
        b.period,
        b.period_start,
        b.period_end,
        b.window_start,
        b.window_end,
        b.unit,
        b.actual,
        b.actual_bound,
        b.actual_source_id,
        b.actual_as_of,
        x.expectation,
        x.expectation_kind,
        x.expectation_source_id,
        x.expectation_as_of,
        x.attainment,
        x.variance_pct,
        x.is_shortfall,
        x.favourable,
        x.performance_pct,
        b.actual - max(case when b.position = -1 then b.actual end) over series_window as change_vs_pre,
        b.actual / nullif(max(case when b.position = -1 then b.actual end) over series_window, 0) - 1
            as change_vs_pre_pct,
        o.overlapping_event_ids is not null as is_overlapping,
        coalesce(o.overlapping_event_ids, []::varchar[]) as overlapping_event_ids,
        s.data_end,
        b.window_end > s.data_end as after_data_end,
        b.event_status = 'expected' as is_expected
    from bounded as b
    left join preferred_expectations as x
        on  x.entity = b.entity
        and x.metric = b.metric
        and x.region_code = b.region_code
        and x.period_start = b.period_start
        and x.period_end = b.period_end
    left join overlapping as o
        on  o.event_id = b.event_id
        and o.region_code = b.region_code
        and o.entity = b.entity
        and o.metric = b.metric
        and o.grain = b.grain
    left join series_extents as s
        on  s.entity = b.entity
        and s.metric = b.metric
        and s.region_code = b.region_code
        and s.grain = b.grain
    window series_window as (partition by b.event_id, b.region_code, b.entity, b.metric, b.grain)
)

select * from final
order by event_id, region_code, entity, metric, grain, position
