-- The sources cited by (dataset, source_id): ids are scoped to their dataset, so a citation is resolved in the
-- citing dataset (or reference/'s shared sources: cited_sources), never by source_id alone.
-- Parameters: the citations as dataset || chr(31) || source_id (a list).
-- Columns: dataset (the citing dataset), source_id, publisher, title, url, published_on.
select dataset, source_id, publisher, title, url, published_on
from cited_sources
where list_contains(?, dataset || chr(31) || source_id)
