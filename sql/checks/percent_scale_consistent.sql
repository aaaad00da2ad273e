-- blocking: false
-- description: every percentage is on its series' scale: a value about 1/100 of its series' median (0.035 beside 3.5 %) looks like a fraction written in %, and is compared as written
-- One row per figure in '%' of a series (entity, metric, region; all kinds together, at least three figures
-- with a median of 1 % or more) whose value x 100 is within 30 % of the series' median: figure_id, dataset,
-- file, row_number, entity, metric, region_code, period, kind, value, series_median. A spreadsheet's percent cells
-- are read as their format shows them (pipelines/ingest/cell_formats.py); a typed 0.035 in a '%' column is not,
-- and would read a 3.5 % plan as 0.035 % (an actual of 2.9 % then beats it by 2.87 points).
with series as (
    select
        figure_id, dataset, file, row_number, entity, metric, region_code, period, kind, value,
        median(value) over (partition by entity, metric, region_code) as series_median,
        count(value) over (partition by entity, metric, region_code) as series_figures
    from figures
    where unit = '%' and value is not null
)

select
    figure_id, dataset, file, row_number, entity, metric, region_code, period, kind, value, series_median
from series
where series_figures >= 3
    and series_median >= 1
    and value > 0
    and abs(value * 100 / series_median - 1) <= 0.3
order by dataset, file, row_number
