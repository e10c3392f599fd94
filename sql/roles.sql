--------------------------------------------------------------------------------
-- Warehouse roles.  A BI reader reads the views of one schema (KPI views or the
-- national views) and nothing person-level: the views run with their owner's
-- rights, so the reader needs no privilege on the mart.  A loader writes the
-- mart tables and reads nothing else.  Both are idempotent GRANTs; re-run
-- grant_reader after create_kpi_views() makes new views.
--------------------------------------------------------------------------------

-- What both grants do: a role that must exist, and the privileges on every
-- relation of some kinds of one schema, one GRANT a relation (so a relation
-- added later needs the grant re-run, and one a DBA revoked stays revoked until
-- then).
CREATE FUNCTION @extschema@.require_role(role_name name)
RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
        RAISE EXCEPTION 'role "%" does not exist', role_name USING ERRCODE = '42704';
    END IF;
END
$fn$;
COMMENT ON FUNCTION @extschema@.require_role(name) IS
'Internal: raise 42704 (role "…" does not exist) unless role_name is a role (grant_reader, grant_loader).';

CREATE FUNCTION @extschema@.grant_relations(role_name name, schema_name name, kinds "char"[], privileges text, skip_like text DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    rel name;
    granted integer := 0;
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', schema_name, role_name);
    FOR rel IN SELECT c.relname FROM pg_class c
                WHERE c.relnamespace = quote_ident(schema_name)::regnamespace AND c.relkind = ANY (kinds)
                  AND (skip_like IS NULL OR c.relname NOT LIKE skip_like)
                ORDER BY c.relname LOOP
        EXECUTE format('GRANT %s ON %I.%I TO %I', privileges, schema_name, rel, role_name);
        granted := granted + 1;
    END LOOP;
    RETURN granted;
END
$fn$;
COMMENT ON FUNCTION @extschema@.grant_relations(name, name, "char"[], text, text) IS
'Internal: grant role_name USAGE on schema_name and privileges (SQL of the privilege list, written by the caller) on each relation of the schema whose relkind is in kinds and whose name is not LIKE skip_like; returns the relations granted (grant_reader, grant_loader).';

CREATE FUNCTION @extschema@.grant_reader(role_name name, views_schema name DEFAULT 'kpi')
RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    granted integer;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('role_name', role_name, 'views_schema', views_schema), ARRAY[role_name, views_schema]);
    PERFORM @extschema@.require_role(role_name);
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
    -- views only: tables (mart tables, the person-level national.facts) never;
    -- not the live views (live_*): they compute from person-level rows with the
    -- caller's rights to the catalog, and BI reads the store
    granted := @extschema@.grant_relations(role_name, views_schema, '{v,m}', 'SELECT', 'live\_%');
    -- the targets, the definitions and the labels are documentation a BI tool may show
    EXECUTE format('GRANT USAGE ON SCHEMA @extschema@ TO %I', role_name);
    -- plain types only: the history (kpi_ratio values) is read through the store's views
    -- (view_builder too: definitions_fingerprint() reads it with the definitions)
    EXECUTE format('GRANT SELECT ON @extschema@.target, @extschema@.indicator_definition, @extschema@.indicator_fragment, @extschema@.label, @extschema@.view_builder TO %I', role_name);
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
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('role_name', role_name, 'mart_schema', mart_schema), ARRAY[role_name, mart_schema]);
    PERFORM @extschema@.require_role(role_name);
    PERFORM @extschema@.require_schema(mart_schema, 'data mart', 'Create one with sferum_kpi.create_mart(schema) first.', '{activity_daily}');
    RETURN @extschema@.grant_relations(role_name, mart_schema, '{r,p}', 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE');
END
$fn$;
COMMENT ON FUNCTION @extschema@.grant_loader(name, name) IS
'Let an ETL role read and write every table of a data mart (load, correct, truncate). It gets nothing else: not the KPI views, not the extension''s catalog. Returns the number of tables granted.';

