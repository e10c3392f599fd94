--------------------------------------------------------------------------------
-- The weekly refresh as a DBA schedules it: a week into the KPI store
-- (store.sql) and then its region level into indicator_history, the history
-- that the baselines and target_met read.  One way: this file calls the
-- store's functions, the store never calls these.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.history_from(views_schema name, relation name, week date)
RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    changed integer;
BEGIN
    -- Region level of every indicator.  A numerator above a statistical-form
    -- denominator (registry ahead of the forms) is stored capped at it.
    -- Re-running a week changes nothing unless a value changed.
    EXECUTE format($q$
        INSERT INTO @extschema@.indicator_history AS h (region_code, indicator, platform, week, value)
        SELECT k.region_code, k.indicator, k.platform, k.week_start,
               @extschema@.kpi_ratio(LEAST(k.numerator, k.denominator), k.denominator)
        FROM %I.%I k
        WHERE k.week_start = $1 AND k.level = 'region'
        ON CONFLICT (region_code, indicator, platform, week) DO UPDATE
            SET value = EXCLUDED.value, computed_at = pg_catalog.now()
            WHERE h.value::text IS DISTINCT FROM EXCLUDED.value::text$q$, views_schema, relation)
    USING @extschema@.week_start(week);
    GET DIAGNOSTICS changed = ROW_COUNT;
    RETURN changed;
END
$fn$;
COMMENT ON FUNCTION @extschema@.history_from(name, name, date) IS
'Internal: store the region level of the week containing `week`, read from views_schema.relation (the store, or the live views of a set made before 1.4), in indicator_history; returns the rows inserted or changed.';

CREATE FUNCTION @extschema@.snapshot_week(views_schema name, week date)
RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
-- JIT-compiling the union of every indicator's plan costs seconds and saves nothing here
SET jit = off
AS $fn$
DECLARE
    n integer;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema, 'week', week));
    PERFORM @extschema@.require_schema(views_schema, 'KPI views', 'Create them with sferum_kpi.create_kpi_views(mart_schema, views_schema).', '{all_indicators}');
    -- 1.4: every level into the store, its region level into the history
    IF to_regclass(format('%I.store', views_schema)) IS NOT NULL THEN
        n := (@extschema@.store_week(views_schema, week)).history_changed;
        -- the week's answers and the later weeks' (their silence counts this one)
        PERFORM @extschema@.refresh_answers(views_schema, @extschema@.week_start(week));
        RETURN n;
    END IF;
    -- views made before 1.4 and not rebuilt yet: the region level of the live views
    RETURN @extschema@.history_from(views_schema, 'all_indicators', week);
END
$fn$;
COMMENT ON FUNCTION @extschema@.snapshot_week(name, date) IS
'Refresh the week containing `week` in the KPI store of views_schema (every indicator, platform and level; store_week) and store its region level in indicator_history (views made before 1.4 and not rebuilt: the region level of the live views). Returns the number of history rows inserted or changed (0 on a re-run).';

CREATE FUNCTION @extschema@.backfill(views_schema name, from_week date, to_week date)
RETURNS TABLE (week date, rows_changed integer)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    w date;
    t timestamptz;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema));
    IF from_week IS NULL OR to_week IS NULL OR from_week > to_week THEN
        RAISE EXCEPTION 'from_week and to_week must be dates with from_week <= to_week'
            USING ERRCODE = '22023';
    END IF;
    IF NOT isfinite(from_week) OR NOT isfinite(to_week) THEN
        RAISE EXCEPTION 'from_week and to_week must be finite dates (got % and %)', from_week, to_week
            USING ERRCODE = '22008';
    END IF;
    w := @extschema@.week_start(from_week);
    LOOP
        week := w;
        t := clock_timestamp();
        -- the store's week (its answers once, at the end), or the history of views made before 1.4
        rows_changed := CASE WHEN to_regclass(format('%I.store', views_schema)) IS NOT NULL
                             THEN (@extschema@.store_week(views_schema, w)).history_changed
                             ELSE @extschema@.snapshot_week(views_schema, w) END;
        RAISE NOTICE 'week %: % history rows changed in % ms', w, rows_changed,
                     round(extract(epoch FROM clock_timestamp() - t) * 1000);
        RETURN NEXT;
        EXIT WHEN to_week - w < 7;
        w := w + 7;
    END LOOP;
    -- weeks stored before a baseline week changed were judged against the old baseline
    IF to_regclass(format('%I.store', views_schema)) IS NOT NULL THEN
        -- refresh_targets stores every week's answers when it changed a judgement
        IF NOT @extschema@.touches_baselines(from_week, to_week) OR @extschema@.refresh_targets(views_schema, true) = 0 THEN
            PERFORM @extschema@.refresh_answers(views_schema, @extschema@.week_start(from_week));
        END IF;
    END IF;
    -- statistics of the store as a whole: autovacuum analyzes its partitions but
    -- never the partitioned table, whose estimates BI queries over several
    -- partitions are planned with (not_started: 6 s unanalyzed, 0.26 s analyzed)
    IF to_regclass(format('%I.store', views_schema)) IS NOT NULL AND to_week > from_week THEN
        EXECUTE format('ANALYZE %I.store', views_schema);
    END IF;
END
$fn$;
COMMENT ON FUNCTION @extschema@.backfill(name, date, date) IS
'Run snapshot_week for every week from from_week to to_week (e.g. school year 2024/2025 on vk gives the stage-1 baselines), with a NOTICE per week and its time. One transaction; one row per week with the history rows it changed. Dates must be finite. To commit week by week and resume after an interruption: CALL sferum_kpi.refresh_weeks(...).';

CREATE FUNCTION @extschema@.store_week(views_schema name, week date, OUT rows_stored bigint, OUT history_changed integer)
RETURNS record
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
BEGIN
    rows_stored := @extschema@.refresh_week(views_schema, week);
    -- the region level of the store is the history (baselines and target_met read it)
    history_changed := @extschema@.history_from(views_schema, 'store', week);
END
$fn$;
COMMENT ON FUNCTION @extschema@.store_week(name, date) IS
'Internal: refresh_week() and then the week''s region level into indicator_history; returns the rows stored and the history rows inserted or changed.';


CREATE FUNCTION @extschema@.refresh_recent(views_schema name, weeks integer DEFAULT 4)
RETURNS TABLE (week date, rows_stored bigint, duration_ms double precision)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    m text;
    last_day date;
    w date;
    t timestamptz;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema, 'weeks', weeks));
    IF weeks < 1 OR weeks > 520 THEN
        RAISE EXCEPTION 'weeks must be between 1 and 520 (got %)', weeks USING ERRCODE = '22023';
    END IF;
    m := @extschema@.require_schema(views_schema, 'KPI views', 'Create them with sferum_kpi.create_kpi_views(mart_schema, views_schema).', kind => 'kpi');
    EXECUTE format('SELECT max(a.day) FROM %I.activity_daily a', m) INTO last_day;
    IF last_day IS NULL THEN
        RETURN;
    END IF;
    -- the week of the latest data and the weeks before it: late rows land there
    FOR w IN SELECT g::date FROM generate_series(@extschema@.week_start(last_day) - 7 * (weeks - 1),
                                                  @extschema@.week_start(last_day), interval '7 days') g LOOP
        t := clock_timestamp();
        week := w;
        rows_stored := (@extschema@.store_week(views_schema, w)).rows_stored;
        duration_ms := extract(epoch FROM clock_timestamp() - t) * 1000;
        RETURN NEXT;
    END LOOP;
    -- weeks stored before a baseline week changed were judged against the old baseline
    -- (refresh_targets stores every week's answers when it changed a judgement)
    IF NOT @extschema@.touches_baselines(@extschema@.week_start(last_day) - 7 * (weeks - 1), last_day)
       OR @extschema@.refresh_targets(views_schema, true) = 0 THEN
        -- the answers of these weeks and the later ones
        PERFORM @extschema@.refresh_answers(views_schema, @extschema@.week_start(last_day) - 7 * (weeks - 1));
    END IF;
END
$fn$;
COMMENT ON FUNCTION @extschema@.refresh_recent(name, integer) IS
'Refresh the last `weeks` weeks (default 4) of the KPI store up to the week of the latest activity day, for data that arrives late; also stores their region level in indicator_history. The pg_cron job of the README. One row per week.';


CREATE PROCEDURE @extschema@.refresh_weeks(views_schema name, from_week date, to_week date, only_stale boolean DEFAULT true)
LANGUAGE plpgsql
AS $fn$
DECLARE
    w date;
    t timestamptz;
    n bigint;
    m text;
    log_rows bigint;
    now_rows bigint;
BEGIN
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema, 'from_week', from_week, 'to_week', to_week, 'only_stale', only_stale));
    IF NOT isfinite(from_week) OR NOT isfinite(to_week) OR from_week > to_week THEN
        RAISE EXCEPTION 'from_week and to_week must be finite dates with from_week <= to_week' USING ERRCODE = '22023';
    END IF;
    m := @extschema@.require_schema(views_schema, 'KPI views', 'Create them with sferum_kpi.create_kpi_views(mart_schema, views_schema).', kind => 'kpi');
    w := @extschema@.week_start(from_week);
    LOOP
        -- resume: a week refreshed from the same definitions and the same activity rows is kept
        EXECUTE format('SELECT max(l.activity_rows) FILTER (WHERE l.fingerprint = %L) FROM %I.refresh_log l WHERE l.week_start = %L',
                       @extschema@.definitions_fingerprint(), views_schema, w) INTO log_rows;
        IF only_stale AND log_rows IS NOT NULL THEN
            EXECUTE format('SELECT count(*) FROM %I.activity_daily a WHERE a.day BETWEEN %L AND %L', m, w, w + 6) INTO now_rows;
        END IF;
        IF only_stale AND log_rows IS NOT NULL AND log_rows = now_rows THEN
            RAISE NOTICE 'week %: up to date, kept', w;
        ELSE
            t := clock_timestamp();
            n := (@extschema@.store_week(views_schema, w)).rows_stored;
            RAISE NOTICE 'week %: % rows in % ms', w, n, round(extract(epoch FROM clock_timestamp() - t) * 1000);
        END IF;
        COMMIT;
        PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
        EXIT WHEN to_week - w < 7;
        w := w + 7;
    END LOOP;
    -- weeks stored before a baseline week changed were judged against the old baseline
    n := 0;
    IF @extschema@.touches_baselines(from_week, to_week) THEN
        n := @extschema@.refresh_targets(views_schema, true);
        RAISE NOTICE 'targets judged again: % rows changed', n;
    END IF;
    -- the answers of these weeks and the later ones (refresh_targets stored them
    -- all when it changed a judgement)
    IF n = 0 THEN
        t := clock_timestamp();
        PERFORM @extschema@.refresh_answers(views_schema, @extschema@.week_start(from_week));
        RAISE NOTICE 'answers stored in % ms', round(extract(epoch FROM clock_timestamp() - t) * 1000);
    END IF;
    -- statistics of the partitioned store, which autovacuum never analyzes (see backfill)
    IF to_week > from_week THEN
        EXECUTE format('ANALYZE %I.store', views_schema);
    END IF;
END
$fn$;
COMMENT ON PROCEDURE @extschema@.refresh_weeks(name, date, date, boolean) IS
'Back-fill the KPI store week by week, committing each week (CALL it; a NOTICE per week with its time). Interrupted, it resumes: with only_stale (default) a week already refreshed from the same definitions and the same number of activity rows is kept.';
