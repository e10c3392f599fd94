--------------------------------------------------------------------------------
-- History: weekly region-level values into indicator_history
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
BEGIN
    IF views_schema IS NULL OR week IS NULL THEN
        RAISE EXCEPTION 'views_schema and week must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF to_regclass(format('%I.all_indicators', views_schema)) IS NULL THEN
        RAISE EXCEPTION 'schema "%" holds no KPI views', views_schema
            USING ERRCODE = '42P01', HINT = 'Create them with sferum_kpi.create_kpi_views(mart_schema, views_schema).';
    END IF;
    -- 1.4: every level into the store, its region level into the history
    IF to_regclass(format('%I.store', views_schema)) IS NOT NULL THEN
        RETURN (@extschema@.store_week(views_schema, week)).history_changed;
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
        rows_changed := @extschema@.snapshot_week(views_schema, w);
        RAISE NOTICE 'week %: % history rows changed in % ms', w, rows_changed,
                     round(extract(epoch FROM clock_timestamp() - t) * 1000);
        RETURN NEXT;
        EXIT WHEN to_week - w < 7;
        w := w + 7;
    END LOOP;
    -- weeks stored before a baseline week changed were judged against the old baseline
    IF to_regclass(format('%I.store', views_schema)) IS NOT NULL
       AND @extschema@.touches_baselines(from_week, to_week) THEN
        PERFORM @extschema@.refresh_targets(views_schema, true);
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
