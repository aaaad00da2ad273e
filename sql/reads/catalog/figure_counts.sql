-- The catalogue the pickers start from (figure_counts). Parameters: none.
-- Columns: entity, metric, region_code, kind, is_expectation, unit, figures, numeric_figures.
select entity, metric, region_code, kind, is_expectation, unit, figures, numeric_figures
from figure_counts
