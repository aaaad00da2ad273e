-- The sources with the given ids. Parameters: the source ids (a list).
-- Columns: source_id, publisher, title, url, published_on.
select source_id, publisher, title, url, published_on from sources where list_contains(?, source_id)
