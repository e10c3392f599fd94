-- 1.3 -> 1.4, after the re-run sources.
-- Rows a DBA added to indicator_definition have no base-row SQL: 1.4 builds the
-- views from these rows, so they go (their indicators were never computed).
DO $$
DECLARE
    extra text;
BEGIN
    SELECT string_agg(d.indicator, ', ' ORDER BY d.indicator) INTO extra
      FROM @extschema@.indicator_definition d WHERE d.base_sql IS NULL;
    IF extra IS NOT NULL THEN
        DELETE FROM @extschema@.indicator_definition d WHERE d.base_sql IS NULL;
        RAISE WARNING 'indicator_definition rows not shipped by sferum_kpi were removed: %', extra
            USING HINT = 'Since 1.4 each row is the definition the views are built from (sql/indicators/).';
    END IF;
END
$$;
ALTER TABLE @extschema@.indicator_definition
    ALTER COLUMN counting SET NOT NULL,
    ALTER COLUMN title_ru SET NOT NULL,
    ALTER COLUMN title_en SET NOT NULL,
    ALTER COLUMN base_sql SET NOT NULL,
    ALTER COLUMN org_scope SET NOT NULL;

-- Register the view sets made before 1.4 (they are older than the definitions:
-- fingerprint NULL), so that rebuild_views() can rebuild them and grant_reader
-- knows the person-level shard views without reading their comments.
INSERT INTO @extschema@.view_set (schema_name, kind, mart_schema, min_cell)
SELECT DISTINCT ON (vn.nspname) vn.nspname, 'kpi', mn.nspname,
       -- the threshold is in the definition (1.3: "a.denominator < N"); none in
       -- 1.2's views, which do not suppress (rebuild_views refuses to guess)
       substring(pg_get_viewdef(v.oid) FROM 'denominator < ([0-9]+)')::integer
FROM pg_class v
JOIN pg_namespace vn ON vn.oid = v.relnamespace
JOIN pg_class ai ON ai.relnamespace = v.relnamespace AND ai.relname = 'all_indicators' AND ai.relkind = 'v'
JOIN pg_rewrite rw ON rw.ev_class = v.oid
JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass
JOIN pg_class t ON t.oid = d.refobjid AND t.relname = 'activity_daily'
JOIN pg_namespace mn ON mn.oid = t.relnamespace
WHERE v.relkind = 'v' AND v.relname = 'active_teachers'
ORDER BY vn.nspname
ON CONFLICT DO NOTHING;

INSERT INTO @extschema@.view_set (schema_name, kind, mart_schema)
SELECT DISTINCT vn.nspname, 'shard', mn.nspname
FROM pg_class v
JOIN pg_namespace vn ON vn.oid = v.relnamespace
JOIN pg_rewrite rw ON rw.ev_class = v.oid
JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass
JOIN pg_class t ON t.oid = d.refobjid AND t.relname = 'activity_daily'
JOIN pg_namespace mn ON mn.oid = t.relnamespace
WHERE v.relkind = 'v' AND v.relname LIKE 'facts\_%'
  AND EXISTS (SELECT 1 FROM pg_class r WHERE r.relnamespace = v.relnamespace AND r.relkind = 'v'
                                         AND r.relname = 'region_' || substr(v.relname, 7))
ON CONFLICT DO NOTHING;

-- every shard view, whatever else its schema holds
INSERT INTO @extschema@.person_level_object (schema_name, object_name, reason)
SELECT n.nspname, v.relname, 'shard view: per-week base rows of every indicator, one row per person, organisation or chat'
FROM pg_class v JOIN pg_namespace n ON n.oid = v.relnamespace
WHERE v.relkind = 'v' AND v.relname LIKE 'facts\_%'
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = v.oid AND a.attname = 'unit_id')
  AND EXISTS (SELECT 1 FROM pg_class r WHERE r.relnamespace = v.relnamespace AND r.relkind = 'v'
                                         AND r.relname = 'region_' || substr(v.relname, 7))
ON CONFLICT DO NOTHING;

-- 1.3 let one schema hold KPI views and shard views of the same mart; 1.4 keeps
-- one kind per schema (the shard views are still known as person-level above)
DO $$
DECLARE
    mixed text;
BEGIN
    SELECT string_agg(DISTINCT p.schema_name, ', ') INTO mixed
      FROM @extschema@.person_level_object p JOIN @extschema@.view_set s ON s.schema_name = p.schema_name
     WHERE s.kind = 'kpi';
    IF mixed IS NOT NULL THEN
        RAISE WARNING 'schema(s) % hold both KPI views and person-level shard views: grant_reader refuses them', mixed
            USING HINT = 'Move the shard views to a schema of their own: drop them there and run create_shard_views(mart, new_schema).';
    END IF;
END
$$;

INSERT INTO @extschema@.view_set (schema_name, kind)
SELECT n.nspname, 'national'
FROM pg_class f JOIN pg_namespace n ON n.oid = f.relnamespace
WHERE f.relname = 'facts' AND f.relkind = 'p'
  AND EXISTS (SELECT 1 FROM pg_class v WHERE v.relnamespace = f.relnamespace AND v.relname = 'region_counts' AND v.relkind = 'v')
ON CONFLICT DO NOTHING;

INSERT INTO @extschema@.person_level_object (schema_name, object_name, reason)
SELECT s.schema_name, 'facts', 'coordinator table: per-week base rows of every indicator from the shards, one row per person, organisation or chat'
FROM @extschema@.view_set s WHERE s.kind = 'national'
ON CONFLICT DO NOTHING;
