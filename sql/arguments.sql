--------------------------------------------------------------------------------
-- The one check of a function's arguments that every SQL entry point makes
-- first: which must not be NULL (22004) and which names must not be empty
-- (22023), with the same words everywhere.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.require_args(not_null jsonb, not_empty text[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    n integer;
    names text[];
BEGIN
    IF jsonb_typeof(not_null) IS DISTINCT FROM 'array' OR jsonb_array_length(not_null) % 2 <> 0 THEN
        RAISE EXCEPTION 'require_args: not_null must be a JSON array of names and values: ["name", value, ...]'
            USING ERRCODE = '22023';
    END IF;
    n := jsonb_array_length(not_null) / 2;
    IF EXISTS (SELECT 1 FROM generate_series(0, n - 1) i WHERE jsonb_typeof(not_null -> (2 * i + 1)) = 'null') THEN
        SELECT array_agg(not_null ->> (2 * i) ORDER BY i) INTO names FROM generate_series(0, n - 1) i;
        RAISE EXCEPTION '% must not be NULL',
                        CASE WHEN n = 1 THEN names[1] ELSE array_to_string(names[1:n - 1], ', ') || ' and ' || names[n] END
            USING ERRCODE = '22004';
    END IF;
    IF '' = ANY (not_empty) THEN
        RAISE EXCEPTION 'names must not be empty' USING ERRCODE = '22023';
    END IF;
END
$fn$;
COMMENT ON FUNCTION @extschema@.require_args(jsonb, text[]) IS
'Internal: the argument check of the extension''s functions. not_null is ["name", value, ...]: when a value is NULL, 22004 "a, b and c must not be NULL" (every name, in order); not_empty holds names (schemas, roles) that must not be the empty string (22023).';

--------------------------------------------------------------------------------
-- The one check that a schema holds what a function works on (a data mart, a
-- KPI store, a national store, ...): 42P01 "schema "s" holds no WHAT" with the
-- caller's hint, the same words everywhere.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.require_schema(schema_name text, what text, hint text,
                                           relations text[] DEFAULT '{}', kind text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    mart text;
    registered boolean := kind IS NULL;
BEGIN
    IF kind IS NOT NULL THEN
        SELECT true, s.mart_schema INTO registered, mart
          FROM @extschema@.view_set s
         WHERE s.schema_name = require_schema.schema_name AND s.kind = require_schema.kind
         LIMIT 1;
    END IF;
    IF NOT coalesce(registered, false)
       OR EXISTS (SELECT 1 FROM unnest(relations) r WHERE to_regclass(format('%I.%I', schema_name, r)) IS NULL) THEN
        RAISE EXCEPTION 'schema "%" holds no %', schema_name, what
            USING ERRCODE = '42P01', HINT = hint;
    END IF;
    RETURN mart;
END
$fn$;
COMMENT ON FUNCTION @extschema@.require_schema(text, text, text, text[], text) IS
'Internal: the check that a schema holds what a function works on. Every relation of relations must exist in schema_name and, when kind is given, the schema must be a view set of that kind in view_set; otherwise 42P01 "schema "s" holds no WHAT" with the given hint. Returns the view set''s mart schema (NULL without kind).';
