--------------------------------------------------------------------------------
-- Data quality and organisations that have not started (1.4, issue 12).
--
-- <views>.data_quality: the checks a DBA reads after every load, one row per
-- check and offending object (a check that finds nothing shows one row with
-- count 0).  The checks that read activity_daily look at a window: the last
-- sferum_kpi.quality_weeks weeks (default 4) up to the latest activity day
-- that is not in the future, and every day after it.  data_quality(views,
-- from_day, to_day) runs the same checks over any range; the view is that
-- SQL over the window.  The view's SQL is written into the view (not a call of
-- the function), so that a BI role reads it with the view owner's rights, as
-- every other view of the set, without any right on the mart.
--
-- <views>.not_started: per stored week, the organisations in scope with no
-- activity on the monitored platform: not started this school year, or gone
-- quiet for sferum_kpi.quiet_weeks weeks (default 2).  Read from the store.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.quality_setting(setting_name text, default_value integer, min_value integer, max_value integer)
RETURNS integer
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    raw text := nullif(btrim(current_setting(setting_name, true)), '');
    n integer;
BEGIN
    IF raw IS NULL THEN
        RETURN default_value;
    END IF;
    IF raw !~ '^[+-]?[0-9]{1,9}$' THEN
        RAISE EXCEPTION 'invalid value for setting %: "%"', setting_name, raw
            USING ERRCODE = '22023',
                  HINT = format('Set a whole number of weeks from %s to %s, e.g. SET %s = %s; RESET %s gives the default.',
                                min_value, max_value, setting_name, default_value, setting_name);
    END IF;
    n := raw::integer;
    IF n < min_value OR n > max_value THEN
        RAISE EXCEPTION 'setting % must be between % and % (got %)', setting_name, min_value, max_value, n
            USING ERRCODE = '22023', HINT = format('RESET %s gives the default, %s.', setting_name, default_value);
    END IF;
    RETURN n;
END
$fn$;
COMMENT ON FUNCTION @extschema@.quality_setting(text, integer, integer, integer) IS
'Internal: the integer value of a custom setting (sferum_kpi.quality_weeks, sferum_kpi.quiet_weeks, sferum_kpi.forecast_weeks), default_value when it is not set or empty; any other value than a whole number from min_value to max_value is an error (22023).';

CREATE FUNCTION @extschema@.has_unique_key(rel regclass, key_columns text[])
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
-- a valid, non-partial unique index on exactly these columns (any order), e.g. the primary key
SELECT EXISTS (
    SELECT 1 FROM pg_index i
    WHERE i.indrelid = rel AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
      AND i.indnkeyatts = cardinality(key_columns)
      AND (SELECT array_agg(a.attname::text ORDER BY a.attname)
             FROM pg_attribute a
            WHERE a.attrelid = rel AND a.attnum = ANY ((i.indkey::int2[])[0:i.indnkeyatts - 1]))
          = (SELECT array_agg(c ORDER BY c) FROM unnest(key_columns) c))
$fn$;
COMMENT ON FUNCTION @extschema@.has_unique_key(regclass, text[]) IS
'Internal: whether the relation has a valid, non-partial unique index (the primary key, say) on exactly these columns, so that duplicates cannot exist and the duplicate_day check need not scan.';

CREATE FUNCTION @extschema@.iso_day(day date)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
-- from the date's parts, not to_char: every date, also those beyond the timestamp range
SELECT CASE WHEN day = 'infinity' THEN 'infinity'
            WHEN day = '-infinity' THEN '-infinity'
            ELSE CASE WHEN p.y < 0 THEN '-' ELSE '' END
                 || CASE WHEN abs(p.y) >= 1000 THEN abs(p.y)::text ELSE lpad(abs(p.y)::text, 4, '0') END
                 || '-' || lpad(p.m::text, 2, '0') || '-' || lpad(p.d::text, 2, '0') END
FROM (SELECT extract(year FROM day)::integer AS y, extract(month FROM day)::integer AS m,
             extract(day FROM day)::integer AS d) p
$fn$;
COMMENT ON FUNCTION @extschema@.iso_day(date) IS
'Internal: a day as text YYYY-MM-DD whatever the session''s DateStyle (every date, BC years with a minus sign; infinity and -infinity as such), for the texts of data_quality.';

CREATE FUNCTION @extschema@.quality_sql(mart_schema name, views_schema name, from_sql text, to_sql text)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    scopes text;
BEGIN
    -- organisations in scope of each indicator whose denominator is a
    -- statistical-form figure, one branch per indicator
    SELECT string_agg(format('SELECT %L::text AS indicator, o.org_id FROM {{mart:I}}.organisation o WHERE %s', d.indicator, d.org_scope),
                      E'\n        UNION ALL ' ORDER BY d.indicator)
      INTO scopes
      FROM @extschema@.indicator_definition d WHERE d.counting = 'population';
    scopes := coalesce(scopes, 'SELECT NULL::text AS indicator, NULL::bigint AS org_id WHERE false');
    -- the fragments (the kind lists, state or municipal) and the mart schema
    scopes := @extschema@.expand_fragments(mart_schema, scopes);

    RETURN @extschema@.render($q$
WITH reg AS MATERIALIZED (
    -- "today" of every region in its own time zone
    SELECT r.region_code, r.name, (pg_catalog.now() AT TIME ZONE r.time_zone)::date AS today FROM {{mart:I}}.region r
), bounds AS MATERIALIZED (
    -- the days to look at for feed gaps and school years: the range within the
    -- mart's first and last activity day, the future left out (index on day)
    SELECT (SELECT min(a.day) FROM {{mart:I}}.activity_daily a WHERE a.day >= {{from:S}}) AS first_day,
           (SELECT max(a.day) FROM {{mart:I}}.activity_daily a
             WHERE a.day <= least({{to:S}}, (SELECT max(today) FROM reg))) AS last_day
), days AS MATERIALIZED (
    -- per region and day: any activity row of a person of the region?  One
    -- probe of the day index per day, not a scan of the range's rows
    SELECT r.region_code, d.day::date AS day,
           EXISTS (SELECT 1 FROM {{mart:I}}.activity_daily a JOIN {{mart:I}}.person p ON p.person_id = a.person_id
                   WHERE a.day = d.day::date AND p.region_code = r.region_code) AS active
    FROM reg r CROSS JOIN bounds b
    CROSS JOIN LATERAL generate_series(b.first_day::timestamp, least(b.last_day, r.today)::timestamp, interval '1 day') AS d(day)
), uncovered AS MATERIALIZED (
    -- activity rows on a day that no membership of the person covers (one
    -- anti join of the range's rows with the memberships: the only part of the
    -- checks that reads every row of the range), per person and week
    SELECT a.person_id, @extschema@.week_start(a.day) AS week, count(*) AS n, min(a.day) AS first_day, max(a.day) AS last_day
    FROM {{mart:I}}.activity_daily a
    WHERE a.day >= {{from:S}} AND a.day <= coalesce({{to:S}}, 'infinity'::date)
      AND NOT EXISTS (SELECT 1 FROM {{mart:I}}.membership md
                      WHERE md.person_id = a.person_id AND md.since <= a.day AND (md.until IS NULL OR md.until >= a.day))
    GROUP BY a.person_id, @extschema@.week_start(a.day)
), uncovered_week AS (
    -- with the person's region, and whether the person has a membership on
    -- some day of that week (a join: a subquery per row is costed as an index
    -- probe per estimated row, and that estimate made JIT compile the whole view)
    SELECT u.person_id, u.week, u.n, u.first_day, u.last_day, p.region_code,
           bool_or(mw.person_id IS NOT NULL) AS member_that_week
    FROM uncovered u
    LEFT JOIN {{mart:I}}.person p ON p.person_id = u.person_id
    LEFT JOIN {{mart:I}}.membership mw ON mw.person_id = u.person_id AND mw.since <= u.week + 6
                              AND (mw.until IS NULL OR mw.until >= u.week)
    GROUP BY u.person_id, u.week, u.n, u.first_day, u.last_day, p.region_code
), span AS (
    -- first and last activity day of each region in the range
    SELECT d.region_code, min(d.day) AS first_day, max(d.day) AS last_day
    FROM days d WHERE d.active
    GROUP BY d.region_code
), gap AS (
    SELECT d.region_code, d.day,
           d.day - (row_number() OVER (PARTITION BY d.region_code ORDER BY d.day))::integer AS run
    FROM days d JOIN span s ON s.region_code = d.region_code
    WHERE NOT d.active AND d.day BETWEEN s.first_day AND s.last_day
), active_year AS (
    SELECT DISTINCT d.region_code, @extschema@.school_year(d.day) AS school_year
    FROM days d WHERE d.active
), form_scope AS (
        {{scopes:S}}
), latest_week AS (
    -- the latest complete week of each region in the store, within the range
    SELECT l.region_code, max(l.week_start) FILTER (WHERE l.complete) AS week_start
    FROM {{views:I}}.refresh_log l
    WHERE l.week_start >= @extschema@.week_start({{from:S}}) AND l.week_start <= coalesce({{to:S}}, 'infinity')
    GROUP BY l.region_code
), findings AS (
    -- 1. numerator above the statistical form (organisation level, latest complete week)
    SELECT 'numerator_above_form'::text AS check_code,
           format('%s (org_id %s): %s', og.name, x.org_id, x.indicator) AS object,
           x.excess AS count, NULL::bigint AS people, x.week_start AS first_day, x.week_start + 6 AS last_day,
           x.region_code, x.org_id,
           format('week %s, %s: %s counted, %s in the statistical form', @extschema@.iso_day(x.week_start), x.platforms, x.numerator, x.denominator) AS detail
    FROM (SELECT s.region_code, s.org_id, s.indicator, s.week_start,
                 max(s.numerator - s.denominator) AS excess,
                 (array_agg(s.numerator ORDER BY s.numerator - s.denominator DESC, s.platform))[1] AS numerator,
                 (array_agg(s.denominator ORDER BY s.numerator - s.denominator DESC, s.platform))[1] AS denominator,
                 string_agg(s.platform, ', ' ORDER BY s.platform) AS platforms
          FROM {{views:I}}.store s
          JOIN latest_week lw ON lw.region_code = s.region_code AND lw.week_start = s.week_start
          WHERE s.level = 'organisation' AND s.numerator > s.denominator
            AND s.indicator IN (SELECT d.indicator FROM @extschema@.indicator_definition d WHERE d.counting = 'population')
          GROUP BY s.region_code, s.org_id, s.indicator, s.week_start) x
    LEFT JOIN {{mart:I}}.organisation og ON og.org_id = x.org_id
    UNION ALL
    -- 2. and 3. activity on a day no membership covers: no membership that week at all, or one on other days
    SELECT CASE WHEN u.member_that_week THEN 'activity_outside_membership' ELSE 'activity_without_membership' END,
           CASE WHEN u.region_code IS NULL THEN 'people unknown to the registry (no person row)'
                ELSE format('%s (region %s)', r.name, u.region_code) END,
           sum(u.n)::bigint, count(DISTINCT u.person_id), min(u.first_day), max(u.last_day), u.region_code, NULL::bigint,
           format('%s activity row(s) of %s person(s)', sum(u.n), count(DISTINCT u.person_id))
    FROM uncovered_week u LEFT JOIN reg r ON r.region_code = u.region_code
    GROUP BY u.member_that_week, u.region_code, r.name
    UNION ALL
    -- 4. no municipality, not a regional body
    SELECT 'org_without_municipality', format('%s (org_id %s)', o.name, o.org_id), 1, NULL, NULL, NULL, o.region_code, o.org_id,
           format('kind %s, %s, region %s', o.kind, o.ownership, o.region_code)
    FROM {{mart:I}}.organisation o
    WHERE o.municipality_id IS NULL AND o.kind NOT IN ('roiv', 'subordinate', 'dpo')
    UNION ALL
    -- 5. in scope of a statistical-form indicator, no form for a school year with activity
    SELECT 'school_without_stat_form',
           format('%s (org_id %s), school year %s/%s', o.name, o.org_id, y.school_year, y.school_year + 1),
           1, NULL, make_date(y.school_year, 9, 1), make_date(y.school_year + 1, 8, 31), o.region_code, o.org_id,
           format('kind %s; denominator 0 in %s', o.kind, string_agg(fs.indicator, ', ' ORDER BY fs.indicator))
    FROM form_scope fs
    JOIN {{mart:I}}.organisation o ON o.org_id = fs.org_id
    JOIN active_year y ON y.region_code = o.region_code
    WHERE NOT EXISTS (SELECT 1 FROM {{mart:I}}.stat_form sf WHERE sf.org_id = o.org_id AND sf.school_year = y.school_year)
    GROUP BY o.org_id, o.name, o.kind, o.region_code, y.school_year
    UNION ALL
    -- 6. days without any activity row of a region between its first and last day
    SELECT 'feed_gap_day',
           format('%s (region %s): %s', r.name, g.region_code,
                  CASE WHEN min(g.day) = max(g.day) THEN @extschema@.iso_day(min(g.day)) ELSE @extschema@.iso_day(min(g.day)) || ' .. ' || @extschema@.iso_day(max(g.day)) END),
           count(*), NULL, min(g.day), max(g.day), g.region_code, NULL,
           format('%s day(s) without activity rows', count(*))
    FROM gap g JOIN reg r ON r.region_code = g.region_code
    GROUP BY g.region_code, r.name, g.run
    UNION ALL
    -- 7. duplicate (person, day, platform) and (chat, day) rows; a unique key on
    -- them (the shipped primary keys) rules duplicates out without a scan
    SELECT 'duplicate_day', 'activity_daily', sum(x.n - 1), count(DISTINCT x.person_id), min(x.day), max(x.day), NULL, NULL,
           format('%s (person_id, day, platform) keys with more than one row', count(*))
    FROM (SELECT a.person_id, a.day, a.platform, count(*) AS n
          FROM {{mart:I}}.activity_daily a
          WHERE a.day >= {{from:S}} AND a.day <= coalesce({{to:S}}, 'infinity'::date)
            AND NOT @extschema@.has_unique_key({{activity_daily:L}}::regclass, '{person_id,day,platform}')
          GROUP BY a.person_id, a.day, a.platform HAVING count(*) > 1) x
    HAVING count(*) > 0
    UNION ALL
    SELECT 'duplicate_day', 'chat_daily', sum(x.n - 1), NULL, min(x.day), max(x.day), NULL, NULL,
           format('%s (chat_id, day) keys with more than one row', count(*))
    FROM (SELECT c.chat_id, c.day, count(*) AS n
          FROM {{mart:I}}.chat_daily c
          WHERE c.day >= {{from:S}} AND c.day <= coalesce({{to:S}}, 'infinity'::date)
            AND NOT @extschema@.has_unique_key({{chat_daily:L}}::regclass, '{chat_id,day}')
          GROUP BY c.chat_id, c.day HAVING count(*) > 1) x
    HAVING count(*) > 0
    UNION ALL
    -- 8. days after today in the region's time zone (people unknown to the
    -- registry: after the latest "today" of the mart's regions)
    SELECT 'future_day', format('%s (region %s): activity_daily', coalesce(r.name, 'unknown region'), coalesce(p.region_code, '?')),
           count(*), count(DISTINCT a.person_id), min(a.day), max(a.day), p.region_code, NULL,
           format('%s activity row(s) after %s', count(*), @extschema@.iso_day(coalesce(r.today, (SELECT max(today) FROM reg))))
    FROM {{mart:I}}.activity_daily a
    LEFT JOIN {{mart:I}}.person p ON p.person_id = a.person_id
    LEFT JOIN reg r ON r.region_code = p.region_code
    WHERE a.day > (SELECT min(today) FROM reg)
      AND a.day >= {{from:S}} AND a.day <= coalesce({{to:S}}, 'infinity'::date)
      AND a.day > coalesce(r.today, (SELECT max(today) FROM reg))
    GROUP BY p.region_code, r.name, r.today
    UNION ALL
    SELECT 'future_day', format('%s (region %s): chat_daily', r.name, o.region_code),
           count(*), NULL, min(c.day), max(c.day), o.region_code, NULL,
           format('%s chat row(s) after %s', count(*), @extschema@.iso_day(r.today))
    FROM {{mart:I}}.chat_daily c
    JOIN {{mart:I}}.chat ch ON ch.chat_id = c.chat_id
    JOIN {{mart:I}}.organisation o ON o.org_id = ch.org_id
    JOIN reg r ON r.region_code = o.region_code
    WHERE c.day > (SELECT min(today) FROM reg)
      AND c.day >= {{from:S}} AND c.day <= coalesce({{to:S}}, 'infinity'::date)
      AND c.day > r.today
    GROUP BY o.region_code, r.name, r.today
    UNION ALL
    -- 9. a region without a school calendar: no week of it is a holiday week
    SELECT 'no_school_calendar', format('%s (region %s)', r.name, r.region_code), 1, NULL, NULL, NULL, r.region_code, NULL,
           'no row of school_holiday for this region: no week is a holiday week'
    FROM reg r
    WHERE NOT EXISTS (SELECT 1 FROM {{school_holiday:S}} h WHERE h.region_code = r.region_code)
), checks (check_code, severity, rank, scope) AS (
    -- what each check looked at: the detail of its row when it found nothing
    SELECT c.*
    FROM (SELECT format('%s .. %s', @extschema@.iso_day({{from:S}}), coalesce(@extschema@.iso_day({{to:S}}), 'infinity')) AS days,
                 (SELECT string_agg(format('%s of region %s', @extschema@.iso_day(lw.week_start), lw.region_code), ', ' ORDER BY lw.region_code)
                    FROM latest_week lw WHERE lw.week_start IS NOT NULL) AS weeks) w
    CROSS JOIN LATERAL (VALUES
        ('numerator_above_form', 'warning', 2,
         coalesce('latest complete week: ' || w.weeks, 'no complete week of the store in ' || w.days)),
        ('activity_without_membership', 'warning', 2, 'activity of ' || w.days),
        ('activity_outside_membership', 'info', 3, 'activity of ' || w.days),
        ('org_without_municipality', 'error', 1, 'every organisation of the mart'),
        ('school_without_stat_form', 'error', 1, 'statistical forms of the school years with activity in ' || w.days),
        ('feed_gap_day', 'error', 1, 'activity of ' || w.days || ', per region'),
        ('duplicate_day', 'error', 1,
         CASE WHEN @extschema@.has_unique_key({{activity_daily:L}}::regclass, '{person_id,day,platform}')
               AND @extschema@.has_unique_key({{chat_daily:L}}::regclass, '{chat_id,day}')
              THEN 'the unique keys of activity_daily (person_id, day, platform) and chat_daily (chat_id, day): none possible'
              ELSE 'rows of ' || w.days END),
        ('future_day', 'error', 1, 'activity and chat rows of ' || w.days),
        ('no_school_calendar', 'warning', 2, 'the school calendar (school_holiday) of every region')) AS c
)
SELECT c.check_code AS "check", lc.ru AS check_ru, c.severity, f.object, coalesce(f.count, 0)::bigint AS count,
       f.people, f.first_day, f.last_day, f.region_code, f.org_id,
       coalesce(f.detail, 'nothing found; checked ' || c.scope) AS detail,
       lf.en AS fix, lf.ru AS fix_ru,
       {{from:S}} AS checked_from, coalesce({{to:S}}, 'infinity'::date) AS checked_to
FROM checks c
LEFT JOIN findings f ON f.check_code = c.check_code
LEFT JOIN @extschema@.label lc ON lc.kind = 'quality_check' AND lc.code = c.check_code
LEFT JOIN @extschema@.label lf ON lf.kind = 'quality_fix' AND lf.code = c.check_code
ORDER BY f.count IS NULL, c.rank, f.count DESC, c.check_code, f.object$q$,
        jsonb_build_object('scopes', scopes, 'from', from_sql, 'to', coalesce(to_sql, 'NULL::date'),
                           'activity_daily', format('%I.activity_daily', mart_schema),
                           'chat_daily', format('%I.chat_daily', mart_schema),
                           -- a mart without the table (its own layout) has no calendar
                           'school_holiday', CASE WHEN to_regclass(format('%I.school_holiday', mart_schema)) IS NOT NULL
                                                  THEN format('%I.school_holiday', mart_schema)
                                                  ELSE '(SELECT NULL::text AS region_code WHERE false)' END,
                           'mart', mart_schema, 'views', views_schema));
END
$fn$;
COMMENT ON FUNCTION @extschema@.quality_sql(name, name, text, text) IS
'Internal: the SQL of the data-quality checks over a data mart and its KPI store, for the days from from_sql to to_sql (SQL expressions of type date; to_sql NULL: every later day); data_quality() and the view data_quality run it.';

CREATE FUNCTION @extschema@.data_quality(views_schema name, from_day date, to_day date)
RETURNS TABLE ("check" text, check_ru text, severity text, object text, count bigint, people bigint,
               first_day date, last_day date, region_code text, org_id bigint, detail text,
               fix text, fix_ru text, checked_from date, checked_to date)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
-- compiling this plan costs more than it saves
SET jit = off
AS $fn$
DECLARE
    mart name;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema, 'from_day', from_day, 'to_day', to_day));
    IF from_day > to_day THEN
        RAISE EXCEPTION 'from_day % is after to_day %', from_day, to_day
            USING ERRCODE = '22023', HINT = 'Give the first day of the range first.';
    END IF;
    SELECT s.mart_schema INTO mart FROM @extschema@.view_set s WHERE s.schema_name = views_schema AND s.kind = 'kpi';
    IF mart IS NULL OR to_regclass(format('%I.store', views_schema)) IS NULL THEN
        RAISE EXCEPTION 'schema "%" holds no KPI store', views_schema
            USING ERRCODE = '42P01',
                  HINT = 'Create the views with sferum_kpi.create_kpi_views(mart_schema, views_schema), or run sferum_kpi.rebuild_views(views_schema) for views made before 1.4.';
    END IF;
    -- the days as constants: the planner sees how many activity rows the range holds
    RETURN QUERY EXECUTE @extschema@.quality_sql(mart, views_schema, format('%L::date', from_day), format('%L::date', to_day));
END
$fn$;
COMMENT ON FUNCTION @extschema@.data_quality(name, date, date) IS
'The data-quality checks of the KPI views in views_schema over the days from_day to to_day (the view data_quality: the last sferum_kpi.quality_weeks weeks). One row per check and offending object, the worst first; a check that finds nothing gives one row with count 0. Needs read access to the mart (runs with the caller''s rights).';

CREATE FUNCTION @extschema@.build_quality_views(mart_schema name, views_schema name, min_cell integer, or_replace boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v text := quote_ident(views_schema);
    create_view constant text := @extschema@.create_view_sql(or_replace);
    activity_indicators text;
    col record;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('mart_schema', mart_schema, 'views_schema', views_schema, 'min_cell', min_cell, 'or_replace', or_replace));
    PERFORM @extschema@.require_schema(views_schema, 'KPI store', 'build_kpi_views() makes the store first.', '{store}');

    -- data_quality: the window is the last quality_weeks weeks up to the latest
    -- activity day that is not in the future of any region, and every day after
    EXECUTE format('%s %s.live_data_quality AS %s', create_view, v, @extschema@.quality_sql(mart_schema, views_schema,
        @extschema@.render($r$
(SELECT @extschema@.week_start(max(w.day)) - 7 * (@extschema@.quality_setting('sferum_kpi.quality_weeks', 4, 1, 520) - 1)
   FROM {{mart:I}}.activity_daily w
  WHERE w.day <= (SELECT max((pg_catalog.now() AT TIME ZONE wr.time_zone)::date) FROM {{mart:I}}.region wr))$r$,
            jsonb_build_object('mart', mart_schema)),
        NULL));
    EXECUTE format('COMMENT ON VIEW %s.live_data_quality IS %L', v,
        'Data-quality checks of the mart and the KPI store, for the DBA after every load: one row per check and offending object, the worst first; a check that finds nothing shows one row with count 0. Activity is checked over the last sferum_kpi.quality_weeks weeks (default 4) up to the latest activity day that is not in the future, and every day after it; sferum_kpi.data_quality(views_schema, from_day, to_day) checks any range. Aggregates only: no person id.');
    FOR col IN SELECT * FROM (VALUES
        ('check', 'Check code: numerator_above_form, activity_without_membership, activity_outside_membership, org_without_municipality, school_without_stat_form, feed_gap_day, duplicate_day, future_day, no_school_calendar.'),
        ('check_ru', 'The check in Russian.'),
        ('severity', 'error (figures are wrong or missing), warning (figures are capped or leave people out) or info.'),
        ('object', 'What the row is about: an organisation, a region, a run of days, a table (never a person); NULL when the check found nothing.'),
        ('count', 'How many: organisations or organisation-years (1 a row), activity rows, days, duplicate rows, or for numerator_above_form by how many units the numerator exceeds the statistical form; 0 when the check found nothing.'),
        ('people', 'Distinct people whose rows are counted (activity checks); NULL otherwise.'),
        ('first_day', 'First day concerned (the week, the run of days, the school year).'),
        ('last_day', 'Last day concerned.'),
        ('region_code', 'Region concerned, when known.'),
        ('org_id', 'Organisation concerned (organisation checks).'),
        ('detail', 'Details of the finding; for a check that found nothing, what it checked.'),
        ('fix', 'What to fix, in English.'),
        ('fix_ru', 'What to fix, in Russian.'),
        ('checked_from', 'First day of the checked range.'),
        ('checked_to', 'Last day of the checked range (infinity: every day after checked_from).')) c(name, comment) LOOP
        EXECUTE format('COMMENT ON COLUMN %s.live_data_quality.%I IS %L', v, col.name, col.comment);
    END LOOP;
    PERFORM @extschema@.stored_answer(views_schema, 'data_quality', 't."position"', or_replace);

    -- not_started: activity of an organisation = the organisation-level store rows
    -- of the indicators that count people per platform, on the monitored platform
    SELECT coalesce(string_agg(quote_literal(d.indicator), ', ' ORDER BY d.indicator), 'NULL')
      INTO activity_indicators
      FROM @extschema@.indicator_definition d WHERE d.unit = 'person' AND d.per_platform;
    EXECUTE @extschema@.render($v$
{{create_view:S}} {{views:I}}.live_not_started AS
SELECT wk.week_start, n.region_code, n.municipality_id,
       CASE WHEN n.municipality_id IS NULL THEN rb.ru ELSE mu.name END AS municipality_name,
       n.org_id, og.name AS org_name, n.org_kind, k.ru AS org_kind_ru,
       n.status, st.ru AS status_ru, n.people, n.last_active_week, n.silent_weeks, n.indicators, n.holiday
FROM (SELECT DISTINCT l.week_start FROM {{views:I}}.refresh_log l) wk
CROSS JOIN LATERAL (
    WITH silent AS (
        -- organisations in scope this week with no activity in any of the
        -- indicators, and enough people to be listed (small cells are not)
        SELECT s.region_code, s.municipality_id, s.org_id, s.org_kind, max(s.denominator) AS people,
               -- the indicators whose scope holds the organisation (its rows)
               string_agg(s.indicator, ', ' ORDER BY s.indicator) AS indicators, bool_or(s.holiday) AS holiday
        FROM {{views:I}}.store s
        WHERE s.week_start = wk.week_start AND s.level = 'organisation' AND s.indicator IN ({{indicators:S}})
          AND s.platform = @extschema@.monitored_platform(wk.week_start)
        GROUP BY s.region_code, s.municipality_id, s.org_id, s.org_kind
        HAVING max(s.numerator) = 0 AND max(s.denominator) >= {{min_cell:L}}
    ), earlier AS (
        -- their earlier weeks in the store, each judged on its own monitored platform
        SELECT p.org_id, p.week_start, max(p.numerator) > 0 AS active, bool_or(p.holiday) AS holiday,
               p.week_start >= make_date(@extschema@.school_year(wk.week_start), 9, 1) AS this_year
        FROM {{views:I}}.store p
        WHERE p.week_start < wk.week_start AND p.level = 'organisation' AND p.indicator IN ({{indicators:S}})
          AND p.platform = @extschema@.monitored_platform(p.week_start)
          AND p.org_id IN (SELECT silent.org_id FROM silent)
        GROUP BY p.org_id, p.week_start
    ), history AS (
        SELECT e.org_id,
               max(e.week_start) FILTER (WHERE e.active) AS last_active_week,
               max(e.last_active_this_year) AS last_active_this_year,
               -- the stored school weeks of the school year since the last
               -- active one: silence in a holiday week never counts
               count(*) FILTER (WHERE e.this_year AND NOT e.holiday
                                  AND e.week_start > coalesce(e.last_active_this_year, '-infinity'))
                   AS silent_before
        FROM (SELECT e.*, max(e.week_start) FILTER (WHERE e.active AND e.this_year) OVER (PARTITION BY e.org_id)
                              AS last_active_this_year
              FROM earlier e) e
        GROUP BY e.org_id
    )
    SELECT c.region_code, c.municipality_id, c.org_id, c.org_kind, c.people, h.last_active_week,
           CASE WHEN h.last_active_this_year IS NULL THEN 'not_started' ELSE 'gone_quiet' END AS status,
           (CASE WHEN c.holiday THEN 0 ELSE 1 END + coalesce(h.silent_before, 0))::integer AS silent_weeks,
           c.indicators, c.holiday
    FROM silent c
    LEFT JOIN history h ON h.org_id = c.org_id
) n
LEFT JOIN {{mart:I}}.municipality mu ON mu.municipality_id = n.municipality_id
LEFT JOIN {{mart:I}}.organisation og ON og.org_id = n.org_id
LEFT JOIN @extschema@.label k ON k.kind = 'org_kind' AND k.code = n.org_kind
LEFT JOIN @extschema@.label st ON st.kind = 'activity_status' AND st.code = n.status
LEFT JOIN @extschema@.label rb ON rb.kind = 'group' AND rb.code = 'regional_bodies'
WHERE n.status = 'not_started' OR n.silent_weeks >= @extschema@.quality_setting('sferum_kpi.quiet_weeks', 2, 1, 520)$v$,
        jsonb_build_object('create_view', create_view, 'views', views_schema, 'mart', mart_schema,
                           'indicators', activity_indicators, 'min_cell', min_cell));
    EXECUTE format('COMMENT ON VIEW %s.live_not_started IS %L', v, format(
        'Per stored week, the organisations in scope with no activity on the monitored platform (vk up to school year 2024/2025, national from 2025/2026): numerator 0 in every store row of organisation level of the indicators that count people per platform (%s) whose scope holds the organisation. not_started: no activity this week nor in any earlier week of the school year; gone_quiet: active earlier in the school year, silent for the last sferum_kpi.quiet_weeks stored school weeks (default 2; holiday weeks never count as silence). The column indicators says which indicators hold the organisation. Organisations with fewer than %s people in scope are not listed (small cells).',
        (SELECT string_agg(d.indicator, ', ' ORDER BY d.indicator) FROM @extschema@.indicator_definition d
          WHERE d.unit = 'person' AND d.per_platform), min_cell));
    PERFORM @extschema@.comment_columns(views_schema, 'live_not_started', jsonb_build_object(
        'week_start', 'Monday of the stored week (local time of the region).',
        'status', 'not_started (no activity yet this school year) or gone_quiet (active earlier this school year, silent for sferum_kpi.quiet_weeks weeks or more).',
        'status_ru', 'Status in Russian.',
        'people', 'People in scope: the largest denominator of the organisation''s rows that week (for learners_parents_weekly the statistical form''s pupils x 2).',
        'last_active_week', 'Latest earlier stored week with activity on that week''s monitored platform, in any school year; NULL = never in the store.',
        'silent_weeks', 'Stored school weeks of this school year without activity, up to and including this one, since the last active week (not_started: every stored school week of the school year so far); holiday weeks never count as silence.',
        'indicators', 'The indicators whose scope holds the organisation and that it has no activity in (a kindergarten is listed for the 2023 teacher indicators, never for the roadmap''s).',
        'holiday', 'true when this week is a holiday week of the region: a silent organisation is then never gone_quiet.'), true);
    PERFORM @extschema@.stored_answer(views_schema, 'not_started', 't.week_start, t."position"', or_replace);
END
$fn$;
COMMENT ON FUNCTION @extschema@.build_quality_views(name, name, integer, boolean) IS
'Internal: write the views live_data_quality and live_not_started of a KPI view set, and data_quality and not_started over the tables refresh_answers() fills from them (stored_answer; build_kpi_views runs it); or_replace re-creates them in place (rebuild_views).';
