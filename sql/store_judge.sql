--------------------------------------------------------------------------------
-- The stored weeks judged again: against the target catalog as it is now
-- (refresh_targets, after a DBA edited it or once the baseline weeks are all
-- stored) and against the school calendar as it is now (refresh_holidays).
-- Only the rows whose judgement changes are written.
--------------------------------------------------------------------------------

-- The traffic light of a stored row, as the rankings of the KPI views and of
-- the national store show it.  A SQL-standard body without SET: the planner
-- inlines it into the views that call it per row, and every name in it was
-- resolved when it was created.
CREATE FUNCTION @extschema@.rag(share double precision, numerator bigint, denominator bigint,
                                threshold double precision, met boolean)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN share IS NULL OR met IS NULL OR threshold IS NULL THEN 'grey'
            WHEN met THEN 'green'
            WHEN LEAST(numerator, denominator)::numeric >= (threshold::numeric - 0.10) * denominator THEN 'amber'
            ELSE 'red' END;
COMMENT ON FUNCTION @extschema@.rag(double precision, bigint, bigint, double precision, boolean) IS
'The traffic light of a stored row (the rag column of the rankings views): green when it meets its stage (met, as target_met); amber when at most 10 percentage points below the threshold (exact in numeric); red when further below; grey when there is no share shown (share NULL: 0/0 or suppressed) or no judgement (met or threshold NULL). Labels in label (kind rag).';

CREATE FUNCTION @extschema@.refresh_targets(views_schema name, only_baselines boolean DEFAULT false,
                                            modulus integer DEFAULT 1, remainder integer DEFAULT 0)
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    n bigint;
    -- the weeks of this call: numbered from Monday 2000-01-03 (negative before
    -- it), those whose number leaves the remainder (every week with modulus 1).
    -- Sessions with the same modulus and each remainder write disjoint rows, so
    -- they run side by side.
    weeks_of constant text := 'AND (((({{t:I}}.week_start - DATE ''2000-01-03'') / 7)::bigint % {{modulus:L}} + {{modulus:L}}) % {{modulus:L}}) = {{remainder:L}}';
    weeks_of_s text := '';      -- of the rows judged (s)
    weeks_of_r text := '';      -- of the region-level rows that tell which weeks to judge (r)
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema, 'only_baselines', only_baselines, 'modulus', modulus, 'remainder', remainder));
    IF modulus < 1 OR remainder < 0 OR remainder >= modulus THEN
        RAISE EXCEPTION 'modulus must be at least 1 and remainder from 0 to modulus - 1 (got modulus %, remainder %)', modulus, remainder
            USING ERRCODE = '22023',
                  HINT = 'To judge in two sessions side by side, call refresh_targets(views_schema, only_baselines, 2, 0) in one and (…, 2, 1) in the other.';
    END IF;
    IF modulus > 1 THEN
        weeks_of_s := @extschema@.render(weeks_of, jsonb_build_object('t', 's', 'modulus', modulus, 'remainder', remainder));
        weeks_of_r := @extschema@.render(weeks_of, jsonb_build_object('t', 'r', 'modulus', modulus, 'remainder', remainder));
    END IF;
    PERFORM @extschema@.require_schema(views_schema, 'KPI store', 'Create the views with sferum_kpi.create_kpi_views(mart_schema, views_schema).', '{store}');
    -- judge every stored value again against the catalog as it is now; only
    -- rows whose judgement changed are written.  One scan and one target_status()
    -- call per row judged (a second for a row written).  After a back-fill, only
    -- the rows of a stage with a baseline (rule baseline_max) whose threshold
    -- changed: the stage of a week depends on the catalog alone, the threshold on
    -- the region's baseline, the same at every level, so the region level's rows
    -- tell which weeks and regions to judge again (the others cost no call).
    EXECUTE format($q$
UPDATE %1$I.store s
   SET (target_stage, target_deadline, target_comparison, target_threshold, target_in_force,
        target_due, target_met, short_by)
     = (SELECT t.stage, t.deadline, t.comparison, t.threshold, t.in_force, t.due, t.met, t.short_by
          FROM @extschema@.target_status(%3$s) t)
 WHERE (NOT %2$L OR (s.indicator, s.region_code, s.week_start) IN (
           SELECT r.indicator, r.region_code, r.week_start FROM %1$I.store r
            WHERE r.level = 'region' %5$s
              AND (r.indicator, r.target_stage) IN (SELECT tt.indicator, tt.stage FROM @extschema@.target tt
                                                     WHERE tt.rule = 'baseline_max')
              AND r.target_threshold IS DISTINCT FROM (
                  SELECT t.threshold FROM @extschema@.target_status(
                      CASE WHEN EXISTS (SELECT 1 FROM @extschema@.target tt WHERE tt.indicator = r.indicator) THEN r.indicator END,
                      @extschema@.kpi_ratio(LEAST(r.numerator, r.denominator), r.denominator),
                      r.week_start, r.region_code) t)))
   %4$s
   AND (NOT %2$L OR (s.indicator, s.target_stage) IN (SELECT tt.indicator, tt.stage FROM @extschema@.target tt
                                                       WHERE tt.rule = 'baseline_max'))
   AND NOT EXISTS (
       SELECT FROM @extschema@.target_status(%3$s) t
        WHERE (s.target_stage, s.target_deadline, s.target_comparison, s.target_threshold, s.target_in_force,
               s.target_due, s.target_met, s.short_by)
              IS NOT DISTINCT FROM (t.stage, t.deadline, t.comparison, t.threshold, t.in_force, t.due, t.met, t.short_by))$q$,
        views_schema, only_baselines,
        -- the indicator only while it has targets (as refresh_week)
        $a$CASE WHEN EXISTS (SELECT 1 FROM @extschema@.target tt WHERE tt.indicator = s.indicator) THEN s.indicator END,
           @extschema@.kpi_ratio(LEAST(s.numerator, s.denominator), s.denominator), s.week_start, s.region_code$a$,
        weeks_of_s, weeks_of_r);
    GET DIAGNOSTICS n = ROW_COUNT;
    -- the answers read the judgements (action_list: below_stage, people short);
    -- sessions sharing the work (modulus > 1) leave it to the caller, once
    IF n > 0 AND modulus = 1 THEN
        PERFORM @extschema@.refresh_answers(views_schema);
    END IF;
    RETURN n;
END
$fn$;
COMMENT ON FUNCTION @extschema@.refresh_targets(name, boolean, integer, integer) IS
'Judge every value of the KPI store again against the target catalog as it is now (after a DBA edited targets, or once the baseline weeks are all stored: backfill does it for the baseline stages; only_baselines judges only the baseline stages whose threshold changed). Writes only the rows whose judgement changed and then stores the answers again (refresh_answers; not with modulus > 1: call it once after the sessions); returns the rows changed. With modulus and remainder, only the weeks whose number since Monday 2000-01-03 leaves that remainder: sessions with each remainder of the same modulus share the work side by side.';

CREATE FUNCTION @extschema@.touches_baselines(from_day date, to_day date)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
SELECT EXISTS (SELECT 1 FROM @extschema@.target t
               WHERE t.rule = 'baseline_max'
                 AND t.baseline_school_year BETWEEN @extschema@.school_year(from_day) AND @extschema@.school_year(to_day))
$fn$;
COMMENT ON FUNCTION @extschema@.touches_baselines(date, date) IS
'Internal: whether days from from_day to to_day fall in the school year of a baseline stage (target rule baseline_max): only then must the stored judgements be made again after refreshing them. NULL dates give false.';

-- A procedure with a SET clause cannot COMMIT: the search_path is pinned with
-- set_config() instead, again after every COMMIT (which ends its scope).

CREATE FUNCTION @extschema@.refresh_holidays(views_schema name)
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    mart name;
    first_week date;
    last_week date;
    n bigint;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema), ARRAY[views_schema]);
    mart := @extschema@.require_schema(views_schema, 'KPI store', 'Create the views with sferum_kpi.create_kpi_views(mart_schema, views_schema).', '{store}', 'kpi');
    -- the mart's tables are the DBA's: a missing calendar is reported, never made here
    IF to_regclass(format('%I.school_holiday', mart)) IS NULL THEN
        RAISE EXCEPTION 'data mart "%" has no school calendar', mart
            USING ERRCODE = '42P01', HINT = format('SELECT sferum_kpi.create_school_calendar(%L) creates the table school_holiday; load the holidays into it, then refresh.', mart);
    END IF;
    EXECUTE format('SELECT min(l.week_start), max(l.week_start) FROM %I.refresh_log l', views_schema) INTO first_week, last_week;
    IF first_week IS NULL THEN
        RETURN 0;
    END IF;
    -- only the rows whose flags change are written
    EXECUTE @extschema@.render($q$
UPDATE {{views:I}}.store s
   SET holiday = hw.holiday, holiday_kind = hw.holiday_kind
  FROM @extschema@.holiday_weeks({{mart:L}}, {{first:L}}, {{last:L}}) hw
 WHERE s.week_start = hw.week_start AND s.region_code = hw.region_code
   AND (s.holiday, s.holiday_kind) IS DISTINCT FROM (hw.holiday, hw.holiday_kind)$q$,
        jsonb_build_object('views', views_schema, 'mart', mart, 'first', first_week, 'last', last_week));
    GET DIAGNOSTICS n = ROW_COUNT;
    -- silence in a holiday week never counts (not_started, action_list)
    IF n > 0 THEN
        PERFORM @extschema@.refresh_answers(views_schema);
    END IF;
    RETURN n;
END
$fn$;
COMMENT ON FUNCTION @extschema@.refresh_holidays(name) IS
'Set the holiday flags (holiday, holiday_kind) of every stored week of views_schema from the mart''s school calendar as it is now: run it after loading or changing school_holiday (refresh_week sets them for the weeks it refreshes). Writes only the rows whose flags change, then stores the answers again when some did (refresh_answers); returns the rows changed.';
