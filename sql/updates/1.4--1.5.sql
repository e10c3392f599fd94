-- 1.4 -> 1.5, before the new and re-run sources (see sql/README.md).

-- The indicator files are templates of render() (1.5): a fragment's name shares
-- one namespace with the placeholders of the mart schema and the week.
ALTER TABLE @extschema@.indicator_fragment
    DROP CONSTRAINT indicator_fragment_name_check,
    ADD CONSTRAINT indicator_fragment_name_check CHECK (name ~ '^[a-z][a-z0-9_]+$' AND name NOT IN ('mart', 'monday', 'sunday'));
