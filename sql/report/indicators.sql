--------------------------------------------------------------------------------
-- The weekly report: the indicators of the region.  report_dashboard: every
-- indicator with a target this week (value, count, stage, status in words,
-- people short, the week's change, 8 weeks); report_charts: a chart per
-- computed indicator over the school year with its holidays, stage, baseline
-- and forecast (report_chart_svg).
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.report_dashboard(ctx jsonb)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    views_schema name := ctx->>'views';
    mart name := ctx->>'mart';
    region_code text := ctx->>'region';
    week date := (ctx->>'week')::date;
    rows_html text;
    csv text;
    n bigint;
    not_in_force boolean;
BEGIN
    -- the rows of <views>.dashboard for this week: every indicator with a target
    -- (computed ones from the region level of the store on the monitored platform,
    -- milestones from the latest counts loaded by the week's Sunday), the target of
    -- the week, the previous week and the last 8 weeks
    EXECUTE @extschema@.render($q$
WITH ind AS (
    SELECT DISTINCT ON (t.indicator) t.indicator, t.kind, t.title_ru
    FROM @extschema@.target t
    WHERE t.kind = 'milestone' OR t.indicator IN (SELECT d.indicator FROM @extschema@.indicator_definition d)
    ORDER BY t.indicator, t.stage
), cur AS (
    SELECT i.indicator, i.kind, i.title_ru,
           CASE WHEN i.kind = 'milestone' OR NOT coalesce(d.per_platform, false) THEN 'any'
                ELSE @extschema@.monitored_platform($2) END AS platform
    FROM ind i LEFT JOIN @extschema@.indicator_definition d ON d.indicator = i.indicator
), val AS (
    SELECT c.*, s.numerator, s.denominator,
           CASE WHEN s.denominator > 0 THEN LEAST(s.numerator, s.denominator)::double precision / s.denominator END AS share,
           s.target_stage, s.target_deadline, s.target_comparison, s.target_threshold, s.target_met, s.target_due,
           s.target_in_force, s.short_by,
           (SELECT CASE WHEN p.denominator > 0 THEN LEAST(p.numerator, p.denominator)::double precision / p.denominator END
              FROM {{views:I}}.store p
             WHERE p.week_start = $2 - 7 AND p.indicator = c.indicator AND p.platform = c.platform
               AND p.level = 'region' AND p.region_code = $1) AS previous_share,
           (SELECT array_agg(CASE WHEN h.denominator > 0 THEN LEAST(h.numerator, h.denominator)::double precision / h.denominator END
                             ORDER BY g.k DESC)
              FROM generate_series(7, 0, -1) AS g(k)
              LEFT JOIN {{views:I}}.store h ON h.week_start = $2 - 7 * g.k AND h.indicator = c.indicator AND h.platform = c.platform
                                  AND h.level = 'region' AND h.region_code = $1) AS trend
    FROM cur c
    LEFT JOIN {{views:I}}.store s ON c.kind = 'computed' AND s.week_start = $2 AND s.indicator = c.indicator
                        AND s.platform = c.platform AND s.level = 'region' AND s.region_code = $1
), ms AS (
    SELECT v.indicator,
           (SELECT @extschema@.kpi_ratio(mp.done, mp.total) FROM {{mart:I}}.milestone_progress mp
             WHERE mp.region_code = $1 AND mp.indicator = v.indicator AND mp.reported_on <= $2 + 6
             ORDER BY mp.reported_on DESC LIMIT 1) AS value
    FROM val v WHERE v.kind = 'milestone'
), d AS (
    SELECT v.indicator, v.kind, v.title_ru, v.platform, v.trend,
           coalesce(v.numerator, @extschema@.numerator(ms.value)) AS numerator,
           coalesce(v.denominator, @extschema@.denominator(ms.value)) AS denominator,
           coalesce(v.share, @extschema@.share(ms.value)) AS share,
           v.share - v.previous_share AS change,
           coalesce(v.target_stage, st.stage) AS stage, coalesce(v.target_deadline, st.deadline) AS deadline,
           coalesce(v.target_comparison, st.comparison) AS comparison,
           coalesce(v.target_threshold, st.threshold) AS threshold,
           CASE WHEN v.kind = 'milestone' THEN st.met ELSE v.target_met END AS met,
           coalesce(v.target_due, st.due) AS due, coalesce(v.target_in_force, st.in_force) AS in_force,
           CASE WHEN v.kind = 'milestone' THEN st.short_by ELSE v.short_by END AS short_by,
           (SELECT t.rule FROM @extschema@.target t
             WHERE t.indicator = v.indicator AND t.stage = coalesce(v.target_stage, st.stage)
               AND (t.region_code = $1 OR t.region_code IS NULL)
             ORDER BY t.region_code NULLS LAST LIMIT 1) AS rule
    FROM val v
    LEFT JOIN ms ON ms.indicator = v.indicator
    LEFT JOIN LATERAL @extschema@.target_status(CASE WHEN v.kind = 'milestone' THEN v.indicator END, ms.value, $2, $1) st ON true
)
SELECT string_agg(format(
           '<tr data-indicator="%s"><td class="name">%s</td><td>%s</td>'
           '<td class="num value">%s</td><td class="num count">%s</td><td class="target">%s</td>'
           '<td class="status">%s</td><td class="num short">%s</td>'
           '<td class="num change %s">%s</td><td class="trend">%s</td></tr>',
           @extschema@.report_escape(d.indicator), @extschema@.report_escape((@extschema@.report_indicator_ru(d.indicator)).title),
           CASE d.platform WHEN 'vk' THEN 'VK Мессенджер' WHEN 'national' THEN 'Национальный мессенджер'
                           WHEN 'any' THEN '—' ELSE @extschema@.report_escape(d.platform) END,
           @extschema@.report_pct(d.share),
           CASE WHEN d.denominator IS NULL THEN '—'
                ELSE @extschema@.report_int(d.numerator) || ' / ' || @extschema@.report_int(d.denominator) END,
           CASE WHEN d.stage IS NULL THEN 'не задана'
                ELSE '<span class="goal">' || CASE d.comparison WHEN '>' THEN '&gt;' ELSE '≥' END || chr(160)
                     || CASE WHEN d.threshold IS NULL THEN 'базового уровня</span><div class="sub">базовый уровень ещё не известен</div>'
                             ELSE @extschema@.report_pct(d.threshold) || '</span>'
                                  || CASE WHEN d.rule = 'baseline_max' THEN '<div class="sub">базовый уровень</div>' ELSE '' END END
                     || '<div class="sub">к ' || to_char(d.deadline, 'DD.MM.YYYY') || ', этап ' || d.stage
                     || CASE WHEN d.in_force THEN '' ELSE ' *' END || '</div>' END,
           @extschema@.report_badge(CASE WHEN d.stage IS NULL THEN 'no_target' WHEN d.met IS NULL THEN 'unknown' WHEN d.met THEN 'met'
                                         WHEN d.due THEN 'missed' ELSE 'behind' END),
           CASE WHEN d.met OR d.short_by = 0 THEN '—' ELSE @extschema@.report_int(d.short_by) END,
           CASE WHEN d.change > 0.0005 THEN 'up' WHEN d.change < -0.0005 THEN 'down' ELSE '' END,
           @extschema@.report_pp(d.change),
           CASE WHEN d.kind = 'milestone' THEN '<span class="sub">отчёт</span>'
                ELSE @extschema@.report_sparkline(d.trend) END),
           '' ORDER BY d.kind, d.deadline DESC NULLS LAST, d.indicator),
       bool_or(NOT d.in_force),
       string_agg(@extschema@.report_csv_row((@extschema@.report_indicator_ru(d.indicator)).title,
                      CASE d.platform WHEN 'vk' THEN 'VK Мессенджер' WHEN 'national' THEN 'Национальный мессенджер' ELSE '' END,
                      @extschema@.report_csv_num(100 * d.share), d.numerator::text, d.denominator::text, d.stage::text,
                      to_char(d.deadline, 'DD.MM.YYYY'), @extschema@.report_csv_num(100 * d.threshold),
                      @extschema@.report_status_label(CASE WHEN d.stage IS NULL THEN 'no_target' WHEN d.met IS NULL THEN 'unknown' WHEN d.met THEN 'met'
                                                       WHEN d.due THEN 'missed' ELSE 'behind' END),
                      CASE WHEN d.met THEN '' ELSE d.short_by::text END, @extschema@.report_csv_num(100 * d.change)),
                  '' ORDER BY d.kind, d.deadline DESC NULLS LAST, d.indicator),
       count(*)
FROM d
$q$, jsonb_build_object('views', views_schema, 'mart', mart))
    INTO rows_html, not_in_force, csv, n USING region_code, week;

    RETURN '<div class="tw"><table class="dashboard"><thead><tr><th>Показатель</th><th>Платформа</th><th>Значение</th>'
        || '<th>Количество / всего</th><th>Цель</th><th>Статус</th><th>Не хватает</th>'
        || '<th>За неделю</th><th>8 недель</th></tr></thead><tbody>'
        || coalesce(rows_html, '<tr><td colspan="9">Нет показателей.</td></tr>') || '</tbody></table></div>'
        || @extschema@.report_csv_link('pokazateli-nedeli.csv', ARRAY['Показатель', 'Платформа', 'Значение, %', 'Количество', 'Всего', 'Этап',
                                       'Срок', 'Цель, %', 'Статус', 'Не хватает', 'За неделю, п. п.'], csv, coalesce(n, 0))
        || '<p class="note">Значение — доля на контролируемой платформе (количество выше «всего» считается как 100 %). '
        || '«Не хватает» — сколько ещё людей или организаций (при том же «всего») нужно для выполнения этапа. '
        || 'Цели 2023 года оцениваются по их последнему этапу; этапы дорожной карты 2025 года — по ближайшему сроку.'
        || CASE WHEN not_in_force THEN ' * — этап вступает в силу при наличии утверждённых нормативных правовых актов (оценивается справочно).' ELSE '' END
        || '</p>';
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_dashboard(jsonb) IS
'Internal (report_html): the dashboard section for a region and week: every indicator with a target (the rows of <views>.dashboard, for any stored week): value, count, target, status in words with its mark and colour (report_badge), a CSV download, short by, change since the previous week and an 8-week sparkline.';

CREATE FUNCTION @extschema@.report_charts(ctx jsonb)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    week date := (ctx->>'week')::date;
    sy integer := @extschema@.school_year((ctx->>'week')::date);
    first_week date := @extschema@.week_start(make_date(@extschema@.school_year((ctx->>'week')::date), 9, 1) + 6);
    r record;
    html text := '';
    caption text;
    description text;
    note text;
BEGIN
    FOR r IN EXECUTE @extschema@.render($q$
WITH fc AS (
    SELECT * FROM jsonb_to_recordset(coalesce($3, '[]'::jsonb)) AS f(indicator text, level text, platform text, deadline date, threshold double precision,
                   projected_share double precision, projected_low double precision, projected_high double precision,
                   needed_weekly_gain_pp double precision, verdict text, verdict_ru text)
    WHERE f.level = 'region'
), ind AS (
    SELECT d.indicator, (@extschema@.report_indicator_ru(d.indicator)).title AS title_ru,
           CASE WHEN NOT d.per_platform THEN 'any' ELSE @extschema@.monitored_platform($2) END AS platform,
           CASE WHEN EXISTS (SELECT 1 FROM @extschema@.target t WHERE t.indicator = d.indicator AND t.rule = 'baseline_max')
                THEN @extschema@.share(@extschema@.baseline(d.indicator, $1)) END AS baseline
    FROM @extschema@.indicator_definition d
), series AS (
    SELECT i.indicator,
           array_agg(w.week::date ORDER BY w.week) AS weeks,
           array_agg(s.share ORDER BY w.week) AS shares,
           array_agg(s.target_threshold ORDER BY w.week) AS thresholds,
           array_agg(CASE WHEN s.holiday THEN coalesce(s.holiday_kind_ru, 'Каникулы') END ORDER BY w.week) AS holidays
    FROM ind i
    CROSS JOIN generate_series($4::timestamp, $2::timestamp, interval '7 days') AS w(week)
    LEFT JOIN {{views:I}}.indicators s ON s.week_start = w.week::date AND s.indicator = i.indicator AND s.platform = i.platform
                        AND s.level = 'region' AND s.region_code = $1
    GROUP BY i.indicator
)
SELECT i.indicator, i.title_ru, i.platform, i.baseline, se.weeks, se.shares, se.thresholds, se.holidays,
       c.target_stage, c.target_deadline, c.target_comparison, c.target_threshold, c.target_in_force,
       f.deadline AS f_deadline, f.threshold AS f_threshold, f.projected_share, f.projected_low, f.projected_high,
       f.needed_weekly_gain_pp, f.verdict, f.verdict_ru
FROM ind i
JOIN series se ON se.indicator = i.indicator
LEFT JOIN {{views:I}}.indicators c ON c.week_start = $2 AND c.indicator = i.indicator AND c.platform = i.platform
                    AND c.level = 'region' AND c.region_code = $1
LEFT JOIN fc f ON f.indicator = i.indicator AND f.platform = i.platform
ORDER BY c.target_deadline DESC NULLS LAST, i.indicator
$q$, jsonb_build_object('views', ctx->>'views')) USING ctx->>'region', week, nullif(ctx->'forecast', 'null'::jsonb), first_week LOOP
        caption := r.title_ru || ' — ' || CASE r.platform WHEN 'vk' THEN 'VK Мессенджер' WHEN 'national' THEN 'национальный мессенджер'
                                                         ELSE 'все платформы' END;
        note := format('Неделя %s: <b>%s</b>. ', to_char(week, 'DD.MM.YYYY'), @extschema@.report_pct(r.shares[cardinality(r.shares)]));
        IF r.target_stage IS NOT NULL THEN
            note := note || format('Цель этапа %s к %s: %s %s%s. ', r.target_stage, to_char(r.target_deadline, 'DD.MM.YYYY'),
                                   CASE r.target_comparison WHEN '>' THEN '&gt;' ELSE '≥' END,
                                   CASE WHEN r.target_threshold IS NULL THEN 'базового уровня (нет данных)'
                                        ELSE @extschema@.report_pct(r.target_threshold) END,
                                   CASE WHEN r.target_in_force THEN '' ELSE ' *' END);
        END IF;
        IF r.verdict LIKE 'deadline%' THEN
            -- from the stage's result week on the verdict is its result, not a forecast
            r.projected_share := NULL;
            note := note || 'Итог этапа: ' || @extschema@.report_badge(r.verdict, r.verdict_ru) || '.';
        ELSIF r.f_deadline IS NOT NULL AND r.f_deadline > week AND r.projected_share IS NOT NULL THEN
            note := note || format('Прогноз на %s: <b>%s</b> (от %s до %s)%s. %s',
                                   to_char(r.f_deadline, 'DD.MM.YYYY'), @extschema@.report_pct(r.projected_share),
                                   @extschema@.report_pct(r.projected_low), @extschema@.report_pct(r.projected_high),
                                   CASE WHEN r.needed_weekly_gain_pp > 0
                                        THEN ', для цели нужно прибавлять ' || @extschema@.report_pp(r.needed_weekly_gain_pp / 100) || ' в неделю'
                                        ELSE '' END,
                                   @extschema@.report_badge(r.verdict, r.verdict_ru));
        ELSIF r.target_deadline IS NOT NULL AND r.target_deadline <= week + 6 THEN
            note := note || 'Срок этапа истёк: прогноз не строится.';
        END IF;
        description := format('Доля за каждую неделю с %s по %s: от %s до %s, на последней неделе %s.',
                              to_char(first_week, 'DD.MM.YYYY'), to_char(week, 'DD.MM.YYYY'),
                              @extschema@.report_pct((SELECT min(s) FROM unnest(r.shares) s)), @extschema@.report_pct((SELECT max(s) FROM unnest(r.shares) s)),
                              @extschema@.report_pct(r.shares[cardinality(r.shares)]))
            || CASE WHEN r.target_stage IS NOT NULL
                    THEN format(' Этап %s: %s к %s.', r.target_stage, coalesce(@extschema@.report_pct(r.target_threshold), 'базовый уровень'),
                                to_char(r.target_deadline, 'DD.MM.YYYY')) ELSE '' END
            || CASE WHEN r.baseline IS NOT NULL THEN format(' База (лучшая неделя 2024/2025 учебного года): %s.', @extschema@.report_pct(r.baseline)) ELSE '' END
            || CASE WHEN r.f_deadline > week AND r.projected_share IS NOT NULL
                    THEN format(' Прогноз на %s: %s (от %s до %s).', to_char(r.f_deadline, 'DD.MM.YYYY'), @extschema@.report_pct(r.projected_share),
                                @extschema@.report_pct(r.projected_low), @extschema@.report_pct(r.projected_high)) ELSE '' END
            || coalesce(' Каникулы: ' || (SELECT string_agg(DISTINCT h, ', ') FROM unnest(r.holidays) h) || '.', '');
        html := html || format('<figure class="chart" id="chart-%s" data-indicator="%s"><figcaption>%s</figcaption>%s<p class="chart-note">%s</p></figure>',
                               @extschema@.report_escape(r.indicator), @extschema@.report_escape(r.indicator),
                               @extschema@.report_escape(caption),
                               @extschema@.report_chart_svg(r.weeks, r.shares, r.thresholds, r.holidays, coalesce(r.f_deadline, r.target_deadline),
                                                            r.projected_share, r.projected_low, r.projected_high,
                                                            coalesce(r.f_threshold, r.target_threshold), r.baseline, caption, description),
                               note);
    END LOOP;
    RETURN '<p class="note">Доля за каждую неделю учебного года ' || sy || '/' || (sy + 1)
        || ' на контролируемой платформе, уровень региона; затенены каникулярные недели; линия этапа — порог каждой недели, продлённый до срока; '
        || 'прогноз — от текущей недели до срока этапа с диапазоном.</p><div class="charts">' || html || '</div>';
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_charts(jsonb) IS
'Internal (report_html): the charts section: one inline SVG chart per computed indicator (report_chart_svg) of the region''s weekly share on the monitored platform over the week''s school year (from <views>.indicators, with its holiday weeks), the stage of each week, the baseline of the stages judged against it, and the forecast of sferum_kpi.forecast to the stage''s deadline with its range; each with a text alternative.';
