--------------------------------------------------------------------------------
-- Sharding with postgres_fdw: the live path (the national store, which pulls
-- the regions' stored figures instead, is in national.sql).
--
-- A shard is an ordinary region server: one or more data marts and sferum_kpi
-- in the coordinator's version.  create_shard_views() gives it, per region R,
-- a view facts_R with the per-week base rows of every indicator (person-level
-- rows: only the coordinator's user mapping may read them) and a view
-- region_R (name, time zone, extension version).
--
-- The coordinator holds no activity: create_national() makes a table
-- partitioned by region_code whose partitions attach_shard() (through
-- attach_live_shard) creates as postgres_fdw foreign tables, one per region of
-- a shard.  With GROUP BY on
-- the region and enable_partitionwise_aggregate, each region's aggregate runs
-- on its shard, inside the Remote SQL: what crosses the network is a kpi_ratio
-- per region, indicator, platform and week, never a person.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.build_shard_views(mart_schema name, shard_schema name, or_replace boolean)
RETURNS SETOF text
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    m text := quote_ident(mart_schema);
    s text := quote_ident(shard_schema);
    r record;
    base jsonb;
    body text;
    facts text;
    week_columns constant jsonb := '{"monday": "wk.week_start", "sunday": "(wk.week_start + 6)"}';
    -- rebuild_views(): the DBA's views (never extension members) are replaced in place
    create_view constant text := @extschema@.create_view_sql(or_replace);
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('mart_schema', mart_schema, 'shard_schema', shard_schema), ARRAY[mart_schema, shard_schema]);
    PERFORM @extschema@.require_schema(mart_schema, 'data mart', 'Create one with sferum_kpi.create_mart(schema) first.', '{activity_daily}');
    IF to_regnamespace(quote_ident(shard_schema)) IS NULL THEN
        EXECUTE format('CREATE SCHEMA %s', s);
    END IF;
    -- every indicator's base rows of one week (the lateral parameter
    -- wk.week_start), tagged with the indicator
    SELECT coalesce(jsonb_agg(jsonb_build_object('indicator', b.indicator, 'counting', b.counting,
                                                 'base_rows', @extschema@.render(b.base_sql, week_columns))
                              ORDER BY b.indicator), '[]')
      INTO base
      FROM @extschema@.kpi_base_rows(mart_schema) b;

    FOR r IN EXECUTE format('SELECT region_code FROM %s.region ORDER BY region_code', m) LOOP
        IF r.region_code !~ '^[A-Za-z0-9_]{1,50}$' THEN
            RAISE EXCEPTION 'region code "%" cannot name a shard view', r.region_code
                USING ERRCODE = '22023', HINT = 'Region codes used for sharding are letters, digits and _ (at most 50).';
        END IF;
        facts := 'facts_' || r.region_code;
        -- already made from this mart (the view reads its activity_daily): keep it, unless rebuilding
        IF EXISTS (SELECT 1 FROM pg_rewrite rw JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
                   WHERE rw.ev_class = to_regclass(format('%s.%I', s, facts))
                     AND d.refobjid = format('%s.activity_daily', m)::regclass) THEN
            IF NOT or_replace THEN
                RETURN NEXT r.region_code;
                CONTINUE;
            END IF;
        ELSIF to_regclass(format('%s.%I', s, facts)) IS NOT NULL THEN
            RAISE EXCEPTION 'shard view %.% already exists', shard_schema, 'facts_' || r.region_code
                USING ERRCODE = '42P07', HINT = 'A region is held by one data mart; drop the old views to rebuild them.';
        END IF;
        -- the region's rows of each indicator
        SELECT string_agg(@extschema@.render(
                   'SELECT {{indicator:L}}::text AS indicator, {{counting:L}}::text AS counting, q.region_code, q.platform, '
                   'q.unit_id, q.active, q.population FROM ({{base_rows:S}}) q WHERE q.region_code = {{region:L}}',
                   i.value || jsonb_build_object('region', r.region_code)), E'\n    UNION ALL\n    ')
          INTO body
          FROM jsonb_array_elements(base) i;
        EXECUTE @extschema@.render($v$
{{create_view:S}} {{shard:I}}.{{view:I}} AS
SELECT wk.week_start, b.indicator, b.counting, b.region_code, b.platform, b.unit_id, b.active, b.population
FROM (SELECT w::date AS week_start
      FROM generate_series((SELECT @extschema@.week_start(min(d.day)) FROM {{mart:I}}.activity_daily d)::timestamp,
                           (SELECT max(d.day) FROM {{mart:I}}.activity_daily d)::timestamp,
                           interval '7 days') AS w) wk
CROSS JOIN LATERAL (
    {{body:S}}
) b$v$, jsonb_build_object('create_view', create_view, 'shard', shard_schema, 'view', facts, 'mart', mart_schema,
                           'body', coalesce(body, 'SELECT NULL::text, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::boolean, NULL::bigint WHERE false')));
        INSERT INTO @extschema@.person_level_object (schema_name, object_name, reason)
        VALUES (shard_schema, facts, 'shard view: per-week base rows of every indicator, one row per person, organisation or chat')
        ON CONFLICT DO NOTHING;
        EXECUTE format('COMMENT ON VIEW %s.%I IS %L', s, facts,
            format('Shard view of region %s: per-week base rows of every indicator (one row per unit and group; unit_id is a person, organisation or chat id). Person-level: for the coordinator''s postgres_fdw user mapping only, never for BI roles.', r.region_code));
        EXECUTE @extschema@.render($v$
{{create_view:S}} {{shard:I}}.{{view:I}} AS
SELECT r.region_code, r.name, r.time_zone,
       (SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'sferum_kpi') AS sferum_kpi_version,
       -- people with a membership here whose home region is another one: the
       -- only people the national totals could count in two regions
       (SELECT count(DISTINCT mb.person_id) FROM {{mart:I}}.membership mb
          JOIN {{mart:I}}.organisation o ON o.org_id = mb.org_id
          JOIN {{mart:I}}.person p ON p.person_id = mb.person_id
         WHERE o.region_code = r.region_code AND p.region_code <> r.region_code) AS cross_region_people
FROM {{mart:I}}.region r WHERE r.region_code = {{region:L}}$v$,
            jsonb_build_object('create_view', create_view, 'shard', shard_schema, 'view', 'region_' || r.region_code,
                               'mart', mart_schema, 'region', r.region_code));
        EXECUTE format('COMMENT ON VIEW %s.%I IS %L', s, 'region_' || r.region_code,
            format('Shard view of region %s: its name, time zone, the sferum_kpi version of this shard (checked by attach_shard on the coordinator) and the number of people counted here whose home region is another.', r.region_code));
        RETURN NEXT r.region_code;
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION @extschema@.build_shard_views(name, name, boolean) IS
'Internal: write the shard views of create_shard_views(); or_replace re-creates existing views in place (rebuild_views).';

CREATE FUNCTION @extschema@.create_shard_views(mart_schema name, shard_schema name DEFAULT 'kpi_shard')
RETURNS SETOF text
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF EXISTS (SELECT 1 FROM @extschema@.view_set s WHERE s.schema_name = shard_schema AND s.kind <> 'shard') THEN
        RAISE EXCEPTION 'schema "%" already holds % views', shard_schema,
                        (SELECT min(s.kind) FROM @extschema@.view_set s WHERE s.schema_name = shard_schema)
            USING ERRCODE = '42P07', HINT = 'Use another schema for the shard views.';
    END IF;
    RETURN QUERY SELECT * FROM @extschema@.build_shard_views(mart_schema, shard_schema, false);
    INSERT INTO @extschema@.view_set AS s (schema_name, kind, mart_schema, fingerprint, built_with)
    VALUES (shard_schema, 'shard', mart_schema, @extschema@.definitions_fingerprint(),
            (SELECT e.extversion FROM pg_extension e WHERE e.extname = 'sferum_kpi'))
    ON CONFLICT ON CONSTRAINT view_set_key DO NOTHING;
END
$fn$;
COMMENT ON FUNCTION @extschema@.create_shard_views(name, name) IS
'On a shard: create, for every region of the data mart, the views facts_<region> (per-week base rows of every indicator, person-level) and region_<region> in shard_schema (default kpi_shard), for the coordinator''s attach_shard(). Regions whose views were made from this mart before are kept; re-run it after adding a region. Returns the region codes.';

CREATE FUNCTION @extschema@.build_national(national_schema name, or_replace boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    n text := quote_ident(national_schema);
    counted constant text := '@extschema@.weekly_active_ratio(f.unit_id, f.active::integer::bigint, 1, NULL::bigint)';
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('national_schema', national_schema), ARRAY[national_schema]);
    IF to_regclass(format('%s.facts', n)) IS NOT NULL AND NOT or_replace THEN
        RAISE EXCEPTION 'schema "%" already holds a national coordinator', national_schema
            USING ERRCODE = '42P07', HINT = 'Attach more shards with sferum_kpi.attach_shard(server, schema).';
    END IF;
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %s', n);
    IF to_regclass(format('%s.facts', n)) IS NULL THEN
    EXECUTE @extschema@.render($ddl$
CREATE TABLE {{national:I}}.facts (
    week_start  date NOT NULL,
    indicator   text NOT NULL,
    counting    text NOT NULL,
    region_code text NOT NULL,
    platform    text NOT NULL,
    unit_id     bigint,
    active      boolean NOT NULL,
    population  bigint
) PARTITION BY LIST (region_code);
COMMENT ON TABLE {{national:I}}.facts IS 'Per-week base rows of every indicator, partitioned by region; each partition is a postgres_fdw foreign table on the shard holding the region (attach_shard). Person-level: query it only through region_counts, region_indicators and totals.';
COMMENT ON COLUMN {{national:I}}.facts.week_start IS 'Monday of the week.';
COMMENT ON COLUMN {{national:I}}.facts.indicator IS 'Indicator code.';
COMMENT ON COLUMN {{national:I}}.facts.counting IS 'unit (denominator = distinct units) or population (denominator = sum of population).';
COMMENT ON COLUMN {{national:I}}.facts.region_code IS 'Region code: the partition key.';
COMMENT ON COLUMN {{national:I}}.facts.platform IS 'vk, national, or any.';
COMMENT ON COLUMN {{national:I}}.facts.unit_id IS 'Person, organisation or chat counted; NULL on population rows.';
COMMENT ON COLUMN {{national:I}}.facts.active IS 'Whether the unit counts in the numerator on this row.';
COMMENT ON COLUMN {{national:I}}.facts.population IS 'Statistical-form population of a population row.';

CREATE TABLE {{national:I}}.region (
    region_code         text NOT NULL,
    name                text,
    time_zone           text,
    sferum_kpi_version  text,
    cross_region_people bigint
) PARTITION BY LIST (region_code);
COMMENT ON TABLE {{national:I}}.region IS 'Regions attached to the coordinator, read live from the shards (one postgres_fdw foreign partition per region).';
COMMENT ON COLUMN {{national:I}}.region.region_code IS 'Region code: the partition key.';
COMMENT ON COLUMN {{national:I}}.region.name IS 'Region name.';
COMMENT ON COLUMN {{national:I}}.region.time_zone IS 'Time zone of the region.';
COMMENT ON COLUMN {{national:I}}.region.sferum_kpi_version IS 'sferum_kpi version installed on the shard (attach_shard requires the coordinator''s).';
COMMENT ON COLUMN {{national:I}}.region.cross_region_people IS 'People counted in this region whose home region (person.region_code) is another: 0 everywhere means no person can be counted in two regions, so the national totals are distinct people.';
$ddl$, jsonb_build_object('national', national_schema));
    INSERT INTO @extschema@.person_level_object (schema_name, object_name, reason)
    VALUES (national_schema, 'facts', 'coordinator table: per-week base rows of every indicator from the shards, one row per person, organisation or chat')
    ON CONFLICT DO NOTHING;
    END IF;
    EXECUTE @extschema@.render($ddl$
-- Per region, indicator, platform and week.  Grouped by the partition key, so
-- with enable_partitionwise_aggregate each region's group is computed on its
-- shard (the aggregate and numerator()/denominator() are in the Remote SQL).
{{create_view:S}} {{national:I}}.region_counts AS
SELECT f.indicator, f.week_start, f.platform, f.region_code,
       coalesce(@extschema@.numerator({{counted:S}}), 0) AS numerator,
       CASE WHEN f.counting = 'unit' THEN coalesce(@extschema@.denominator({{counted:S}}), 0)
            ELSE coalesce(sum(f.population), 0)::bigint END AS denominator
FROM {{national:I}}.facts f
GROUP BY f.indicator, f.week_start, f.platform, f.region_code, f.counting;

{{create_view:S}} {{national:I}}.region_indicators AS
SELECT c.indicator, c.week_start, c.platform, c.region_code, r.name AS region_name,
       c.numerator, c.denominator,
       CASE WHEN c.denominator > 0 THEN LEAST(c.numerator, c.denominator)::double precision / c.denominator END AS share,
       t.stage AS target_stage, t.deadline AS target_deadline, t.threshold AS target_threshold,
       t.met AS target_met, t.due AS target_due, t.in_force AS target_in_force
FROM {{national:I}}.region_counts c
LEFT JOIN {{national:I}}.region r ON r.region_code = c.region_code
-- the indicator only while it has targets (see build_kpi_views)
LEFT JOIN LATERAL @extschema@.target_status(
    CASE WHEN EXISTS (SELECT 1 FROM @extschema@.target tt WHERE tt.indicator = c.indicator) THEN c.indicator END,
    @extschema@.kpi_ratio(LEAST(c.numerator, c.denominator), c.denominator),
    c.week_start, c.region_code) t ON true;

{{create_view:S}} {{national:I}}.shards AS
SELECT substr(c.relname, 7) AS region_code, s.srvname AS server_name,
       (SELECT substr(o, 13) FROM unnest(ft.ftoptions) o WHERE o LIKE 'schema_name=%') AS remote_schema
FROM pg_catalog.pg_inherits i
JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
JOIN pg_catalog.pg_foreign_table ft ON ft.ftrelid = c.oid
JOIN pg_catalog.pg_foreign_server s ON s.oid = ft.ftserver
WHERE i.inhparent = {{facts:L}}::regclass;

-- National totals: a rollup of the regions' exact counts, never an average of shares.
{{create_view:S}} {{national:I}}.totals AS
SELECT c.indicator, c.week_start, c.platform, count(*) AS regions,
       sum(c.numerator)::bigint AS numerator, sum(c.denominator)::bigint AS denominator,
       CASE WHEN sum(c.denominator) > 0
            THEN (sum(LEAST(c.numerator, c.denominator)) / sum(c.denominator))::double precision END AS share,
       @extschema@.rollup(@extschema@.kpi_ratio(LEAST(c.numerator, c.denominator), c.denominator)) AS value
FROM {{national:I}}.region_counts c
GROUP BY c.indicator, c.week_start, c.platform;
$ddl$,
        jsonb_build_object('create_view', @extschema@.create_view_sql(or_replace),
                           'national', national_schema, 'facts', format('%I.facts', national_schema), 'counted', counted));
    PERFORM @extschema@.comment_kpi_view(national_schema, 'region_counts',
        'Numerator and denominator of every indicator per region, platform and week, computed on the shards (the region level of the KPI views).');
    PERFORM @extschema@.comment_kpi_view(national_schema, 'region_indicators',
        'Every indicator per region, platform and week (computed on the shards), with the region''s target stage (evaluated on the coordinator).');
    PERFORM @extschema@.comment_kpi_view(national_schema, 'totals',
        'National total of every indicator per platform and week: the sum of the regions'' numerators over the sum of their denominators, never an average of shares. Distinct units are counted per region; they are distinct nationally when region.cross_region_people is 0 everywhere.');
    EXECUTE format('COMMENT ON VIEW %s.shards IS %L', n, 'Which foreign server holds each region''s partition (maintained by attach_shard).');
    EXECUTE format('COMMENT ON COLUMN %s.shards.region_code IS %L', n, 'Region code.');
    EXECUTE format('COMMENT ON COLUMN %s.shards.server_name IS %L', n, 'postgres_fdw server of the shard.');
    EXECUTE format('COMMENT ON COLUMN %s.shards.remote_schema IS %L', n, 'Schema of the shard views on that server.');
    EXECUTE format('COMMENT ON COLUMN %s.totals.regions IS %L', n, 'Regions with a row for this indicator, platform and week.');
    EXECUTE format('COMMENT ON COLUMN %s.totals.value IS %L', n, 'The national value as an exact kpi_ratio: rollup of the regions'' ratios (numerators capped at their denominators, as in indicator_history).');
    IF NOT current_setting('enable_partitionwise_aggregate')::boolean THEN
        RAISE NOTICE 'enable_partitionwise_aggregate is off in this session: the regions'' aggregates would run on the coordinator over person-level rows'
            USING HINT = format('ALTER DATABASE %I SET enable_partitionwise_aggregate = on;', current_database());
    END IF;
END
$fn$;
COMMENT ON FUNCTION @extschema@.build_national(name, boolean) IS
'Internal: write the coordinator''s table and views of create_national(); or_replace re-creates the views in place and keeps the table and its partitions (rebuild_views).';

CREATE FUNCTION @extschema@.create_national(national_schema name DEFAULT 'national')
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF EXISTS (SELECT 1 FROM @extschema@.view_set s WHERE s.schema_name = national_schema AND s.kind <> 'national') THEN
        RAISE EXCEPTION 'schema "%" already holds views of another kind', national_schema
            USING ERRCODE = '42P07', HINT = 'Use another schema for the national coordinator.';
    END IF;
    PERFORM @extschema@.build_national(national_schema, false);
    INSERT INTO @extschema@.view_set AS s (schema_name, kind, fingerprint, built_with)
    VALUES (national_schema, 'national', @extschema@.definitions_fingerprint(),
            (SELECT e.extversion FROM pg_extension e WHERE e.extname = 'sferum_kpi'))
    ON CONFLICT ON CONSTRAINT view_set_key DO NOTHING;
END
$fn$;
COMMENT ON FUNCTION @extschema@.create_national(name) IS
'On the coordinator: create the partitioned table facts and the views region_counts, region_indicators and totals in national_schema (default national). Attach shards with attach_shard().';

CREATE FUNCTION @extschema@.attach_live_shard(server_name name, national_schema name, shard_schema name)
RETURNS TABLE (region_code text, region_name text, status text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    n text := quote_ident(national_schema);
    srv record;
    opts text[];
    staging text := format('sferum_kpi_import_%s', pg_backend_pid());
    code text;
    other name;
    info record;
    mine text := (SELECT e.extversion FROM pg_extension e WHERE e.extname = 'sferum_kpi');
    old_level text;
    tuple_cost numeric;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('server_name', server_name, 'national_schema', national_schema, 'shard_schema', shard_schema), ARRAY[server_name, national_schema, shard_schema]);
    PERFORM @extschema@.require_schema(national_schema, 'national coordinator', 'Create it with sferum_kpi.create_national(schema) first.', '{facts}');
    SELECT s.oid, s.srvoptions, s.srvowner, w.fdwname INTO srv
      FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
     WHERE s.srvname = server_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'foreign server "%" does not exist', server_name
            USING ERRCODE = '42704', HINT = 'CREATE SERVER ... FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host ..., dbname ..., extensions ''sferum_kpi'', async_capable ''true'').';
    END IF;
    IF srv.fdwname <> 'postgres_fdw' THEN
        RAISE EXCEPTION 'foreign server "%" uses %, not postgres_fdw', server_name, srv.fdwname USING ERRCODE = '55000';
    END IF;
    opts := coalesce(srv.srvoptions, '{}');
    -- Without the extension in the server's shippable list, postgres_fdw would
    -- fetch every person-level row to aggregate on the coordinator.
    IF NOT EXISTS (SELECT 1 FROM unnest(opts) o
                   WHERE o LIKE 'extensions=%'
                     AND 'sferum_kpi' = ANY (SELECT btrim(x) FROM unnest(string_to_array(substr(o, 12), ',')) x)) THEN
        RAISE EXCEPTION 'foreign server "%" does not list sferum_kpi as shippable', server_name
            USING ERRCODE = '55000',
                  DETAIL = 'postgres_fdw would fetch person-level rows and aggregate them on the coordinator.',
                  HINT = format('ALTER SERVER %I OPTIONS (ADD extensions ''sferum_kpi'');', server_name);
    END IF;
    -- The planner must see that the per-region aggregate returns a few rows where
    -- the base rows are many: the facts partitions ask the shard for estimates
    -- (use_remote_estimate, set below), and moving a row has to cost something.
    -- With postgres_fdw's default fdw_tuple_cost (0.01 in PostgreSQL 15 and 16)
    -- the planner fetches person-level rows to aggregate them locally whenever
    -- the local aggregate's sort order saves it a sort (measured: national.totals).
    tuple_cost := (SELECT substr(o, 16)::numeric FROM unnest(opts) o WHERE o LIKE 'fdw_tuple_cost=%');
    IF tuple_cost IS NULL AND pg_has_role(current_user, srv.srvowner, 'USAGE') THEN
        EXECUTE format('ALTER SERVER %I OPTIONS (ADD fdw_tuple_cost %L)', server_name, '1');
        RAISE NOTICE 'set fdw_tuple_cost 1 on foreign server "%", so that the planner sends each region''s aggregate to its shard', server_name;
    ELSIF coalesce(tuple_cost, 0) < 1 THEN
        RAISE NOTICE 'foreign server "%" has fdw_tuple_cost %: the planner may fetch person-level rows to aggregate them on the coordinator',
                     server_name, coalesce(tuple_cost::text, 'unset')
            USING HINT = format('As its owner: ALTER SERVER %I OPTIONS (%s fdw_tuple_cost ''1'');', server_name,
                                CASE WHEN tuple_cost IS NULL THEN 'ADD' ELSE 'SET' END);
    END IF;
    IF NOT 'async_capable=true' = ANY (opts) THEN
        RAISE NOTICE 'foreign server "%" is not async_capable: its regions will be scanned one after another', server_name
            USING HINT = format('ALTER SERVER %I OPTIONS (ADD async_capable ''true'');', server_name);
    END IF;

    -- Discover the shard's regions: its region_<code> views.
    EXECUTE format('CREATE SCHEMA %I', staging);
    EXECUTE format('IMPORT FOREIGN SCHEMA %I FROM SERVER %I INTO %I', shard_schema, server_name, staging);
    FOR code IN
        SELECT substr(c.relname, 8) FROM pg_class c
         WHERE c.relnamespace = quote_ident(staging)::regnamespace AND c.relname LIKE 'region\_%'
           AND EXISTS (SELECT 1 FROM pg_class f WHERE f.relnamespace = c.relnamespace
                                                  AND f.relname = 'facts_' || substr(c.relname, 8))
         ORDER BY 1
    LOOP
        region_code := code;
        EXECUTE format('SELECT r.name, r.sferum_kpi_version FROM %I.%I r', staging, 'region_' || code) INTO info;
        region_name := info.name;
        IF info.sferum_kpi_version IS DISTINCT FROM mine THEN
            RAISE EXCEPTION 'shard "%" has sferum_kpi %, the coordinator %', server_name,
                            coalesce(info.sferum_kpi_version, '(none)'), mine
                USING ERRCODE = '55000',
                      HINT = 'Run ALTER EXTENSION sferum_kpi UPDATE on every node, so that every node has the same version.';
        END IF;
        SELECT s.srvname INTO other
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          JOIN pg_foreign_table ft ON ft.ftrelid = c.oid JOIN pg_foreign_server s ON s.oid = ft.ftserver
         WHERE i.inhparent = format('%s.facts', n)::regclass AND c.relname = 'facts_' || code;
        IF other IS NOT NULL AND other <> server_name THEN
            RAISE EXCEPTION 'region % is already attached from server "%"', code, other
                USING ERRCODE = '42710', HINT = format('DROP FOREIGN TABLE %s.%I, %s.%I first to move the region.',
                                                        n, 'facts_' || code, n, 'region_' || code);
        ELSIF other IS NOT NULL THEN
            status := 'already attached';
            IF to_regclass(format('%s.%I', n, 'region_' || code)) IS NULL THEN
                EXECUTE format('CREATE FOREIGN TABLE %s.%I PARTITION OF %s.region FOR VALUES IN (%L) '
                               'SERVER %I OPTIONS (schema_name %L, table_name %L)',
                               n, 'region_' || code, n, code, server_name, shard_schema, 'region_' || code);
                status := 'already attached; region partition re-created';
            END IF;
        ELSE
            EXECUTE format('CREATE FOREIGN TABLE %s.%I PARTITION OF %s.facts FOR VALUES IN (%L) '
                           'SERVER %I OPTIONS (schema_name %L, table_name %L, use_remote_estimate ''true'')',
                           n, 'facts_' || code, n, code, server_name, shard_schema, 'facts_' || code);
            EXECUTE format('CREATE FOREIGN TABLE %s.%I PARTITION OF %s.region FOR VALUES IN (%L) '
                           'SERVER %I OPTIONS (schema_name %L, table_name %L)',
                           n, 'region_' || code, n, code, server_name, shard_schema, 'region_' || code);
            EXECUTE format('COMMENT ON FOREIGN TABLE %s.%I IS %L', n, 'facts_' || code,
                           format('Region %s on server %s (attach_shard).', code, server_name));
            EXECUTE format('COMMENT ON FOREIGN TABLE %s.%I IS %L', n, 'region_' || code,
                           format('Region %s on server %s (attach_shard).', code, server_name));
            status := 'attached';
        END IF;
        RETURN NEXT;
    END LOOP;
    -- the staging foreign tables were only needed to read the shard's catalogue
    old_level := current_setting('client_min_messages');
    PERFORM set_config('client_min_messages', 'warning', true);
    EXECUTE format('DROP SCHEMA %I CASCADE', staging);
    PERFORM set_config('client_min_messages', old_level, true);
    IF region_code IS NULL THEN
        RAISE EXCEPTION 'server "%" has no shard views in schema "%"', server_name, shard_schema
            USING ERRCODE = '42P01', HINT = 'On the shard: SELECT sferum_kpi.create_shard_views(mart_schema, shard_schema);';
    END IF;
END
$fn$;
COMMENT ON FUNCTION @extschema@.attach_live_shard(name, name, name) IS
'Internal: attach_shard() for a live coordinator (create_national): attach every region of a shard (a postgres_fdw server listing sferum_kpi in its extensions option) as foreign partitions facts_<region> and region_<region> of national_schema. Checks the shard''s sferum_kpi version; re-running it attaches new regions only. Returns one row per region of the shard.';

