-- The exchange rates behind the USD values, per currency and source. Parameters: entity (null = every
-- currency): then only the currencies that entity's figures are in.
select * from fx_rates_used
where ?::varchar is null or currency in (select distinct currency from figures where entity = ?::varchar)
order by currency, first_month
