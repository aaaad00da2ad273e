-- A figure's number in the forms the chosen views carry, written once as DuckDB macros (docs/warehouse.md,
-- "Conventions"); ranked_actuals, chosen_expectations and expectation_revisions call them.
-- figure_value_native(value, fx_usd_per_unit): the figure's value (base units: USD for money) in its own
--   currency, rounded to a millionth of its unit: the division's rounding noise would make on-plan figures
--   differ, and constant-currency comparisons compare these (null without a rate: not money).
-- figure_base_per_unit_raw(unit_scale, fx_usd_per_unit): base units per one of the unit as reported
--   (fx_usd_per_unit x scale: 1e6 for 'USD m', about 1.08e6 for 'EUR m'); actual_vs_expectation presents each
--   comparison in its expectation's unit with it.
create or replace macro figure_value_native(value, fx_usd_per_unit) as round(value / fx_usd_per_unit, 6);

create or replace macro figure_base_per_unit_raw(unit_scale, fx_usd_per_unit) as
    unit_scale * coalesce(fx_usd_per_unit, 1.0);
