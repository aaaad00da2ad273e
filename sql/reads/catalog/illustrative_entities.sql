-- Entities whose every figure comes from a dataset named 'illustrative-*' (the operator demo's
-- 'illustrative-marketplace', docs/orders.md section 7): made-up data, labelled on every page and listed last.
-- Parameters: none. Columns: entity.
select entity from figures
group by entity
having bool_and(starts_with(dataset, 'illustrative-'))
