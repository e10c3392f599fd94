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
                                   CASE s.kind WHEN 'kpi' THEN 'dashboard' WHEN 'national_store' THEN 'indicators'
                                               ELSE 'region_counts' END)) IS NOT NULL
       END,
       s.fingerprint IS NOT DISTINCT FROM @extschema@.definitions_fingerprint()
FROM @extschema@.view_set s
ORDER BY s.schema_name, s.mart_schema
$fn$;
COMMENT ON FUNCTION @extschema@.check_views() IS
'One row per view set made by create_kpi_views, create_shard_views, create_national or create_national_store: whether its views are still there and whether they were built from the current definitions (up_to_date false: run rebuild_views(schema)).';

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

-- The view-set registry above every builder: rebuild_views() re-creates a set
-- of any kind from the current definitions (the builders never call it).
CREATE FUNCTION @extschema@.rebuild_views(views_schema name DEFAULT NULL)
RETURNS TABLE (schema_name text, kind text, mart_schema text, status text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    vs record;
    ns oid;
    before name[];
    readers oid[];
    r oid;
    rel record;
    failed integer := 0;
BEGIN
    -- NULL: every view set
    PERFORM @extschema@.require_args('[]', ARRAY[views_schema]);
    IF views_schema IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM @extschema@.view_set s WHERE s.schema_name = views_schema) THEN
        RAISE EXCEPTION 'schema "%" holds no views made by sferum_kpi', views_schema
            USING ERRCODE = '42P01',
                  HINT = 'SELECT * FROM sferum_kpi.check_views() lists the view sets; create one with create_kpi_views().';
    END IF;
    FOR vs IN SELECT * FROM @extschema@.view_set s
              WHERE views_schema IS NULL OR s.schema_name = views_schema
              ORDER BY s.schema_name, s.mart_schema LOOP
        schema_name := vs.schema_name;
        kind := vs.kind;
        mart_schema := vs.mart_schema;
        ns := to_regnamespace(quote_ident(vs.schema_name));
        IF ns IS NULL THEN
            status := 'schema missing: skipped';
            RETURN NEXT;
            CONTINUE;
        END IF;
        -- the views before, and the roles that read all of them (grant_reader's
        -- readers): those get the views the rebuild adds, nothing else
        SELECT coalesce(array_agg(c.relname), '{}') INTO before
          FROM pg_class c
         WHERE c.relnamespace = ns AND c.relkind = 'v' AND c.relname NOT LIKE 'live\_%'
           AND NOT EXISTS (SELECT 1 FROM @extschema@.person_level_object p
                           WHERE p.schema_name = vs.schema_name AND p.object_name = c.relname);
        SELECT coalesce(array_agg(g.grantee), '{}') INTO readers
          FROM (SELECT a.grantee, count(DISTINCT c.oid) AS views
                  FROM pg_class c, aclexplode(c.relacl) a
                 WHERE c.relnamespace = ns AND c.relkind = 'v' AND c.relname = ANY (before)
                   AND a.privilege_type = 'SELECT' AND a.grantee <> c.relowner AND a.grantee <> 0
                 GROUP BY a.grantee) g
         WHERE g.views = cardinality(before);
        BEGIN
            IF vs.kind = 'kpi' AND vs.min_cell IS NULL THEN
                RAISE EXCEPTION 'the small-cell threshold of these views is unknown (views made by 1.2 do not suppress)'
                    USING ERRCODE = '42P16';
            END IF;
            CASE vs.kind
                WHEN 'kpi' THEN
                    PERFORM @extschema@.build_kpi_views(vs.mart_schema, vs.schema_name, vs.min_cell, true);
                WHEN 'shard' THEN
                    PERFORM @extschema@.build_shard_views(vs.mart_schema, vs.schema_name, true);
                WHEN 'national_store' THEN
                    PERFORM @extschema@.build_national_views(vs.schema_name, coalesce(vs.min_cell, 5), true);
                ELSE
                    PERFORM @extschema@.build_national(vs.schema_name, true);
            END CASE;
            FOREACH r IN ARRAY readers LOOP
                FOR rel IN SELECT c.relname FROM pg_class c
                            WHERE c.relnamespace = ns AND c.relkind = 'v' AND NOT c.relname = ANY (before)
                              AND c.relname NOT LIKE 'live\_%'
                              AND NOT EXISTS (SELECT 1 FROM @extschema@.person_level_object p
                                              WHERE p.schema_name = vs.schema_name AND p.object_name = c.relname) LOOP
                    EXECUTE format('GRANT SELECT ON %I.%I TO %I', vs.schema_name, rel.relname, pg_get_userbyid(r));
                END LOOP;
            END LOOP;
            UPDATE @extschema@.view_set s
               SET fingerprint = @extschema@.definitions_fingerprint(),
                   built_with = (SELECT e.extversion FROM pg_extension e WHERE e.extname = 'sferum_kpi'),
                   built_at = pg_catalog.now()
             WHERE s.schema_name = vs.schema_name AND s.mart_schema IS NOT DISTINCT FROM vs.mart_schema;
            status := 'rebuilt';
        EXCEPTION WHEN OTHERS THEN
            -- this set is left as it was; the others are still rebuilt
            status := format('failed (%s): %s', SQLSTATE, SQLERRM);
            failed := failed + 1;
        END;
        RETURN NEXT;
    END LOOP;
    IF failed > 0 THEN
        RAISE WARNING '% view set(s) could not be rebuilt in place; they are unchanged', failed
            USING HINT = 'See the status column. Views whose columns changed (e.g. made by 1.2): drop them, '
                         'create them again with create_kpi_views() / create_shard_views() / create_national(), '
                         'then re-run grant_reader().';
    END IF;
END
$fn$;
COMMENT ON FUNCTION @extschema@.rebuild_views(name) IS
'Re-create the views of one view set (or of every set in view_set when views_schema is NULL) from the current definitions, in place: grants, REVOKEs and views a DBA built over them survive, and roles that read every view of the set get the views it gains. A set that cannot be rebuilt (columns changed, mart gone) is left unchanged and reported in status, with a WARNING. Run it after ALTER EXTENSION sferum_kpi UPDATE when check_views() reports a set as out of date. One row per set.';
