-- Rejected input rows with their reasons (the first 10,000). Parameters: none.
select file, row_number, origin, column_name, value, reason, suggestion, input_kind, dataset
from rejected_rows order by file, row_number
limit 10000
