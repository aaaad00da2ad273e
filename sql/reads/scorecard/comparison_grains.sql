-- The grains a series can be shown at: those of its reported comparisons, and 'quarter (summed)' when it has
-- quarters in serve_quarter_comparisons. Parameters: entity, metric, expectation_kind, policy (twice).
-- Columns: grain.
select distinct grain from serve_comparisons
where entity = ? and metric = ? and expectation_kind = ? and policy = ?
union
select 'quarter (summed)' as grain
where exists (
    select 1 from serve_quarter_comparisons
    where entity = ? and metric = ? and expectation_kind = ? and policy = ?
)
