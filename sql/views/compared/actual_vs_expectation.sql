-- One row per actual x actual_vintage x expectation kind x policy, compared at the expectation's grain (docs/warehouse.md).
-- Pairs, in order of precedence (a period never gets two rows for one kind and policy):
--   1. an actual and an expectation reported for exactly the same period (basis 'reported');
--   2. an expectation period with no such actual, against actual_rollups (finer actuals tiling it completely,
--      by the metric's aggregation; basis 'actual: sum of 12 months');
--   3. an actual period with no expectation of that kind and policy, against expectation_rollups (basis
--      'expectation: sum of 3 months').
-- Declared wholes (composed_actuals): a region or entity whose dataset declares its parts (made_of) is compared
-- with the sum (or weighted mean) of its parts' actuals where every part reports and no time rollup applies
-- (basis 'actual: sum of 2 regions: CA, US').
-- Growth targets (growth_bases: a metric '<metric>_growth_yoy', from a figure in '% YoY'): compared twice, as
-- growth (the base metric's growth on the prior period against the target, in points, basis 'actual: growth on
-- FY2011 (YOY)') and as the level the target implies (the actual against prior x (1 + g), basis 'expectation:
-- level implied by 10 % YOY growth on FY2011'); without the prior period's actual neither exists, and
-- unmatched_expectations says why.
-- Which actual (actual_vintage): 'latest' (actual_figures: revisions win; the default, and every rolled-up
-- actual) for every actual, and 'first_release' (first_release_actuals: the first published value) as a row of
-- its own only where the actual was restated (its first release is another figure): a query on one policy
-- still gets one row per comparison. is_first_release: the latest row's actual is also its first release (null
-- for rollups). A forecast evaluation ("how good was the consensus?") reads
-- `actual_vintage = 'first_release' or is_first_release`. Views and pages built on this one read
-- actual_vintage = 'latest' unless they say otherwise.
-- Policies: 'at_period_end', 'original', 'latest' as chosen_expectations picks them, and 'when_reported':
-- the latest vintage (expectation_revisions) whose as_of is on or before the actual's as_of (same day counts;
-- ties: highest figure_id) - what was expected when the result came out. Rolled-up expectations have no
-- 'when_reported' row. is_default_policy: the policy is default_policies' choice for the expectation kind.
-- Constant currency: when the actual and the expectation share a currency (column currency), actual is the
-- actual restated at the expectation's rate, so every measure below is the one computed in that currency;
-- actual_at_own_rates is the actual at its own period's rates (USD, for cross-currency views) and
-- fx_effect = actual_at_own_rates - actual, the exchange-rate effect (0 for USD and non-money figures).
-- Units: every value column (actual, actual_at_own_rates, fx_effect, expectation and its range, variance) is in
-- `unit`, the expectation's unit as reported ('USD m' for a budget written in USD m: 293 vs 300, as the file
-- wrote it; 'TRY m' for a plan in lira), so a comparison reads as its sources do; a rolled-up expectation
-- and a figure without a unit stay in the base unit. base_unit ('USD', 'count', '%') and to_base (base units
-- per one `unit`, the expectation's rate x scale; 1 when unit = base_unit) give the base value: actual *
-- to_base, which every view and page that adds or charts comparisons of several periods or regions uses.
-- Ratios (variance_pct, attainment, performance_pct) are the same in either unit.
-- The expectation's own currency (issue 23: a EUR plan shown only in USD): expectation_currency (ISO 4217 of
-- the expectation, 'USD' for a USD one; null when not money or a rollup of several currencies),
-- usd_per_unit (the rate that converted the expectation: USD per one expectation_currency, the mean of the
-- monthly rates over the expectation's period, 1.0 for USD; its months and publisher: fx_rates_used), and
-- actual_native, expectation_native, expectation_low_native, expectation_high_native, variance_native in
-- whole units of that currency (EUR, not EUR m): the figures as the files give them (value_raw x unit_scale).
-- An actual in the same currency is its own native value; one in another currency is its USD value at the
-- expectation's rate. Always actual x to_base = actual_native x usd_per_unit (the base value in USD).
-- Measures (ranges compare against their midpoint; only figures with the same base unit are compared):
--   variance = actual - expectation; variance_pct = variance / |expectation| (null when 0);
--   attainment = actual / expectation, null when expectation <= 0 (not a share of plan then);
--   direction: below | in_line | above the expectation (inside a range: in_line);
--   favourable: better than expected given the metric's higher_is_better, null when in line;
--   performance_pct: variance_pct with the sign flipped for lower-is-better metrics (positive = better);
--   is_shortfall: favourable is false. direction_certain is false when an at_least/at_most bound could flip
--   the direction; is_approximate / is_bound carry the flags of the figures and of every rolled-up component.
-- Evidence: actual_figure_ids / expectation_figure_ids list every figure behind the row (one when reported),
-- actual_source_id / expectation_source_id their sources (comma-joined for rollups); actual_dataset /
-- expectation_dataset the datasets those ids are scoped to (null when the components come from several).
create or replace view actual_vs_expectation as

with actuals as (
    select * from actual_figures
),

actual_rolled as (
    select * from actual_rollups
),

first_releases as (
    select * from first_release_actuals
),

growth as (
    select * from growth_bases
),

composed as (
    select * from composed_actuals
),

expectations as (
    select * from chosen_expectations
),

expectation_rolled as (
    select * from expectation_rollups
),

vintages as (
    select * from expectation_revisions
),

aggregations as (
    select * from metric_aggregations
),

policies as (
    select * from default_policies
),

regions as (
    select * from regions
),

actual_side as (
    select
        entity, metric, region_code, period, grain, period_start, period_end, unit, value, value_low,
        value_high, kind, bound, as_of, source_id, figure_id, currency, value_native,
        [figure_id] as figure_ids,
        1::bigint as components,
        (bound <> 'exact')::bigint as approximate_components,
        null::varchar as basis,
        actual_vintage,
        is_first_release,
        dataset
    from (
        -- the actual as it stands; is_first_release: it is also the first published value (never restated)
        select a.*, 'latest' as actual_vintage, f.figure_id is not null as is_first_release
        from actuals as a
        left join first_releases as f
            on  f.entity = a.entity
            and f.metric = a.metric
            and f.region_code = a.region_code
            and f.period_start = a.period_start
            and f.period_end = a.period_end
            and f.figure_id = a.figure_id
            and f.dataset = a.dataset
        union all
        -- a restated actual's first release: a row of its own, only where it differs from the latest
        select f.*, 'first_release' as actual_vintage, true as is_first_release
        from first_releases as f
        anti join actuals as a
            on  a.entity = f.entity
            and a.metric = f.metric
            and a.region_code = f.region_code
            and a.period_start = f.period_start
            and a.period_end = f.period_end
            and a.figure_id = f.figure_id
            and a.dataset = f.dataset
    ) as vintaged
    union all
    select
        entity, metric, region_code, period, grain, period_start, period_end, unit, value, value_low,
        value_high, kind, bound, as_of, source_id, figure_id, currency, value_native,
        component_figure_ids as figure_ids,
        components,
        approximate_components,
        basis,
        'latest' as actual_vintage,
        null::boolean as is_first_release,
        dataset
    from actual_rolled
    union all
    -- a declared whole (a region or entity with made_of) from its parts, where time does not roll it up
    select
        c.entity, c.metric, c.region_code, c.period, c.grain, c.period_start, c.period_end, c.unit, c.value,
        c.value_low, c.value_high, c.kind, c.bound, c.as_of, c.source_id, c.figure_id, c.currency,
        c.value_native, c.figure_ids, c.components, c.approximate_components, c.basis,
        'latest' as actual_vintage, null::boolean as is_first_release, c.dataset
    from composed as c
    anti join actual_rolled as r
        on  r.entity = c.entity
        and r.metric = c.metric
        and r.region_code = c.region_code
        and r.period_start = c.period_start
        and r.period_end = c.period_end
        and r.unit is not distinct from c.unit
    union all
    -- a growth metric's actual where none is reported: the base metric's growth on the prior period
    select distinct
        g.entity, g.metric, g.region_code, g.period, g.grain, g.period_start, g.period_end, '%' as unit,
        g.actual_growth as value, null::double as value_low, null::double as value_high, 'actual' as kind,
        case when g.actual_bound = 'exact' and g.prior_bound = 'exact' then 'exact' else 'approx' end as bound,
        greatest(g.actual_as_of, g.prior_as_of) as as_of,
        g.actual_source_id || ',' || g.prior_source_id as source_id,
        null::varchar as figure_id, null::varchar as currency, null::double as value_native,
        g.prior_figure_ids || g.actual_figure_ids as figure_ids,
        len(g.prior_figure_ids || g.actual_figure_ids)::bigint as components,
        ((g.actual_bound <> 'exact')::int + (g.prior_bound <> 'exact')::int)::bigint as approximate_components,
        'growth on ' || g.prior_label || ' (' || upper(g.growth_basis) || ')'
            || coalesce('; ' || g.prior_label || ': ' || g.prior_basis, '')
            || coalesce('; ' || g.period || ': ' || g.actual_basis, '') as basis,
        'latest' as actual_vintage,
        null::boolean as is_first_release,
        case when g.actual_dataset = g.prior_dataset then g.actual_dataset end as dataset
    from growth as g
    anti join actuals as a
        on  a.entity = g.entity
        and a.metric = g.metric
        and a.region_code = g.region_code
        and a.period_start = g.period_start
        and a.period_end = g.period_end
    where g.actual_growth is not null
),

expectation_side as (
    select
        entity, metric, region_code, period_start, period_end, unit, kind, policy, value, value_low, value_high,
        bound, as_of, source_id, figure_id, vintages, currency, value_native, unit_raw, base_per_unit_raw,
        [figure_id] as figure_ids,
        1::bigint as components,
        (bound <> 'exact')::bigint as approximate_components,
        null::varchar as basis,
        dataset
    from expectations
    union all
    select
        entity, metric, region_code, period_start, period_end, unit, kind, policy, value, value_low, value_high,
        bound, as_of, source_id, figure_id, vintages, currency, value_native, unit_raw, base_per_unit_raw,
        component_figure_ids as figure_ids,
        components,
        approximate_components,
        basis,
        dataset
    from expectation_rolled
    union all
    -- a growth target as the level it implies (prior actual x (1 + g)), where no level expectation of that
    -- kind and policy exists for the period
    select
        g.entity, g.base_metric as metric, g.region_code, g.period_start, g.period_end, g.unit, g.kind, g.policy,
        g.implied_level as value, g.implied_low as value_low, g.implied_high as value_high,
        case  -- "at least 10 %" implies at least that level; an approximate prior makes the level approximate
            when g.growth_bound in ('at_least', 'at_most') then g.growth_bound
            when g.prior_bound = 'exact' and g.growth_bound = 'exact' then 'exact'
            else 'approx'
        end as bound,
        greatest(g.expectation_as_of, g.prior_as_of) as as_of,
        g.expectation_source_id || ',' || g.prior_source_id as source_id,
        null::varchar as figure_id, null::bigint as vintages, g.prior_currency as currency,
        g.implied_native as value_native, null::varchar as unit_raw, null::double as base_per_unit_raw,
        [g.expectation_figure_id] || g.prior_figure_ids as figure_ids,
        (1 + len(g.prior_figure_ids))::bigint as components,
        0::bigint as approximate_components,
        'level implied by ' || g.growth || ' % ' || upper(g.growth_basis) || ' growth on ' || g.prior_label
            || coalesce(' (' || g.prior_basis || ')', '') as basis,
        case when g.expectation_dataset = g.prior_dataset then g.expectation_dataset end as dataset
    from growth as g
    anti join expectations as e
        on  e.entity = g.entity
        and e.metric = g.base_metric
        and e.region_code = g.region_code
        and e.period_start = g.period_start
        and e.period_end = g.period_end
        and e.kind = g.kind
        and e.policy = g.policy
    where g.implied_level is not null
),

pairs as (
    select
        a.*,
        e.kind as e_kind, e.policy as e_policy, e.value as e_value, e.value_low as e_value_low,
        e.value_high as e_value_high, e.bound as e_bound, e.as_of as e_as_of, e.source_id as e_source_id,
        e.figure_id as e_figure_id, e.vintages as e_vintages, e.figure_ids as e_figure_ids,
        e.components as e_components, e.approximate_components as e_approximate_components, e.basis as e_basis,
        e.currency as e_currency, e.value_native as e_value_native, e.unit_raw as e_unit_raw,
        e.base_per_unit_raw as e_base_per_unit_raw, e.dataset as e_dataset
    from actual_side as a
    inner join expectation_side as e
        on  e.entity = a.entity
        and e.metric = a.metric
        and e.region_code = a.region_code
        and e.period_start = a.period_start
        and e.period_end = a.period_end
        and e.unit is not distinct from a.unit
    union all
    select
        a.*,
        v.kind, 'when_reported', v.value, v.value_low, v.value_high, v.bound, v.as_of, v.source_id,
        v.figure_id, v.vintages, [v.figure_id], 1::bigint, (v.bound <> 'exact')::bigint, null::varchar,
        v.currency, v.value_native, v.unit_raw, v.base_per_unit_raw, v.dataset
    from actual_side as a
    inner join vintages as v
        on  v.entity = a.entity
        and v.metric = a.metric
        and v.region_code = a.region_code
        and v.period_start = a.period_start
        and v.period_end = a.period_end
        and v.unit is not distinct from a.unit
        and v.as_of <= a.as_of
    qualify row_number() over (
        partition by a.entity, a.metric, a.region_code, a.period_start, a.period_end, a.unit, v.kind, a.actual_vintage
        order by v.as_of desc, v.figure_id desc, v.dataset desc
    ) = 1
),

constant_currency as (
    -- an actual in the expectation's currency is restated at the expectation's own rate (e.value / e.native):
    -- every ratio is then the ratio in that currency; the rest of the USD difference is fx_effect
    select
        *,
        case
            when currency is not null and currency = e_currency and e_value_native <> 0
                then e_value * (value_native / e_value_native)
            else value
        end as actual_constant
    from pairs
),

paired as (
    select
        p.entity,
        p.metric,
        p.region_code,
        r.name as region_name,
        p.period,
        p.grain,
        p.period_start,
        p.period_end,
        p.unit as base_unit,
        -- the expectation's unit as reported ('USD m', 'TRY m', 'users m'), base units per one of it
        case when p.e_base_per_unit_raw > 0 then coalesce(p.e_unit_raw, p.unit) else p.unit end as unit,
        case when p.e_base_per_unit_raw > 0 and p.e_unit_raw is not null then p.e_base_per_unit_raw else 1.0 end
            as to_base,
        p.actual_constant as actual,
        coalesce(p.value_low, p.value) * coalesce(p.actual_constant / nullif(p.value, 0), 1.0) as actual_low,
        coalesce(p.value_high, p.value) * coalesce(p.actual_constant / nullif(p.value, 0), 1.0) as actual_high,
        case when p.currency = p.e_currency then p.currency end as currency,
        p.e_currency as expectation_currency,
        -- USD per one of the expectation's currency: the rate its own value was converted at
        case when p.e_currency is not null and p.e_value_native <> 0 then p.e_value / p.e_value_native end
            as usd_per_unit,
        case when p.e_currency is not null and p.e_value_native <> 0 then
            case
                when p.currency = p.e_currency then p.value_native
                else round(p.actual_constant * p.e_value_native / p.e_value, 6)
            end
        end as actual_native,
        p.e_value_native as expectation_native,
        p.value as actual_at_own_rates,
        p.value - p.actual_constant as fx_effect,
        p.kind as actual_kind,
        p.bound as actual_bound,
        p.as_of as actual_as_of,
        p.source_id as actual_source_id,
        p.figure_id as actual_figure_id,
        p.figure_ids as actual_figure_ids,
        p.dataset as actual_dataset,
        p.components as actual_components,
        p.approximate_components as actual_approximate_components,
        p.e_value as expectation,
        p.e_value_low as expectation_low,
        p.e_value_high as expectation_high,
        coalesce(p.e_value_low, p.e_value) as band_low,
        coalesce(p.e_value_high, p.e_value) as band_high,
        p.e_kind as expectation_kind,
        p.e_bound as expectation_bound,
        p.e_as_of as expectation_as_of,
        p.e_source_id as expectation_source_id,
        p.e_figure_id as expectation_figure_id,
        p.e_figure_ids as expectation_figure_ids,
        p.e_dataset as expectation_dataset,
        p.e_components as expectation_components,
        p.e_approximate_components as expectation_approximate_components,
        p.e_as_of > p.period_end as expectation_published_after_period,
        p.e_vintages as vintages,
        p.e_policy as policy,
        p.actual_vintage,
        p.is_first_release,
        -- both sides when both are derived (a year of months against the level a growth target implies)
        coalesce(
            nullif(concat_ws('; ', 'actual: ' || p.basis, 'expectation: ' || p.e_basis), ''), 'reported'
        ) as basis,
        p.basis is not null or p.e_basis is not null as is_rollup,
        m.aggregation,
        m.higher_is_better,
        d.default_policy is not null as is_default_policy
    from constant_currency as p
    left join aggregations as m on m.metric = p.metric
    left join policies as d on d.expectation_kind = p.e_kind and d.default_policy = p.e_policy
    left join regions as r on r.region_code = p.region_code
),

measured as (
    select
        *,
        kpi_difference(actual, expectation) as variance,
        kpi_variance_pct(actual, expectation, base_unit) as variance_pct,
        kpi_attainment(actual, expectation, base_unit) as attainment,
        kpi_direction(actual, band_low, band_high) as direction,
        kpi_performance_pct(actual, expectation, base_unit, higher_is_better) as performance_pct,
        kpi_variance_bps(actual, expectation, base_unit) as variance_bps,
        case when expectation_high is not null then actual between band_low and band_high end as in_range
    from paired
),

final as (
    select
        entity,
        metric,
        region_code,
        region_name,
        period,
        grain,
        period_start,
        period_end,
        unit,
        base_unit,
        to_base,  -- presented values are rounded to 1e-9 of the unit (float noise of the division)
        currency,
        case when to_base = 1.0 then actual else round(actual / to_base, 9) end as actual,
        case
            when to_base = 1.0 then actual_at_own_rates else round(actual_at_own_rates / to_base, 9)
        end as actual_at_own_rates,
        case when to_base = 1.0 then fx_effect else round(fx_effect / to_base, 9) end as fx_effect,
        actual_kind,
        actual_bound,
        actual_as_of,
        actual_source_id,
        actual_figure_id,
        case when to_base = 1.0 then expectation else round(expectation / to_base, 9) end as expectation,
        case when to_base = 1.0 then expectation_low else round(expectation_low / to_base, 9) end as expectation_low,
        case when to_base = 1.0 then expectation_high else round(expectation_high / to_base, 9) end as expectation_high,
        expectation_kind,
        expectation_bound,
        expectation_as_of,
        expectation_source_id,
        expectation_figure_id,
        expectation_published_after_period,
        vintages,
        policy,
        actual_vintage,
        is_first_release,
        case when to_base = 1.0 then variance else round(variance / to_base, 9) end as variance,
        expectation_currency,
        usd_per_unit,
        actual_native,
        expectation_native,
        case when usd_per_unit is not null then round(expectation_low / usd_per_unit, 6) end
            as expectation_low_native,
        case when usd_per_unit is not null then round(expectation_high / usd_per_unit, 6) end
            as expectation_high_native,
        round(actual_native - expectation_native, 6) as variance_native,
        variance_pct,
        attainment,
        direction,
        in_range,
        -- the direction holds for every value the bounds allow: an at_least actual can only be higher,
        -- an at_most one only lower; likewise for the expectation
        case direction
            when 'below' then actual_bound <> 'at_least' and expectation_bound <> 'at_most'
                and actual_high < band_low
            when 'above' then actual_bound <> 'at_most' and expectation_bound <> 'at_least'
                and actual_low > band_high
            else actual_bound not in ('at_least', 'at_most') and expectation_bound not in ('at_least', 'at_most')
                and actual_low >= band_low and actual_high <= band_high
        end as direction_certain,
        kpi_is_shortfall(direction, higher_is_better) as is_shortfall,
        actual_bound = 'approx' or expectation_bound = 'approx' as is_approximate,
        actual_bound in ('at_least', 'at_most') or expectation_bound in ('at_least', 'at_most') as is_bound,
        kpi_favourable(direction, higher_is_better) as favourable,
        performance_pct,
        variance_bps,
        is_default_policy,
        basis,
        is_rollup,
        aggregation,
        actual_components,
        actual_approximate_components,
        actual_figure_ids,
        expectation_components,
        expectation_approximate_components,
        expectation_figure_ids,
        actual_dataset,
        expectation_dataset
    from measured
)

select * from final
