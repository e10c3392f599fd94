--------------------------------------------------------------------------------
-- Checks a DBA runs: are the views made by the extension built from the
-- current definitions?  An update prints the answer as a WARNING (PostgreSQL
-- runs extension scripts with client_min_messages = warning).
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.check_views()
RETURNS TABLE (schema_name text, kind text, mart_schema text, built_with text, built_at timestamptz,
               present boolean, up_to_date boolean)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
SELECT s.schema_name, s.kind, s.mart_schema, s.built_with, s.built_at,
       -- the set's views are there (not just its schema)
       CASE s.kind
           WHEN 'shard' THEN EXISTS (SELECT 1 FROM @extschema@.person_level_object p
                                       JOIN pg_class v ON v.relname = p.object_name
                                        AND v.relnamespace = to_regnamespace(quote_ident(p.schema_name))
                                      WHERE p.schema_name = s.schema_name)
           ELSE to_regclass(format('%I.%I', s.schema_name,
                                   CASE s.kind WHEN 'kpi' THEN 'dashboard' ELSE 'region_counts' END)) IS NOT NULL
       END,
       s.fingerprint IS NOT DISTINCT FROM @extschema@.definitions_fingerprint()
FROM @extschema@.view_set s
ORDER BY s.schema_name, s.mart_schema
$fn$;
COMMENT ON FUNCTION @extschema@.check_views() IS
'One row per view set made by create_kpi_views, create_shard_views or create_national: whether its views are still there and whether they were built from the current definitions (up_to_date false: run rebuild_views(schema)).';

CREATE FUNCTION @extschema@.report_stale_views()
RETURNS integer
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    r record;
    n integer := 0;
BEGIN
    FOR r IN SELECT * FROM @extschema@.check_views() c WHERE c.present AND NOT c.up_to_date LOOP
        RAISE WARNING 'the % views in schema "%" were built from older definitions (sferum_kpi %)',
                     r.kind, r.schema_name, coalesce(r.built_with, 'before 1.4')
            USING HINT = format('SELECT * FROM sferum_kpi.rebuild_views(%L);', r.schema_name);
        n := n + 1;
    END LOOP;
    RETURN n;
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_stale_views() IS
'Raise a WARNING, with the rebuild_views() call as HINT, for every view set built from older definitions; returns their number. ALTER EXTENSION sferum_kpi UPDATE runs it (a WARNING, because PostgreSQL hides NOTICEs from extension scripts).';
