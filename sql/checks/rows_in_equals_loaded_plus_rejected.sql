-- blocking: true
-- description: per file, rows in = rows loaded + rows rejected + rows combined, and the tables hold exactly the rows loaded
-- One row per file whose counts do not add up (what = 'file') and per table whose row count differs from
-- the rows its files loaded (what = 'table'): what, name, expected, found. An order month's loads row
-- (input_kind 'orders') counts order rows; the figures made from them are not rows of a figures file.
with per_kind as (
    select input_kind, sum(rows_loaded)::bigint as loaded from loads group by input_kind
),

order_files as (
    select file from loads where input_kind = 'orders'
),

table_rows as (
    select 'figures' as input_kind, count(*)::bigint as n
    from figures
    where file not in (select file from order_files)
    union all
    select 'events', count(*) from events
    union all
    select 'sources', count(*) from sources
)

select 'file' as what, file as name, (rows_loaded + rows_rejected + rows_combined)::bigint as expected,
    rows_in::bigint as found
from loads
where rows_in <> rows_loaded + rows_rejected + rows_combined
union all
select 'table', t.input_kind, coalesce(p.loaded, 0), t.n
from table_rows as t
left join per_kind as p using (input_kind)
where coalesce(p.loaded, 0) <> t.n
