--------------------------------------------------------------------------------
-- Warehouse roles.  A BI reader reads the views of one schema (KPI views or the
-- national views) and nothing person-level: the views run with their owner's
-- rights, so the reader needs no privilege on the mart.  A loader writes the
-- mart tables and reads nothing else.  Both are idempotent GRANTs; re-run
-- grant_reader after create_kpi_views() makes new views.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.grant_reader(role_name name, views_schema name DEFAULT 'kpi')
RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    r text := quote_ident(role_name);
    v record;
    granted integer := 0;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('role_name', role_name, 'views_schema', views_schema), ARRAY[role_name, views_schema]);
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
        RAISE EXCEPTION 'role "%" does not exist', role_name USING ERRCODE = '42704';
    END IF;
    IF to_regnamespace(quote_ident(views_schema)) IS NULL THEN
        RAISE EXCEPTION 'schema "%" does not exist', views_schema USING ERRCODE = '3F000';
    END IF;
    -- person-level views are never for a reader: those the catalog
    -- person_level_object lists (the shard views of create_shard_views), and any
    -- view with a column that names a person or a counted unit, whatever the
    -- views and their schema are called now
    IF EXISTS (SELECT 1 FROM @extschema@.person_level_object p
               JOIN pg_class c ON c.relname = p.object_name AND c.relnamespace = quote_ident(views_schema)::regnamespace
               WHERE p.schema_name = views_schema AND c.relkind IN ('v', 'm'))
       OR EXISTS (SELECT 1 FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                  WHERE c.relnamespace = quote_ident(views_schema)::regnamespace AND c.relkind IN ('v', 'm')
                    AND a.attname IN ('person_id', 'unit_id', 'creator_person_id')) THEN
        RAISE EXCEPTION 'schema "%" holds person-level views (create_shard_views, or a view with a person_id or unit_id column): grant_reader refuses it', views_schema
            USING ERRCODE = '0LP01',
                  HINT = 'Grant the shard views only to the role of the coordinator''s user mapping, by hand.';
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %s', views_schema, r);
    -- views only: tables (mart tables, the person-level national.facts) never
    -- not the live views (live_*): they compute from person-level rows with the
    -- caller's rights to the catalog, and BI reads the store
    FOR v IN SELECT c.relname FROM pg_class c
              WHERE c.relnamespace = quote_ident(views_schema)::regnamespace AND c.relkind IN ('v', 'm')
                AND c.relname NOT LIKE 'live\_%'
              ORDER BY c.relname LOOP
        EXECUTE format('GRANT SELECT ON %I.%I TO %s', views_schema, v.relname, r);
        granted := granted + 1;
    END LOOP;
    -- the targets, the definitions and the labels are documentation a BI tool may show
    EXECUTE format('GRANT USAGE ON SCHEMA @extschema@ TO %s', r);
    -- plain types only: the history (kpi_ratio values) is read through the store's views
    -- (view_builder too: definitions_fingerprint() reads it with the definitions)
    EXECUTE format('GRANT SELECT ON @extschema@.target, @extschema@.indicator_definition, @extschema@.indicator_fragment, @extschema@.label, @extschema@.view_builder TO %s', r);
    RETURN granted;
END
$fn$;
COMMENT ON FUNCTION @extschema@.grant_reader(name, name) IS
'Let a BI role read every view of views_schema but the live_* ones (KPI views over the store or national views: aggregates only) and the targets, definitions, fragments and labels (plain types only; not indicator_history, whose kpi_ratio values BI reads through the store); never a table of the mart. Refuses a schema holding person-level views (listed in person_level_object, or with a person_id or unit_id column). Returns the number of views granted. Re-run it after create_kpi_views().';

CREATE FUNCTION @extschema@.grant_loader(role_name name, mart_schema name)
RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    r text := quote_ident(role_name);
    t record;
    granted integer := 0;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('role_name', role_name, 'mart_schema', mart_schema), ARRAY[role_name, mart_schema]);
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
        RAISE EXCEPTION 'role "%" does not exist', role_name USING ERRCODE = '42704';
    END IF;
    PERFORM @extschema@.require_schema(mart_schema, 'data mart', 'Create one with sferum_kpi.create_mart(schema) first.', '{activity_daily}');
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %s', mart_schema, r);
    FOR t IN SELECT c.relname FROM pg_class c
              WHERE c.relnamespace = quote_ident(mart_schema)::regnamespace AND c.relkind IN ('r', 'p')
              ORDER BY c.relname LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON %I.%I TO %s', mart_schema, t.relname, r);
        granted := granted + 1;
    END LOOP;
    RETURN granted;
END
$fn$;
COMMENT ON FUNCTION @extschema@.grant_loader(name, name) IS
'Let an ETL role read and write every table of a data mart (load, correct, truncate). It gets nothing else: not the KPI views, not the extension''s catalog. Returns the number of tables granted.';

