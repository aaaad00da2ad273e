-- When and from what the warehouse was built (one row). Parameters: none.
select built_at, files, rows_in, rows_loaded, rows_rejected, product_version from build_info
