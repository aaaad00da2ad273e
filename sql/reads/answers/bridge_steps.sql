-- One bridge's steps in order (expectation_bridge), with each step's source title and address for the hover.
-- Parameters: entity, metric, region_code, period, expectation_kind.
select b.step_order, b.step, b.label, b.region_step, b.step_value, b.running_total, b.unit, b.policy, b.as_of,
       b.source_id, coalesce(b.publisher, s.publisher) as publisher, s.title, s.url, b.figure_id
from expectation_bridge as b
left join cited_sources as s on s.dataset = b.dataset and s.source_id = b.source_id
where b.entity = ? and b.metric = ? and b.region_code = ? and b.period = ? and b.expectation_kind = ?
order by b.step_order
