-- Bad order rows counted per month and reason by the orders path (the first 10,000). Parameters: none.
select o.month, o.reason, o.column_name, o.value, o.rows, o.file, o.dataset
from order_rejects as o
order by o.month desc, o.rows desc, o.reason asc
limit 10000
