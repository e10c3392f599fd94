--------------------------------------------------------------------------------
-- The forecast and the stage results of a national store (1.5): for every
-- region and for the country, the computed indicators with targets, read from
-- the national store alone.  The model of the regions' forecast views
-- (forecast.sql): least squares of the weekly share on the week over the last
-- forecast_weeks() school weeks with a share of the same school year up to the
-- latest complete week, extended to the stage's result week
-- (stage_result_week), the 80 % prediction interval, the verdict; from the
-- result week on the stage's final result.  Nationally the result week is the
-- nominal one (the regions' holidays differ; a region's own forecast view
-- moves it off its holiday weeks).
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.build_national_forecast_views(national_schema name, min_cell integer, or_replace boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    args jsonb;
    c record;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('national_schema', national_schema, 'min_cell', min_cell, 'or_replace', or_replace));
    args := jsonb_build_object('create_view', @extschema@.create_view_sql(or_replace),
                               'n', national_schema, 'country', 'Российская Федерация',
                               'fit', @extschema@.forecast_fit_sql('lw.week_start'), 'verdict', @extschema@.forecast_verdict_sql('lw.week_start'),
                               'target_applies', @extschema@.target_applies_sql('lw.region_code'));
    EXECUTE @extschema@.render($v$
{{create_view:S}} {{n:I}}.forecast AS
SELECT i.indicator, i.title_ru, g.level, lw.region_code, lw.region_name, g.platform, lw.week_start, g.share,
       g.stage, g.deadline, g.threshold, p.projected_share, p.projected_low, p.projected_high,
       CASE WHEN NOT r.final AND g.share IS NOT NULL AND g.threshold IS NOT NULL AND NOT j.met
            THEN 100 * (g.threshold - g.share) / greatest(h.weeks_left, 1) END AS needed_weekly_gain_pp,
       j.verdict, vl.ru AS verdict_ru, g.comparison, g.in_force, g.weeks_used, h.weeks_left,
       CASE WHEN g.weeks_used >= 3 THEN 100 * g.slope END AS slope_pp_per_week,
       g.basis_week, rw.result_week, r.result_share, r.result_met, lw.stale
FROM {{n:I}}.latest_weeks lw
CROSS JOIN (SELECT d.indicator, d.title_ru FROM @extschema@.indicator_definition d
            WHERE EXISTS (SELECT 1 FROM @extschema@.target t WHERE t.indicator = d.indicator AND t.kind = 'computed')) i
CROSS JOIN LATERAL (
    SELECT s.platform, s.level,
           {{fit:S}}
    FROM (SELECT t.*,
                 coalesce(t.y IS NOT NULL AND NOT t.holiday
                          AND row_number() OVER (PARTITION BY t.platform, t.y IS NULL OR t.holiday
                                                 ORDER BY t.week_start DESC) <= (SELECT @extschema@.forecast_weeks()),
                          false) AS used
          FROM (SELECT h.week_start, h.platform, h.level, h.target_stage, h.target_deadline, h.target_threshold,
                       h.target_comparison, h.target_in_force, h.target_met, h.holiday,
                       CASE WHEN h.denominator > 0 THEN LEAST(h.numerator, h.denominator)::double precision / h.denominator END AS y,
                       ((h.week_start - lw.week_start) / 7)::double precision AS x
                FROM {{n:I}}.store h
                WHERE coalesce(h.region_code, '') = lw.region_key AND h.indicator = i.indicator
                  AND h.level = CASE WHEN lw.region_code IS NULL THEN 'country' ELSE 'region' END
                  AND h.week_start BETWEEN make_date(@extschema@.school_year(lw.week_start), 9, 1) AND lw.week_start
                  AND h.platform IN ('any', @extschema@.monitored_platform(lw.week_start))) t) s
    GROUP BY s.platform, s.level
    HAVING min(s.target_stage) FILTER (WHERE s.week_start = lw.week_start) IS NOT NULL
) g
CROSS JOIN LATERAL (SELECT @extschema@.stage_result_week(g.deadline) AS result_week) rw
CROSS JOIN LATERAL (SELECT greatest(0, (rw.result_week - lw.week_start) / 7) AS weeks_left) h
CROSS JOIN LATERAL (
    SELECT lw.week_start >= rw.result_week AS final, rs.share AS result_share, rs.met AS result_met
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (
        -- judged as the region (or national_totals) stored it: the stage of the
        -- result week is this stage (its deadline is the first on or after that Monday)
        SELECT CASE WHEN s.denominator > 0 THEN LEAST(s.numerator, s.denominator)::double precision / s.denominator END AS share,
               CASE WHEN s.target_stage = g.stage THEN s.target_met END AS met
        FROM {{n:I}}.store s
        WHERE lw.week_start >= rw.result_week AND coalesce(s.region_code, '') = lw.region_key
          AND s.indicator = i.indicator AND s.level = g.level AND s.week_start = rw.result_week
          AND s.platform = CASE WHEN g.platform = 'any' THEN 'any' ELSE @extschema@.monitored_platform(rw.result_week) END) rs ON true
) r
{{verdict:S}}
LEFT JOIN @extschema@.label vl ON vl.kind = 'verdict' AND vl.code = j.verdict;

{{create_view:S}} {{n:I}}.stage_results AS
WITH st AS (
    SELECT lw.region_code, lw.region_key, lw.region_name, lw.stale,
           (pg_catalog.now() AT TIME ZONE 'Europe/Moscow')::date AS today,
           t.indicator, d.title_ru, d.per_platform, t.stage, t.deadline, t.in_force, t.comparison, t.threshold::double precision AS threshold,
           @extschema@.stage_result_week(t.deadline) AS result_week
    FROM {{n:I}}.latest_weeks lw
    JOIN @extschema@.target t ON t.kind = 'computed' AND {{target_applies:S}}
    JOIN @extschema@.indicator_definition d ON d.indicator = t.indicator
)
SELECT w.indicator, w.title_ru, w.stage, w.deadline, w.in_force, w.region_code, w.region_name,
       CASE WHEN w.region_code IS NULL THEN 'country' ELSE 'region' END AS level,
       w.result_week, g.platform, g.numerator, g.denominator,
       CASE WHEN g.denominator > 0 THEN LEAST(g.numerator, g.denominator)::double precision / g.denominator END AS share,
       CASE WHEN g.denominator > 0 THEN 100 * LEAST(g.numerator, g.denominator)::double precision / g.denominator END AS share_pct,
       w.comparison, CASE WHEN g.target_stage = w.stage THEN g.target_threshold ELSE w.threshold END AS threshold, t.met,
       CASE WHEN NOT t.met THEN t.short_by END AS people_short,
       j.status, sl.ru AS status_ru,
       CASE WHEN j.status = 'upcoming' THEN w.deadline - w.today END AS days_left,
       w.stale
FROM st w
LEFT JOIN {{n:I}}.store g
  ON coalesce(g.region_code, '') = w.region_key AND g.indicator = w.indicator AND g.week_start = w.result_week
 AND g.level = CASE WHEN w.region_code IS NULL THEN 'country' ELSE 'region' END
 AND g.platform = CASE WHEN w.per_platform THEN @extschema@.monitored_platform(w.result_week) ELSE 'any' END
-- judged as the region (the country: national_totals) stored the result week:
-- its stage is this one (the first deadline on or after that Monday); the
-- coordinator holds no region's baseline to judge it again
CROSS JOIN LATERAL (SELECT CASE WHEN g.target_stage = w.stage THEN g.target_met END AS met,
                           CASE WHEN g.target_stage = w.stage THEN g.short_by END AS short_by) t
CROSS JOIN LATERAL (
    SELECT CASE WHEN w.deadline >= w.today THEN 'upcoming'
                WHEN g.week_start IS NULL OR t.met IS NULL THEN 'deadline_no_data'
                WHEN t.met THEN 'deadline_met'
                ELSE 'deadline_missed' END AS status
) j
LEFT JOIN @extschema@.label sl ON sl.kind = 'stage_status' AND sl.code = j.status;
$v$, args);
    PERFORM @extschema@.comment_kpi_view(national_schema, 'forecast',
        'At this pace, will the stage be met? For every region and for the country, every computed indicator with targets at its latest complete week on the monitored platform: the share, the line over the last forecast_weeks() school weeks extended to the stage''s result week, the 80 % range and the verdict; from the result week on, the final result.');
    PERFORM @extschema@.comment_kpi_view(national_schema, 'stage_results',
        'Each stage''s result at its deadline for every region and for the country (the federal stage, judged on the sums): every stage of every computed indicator judged on its result week (the last complete week whose Sunday is on or before the deadline) on the platform monitored then, as the region stored that week (baseline stages against the region''s own baseline; the country has none); final once the deadline has passed, upcoming with the days left before.');
    FOR c IN SELECT * FROM (VALUES
        ('forecast', 'stale', 'true while the region (country: one of the regions) is stale, see pull_log.'),
        ('stage_results', 'stale', 'true while the region (country: one of the regions) is stale, see pull_log.'),
        ('stage_results', 'level', 'region, or country for the national total.')) AS x(view_name, column_name, what) LOOP
        EXECUTE format('COMMENT ON COLUMN %I.%I.%I IS %L', national_schema, c.view_name, c.column_name, c.what);
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION @extschema@.build_national_forecast_views(name, integer, boolean) IS
'Internal: write the views forecast and stage_results of a national store (build_national_views).';
