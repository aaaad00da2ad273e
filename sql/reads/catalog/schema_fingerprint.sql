-- The fingerprint of the SQL the warehouse was built with (build_info.schema_fingerprint), null when the
-- warehouse predates the column: read through the row's JSON, so an older build_info gives null, not an error,
-- and the dashboard's version notice can say "rebuild". Parameters: none. Columns: fingerprint.
select max(to_json(b) ->> 'schema_fingerprint') as fingerprint from build_info as b
