-- One row per reported event (every row of `events`, none dropped), with the group of reports that tell of
-- the same real event: the case study has the Canadian wind-up order from the raw events list (EV07) and from
-- a news brief (BRE03). Pages, the narrative and the estimators show a group once, as its representative,
-- citing every report's source. Documented in docs/event-impact.md ("The same event from two sources").
--
-- Two reports are the same event when ALL of these hold (a pair rule; groups are its connected components):
--   1. same jurisdiction (region code), same category, and the same entity (both none counts as the same);
--   2. both expected, or both not expected (a forecast of an event is not its occurrence: BRE02's
--      "decision anticipated by early December" stays apart from EV09, the decision);
--   3. their dates agree: the days each date can stand for (a day; a month's or a year's days for a partial
--      date: '2024-04' is 2024-04-01..2024-04-30) overlap, or lie at most one day apart (time zones and
--      next-day reports: Australia's announcement is dated 7 Nov AEDT in one source and 8 Nov in another);
--   4. their titles share a significant word: lower-case words of 3+ letters or digits, a plural or third-person
--      's' dropped ('orders' = 'order'), leaving out stop words and the words of the jurisdiction's and the
--      entity's names ('canada', 'tiktok', which every report of the pair repeats).
-- Representative: the most precise date (day, then month, then year), then the earliest date, then the
-- report whose source is dated most precisely (a dated article before a month's news brief: EV07 before
-- BRE03), then the smallest event id. Grain: one row per (dataset, event_id) of `events`.
-- Columns: the events' columns, group_id (the representative's event_id), is_representative, group_size,
-- group_event_ids and group_source_ids (representative first, then by date and id), group_publishers (each
-- of group_source_ids' publisher, from the citing report's dataset or reference/; the id when unknown),
-- group_cited (each distinct {dataset, source_id} the group's reports cite, the key of a citation).
create or replace view event_groups as

with recursive stop_words as (
    select [
        'the', 'and', 'for', 'with', 'from', 'into', 'onto', 'over', 'under', 'about', 'after', 'before',
        'ahead', 'its', 'their', 'his', 'her', 'our', 'this', 'that', 'these', 'those', 'are', 'was', 'were',
        'has', 'have', 'had', 'been', 'being', 'will', 'would', 'may', 'not', 'but', 'all', 'any', 'out',
        'off', 'against', 'without', 'including', 'inc', 'ltd', 'llc', 'corp', 'plc'
    ] as words
),

reports as (
    select
        e.*,
        e.dataset || chr(31) || e.event_id as report_key,
        case e.date_precision when 'day' then 0 when 'month' then 1 else 2 end as precision_rank,
        case e.date_precision
            when 'day' then e.date
            when 'month' then (e.date + interval 1 month - interval 1 day)::date
            else (e.date + interval 1 year - interval 1 day)::date
        end as date_last,
        regexp_split_to_array(lower(coalesce(r.name, '') || ' ' || coalesce(e.entity, '')), '[^a-z0-9]+')
            as name_words,
        regexp_split_to_array(lower(e.title), '[^a-z0-9]+') as title_words,
        case coalesce(s.published_precision, g.published_precision)
            when 'day' then 0 when 'month' then 1 when 'year' then 2 else 3
        end as source_precision_rank,
        -- the report's own source: its dataset's, or a shared one (a dataset cannot define a shared id)
        coalesce(s.publisher, g.publisher) as source_publisher
    from events as e
    left join regions as r on r.region_code = e.jurisdiction
    left join sources as s on s.source_id = e.source_id and s.dataset = e.dataset
    left join sources as g on g.source_id = e.source_id and g.dataset = '_reference'
),

significant as (
    select
        r.report_key,
        list_distinct(list_transform(
            list_filter(
                r.title_words,
                lambda w: length(w) >= 3 and not list_contains(s.words, w) and not list_contains(r.name_words, w)
            ),
            lambda w: regexp_replace(w, 's$', '')
        )) as words
    from reports as r
    cross join stop_words as s
),

same_event as (
    select a.report_key as a_key, b.report_key as b_key
    from reports as a
    inner join reports as b
        on  a.report_key < b.report_key
        and a.jurisdiction = b.jurisdiction
        and a.category = b.category
        and a.entity is not distinct from b.entity
        and (a.status = 'expected') = (b.status = 'expected')
        and a.date <= b.date_last + 1
        and b.date <= a.date_last + 1
    inner join significant as sa on sa.report_key = a.report_key
    inner join significant as sb on sb.report_key = b.report_key
    where len(list_intersect(sa.words, sb.words)) > 0
),

links as (
    select a_key as from_key, b_key as to_key from same_event
    union all
    select b_key, a_key from same_event
),

-- every report reachable from each report through the pair rule (the report itself included)
reach(report_key, member_key) as (
    select report_key, report_key from reports
    union
    select r.report_key, l.to_key
    from reach as r
    inner join links as l on l.from_key = r.member_key
),

members as (
    select
        r.report_key,
        m.event_id,
        m.dataset,
        m.source_id,
        m.source_publisher,
        m.date,
        row_number() over (
            partition by r.report_key order by m.precision_rank, m.date, m.source_precision_rank, m.event_id, m.dataset
        ) as rank_in_group
    from reach as r
    inner join reports as m on m.report_key = r.member_key
),

groups as (
    select
        report_key,
        min(event_id) filter (where rank_in_group = 1) as group_id,
        count(*)::integer as group_size,
        list(event_id order by rank_in_group) as group_event_ids,
        list(source_id order by rank_in_group) as group_source_ids_ordered,
        list({'dataset': dataset, 'source_id': source_id} order by rank_in_group) as group_cited_ordered,
        list(coalesce(source_publisher, source_id) order by rank_in_group) as group_publishers_ordered
    from members
    group by report_key
),

final as (
    select
        e.* exclude (
            report_key, precision_rank, date_last, name_words, title_words, source_precision_rank, source_publisher
        ),
        g.group_id,
        e.event_id = g.group_id as is_representative,
        g.group_size,
        g.group_event_ids,
        list_filter(g.group_source_ids_ordered, lambda s, i: list_position(g.group_source_ids_ordered, s) = i)
            as group_source_ids,
        -- each distinct (dataset, source_id) a report of the group cites, in the same order: the key a citation
        -- is resolved by (cited_sources), as two datasets may use one source id for two sources
        list_filter(g.group_cited_ordered, lambda c, i: list_position(g.group_cited_ordered, c) = i) as group_cited,
        -- each distinct source id's publisher (of the report's own dataset), in the same order
        list_filter(
            g.group_publishers_ordered,
            lambda p, i: list_position(g.group_source_ids_ordered, g.group_source_ids_ordered[i]) = i
        ) as group_publishers
    from reports as e
    inner join groups as g using (report_key)
)

select * from final
order by date, event_id
