-- blocking: false
-- description: input rows that were rejected (see rejected_rows)
-- One row per rejected input row (a row rejected for several reasons counts once): file, row_number.
select distinct file, row_number
from rejected_rows
