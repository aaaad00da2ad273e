-- Entity and metric pairs with a numeric actual and a numeric expectation, most figures first (from
-- figure_counts, stored at build time: no scan of figures). Parameters: none.
-- Columns: entity, metric, actual_figures, expectation_figures (numeric figures of each side),
-- expectation_kinds (sorted list of the kinds with numeric expectations).
with sides as (
    select
        entity,
        metric,
        coalesce(sum(numeric_figures) filter (where not is_expectation), 0)::bigint as actual_figures,
        coalesce(sum(numeric_figures) filter (where is_expectation), 0)::bigint as expectation_figures,
        list_sort(list_distinct(list(kind) filter (where is_expectation and numeric_figures > 0)))
            as expectation_kinds
    from figure_counts
    group by entity, metric
)

select entity, metric, actual_figures, expectation_figures, expectation_kinds
from sides
where actual_figures > 0 and expectation_figures > 0
order by actual_figures + expectation_figures desc, entity asc, metric asc
