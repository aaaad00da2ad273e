-- Bad order rows counted by month and reason (each row under exactly one reason, the first that applies):
-- row-level reasons from the scan's counts, then the group-level ones of sql/orders/classified.sql.
-- Columns: month, reason, column_name, value (the offending country or currency), rows.
with row_level as (
    select
        month,
        'ordered_at_outside_month' as reason,
        'ordered_at' as column_name,
        null::varchar as value,
        sum(rows_outside)::bigint as rows
    from classified_groups
    group by month
    union all
    select
        month,
        'missing_amount',
        'amount',
        null,
        sum(rows_in - rows_outside - rows_valid - rows_invalid_amount)::bigint
    from classified_groups
    group by month
    union all
    select month, 'invalid_amount', 'amount', null, sum(rows_invalid_amount)::bigint
    from classified_groups
    group by month
),

group_level as (
    select
        month,
        reason,
        case reason
            when 'unknown_country' then 'country'
            when 'unknown_currency' then 'currency'
            else 'status'
        end as column_name,
        case reason
            when 'unknown_country' then country
            when 'unknown_currency' then currency
        end as value,
        sum(rows_valid)::bigint as rows
    from classified_groups
    where reason is not null
    group by month, reason, column_name, value
),

all_rejects as (
    select * from row_level
    union all
    select * from group_level
)

select month, reason, column_name, value, rows
from all_rejects
where rows > 0
order by month, reason, value nulls first
