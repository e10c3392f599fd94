-- 1.3 -> 1.4, before the new and re-run sources (see sql/README.md).
-- indicator_definition gains what the views are built from; the values come
-- from sql/indicators/*.sql, re-run below, and the columns become NOT NULL
-- in sql/updates/1.3--1.4.post.sql.
ALTER TABLE @extschema@.indicator_definition
    ADD COLUMN counting text CONSTRAINT indicator_definition_counting_check CHECK (counting IN ('unit', 'population')),
    ADD COLUMN title_ru text,
    ADD COLUMN title_en text,
    ADD COLUMN base_sql text,
    ADD COLUMN org_scope text;
