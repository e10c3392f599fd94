--------------------------------------------------------------------------------
-- KPI views.  create_kpi_views() writes one view per indicator of spec §4a/§4b
-- into a schema for BI tools, plus all_indicators and dashboard.  Each view has
-- one row per week, platform and group at four levels (region, municipality,
-- organisation kind, organisation), computed from person-level rows so that
-- distinct people are counted once per group.  Rows are aggregates only: no
-- view exposes a person.
--
-- Shape: weeks CROSS JOIN LATERAL (one week's rows GROUP BY GROUPING SETS).
-- PostgreSQL does not push a filter on a grouping-set column below the
-- aggregate, so a plain GROUPING SETS view would compute every week for a
-- query about one; with the week as the lateral parameter, `WHERE week_start
-- = ...` reads one week of activity through the day index.
--
-- Small cells: pupils' and teachers' activity is personal data; a figure about
-- 1 or 2 people tells what those people did.  For the indicators that count
-- people, rows below the region level whose denominator is below min_cell show
-- NULL numerator, share and target_met (suppressed = true).  Region rows are
-- never suppressed: they feed indicator_history and the dashboard.
--
-- Shares above 100 % (registry ahead of the statistical forms): the raw
-- numerator stays visible, the share and every target judgement use
-- least(numerator, denominator), i.e. exactly 100 % (spec §5).
--
-- The views are not extension members: an update leaves them alone, and
-- rebuild_views() re-creates them from the current definitions in place
-- (CREATE OR REPLACE VIEW), so grants and dependent views survive.
--------------------------------------------------------------------------------

-- The columns of a view over a store (the KPI store or the national store, as
-- s, with the small-cell test as x.suppressed) that show a figure and its
-- judgement: numerator .. status_ru, suppressed figures withheld.
CREATE FUNCTION @extschema@.judged_columns(min_cell integer)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    RETURN @extschema@.render($c$CASE WHEN NOT x.suppressed THEN s.numerator END AS numerator, s.denominator,
       CASE WHEN NOT x.suppressed AND s.denominator > 0
            THEN LEAST(s.numerator, s.denominator)::double precision / s.denominator END AS share,
       CASE WHEN NOT x.suppressed AND s.denominator > 0
            THEN 100 * LEAST(s.numerator, s.denominator)::double precision / s.denominator END AS share_pct,
       s.target_stage, s.target_comparison, s.target_threshold, s.target_deadline, s.target_in_force, s.target_due,
       CASE WHEN NOT x.suppressed THEN s.target_met END AS target_met,
       CASE WHEN NOT x.suppressed THEN s.short_by END AS short_by,
       CASE WHEN x.suppressed THEN 'Скрыто: меньше ' || {{min_cell:L}} || ' человек'
            WHEN s.target_stage IS NULL THEN 'Цель не задана'
            WHEN s.target_met IS NULL THEN 'Нет данных'
            WHEN s.target_met THEN 'Выполнено'
            WHEN s.target_due THEN 'Не выполнено'
            ELSE 'Не выполнено, срок не наступил' END AS status_ru$c$,
                              jsonb_build_object('min_cell', min_cell));
END
$fn$;
COMMENT ON FUNCTION @extschema@.judged_columns(integer) IS
'Internal: the SQL of the columns numerator, denominator, share, share_pct, the target''s columns, target_met, short_by and status_ru of the indicators views (build_kpi_views, build_national_views), over a store row s and its small-cell test x.suppressed; min_cell is written into status_ru.';

CREATE FUNCTION @extschema@.build_kpi_views(mart_schema name, views_schema name, min_cell integer, or_replace boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    m text := quote_ident(mart_schema);
    v text := quote_ident(views_schema);
    -- rebuild_views(): the DBA's views (never extension members) are replaced in place
    create_view constant text := @extschema@.create_view_sql(or_replace);
    -- Distinct units per group with the raw-row aggregate of release 1.1: a
    -- unit counts once however many rows (memberships) it has in the group;
    -- rows with a NULL unit (population rows) are ignored by it.
    counted constant text := '@extschema@.weekly_active_ratio(b.unit_id, b.active::integer::bigint, 1, NULL::bigint)';
    -- the live views' week: the lateral parameter wk.week_start
    week_columns constant jsonb := '{"monday": "wk.week_start", "sunday": "(wk.week_start + 6)"}';
    supp_comment text := format('true when numerator, share and target_met are withheld: a group of fewer than %s people below the region level (small-cell protection; create_kpi_views(..., min_cell)).', min_cell);
    def record;
    builder record;
    supp text;
    sql text;
    views text[] := '{}';
    title_ru_sql text;
    title_en_sql text;
    person_sql text;
    level_ru_sql text;
    org_kind_ru_sql text;
    bodies_sql text;
    holiday_kind_ru_sql text;
    region_sql text;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('mart_schema', mart_schema, 'views_schema', views_schema, 'min_cell', min_cell), ARRAY[mart_schema, views_schema]);
    IF min_cell < 0 THEN
        RAISE EXCEPTION 'min_cell must be >= 0 (got %)', min_cell
            USING ERRCODE = '22023', HINT = 'Use 0 to publish every figure unsuppressed.';
    END IF;
    PERFORM @extschema@.require_schema(mart_schema, 'data mart', 'Create one with sferum_kpi.create_mart(schema) first.', '{activity_daily}');

    IF views_schema ~ '^pg_' THEN
        RAISE EXCEPTION 'unacceptable schema name "%"', views_schema
            USING ERRCODE = '42939', DETAIL = 'The prefix "pg_" is reserved for system schemas.';
    ELSIF to_regnamespace(v) IS NULL THEN
        EXECUTE format('CREATE SCHEMA %s', v);
    END IF;

    FOR def IN SELECT b.*, d.unit FROM @extschema@.kpi_base_rows(mart_schema) b
               JOIN @extschema@.indicator_definition d USING (indicator) LOOP
        supp := CASE WHEN def.unit = 'person'
                     THEN format('(a.level <> ''region'' AND a.denominator < %s)', min_cell)
                     ELSE 'false' END;
        EXECUTE @extschema@.render($v$
{{create_view:S}} {{views:I}}.{{view:I}} AS
SELECT {{indicator:L}}::text AS indicator, wk.week_start, a.platform, a.level,
       a.region_code, a.municipality_id, mu.name AS municipality_name, a.org_kind, a.org_id, og.name AS org_name,
       CASE WHEN NOT x.suppressed THEN a.numerator END AS numerator, a.denominator,
       CASE WHEN a.denominator > 0 AND NOT x.suppressed
            THEN LEAST(a.numerator, a.denominator)::double precision / a.denominator END AS share,
       x.suppressed,
       t.stage AS target_stage, t.deadline AS target_deadline, t.threshold AS target_threshold,
       CASE WHEN NOT x.suppressed THEN t.met END AS target_met, t.due AS target_due,
       t.in_force AS target_in_force
FROM (SELECT w::date AS week_start
      FROM generate_series((SELECT @extschema@.week_start(min(d.day)) FROM {{mart:I}}.activity_daily d)::timestamp,
                           (SELECT max(d.day) FROM {{mart:I}}.activity_daily d)::timestamp,
                           interval '7 days') AS w) wk
CROSS JOIN LATERAL (
    SELECT b.platform,
           CASE WHEN grouping(b.org_id) = 0 THEN 'organisation'
                WHEN grouping(b.municipality_id) = 0 THEN 'municipality'
                WHEN grouping(b.org_kind) = 0 THEN 'org_kind'
                ELSE 'region' END AS level,
           b.region_code, b.municipality_id, b.org_kind, b.org_id,
           coalesce(@extschema@.numerator({{counted:S}}), 0) AS numerator, {{denominator:S}} AS denominator
    FROM ({{base_rows:S}}) b
    GROUP BY GROUPING SETS (
        (b.platform, b.region_code),
        (b.platform, b.region_code, b.municipality_id),
        (b.platform, b.region_code, b.org_kind),
        (b.platform, b.region_code, b.municipality_id, b.org_kind, b.org_id))
) a
CROSS JOIN LATERAL (SELECT {{suppressed:S}} AS suppressed) x
LEFT JOIN {{mart:I}}.municipality mu ON mu.municipality_id = a.municipality_id
LEFT JOIN {{mart:I}}.organisation og ON og.org_id = a.org_id
-- A DBA may delete an indicator's targets: the rows stay, with NULL target
-- columns.  target_status raises an error for an unknown indicator and returns
-- NULL for a NULL one, so the indicator is passed only while it has targets: a
-- one-time InitPlan, whatever the planner does with the join (a WHERE EXISTS
-- beside the call is pulled up into a join filter by PostgreSQL 16+, after the
-- call).
LEFT JOIN LATERAL @extschema@.target_status(
    CASE WHEN EXISTS (SELECT 1 FROM @extschema@.target tt WHERE tt.indicator = {{indicator:L}}) THEN {{indicator:L}}::text END,
    @extschema@.kpi_ratio(LEAST(a.numerator, a.denominator), a.denominator),
    wk.week_start, a.region_code) t ON true$v$,
            jsonb_build_object('create_view', create_view, 'views', views_schema, 'view', 'live_' || def.indicator,
                               'mart', mart_schema, 'indicator', def.indicator, 'counted', counted,
                               'denominator', CASE def.counting WHEN 'unit' THEN format('coalesce(@extschema@.denominator(%s), 0)', counted)
                                                                ELSE 'coalesce(sum(b.population), 0)::bigint' END,
                               -- the week is the lateral parameter wk.week_start
                               'base_rows', @extschema@.render(def.base_sql, week_columns),
                               'suppressed', supp));
        views := views || def.indicator;
        PERFORM @extschema@.comment_kpi_view(views_schema, 'live_' || def.indicator,
            format('Indicator %s computed live from the mart (what the week would look like now; reads every week it is asked for): %s / %s. Aggregates only.%s BI tools: read %s or indicators, from the store.',
                   def.indicator,
                   (SELECT d.numerator FROM @extschema@.indicator_definition d WHERE d.indicator = def.indicator),
                   (SELECT d.denominator FROM @extschema@.indicator_definition d WHERE d.indicator = def.indicator),
                   CASE WHEN supp <> 'false' AND min_cell > 0
                        THEN format(' Below the region level, figures of groups with fewer than %s people are suppressed.', min_cell)
                        ELSE '' END, def.indicator));
        EXECUTE format('COMMENT ON COLUMN %s.%I.suppressed IS %L', v, 'live_' || def.indicator, supp_comment);
    END LOOP;
    EXECUTE format('%s %s.live_all_indicators AS %s', create_view, v,
                   (SELECT string_agg(format('SELECT * FROM %s.%I', v, 'live_' || x), E'\nUNION ALL ') FROM unnest(views) x));
    PERFORM @extschema@.comment_kpi_view(views_schema, 'live_all_indicators',
        'Every indicator computed live from the mart, in one result (long format). What the store is refreshed to; BI tools read all_indicators or indicators.');
    EXECUTE format('COMMENT ON COLUMN %s.live_all_indicators.suppressed IS %L', v, supp_comment);

    -- the weekly store, and what BI reads: the same names and columns as before
    -- 1.4 (one view per indicator, all_indicators, dashboard), plus indicators
    -- (long form, plain types, labels) and latest
    PERFORM @extschema@.build_store(views_schema, mart_schema);
    -- The store-backed views read the store alone (no join): PostgreSQL answers
    -- max(week_start) from an index and count(*) from an index-only scan only
    -- for a single-table query, and BI tools ask both.  Titles, labels and the
    -- indicators that count people are written into the view as CASE literals
    -- (rebuild_views() after a change: definitions_fingerprint() covers them);
    -- the names of municipalities and organisations are stored with each week
    -- (as of its refresh), those of regions written in as literals.  Scalar
    -- subqueries or joins per row would cost more than the scan itself.
    SELECT coalesce('CASE s.indicator ' || string_agg(format('WHEN %L THEN %L', d.indicator, d.title_ru), ' ' ORDER BY d.indicator) || ' END', 'NULL::text'),
           coalesce('CASE s.indicator ' || string_agg(format('WHEN %L THEN %L', d.indicator, d.title_en), ' ' ORDER BY d.indicator) || ' END', 'NULL::text'),
           coalesce('s.indicator IN (' || string_agg(quote_literal(d.indicator), ', ' ORDER BY d.indicator) FILTER (WHERE d.unit = 'person') || ')', 'false')
      INTO title_ru_sql, title_en_sql, person_sql
      FROM @extschema@.indicator_definition d;
    SELECT coalesce('CASE s.level ' || string_agg(format('WHEN %L THEN %L', l.code, l.ru), ' ' ORDER BY l.code) FILTER (WHERE l.kind = 'level') || ' END', 'NULL::text'),
           coalesce('CASE s.org_kind ' || string_agg(format('WHEN %L THEN %L', l.code, l.ru), ' ' ORDER BY l.code) FILTER (WHERE l.kind = 'org_kind') || ' END', 'NULL::text'),
           coalesce(quote_literal(min(l.ru) FILTER (WHERE l.kind = 'group' AND l.code = 'regional_bodies')), 'NULL::text'),
           coalesce('CASE s.holiday_kind ' || string_agg(format('WHEN %L THEN %L', l.code, l.ru), ' ' ORDER BY l.code) FILTER (WHERE l.kind = 'holiday') || ' END', 'NULL::text')
      INTO level_ru_sql, org_kind_ru_sql, bodies_sql, holiday_kind_ru_sql
      FROM @extschema@.label l;
    -- region names (a handful, renamed once in a generation) as literals too; a
    -- region added to the mart after the views were built is looked up
    EXECUTE @extschema@.render($q$SELECT coalesce('CASE s.region_code ' || string_agg(format('WHEN %L THEN %L', r.region_code, r.name), ' ' ORDER BY r.region_code)
                                      || ' ELSE (SELECT r.name FROM ' || {{region:L}} || ' r WHERE r.region_code = s.region_code) END',
                                      '(SELECT r.name FROM ' || {{region:L}} || ' r WHERE r.region_code = s.region_code)')
                        FROM {{mart:I}}.region r$q$,
                               jsonb_build_object('mart', mart_schema, 'region', format('%I.region', mart_schema)))
       INTO region_sql;
    EXECUTE @extschema@.render($v$
{{create_view:S}} {{views:I}}.indicators AS
SELECT s.indicator, {{title_ru:S}} AS title_ru, {{title_en:S}} AS title_en, s.week_start, s.time, s.platform,
       (s.platform = 'any' OR s.platform = @extschema@.monitored_platform(s.week_start)) AS monitored,
       s.level, {{level_ru:S}} AS level_ru, s.region_code,
       {{region_name:S}} AS region_name,
       s.municipality_id, {{municipality_name:S}} AS municipality_name,
       s.org_kind, {{org_kind_ru:S}} AS org_kind_ru, s.org_id, s.org_name,
       {{judged:S}},
       x.suppressed,
       s.holiday, s.holiday_kind, {{holiday_kind_ru:S}} AS holiday_kind_ru
FROM {{views:I}}.store s
CROSS JOIN LATERAL (SELECT ({{person:S}} AND s.level <> 'region' AND s.denominator < {{min_cell:L}}) AS suppressed) x;

{{create_view:S}} {{views:I}}.latest AS
SELECT i.*
FROM {{views:I}}.indicators i
-- the latest complete week of each region: the first condition lets the store's
-- indexes find that week, the second keeps each region to its own week
WHERE i.week_start = ANY (ARRAY(SELECT max(l.week_start) FROM {{views:I}}.refresh_log l WHERE l.complete GROUP BY l.region_code))
  AND (i.region_code, i.week_start) IN (SELECT l.region_code, max(l.week_start) FROM {{views:I}}.refresh_log l
                                         WHERE l.complete GROUP BY l.region_code);

{{create_view:S}} {{views:I}}.all_indicators AS
SELECT s.indicator, s.week_start, s.platform, s.level, s.region_code, s.municipality_id,
       s.municipality_name, s.org_kind, s.org_id, s.org_name,
       CASE WHEN NOT x.suppressed THEN s.numerator END AS numerator, s.denominator,
       CASE WHEN s.denominator > 0 AND NOT x.suppressed
            THEN LEAST(s.numerator, s.denominator)::double precision / s.denominator END AS share,
       x.suppressed, s.target_stage, s.target_deadline, s.target_threshold,
       CASE WHEN NOT x.suppressed THEN s.target_met END AS target_met, s.target_due, s.target_in_force
FROM {{views:I}}.store s
CROSS JOIN LATERAL (SELECT ({{person:S}} AND s.level <> 'region' AND s.denominator < {{min_cell:L}}) AS suppressed) x
$v$,
        jsonb_build_object('create_view', create_view, 'views', views_schema,
                           'title_ru', title_ru_sql, 'title_en', title_en_sql, 'level_ru', level_ru_sql,
                           'org_kind_ru', org_kind_ru_sql, 'person', person_sql, 'region_name', region_sql,
                           'holiday_kind_ru', holiday_kind_ru_sql,
                           'min_cell', min_cell, 'judged', @extschema@.judged_columns(min_cell),
                           'municipality_name', format($q$CASE WHEN s.municipality_id IS NOT NULL THEN s.municipality_name
                 WHEN s.level IN ('municipality', 'organisation') THEN %s END$q$, bodies_sql)));
    FOREACH sql IN ARRAY views LOOP
        EXECUTE format('%s %s.%I AS SELECT * FROM %s.all_indicators WHERE indicator = %L',
                       create_view, v, sql, v, sql);
        PERFORM @extschema@.comment_kpi_view(views_schema, sql,
            format('Indicator %s per week, platform and level (region, municipality, org_kind, organisation), from the weekly KPI store: %s / %s. Aggregates only.%s',
                   sql,
                   (SELECT d.numerator FROM @extschema@.indicator_definition d WHERE d.indicator = sql),
                   (SELECT d.denominator FROM @extschema@.indicator_definition d WHERE d.indicator = sql),
                   CASE WHEN min_cell > 0 AND (SELECT d.unit FROM @extschema@.indicator_definition d WHERE d.indicator = sql) = 'person'
                        THEN format(' Below the region level, figures of groups with fewer than %s people are suppressed.', min_cell)
                        ELSE '' END));
        EXECUTE format('COMMENT ON COLUMN %s.%I.suppressed IS %L', v, sql, supp_comment);
    END LOOP;
    PERFORM @extschema@.comment_kpi_view(views_schema, 'all_indicators',
        'Every indicator in one result (long format), from the weekly KPI store: indicator, week, platform, level, group, numerator, denominator, share, target.');
    EXECUTE format('COMMENT ON COLUMN %s.all_indicators.suppressed IS %L', v, supp_comment);
    PERFORM @extschema@.comment_kpi_view(views_schema, 'indicators',
        'What BI tools read: every indicator, platform and group per week from the weekly KPI store, plain types only, with Russian labels, Grafana''s time column, the monitored platform, the target of the week and small-cell suppression. Aggregates only.');
    EXECUTE format('COMMENT ON COLUMN %s.indicators.suppressed IS %L', v, supp_comment);
    PERFORM @extschema@.comment_kpi_view(views_schema, 'latest',
        'indicators for the latest complete week of each region (the last week whose Sunday has activity data, spec §5; from refresh_log).');
    EXECUTE format('COMMENT ON COLUMN %s.latest.suppressed IS %L', v, supp_comment);

    EXECUTE @extschema@.render($v$
{{create_view:S}} {{views:I}}.dashboard AS
WITH latest AS (
    -- the latest complete week of each region in the store (spec §5)
    SELECT r.region_code, r.name AS region_name,
           (SELECT max(l.week_start) FROM {{views:I}}.refresh_log l WHERE l.region_code = r.region_code AND l.complete) AS week_start
    FROM {{mart:I}}.region r
), indicators AS (
    SELECT DISTINCT ON (t.indicator) t.indicator, t.kind, t.title_ru, t.title_en
    FROM @extschema@.target t
    WHERE t.kind = 'milestone'
       OR t.indicator IN (SELECT d.indicator FROM @extschema@.indicator_definition d)
    ORDER BY t.indicator, t.stage
), cur AS (
    SELECT l.region_code, l.region_name, i.indicator, i.kind, i.title_ru, i.title_en, l.week_start,
           CASE WHEN i.kind = 'milestone' THEN 'any'
                WHEN NOT coalesce((SELECT d.per_platform FROM @extschema@.indicator_definition d
                                   WHERE d.indicator = i.indicator), false) THEN 'any'
                ELSE @extschema@.monitored_platform(l.week_start) END AS platform
    FROM latest l CROSS JOIN indicators i
    WHERE l.week_start IS NOT NULL
), val AS (
    SELECT c.*, st.numerator, st.denominator, st.target_stage, st.target_deadline, st.target_comparison,
           st.target_threshold, st.target_met, st.target_due, st.target_in_force, st.short_by,
           (SELECT CASE WHEN p.denominator > 0 THEN LEAST(p.numerator, p.denominator)::double precision / p.denominator END
              FROM {{views:I}}.store p
             WHERE p.week_start = c.week_start - 7 AND p.indicator = c.indicator AND p.platform = c.platform
               AND p.level = 'region' AND p.region_code = c.region_code) AS previous_share,
           (SELECT string_agg(CASE WHEN h.denominator IS NULL OR h.denominator = 0 THEN '·'
                                   ELSE substr('▁▂▃▄▅▆▇█', 1 + least(7, floor(8 * LEAST(h.numerator, h.denominator)::double precision
                                                                             / h.denominator))::integer, 1)
                              END, '' ORDER BY w.week)
            FROM generate_series((c.week_start - 49)::timestamp, c.week_start::timestamp, interval '7 days') AS w(week)
            LEFT JOIN {{views:I}}.store h
                   ON h.week_start = w.week::date AND h.indicator = c.indicator AND h.platform = c.platform
                  AND h.level = 'region' AND h.region_code = c.region_code) AS trend
    FROM cur c
    LEFT JOIN {{views:I}}.store st
           ON c.kind = 'computed' AND st.week_start = c.week_start AND st.indicator = c.indicator
          AND st.platform = c.platform AND st.level = 'region' AND st.region_code = c.region_code
), milestone AS (
    SELECT v.region_code, v.indicator,
           (SELECT @extschema@.kpi_ratio(mp.done, mp.total) FROM {{mart:I}}.milestone_progress mp
             WHERE mp.region_code = v.region_code AND mp.indicator = v.indicator AND mp.reported_on <= v.week_start + 6
             ORDER BY mp.reported_on DESC LIMIT 1) AS value,
           v.week_start
    FROM val v WHERE v.kind = 'milestone'
)
SELECT v.region_code, v.region_name, v.indicator, v.title_ru, v.title_en, v.kind, v.platform, v.week_start,
       coalesce(v.numerator, @extschema@.numerator(ms.value)) AS numerator,
       coalesce(v.denominator, @extschema@.denominator(ms.value)) AS denominator,
       coalesce(CASE WHEN v.denominator > 0 THEN LEAST(v.numerator, v.denominator)::double precision / v.denominator END,
                @extschema@.share(ms.value)) AS share,
       v.previous_share,
       CASE WHEN v.denominator > 0 THEN LEAST(v.numerator, v.denominator)::double precision / v.denominator END
           - v.previous_share AS change,
       v.trend,
       coalesce(v.target_stage, s.stage) AS target_stage, coalesce(v.target_deadline, s.deadline) AS target_deadline,
       coalesce(v.target_comparison, s.comparison) AS target_comparison,
       coalesce(v.target_threshold, s.threshold) AS target_threshold,
       CASE WHEN v.kind = 'milestone' THEN s.met ELSE v.target_met END AS target_met,
       coalesce(v.target_due, s.due) AS target_due, coalesce(v.target_in_force, s.in_force) AS target_in_force,
       CASE WHEN v.kind = 'milestone' THEN s.short_by ELSE v.short_by END AS short_by
FROM val v
LEFT JOIN milestone ms ON ms.region_code = v.region_code AND ms.indicator = v.indicator
LEFT JOIN LATERAL @extschema@.target_status(CASE WHEN v.kind = 'milestone' THEN v.indicator END, ms.value, v.week_start, v.region_code) s ON true$v$,
        jsonb_build_object('create_view', create_view, 'views', views_schema, 'mart', mart_schema));
    PERFORM @extschema@.comment_kpi_view(views_schema, 'dashboard',
        'One row per region and indicator: the latest complete week of the weekly KPI store on the monitored platform (milestones: the latest loaded counts) against the target stage for that week, with the previous week, the change and an 8-week trend.');
    -- the other builders of the set, in the order of the registry view_builder
    -- (forecast, quality, the roadmap's refresh-time table, answers, roadmap)
    FOR builder IN SELECT b.name, b.takes FROM @extschema@.view_builder b WHERE b.step IS NOT NULL ORDER BY b.step LOOP
        EXECUTE format('SELECT @extschema@.%I(%s)', builder.name,
                       CASE builder.takes WHEN 'views' THEN '$2' ELSE '$1, $2, $3, $4' END)
            USING mart_schema, views_schema, min_cell, or_replace;
    END LOOP;
    -- the answers stored at refresh time, computed anew by the new views
    PERFORM @extschema@.refresh_answers(views_schema);
END
$fn$;
COMMENT ON FUNCTION @extschema@.build_kpi_views(name, name, integer, boolean) IS
'Internal: write the KPI views of create_kpi_views(); or_replace re-creates existing views in place (rebuild_views).';

CREATE FUNCTION @extschema@.create_kpi_views(mart_schema name, views_schema name DEFAULT 'kpi', min_cell integer DEFAULT 5)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF EXISTS (SELECT 1 FROM @extschema@.view_set s WHERE s.schema_name = views_schema
                                                      AND (s.kind <> 'kpi' OR s.mart_schema <> create_kpi_views.mart_schema)) THEN
        RAISE EXCEPTION 'schema "%" already holds % views', views_schema,
                        (SELECT min(s.kind || ' views of ' || coalesce(s.mart_schema, 'the coordinator')) FROM @extschema@.view_set s WHERE s.schema_name = views_schema)
            USING ERRCODE = '42P07', HINT = 'Use another schema for the KPI views.';
    END IF;
    PERFORM @extschema@.build_kpi_views(mart_schema, views_schema, min_cell, false);
    INSERT INTO @extschema@.view_set AS s (schema_name, kind, mart_schema, min_cell, fingerprint, built_with)
    VALUES (views_schema, 'kpi', mart_schema, min_cell, @extschema@.definitions_fingerprint(),
            (SELECT e.extversion FROM pg_extension e WHERE e.extname = 'sferum_kpi'))
    ON CONFLICT ON CONSTRAINT view_set_key DO UPDATE
       SET min_cell = EXCLUDED.min_cell, fingerprint = EXCLUDED.fingerprint,
           built_with = EXCLUDED.built_with, built_at = EXCLUDED.built_at;
END
$fn$;
COMMENT ON FUNCTION @extschema@.create_kpi_views(name, name, integer) IS
'Create the KPI views over a data mart in views_schema (default kpi): one view per indicator, all_indicators, dashboard. For the indicators that count people, rows below the region level with a denominator below min_cell (default 5; 0 = publish everything) show NULL numerator, share and target_met. The views are not extension members (DROP EXTENSION refuses while they exist); the set is recorded in view_set, and rebuild_views() re-creates it after an update.';
