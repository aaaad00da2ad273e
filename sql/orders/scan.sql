-- The order scan of every month of a run: ONE statement for both engines (DuckDB runs it with the per_file CTE
-- applied to each of its branches, pipelines/orders/scan.py per_branch_statement; Spark as written after
-- sqlglot transpiles it: pipelines/orders/spark.py), one pass over every file of the run.
-- The engine binds two relations (pipelines/orders/scan.py):
--   order_rows:  every row of the run's files: file_key (what names the row's file in that engine),
--                month_start and month_end (the file's folder month as [start, end) in UTC, timestamptz),
--                ordered_at, entity (null when the footers prove it: order_files has it then), country,
--                currency, amount (double), status;
--   order_files: one row per file: file_key, month ('YYYY-MM'), entity (the footer-proven constant, else
--                null), default_entity.
-- Result, grain month x entity x country x currency x status: rows_in (every row), rows_outside
-- (ordered_at missing or outside the folder's month), rows_valid (inside, finite amount),
-- rows_invalid_amount (inside, NaN or infinite amount) and amount (sum of the finite amounts inside, in
-- the order's currency, double). `amount - amount = 0` holds for every finite amount, fails for NaN and
-- +-inf and is null for null: grouping by it keeps one NaN from turning a group's sum into NaN. The rows
-- are grouped per file first; the month and entity of each file join the few thousand groups after.
with per_file as (
    select
        file_key,
        entity,
        country,
        currency,
        status,
        ordered_at::timestamptz >= month_start and ordered_at::timestamptz < month_end as inside,
        amount - amount = 0 as finite,
        count(*) as n,
        sum(amount) as amount
    from order_rows
    group by file_key, entity, country, currency, status, inside, finite
)

select
    f.month,
    coalesce(f.entity, g.entity, f.default_entity) as entity,
    g.country,
    g.currency,
    g.status,
    sum(g.n)::bigint as rows_in,
    coalesce(sum(g.n) filter (where g.inside is not true), 0)::bigint as rows_outside,
    coalesce(sum(g.n) filter (where g.inside and g.finite), 0)::bigint as rows_valid,
    coalesce(sum(g.n) filter (where g.inside and not g.finite), 0)::bigint as rows_invalid_amount,
    sum(g.amount) filter (where g.inside and g.finite)::double as amount
from per_file as g
inner join order_files as f on g.file_key = f.file_key
group by f.month, coalesce(f.entity, g.entity, f.default_entity), g.country, g.currency, g.status
