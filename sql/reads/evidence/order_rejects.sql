-- Bad order rows counted per month and reason by the orders path (the first 10,000). Parameters: none.
select month, reason, column_name, value, rows, file, dataset
from order_rejects
order by month desc, rows desc, reason
limit 10000
