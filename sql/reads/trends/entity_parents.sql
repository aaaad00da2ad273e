-- Entity -> its parent entity (null for a top-level one). Parameters: none. Columns: entity, parent.
select entity, parent from entities
