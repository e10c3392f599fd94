--------------------------------------------------------------------------------
-- Answers stored at refresh time (1.5).
--
-- What a BI tool and the report read every Monday -- not_started, action_list,
-- data_quality, forecast_by_week (and forecast, its latest complete week) and
-- stage_results -- is computed when the store is refreshed, as the figures
-- are, and read back from a table: the view <views>.X is a plain SELECT over
-- the table <views>.X_store, which refresh_answers() fills from the view
-- <views>.live_X (the computation itself; like the other live_* views it is
-- not granted to BI roles).  The stored rows carry stored_at, and BI reads them
-- in milliseconds at any region size (bench/store).  What depends on the day
-- it is read -- a stage's status and days left -- is computed by the view
-- (stored_answer's computed columns), never stored.  The session settings the
-- computations read (sferum_kpi.forecast_weeks, quality_weeks, quiet_weeks)
-- apply where the rows are computed: at refresh time.
--
-- Who refreshes them: refresh_recent, refresh_weeks, backfill and snapshot_week
-- (the weeks they stored and every later week: silence is counted over the
-- weeks before), refresh_targets and refresh_holidays (every week).  A DBA who
-- loads data without refreshing the store runs refresh_answers(views) for
-- up-to-date data-quality checks, or reads sferum_kpi.data_quality() live.
--
-- The tables are the view set's, like the store: not extension members, kept by
-- pg_dump, left by DROP EXTENSION.  Their columns follow the live view's: a
-- column the live view gains is added at the end when the set is rebuilt.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.stored_answer(views_schema name, answer name, order_by text, or_replace boolean,
                                          computed jsonb DEFAULT '{}', joins text DEFAULT '')
RETURNS boolean
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    live regclass;
    tab text;
    made boolean := false;
    c record;
    cols text;
    unknown text;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema, 'answer', answer,
                                                       'order_by', order_by, 'or_replace', or_replace,
                                                       'computed', computed, 'joins', joins));
    IF jsonb_typeof(computed) <> 'object' THEN
        RAISE EXCEPTION 'computed must be a JSON object of column names and SQL expressions (got %)', computed
            USING ERRCODE = '22023';
    END IF;
    live := to_regclass(format('%I.%I', views_schema, 'live_' || answer));
    tab := answer || '_store';
    IF live IS NULL THEN
        RAISE EXCEPTION 'schema "%" holds no view live_%', views_schema, answer
            USING ERRCODE = '42P01', HINT = 'The builders of create_kpi_views() make it first.';
    END IF;
    IF to_regclass(format('%I.%I', views_schema, tab)) IS NULL THEN
        EXECUTE @extschema@.render($ddl$
CREATE TABLE {{tab:I}} AS SELECT l.*, NULL::timestamptz AS stored_at, NULL::bigint AS "position" FROM {{live:I}} l WITH NO DATA;
ALTER TABLE {{tab:I}} ALTER COLUMN stored_at SET NOT NULL, ALTER COLUMN "position" SET NOT NULL$ddl$,
            jsonb_build_object('tab', jsonb_build_array(views_schema, tab), 'live', jsonb_build_array(views_schema, 'live_' || answer)));
        made := true;
    ELSE
        -- a column the live view gained since the table was made (a later
        -- release): added at the end; a column whose type changed is an error
        FOR c IN SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS typ, t.atttypid AS old_type,
                        format_type(t.atttypid, t.atttypmod) AS old_typ
                   FROM pg_attribute a
                   LEFT JOIN pg_attribute t ON t.attrelid = format('%I.%I', views_schema, tab)::regclass
                                           AND t.attname = a.attname AND NOT t.attisdropped
                  WHERE a.attrelid = live AND a.attnum > 0 AND NOT a.attisdropped
                  ORDER BY a.attnum LOOP
            IF c.old_type IS NULL THEN
                EXECUTE format('ALTER TABLE %I.%I ADD COLUMN %I %s', views_schema, tab, c.attname, c.typ);
            ELSIF c.typ <> c.old_typ THEN
                RAISE EXCEPTION 'column %.%.% is % but the view live_% gives %', views_schema, tab, c.attname,
                                c.old_typ, answer, c.typ
                    USING ERRCODE = '42804',
                          HINT = format('The table holds answers computed at refresh time: DROP TABLE %I.%I CASCADE, rebuild the views and SELECT sferum_kpi.refresh_answers(%L).',
                                        views_schema, tab, views_schema);
            END IF;
        END LOOP;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = live AND a.attname = 'week_start' AND NOT a.attisdropped) THEN
        IF to_regclass(format('%I.%I', views_schema, tab || '_week')) IS NULL THEN
            EXECUTE format('CREATE INDEX %I ON %I.%I (week_start, "position")', tab || '_week', views_schema, tab);
        END IF;
    END IF;
    EXECUTE format('COMMENT ON TABLE %I.%I IS %L', views_schema, tab,
        format('The rows of the view %s.live_%s as sferum_kpi.refresh_answers() stored them at refresh time (stored_at), in its order (position); the view %s.%s reads them. Not an extension member: pg_dump keeps it, DROP EXTENSION leaves it.',
               views_schema, answer, views_schema, answer));

    -- a column computed when the view is read (computed: name -> expression
    -- over t and the joins), e.g. what depends on today; the others as stored
    SELECT string_agg(k, ', ' ORDER BY k) INTO unknown
      FROM jsonb_object_keys(computed) k
     WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = live AND a.attname = k
                                                     AND a.attnum > 0 AND NOT a.attisdropped);
    IF unknown IS NOT NULL THEN
        RAISE EXCEPTION 'the view %.live_% has no column(s) % to compute', views_schema, answer, unknown
            USING ERRCODE = '42703';
    END IF;
    SELECT string_agg(CASE WHEN computed ? a.attname
                           THEN format('(%s)::%s AS %I', computed->>a.attname, format_type(a.atttypid, a.atttypmod), a.attname)
                           ELSE format('t.%I', a.attname) END, ', ' ORDER BY a.attnum) INTO cols
      FROM pg_attribute a WHERE a.attrelid = live AND a.attnum > 0 AND NOT a.attisdropped;
    EXECUTE @extschema@.render($v$
{{create_view:S}} {{view:I}} AS
SELECT {{cols:S}}, t.stored_at
FROM {{tab:I}} t {{joins:S}}
ORDER BY {{order_by:S}}$v$,
        jsonb_build_object('create_view', @extschema@.create_view_sql(or_replace),
                           'view', jsonb_build_array(views_schema, answer), 'tab', jsonb_build_array(views_schema, tab),
                           'cols', cols, 'joins', joins, 'order_by', order_by));
    -- the live view's comments, on the view BI reads and on the table
    EXECUTE format('COMMENT ON VIEW %I.%I IS %L', views_schema, answer,
        obj_description(live, 'pg_class') || ' Stored at refresh time (sferum_kpi.refresh_answers; stored_at says when); computed by live_' || answer || '.');
    FOR c IN SELECT a.attname, col_description(live, a.attnum) AS d
               FROM pg_attribute a WHERE a.attrelid = live AND a.attnum > 0 AND NOT a.attisdropped LOOP
        EXECUTE format('COMMENT ON COLUMN %I.%I.%I IS %L', views_schema, answer, c.attname, c.d);
        EXECUTE format('COMMENT ON COLUMN %I.%I.%I IS %L', views_schema, tab, c.attname, c.d);
    END LOOP;
    EXECUTE format('COMMENT ON COLUMN %I.%I.stored_at IS %L', views_schema, answer,
                   'When sferum_kpi.refresh_answers() computed the row (at the refresh of the store).');
    EXECUTE format('COMMENT ON COLUMN %I.%I.stored_at IS %L', views_schema, tab,
                   'When sferum_kpi.refresh_answers() computed the row (at the refresh of the store).');
    EXECUTE format('COMMENT ON COLUMN %I.%I.position IS %L', views_schema, tab,
                   'Order of the row in the live view when it was stored (the view reads them in this order).');
    RETURN made;
END
$fn$;
COMMENT ON FUNCTION @extschema@.stored_answer(name, name, text, boolean, jsonb, text) IS
'Internal: make the table <views>.<answer>_store shaped like the view <views>.live_<answer> (when missing; later columns of the live view added at the end), and the view <views>.<answer> that reads it in order_by order, with the live view''s comments; the columns named in computed (name -> SQL expression over t and joins) are computed when the view is read (what depends on today), the others read as stored. Returns true when it made the table (empty until refresh_answers). The builders of create_kpi_views and rebuild_views run it.';

CREATE FUNCTION @extschema@.refresh_answers(views_schema name, from_week date DEFAULT '-infinity')
RETURNS TABLE (answer text, rows_stored bigint, duration_ms double precision)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    t timestamptz;
    a text;
    filter text;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema, 'from_week', from_week));
    IF to_regclass(format('%I.store', views_schema)) IS NULL THEN
        RAISE EXCEPTION 'schema "%" holds no KPI views', views_schema
            USING ERRCODE = '42P01', HINT = 'Create them with sferum_kpi.create_kpi_views(mart_schema, views_schema).';
    END IF;
    -- one refresh of a view set's answers at a time (two would interleave their
    -- DELETEs and INSERTs of the same weeks)
    PERFORM pg_advisory_xact_lock(hashtext('sferum_kpi.answers'), hashtext(views_schema));
    -- in this order: live_action_list reads not_started
    FOREACH a IN ARRAY ARRAY['not_started', 'action_list', 'data_quality', 'forecast_by_week', 'stage_results'] LOOP
        IF to_regclass(format('%I.%I', views_schema, a || '_store')) IS NULL
           OR to_regclass(format('%I.%I', views_schema, 'live_' || a)) IS NULL THEN
            RAISE EXCEPTION 'the view set "%" has no stored %', views_schema, a
                USING ERRCODE = '42P01', HINT = format('SELECT * FROM sferum_kpi.rebuild_views(%L);', views_schema);
        END IF;
        t := clock_timestamp();
        answer := a;
        -- data_quality checks the mart as it is now (its own window) and
        -- stage_results reads each stage's result week: every row anew; the
        -- weekly answers from from_week on (a week's silence counts the weeks
        -- before it, a week's forecast the school weeks before it)
        filter := CASE WHEN a IN ('data_quality', 'stage_results') THEN ''
                       ELSE @extschema@.render('WHERE l.week_start >= {{from:L}}::date', jsonb_build_object('from', from_week)) END;
        EXECUTE @extschema@.render('DELETE FROM {{tab:I}} l {{where:S}}',
            jsonb_build_object('tab', jsonb_build_array(views_schema, a || '_store'), 'where', filter));
        EXECUTE @extschema@.render($q$
INSERT INTO {{tab:I}}
SELECT l.*, pg_catalog.now(), pg_catalog.row_number() OVER ()
FROM (SELECT * FROM {{live:I}} l {{where:S}}) l$q$,
            jsonb_build_object('tab', jsonb_build_array(views_schema, a || '_store'),
                               'live', jsonb_build_array(views_schema, 'live_' || a), 'where', filter));
        GET DIAGNOSTICS rows_stored = ROW_COUNT;
        duration_ms := extract(epoch FROM clock_timestamp() - t) * 1000;
        RETURN NEXT;
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION @extschema@.refresh_answers(name, date) IS
'Compute and store the answers BI reads every Monday: not_started, action_list and forecast_by_week (hence forecast) for every stored week from from_week on (default: every week), data_quality (the mart as it is now) and stage_results (every stage; its status and days_left are computed from today when read). The store''s refreshes run it (refresh_recent, refresh_weeks, backfill, snapshot_week, refresh_targets, refresh_holidays); run it yourself after loading data without a refresh. One row per answer with the rows stored and the time taken.';
