-- 1.3 -> 1.4, after the re-run sources.
ALTER TABLE @extschema@.indicator_definition
    ALTER COLUMN counting SET NOT NULL,
    ALTER COLUMN title_ru SET NOT NULL,
    ALTER COLUMN title_en SET NOT NULL,
    ALTER COLUMN base_sql SET NOT NULL;

-- Register the view sets made before 1.4 (they are older than the definitions:
-- fingerprint NULL), so that rebuild_views() can rebuild them and grant_reader
-- knows the person-level shard views without reading their comments.
INSERT INTO @extschema@.view_set (schema_name, kind, mart_schema, min_cell)
SELECT DISTINCT ON (vn.nspname) vn.nspname, 'kpi', mn.nspname,
       substring(col_description(ai.oid, (SELECT a.attnum FROM pg_attribute a
                                            WHERE a.attrelid = ai.oid AND a.attname = 'suppressed'))
                 FROM 'fewer than ([0-9]+) people')::integer
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

INSERT INTO @extschema@.person_level_object (schema_name, object_name, reason)
SELECT s.schema_name, c.relname, 'shard view: per-week base rows of every indicator, one row per person, organisation or chat'
FROM @extschema@.view_set s
JOIN pg_class c ON c.relnamespace = to_regnamespace(quote_ident(s.schema_name)) AND c.relkind = 'v'
WHERE s.kind = 'shard' AND c.relname LIKE 'facts\_%'
ON CONFLICT DO NOTHING;

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
