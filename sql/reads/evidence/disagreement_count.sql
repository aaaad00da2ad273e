-- How many disagreements a selection has. Filter: entity and/or metric when given. Columns: n.
select count(*)::bigint as n from source_disagreement where true /* filter */
