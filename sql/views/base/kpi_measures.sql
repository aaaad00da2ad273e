-- The KPI formulas of a comparison, written once as DuckDB macros (docs/warehouse.md, "Measures"); every view
-- that measures an actual against an expectation calls them (actual_vs_expectation, variance_by_region_quarter,
-- pacing, shortfall_streaks), and SQL users can call them on the published file. tests/sql/test_kpi_macros.py
-- fails when a formula's text appears anywhere else in sql/.
-- Arguments: actual and expectation in one unit (doubles); base_unit the comparison's base unit ('USD', '%',
-- 'ratio', 'count', ...); band_low/band_high the expectation's range (its value twice when not a range);
-- higher_is_better the metric's sense (null when unknown).
-- Rates ('%' and 'ratio' base units: shares, growth rates, percentages) are compared in percentage points: a
-- ratio of two percentages is not a share of plan, so variance_pct and attainment are null for them
-- (ISO 80000-1 and common usage: "percentage points" for differences of percentages), and the colour value
-- performance_pct is the signed variance in points as a fraction (-0.2157 = 21.57 pp worse than expected); a
-- zero is 0.0, never -0.0 (the sign of a lower-is-better metric's flip is not kept on a zero).
-- Returns: kpi_difference double (actual - expectation, 0 within rounding); kpi_is_rate boolean;
-- kpi_variance_pct double (fraction of |expectation|, null at 0 or for rates);
-- kpi_attainment double (actual / expectation, null when the expectation is <= 0 or a rate: a ratio to a
-- negative or zero plan is not a percentage of plan); kpi_direction 'below' | 'in_line' | 'above';
-- kpi_favourable boolean (null in line or without a sense); kpi_is_shortfall boolean; kpi_performance_pct
-- double (positive = better for the metric); kpi_variance_bps double (basis points, rates only);
-- range_midpoint double (a range's value is its midpoint).
-- kpi_difference: actual - expectation, and 0 within the rounding of double arithmetic: a difference of at most
-- 1e-12 of the larger magnitude is rounding, not a miss (a level implied by 10 % growth on 105, 115.50000000000001,
-- against a reported 115.5 read 'below' and counted as a shortfall). 1e-12: IEEE 754 doubles carry 15.95
-- significant digits and the sums and products of a comparison (a few thousand terms at most) stay well below
-- 1e-12 relative, while a reported figure carries at most 12 significant digits (a billion to the cent).
create or replace macro kpi_difference(actual, expectation) as
    case
        when abs(actual - expectation) <= 1e-12 * greatest(abs(actual), abs(expectation)) then 0.0
        else actual - expectation
    end;

create or replace macro kpi_is_rate(base_unit) as coalesce(base_unit in ('%', 'ratio'), false);

create or replace macro kpi_variance_pct(actual, expectation, base_unit) as
    case when not kpi_is_rate(base_unit) then kpi_difference(actual, expectation) / nullif(abs(expectation), 0) end;

create or replace macro kpi_attainment(actual, expectation, base_unit) as
    case when expectation > 0 and not kpi_is_rate(base_unit) then actual / expectation end;

create or replace macro kpi_direction(actual, band_low, band_high) as
    case
        when kpi_difference(actual, band_low) < 0 then 'below'
        when kpi_difference(actual, band_high) > 0 then 'above'
        else 'in_line'
    end;

create or replace macro kpi_favourable(direction, higher_is_better) as
    case when direction <> 'in_line' then (direction = 'above') = higher_is_better end;

create or replace macro kpi_is_shortfall(direction, higher_is_better) as
    case when higher_is_better then direction = 'below' else direction = 'above' end;

create or replace macro kpi_sense(higher_is_better) as
    case when higher_is_better then 1 when not higher_is_better then -1 end;

create or replace macro kpi_performance_pct(actual, expectation, base_unit, higher_is_better) as
    case
        when kpi_is_rate(base_unit)
            then kpi_difference(actual, expectation) / (case base_unit when '%' then 100.0 else 1.0 end)
        else kpi_difference(actual, expectation) / nullif(abs(expectation), 0)
    end * kpi_sense(higher_is_better) + 0.0;  -- + 0.0: a met cost plan is 0, not IEEE 754's -0.0

create or replace macro kpi_variance_bps(actual, expectation, base_unit) as
    case base_unit
        when '%' then kpi_difference(actual, expectation) * 100
        when 'ratio' then kpi_difference(actual, expectation) * 10000
    end;

create or replace macro range_midpoint(value, value_high) as
    case when value_high is not null then (value + value_high) / 2 else value end;
