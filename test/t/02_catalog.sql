-- Catalog hygiene of every object the extension installs: documented, parallel
-- safe, volatility truthful, nothing SECURITY DEFINER, no person-level surprises.
BEGIN;
CREATE EXTENSION sferum_kpi;
SELECT plan(10);

CREATE TEMP VIEW ext_functions AS
SELECT p.oid, p.oid::regprocedure AS fn, p.prokind, p.prorettype, p.provolatile, p.proparallel, p.prosecdef, p.proconfig
FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'sferum_kpi');

SELECT ok((SELECT count(*) FROM ext_functions) > 40, 'the extension owns its functions');
SELECT is_empty($$SELECT fn::text FROM ext_functions WHERE obj_description(oid, 'pg_proc') IS NULL$$,
                'every function and aggregate has a COMMENT');
SELECT is_empty($$SELECT fn::text FROM ext_functions WHERE proparallel <> 's' AND prorettype <> 'trigger'::regtype
                   AND fn::text !~ '^sferum_kpi\.(create_mart|create_kpi_views|build_kpi_views|rebuild_views|comment_kpi_view|snapshot_week|backfill|create_shard_views|build_shard_views|create_national|build_national|attach_shard|grant_reader|grant_loader|grant_relations|define_indicator|define_fragment|build_store|store_partition|refresh_week|store_week|history_from|refresh_recent|refresh_targets|refresh_weeks|build_quality_views|build_forecast_views|build_answer_views|stored_answer|refresh_answers|store_series_indexes|create_school_calendar|refresh_holidays|create_national_store|build_national_views|build_national_forecast_views|attach_store_shard|attach_live_shard|national_fdw_tables|detach_region|national_totals|pull_region_week|refresh_national|national_dashboard|create_roadmap_progress|roadmap_refresh_week|build_roadmap_store|build_roadmap_views|comment_columns|create_mart_table)\('$$,
                'every function is PARALLEL SAFE but the catalog triggers and the maintenance functions that write');
SELECT is_empty($$SELECT fn::text FROM ext_functions
                   WHERE fn::text ~ '^sferum_kpi\.(create_mart|create_kpi_views|build_kpi_views|rebuild_views|comment_kpi_view|snapshot_week|backfill|create_shard_views|build_shard_views|create_national|build_national|attach_shard|grant_reader|grant_loader|grant_relations|define_indicator|define_fragment|build_store|store_partition|refresh_week|store_week|history_from|refresh_recent|refresh_targets|refresh_weeks|build_quality_views|build_forecast_views|build_answer_views|stored_answer|refresh_answers|store_series_indexes|create_school_calendar|refresh_holidays|create_national_store|build_national_views|build_national_forecast_views|attach_store_shard|attach_live_shard|national_fdw_tables|detach_region|national_totals|pull_region_week|refresh_national|national_dashboard|create_roadmap_progress|roadmap_refresh_week|build_roadmap_store|build_roadmap_views|comment_columns|create_mart_table)\('
                     AND (proparallel <> 'u' OR provolatile <> 'v')$$,
                'the maintenance functions that write are VOLATILE PARALLEL UNSAFE');
SELECT is_empty($$SELECT fn::text FROM ext_functions WHERE prosecdef$$, 'no SECURITY DEFINER function');
SELECT is_empty($$SELECT fn::text FROM ext_functions
                   WHERE fn::text ~ '^sferum_kpi\.(target_met|target_status|baseline)\(' AND provolatile <> 's'$$,
                'functions that read the catalog tables are STABLE');
SELECT is_empty($$SELECT fn::text FROM ext_functions
                   WHERE fn::text ~ '^sferum_kpi\.(week_start|school_year|profile_is_verified|teacher_is_active|org_is_active|kpi_ratio|share)\('
                     AND provolatile <> 'i'$$,
                'pure functions are IMMUTABLE');
SELECT is_empty($$SELECT fn::text FROM ext_functions WHERE prokind = 'a'
                   AND NOT EXISTS (SELECT 1 FROM pg_aggregate a WHERE a.aggfnoid = ext_functions.oid AND a.aggcombinefn <> 0)$$,
                'every aggregate has a combine function');
SELECT is_empty($$SELECT c.oid::regclass::text || coalesce('.' || a.attname, '')
                   FROM pg_class c LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   WHERE c.relnamespace = 'sferum_kpi'::regnamespace AND c.relkind IN ('r', 'v', 'm')
                     AND (a.attname IS NULL AND obj_description(c.oid, 'pg_class') IS NULL
                          OR a.attname IS NOT NULL AND col_description(c.oid, a.attnum) IS NULL)$$,
                'every table and column has a COMMENT');
SELECT is_empty($$SELECT t.oid::regtype::text FROM pg_type t
                   WHERE t.typnamespace = 'sferum_kpi'::regnamespace AND t.typtype = 'b' AND t.typelem = 0
                     AND obj_description(t.oid, 'pg_type') IS NULL$$,
                'every type has a COMMENT');

SELECT * FROM finish();
ROLLBACK;
