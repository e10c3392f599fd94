--------------------------------------------------------------------------------
-- Answers an authority acts on (1.5): each stage's result at its deadline, and
-- the organisations to call.
--
-- <views>.stage_results: for the region and each municipality (the regional
-- bodies as their own group), every stage of every computed indicator with its
-- deadline, the week it is judged on (spec §5: the last complete week whose
-- Sunday is on or before the deadline, or the school week before it when that
-- is a holiday week), the share then, the threshold, whether it was met and by
-- how many people it fell short; and a status that is final once the deadline
-- has passed, or the days left before it.  live_stage_results reads the store
-- (one index lookup per stage, region and week) and judges against the stage
-- itself with target_status(..., deadline, ...), so a baseline stage is judged
-- against the region's baseline exactly as the store's own rows are;
-- refresh_answers stores its rows, and the view stage_results reads them with
-- the status and days left computed from today (sql/stored_answers.sql).
--
-- <views>.action_list: per stored week, the organisations to call, each with
-- its reason: not connected, not «активна» (and which of the three conditions
-- fails), no e-journal, not started on the monitored platform, gone quiet
-- over school weeks, or among the furthest below its stage in people
-- (live_action_list, stored by refresh_answers).  Read from the store's
-- organisation rows, which exist only for the indicators whose
-- scope holds the organisation: an organisation is listed for an indicator
-- only when that indicator's scope holds it (spec §5, whom to act on).
--------------------------------------------------------------------------------

-- Two rules of a stage's result, written once for the views that judge
-- stages (stage_results here, the roadmap's items in sql/roadmap.sql, the
-- national store's stage_results in sql/national_forecast.sql).
--
-- Which target rows apply to a region: its own row of a stage, else the
-- every-region row of that stage.  Over the target row t.
CREATE FUNCTION @extschema@.target_applies_sql(region text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('region', region), ARRAY[region]);
    RETURN @extschema@.render($s$(t.region_code = {{region:S}}
          OR (t.region_code IS NULL AND NOT EXISTS (SELECT 1 FROM @extschema@.target rt
                                                    WHERE rt.indicator = t.indicator AND rt.stage = t.stage
                                                      AND rt.region_code = {{region:S}})))$s$,
                              jsonb_build_object('region', region));
END
$fn$;
COMMENT ON FUNCTION @extschema@.target_applies_sql(text) IS
'Internal: the SQL condition that the target row t applies to the region whose code is the SQL region: the region''s own row of the stage, or the every-region row (region_code NULL) when the region has none (build_answer_views, build_roadmap_views, build_national_forecast_views).';

-- The week a stage's result is read from: stage_result_week(deadline), or the
-- region's last school week before it when that is a holiday week of the
-- region in the store (spec §5, holiday weeks).
CREATE FUNCTION @extschema@.result_week_sql(views_schema name, indicator text, region text, nominal_week text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema, 'indicator', indicator, 'region', region,
                                                       'nominal_week', nominal_week),
                                     ARRAY[views_schema, indicator, region, nominal_week]);
    RETURN @extschema@.render($s$CASE WHEN (SELECT bool_or(s.holiday) FROM {{views:I}}.store s
                 WHERE s.indicator = {{indicator:S}} AND s.level = 'region' AND s.region_code = {{region:S}}
                   AND s.week_start = {{nominal:S}})
          THEN (SELECT max(s.week_start) FROM {{views:I}}.store s
                 WHERE s.indicator = {{indicator:S}} AND s.level = 'region' AND s.region_code = {{region:S}}
                   AND s.week_start < {{nominal:S}} AND NOT s.holiday)
          ELSE {{nominal:S}} END$s$,
                              jsonb_build_object('views', views_schema, 'indicator', indicator, 'region', region,
                                                 'nominal', nominal_week));
END
$fn$;
COMMENT ON FUNCTION @extschema@.result_week_sql(name, text, text, text) IS
'Internal: the SQL of the Monday a stage''s result is read from, for the indicator, region and nominal week (stage_result_week of the deadline) given as SQL: the nominal week, or the last school week of the region before it in the store of views_schema when the nominal week is a holiday week there (build_answer_views, build_roadmap_views).';

CREATE FUNCTION @extschema@.build_answer_views(mart_schema name, views_schema name, min_cell integer, or_replace boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    create_view constant text := @extschema@.create_view_sql(or_replace);
    col record;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('mart_schema', mart_schema, 'views_schema', views_schema,
                                                       'min_cell', min_cell, 'or_replace', or_replace),
                                     ARRAY[mart_schema, views_schema]);
    PERFORM @extschema@.require_schema(views_schema, 'KPI store', 'build_kpi_views() makes the store first.', '{store}');

    EXECUTE @extschema@.render($v$
{{create_view:S}} {{views:I}}.live_stage_results AS
WITH st AS (
    -- the stages of the computed indicators for each region of the mart (a
    -- region's own target row replaces the every-region row of its stage)
    SELECT r.region_code, r.name AS region_name, (pg_catalog.now() AT TIME ZONE r.time_zone)::date AS today,
           t.indicator, d.title_ru, d.unit, d.per_platform, t.stage, t.deadline, t.in_force,
           @extschema@.stage_result_week(t.deadline) AS nominal_week
    FROM {{mart:I}}.region r
    JOIN @extschema@.target t ON t.kind = 'computed' AND {{target_applies:S}}
    JOIN @extschema@.indicator_definition d ON d.indicator = t.indicator
), wk AS (
    -- the result week (moved to the school week before a holiday week) and the
    -- week whose groups are listed: the result week once stored, else the
    -- region's latest stored week of the indicator
    SELECT st.*, rw.result_week,
           coalesce((SELECT max(s.week_start) FROM {{views:I}}.store s
                      WHERE s.indicator = st.indicator AND s.level = 'region' AND s.region_code = st.region_code
                        AND s.week_start = rw.result_week),
                    (SELECT max(s.week_start) FROM {{views:I}}.store s
                      WHERE s.indicator = st.indicator AND s.level = 'region' AND s.region_code = st.region_code)) AS group_week
    FROM st
    CROSS JOIN LATERAL (SELECT {{result_week:S}} AS result_week) rw
)
SELECT w.indicator, w.title_ru, w.stage, w.deadline, w.in_force, w.region_code, w.region_name,
       g.level, lv.ru AS level_ru, g.municipality_id,
       CASE WHEN g.level = 'municipality' AND g.municipality_id IS NULL THEN rb.ru ELSE g.municipality_name END AS municipality_name,
       w.result_week, g.platform,
       CASE WHEN j.judged AND NOT x.suppressed THEN g.numerator END AS numerator,
       CASE WHEN j.judged THEN g.denominator END AS denominator,
       CASE WHEN j.judged AND NOT x.suppressed AND g.denominator > 0
            THEN LEAST(g.numerator, g.denominator)::double precision / g.denominator END AS share,
       CASE WHEN j.judged AND NOT x.suppressed AND g.denominator > 0
            THEN 100 * LEAST(g.numerator, g.denominator)::double precision / g.denominator END AS share_pct,
       t.comparison, t.threshold,
       CASE WHEN j.judged AND NOT x.suppressed THEN t.met END AS met,
       CASE WHEN j.judged AND NOT x.suppressed AND NOT t.met THEN t.short_by END AS people_short,
       j.status, sl.ru AS status_ru,
       CASE WHEN j.status = 'upcoming' THEN w.deadline - w.today END AS days_left,
       CASE WHEN j.judged THEN x.suppressed END AS suppressed
FROM wk w
JOIN {{views:I}}.store g
  ON g.indicator = w.indicator AND g.level IN ('region', 'municipality') AND g.week_start = w.group_week
 AND g.region_code = w.region_code
 AND g.platform = CASE WHEN w.per_platform THEN @extschema@.monitored_platform(w.group_week) ELSE 'any' END
CROSS JOIN LATERAL (SELECT coalesce(w.unit = 'person' AND g.level <> 'region' AND g.denominator < {{min_cell:L}}, false) AS suppressed) x
-- judged against this stage (the stage in force on its deadline)
LEFT JOIN LATERAL @extschema@.target_status(w.indicator,
    @extschema@.kpi_ratio(LEAST(g.numerator, g.denominator), g.denominator), w.deadline, w.region_code) t ON true
CROSS JOIN LATERAL (
    SELECT g.week_start = w.result_week AS judged,
           CASE WHEN w.deadline >= w.today THEN 'upcoming'
                WHEN g.week_start IS DISTINCT FROM w.result_week OR x.suppressed OR t.met IS NULL THEN 'deadline_no_data'
                WHEN t.met THEN 'deadline_met'
                ELSE 'deadline_missed' END AS status
) j
LEFT JOIN @extschema@.label lv ON lv.kind = 'level' AND lv.code = g.level
LEFT JOIN @extschema@.label rb ON rb.kind = 'group' AND rb.code = 'regional_bodies'
LEFT JOIN @extschema@.label sl ON sl.kind = 'stage_status' AND sl.code = j.status$v$,
        jsonb_build_object('create_view', create_view, 'views', views_schema, 'mart', mart_schema, 'min_cell', min_cell,
                           'target_applies', @extschema@.target_applies_sql('r.region_code'),
                           'result_week', @extschema@.result_week_sql(views_schema, 'st.indicator', 'st.region_code', 'st.nominal_week')));
    EXECUTE format('COMMENT ON VIEW %I.live_stage_results IS %L', views_schema,
        'Each stage''s result at its deadline: for the region and each municipality (the regional bodies as their own group), every stage of every computed indicator, judged on the stage''s result week (the last complete week whose Sunday is on or before the deadline, or the school week before it when that is a holiday week) on the platform monitored then. Final once the deadline has passed (deadline_met, deadline_missed, deadline_no_data), never a forecast; before it, upcoming with the days left. Aggregates only; small cells below the region level are withheld.');
    EXECUTE @extschema@.render($v$
{{create_view:S}} {{views:I}}.live_action_list AS
SELECT wk.week_start, a.region_code, a.municipality_id,
       CASE WHEN a.municipality_id IS NULL THEN rb.ru ELSE mu.name END AS municipality_name,
       a.org_id, og.name AS org_name, a.org_kind, k.ru AS org_kind_ru,
       a.reason, rl.ru AS reason_ru,
       CASE WHEN a.reason = 'not_active' THEN concat_ws('; ',
                CASE WHEN NOT coalesce(og.admin_logged_in_on <= wk.week_start + 6, false) THEN 'администратор не входил' END,
                CASE WHEN NOT coalesce(og.data_filled_on <= wk.week_start + 6, false) THEN 'данные организации не заполнены' END,
                CASE WHEN ta.teachers < 3 THEN format('добавлено педагогов: %s из 3', ta.teachers) END)
            WHEN a.reason IN ('not_started', 'gone_quiet') THEN format('без активности недель: %s', a.silent_weeks)
            -- roadmap vk closure (sql/roadmap.sql): the counts ride in people_short's place, see the branch below
            WHEN a.reason = 'vk_not_closed' THEN format('открытых чатов в VK Мессенджере: %s; писали или читали в VK Мессенджере после срока: %s',
                                                        a.silent_weeks, a.people)
       END AS detail_ru,
       a.indicators, a.targets_ru, a.people, a.people_short
FROM (SELECT DISTINCT l.week_start FROM {{views:I}}.refresh_log l) wk
CROSS JOIN LATERAL (
    -- not connected, not active, no e-journal: the organisation indicators'
    -- rows of the organisation with nothing counted
    SELECT s.region_code, s.municipality_id, s.org_id, s.org_kind,
           CASE s.indicator WHEN 'active_orgs' THEN 'not_active' WHEN 'ejournal_connected' THEN 'no_ejournal'
                            ELSE 'not_connected' END AS reason,
           string_agg(s.indicator, ', ' ORDER BY s.indicator) AS indicators,
           string_agg({{target_ru:S}}, '; ' ORDER BY s.indicator) AS targets_ru,
           NULL::bigint AS people, NULL::bigint AS people_short, NULL::integer AS silent_weeks
    FROM {{views:I}}.store s
    WHERE s.week_start = wk.week_start AND s.level = 'organisation'
      AND s.indicator IN ('orgs_connected', 'spo_registered', 'active_orgs', 'ejournal_connected')
      AND s.denominator > 0 AND s.numerator = 0
    GROUP BY s.region_code, s.municipality_id, s.org_id, s.org_kind, 5
    UNION ALL
    -- not started / gone quiet on the monitored platform (not_started: school
    -- weeks only), with the people short of the stages of those indicators
    SELECT n.region_code, n.municipality_id, n.org_id, n.org_kind, n.status, n.indicators,
           (SELECT string_agg({{target_ru:S}}, '; ' ORDER BY s.indicator)
              FROM {{views:I}}.store s
             WHERE s.week_start = wk.week_start AND s.level = 'organisation' AND s.org_id = n.org_id
               AND s.indicator = ANY (string_to_array(n.indicators, ', ')) AND s.target_stage IS NOT NULL
               AND s.platform = @extschema@.monitored_platform(wk.week_start)),
           n.people,
           (SELECT max(s.short_by) FROM {{views:I}}.store s
             WHERE s.week_start = wk.week_start AND s.level = 'organisation' AND s.org_id = n.org_id
               AND s.indicator = ANY (string_to_array(n.indicators, ', '))
               AND s.platform = @extschema@.monitored_platform(wk.week_start)),
           n.silent_weeks
    FROM {{views:I}}.not_started n
    WHERE n.week_start = wk.week_start
    UNION ALL
    -- the furthest below their stage in people: the 5 organisations (ties
    -- kept) of each municipality and indicator that counts people with the
    -- most people short, among those active at all (the silent ones are above)
    SELECT b.region_code, b.municipality_id, b.org_id, b.org_kind, 'below_stage', b.indicator, b.target_ru,
           b.denominator, b.short_by, NULL::integer
    FROM (SELECT s.*, {{target_ru:S}} AS target_ru,
                 rank() OVER (PARTITION BY s.indicator, s.region_code, s.municipality_id ORDER BY s.short_by DESC) AS r
          FROM {{views:I}}.store s
          WHERE s.week_start = wk.week_start AND s.level = 'organisation' AND s.indicator IN ({{person_indicators:S}})
            AND s.platform IN ('any', @extschema@.monitored_platform(wk.week_start))
            AND s.target_met IS FALSE AND s.short_by > 0 AND s.numerator > 0
            AND s.denominator >= {{min_cell:L}}) b
    WHERE b.r <= 5
    UNION ALL
    -- ---- roadmap, 1.5 (sql/roadmap.sql): the vk closure item (item 17 of the
    -- 2025 roadmap) after its deadline: organisations with a vk chat open on
    -- the week's Sunday or members active on vk after the deadline, counted at
    -- refresh time in vk_closure_week.  people = those members; the open chats
    -- travel in silent_weeks (read only by detail_ru above).
    SELECT v.region_code, o.municipality_id, v.org_id, o.kind, 'vk_not_closed', NULL::text,
           (SELECT string_agg(format('мероприятие %s дорожной карты: %s к %s', i.item, i.title_ru, to_char(i.period_end, 'DD.MM.YYYY')),
                              '; ' ORDER BY i.item)
              FROM @extschema@.roadmap_item i WHERE i.region_code = v.region_code AND i.measure = 'vk_closure'),
           v.vk_people, NULL::bigint, v.vk_chats_open::integer
    FROM {{views:I}}.vk_closure_week v
    JOIN {{mart:I}}.organisation o ON o.org_id = v.org_id
    WHERE v.week_start = wk.week_start AND v.org_id IS NOT NULL
    -- ---- end of the roadmap branch
) a
LEFT JOIN {{mart:I}}.municipality mu ON mu.municipality_id = a.municipality_id
LEFT JOIN {{mart:I}}.organisation og ON og.org_id = a.org_id
-- the teachers added by the week's Sunday (an active organisation has 3; spec §3)
LEFT JOIN LATERAL (
    SELECT count(*) AS teachers FROM {{mart:I}}.membership m
    WHERE a.reason = 'not_active' AND m.org_id = a.org_id AND m.role = 'teacher'
      AND m.sferum_added_on <= wk.week_start + 6
      AND m.since <= wk.week_start + 6 AND (m.until IS NULL OR m.until >= wk.week_start + 6)) ta ON true
LEFT JOIN @extschema@.label k ON k.kind = 'org_kind' AND k.code = a.org_kind
LEFT JOIN @extschema@.label rl ON rl.kind = 'action_reason' AND rl.code = a.reason
LEFT JOIN @extschema@.label rb ON rb.kind = 'group' AND rb.code = 'regional_bodies'
ORDER BY wk.week_start, a.people_short DESC NULLS LAST, a.reason, a.org_id$v$,
        jsonb_build_object('create_view', create_view, 'views', views_schema, 'mart', mart_schema, 'min_cell', min_cell,
                           'person_indicators', coalesce((SELECT string_agg(quote_literal(d.indicator), ', ' ORDER BY d.indicator)
                                                            FROM @extschema@.indicator_definition d WHERE d.unit = 'person'), 'NULL'),
                           -- the stage of the week as a person reads it: «staff_weekly_writers: ≥ 75 % к 30.12.2025»
                           'target_ru', $t$s.indicator || ': ' || replace(s.target_comparison, '>=', '≥') || ' '
                                || replace(to_char(100 * s.target_threshold, 'FM990.0'), '.', ',') || ' % к '
                                || to_char(s.target_deadline, 'DD.MM.YYYY')$t$));
    EXECUTE format('COMMENT ON VIEW %I.live_action_list IS %L', views_schema,
        'The organisations to call, per stored week, most people short first: not connected, not «активна» (detail_ru says which condition fails), no e-journal, not started or gone quiet on the monitored platform (school weeks only), or among the 5 furthest below their stage in people per municipality and indicator, or (roadmap, 1.5) with a vk chat still open or vk activity after the vk closure deadline (vk_not_closed). An organisation is listed for an indicator only when that indicator''s scope holds it; indicators and targets_ru say which. Organisations with fewer than min_cell people are not listed as silent or below their stage (small cells).');
    FOR col IN SELECT * FROM (VALUES
        ('week_start', 'Monday of the stored week.'),
        ('region_code', 'Region code.'),
        ('municipality_id', 'Municipality; NULL for the regional bodies.'),
        ('municipality_name', 'Municipality name («Региональный уровень» for the regional bodies).'),
        ('org_id', 'Organisation id.'),
        ('org_name', 'Organisation name.'),
        ('org_kind', 'Organisation kind.'),
        ('org_kind_ru', 'Organisation kind in Russian.'),
        ('reason', 'not_connected, not_active, no_ejournal, not_started, gone_quiet, below_stage or vk_not_closed (roadmap vk closure).'),
        ('reason_ru', 'The reason in Russian.'),
        ('detail_ru', 'For not_active: which of the three conditions fails; for not_started and gone_quiet: the silent school weeks; for vk_not_closed: the vk chats open and the people active on vk after the deadline.'),
        ('indicators', 'The indicators (codes) that make the organisation matter: those whose scope holds it and that it falls short in.'),
        ('targets_ru', 'The stage of the week of each of those indicators: comparison, threshold and deadline.'),
        ('people', 'People in scope (not_started, gone_quiet: the largest denominator; below_stage: the indicator''s denominator; vk_not_closed: members active on vk after the deadline).'),
        ('people_short', 'How many more people would meet the stage (the largest of its indicators); NULL for the organisation statuses.')) c(name, comment) LOOP
        EXECUTE format('COMMENT ON COLUMN %I.live_action_list.%I IS %L', views_schema, col.name, col.comment);
    END LOOP;
    PERFORM @extschema@.stored_answer(views_schema, 'action_list', 't.week_start, t."position"', or_replace);

    FOR col IN SELECT * FROM (VALUES
        ('indicator', 'Indicator code.'),
        ('title_ru', 'Indicator title in Russian.'),
        ('stage', 'Stage number in the target catalog.'),
        ('deadline', 'Deadline of the stage (по состоянию на).'),
        ('in_force', 'false while the stage awaits its normative acts.'),
        ('region_code', 'Region code.'),
        ('region_name', 'Region name.'),
        ('level', 'region or municipality.'),
        ('level_ru', 'Level in Russian.'),
        ('municipality_id', 'Municipality; NULL for the region row and for the regional bodies.'),
        ('municipality_name', 'Municipality name; «Региональный уровень» for the regional bodies.'),
        ('result_week', 'Monday of the week the stage is judged on: the last complete week whose Sunday is on or before the deadline, or the school week before it when that is a holiday week of the region.'),
        ('platform', 'The platform judged in the result week (monitored then), or any.'),
        ('numerator', 'Units counted in the result week; NULL when the result week is not stored or the cell is suppressed.'),
        ('denominator', 'Population of the group in the result week.'),
        ('share', 'min(numerator, denominator) / denominator in the result week.'),
        ('share_pct', 'share in per cent.'),
        ('comparison', '>= or > (strict).'),
        ('threshold', 'Threshold of the stage (the region''s baseline for a baseline stage).'),
        ('met', 'Whether the result week''s share meets the stage (exact).'),
        ('people_short', 'How many more people (same denominator) would have met the stage; NULL when met.'),
        ('status', 'deadline_met, deadline_missed or deadline_no_data once the deadline has passed (today in the region''s time zone); upcoming before it.'),
        ('status_ru', 'The status in Russian: «Срок истёк — выполнено», «Срок истёк — не выполнено», «Срок истёк — нет данных на срок», «Срок не наступил».'),
        ('days_left', 'Days from today (in the region''s time zone) to the deadline, for an upcoming stage.'),
        ('suppressed', 'true when the group is a small cell (fewer than min_cell people below the region level): its figures are withheld.')) c(name, comment) LOOP
        EXECUTE format('COMMENT ON COLUMN %I.live_stage_results.%I IS %L', views_schema, col.name, col.comment);
    END LOOP;
    -- stored at refresh time; the status and the days left follow today (in
    -- the region's time zone) when the view is read: a stage whose deadline
    -- passed since the refresh reads as its result (met IS NULL: the result
    -- week is not stored, or the cell is withheld)
    PERFORM @extschema@.stored_answer(views_schema, 'stage_results',
        't.region_code, t.indicator, t.stage, t.level DESC, t.municipality_name, t."position"', or_replace,
        jsonb_build_object('status', 'j.status', 'status_ru', 'sl.ru',
                           'days_left', $e$CASE WHEN j.status = 'upcoming' THEN t.deadline - d.today END$e$),
        @extschema@.render($j$
CROSS JOIN LATERAL (SELECT coalesce((SELECT (pg_catalog.now() AT TIME ZONE r.time_zone)::date FROM {{mart:I}}.region r
                                      WHERE r.region_code = t.region_code), CURRENT_DATE) AS today) d
CROSS JOIN LATERAL (SELECT CASE WHEN t.deadline >= d.today THEN 'upcoming'
                                WHEN t.met IS NULL THEN 'deadline_no_data'
                                WHEN t.met THEN 'deadline_met'
                                ELSE 'deadline_missed' END AS status) j
LEFT JOIN @extschema@.label sl ON sl.kind = 'stage_status' AND sl.code = j.status$j$,
            jsonb_build_object('mart', mart_schema)));
END
$fn$;
COMMENT ON FUNCTION @extschema@.build_answer_views(name, name, integer, boolean) IS
'Internal: write the views live_stage_results, stage_results, live_action_list and action_list (stage_results and action_list over the tables refresh_answers() fills from the live views; stored_answer) of a KPI view set (build_kpi_views runs it, after the quality views: live_action_list reads not_started); or_replace re-creates them in place (rebuild_views).';
