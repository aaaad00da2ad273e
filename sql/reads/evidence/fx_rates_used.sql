-- The exchange rates behind the USD values, per currency and source. Parameters: none.
select * from fx_rates_used order by currency, first_month
