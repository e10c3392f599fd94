--------------------------------------------------------------------------------
-- Indicator definitions: the functions that fill indicator_definition and
-- indicator_fragment from sql/indicators/*.sql, and kpi_base_rows(), which
-- expands a definition into the per-week SQL that the KPI views (one region
-- server) and the shard views (postgres_fdw sharding) both use, so that the
-- two can never count differently.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.define_indicator(
    indicator text, unit text, per_platform boolean, counting text,
    title_ru text, title_en text, scope text, numerator text, denominator text, org_scope text, base_sql text)
RETURNS void
LANGUAGE sql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
INSERT INTO @extschema@.indicator_definition AS d
       (indicator, unit, per_platform, scope, numerator, denominator, counting, title_ru, title_en, org_scope, base_sql)
VALUES (indicator, unit, per_platform, scope, numerator, denominator, counting, title_ru, title_en, org_scope, base_sql)
ON CONFLICT ON CONSTRAINT indicator_definition_pkey DO UPDATE
   SET unit = EXCLUDED.unit, per_platform = EXCLUDED.per_platform, scope = EXCLUDED.scope,
       numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator, counting = EXCLUDED.counting,
       title_ru = EXCLUDED.title_ru, title_en = EXCLUDED.title_en, org_scope = EXCLUDED.org_scope,
       base_sql = EXCLUDED.base_sql
$fn$;
COMMENT ON FUNCTION @extschema@.define_indicator(text, text, boolean, text, text, text, text, text, text, text, text) IS
'Internal, used by the extension scripts: insert or replace the definition of one indicator (sql/indicators/<indicator>.sql).';

CREATE FUNCTION @extschema@.define_fragment(name text, description text, sql text)
RETURNS void
LANGUAGE sql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
INSERT INTO @extschema@.indicator_fragment AS f (name, description, sql)
VALUES (name, description, sql)
ON CONFLICT ON CONSTRAINT indicator_fragment_pkey DO UPDATE
   SET description = EXCLUDED.description, sql = EXCLUDED.sql
$fn$;
COMMENT ON FUNCTION @extschema@.define_fragment(text, text, text) IS
'Internal, used by the extension scripts: insert or replace a shared SQL fragment of the indicator definitions (sql/indicators/fragments.sql).';

CREATE FUNCTION @extschema@.expand_fragments(mart_schema name, sql text, relations jsonb DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    s text := sql;
    prev text;
    args jsonb;
    r record;
    unknown text;
    wrong text;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('mart_schema', mart_schema));
    IF relations IS NOT NULL AND jsonb_typeof(relations) <> 'object' THEN
        RAISE EXCEPTION 'relations must be a JSON object {"fragment": "relation", ...}' USING ERRCODE = '22023';
    END IF;
    FOR r IN SELECT j.key, j.value FROM jsonb_each_text(relations) j LOOP
        IF NOT EXISTS (SELECT 1 FROM @extschema@.indicator_fragment x WHERE x.name = r.key) OR r.value IS NULL THEN
            RAISE EXCEPTION 'relations: "%" is not a fragment with a relation', r.key
                USING ERRCODE = '22023', HINT = 'Fragments are the rows of sferum_kpi.indicator_fragment.';
        END IF;
    END LOOP;
    -- Every fragment (a fragment named in relations is read from that relation
    -- of the caller: the store refresh builds them once per week) and the mart;
    -- the week's days stay placeholders for the caller (render() never scans
    -- what it inserts, so {{monday:S}} comes out as it went in).
    SELECT jsonb_build_object('mart', mart_schema, 'monday', '{{monday:S}}', 'sunday', '{{sunday:S}}')
           || coalesce(jsonb_object_agg(x.name, coalesce(relations ->> x.name, x.sql)), '{}')
      INTO args
      FROM @extschema@.indicator_fragment x;
    -- fragments use fragments: one level per render, until nothing changes
    FOR depth IN 1..8 LOOP
        -- each name with its kind: the mart an identifier, everything else SQL
        SELECT string_agg(DISTINCT format('{{%s:%s}}', p[1], p[2]), ', ') FILTER (WHERE NOT args ? p[1]),
               string_agg(DISTINCT format('{{%s:%s}}', p[1], p[2]), ', ')
                   FILTER (WHERE args ? p[1] AND p[2] <> CASE p[1] WHEN 'mart' THEN 'I' ELSE 'S' END)
          INTO unknown, wrong
          FROM regexp_matches(s, '\{\{([a-z_][a-z0-9_]*):([A-Z])\}\}', 'g') p;
        IF unknown IS NOT NULL THEN
            RAISE EXCEPTION 'unknown SQL fragment %', unknown
                USING ERRCODE = '42704', HINT = 'Fragments are the rows of sferum_kpi.indicator_fragment.';
        END IF;
        IF wrong IS NOT NULL THEN
            RAISE EXCEPTION 'placeholder % of the wrong kind', wrong
                USING ERRCODE = '22023', HINT = 'In indicator templates the mart is {{mart:I}}; fragments and the week''s days are SQL: {{name:S}}, {{monday:S}}, {{sunday:S}}.';
        END IF;
        prev := s;
        s := @extschema@.render(s, args);
        IF s = prev THEN
            RETURN s;
        END IF;
    END LOOP;
    RAISE EXCEPTION 'SQL fragments nest more than 8 levels deep'
        USING ERRCODE = '54001', HINT = 'Does a fragment use itself?';
END
$fn$;
COMMENT ON FUNCTION @extschema@.expand_fragments(name, text, jsonb) IS
'Internal: expand the {{fragment:S}} placeholders of an indicator SQL template (indicator_fragment, nested ones too) and {{mart:I}} (the mart schema) with render(); {{monday:S}} and {{sunday:S}} are left for the caller. relations maps fragment names to relations read instead (the store refresh''s per-week tables). 42704 for an unknown fragment.';

CREATE FUNCTION @extschema@.expand_base_rows(mart_schema name, relations jsonb)
RETURNS TABLE (indicator text, counting text, base_sql text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    d record;
    s text;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('mart_schema', mart_schema));
    FOR d IN SELECT * FROM @extschema@.indicator_definition ORDER BY 1 LOOP
        -- every organisation in scope gets its groups, people or not (spec §5:
        -- 0/0, unknown): a row with no unit counts in no numerator or denominator
        s := d.base_sql || format(E'\nUNION ALL\nSELECT %s, {{group_columns:S}}, NULL::bigint, false, 0::bigint\nFROM {{mart:I}}.organisation o%s\nWHERE %s',
                                  CASE WHEN d.per_platform THEN 'pf.platform' ELSE '''any''::text' END,
                                  CASE WHEN d.per_platform THEN ' CROSS JOIN {{platforms:S}}' ELSE '' END,
                                  d.org_scope);
        BEGIN
            base_sql := @extschema@.expand_fragments(mart_schema, s, relations);
        EXCEPTION WHEN undefined_object THEN
            RAISE EXCEPTION 'indicator %: %', d.indicator, SQLERRM
                USING ERRCODE = '42704', HINT = 'Fragments are the rows of sferum_kpi.indicator_fragment.';
        END;
        indicator := d.indicator;
        counting := d.counting;
        RETURN NEXT;
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION @extschema@.expand_base_rows(name, jsonb) IS
'Internal: kpi_base_rows(), with the fragments named in relations (a JSON object {"fragment": "relation"}) read from those relations instead of their SQL: the store refresh builds the week''s members and activity once. NULL: every fragment as SQL.';

CREATE FUNCTION @extschema@.kpi_base_rows(mart_schema name)
RETURNS TABLE (indicator text, counting text, base_sql text)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
SELECT * FROM @extschema@.expand_base_rows(mart_schema, NULL::jsonb)
$fn$;
COMMENT ON FUNCTION @extschema@.kpi_base_rows(name) IS
'Internal: the per-week base rows of every computed indicator over a data mart, as SQL text with the {{monday:S}} and {{sunday:S}} placeholders of render() left in, expanded from indicator_definition and indicator_fragment. Columns of each query: platform, region_code, municipality_id, org_kind, org_id, unit_id, active, population. counting is unit (denominator = distinct units) or population (denominator = sum of statistical-form figures).';

CREATE FUNCTION @extschema@.definitions_fingerprint()
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
SELECT md5(concat_ws(E'\n',
    (SELECT string_agg(concat_ws('|', d.indicator, d.unit, d.per_platform, d.counting, d.base_sql, d.title_ru, d.title_en), E'\n' ORDER BY d.indicator)
       FROM @extschema@.indicator_definition d),
    (SELECT string_agg(f.name || '|' || f.sql, E'\n' ORDER BY f.name) FROM @extschema@.indicator_fragment f),
    -- the store-backed views hold the titles and labels as literals
    (SELECT string_agg(concat_ws('|', l.kind, l.code, l.ru, l.en), E'\n' ORDER BY l.kind, l.code) FROM @extschema@.label l),
    -- the view builders (registry view_builder): a change to how views are
    -- written is a change of definitions
    (SELECT string_agg(p.prosrc, E'\n' ORDER BY p.proname) FROM pg_proc p
      WHERE p.pronamespace = '@extschema@'::regnamespace
        AND p.proname IN (SELECT b.name FROM @extschema@.view_builder b))))
$fn$;
COMMENT ON FUNCTION @extschema@.definitions_fingerprint() IS
'md5 of the current indicator definitions (with their titles), fragments, labels and view builders (the functions listed in view_builder). A view set whose recorded fingerprint (view_set.fingerprint) differs was built from older definitions: rebuild it with rebuild_views().';
