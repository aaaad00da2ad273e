-- Growth expectations and what they are compared with (docs/warehouse.md, "Growth targets"): one row per
-- expectation of a growth metric (chosen_expectations: entity, metric, region, period, kind, policy), where a
-- growth metric is named '<metric>_growth_yoy' or '<metric>_growth_qoq' after a metric of the metrics table
-- (a figure in '% YoY' on revenue is loaded as revenue_growth_yoy).
-- prior period: 'yoy' the same grain a year earlier (its start and end within 7 days of a year before: a 52/53-week
-- year moves by a week), 'qoq' the same grain ending the day before the period starts.
-- Columns: entity, metric (the growth metric), base_metric, growth_basis ('yoy' | 'qoq'), region_code, period,
-- grain, period_start, period_end, kind, policy, growth (the expectation, %), expectation_as_of,
-- expectation_source_id, expectation_figure_id; actual_* (the base metric's actual for the period, latest
-- vintage: reported, or rolled up from finer actuals by rollup_tilings, whose growth_periods ask for both
-- periods; null when missing; actual_figure_ids lists its figures, actual_basis 'sum of 12 months' when
-- rolled up), prior_* (the same for the prior period; null when missing), unit (the
-- base metric's base unit), actual_growth = (actual / prior - 1) x 100 (null unless prior > 0), implied_level =
-- prior x (1 + growth / 100), the level the target implies (null unless prior > 0: "grow 10 %" on a loss of 10
-- does not mean a loss of 11, as a ratio to a negative or zero base is not a percentage; unmatched_expectations
-- lists such a target with its reason), prior_label; growth_low, growth_high, growth_bound (a range's ends, null
-- otherwise; the expectation's bound) and implied_low, implied_high (the levels a range implies: "grow 10-12 %"
-- on 100 is 110-112, not 111); prior_currency and implied_native (the implied level in the prior's own
-- currency, compared in it by actual_vs_expectation's constant-currency rule: the dollar's moves are fx_effect).
-- actual_growth is in the figures' own currency when the actual and the prior share one;
-- expectation_dataset, actual_dataset, prior_dataset (each figure's: its ids are scoped to it).
create or replace view growth_bases as

with expectations as (
    select * from chosen_expectations
),

-- reported actuals, and those rolled up from finer ones (rollup_tilings: twelve months for a year's growth)
actuals as (
    select
        entity, metric, region_code, period, grain, period_start, period_end, value, unit, as_of, source_id,
        figure_id, dataset, bound, [figure_id] as figure_ids, null::varchar as basis, currency, value_native
    from actual_figures
    union all
    select
        entity, metric, region_code, period, grain, period_start, period_end, value, unit, as_of, source_id,
        null::varchar as figure_id, dataset, bound, component_figure_ids as figure_ids, basis, currency,
        value_native
    from rollup_tilings()
    where side = 'actual'
),

metrics as (
    select * from metrics
),

growth_expectations as (
    select
        e.*,
        regexp_extract(e.metric, '^(.*)_growth_(yoy|qoq)$', 1) as base_metric,
        regexp_extract(e.metric, '^(.*)_growth_(yoy|qoq)$', 2) as growth_basis
    from expectations as e
    where regexp_matches(e.metric, '_growth_(yoy|qoq)$')
),

known as (
    select g.*
    from growth_expectations as g
    semi join metrics as m on m.metric = g.base_metric
),

with_actuals as (
    select
        g.*,
        a.value as actual_value,
        a.unit as actual_unit,
        a.as_of as actual_as_of,
        a.source_id as actual_source_id,
        a.figure_id as actual_figure_id,
        a.dataset as actual_dataset,
        a.bound as actual_bound,
        a.figure_ids as actual_figure_ids,
        a.basis as actual_basis,
        a.currency as actual_currency,
        a.value_native as actual_native
    from known as g
    left join actuals as a
        on  a.entity = g.entity
        and a.metric = g.base_metric
        and a.region_code = g.region_code
        and a.period_start = g.period_start
        and a.period_end = g.period_end
),

with_priors as (
    select
        g.*,
        p.value as prior_value,
        p.unit as prior_unit,
        p.period as prior_label,
        p.as_of as prior_as_of,
        p.source_id as prior_source_id,
        p.figure_id as prior_figure_id,
        p.dataset as prior_dataset,
        p.bound as prior_bound,
        p.figure_ids as prior_figure_ids,
        p.basis as prior_basis,
        p.currency as prior_currency,
        p.value_native as prior_native
    from with_actuals as g
    left join actuals as p
        on  p.entity = g.entity
        and p.metric = g.base_metric
        and p.region_code = g.region_code
        and p.grain = g.grain
        and p.unit is not distinct from coalesce(g.actual_unit, p.unit)
        and case g.growth_basis
            when 'yoy' then abs(datediff('day', p.period_start, g.period_start - interval 1 year)) <= 7
                and abs(datediff('day', p.period_end, g.period_end - interval 1 year)) <= 7
            else p.period_end = g.period_start - 1
        end
    qualify row_number() over (
        partition by g.entity, g.metric, g.region_code, g.period_start, g.period_end, g.kind, g.policy
        -- reported before rolled up, then the calendar's year or quarter before weeks', then the latest
        order by p.figure_id is null,
            abs(datediff('day', p.period_start, case g.growth_basis
                when 'yoy' then (g.period_start - interval 1 year)::date
                else (g.period_start - interval 3 month)::date end)),
            p.as_of desc, p.figure_id desc, p.dataset desc
    ) = 1
),

final as (
    select
        entity,
        metric,
        base_metric,
        growth_basis,
        region_code,
        period,
        grain,
        period_start,
        period_end,
        kind,
        policy,
        value as growth,
        as_of as expectation_as_of,
        source_id as expectation_source_id,
        figure_id as expectation_figure_id,
        actual_value,
        actual_as_of,
        actual_source_id,
        actual_figure_id,
        actual_bound,
        actual_figure_ids,
        actual_basis,
        prior_label,
        prior_value,
        prior_as_of,
        prior_source_id,
        prior_figure_id,
        prior_bound,
        prior_figure_ids,
        prior_basis,
        coalesce(actual_unit, prior_unit) as unit,
        -- in the figures' own currency when both periods share one: a pound business's growth is not moved by
        -- the pound against the dollar (20.00 % on 3,500 -> 4,200 GBP read 19.32 % in USD at each period's rate)
        case
            when prior_value > 0 and actual_currency = prior_currency and prior_native > 0
                then (actual_native / prior_native - 1) * 100
            when prior_value > 0 then (actual_value / prior_value - 1) * 100
        end as actual_growth,
        case when prior_value > 0 then prior_value * (1 + value / 100) end as implied_level,
        prior_currency,
        case when prior_value > 0 and prior_native > 0 then prior_native * (1 + value / 100) end as implied_native,
        value_low as growth_low,
        value_high as growth_high,
        bound as growth_bound,
        case when prior_value > 0 then prior_value * (1 + value_low / 100) end as implied_low,
        case when prior_value > 0 then prior_value * (1 + value_high / 100) end as implied_high,
        dataset as expectation_dataset,
        actual_dataset,
        prior_dataset
    from with_priors
)

select * from final
