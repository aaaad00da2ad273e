-- Every expectation that is compared with nothing, and why (docs/warehouse.md, "What gets compared"): an empty
-- shortfall list must mean "no misses", never "nothing was compared". One row per expectation group (entity,
-- metric, region, period, kind: its vintages together) none of whose vintages is behind any row of
-- actual_vs_expectation under any policy (as reported, rolled up, or as a component of a rolled-up expectation).
-- reason, the first that applies:
--   the metric's growth target without its base ('growth target needs the prior period's actual: ...');
--   a declared whole (made_of) some of whose parts do not report ('NAM is declared as made of CA, MX, US: no
--   actual for 2024 from MX');
--   a qualitative expectation with no number;
--   an actual of the period (or inside it) that was loaded but rejected, its period left without an actual ('the
--   actual for 2026-07 was rejected: figures.csv row 3 (value: value '12x' is not a number): fix the input and
--   run again'; several: their count and the first three rows; where other months are loaded, the months
--   missing below name the rejected rows after them);
--   no actual of the metric for the entity anywhere (naming up to 5 entities that have actuals of the metric and
--   5 metrics the entity has actuals of: a name spelled two ways); none in the region (naming the child regions that have
--   some: 'no actual for region NAM or for all of its children: actuals for US, CA');
--   actuals in another unit; the period not over yet (pacing shows it to date);
--   finer actuals that do not tile the period (months missing are named: 'actuals cover 10 of 12 months:
--   2019-03, 2019-07 missing'; actuals whose dates do not meet the period's edges name the entity's calendar:
--   'weeks do not tile fiscal month FY2012-02 ...: set the entity's calendar');
--   a metric that is never combined over time (aggregation 'none');
--   else 'no actual for <period>'.
-- Columns: entity, metric, region_code, period, grain, period_start, period_end, kind, vintages (bigint),
-- vintage (the latest vintage's as_of), expectation_figure_ids (varchar[], every vintage), reason_kind (a code
-- per branch above, for counting: growth_base_missing, qualitative, actual_rejected, parts_missing, no_actuals_for_metric, no_actuals_in_region,
-- other_unit, calendar, in_progress, months_missing, not_combined, spans_not_combined, gaps, not_ended,
-- no_actual_for_period), reason (varchar, in words).
create or replace view unmatched_expectations as

with figures as (
    select * from figures
),

comparisons as (
    select * from actual_vs_expectation
),

actuals as (
    select * from actual_figures
),

aggregations as (
    select * from metric_aggregations
),

lineage as (
    select * from region_lineage
),

growth as (
    select * from growth_bases
),

build as (
    select * from build_info
),

parts as (
    select * from compositions
),

entity_calendars as (
    select entity, calendar from entities
),

rejections as (
    select * from rejected_rows
),

expectation_groups as (
    select
        entity, metric, region_code, period_start, period_end, kind,
        arg_max(period, (as_of, figure_id)) as period,
        arg_max(grain, (as_of, figure_id)) as grain,
        min(unit) as unit,
        count(*)::bigint as vintages,
        max(as_of) as vintage,
        list(figure_id order by as_of, figure_id) as expectation_figure_ids,
        bool_and(value is null) as without_number
    from figures
    where is_expectation
    group by entity, metric, region_code, period_start, period_end, kind
),

-- the compared expectation figures by (dataset, figure_id): ids are scoped to their dataset, so another
-- dataset's figure of the same id is not compared by this one (a rollup over several datasets: any of them)
compared_ids as (
    select distinct expectation_dataset as dataset, unnest(expectation_figure_ids) as figure_id
    from comparisons
),

matched_groups as (
    select distinct f.entity, f.metric, f.region_code, f.period_start, f.period_end, f.kind
    from figures as f
    semi join compared_ids as c on c.figure_id = f.figure_id and coalesce(c.dataset, f.dataset) = f.dataset
    where f.is_expectation
),

unmatched as (
    select g.*
    from expectation_groups as g
    anti join matched_groups as m using (entity, metric, region_code, period_start, period_end, kind)
),

metric_actuals as (
    select entity, metric, count(*) as metric_actuals
    from actuals
    semi join unmatched using (entity, metric)
    group by all
),

-- for a metric with no actual of the entity: which entities have actuals of the metric, and which metrics the
-- entity has actuals of (a name spelled two ways: 'Acme Inc' beside 'Acme', 'net_revenue' beside 'revenue')
-- per metric the entities with actuals of it, per entity the metrics it has actuals of (5 named, then a count)
named_pairs as (
    select
        side,
        name,
        array_to_string(list_sort(list(other))[1:5], ', ')
        || case when count(*) > 5 then ' and ' || (count(*) - 5) || ' more' else '' end as named
    from (
        select distinct 'metric' as side, metric as name, entity as other from actuals
        union
        select distinct 'entity' as side, entity as name, metric as other from actuals
    ) as pairs
    group by side, name
),

near_misses as (
    select u.entity, u.metric, m.named as metric_entities, e.named as entity_metrics
    from (select distinct entity, metric from unmatched) as u
    anti join metric_actuals as ma on ma.entity = u.entity and ma.metric = u.metric
    left join named_pairs as m on m.side = 'metric' and m.name = u.metric
    left join named_pairs as e on e.side = 'entity' and e.name = u.entity
),

-- what the actuals of each unmatched group look like
evidence as (
    select
        u.entity, u.metric, u.region_code, u.period_start, u.period_end, u.kind,
        any_value(ma.metric_actuals) as metric_actuals,
        count(a.figure_id) as region_actuals,
        count(a.figure_id) filter (
            where a.unit is not distinct from u.unit
        ) as same_unit_actuals,
        min(a.unit) as other_unit,
        max(a.period_end) filter (
            where a.unit is not distinct from u.unit
        ) as last_actual_end,
        list(a.figure_id order by a.figure_id) filter (
            where a.unit is not distinct from u.unit
                and a.period_start >= u.period_start and a.period_end <= u.period_end
                and not (a.period_start = u.period_start and a.period_end = u.period_end)
        ) as inner_ids,
        -- inner actuals whose dates do not meet the period's edges (weeks against a calendar month)
        bool_or(a.period_start < u.period_start and a.period_end >= u.period_start) filter (
            where a.unit is not distinct from u.unit and a.period_end - a.period_start < u.period_end - u.period_start
        ) as straddles_start,
        bool_or(a.period_start <= u.period_end and a.period_end > u.period_end) filter (
            where a.unit is not distinct from u.unit and a.period_end - a.period_start < u.period_end - u.period_start
        ) as straddles_end,
        string_agg(distinct a.grain, ', ' order by a.grain) filter (
            where a.unit is not distinct from u.unit
                and a.period_start <= u.period_end and a.period_end >= u.period_start
        ) as overlapping_grains
    from unmatched as u
    left join actuals as a on a.entity = u.entity and a.metric = u.metric and a.region_code = u.region_code
    left join metric_actuals as ma on ma.entity = u.entity and ma.metric = u.metric
    group by all
),

children as (
    select
        u.entity, u.metric, u.region_code, u.period_start, u.period_end, u.kind,
        string_agg(distinct a.region_code, ', ' order by a.region_code) as child_regions
    from unmatched as u
    inner join lineage as l on l.ancestor_code = u.region_code and l.distance > 0
    inner join actuals as a
        on  a.entity = u.entity
        and a.metric = u.metric
        and a.region_code = l.descendant_code
        and a.period_start = u.period_start
        and a.period_end = u.period_end
    group by all
),

-- the months of a period of whole months that no actual covers
missing_months as (
    select
        u.entity, u.metric, u.region_code, u.period_start, u.period_end, u.kind,
        count(*)::bigint as months,
        count(*) filter (where covered)::bigint as covered_months,
        string_agg(strftime(month_start, '%Y-%m'), ', ' order by month_start) filter (where not covered)
            as missing
    from (
        select
            u.*,
            m.month_start,
            exists(
                select 1 from actuals as a
                where a.entity = u.entity and a.metric = u.metric and a.region_code = u.region_code
                    and a.unit is not distinct from u.unit
                    and a.period_start <= last_day(m.month_start) and a.period_end >= m.month_start
            ) as covered
        from unmatched as u,
            lateral (
                select unnest(generate_series(u.period_start, u.period_end, interval 1 month))::date as month_start
            ) as m
        where day(u.period_start) = 1 and u.period_end = last_day(u.period_end)
            and u.grain in ('quarter', 'half', 'year', 'span')
    ) as u
    group by all
),

-- a declared whole (made_of) whose parts do not all report for the period
missing_parts as (
    select
        u.entity, u.metric, u.region_code, u.period_start, u.period_end, u.kind,
        min(p.dimension) as dimension,
        string_agg(p.child, ', ' order by p.child) as parts,
        string_agg(p.child, ', ' order by p.child) filter (where a.figure_id is null) as missing
    from unmatched as u
    inner join parts as p
        on (p.dimension = 'region' and p.parent = u.region_code)
        or (p.dimension = 'entity' and p.parent = u.entity)
    left join actuals as a
        on  a.entity = case p.dimension when 'entity' then p.child else u.entity end
        and a.region_code = case p.dimension when 'region' then p.child else u.region_code end
        and a.metric = u.metric
        and a.period_start = u.period_start
        and a.period_end = u.period_end
    group by all
    having count(*) filter (where a.figure_id is null) > 0
),

-- actual rows of the same series, inside the period, that were rejected and left their period without an
-- actual: one line per row (a row rejected for several reasons names them all), the first three rows named
rejected_actuals as (
    select
        entity, metric, region_code, period_start, period_end, kind,
        count(*)::bigint as rejected_count,
        min(r_period) as rejected_period,
        array_to_string(list(said order by file, row_number)[1:3], '; ')
        || case when count(*) > 3 then '; and ' || (count(*) - 3) || ' more' else '' end as rejected_said
    from (
        select
            u.entity, u.metric, u.region_code, u.period_start, u.period_end, u.kind,
            r.file, r.row_number,
            any_value(r.period) as r_period,
            r.file || ' row ' || r.row_number || coalesce(' (' || any_value(r.origin) || ')', '') || ' ('
            || string_agg(coalesce(r.column_name || ': ', '') || r.reason, '; ' order by r.column_name) || ')'
                as said
        from unmatched as u
        inner join rejections as r
            on  r.input_kind = 'figures'
            and r.kind in ('actual', 'estimate')
            and r.entity = u.entity
            and r.metric = u.metric
            and r.region_code = u.region_code
            and r.period_start >= u.period_start
            and r.period_end <= u.period_end
        -- a rejected row beside a loaded actual of its period (a duplicate, a second source) explains nothing
        anti join actuals as a
            on  a.entity = r.entity
            and a.metric = r.metric
            and a.region_code = r.region_code
            and a.period_start = r.period_start
            and a.period_end = r.period_end
        group by u.entity, u.metric, u.region_code, u.period_start, u.period_end, u.kind, r.file, r.row_number
    ) as rows_rejected
    group by all
),

growth_reasons as (
    select
        entity, metric, region_code, period_start, period_end, kind,
        case
            when prior_value is null then
                'growth target needs the prior period''s actual: no ' || base_metric || ' actual for the '
                || case growth_basis when 'yoy' then 'year' else 'quarter' end || ' before ' || period
            when prior_value <= 0 then
                'growth on a prior actual of zero or less is not a rate: ' || base_metric || ' ' || prior_label
                || ' was ' || format('{:,}', prior_value) || ' ' || unit || ' (compare a level target instead)'
            when actual_value is null then 'no ' || base_metric || ' actual for ' || period
        end as reason
    from growth
    qualify row_number() over (
        partition by entity, metric, region_code, period_start, period_end, kind order by policy
    ) = 1
),

reasons as (
    select
        u.*,
        gr.reason as growth_reason,
        e.other_unit,
        e.overlapping_grains,
        e.last_actual_end,
        ch.child_regions,
        mm.months,
        mm.covered_months,
        mm.missing,
        mp.parts as declared_parts,
        mp.missing as missing_parts,
        ec.calendar as entity_calendar,
        nm.metric_entities,
        nm.entity_metrics,
        ra.rejected_count,
        ra.rejected_period,
        ra.rejected_said,
        case
            when gr.reason is not null then 'growth_base_missing'
            when u.without_number then 'qualitative'
            when ra.rejected_count > 0 and not coalesce(mm.covered_months > 0 and mm.missing is not null, false)
                then 'actual_rejected'
            when mp.missing is not null then 'parts_missing'
            when coalesce(e.metric_actuals, 0) = 0 then 'no_actuals_for_metric'
            when coalesce(e.region_actuals, 0) = 0 then 'no_actuals_in_region'
            when coalesce(e.same_unit_actuals, 0) = 0 then 'other_unit'
            when e.straddles_start or e.straddles_end then 'calendar'
            when u.period_end > coalesce(e.last_actual_end, u.period_start) and len(e.inner_ids) > 0
                and coalesce(mm.missing, '') = '' then 'in_progress'
            when mm.missing is not null and mm.covered_months > 0 then 'months_missing'
            when ag.aggregation = 'none' and len(e.inner_ids) > 0 then 'not_combined'
            when len(e.inner_ids) > 0 and e.overlapping_grains = 'span' then 'spans_not_combined'
            when len(e.inner_ids) > 0 then 'gaps'
            when u.period_end > coalesce((select max(built_at)::date from build), u.period_end) then 'not_ended'
            else 'no_actual_for_period'
        end as reason_kind
    from unmatched as u
    left join evidence as e using (entity, metric, region_code, period_start, period_end, kind)
    left join children as ch using (entity, metric, region_code, period_start, period_end, kind)
    left join missing_months as mm using (entity, metric, region_code, period_start, period_end, kind)
    left join growth_reasons as gr using (entity, metric, region_code, period_start, period_end, kind)
    left join missing_parts as mp using (entity, metric, region_code, period_start, period_end, kind)
    left join near_misses as nm using (entity, metric)
    left join rejected_actuals as ra using (entity, metric, region_code, period_start, period_end, kind)
    left join aggregations as ag on ag.metric = u.metric
    left join entity_calendars as ec on ec.entity = u.entity
),

worded as (
    select
        *,
        case reason_kind
            when 'growth_base_missing' then
                growth_reason
            when 'actual_rejected' then
                case
                    when rejected_count = 1
                        then 'the actual for ' || coalesce(rejected_period, period) || ' was rejected: '
                    else rejected_count || ' actuals for ' || period || ' were rejected: '
                end
                || rejected_said || ': fix the input and run again (rejected_rows lists every problem)'
            when 'parts_missing' then
                coalesce(region_code || ' (' || entity || ')', entity) || ' is declared as made of ' || declared_parts
                || ': no actual for ' || period || ' from ' || missing_parts
            when 'qualitative' then
                'a qualitative expectation (no number): see qualitative_claims'
            when 'no_actuals_for_metric' then
                'no actual of ' || metric || ' for ' || entity || ' in any region'
                || coalesce(' (actuals of ' || metric || ' are loaded for ' || metric_entities || ')', '')
                || coalesce(' (' || entity || '''s actuals are of ' || entity_metrics || ')', '')
            when 'no_actuals_in_region' then
                'no actual for region ' || region_code
                || coalesce(' or for all of its children: actuals for ' || child_regions, '')
                || ' (declare how the region is made up, or load its own actuals)'
            when 'other_unit' then
                'actuals are in ' || coalesce(other_unit, 'no unit') || ', the expectation in '
                || coalesce(unit, 'no unit') || ': only figures of one base unit are compared'
            when 'calendar' then
                'actuals (' || overlapping_grains || ') do not tile ' || grain || ' ' || period || ' ('
                || strftime(period_start, '%Y-%m-%d') || '..' || strftime(period_end, '%Y-%m-%d')
                || '): their dates cross its edges; '
                || case
                    when entity_calendar is null then 'set the entity''s calendar (fiscal year start, or a 4-4-5 /'
                        || ' 52-53-week calendar) so its periods are those weeks'
                    else 'the entity keeps a ' || entity_calendar || ' calendar: write the period as one of its'
                        || ' fiscal months, quarters or years (FY2012-M02, FY2012-Q1)'
                end
            when 'in_progress' then
                'the period is not over in the data: actuals to ' || strftime(last_actual_end, '%Y-%m-%d')
                || ' (pacing shows it to date)'
            when 'months_missing' then
                'actuals cover ' || covered_months || ' of ' || months || ' months: ' || missing
                || ' missing'
                || coalesce('; rejected: ' || rejected_said || ' (fix the input and run again)', '')
            when 'not_combined' then
                metric || ' is never combined over time (aggregation none): report it for ' || period
            when 'spans_not_combined' then
                'the actuals inside ' || period || ' are spans, which are never added up (spans may overlap):'
                || ' report them as months, weeks or days, or set the entity''s calendar'
            when 'gaps' then
                'actuals inside ' || period || ' do not tile it (' || overlapping_grains || '): a gap or an'
                || ' overlap between them'
            when 'not_ended' then
                'the period has not ended (it ends ' || strftime(period_end, '%Y-%m-%d') || ')'
            when 'no_actual_for_period' then
                'no actual for ' || period
        end as reason
    from reasons
),

final as (
    select
        entity, metric, region_code, period, grain, period_start, period_end, kind, vintages, vintage,
        expectation_figure_ids, reason_kind, reason
    from worded
    order by entity, metric, region_code, period_start, kind
)

select * from final
