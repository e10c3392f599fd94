--------------------------------------------------------------------------------
-- Forecasts and rankings over the weekly KPI store (1.4, issue 12).
--
-- <views>.forecast answers "at this pace, will we meet the stage?" for every
-- computed indicator of a region and of each of its municipalities (the
-- regional bodies as their own group), on the monitored platform, at the
-- latest complete week of the region; <views>.forecast_by_week is the same
-- forecast as it stood at every stored week, and forecast(views, week) reads
-- one week of it.
--
-- Model: ordinary least squares of the weekly share on the week index over the
-- last N school weeks (GUC sferum_kpi.forecast_weeks, default 8) up to and
-- including the week that have a share (not 0/0, not suppressed) and are not
-- holiday weeks of the region (1.5: a holiday week's figures never move a
-- forecast; in a holiday week the forecast stands on the school week before),
-- only weeks of the same school year: the monitored platform changes with the school year (vk up to
-- 2024/2025, national from 2025/2026), so a trend across 1 September would mix
-- two measurements.  A straight line over the last two months is what a region
-- can explain and check by hand; it is refitted every week.  The fit is
-- extended to the stage's result week (stage_result_week: the last complete
-- week whose Sunday is on or before the deadline); from that week on the
-- verdict is the stage's final result, never a forecast.  The range is the 80 % OLS
-- prediction interval of a single week's share there,
--   yhat +/- t(0.90; n-2) * s * sqrt(1 + 1/n + (x0 - mean x)^2 / Sxx),
-- s^2 = residual sum of squares / (n-2): it widens with the scatter, with few
-- weeks and with the distance to the deadline.  Every share and bound is
-- clamped to [0, 1].
--
-- <views>.rankings ranks the groups of each level (municipality, organisation,
-- org_kind) within their region per stored week, indicator and monitored
-- platform, with the change from the week before, the week's movers and a
-- red/amber/green judgement against the stage of the week.
--
-- Both read the store and the mart's names directly (not the indicators view)
-- and apply the same small-cell rule as indicators: rows below the region level
-- of indicators counting people with a denominator below min_cell have no share.
-- The views hold no extension types, so grant_reader's BI roles read them, and
-- forecast() reads only these views: it works for such a role too.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.build_forecast_views(mart_schema name, views_schema name, min_cell integer, or_replace boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v text := quote_ident(views_schema);
    create_view text;
    args jsonb;
    ranked_sql text;
    forecast_sql text;
    col record;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('mart_schema', mart_schema, 'views_schema', views_schema, 'min_cell', min_cell, 'or_replace', or_replace));
    IF min_cell < 0 THEN
        RAISE EXCEPTION 'min_cell must be >= 0 (got %)', min_cell USING ERRCODE = '22023';
    END IF;
    PERFORM @extschema@.require_schema(views_schema, 'KPI store', 'The forecast views are made by sferum_kpi.create_kpi_views(mart_schema, views_schema).',
                '{store,refresh_log}');
    create_view := @extschema@.create_view_sql(or_replace);

    -- The forecast at the weeks wk (week_start, region_code) that {{weeks:S}}
    -- yields: one lateral per week, region and indicator reads that
    -- indicator's region and municipality rows of the school year up to the
    -- week through the store's index, so a filter on the week or the
    -- indicator reads no other week or indicator.  Per group (g): the week's
    -- row (stage, threshold, share) and the regression aggregates over the
    -- last N weeks with a share (used); then the horizon (h), the line and
    -- the interval's half-width at it (e), the clamped projections (p) and
    -- the verdict (j).
    forecast_sql := $v$
{{create_view:S}} {{views:I}}.{{name:I}} AS
SELECT i.indicator, i.title_ru, g.level, wk.region_code, g.municipality_id,
       CASE WHEN g.level = 'municipality' AND g.municipality_id IS NULL THEN rb.ru ELSE mu.name END AS municipality_name,
       g.platform, wk.week_start, g.share, g.stage, g.deadline, g.threshold,
       p.projected_share, p.projected_low, p.projected_high,
       CASE WHEN NOT r.final AND g.share IS NOT NULL AND g.threshold IS NOT NULL AND NOT j.met
            THEN 100 * (g.threshold - g.share) / greatest(h.weeks_left, 1) END AS needed_weekly_gain_pp,
       j.verdict, vl.ru AS verdict_ru,
       g.comparison, g.in_force, g.weeks_used, h.weeks_left,
       CASE WHEN g.weeks_used >= 3 THEN 100 * g.slope END AS slope_pp_per_week, g.suppressed,
       g.basis_week, rwk.result_week, r.result_share, r.result_met
FROM ({{weeks:S}}) wk
-- the indicators of the build as a list: the planner then knows how many there
-- are (the catalog is rarely analyzed; a wrong guess makes it JIT-compile)
CROSS JOIN ({{indicators:S}}) iv(indicator)
JOIN @extschema@.indicator_definition i ON i.indicator = iv.indicator
CROSS JOIN LATERAL (
    SELECT s.platform, s.level, s.municipality_id,
           {{fit:S}},
           bool_or(s.suppressed) FILTER (WHERE s.week_start = wk.week_start) AS suppressed,
           -- the holiday weeks of the school year so far (the stage's result week moves off them)
           array_agg(s.week_start) FILTER (WHERE s.holiday) AS holiday_weeks
    -- used: one of the last N school weeks with a share (N read once per
    -- query); holiday weeks never count, whatever their figures
    FROM (SELECT t.*,
                 coalesce(t.y IS NOT NULL AND NOT t.holiday
                          AND row_number() OVER (PARTITION BY t.platform, t.level, t.municipality_id, t.y IS NULL OR t.holiday
                                                 ORDER BY t.week_start DESC) <= (SELECT @extschema@.forecast_weeks()),
                          false) AS used
          FROM (SELECT h.week_start, h.platform, h.level, h.municipality_id, h.target_stage, h.target_deadline,
                       h.target_threshold, h.target_comparison, h.target_in_force, h.target_met, x.suppressed, h.holiday,
                       CASE WHEN h.denominator > 0 AND NOT x.suppressed
                            THEN LEAST(h.numerator, h.denominator)::double precision / h.denominator END AS y,
                       ((h.week_start - wk.week_start) / 7)::double precision AS x
                FROM {{views:I}}.store h
                CROSS JOIN LATERAL (SELECT coalesce(i.unit = 'person' AND h.level <> 'region'
                                                    AND h.denominator < {{min_cell:L}}, false) AS suppressed) x
                WHERE h.indicator = i.indicator AND h.region_code = wk.region_code
                  AND h.level IN ('region', 'municipality')
                  AND h.week_start BETWEEN make_date(@extschema@.school_year(wk.week_start), 9, 1) AND wk.week_start
                  AND h.platform IN ('any', @extschema@.monitored_platform(wk.week_start))) t) s
    GROUP BY s.platform, s.level, s.municipality_id
    HAVING min(s.target_stage) FILTER (WHERE s.week_start = wk.week_start) IS NOT NULL
) g
-- The stage's result week (spec §5): the last complete week whose Sunday is
-- on or before the deadline, or the school week before it when that is a
-- holiday week; the stage's result is final from that week on, read from the
-- store's row of that week (judged against this stage), and is never a
-- forecast.  The horizon: whole weeks from this week to the result week.
CROSS JOIN LATERAL (
    SELECT CASE WHEN rw.nominal = ANY (g.holiday_weeks)
                THEN (SELECT max(w.d) FROM generate_series((rw.nominal - 7)::timestamp, (rw.nominal - 364)::timestamp,
                                                           interval '-7 days') AS w(d)
                       WHERE NOT (w.d::date = ANY (g.holiday_weeks)))::date
                ELSE rw.nominal END AS result_week
    FROM (SELECT @extschema@.stage_result_week(g.deadline) AS nominal) rw
) rwk
CROSS JOIN LATERAL (SELECT greatest(0, (rwk.result_week - wk.week_start) / 7) AS weeks_left) h
CROSS JOIN LATERAL (
    SELECT wk.week_start >= rwk.result_week AS final, rs.share AS result_share, rs.met AS result_met
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (
        SELECT CASE WHEN s.denominator > 0 AND NOT x.suppressed
                    THEN LEAST(s.numerator, s.denominator)::double precision / s.denominator END AS share,
               CASE WHEN NOT x.suppressed THEN ts.met END AS met
        FROM {{views:I}}.store s
        CROSS JOIN LATERAL (SELECT coalesce(i.unit = 'person' AND s.level <> 'region'
                                            AND s.denominator < {{min_cell:L}}, false) AS suppressed) x
        CROSS JOIN LATERAL @extschema@.target_status(i.indicator,
            @extschema@.kpi_ratio(LEAST(s.numerator, s.denominator), s.denominator), g.deadline, wk.region_code) ts
        WHERE wk.week_start >= rwk.result_week
          AND s.indicator = i.indicator AND s.level = g.level AND s.week_start = rwk.result_week
          AND s.region_code = wk.region_code AND s.municipality_id IS NOT DISTINCT FROM g.municipality_id
          AND s.platform = CASE WHEN i.per_platform THEN @extschema@.monitored_platform(rwk.result_week) ELSE 'any' END) rs ON true
) r
{{verdict:S}}
LEFT JOIN {{mart:I}}.municipality mu ON mu.municipality_id = g.municipality_id
LEFT JOIN @extschema@.label rb ON rb.kind = 'group' AND rb.code = 'regional_bodies'
LEFT JOIN @extschema@.label vl ON vl.kind = 'verdict' AND vl.code = j.verdict$v$;
    args := jsonb_build_object('create_view', create_view, 'views', views_schema, 'mart', mart_schema, 'min_cell', min_cell,
                               'fit', @extschema@.forecast_fit_sql('wk.week_start'), 'verdict', @extschema@.forecast_verdict_sql('wk.week_start'),
                               'indicators', coalesce((SELECT 'VALUES ' || string_agg(format('(%L)', d.indicator), ', ' ORDER BY d.indicator)
                                                         FROM @extschema@.indicator_definition d),
                                                      'SELECT NULL::text WHERE false'));
    -- every stored week of every region; stored by refresh_answers (the view
    -- forecast_by_week reads the table, forecast its latest complete weeks:
    -- below, after the comments stored_answer copies)
    EXECUTE @extschema@.render(forecast_sql, args || jsonb_build_object('name', 'live_forecast_by_week',
        'weeks', @extschema@.render('SELECT l.week_start, l.region_code FROM {{views:I}}.refresh_log l', args)));

    -- Rankings.  Per stored week (wk) one lateral reads the store rows of
    -- that week and the week before (on the week's monitored platform), ranks
    -- each week's groups by window functions partitioned by the week,
    -- indicator, platform, level and region, and takes the week before's share
    -- and rank with lag() over those two weeks only; the movers are ranked by
    -- a window partitioned by the week too.  So a filter on week_start,
    -- indicator and level is pushed down to the store's index and reads two
    -- weeks, never the others (a lag() over the whole store would read every
    -- week first).  A group is its key columns, NULLs included (window
    -- partitions treat NULLs as equal).
    -- one week's groups, ranked: share highest first, equal shares the same
    -- rank (1, 2, 2, 4); groups without a share are not ranked
    ranked_sql := $v$
        SELECT s.week_start, s.indicator, s.platform, s.level, s.region_code, s.municipality_id, s.org_kind, s.org_id,
               CASE WHEN NOT x.suppressed THEN s.numerator END AS numerator, s.denominator, x.share, x.suppressed,
               s.target_stage, s.target_comparison, s.target_threshold,
               CASE WHEN NOT x.suppressed THEN s.target_met END AS target_met,
               -- the regional bodies keep their row at the municipality level but
               -- are not ranked among the municipalities (1.5)
               CASE WHEN x.share IS NOT NULL AND NOT x.unranked
                    THEN rank() OVER (PARTITION BY s.week_start, s.indicator, s.platform, s.level, s.region_code,
                                                   x.share IS NULL OR x.unranked
                                      ORDER BY x.share DESC) END AS rank,
               count(x.share) FILTER (WHERE NOT x.unranked)
                   OVER (PARTITION BY s.week_start, s.indicator, s.platform, s.level, s.region_code) AS ranked,
               -- how many other ranked groups have the same share (a list cut at
               -- a rank cuts no tie when it shows them too)
               CASE WHEN x.share IS NOT NULL AND NOT x.unranked
                    THEN count(*) OVER (PARTITION BY s.week_start, s.indicator, s.platform, s.level, s.region_code,
                                                     x.unranked, x.share) - 1 END AS tied,
               x.unranked,
               -- the traffic light (rag(): green, amber, red, grey)
               @extschema@.rag(x.share, s.numerator, s.denominator, s.target_threshold, s.target_met) AS rag
        FROM {{views:I}}.store s
        LEFT JOIN @extschema@.indicator_definition sd ON sd.indicator = s.indicator
        CROSS JOIN LATERAL (
            SELECT coalesce(sd.unit = 'person' AND s.level <> 'region' AND s.denominator < {{min_cell:L}}, false) AS suppressed) x0
        CROSS JOIN LATERAL (
            SELECT x0.suppressed, s.level = 'municipality' AND s.municipality_id IS NULL AS unranked,
                   CASE WHEN s.denominator > 0 AND NOT x0.suppressed
                        THEN LEAST(s.numerator, s.denominator)::double precision / s.denominator END AS share) x$v$;
    EXECUTE @extschema@.render($v$
{{create_view:S}} {{views:I}}.rankings AS
SELECT r.indicator, d.title_ru, r.week_start, r.platform, r.level, lv.ru AS level_ru, r.region_code,
       r.municipality_id,
       CASE WHEN r.level IN ('municipality', 'organisation') AND r.municipality_id IS NULL THEN rb.ru
            ELSE mu.name END AS municipality_name,
       r.org_kind, k.ru AS org_kind_ru, r.org_id, og.name AS org_name,
       r.numerator, r.denominator, r.share, 100 * r.share AS share_pct, r.previous_share, r.change_pp,
       r.rank, r.ranked, r.previous_rank,
       CASE WHEN r.unranked THEN NULL
            WHEN r.change_pp > 0 AND r.rise <= 5 THEN 'top'
            WHEN r.change_pp < 0 AND r.fall <= 5 THEN 'bottom' END AS mover,
       r.rag, rg.ru AS rag_ru,
       r.suppressed, r.target_stage, r.target_comparison, r.target_threshold, r.target_met,
       r.tied
FROM (
    SELECT wk.week_start, c.indicator, c.platform, c.level, c.region_code, c.municipality_id, c.org_kind, c.org_id,
           c.numerator, c.denominator, c.share, c.suppressed, c.rank, c.ranked, c.rag, c.tied, c.unranked,
           c.target_stage, c.target_comparison, c.target_threshold, c.target_met,
           c.previous_share, c.previous_rank, c.change_pp,
           rank() OVER (PARTITION BY wk.week_start, c.indicator, c.platform, c.level, c.region_code,
                                     c.change_pp > 0 AND NOT c.unranked
                        ORDER BY c.change_pp DESC) AS rise,
           rank() OVER (PARTITION BY wk.week_start, c.indicator, c.platform, c.level, c.region_code,
                                     c.change_pp < 0 AND NOT c.unranked
                        ORDER BY c.change_pp) AS fall
    FROM (SELECT DISTINCT l.week_start FROM {{views:I}}.refresh_log l) wk
    CROSS JOIN LATERAL (
        SELECT t.*, 100 * (t.share - t.previous_share) AS change_pp
        FROM (SELECT w.*,
                     CASE WHEN lag(w.week_start) OVER g = w.week_start - 7 THEN lag(w.share) OVER g END AS previous_share,
                     CASE WHEN lag(w.week_start) OVER g = w.week_start - 7 THEN lag(w.rank) OVER g END AS previous_rank
              FROM ({{ranked:S}}
                    WHERE s.week_start IN (wk.week_start, wk.week_start - 7)
                      AND s.level IN ('municipality', 'organisation', 'org_kind')
                      AND s.platform IN ('any', @extschema@.monitored_platform(wk.week_start))) w
              -- the integer keys first: the sort then rarely compares text (at a large
              -- region's thousands of organisations the text comparisons were most of it)
              WINDOW g AS (PARTITION BY w.org_id, w.municipality_id, w.org_kind, w.indicator, w.platform, w.level,
                                        w.region_code ORDER BY w.week_start)) t
        WHERE t.week_start = wk.week_start) c
) r
LEFT JOIN @extschema@.indicator_definition d ON d.indicator = r.indicator
LEFT JOIN {{mart:I}}.municipality mu ON mu.municipality_id = r.municipality_id
LEFT JOIN {{mart:I}}.organisation og ON og.org_id = r.org_id
LEFT JOIN @extschema@.label lv ON lv.kind = 'level' AND lv.code = r.level
LEFT JOIN @extschema@.label k ON k.kind = 'org_kind' AND k.code = r.org_kind
LEFT JOIN @extschema@.label rb ON rb.kind = 'group' AND rb.code = 'regional_bodies'
LEFT JOIN @extschema@.label rg ON rg.kind = 'rag' AND rg.code = r.rag$v$,
        args || jsonb_build_object('ranked', @extschema@.render(ranked_sql, args)));

    EXECUTE format('COMMENT ON VIEW %s.live_forecast_by_week IS %L', v,
        'At this pace, will we meet the stage? The forecast as it stood at every stored week of every region (WHERE week_start = ... reads only that week''s school year up to it; sferum_kpi.forecast(views_schema, week) reads one week): every computed indicator for the region and each municipality (the regional bodies as their own group) with a target stage, on the monitored platform. Model: ordinary least squares of the weekly share on the week over the last sferum_kpi.forecast_weeks (default 8) school weeks with a share of the same school year (holiday weeks never count, whatever their figures), extended to the stage''s result week, with an 80 % prediction interval (t quantile, n-2 degrees of freedom); shares and bounds clamped to [0, 1]. Verdict: unknown (no threshold, no share or fewer than 3 weeks), met, on_track (projected_low meets the stage), at_risk (projected_share or projected_high does), off_track; from the stage''s result week on, the final result instead: deadline_met, deadline_missed or deadline_no_data (never off_track once the deadline has passed). Aggregates only.');
    EXECUTE format('COMMENT ON VIEW %s.rankings IS %L', v,
        'Who holds the region back, who moved: per stored week, indicator and monitored platform, the municipalities (regional bodies as their own group), organisations and organisation kinds of each region ranked by share (highest first, equal shares share a rank: rank(), 1, 2, 2, 4; tied says how many others share it; no share: unranked; the regional bodies keep their row but are not ranked among the municipalities), with the change from the week before, the 5 largest rises (top) and falls (bottom) of the week and level, and red/amber/green against the stage of the week (green meets it, amber at most 10 percentage points below, red further below, grey no share or no judgement). WHERE week_start = ... AND indicator = ... AND level = ... reads that week and the week before only. Aggregates only.');
    FOR col IN
        SELECT c.relname, a.attname, x.comment
        FROM pg_class c
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        JOIN (VALUES
            ('indicator', 'Indicator code (sferum_kpi.indicator_definition).'),
            ('title_ru', 'Indicator title in Russian.'),
            ('level', 'region, municipality, org_kind or organisation: which grouping the row is.'),
            ('level_ru', 'Level in Russian.'),
            ('region_code', 'Region code.'),
            ('municipality_id', 'Municipality; NULL for the regional bodies (their own group below the region).'),
            ('municipality_name', 'Municipality name; «Региональный уровень» for the regional bodies.'),
            ('org_kind', 'Organisation kind (org_kind and organisation levels).'),
            ('org_kind_ru', 'Organisation kind in Russian.'),
            ('org_id', 'Organisation id (organisation level).'),
            ('org_name', 'Organisation name (organisation level).'),
            ('platform', 'The monitored platform of the week (vk up to school year 2024/2025, national from 2025/2026), or any for indicators without a platform.'),
            ('week_start', 'Monday of the week (forecast: the latest complete week of the region).'),
            ('numerator', 'Units counted; NULL when suppressed.'),
            ('denominator', 'Population of the group.'),
            ('share', 'The week''s share, min(numerator, denominator) / denominator; NULL when the denominator is 0 or the cell is suppressed. In forecast: the share of the latest school week up to this week (basis_week; in a holiday week the school week before it).'),
            ('basis_week', 'The school week whose share the forecast stands on: this week, or in a holiday week the last school week before it.'),
            ('result_week', 'The week the stage is judged on (spec §5): the last complete week whose Sunday is on or before the deadline, or the school week before it when that is a holiday week.'),
            ('result_share', 'The share in the result week, once this week has reached it; NULL before (or without data, or suppressed).'),
            ('result_met', 'Whether the result week''s share meets the stage (exact, against this stage): the final result once this week has reached the result week.'),
            ('share_pct', 'share in per cent (0-100).'),
            ('stage', 'Target stage of the week (the earliest deadline on or after its Monday; the last stage after it).'),
            ('deadline', 'Deadline of that stage.'),
            ('threshold', 'Threshold of that stage (the baseline for baseline stages); NULL while the baseline is not judged.'),
            ('comparison', '>= or > (strict).'),
            ('in_force', 'false while the stage awaits its normative acts.'),
            ('projected_share', 'The least-squares line at the result week, clamped to [0, 1]; the share when the result week has come; NULL when the verdict is unknown for lack of a share or of 3 weeks.'),
            ('projected_low', 'Lower bound of the 80 % prediction interval at the deadline''s week (t quantile, n-2 degrees of freedom), clamped to [0, 1].'),
            ('projected_high', 'Upper bound of the 80 % prediction interval at the deadline''s week, clamped to [0, 1].'),
            ('needed_weekly_gain_pp', 'Percentage points per week still needed from the week''s share to reach the threshold by the deadline''s week: 100 * (threshold - share) / weeks_left (the whole gap when no week is left); NULL when met or unknown.'),
            ('verdict', 'Before the result week: unknown (threshold unknown, share NULL or fewer than 3 usable weeks), met (the share meets the stage), on_track (projected_low meets it), at_risk (projected_share or projected_high meets it), off_track (even projected_high does not). From the result week on, the final result: deadline_met, deadline_missed, deadline_no_data.'),
            ('verdict_ru', 'The verdict in Russian (sferum_kpi.label, kind verdict).'),
            ('weeks_used', 'School weeks the line was fitted to: those with a share, not holiday weeks, of the week''s school year, up to the week, at most sferum_kpi.forecast_weeks.'),
            ('weeks_left', 'Whole weeks from this week to the stage''s result week; 0 from the result week on.'),
            ('slope_pp_per_week', 'Slope of the fitted line, percentage points per week; NULL with fewer than 3 weeks.'),
            ('suppressed', 'true when the group is a small cell: fewer people than min_cell below the region level; its shares are withheld and the verdict is unknown.'),
            ('previous_share', 'Share of the same group and platform the week before.'),
            ('change_pp', 'share - previous_share, in percentage points.'),
            ('rank', 'Rank within the region, week, indicator, platform and level by share, highest first; equal shares share a rank (1, 2, 2, 4); NULL without a share.'),
            ('ranked', 'How many groups of that region, week, indicator, platform and level were ranked.'),
            ('previous_rank', 'The group''s rank the week before.'),
            ('mover', 'top: among the 5 largest rises (change_pp > 0) of the region, week, indicator and level; bottom: among the 5 largest falls; ties with the fifth count too; NULL otherwise (and for the regional bodies, never ranked among municipalities).'),
            ('tied', 'How many other ranked groups of the same region, week, indicator, platform and level have exactly this share (they share its rank); NULL when not ranked.'),
            ('rag', 'green: meets the stage; amber: below it by at most 10 percentage points; red: further below; grey: no share or no judgement (no target, baseline unknown).'),
            ('rag_ru', 'rag in Russian (sferum_kpi.label, kind rag).'),
            ('target_stage', 'Target stage of the week.'),
            ('target_comparison', '>= or > (strict).'),
            ('target_threshold', 'Threshold of the stage; NULL while unknown.'),
            ('target_met', 'Whether the share meets the stage; NULL when unknown or suppressed.')
        ) x(name, comment) ON x.name = a.attname
        WHERE c.relnamespace = to_regnamespace(v) AND c.relname IN ('live_forecast_by_week', 'rankings')
    LOOP
        EXECUTE format('COMMENT ON COLUMN %s.%I.%I IS %L', v, col.relname, col.attname, col.comment);
    END LOOP;

    -- forecast_by_week: the table refresh_answers fills, read in week order;
    -- forecast: its rows at the latest complete week of each region (spec §5)
    PERFORM @extschema@.stored_answer(views_schema, 'forecast_by_week', 't.week_start, t."position"', or_replace);
    -- over the table itself, not the view forecast_by_week: a view with ORDER BY
    -- is not flattened, and the planner would sort every stored week first
    EXECUTE @extschema@.render($v$
{{create_view:S}} {{views:I}}.forecast AS
SELECT {{cols:S}}
FROM (SELECT l.region_code, max(l.week_start) FILTER (WHERE l.complete) AS week_start
      FROM {{views:I}}.refresh_log l GROUP BY l.region_code) l
JOIN {{views:I}}.forecast_by_week_store f ON f.region_code = l.region_code AND f.week_start = l.week_start
ORDER BY f.week_start, f."position"$v$,
        args || jsonb_build_object('cols', (SELECT string_agg(format('f.%I', a.attname), ', ' ORDER BY a.attnum)
                                              FROM pg_attribute a
                                             WHERE a.attrelid = format('%s.forecast_by_week', v)::regclass
                                               AND a.attnum > 0 AND NOT a.attisdropped)));
    EXECUTE format('COMMENT ON VIEW %s.forecast IS %L', v,
        'At this pace, will we meet the stage? The rows of forecast_by_week (stored at refresh time) at the latest complete week of each region; ' ||
        substr(obj_description(format('%s.live_forecast_by_week', v)::regclass, 'pg_class'),
               strpos(obj_description(format('%s.live_forecast_by_week', v)::regclass, 'pg_class'), 'every computed')));
    FOR col IN SELECT a.attname, col_description(a.attrelid, a.attnum) AS d
                 FROM pg_attribute a
                WHERE a.attrelid = format('%s.forecast_by_week', v)::regclass AND a.attnum > 0 AND NOT a.attisdropped LOOP
        EXECUTE format('COMMENT ON COLUMN %s.forecast.%I IS %L', v, col.attname, col.d);
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION @extschema@.build_forecast_views(name, name, integer, boolean) IS
'Internal: write the views live_forecast_by_week (the computation), forecast_by_week (over the table refresh_answers fills from it; stored_answer), forecast (its latest complete weeks) and rankings of a KPI view set over its store (build_kpi_views); or_replace re-creates them in place (rebuild_views).';

CREATE FUNCTION @extschema@.forecast(views_schema name, week date DEFAULT NULL)
RETURNS TABLE (indicator text, title_ru text, level text, region_code text, municipality_id bigint,
               municipality_name text, platform text, week_start date, share double precision, stage integer,
               deadline date, threshold double precision, projected_share double precision,
               projected_low double precision, projected_high double precision,
               needed_weekly_gain_pp double precision, verdict text, verdict_ru text, comparison text,
               in_force boolean, weeks_used integer, weeks_left integer, slope_pp_per_week double precision,
               suppressed boolean)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    cols constant text := 'f.indicator, f.title_ru, f.level, f.region_code, f.municipality_id, f.municipality_name, '
                          'f.platform, f.week_start, f.share, f.stage, f.deadline, f.threshold, f.projected_share, '
                          'f.projected_low, f.projected_high, f.needed_weekly_gain_pp, f.verdict, f.verdict_ru, '
                          'f.comparison, f.in_force, f.weeks_used, f.weeks_left, f.slope_pp_per_week, f.suppressed';
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema), ARRAY[views_schema]);
    IF NOT isfinite(week) THEN
        RAISE EXCEPTION 'week must be a finite date (got %)', week USING ERRCODE = '22008';
    END IF;
    PERFORM @extschema@.require_schema(views_schema, 'forecast views',
                'Create the KPI views with sferum_kpi.create_kpi_views(mart_schema, views_schema), or run sferum_kpi.rebuild_views(views_schema) for views made before the forecasts.',
                '{forecast_by_week}');
    -- the views, not the store: a BI role that grant_reader let read them can
    -- call this.  The columns of 1.4 (the views have gained some since: a
    -- function's result type cannot change in an update without dropping it)
    IF week IS NULL THEN
        RETURN QUERY EXECUTE format('SELECT %s FROM %I.forecast f', cols, views_schema);
    ELSE
        RETURN QUERY EXECUTE format('SELECT %s FROM %I.forecast_by_week f WHERE f.week_start = $1', cols, views_schema)
            USING @extschema@.week_start(week);
    END IF;
END
$fn$;
COMMENT ON FUNCTION @extschema@.forecast(name, date) IS
'At this pace, will we meet the stage? The forecast of every computed indicator for each region and municipality of a KPI view set at the week containing `week` (NULL: the latest complete week of each region, i.e. the view <views>.forecast); one row per indicator and group with a target stage that week. Least squares over the last sferum_kpi.forecast_weeks weeks of the school year with a share, 80 % prediction interval at the deadline''s week, verdict unknown / met / on_track / at_risk / off_track.';
