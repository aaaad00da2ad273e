-- The Scorecard "against last year": actual_vs_prior's prior-year rows of one series in the Scorecard's
-- comparison columns (the prior year's actual in the expectation's place), with the region tree and the
-- publishers joined, in the base unit. Parameters: entity, metric.
select p.region_code, coalesce(p.region_name, p.region_code) as region_name, r.level as region_level,
       r.depth as region_depth, r.path as region_path,
       p.period, p.grain, p.period_start, p.period_end, p.unit,
       p.actual, 'actual' as actual_kind, p.actual_bound, p.actual_source_id, sa.publisher as actual_publisher,
       p.prior_actual as expectation, null::double as expectation_low, null::double as expectation_high,
       p.prior_bound as expectation_bound, p.prior_as_of as expectation_as_of,
       p.prior_source_id as expectation_source_id, sp.publisher as expectation_publisher, null::bigint as vintages,
       p.change as variance, p.change_pct as variance_pct, null::double as attainment, p.direction,
       true as direction_certain, p.favourable = false as is_shortfall,
       p.actual_bound = 'approx' or p.prior_bound = 'approx' as is_approximate,
       p.actual_bound in ('at_least', 'at_most') or p.prior_bound in ('at_least', 'at_most') as is_bound,
       'against ' || p.prior_period as basis, p.favourable, p.performance_pct,
       1::bigint as actual_components, 0::bigint as actual_approximate_components,
       [p.actual_figure_id] as actual_figure_ids,
       1::bigint as expectation_components, 0::bigint as expectation_approximate_components,
       [p.prior_figure_id] as expectation_figure_ids
from actual_vs_prior as p
inner join regions as r using (region_code)
left join cited_sources as sa on sa.dataset = p.actual_dataset and sa.source_id = p.actual_source_id
left join cited_sources as sp on sp.dataset = p.prior_dataset and sp.source_id = p.prior_source_id
where p.entity = ? and p.metric = ? and p.comparison = 'prior_year'
order by r.path, p.period_start
