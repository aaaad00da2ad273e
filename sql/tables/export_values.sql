-- What an export reports about its own figures (a Budget vs. Actuals report's "over Budget" and "% of Budget"
-- columns, read through a column_groups layout): kept to check against the warehouse (export_reconciliation),
-- never loaded as figures. One row per such cell that holds a number.
create or replace table export_values (
    dataset             varchar not null,
    file                varchar not null,
    sheet               varchar,            -- the sheet's name; '' for a CSV file
    cell                varchar not null,   -- the cell as Excel names it: 'H18'
    origin              varchar not null,   -- sheet and cell, as figures.origin writes them: "'Budget vs. Actuals'!H18"
    line                varchar,            -- the row's label as written: '6000 Salaries'
    period              varchar,            -- the group's period: '2011-02'
    measure             varchar not null,   -- variance | variance_pct | attainment | attainment_pct
    value               double not null,    -- as the export shows it (attainment_pct: 106.97 for 106.97 %)
    actual_origin       varchar,            -- figures.origin of the actual and of the expectation it compares;
    expectation_origin  varchar             -- null when the export left that cell empty (then not checked)
);
