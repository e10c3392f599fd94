--------------------------------------------------------------------------------
-- The national level read from the regions' stores (1.5, issue 24).
--
-- Each region's server refreshes its weekly KPI store (refresh_week): every
-- indicator, platform and group with numerator and denominator.  The
-- coordinator copies those rows, never recomputes them: refresh_national()
-- reads each attached shard's refresh_log over postgres_fdw and pulls only
-- the region-weeks refreshed since its last pull, one transaction per
-- region-week (a second run with nothing new does nothing; a cut run resumes
-- where it stopped).  What crosses the network: the shard's refresh_log rows,
-- its store rows of the region-week (aggregates: region, municipality and
-- org-kind levels; the organisation level only when attach_shard was asked
-- for it), the region's name and the shard's sferum_kpi version.  Never a
-- person: the pull reads no mart table and no person-level view, so the
-- coordinator's user mapping needs SELECT on <views>.store, refresh_log and
-- indicators only.
--
-- A shard that is down, refuses the connection or runs another sferum_kpi
-- version is recorded in shard_region (last_error) for its regions, their last
-- figures are kept (stale in the views) and the other shards are pulled.
--
-- The national totals (level country, region_code NULL) are the sums of the
-- regions' numerators and denominators per indicator, platform and week,
-- recomputed in the transaction of every region-week pulled and judged against
-- the federal targets (target_status with no region).  A person counted in two
-- regions counts in both, as in the regions' own reporting.
--
-- The live pushdown path (create_national, create_shard_views) stays in
-- sharding.sql; attach_shard() below serves both: a schema made by
-- create_national gets live foreign partitions, one made by
-- create_national_store gets pulled regions.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.create_national_store(national_schema name DEFAULT 'national', min_cell integer DEFAULT 5)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    n text := quote_ident(national_schema);
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('national_schema', national_schema, 'min_cell', min_cell), ARRAY[national_schema]);
    IF min_cell < 0 THEN
        RAISE EXCEPTION 'min_cell must be >= 0 (got %)', min_cell
            USING ERRCODE = '22023', HINT = 'Use 0 to publish every figure unsuppressed.';
    END IF;
    IF national_schema ~ '^pg_' THEN
        RAISE EXCEPTION 'unacceptable schema name "%"', national_schema
            USING ERRCODE = '42939', DETAIL = 'The prefix "pg_" is reserved for system schemas.';
    END IF;
    IF EXISTS (SELECT 1 FROM @extschema@.view_set s WHERE s.schema_name = national_schema) THEN
        RAISE EXCEPTION 'schema "%" already holds % views', national_schema,
                        (SELECT min(s.kind) FROM @extschema@.view_set s WHERE s.schema_name = national_schema)
            USING ERRCODE = '42P07', HINT = 'Attach shards with sferum_kpi.attach_shard(server, schema), or use another schema.';
    END IF;
    IF to_regclass(format('%s.store', n)) IS NOT NULL THEN
        RAISE EXCEPTION 'schema "%" already holds a table store', national_schema
            USING ERRCODE = '42P07', HINT = 'Use another schema for the national store.';
    END IF;
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %s', n);
    EXECUTE @extschema@.render($ddl$
CREATE TABLE {{n:I}}.store (
{{columns:S}},
    regions           integer,
    CONSTRAINT store_key UNIQUE NULLS NOT DISTINCT
        (week_start, indicator, platform, level, region_code, municipality_id, org_kind, org_id)
);
CREATE INDEX ON {{n:I}}.store (indicator, level, week_start);
CREATE INDEX ON {{n:I}}.store (region_code, week_start);
COMMENT ON TABLE {{n:I}}.store IS 'National KPI store (sferum_kpi): the regions'' stored rows pulled by refresh_national() (region, municipality and org-kind levels; organisation level for regions attached with organisations), and the national totals (level country, region_code NULL: sums over the regions). Not an extension member.';
COMMENT ON COLUMN {{n:I}}.store.week_start IS 'Monday of the ISO week.';
COMMENT ON COLUMN {{n:I}}.store.indicator IS 'Indicator code.';
COMMENT ON COLUMN {{n:I}}.store.platform IS 'vk, national, or any.';
COMMENT ON COLUMN {{n:I}}.store.level IS 'country (the national total), region, municipality, org_kind or organisation.';
COMMENT ON COLUMN {{n:I}}.store.region_code IS 'Region code; NULL on the country rows.';
COMMENT ON COLUMN {{n:I}}.store.municipality_id IS 'Municipality (municipality and organisation levels).';
COMMENT ON COLUMN {{n:I}}.store.org_kind IS 'Organisation kind (org_kind and organisation levels).';
COMMENT ON COLUMN {{n:I}}.store.org_id IS 'Organisation (organisation level).';
COMMENT ON COLUMN {{n:I}}.store.time IS 'The week''s Monday 00:00 in the region''s time zone (country rows: in Moscow time).';
COMMENT ON COLUMN {{n:I}}.store.numerator IS 'Units counted, as the region stored them (country: the sum over the regions).';
COMMENT ON COLUMN {{n:I}}.store.denominator IS 'Population of the group (country: the sum over the regions).';
COMMENT ON COLUMN {{n:I}}.store.target_stage IS 'Target stage of the week as the region judged it (country: the federal stage).';
COMMENT ON COLUMN {{n:I}}.store.target_deadline IS 'Deadline of that stage.';
COMMENT ON COLUMN {{n:I}}.store.target_comparison IS '>= or >.';
COMMENT ON COLUMN {{n:I}}.store.target_threshold IS 'Threshold of the stage; NULL when unknown (a baseline stage has none nationally).';
COMMENT ON COLUMN {{n:I}}.store.target_in_force IS 'false while the stage awaits its normative acts.';
COMMENT ON COLUMN {{n:I}}.store.target_due IS 'true when the stage''s deadline is on or before the week''s Sunday.';
COMMENT ON COLUMN {{n:I}}.store.target_met IS 'Whether min(numerator, denominator) / denominator meets the stage; NULL when unknown.';
COMMENT ON COLUMN {{n:I}}.store.short_by IS 'How many more units would meet the stage.';
COMMENT ON COLUMN {{n:I}}.store.municipality_name IS 'Name of the municipality as the region stored it.';
COMMENT ON COLUMN {{n:I}}.store.org_name IS 'Name of the organisation as the region stored it.';
COMMENT ON COLUMN {{n:I}}.store.holiday IS 'A holiday week of the region (false on country rows).';
COMMENT ON COLUMN {{n:I}}.store.holiday_kind IS 'autumn, winter, spring, summer or other.';
COMMENT ON COLUMN {{n:I}}.store.regions IS 'Country rows: the regions summed; NULL on the regions'' rows.';

CREATE TABLE {{n:I}}.shard_region (
    region_code     text PRIMARY KEY,
    region_name     text,
    server_name     text NOT NULL,
    views_schema    text NOT NULL,
    organisations   boolean NOT NULL,
    attached_at     timestamptz NOT NULL DEFAULT now(),
    last_pull_at    timestamptz,
    last_success_at timestamptz,
    last_refresh_at timestamptz,
    last_error      text,
    last_error_at   timestamptz
);
COMMENT ON TABLE {{n:I}}.shard_region IS 'Regions attached to the national store (attach_shard), the shard holding each and how its last pull went (refresh_national).';
COMMENT ON COLUMN {{n:I}}.shard_region.region_code IS 'Region code.';
COMMENT ON COLUMN {{n:I}}.shard_region.region_name IS 'Region name, as the shard''s views show it.';
COMMENT ON COLUMN {{n:I}}.shard_region.server_name IS 'postgres_fdw server of the shard.';
COMMENT ON COLUMN {{n:I}}.shard_region.views_schema IS 'Schema of the KPI views and store on the shard.';
COMMENT ON COLUMN {{n:I}}.shard_region.organisations IS 'Whether the organisation level is pulled too.';
COMMENT ON COLUMN {{n:I}}.shard_region.attached_at IS 'When attach_shard attached the region.';
COMMENT ON COLUMN {{n:I}}.shard_region.last_pull_at IS 'When refresh_national last tried the region.';
COMMENT ON COLUMN {{n:I}}.shard_region.last_success_at IS 'When refresh_national last read the region''s refresh_log and pulled every week refreshed since without error.';
COMMENT ON COLUMN {{n:I}}.shard_region.last_refresh_at IS 'The region''s latest refresh (refresh_log.refreshed_at on the shard) seen by the last successful pull.';
COMMENT ON COLUMN {{n:I}}.shard_region.last_error IS 'Error of the last failed pull (SQLSTATE and message); kept until a pull succeeds.';
COMMENT ON COLUMN {{n:I}}.shard_region.last_error_at IS 'When that pull failed.';

CREATE TABLE {{n:I}}.pulled (
    region_code       text NOT NULL REFERENCES {{n:I}}.shard_region ON DELETE CASCADE,
    week_start        date NOT NULL,
    refreshed_at      timestamptz NOT NULL,
    complete          boolean NOT NULL,
    last_activity_day date,
    pulled_at         timestamptz NOT NULL,
    rows_pulled       bigint NOT NULL,
    PRIMARY KEY (region_code, week_start)
);
COMMENT ON TABLE {{n:I}}.pulled IS 'Region-weeks held in the national store: the shard''s refresh_log row they were pulled at (a week refreshed on the shard since is pulled again).';
COMMENT ON COLUMN {{n:I}}.pulled.region_code IS 'Region code.';
COMMENT ON COLUMN {{n:I}}.pulled.week_start IS 'Monday of the week.';
COMMENT ON COLUMN {{n:I}}.pulled.refreshed_at IS 'refresh_log.refreshed_at on the shard when the week was pulled.';
COMMENT ON COLUMN {{n:I}}.pulled.complete IS 'refresh_log.complete: the week''s Sunday had activity data.';
COMMENT ON COLUMN {{n:I}}.pulled.last_activity_day IS 'refresh_log.last_activity_day.';
COMMENT ON COLUMN {{n:I}}.pulled.pulled_at IS 'When the week was pulled (commit of its transaction).';
COMMENT ON COLUMN {{n:I}}.pulled.rows_pulled IS 'Store rows of the region-week copied.';
$ddl$, jsonb_build_object('n', national_schema, 'columns', @extschema@.store_columns(false)));
    PERFORM @extschema@.build_national_views(national_schema, min_cell, false);
    INSERT INTO @extschema@.view_set AS s (schema_name, kind, min_cell, fingerprint, built_with)
    VALUES (national_schema, 'national_store', min_cell, @extschema@.definitions_fingerprint(),
            (SELECT e.extversion FROM pg_extension e WHERE e.extname = 'sferum_kpi'));
END
$fn$;
COMMENT ON FUNCTION @extschema@.create_national_store(name, integer) IS
'On the coordinator: create the national store in national_schema (default national): the tables store, shard_region and pulled and the BI views indicators, latest, dashboard, rankings, forecast, stage_results and pull_log. Attach regions with attach_shard(server, national_schema, views_schema), fill it with refresh_national(). Below the region level, figures of people-counting indicators with a denominator below min_cell (default 5) are withheld in the views.';

CREATE FUNCTION @extschema@.attach_store_shard(server_name name, national_schema name, views_schema name, organisations boolean)
RETURNS TABLE (region_code text, region_name text, status text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    n text := quote_ident(national_schema);
    mine text := (SELECT e.extversion FROM pg_extension e WHERE e.extname = 'sferum_kpi');
    theirs text;
    r record;
    old record;
    fdw jsonb;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('server_name', server_name, 'national_schema', national_schema,
                                                       'views_schema', views_schema, 'organisations', organisations));
    fdw := @extschema@.national_fdw_tables(server_name, national_schema, views_schema);
    -- the shard's version and its regions (those with stored weeks)
    EXECUTE format('SELECT max(e.extversion) FROM %s e WHERE e.extname = %L', fdw ->> 'extension', 'sferum_kpi') INTO theirs;
    BEGIN
        EXECUTE format('SELECT 1 FROM %s l LIMIT 1', fdw ->> 'refresh_log');
    EXCEPTION WHEN undefined_table OR insufficient_privilege THEN
        RAISE EXCEPTION 'server "%" has no KPI store readable in schema "%"', server_name, views_schema
            USING ERRCODE = '42P01', DETAIL = SQLERRM,
                  HINT = 'On the shard: SELECT sferum_kpi.create_kpi_views(mart_schema, views_schema), refresh the store, and GRANT USAGE on the schema and SELECT on its store, refresh_log and indicators to the role of the user mapping.';
    END;
    IF theirs IS DISTINCT FROM mine THEN
        RAISE EXCEPTION 'shard "%" has sferum_kpi %, the coordinator %', server_name, coalesce(theirs, '(none)'), mine
            USING ERRCODE = '55000',
                  HINT = 'Run ALTER EXTENSION sferum_kpi UPDATE on every node, so that every node has the same version.';
    END IF;
    FOR r IN EXECUTE format($q$
        SELECT l.region_code, max(l.week_start) AS week_start FROM %s l GROUP BY l.region_code ORDER BY l.region_code$q$,
        fdw ->> 'refresh_log') LOOP
        region_code := r.region_code;
        EXECUTE format($q$SELECT min(i.region_name) FROM %s i
                          WHERE i.level = 'region' AND i.week_start = %L AND i.region_code = %L$q$,
                       fdw ->> 'names', r.week_start, r.region_code) INTO region_name;
        EXECUTE format('SELECT * FROM %s.shard_region s WHERE s.region_code = %L', n, r.region_code) INTO old;
        IF old.server_name IS NOT NULL AND old.server_name <> server_name THEN
            RAISE EXCEPTION 'region % is already attached from server "%"', r.region_code, old.server_name
                USING ERRCODE = '42710',
                      HINT = format('SELECT sferum_kpi.detach_region(%L, %L); first to move the region.', r.region_code, national_schema);
        ELSIF old.server_name IS NOT NULL THEN
            status := 'already attached';
            IF old.organisations IS DISTINCT FROM organisations OR old.views_schema IS DISTINCT FROM views_schema THEN
                -- what is pulled changes: every week is pulled again
                EXECUTE format('DELETE FROM %s.pulled p WHERE p.region_code = %L', n, r.region_code);
                status := 'already attached; every week is pulled again';
            END IF;
            EXECUTE format('UPDATE %s.shard_region s SET region_name = %L, views_schema = %L, organisations = %L WHERE s.region_code = %L',
                           n, region_name, views_schema, organisations, r.region_code);
        ELSE
            EXECUTE format('INSERT INTO %s.shard_region (region_code, region_name, server_name, views_schema, organisations) VALUES (%L, %L, %L, %L, %L)',
                           n, r.region_code, region_name, server_name, views_schema, organisations);
            status := 'attached';
        END IF;
        RETURN NEXT;
    END LOOP;
    IF region_code IS NULL THEN
        RAISE EXCEPTION 'server "%" has no stored weeks in schema "%"', server_name, views_schema
            USING ERRCODE = '42P01',
                  HINT = 'On the shard: SELECT sferum_kpi.create_kpi_views(mart_schema, views_schema) and refresh the store (refresh_recent or backfill).';
    END IF;
END
$fn$;
COMMENT ON FUNCTION @extschema@.attach_store_shard(name, name, name, boolean) IS
'Internal: attach_shard() for a national store: check the shard''s sferum_kpi version and register every region with stored weeks in the shard''s views_schema.';

CREATE FUNCTION @extschema@.national_fdw_tables(server_name name, national_schema name, views_schema name)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    n text := quote_ident(national_schema);
    -- one set of foreign tables per server and shard schema; the server name is
    -- cut so that the names stay under 63 bytes
    prefix text := format('fdw_%s_%s_', left(server_name, 24), left(views_schema, 24));
    t jsonb := jsonb_build_object('store', format('%s.%I', n, prefix || 'store'),
                                  'refresh_log', format('%s.%I', n, prefix || 'refresh_log'),
                                  'names', format('%s.%I', n, prefix || 'names'),
                                  'extension', format('%s.%I', n, prefix || 'extension'));
    srv record;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('server_name', server_name, 'national_schema', national_schema, 'views_schema', views_schema));
    SELECT s.oid, w.fdwname INTO srv
      FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
     WHERE s.srvname = server_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'foreign server "%" does not exist', server_name
            USING ERRCODE = '42704', HINT = 'CREATE SERVER ... FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host ..., dbname ...), and a user mapping for a role that reads the shard''s store.';
    END IF;
    IF srv.fdwname <> 'postgres_fdw' THEN
        RAISE EXCEPTION 'foreign server "%" uses %, not postgres_fdw', server_name, srv.fdwname USING ERRCODE = '55000';
    END IF;
    IF to_regclass(t ->> 'store') IS NULL THEN
        EXECUTE @extschema@.render($ddl$
CREATE FOREIGN TABLE {{store:S}} (
    week_start date, indicator text, platform text, level text, region_code text, municipality_id bigint,
    org_kind text, org_id bigint, time timestamptz, numerator bigint, denominator bigint, target_stage integer,
    target_deadline date, target_comparison text, target_threshold double precision, target_in_force boolean,
    target_due boolean, target_met boolean, short_by bigint, municipality_name text, org_name text,
    holiday boolean, holiday_kind text)
SERVER {{server:I}} OPTIONS (schema_name {{views:L}}, table_name 'store', fetch_size '10000');
CREATE FOREIGN TABLE {{refresh_log:S}} (
    week_start date, region_code text, refreshed_at timestamptz, last_activity_day date, complete boolean)
SERVER {{server:I}} OPTIONS (schema_name {{views:L}}, table_name 'refresh_log', fetch_size '10000');
CREATE FOREIGN TABLE {{names:S}} (region_code text, region_name text, level text, week_start date)
SERVER {{server:I}} OPTIONS (schema_name {{views:L}}, table_name 'indicators');
CREATE FOREIGN TABLE {{extension:S}} (extname name, extversion text)
SERVER {{server:I}} OPTIONS (schema_name 'pg_catalog', table_name 'pg_extension');
COMMENT ON FOREIGN TABLE {{store:S}} IS 'The KPI store of the shard (refresh_national reads it one region-week at a time).';
COMMENT ON FOREIGN TABLE {{refresh_log:S}} IS 'The refresh log of the shard''s store.';
COMMENT ON FOREIGN TABLE {{names:S}} IS 'Region names from the shard''s indicators view.';
COMMENT ON FOREIGN TABLE {{extension:S}} IS 'The shard''s extensions (its sferum_kpi version).';
$ddl$, t || jsonb_build_object('server', server_name, 'views', views_schema));
    END IF;
    RETURN t;
END
$fn$;
COMMENT ON FUNCTION @extschema@.national_fdw_tables(name, name, name) IS
'Internal: the postgres_fdw foreign tables of a national store for one shard (its store, refresh_log, region names and extension version), created when missing; returns their qualified names.';

CREATE FUNCTION @extschema@.attach_shard(server_name name, national_schema name DEFAULT 'national',
                                         views_schema name DEFAULT NULL, organisations boolean DEFAULT false)
RETURNS TABLE (region_code text, region_name text, status text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    kind text;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('server_name', server_name, 'national_schema', national_schema, 'organisations', organisations),
                                     ARRAY[server_name, national_schema, views_schema]);
    SELECT min(s.kind) INTO kind FROM @extschema@.view_set s WHERE s.schema_name = national_schema;
    IF kind = 'national_store' AND to_regclass(format('%I.shard_region', national_schema)) IS NOT NULL THEN
        RETURN QUERY SELECT * FROM @extschema@.attach_store_shard(server_name, national_schema, coalesce(views_schema, 'kpi'), organisations);
    ELSIF to_regclass(format('%I.facts', national_schema)) IS NOT NULL THEN
        IF organisations THEN
            RAISE EXCEPTION 'a live national coordinator has no organisation level to pull'
                USING ERRCODE = '22023', HINT = 'organisations applies to a national store (create_national_store).';
        END IF;
        RETURN QUERY SELECT * FROM @extschema@.attach_live_shard(server_name, national_schema, coalesce(views_schema, 'kpi_shard'));
    ELSE
        RAISE EXCEPTION 'schema "%" holds no national coordinator', national_schema
            USING ERRCODE = '42P01',
                  HINT = 'Create a national store with sferum_kpi.create_national_store(schema) (figures pulled from the regions'' stores), or a live coordinator with sferum_kpi.create_national(schema).';
    END IF;
END
$fn$;
COMMENT ON FUNCTION @extschema@.attach_shard(name, name, name, boolean) IS
'On the coordinator: attach every region of a shard (a postgres_fdw server). For a national store (create_national_store), views_schema is the shard''s KPI views schema (default kpi): the regions with stored weeks are registered for refresh_national(), which reads only the shard''s store, refresh_log and indicators; organisations also pulls the organisation level. For a live coordinator (create_national), views_schema is the shard views'' schema (default kpi_shard): the regions become foreign partitions facts_<region> and region_<region>. Checks the shard''s sferum_kpi version; re-running it attaches new regions only. One row per region of the shard.';

CREATE FUNCTION @extschema@.detach_region(region_code text, national_schema name DEFAULT 'national')
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    n text := quote_ident(national_schema);
    removed bigint;
    w date;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('region_code', region_code, 'national_schema', national_schema));
    PERFORM @extschema@.require_schema(national_schema, 'national store', 'Create one with sferum_kpi.create_national_store(schema).', kind => 'national_store');
    -- one pull or detach at a time
    PERFORM pg_advisory_xact_lock(hashtext('sferum_kpi.national'), hashtext(national_schema));
    EXECUTE format('DELETE FROM %s.shard_region s WHERE s.region_code = %L', n, region_code);
    GET DIAGNOSTICS removed = ROW_COUNT;
    IF removed = 0 THEN
        RAISE EXCEPTION 'region % is not attached to "%"', region_code, national_schema
            USING ERRCODE = '42704', HINT = format('SELECT * FROM %s.pull_log lists the attached regions.', n);
    END IF;
    EXECUTE format('DELETE FROM %s.store s WHERE s.region_code = %L', n, region_code);
    GET DIAGNOSTICS removed = ROW_COUNT;
    FOR w IN EXECUTE format('SELECT DISTINCT s.week_start FROM %s.store s WHERE s.level = %L ORDER BY 1', n, 'country') LOOP
        PERFORM @extschema@.national_totals(national_schema, w);
    END LOOP;
    PERFORM @extschema@.national_dashboard(national_schema);
    RETURN removed;
END
$fn$;
COMMENT ON FUNCTION @extschema@.detach_region(text, name) IS
'On the coordinator: detach a region from a national store: its rows, pull history and state are deleted and the national totals of every week are summed again without it. Returns the region''s store rows deleted. attach_shard() attaches it again.';

CREATE FUNCTION @extschema@.national_totals(national_schema name, week date)
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    stored bigint;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('national_schema', national_schema, 'week', week));
    PERFORM @extschema@.require_schema(national_schema, 'national store', 'Create one with sferum_kpi.create_national_store(schema).', '{pulled}');
    EXECUTE format('DELETE FROM %I.store s WHERE s.week_start = %L AND s.level = %L', national_schema, week, 'country');
    -- the sums of the regions' numerators and denominators, judged against the
    -- federal stage (no region: a baseline stage has no national threshold)
    EXECUTE @extschema@.render($q$
INSERT INTO {{n:I}}.store (week_start, indicator, platform, level, region_code, time, numerator, denominator,
                           target_stage, target_deadline, target_comparison, target_threshold, target_in_force,
                           target_due, target_met, short_by, holiday, regions)
SELECT c.week_start, c.indicator, c.platform, 'country', NULL, {{week:L}}::timestamp AT TIME ZONE 'Europe/Moscow',
       c.numerator, c.denominator, t.stage, t.deadline, t.comparison, t.threshold, t.in_force, t.due, t.met, t.short_by,
       false, c.regions
FROM (SELECT s.week_start, s.indicator, s.platform, sum(s.numerator)::bigint AS numerator,
             sum(s.denominator)::bigint AS denominator, sum(LEAST(s.numerator, s.denominator))::bigint AS capped,
             count(*)::integer AS regions
      FROM {{n:I}}.store s
      WHERE s.week_start = {{week:L}} AND s.level = 'region'
      GROUP BY s.week_start, s.indicator, s.platform) c
LEFT JOIN (SELECT DISTINCT tt.indicator FROM @extschema@.target tt) ti ON ti.indicator = c.indicator
LEFT JOIN LATERAL @extschema@.target_status(ti.indicator, @extschema@.kpi_ratio(c.capped, c.denominator), c.week_start, NULL) t ON true$q$,
        jsonb_build_object('n', national_schema, 'week', week));
    GET DIAGNOSTICS stored = ROW_COUNT;
    RETURN stored;
END
$fn$;
COMMENT ON FUNCTION @extschema@.national_totals(name, date) IS
'Internal: replace the national totals (level country) of one week of a national store by the sums of its regions'' numerators and denominators (each numerator capped at its denominator for the judgement), judged against the federal stage. A person counted in two regions counts in both.';
