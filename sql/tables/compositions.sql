-- What a region or an entity is made of, as a dataset declares it (the `made_of` column of its regions or
-- entities file): one row per part. The view composed_actuals rolls the parts' actuals up to the parent where
-- every part reports; nothing is ever rolled up to a parent that did not declare its parts.
create or replace table compositions (
    dataset    varchar not null,   -- the declaring dataset: its expectations are the ones compared
    dimension  varchar not null,   -- 'region' | 'entity'
    parent     varchar not null,   -- region_code or entity
    child      varchar not null,   -- region_code or entity of one part
    primary key (dataset, dimension, parent, child)
);
