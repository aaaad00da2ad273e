-- The cells where an export's own comparison disagrees with the warehouse's: one row per export_values cell
-- (a Budget vs. Actuals report's "over Budget" or "% of Budget") whose two figures the warehouse compared
-- differently, or did not compare at all. Empty when the export and the warehouse agree.
-- Each cell is checked against actual_vs_expectation's row for the same two figures (the cells in its row
-- and group, by figures.origin), in the figures' unit:
--   variance       = actual - expectation                     (the export's "over Budget", "Var")
--   variance_pct   = variance / |expectation| x 100           ("Var %")
--   attainment_pct = actual / expectation x 100                ("% of Budget")
--   attainment     = actual / expectation
-- Where the warehouse gives no attainment or variance_pct (an expectation <= 0, a percentage metric) the
-- export's ratio is checked against the ratio of the same actual and expectation. Exports round to two
-- decimals: a difference up to half a unit of the second decimal (of a unit, a percent, or 0.00005 of a
-- ratio) is agreement. A cell whose actual or expectation the export left empty is not checked.
create or replace view export_reconciliation as

with exported as (
    select * from export_values
    where actual_origin is not null and expectation_origin is not null
),

figures as (
    select dataset, file, origin, figure_id, metric from figures
),

comparisons as (
    select
        actual_figure_id, actual_dataset, expectation_figure_id, expectation_dataset, policy, actual, expectation,
        variance, variance_pct, attainment
    from actual_vs_expectation
    where actual_vintage = 'latest'
),

matched as (
    select
        x.*,
        coalesce(a.metric, e.metric) as metric,
        a.figure_id as actual_figure_id,
        e.figure_id as expectation_figure_id,
        c.policy,
        case x.measure
            when 'variance' then c.variance
            when 'variance_pct' then coalesce(c.variance_pct, c.variance / nullif(abs(c.expectation), 0)) * 100
            when 'attainment_pct' then coalesce(c.attainment, c.actual / nullif(c.expectation, 0)) * 100
            when 'attainment' then coalesce(c.attainment, c.actual / nullif(c.expectation, 0))
        end as ours,
        case when x.measure = 'attainment' then 0.00005 else 0.005 end as tolerance
    from exported as x
    left join figures as a
        on a.dataset = x.dataset and a.file = x.file and a.origin = x.actual_origin
    left join figures as e
        on e.dataset = x.dataset and e.file = x.file and e.origin = x.expectation_origin
    left join comparisons as c
        on  c.actual_figure_id = a.figure_id
        and c.actual_dataset = a.dataset
        and c.expectation_figure_id = e.figure_id
        and c.expectation_dataset = e.dataset
    qualify row_number() over (partition by x.dataset, x.file, x.origin order by c.policy nulls last) = 1
),

final as (
    select
        dataset,
        file,
        sheet,
        cell,
        line,
        metric,
        period,
        measure,
        value as export_value,
        ours as our_value,
        value - ours as difference,
        case
            when actual_figure_id is null or expectation_figure_id is null then
                'no figure loaded from ' || (case when actual_figure_id is null then actual_origin
                else expectation_origin end) || ' (see rejected_rows)'
            when ours is null then
                'the warehouse does not compare ' || actual_origin || ' with ' || expectation_origin
            else
                'the export shows ' || value || ', the warehouse ' || round(ours, 6)
        end as reason,
        actual_origin,
        expectation_origin
    from matched
    where ours is null or abs(value - ours) > tolerance + 1e-9 * abs(value)
)

select * from final
order by dataset, file, sheet, period, cell
