-- The Trends page "against last year": each chosen region's actual against the same period a year earlier
-- (actual_vs_prior, comparison 'prior_year'; fiscal years by the entity's calendar), the prior year's actual
-- drawn at this year's period. Parameters: entity, metric; filter: the region codes.
-- Columns: region_code, region_name, period, grain, period_start, period_end, prior_period, prior_actual,
-- change, change_pct, change_bps, favourable, prior_bound, prior_as_of, prior_source_id, publisher, unit
-- (values in the base unit).
select p.region_code, coalesce(p.region_name, p.region_code) as region_name, p.period, p.grain,
       p.period_start, p.period_end, p.prior_period, p.prior_actual, p.change, p.change_pct, p.change_bps,
       p.favourable, p.prior_bound, p.prior_as_of, p.prior_source_id,
       s.publisher, p.unit
from actual_vs_prior as p
left join cited_sources as s on s.dataset = p.prior_dataset and s.source_id = p.prior_source_id
where p.entity = ? and p.metric = ? and p.comparison = 'prior_year' and true /* filter */
order by p.region_code, p.period_start
