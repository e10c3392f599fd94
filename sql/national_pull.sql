--------------------------------------------------------------------------------
-- refresh_national(): the pull of a national store (1.5, see national.sql).
--
-- Per shard: one transaction reads the shard's sferum_kpi version and its
-- refresh_log (the rows of the attached regions) and lists the region-weeks
-- whose refreshed_at differs from the one pulled (new, refreshed again, or no
-- longer stored on the shard).  Then one transaction per region-week: the
-- shard's refresh_log row and store rows of that region-week, read in one
-- remote snapshot (postgres_fdw runs one REPEATABLE READ remote transaction
-- per local one), replace the region-week, and the week's national totals are
-- summed again.  A pull killed inside a region-week leaves it as it was; the
-- next run finds it still to pull.  Any error of a shard (down, connection
-- refused, another version, a failure mid-pull) is recorded for its regions
-- not pulled in full, and the next shard is pulled.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.pull_region_week(national_schema name, fdw jsonb, region text, week date, levels text[])
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    n text := quote_ident(national_schema);
    lg record;
    copied bigint := 0;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('national_schema', national_schema, 'fdw', fdw, 'region', region,
                                                       'week', week, 'levels', levels));
    -- the week's refresh_log row on the shard, in the snapshot its rows are read in
    EXECUTE format('SELECT l.refreshed_at, l.complete, l.last_activity_day FROM %s l WHERE l.region_code = $1 AND l.week_start = $2',
                   fdw ->> 'refresh_log') INTO lg USING region, week;
    EXECUTE format('DELETE FROM %s.store s WHERE s.region_code = $1 AND s.week_start = $2', n) USING region, week;
    IF lg.refreshed_at IS NULL THEN
        -- no longer stored on the shard
        EXECUTE format('DELETE FROM %s.pulled p WHERE p.region_code = $1 AND p.week_start = $2', n) USING region, week;
    ELSE
        EXECUTE format($q$
INSERT INTO %s.store (week_start, indicator, platform, level, region_code, municipality_id, org_kind, org_id, time,
                      numerator, denominator, target_stage, target_deadline, target_comparison, target_threshold,
                      target_in_force, target_due, target_met, short_by, municipality_name, org_name, holiday, holiday_kind)
SELECT s.week_start, s.indicator, s.platform, s.level, s.region_code, s.municipality_id, s.org_kind, s.org_id, s.time,
       s.numerator, s.denominator, s.target_stage, s.target_deadline, s.target_comparison, s.target_threshold,
       s.target_in_force, s.target_due, s.target_met, s.short_by, s.municipality_name, s.org_name,
       coalesce(s.holiday, false), s.holiday_kind
FROM %s s
WHERE s.region_code = $1 AND s.week_start = $2 AND s.level = ANY ($3)$q$, n, fdw ->> 'store')
            USING region, week, levels;
        GET DIAGNOSTICS copied = ROW_COUNT;
        EXECUTE format($q$
INSERT INTO %s.pulled AS p (region_code, week_start, refreshed_at, complete, last_activity_day, pulled_at, rows_pulled)
VALUES ($1, $2, $3, $4, $5, clock_timestamp(), $6)
ON CONFLICT (region_code, week_start) DO UPDATE
   SET refreshed_at = EXCLUDED.refreshed_at, complete = EXCLUDED.complete, last_activity_day = EXCLUDED.last_activity_day,
       pulled_at = EXCLUDED.pulled_at, rows_pulled = EXCLUDED.rows_pulled$q$, n)
            USING region, week, lg.refreshed_at, lg.complete, lg.last_activity_day, copied;
    END IF;
    PERFORM @extschema@.national_totals(national_schema, week);
    RETURN copied;
END
$fn$;
COMMENT ON FUNCTION @extschema@.pull_region_week(name, jsonb, text, date, text[]) IS
'Internal: replace one region-week of a national store by the shard''s stored rows of the given levels (read with its refresh_log row in one remote snapshot), record it in pulled and sum the week''s national totals again; a week the shard no longer stores is removed. Returns the rows copied.';

CREATE PROCEDURE @extschema@.refresh_national(national_schema name DEFAULT 'national')
LANGUAGE plpgsql
AS $fn$
DECLARE
    n text;
    mine text;
    theirs text;
    srv record;
    fdw jsonb;
    todo jsonb;
    item jsonb;
    err text;
    detail text;
    newest timestamptz;
    weeks_pulled integer := 0;
    rows_pulled bigint := 0;
    failed integer := 0;
    started timestamptz := clock_timestamp();
BEGIN
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    PERFORM @extschema@.require_args(jsonb_build_array('national_schema', national_schema));
    n := quote_ident(national_schema);
    PERFORM @extschema@.require_schema(national_schema, 'national store',
                'Create one with sferum_kpi.create_national_store(schema) and attach shards with attach_shard(server, schema).',
                '{shard_region}', 'national_store');
    -- one pull at a time (a session lock: it outlives the commits below and
    -- goes with the session when the pull is killed)
    IF NOT pg_try_advisory_lock(hashtext('sferum_kpi.national'), hashtext(national_schema)) THEN
        RAISE EXCEPTION 'another refresh_national or detach_region of "%" is running', national_schema
            USING ERRCODE = '55P03', HINT = 'Wait for it; pg_locks shows it (locktype advisory).';
    END IF;
    mine := (SELECT e.extversion FROM pg_extension e WHERE e.extname = 'sferum_kpi');
    FOR srv IN EXECUTE format($q$
        SELECT s.server_name, s.views_schema, array_agg(s.region_code ORDER BY s.region_code) AS regions,
               jsonb_object_agg(s.region_code, to_jsonb(CASE WHEN s.organisations THEN '{region,municipality,org_kind,organisation}'
                                                             ELSE '{region,municipality,org_kind}' END::text[])) AS levels
        FROM %s.shard_region s GROUP BY s.server_name, s.views_schema ORDER BY 1, 2$q$, n) LOOP
        todo := NULL;
        err := NULL;
        BEGIN
            fdw := @extschema@.national_fdw_tables(srv.server_name, national_schema, srv.views_schema);
            EXECUTE format('SELECT max(e.extversion) FROM %s e WHERE e.extname = %L', fdw ->> 'extension', 'sferum_kpi') INTO theirs;
            IF theirs IS DISTINCT FROM mine THEN
                RAISE EXCEPTION 'shard "%" has sferum_kpi %, the coordinator %', srv.server_name, coalesce(theirs, '(none)'), mine
                    USING ERRCODE = '55000';
            END IF;
            -- the region-weeks refreshed since their pull, never pulled, or gone from the shard
            EXECUTE format($q$
                SELECT coalesce(jsonb_agg(jsonb_build_object('region', coalesce(l.region_code, p.region_code),
                                                             'week', coalesce(l.week_start, p.week_start))
                                          ORDER BY coalesce(l.region_code, p.region_code), coalesce(l.week_start, p.week_start))
                                FILTER (WHERE p.refreshed_at IS DISTINCT FROM l.refreshed_at), '[]'),
                       max(l.refreshed_at)
                FROM (SELECT r.region_code, r.week_start, r.refreshed_at FROM %s r WHERE r.region_code = ANY ($1)) l
                FULL JOIN (SELECT q.region_code, q.week_start, q.refreshed_at FROM %s.pulled q WHERE q.region_code = ANY ($1)) p
                  ON p.region_code = l.region_code AND p.week_start = l.week_start$q$, fdw ->> 'refresh_log', n)
               INTO todo, newest USING srv.regions;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
            err := format('%s: %s', SQLSTATE, concat_ws(': ', SQLERRM, nullif(btrim(detail), '')));
        END;
        IF err IS NULL THEN
            FOR item IN SELECT * FROM jsonb_array_elements(todo) LOOP
                BEGIN
                    rows_pulled := rows_pulled + @extschema@.pull_region_week(national_schema, fdw, item ->> 'region', (item ->> 'week')::date,
                                                                             ARRAY(SELECT jsonb_array_elements_text(srv.levels -> (item ->> 'region'))));
                    weeks_pulled := weeks_pulled + 1;
                EXCEPTION WHEN OTHERS THEN
                    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
                    err := format('%s: %s (region %s, week %s)', SQLSTATE, concat_ws(': ', SQLERRM, nullif(btrim(detail), '')),
                                  item ->> 'region', item ->> 'week');
                END;
                COMMIT;
                PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
                EXIT WHEN err IS NOT NULL;
            END LOOP;
        END IF;
        IF err IS NULL THEN
            EXECUTE format('UPDATE %s.shard_region s SET last_pull_at = $1, last_success_at = clock_timestamp(), last_refresh_at = coalesce($2, s.last_refresh_at) WHERE s.region_code = ANY ($3)', n)
                USING started, newest, srv.regions;
        ELSE
            failed := failed + 1;
            RAISE WARNING 'refresh_national: shard "%" not pulled: %', srv.server_name, err
                USING HINT = format('Its regions keep their last figures, marked stale; SELECT * FROM %s.pull_log.', n);
            EXECUTE format('UPDATE %s.shard_region s SET last_pull_at = $1, last_error = $2, last_error_at = clock_timestamp() WHERE s.region_code = ANY ($3)', n)
                USING started, err, srv.regions;
        END IF;
        COMMIT;
        PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    END LOOP;
    IF weeks_pulled > 0 THEN
        EXECUTE format('ANALYZE %s.store, %s.pulled', n, n);
        -- the dashboard's copy, in one transaction: readers see the old one until it commits
        PERFORM @extschema@.national_dashboard(national_schema);
    END IF;
    PERFORM pg_advisory_unlock(hashtext('sferum_kpi.national'), hashtext(national_schema));
    RAISE NOTICE 'refresh_national: % region-weeks (% rows) pulled in % ms, % shard store(s) failed',
                 weeks_pulled, rows_pulled, round(extract(epoch FROM clock_timestamp() - started) * 1000), failed;
END
$fn$;
COMMENT ON PROCEDURE @extschema@.refresh_national(name) IS
'On the coordinator (CALL it; the pg_cron job of docs/scaling.md): pull into the national store of national_schema (default national) every region-week that the attached shards refreshed since the last pull, one transaction per region-week, and sum that week''s national totals again. A second run with nothing new pulls nothing; an interrupted run resumes. A shard that is down, refuses the connection or runs another sferum_kpi version gets its error in pull_log (a WARNING too); its regions keep their last figures, marked stale, and the other shards are pulled: the call returns normally.';
