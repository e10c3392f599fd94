--------------------------------------------------------------------------------
-- The weekly report for the regional authority (issue 12): report_html(views,
-- region, week) writes ONE self-contained HTML5 page in Russian for a region
-- and week of the weekly KPI store: the dashboard with status colours, a chart
-- per computed indicator (inline SVG: the weekly share on the monitored
-- platform over the school year, the target line, the forecast to the stage's
-- deadline with its range), the forecast table, municipality rankings and
-- movers, the organisations that have not started or went quiet, and the data-
-- quality warnings.  No JavaScript, no external URL (fonts, CSS, images): the
-- page prints on A4 with a page break between sections.
--
-- Each section is its own function (report_dashboard, report_charts,
-- report_forecast, report_rankings, report_not_started, report_data_quality)
-- returning an HTML fragment; report_html checks its arguments, picks the week
-- and assembles the page.  Every text that comes from the data goes through
-- report_escape.  The sections read aggregates only: the region level of the
-- store, and the views that apply the small-cell rule (forecast, rankings,
-- not_started, data_quality).  A section whose view the views schema lacks (a
-- set built before it existed) says so and names the rebuild call.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.report_escape(value text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN replace(replace(replace(replace(replace(value, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;');
COMMENT ON FUNCTION @extschema@.report_escape(text) IS
'Internal (report_html): the text escaped for HTML text and attribute values (& < > " and '' as character references); NULL stays NULL.';

CREATE FUNCTION @extschema@.report_pct(share double precision)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN CASE WHEN share IS NULL OR share = 'NaN' OR NOT abs(share) < 1e5 THEN '—'
            ELSE replace(to_char(100 * share, 'FM9999990.0'), '.', ',') || chr(160) || '%' END;
COMMENT ON FUNCTION @extschema@.report_pct(double precision) IS
'Internal (report_html): a share (0.631) as Russian percent text with one decimal (63,1 %); NULL, NaN and values beyond ±100 000 (infinities): a dash.';

CREATE FUNCTION @extschema@.report_pp(change double precision)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN CASE WHEN change IS NULL OR change = 'NaN' OR NOT abs(change) < 1e5 THEN '—'
            WHEN round((100 * change)::numeric, 1) = 0 THEN '0,0' || chr(160) || 'п.п.'
            WHEN change > 0 THEN '+' || replace(to_char(100 * change, 'FM9999990.0'), '.', ',') || chr(160) || 'п.п.'
            ELSE chr(8722) || replace(to_char(-100 * change, 'FM9999990.0'), '.', ',') || chr(160) || 'п.п.' END;
COMMENT ON FUNCTION @extschema@.report_pp(double precision) IS
'Internal (report_html): a change of a share (0.004) in percentage points with its sign (+0,4 п.п., −1,2 п.п.); NULL, NaN and values beyond ±100 000: a dash.';

CREATE FUNCTION @extschema@.report_int(value bigint)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN CASE WHEN value IS NULL THEN '—'
            ELSE replace(to_char(value, 'FM9,999,999,999,999,999,990'), ',', chr(160)) END;
COMMENT ON FUNCTION @extschema@.report_int(bigint) IS
'Internal (report_html): a count with its thousands separated by no-break spaces (12 345); NULL: a dash.';

CREATE FUNCTION @extschema@.report_chart_svg(weeks date[], shares double precision[], thresholds double precision[],
                                             deadline date, projected double precision, projected_low double precision,
                                             projected_high double precision, deadline_threshold double precision,
                                             caption text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    -- the drawing: a 560 x 270 view box, the plot between these edges
    width  constant integer := 560;
    height constant integer := 270;
    pl constant double precision := 52;
    pr constant double precision := 548;
    pt constant double precision := 14;
    pb constant double precision := 214;
    months constant text[] := ARRAY['янв', 'фев', 'мар', 'апр', 'май', 'июн', 'июл', 'авг', 'сен', 'окт', 'ноя', 'дек'];
    n integer := coalesce(cardinality(weeks), 0);
    x0 date;
    x1 date;
    span double precision;
    svg text := '';
    seg text := '';
    dots text := '';
    path text := '';
    i integer;
    t double precision;
    prev_t double precision;
    m date;
    nmonths integer;
    k integer := 0;
    labelled_year integer;
    last_week date;
    last_share double precision;
    has_forecast boolean;
BEGIN
    IF n = 0 THEN
        RETURN '<p class="empty">Нет недель для графика.</p>';
    END IF;
    IF cardinality(shares) IS DISTINCT FROM n OR cardinality(thresholds) IS DISTINCT FROM n THEN
        RAISE EXCEPTION 'weeks, shares and thresholds must have the same length (% weeks)', n USING ERRCODE = '2202E';
    END IF;
    last_week := weeks[n];
    last_share := shares[n];
    has_forecast := deadline IS NOT NULL AND deadline > last_week AND projected IS NOT NULL;
    x0 := weeks[1];
    x1 := greatest(last_week, CASE WHEN deadline > last_week THEN deadline END, x0 + 28);
    span := x1 - x0;

    svg := format('<svg class="chart" viewBox="0 0 %s %s" role="img" aria-label="%s" font-size="11">',
                  width, height, @extschema@.report_escape(caption));
    svg := svg || format('<title>%s</title>', @extschema@.report_escape(caption));
    -- the y axis: 0-100 %, a grid line every 25 %
    FOR i IN 0..4 LOOP
        t := pb - (pb - pt) * i / 4.0;
        svg := svg || format('<line class="grid" x1="%s" y1="%s" x2="%s" y2="%s"/><text class="ylab" x="%s" y="%s" text-anchor="end">%s%s%%</text>',
                             pl, round(t::numeric, 1), pr, round(t::numeric, 1), pl - 6, round((t + 4)::numeric, 1), 25 * i, chr(160));
    END LOOP;
    -- the x axis: a tick on the first of each month, the year under January and under the first tick
    nmonths := (extract(year FROM age(date_trunc('month', x1), date_trunc('month', x0))) * 12
                + extract(month FROM age(date_trunc('month', x1), date_trunc('month', x0))))::integer;
    m := (date_trunc('month', x0) + CASE WHEN extract(day FROM x0) = 1 THEN interval '0' ELSE interval '1 month' END)::date;
    WHILE m <= x1 LOOP
        t := pl + (pr - pl) * (m - x0) / span;
        svg := svg || format('<line class="tick" x1="%s" y1="%s" x2="%s" y2="%s"/>', round(t::numeric, 1), pb, round(t::numeric, 1), pb + 4);
        IF nmonths <= 12 OR k % 2 = 0 THEN
            -- the year under the first labelled month of each year
            svg := svg || format('<text class="xlab" x="%s" y="%s" text-anchor="middle">%s%s</text>',
                                 round(t::numeric, 1), pb + 16, months[extract(month FROM m)::integer],
                                 CASE WHEN labelled_year IS DISTINCT FROM extract(year FROM m)::integer
                                      THEN format('<tspan x="%s" dy="12">%s</tspan>', round(t::numeric, 1), extract(year FROM m))
                                      ELSE '' END);
            labelled_year := extract(year FROM m)::integer;
        END IF;
        k := k + 1;
        m := (m + interval '1 month')::date;
    END LOOP;
    svg := svg || format('<line class="axis" x1="%s" y1="%s" x2="%s" y2="%s"/>', pl, pb, pr, pb);

    -- the deadline of the stage, when it lies ahead
    IF deadline IS NOT NULL AND deadline > last_week THEN
        t := pl + (pr - pl) * (deadline - x0) / span;
        svg := svg || format('<line class="deadline" x1="%s" y1="%s" x2="%s" y2="%s"/>', round(t::numeric, 1), pt, round(t::numeric, 1), pb);
    END IF;

    -- the target: a step line through the thresholds of the weeks, held to the deadline
    prev_t := NULL;
    FOR i IN 1..n LOOP
        t := thresholds[i];
        IF t IS NULL THEN
            prev_t := NULL;
            CONTINUE;
        END IF;
        t := least(greatest(t, 0), 1);
        IF prev_t IS NULL THEN
            path := path || format('M%s %s', round((pl + (pr - pl) * (weeks[i] - x0) / span)::numeric, 1), round((pb - (pb - pt) * t)::numeric, 1));
        ELSIF t <> prev_t THEN
            path := path || format('V%s', round((pb - (pb - pt) * t)::numeric, 1));
        END IF;
        path := path || format('H%s', round((pl + (pr - pl) * (CASE WHEN i < n THEN weeks[i + 1] ELSE last_week END - x0) / span)::numeric, 1));
        prev_t := t;
    END LOOP;
    IF deadline IS NOT NULL AND deadline > last_week THEN
        t := least(greatest(coalesce(deadline_threshold, thresholds[n]), 0), 1);
        IF t IS NOT NULL THEN
            IF prev_t IS NULL THEN
                path := path || format('M%s %s', round((pl + (pr - pl) * (last_week - x0) / span)::numeric, 1), round((pb - (pb - pt) * t)::numeric, 1));
            ELSIF t <> prev_t THEN
                path := path || format('V%s', round((pb - (pb - pt) * t)::numeric, 1));
            END IF;
            path := path || format('H%s', round((pl + (pr - pl) * (deadline - x0) / span)::numeric, 1));
        END IF;
    END IF;
    IF path <> '' THEN
        svg := svg || format('<path class="target" d="%s"/>', path);
    END IF;

    -- the forecast: the range as a band from this week's share to the deadline, the projection dashed
    IF has_forecast THEN
        svg := svg || format('<polygon class="band" points="%s,%s %s,%s %s,%s"/>',
                             round((pl + (pr - pl) * (last_week - x0) / span)::numeric, 1),
                             round((pb - (pb - pt) * least(greatest(coalesce(last_share, projected), 0), 1))::numeric, 1),
                             round((pl + (pr - pl) * (deadline - x0) / span)::numeric, 1),
                             round((pb - (pb - pt) * least(greatest(coalesce(projected_high, projected), 0), 1))::numeric, 1),
                             round((pl + (pr - pl) * (deadline - x0) / span)::numeric, 1),
                             round((pb - (pb - pt) * least(greatest(coalesce(projected_low, projected), 0), 1))::numeric, 1));
        svg := svg || format('<line class="projection" x1="%s" y1="%s" x2="%s" y2="%s"/><circle class="projected" cx="%s" cy="%s" r="3.5"/>',
                             round((pl + (pr - pl) * (last_week - x0) / span)::numeric, 1),
                             round((pb - (pb - pt) * least(greatest(coalesce(last_share, projected), 0), 1))::numeric, 1),
                             round((pl + (pr - pl) * (deadline - x0) / span)::numeric, 1),
                             round((pb - (pb - pt) * least(greatest(projected, 0), 1))::numeric, 1),
                             round((pl + (pr - pl) * (deadline - x0) / span)::numeric, 1),
                             round((pb - (pb - pt) * least(greatest(projected, 0), 1))::numeric, 1));
    END IF;

    -- the weekly share: a line broken where a week has no value, a dot per week
    FOR i IN 1..n LOOP
        IF shares[i] IS NULL THEN
            IF seg <> '' THEN
                svg := svg || format('<polyline class="share" points="%s"/>', btrim(seg));
                seg := '';
            END IF;
            CONTINUE;
        END IF;
        seg := seg || format(' %s,%s', round((pl + (pr - pl) * (weeks[i] - x0) / span)::numeric, 1),
                             round((pb - (pb - pt) * least(greatest(shares[i], 0), 1))::numeric, 1));
        dots := dots || format('<circle class="dot" cx="%s" cy="%s" r="2.2"/>', round((pl + (pr - pl) * (weeks[i] - x0) / span)::numeric, 1),
                               round((pb - (pb - pt) * least(greatest(shares[i], 0), 1))::numeric, 1));
    END LOOP;
    IF seg <> '' THEN
        svg := svg || format('<polyline class="share" points="%s"/>', btrim(seg));
    END IF;
    svg := svg || dots;

    -- the legend, one row under the axis at fixed places (its labels never overlap)
    svg := svg || format('<g class="legend" transform="translate(%s %s)">', pl, height - 10)
               || '<line class="share" x1="0" y1="-4" x2="18" y2="-4"/><text x="22" y="0">Доля за неделю</text>'
               || CASE WHEN path <> '' THEN '<line class="target-key" x1="128" y1="-4" x2="146" y2="-4"/><text x="150" y="0">Цель</text>' ELSE '' END
               || CASE WHEN has_forecast THEN '<rect class="band" x="196" y="-9" width="18" height="10"/><line class="projection" x1="196" y1="-4" x2="214" y2="-4"/><text x="218" y="0">Прогноз и диапазон</text>' ELSE '' END
               || CASE WHEN deadline > last_week THEN '<line class="deadline" x1="350" y1="-10" x2="350" y2="2"/><text x="356" y="0">Срок этапа</text>' ELSE '' END
               || '</g></svg>';
    RETURN svg;
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_chart_svg(date[], double precision[], double precision[], date, double precision, double precision, double precision, double precision, text) IS
'Internal (report_html): one inline SVG chart, 0-100 %: the weekly shares (NULL breaks the line) over their weeks, the target thresholds as a step line held to the deadline, the forecast from the last week to the deadline (projected share dashed, low-high range as a band), month ticks in Russian and a legend. No script, no external reference.';

CREATE FUNCTION @extschema@.report_dashboard(views_schema name, region_code text, week date)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v text := quote_ident(views_schema);
    mart name;
    rows_html text;
    not_in_force boolean;
BEGIN
    SELECT s.mart_schema INTO mart FROM @extschema@.view_set s WHERE s.schema_name = views_schema AND s.kind = 'kpi';
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
           '<tr data-indicator="%s"><td class="name">%s<div class="code">%s</div></td><td>%s</td>'
           '<td class="num value">%s</td><td class="num count">%s</td><td class="target">%s</td>'
           '<td class="status"><span class="st st-%s">%s</span>%s</td><td class="num short">%s</td>'
           '<td class="num change %s">%s</td><td class="trend">%s</td></tr>',
           @extschema@.report_escape(d.indicator), @extschema@.report_escape(d.title_ru), @extschema@.report_escape(d.indicator),
           CASE d.platform WHEN 'vk' THEN 'VK Мессенджер' WHEN 'national' THEN 'Национальный мессенджер'
                           WHEN 'any' THEN '—' ELSE @extschema@.report_escape(d.platform) END,
           @extschema@.report_pct(d.share),
           CASE WHEN d.denominator IS NULL THEN '—'
                ELSE @extschema@.report_int(d.numerator) || ' из ' || @extschema@.report_int(d.denominator) END,
           CASE WHEN d.stage IS NULL THEN 'не задана'
                ELSE '<span class="goal">' || CASE d.comparison WHEN '>' THEN '&gt;' ELSE '≥' END || chr(160)
                     || CASE WHEN d.threshold IS NULL THEN 'базового уровня</span><div class="sub">базовый уровень ещё не известен</div>'
                             ELSE @extschema@.report_pct(d.threshold) || '</span>'
                                  || CASE WHEN d.rule = 'baseline_max' THEN '<div class="sub">базовый уровень</div>' ELSE '' END END
                     || '<div class="sub">к ' || to_char(d.deadline, 'DD.MM.YYYY') || ', этап ' || d.stage
                     || CASE WHEN d.in_force THEN '' ELSE ' *' END || '</div>' END,
           CASE WHEN d.stage IS NULL THEN 'grey' WHEN d.met IS NULL THEN 'grey' WHEN d.met THEN 'green'
                WHEN d.due THEN 'red' ELSE 'amber' END,
           CASE WHEN d.stage IS NULL THEN 'Цель не задана' WHEN d.met IS NULL THEN 'Нет данных'
                WHEN d.met THEN 'Выполнено' WHEN d.due THEN 'Не выполнено'
                ELSE 'Не выполнено' END,
           CASE WHEN d.stage IS NOT NULL AND d.met IS NOT NULL AND NOT d.met AND NOT d.due
                THEN '<div class="sub">срок не наступил</div>' ELSE '' END,
           CASE WHEN d.met OR d.short_by = 0 THEN '—' ELSE @extschema@.report_int(d.short_by) END,
           CASE WHEN d.change > 0.0005 THEN 'up' WHEN d.change < -0.0005 THEN 'down' ELSE '' END,
           @extschema@.report_pp(d.change),
           CASE WHEN d.kind = 'milestone' THEN '<span class="sub">отчёт</span>'
                ELSE @extschema@.report_sparkline(d.trend) END),
           '' ORDER BY d.kind, d.deadline DESC NULLS LAST, d.indicator),
       bool_or(NOT d.in_force)
FROM d
$q$, jsonb_build_object('views', views_schema, 'mart', mart))
    INTO rows_html, not_in_force USING region_code, week;

    RETURN '<table class="dashboard"><thead><tr><th>Показатель</th><th>Платформа</th><th>Значение</th>'
        || '<th>Числитель из знаменателя</th><th>Цель</th><th>Статус</th><th>Не хватает</th>'
        || '<th>За неделю</th><th>8 недель</th></tr></thead><tbody>'
        || coalesce(rows_html, '<tr><td colspan="9">Нет показателей.</td></tr>') || '</tbody></table>'
        || '<p class="note">Значение — доля на контролируемой платформе (числитель выше знаменателя считается как 100 %). '
        || '«Не хватает» — сколько ещё людей или организаций (при том же знаменателе) нужно для выполнения этапа. '
        || 'Цели 2023 года оцениваются по их последнему этапу; этапы дорожной карты 2025 года — по ближайшему сроку.'
        || CASE WHEN not_in_force THEN ' * — этап вступает в силу при наличии утверждённых нормативных правовых актов (оценивается справочно).' ELSE '' END
        || '</p>';
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_dashboard(name, text, date) IS
'Internal (report_html): the dashboard section for a region and week: every indicator with a target (the rows of <views>.dashboard, for any stored week): value, count, target, status coloured (green met, red missed and due, amber missed before the deadline, grey unknown), short by, change since the previous week and an 8-week sparkline.';

CREATE FUNCTION @extschema@.report_sparkline(shares double precision[])
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    n integer := coalesce(cardinality(shares), 0);
    pts text := '';
    i integer;
    lo double precision;
    hi double precision;
    x double precision;
    y double precision;
BEGIN
    SELECT min(s), max(s) INTO lo, hi FROM unnest(shares) s;
    IF lo IS NULL THEN
        RETURN '<span class="sub">нет данных</span>';
    END IF;
    -- the range of the 8 weeks, at least 2 percentage points, so that a flat series looks flat
    IF hi - lo < 0.02 THEN
        lo := greatest(0, (lo + hi) / 2 - 0.01);
        hi := lo + 0.02;
    END IF;
    FOR i IN 1..n LOOP
        CONTINUE WHEN shares[i] IS NULL;
        x := 2 + 76 * (i - 1) / greatest(n - 1, 1)::double precision;
        y := 20 - 16 * (shares[i] - lo) / (hi - lo);
        pts := pts || format(' %s,%s', round(x::numeric, 1), round(y::numeric, 1));
    END LOOP;
    RETURN format('<svg class="spark" viewBox="0 0 80 24" width="80" height="24" aria-hidden="true"><polyline points="%s"/><circle cx="%s" cy="%s" r="2"/></svg>',
                  btrim(pts), split_part(split_part(btrim(pts), ' ', -1), ',', 1), split_part(split_part(btrim(pts), ' ', -1), ',', 2));
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_sparkline(double precision[]) IS
'Internal (report_html): a small inline SVG line of the shares of the last weeks (oldest first; NULL weeks skipped), scaled to their own range, the last week dotted.';

CREATE FUNCTION @extschema@.report_main_indicators(region_code text, week date)
RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT coalesce(
        (SELECT array_agg(d.indicator ORDER BY d.indicator) FROM @extschema@.indicator_definition d
          WHERE EXISTS (SELECT 1 FROM @extschema@.target t
                         WHERE t.indicator = d.indicator AND (t.region_code = report_main_indicators.region_code OR t.region_code IS NULL)
                           AND t.deadline >= make_date(@extschema@.school_year(report_main_indicators.week), 9, 1))),
        (SELECT array_agg(d.indicator ORDER BY d.indicator) FROM @extschema@.indicator_definition d));
END;
COMMENT ON FUNCTION @extschema@.report_main_indicators(text, date) IS
'Internal (report_html): the main indicators of a week, ranked and forecast by municipality in the report: the computed indicators with a target stage whose deadline falls in the week''s school year or later (the 2025 roadmap''s indicators 1-4 for 2024/2025 and 2025/2026); every computed indicator when none has.';

CREATE FUNCTION @extschema@.report_verdict_class(verdict text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN CASE verdict WHEN 'met' THEN 'green' WHEN 'on_track' THEN 'green' WHEN 'at_risk' THEN 'amber'
                    WHEN 'off_track' THEN 'red' WHEN 'green' THEN 'green' WHEN 'amber' THEN 'amber' WHEN 'red' THEN 'red'
                    WHEN 'error' THEN 'red' WHEN 'warning' THEN 'amber' WHEN 'not_started' THEN 'red' WHEN 'gone_quiet' THEN 'amber'
                    ELSE 'grey' END;
COMMENT ON FUNCTION @extschema@.report_verdict_class(text) IS
'Internal (report_html): the status colour (green, amber, red, grey) of a forecast verdict (met, on_track, at_risk, off_track), a ranking''s rag, a data-quality severity or a not-started status.';

CREATE FUNCTION @extschema@.report_missing(views_schema name, relation text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN format('<p class="missing">Раздел недоступен: в схеме %s нет представления %s. Пересоздайте представления: '
              '<code>SELECT * FROM sferum_kpi.rebuild_views(%s);</code></p>',
              @extschema@.report_escape(quote_ident(views_schema)), @extschema@.report_escape(relation),
              @extschema@.report_escape(quote_literal(views_schema)));
COMMENT ON FUNCTION @extschema@.report_missing(name, text) IS
'Internal (report_html): the notice a section shows when the views schema lacks the view it reads (a set built before that view existed), with the rebuild call.';

CREATE FUNCTION @extschema@.report_has_forecast(views_schema name)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN to_regprocedure('@extschema@.forecast(name, date)') IS NOT NULL
       AND to_regclass(quote_ident(views_schema) || '.forecast') IS NOT NULL;
COMMENT ON FUNCTION @extschema@.report_has_forecast(name) IS
'Internal (report_html): whether sferum_kpi.forecast(views_schema, week) can forecast this views schema (the function exists and the schema has its forecast view).';

CREATE FUNCTION @extschema@.report_rows(views_schema name, relation text, region_code text, week date)
RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v text := quote_ident(views_schema);
    monitored text := @extschema@.monitored_platform(week);
    rows jsonb;
BEGIN
    -- read once per page: several sections and the summary use the same rows
    IF relation = 'forecast' THEN
        IF NOT @extschema@.report_has_forecast(views_schema) THEN
            RETURN NULL;
        END IF;
        SELECT jsonb_agg(to_jsonb(f)) INTO rows FROM @extschema@.forecast(views_schema, week) f
         WHERE f.region_code = report_rows.region_code AND (f.platform = 'any' OR f.platform = monitored);
    ELSIF relation = 'not_started' THEN
        IF to_regclass(v || '.not_started') IS NULL THEN
            RETURN NULL;
        END IF;
        EXECUTE format('SELECT jsonb_agg(to_jsonb(n)) FROM %s.not_started n WHERE n.week_start = $2 AND n.region_code = $1', v)
           INTO rows USING region_code, week;
    ELSIF relation = 'data_quality' THEN
        IF to_regclass(v || '.data_quality') IS NULL THEN
            RETURN NULL;
        END IF;
        -- the findings of the region and those of the whole mart (no region)
        EXECUTE format('SELECT jsonb_agg(to_jsonb(q)) FROM %s.data_quality q WHERE q.region_code IS NULL OR q.region_code = $1', v)
           INTO rows USING region_code;
    ELSE
        RAISE EXCEPTION 'report_rows: unknown relation "%"', relation USING ERRCODE = '22023';
    END IF;
    RETURN coalesce(rows, '[]'::jsonb);
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_rows(name, text, text, date) IS
'Internal (report_html): the rows a page reads more than once, as a jsonb array, read once: relation forecast (sferum_kpi.forecast of the week for the region on the monitored platform), not_started (the region''s week) or data_quality (findings of the region and of the whole mart); NULL when the views schema lacks the source.';

CREATE FUNCTION @extschema@.report_charts(views_schema name, region_code text, week date, forecast jsonb)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v text := quote_ident(views_schema);
    first_week date := @extschema@.week_start(make_date(@extschema@.school_year(week), 9, 1) + 6);
    r record;
    html text := '';
    caption text;
    note text;
BEGIN
    FOR r IN EXECUTE @extschema@.render($q$
WITH fc AS (
    SELECT * FROM jsonb_to_recordset(coalesce($3, '[]'::jsonb)) AS f(indicator text, title_ru text, level text, region_code text, municipality_id bigint, municipality_name text,
                   platform text, week_start date, share double precision, stage integer, deadline date, threshold double precision,
                   projected_share double precision, projected_low double precision, projected_high double precision,
                   needed_weekly_gain_pp double precision, verdict text, verdict_ru text)
    WHERE f.level = 'region'
), ind AS (
    SELECT d.indicator, d.title_ru,
           CASE WHEN NOT d.per_platform THEN 'any' ELSE @extschema@.monitored_platform($2) END AS platform
    FROM @extschema@.indicator_definition d
), series AS (
    SELECT i.indicator,
           array_agg(w.week::date ORDER BY w.week) AS weeks,
           array_agg(CASE WHEN s.denominator > 0 THEN LEAST(s.numerator, s.denominator)::double precision / s.denominator END
                     ORDER BY w.week) AS shares,
           array_agg(s.target_threshold ORDER BY w.week) AS thresholds
    FROM ind i
    CROSS JOIN generate_series($4::timestamp, $2::timestamp, interval '7 days') AS w(week)
    LEFT JOIN {{views:I}}.store s ON s.week_start = w.week::date AND s.indicator = i.indicator AND s.platform = i.platform
                        AND s.level = 'region' AND s.region_code = $1
    GROUP BY i.indicator
)
SELECT i.indicator, i.title_ru, i.platform, se.weeks, se.shares, se.thresholds,
       c.target_stage, c.target_deadline, c.target_comparison, c.target_threshold, c.target_in_force,
       f.deadline AS f_deadline, f.threshold AS f_threshold, f.projected_share, f.projected_low, f.projected_high,
       f.needed_weekly_gain_pp, f.verdict, f.verdict_ru
FROM ind i
JOIN series se ON se.indicator = i.indicator
LEFT JOIN {{views:I}}.store c ON c.week_start = $2 AND c.indicator = i.indicator AND c.platform = i.platform
                    AND c.level = 'region' AND c.region_code = $1
LEFT JOIN fc f ON f.indicator = i.indicator AND f.platform = i.platform
ORDER BY c.target_deadline DESC NULLS LAST, i.indicator
$q$, jsonb_build_object('views', views_schema)) USING region_code, week, forecast, first_week LOOP
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
        IF r.f_deadline IS NOT NULL AND r.f_deadline > week AND r.projected_share IS NOT NULL THEN
            note := note || format('Прогноз на %s: <b>%s</b> (от %s до %s)%s. <span class="st st-%s">%s</span>',
                                   to_char(r.f_deadline, 'DD.MM.YYYY'), @extschema@.report_pct(r.projected_share),
                                   @extschema@.report_pct(r.projected_low), @extschema@.report_pct(r.projected_high),
                                   CASE WHEN r.needed_weekly_gain_pp > 0
                                        THEN ', для цели нужно прибавлять ' || @extschema@.report_pp(r.needed_weekly_gain_pp / 100) || ' в неделю'
                                        ELSE '' END,
                                   @extschema@.report_verdict_class(r.verdict), @extschema@.report_escape(r.verdict_ru));
        ELSIF r.verdict IS NOT NULL THEN
            note := note || format('Прогноз не строится (срок этапа прошёл или нет данных). <span class="st st-%s">%s</span>',
                                   @extschema@.report_verdict_class(r.verdict), @extschema@.report_escape(r.verdict_ru));
        ELSIF r.target_deadline IS NOT NULL AND r.target_deadline <= week THEN
            note := note || 'Срок этапа прошёл: прогноз не строится.';
        END IF;
        html := html || format('<figure class="chart" id="chart-%s" data-indicator="%s"><figcaption>%s</figcaption>%s<p class="chart-note">%s</p></figure>',
                               @extschema@.report_escape(r.indicator), @extschema@.report_escape(r.indicator),
                               @extschema@.report_escape(caption),
                               @extschema@.report_chart_svg(r.weeks, r.shares, r.thresholds, coalesce(r.f_deadline, r.target_deadline),
                                                            r.projected_share, r.projected_low, r.projected_high,
                                                            coalesce(r.f_threshold, r.target_threshold), caption),
                               note);
    END LOOP;
    RETURN '<p class="note">Доля за каждую неделю учебного года ' || @extschema@.school_year(week) || '/' || (@extschema@.school_year(week) + 1)
        || ' на контролируемой платформе, уровень региона; линия цели — порог этапа каждой недели, продлённый до срока; '
        || 'прогноз — от текущей недели до срока этапа с диапазоном.</p><div class="charts">' || html || '</div>';
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_charts(name, text, date, jsonb) IS
'Internal (report_html): the charts section: one inline SVG chart per computed indicator (report_chart_svg) of the region''s weekly share on the monitored platform over the week''s school year, the target of each week, and the forecast of sferum_kpi.forecast to the stage''s deadline with its range.';

CREATE FUNCTION @extschema@.report_forecast(views_schema name, region_code text, week date, forecast jsonb)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    main text[] := @extschema@.report_main_indicators(region_code, week);
    region_rows text;
    head text;
    muni_rows text;
BEGIN
    IF forecast IS NULL THEN
        RETURN @extschema@.report_missing(views_schema, 'forecast');
    END IF;
    WITH f AS MATERIALIZED (
        SELECT * FROM jsonb_to_recordset(forecast) AS f0(indicator text, title_ru text, level text, region_code text, municipality_id bigint, municipality_name text,
                   platform text, week_start date, share double precision, stage integer, deadline date, threshold double precision,
                   projected_share double precision, projected_low double precision, projected_high double precision,
                   needed_weekly_gain_pp double precision, verdict text, verdict_ru text)
    )
    SELECT
        (SELECT string_agg(format(
                   '<tr data-indicator="%s"><td class="name">%s</td><td class="num">%s</td><td class="target">%s</td>'
                   '<td class="num projected">%s</td><td class="num">%s</td><td class="num">%s</td><td><span class="st st-%s">%s</span></td></tr>',
                   @extschema@.report_escape(r.indicator), @extschema@.report_escape(r.title_ru), @extschema@.report_pct(r.share),
                   CASE WHEN r.deadline IS NULL THEN '—'
                        ELSE @extschema@.report_pct(r.threshold) || ' к ' || to_char(r.deadline, 'DD.MM.YYYY')
                             || coalesce('<div class="sub">этап ' || r.stage || '</div>', '') END,
                   CASE WHEN r.deadline <= week THEN 'срок прошёл' ELSE @extschema@.report_pct(r.projected_share) END,
                   CASE WHEN r.deadline <= week OR (r.projected_low IS NULL AND r.projected_high IS NULL) THEN '—'
                        ELSE @extschema@.report_pct(r.projected_low) || ' – ' || @extschema@.report_pct(r.projected_high) END,
                   CASE WHEN r.needed_weekly_gain_pp IS NULL OR r.deadline <= week THEN '—'
                        ELSE replace(to_char(r.needed_weekly_gain_pp, 'FM999990.00'), '.', ',') || chr(160) || 'п.п.' END,
                   @extschema@.report_verdict_class(r.verdict), @extschema@.report_escape(coalesce(r.verdict_ru, r.verdict))),
                   '' ORDER BY r.deadline DESC NULLS LAST, r.indicator)
           FROM f r WHERE r.level = 'region'),
        (SELECT string_agg(format('<th>%s</th>', @extschema@.report_escape(d.title_ru)), '' ORDER BY d.indicator)
           FROM @extschema@.indicator_definition d WHERE d.indicator = ANY (main)),
        -- the municipalities: one row each, a column per main indicator
        (SELECT string_agg(format('<tr><td class="name">%s</td>%s</tr>', @extschema@.report_escape(coalesce(g.municipality_name, '—')), g.cells),
                           '' ORDER BY g.municipality_id IS NULL, g.municipality_name)
           FROM (SELECT mu.municipality_id, mu.municipality_name,
                        string_agg(CASE WHEN r.indicator IS NULL THEN '<td class="num">—</td>'
                                        ELSE format('<td class="num"><span class="st st-%s" title="%s">%s</span><div class="sub">сейчас %s</div></td>',
                                                    @extschema@.report_verdict_class(r.verdict), @extschema@.report_escape(coalesce(r.verdict_ru, r.verdict)),
                                                    @extschema@.report_pct(r.projected_share), @extschema@.report_pct(r.share)) END,
                                   '' ORDER BY i.indicator) AS cells
                   FROM (SELECT DISTINCT ON (m0.municipality_id) m0.municipality_id, m0.municipality_name FROM f m0
                          WHERE m0.level = 'municipality' ORDER BY m0.municipality_id) mu
                   CROSS JOIN unnest(main) AS i(indicator)
                   LEFT JOIN f r ON r.level = 'municipality' AND r.municipality_id IS NOT DISTINCT FROM mu.municipality_id
                                AND r.indicator = i.indicator
                  GROUP BY mu.municipality_id, mu.municipality_name) g)
      INTO region_rows, head, muni_rows;
    RETURN '<h3>Регион</h3><table class="forecast"><thead><tr><th>Показатель</th><th>Сейчас</th><th>Цель к сроку</th>'
        || '<th>Прогноз к сроку</th><th>Диапазон</th><th>Нужный прирост в неделю</th><th>Оценка</th></tr></thead><tbody>'
        || coalesce(region_rows, '<tr><td colspan="7">Нет прогнозов за эту неделю.</td></tr>') || '</tbody></table>'
        || '<p class="note">Прогноз продолжает темп последних недель до срока этапа; диапазон — разброс этого темпа. '
        || '«Нужный прирост» — сколько процентных пунктов в неделю нужно прибавлять, чтобы выйти на цель к сроку.</p>'
        || '<h3>Муниципалитеты: прогноз к сроку по основным показателям</h3>'
        || CASE WHEN muni_rows IS NULL THEN '<p>Нет прогнозов по муниципалитетам.</p>'
                ELSE '<table class="forecast-muni"><thead><tr><th>Муниципалитет</th>' || coalesce(head, '') || '</tr></thead><tbody>'
                     || muni_rows || '</tbody></table>' END;
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_forecast(name, text, date, jsonb) IS
'Internal (report_html): the forecast section: sferum_kpi.forecast(views_schema, week) for the region (share, target, projected share at the stage''s deadline with its range, the weekly gain needed, the verdict coloured) and a table of its municipalities by main indicator.';

CREATE FUNCTION @extschema@.report_rankings(views_schema name, region_code text, week date)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v text := quote_ident(views_schema);
    main text[] := @extschema@.report_main_indicators(region_code, week);
    monitored text := @extschema@.monitored_platform(week);
    r record;
    html text := '';
    -- a table of municipalities longer than this shows its best and worst only
    whole constant integer := 12;
    part constant integer := 5;
    orgs constant integer := 10;
    movers constant integer := 5;
    -- a mover: name (municipality of an organisation): share a week ago -> now (change)
    mover_line constant text := $l$format('<li>%s%s: %s → %s (%s)</li>', @extschema@.report_escape(coalesce(k.org_name, k.municipality_name)),
                          CASE WHEN k.level = 'organisation' THEN ' <span class="sub">(' || @extschema@.report_escape(k.municipality_name) || ')</span>' ELSE '' END,
                          @extschema@.report_pct(k.previous_share), @extschema@.report_pct(k.share), @extschema@.report_pp(k.change_pp / 100))$l$;
    row_fmt constant text := '<tr data-group="%s"><td class="num">%s</td><td class="name">%s</td><td class="num">%s</td><td class="num change %s">%s</td><td><span class="st st-%s">%s</span></td></tr>';
BEGIN
    IF to_regclass(v || '.rankings') IS NULL THEN
        RETURN @extschema@.report_missing(views_schema, 'rankings');
    END IF;
    FOR r IN EXECUTE @extschema@.render($q$
WITH k AS MATERIALIZED (
    SELECT k0.*, CASE WHEN k0.change_pp > 0.05 THEN 'up' WHEN k0.change_pp < -0.05 THEN 'down' ELSE '' END AS dir
    FROM {{views:I}}.rankings k0
    WHERE k0.week_start = $2 AND k0.region_code = $1 AND k0.indicator = ANY ($3)
      AND (k0.platform = 'any' OR k0.platform = $4) AND k0.level IN ('municipality', 'organisation')
)
SELECT d.indicator, d.title_ru,
       (SELECT count(*) FROM k WHERE k.indicator = d.indicator AND k.level = 'municipality' AND k.rank IS NOT NULL) AS n_muni,
       (SELECT count(*) FROM k WHERE k.indicator = d.indicator AND k.level = 'municipality' AND k.rank IS NULL) AS n_muni_unranked,
       (SELECT count(*) FROM k WHERE k.indicator = d.indicator AND k.level = 'organisation' AND k.rank IS NOT NULL) AS n_org,
       (SELECT count(*) FROM k WHERE k.indicator = d.indicator AND k.level = 'organisation' AND k.rank IS NULL) AS n_org_unranked,
       (SELECT string_agg(format($8, coalesce(k.municipality_id::text, 'regional'), k.rank, @extschema@.report_escape(k.municipality_name), @extschema@.report_pct(k.share),
                                 k.dir, @extschema@.report_pp(k.change_pp / 100), @extschema@.report_verdict_class(k.rag),
                                 @extschema@.report_escape(coalesce(nullif(split_part(k.rag_ru, ': ', 2), ''), k.rag_ru, k.rag))), '' ORDER BY k.rank, k.municipality_name)
          FROM k WHERE k.indicator = d.indicator AND k.level = 'municipality' AND k.rank IS NOT NULL) AS muni_all,
       (SELECT string_agg(x.line, '' ORDER BY x.rank, x.municipality_name) FROM (
            SELECT k.rank, k.municipality_name,
                   format($8, coalesce(k.municipality_id::text, 'regional'), k.rank, @extschema@.report_escape(k.municipality_name), @extschema@.report_pct(k.share),
                          k.dir, @extschema@.report_pp(k.change_pp / 100), @extschema@.report_verdict_class(k.rag),
                          @extschema@.report_escape(coalesce(nullif(split_part(k.rag_ru, ': ', 2), ''), k.rag_ru, k.rag))) AS line
              FROM k WHERE k.indicator = d.indicator AND k.level = 'municipality' AND k.rank IS NOT NULL
             ORDER BY k.rank, k.municipality_name LIMIT $5) x) AS muni_best,
       (SELECT string_agg(x.line, '' ORDER BY x.rank, x.municipality_name) FROM (
            SELECT k.rank, k.municipality_name,
                   format($8, coalesce(k.municipality_id::text, 'regional'), k.rank, @extschema@.report_escape(k.municipality_name), @extschema@.report_pct(k.share),
                          k.dir, @extschema@.report_pp(k.change_pp / 100), @extschema@.report_verdict_class(k.rag),
                          @extschema@.report_escape(coalesce(nullif(split_part(k.rag_ru, ': ', 2), ''), k.rag_ru, k.rag))) AS line
              FROM k WHERE k.indicator = d.indicator AND k.level = 'municipality' AND k.rank IS NOT NULL
             ORDER BY k.rank DESC, k.municipality_name DESC LIMIT $5) x) AS muni_worst,
       (SELECT string_agg(x.line, '' ORDER BY x.rank DESC, x.org_name) FROM (
            SELECT k.rank, k.org_name,
                   format('<tr><td class="num">%s</td><td class="name">%s<div class="sub">%s</div></td><td>%s</td><td class="num">%s</td><td class="num change %s">%s</td><td><span class="st st-%s">%s</span></td></tr>',
                          k.rank, @extschema@.report_escape(k.org_name), @extschema@.report_escape(k.org_kind_ru),
                          @extschema@.report_escape(k.municipality_name), @extschema@.report_pct(k.share),
                          k.dir, @extschema@.report_pp(k.change_pp / 100), @extschema@.report_verdict_class(k.rag),
                          @extschema@.report_escape(coalesce(nullif(split_part(k.rag_ru, ': ', 2), ''), k.rag_ru, k.rag))) AS line
              FROM k WHERE k.indicator = d.indicator AND k.level = 'organisation' AND k.rank IS NOT NULL AND k.rag IS DISTINCT FROM 'green'
             ORDER BY k.rank DESC, k.org_name LIMIT $6) x) AS org_worst,
       (SELECT count(*) FROM k WHERE k.indicator = d.indicator AND k.level = 'organisation' AND k.rank IS NOT NULL
                                 AND k.rag IS DISTINCT FROM 'green') AS n_org_behind,
       (SELECT string_agg(x.line, '' ORDER BY x.level, x.change_pp DESC, x.name) FROM (
            SELECT k.level, k.change_pp, coalesce(k.org_name, k.municipality_name) AS name, {{mover_line:S}} AS line,
                   row_number() OVER (PARTITION BY k.level ORDER BY k.change_pp DESC, k.rank) AS n
              FROM k WHERE k.indicator = d.indicator AND k.mover = 'top') x
         WHERE x.n <= $7) AS rises,
       (SELECT string_agg(x.line, '' ORDER BY x.level, x.change_pp, x.name) FROM (
            SELECT k.level, k.change_pp, coalesce(k.org_name, k.municipality_name) AS name, {{mover_line:S}} AS line,
                   row_number() OVER (PARTITION BY k.level ORDER BY k.change_pp, k.rank) AS n
              FROM k WHERE k.indicator = d.indicator AND k.mover = 'bottom') x
         WHERE x.n <= $7) AS falls
FROM @extschema@.indicator_definition d
WHERE d.indicator = ANY ($3)
ORDER BY array_position($3, d.indicator)
$q$, jsonb_build_object('views', views_schema, 'mover_line', mover_line)) USING region_code, week, main, monitored, part, orgs, movers, row_fmt LOOP
        html := html || format('<div class="ranking" data-indicator="%s"><h3>%s</h3>', @extschema@.report_escape(r.indicator), @extschema@.report_escape(r.title_ru));
        IF r.n_muni = 0 THEN
            html := html || '<p>Нет ранжированных муниципалитетов за эту неделю.</p>';
        ELSIF r.n_muni <= whole THEN
            html := html || '<table class="rank"><thead><tr><th>Место</th><th>Муниципалитет</th><th>Доля</th><th>За неделю</th><th>Статус</th></tr></thead><tbody>'
                         || r.muni_all || '</tbody></table>';
        ELSE
            html := html || format('<div class="pair"><div><h4>Лучшие %s</h4>', part)
                         || '<table class="rank"><thead><tr><th>Место</th><th>Муниципалитет</th><th>Доля</th><th>За неделю</th><th>Статус</th></tr></thead><tbody>'
                         || r.muni_best || format('</tbody></table></div><div><h4>Худшие %s</h4>', part)
                         || '<table class="rank"><thead><tr><th>Место</th><th>Муниципалитет</th><th>Доля</th><th>За неделю</th><th>Статус</th></tr></thead><tbody>'
                         || r.muni_worst || format('</tbody></table></div></div><p class="note">Всего ранжировано муниципалитетов: %s.</p>', r.n_muni);
        END IF;
        IF r.n_muni_unranked > 0 THEN
            html := html || format('<p class="note">Не ранжированы (нет данных или скрыты как малые группы): %s.</p>', r.n_muni_unranked);
        END IF;
        html := html || format('<div class="pair movers"><div><h4>Рост за неделю</h4>%s</div><div><h4>Падение за неделю</h4>%s</div></div>',
                               coalesce('<ul class="up">' || r.rises || '</ul>', '<p>Нет.</p>'),
                               coalesce('<ul class="down">' || r.falls || '</ul>', '<p>Нет.</p>'));
        IF r.n_org_behind = 0 AND r.n_org > 0 THEN
            html := html || format('<p class="ok">Все %s ранжированных организаций выполняют цель.</p>', r.n_org);
        ELSIF r.n_org > 0 THEN
            html := html || format('<h4>Отстающие организации: %s с наименьшим значением из %s не выполняющих цель (ранжировано %s)</h4>',
                                   least(orgs, r.n_org_behind), r.n_org_behind, r.n_org)
                         || '<table class="rank"><thead><tr><th>Место</th><th>Организация</th><th>Муниципалитет</th><th>Доля</th><th>За неделю</th><th>Статус</th></tr></thead><tbody>'
                         || r.org_worst || '</tbody></table>';
        END IF;
        html := html || '</div>';
    END LOOP;
    RETURN '<p class="note">Места по доле на контролируемой платформе за неделю (1 — лучшее); «За неделю» — изменение доли с прошлой недели. '
        || 'Группы меньше порога малых групп и группы без данных не ранжируются.</p>'
        || CASE WHEN html = '' THEN '<p>Нет основных показателей.</p>' ELSE html END;
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_rankings(name, text, date) IS
'Internal (report_html): the rankings section: for each main indicator, the municipalities of <views>.rankings by rank (best and worst when there are many), the week''s movers up and down, and the organisations with the lowest share; small cells are not ranked.';

CREATE FUNCTION @extschema@.report_plural(n bigint, one text, few text, many text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN CASE WHEN n % 10 = 1 AND n % 100 <> 11 THEN one
            WHEN n % 10 BETWEEN 2 AND 4 AND n % 100 NOT BETWEEN 12 AND 14 THEN few
            ELSE many END;
COMMENT ON FUNCTION @extschema@.report_plural(bigint, text, text, text) IS
'Internal (report_html): the Russian plural form for a count n: one (1, 21, 101 организация), few (2-4, 22-24 организации) or many (0, 5-20, 25 организаций).';

CREATE FUNCTION @extschema@.report_not_started(views_schema name, not_started jsonb, max_rows integer DEFAULT 40)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    summary text;
    by_muni text;
    list text;
    total bigint;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('max_rows', max_rows));
    IF max_rows < 0 THEN
        RAISE EXCEPTION 'max_rows must be 0 or more (got %)', max_rows USING ERRCODE = '22023';
    END IF;
    IF not_started IS NULL THEN
        RETURN @extschema@.report_missing(views_schema, 'not_started');
    END IF;
    EXECUTE $q$
WITH n AS MATERIALIZED (
    SELECT * FROM jsonb_to_recordset($1) AS n0(week_start date, region_code text, municipality_id bigint, municipality_name text,
                                              org_id bigint, org_name text, org_kind text, org_kind_ru text, status text,
                                              status_ru text, people bigint, last_active_week date, silent_weeks integer)
)
SELECT
    (SELECT string_agg(format('<tr data-status="%s"><td><span class="st st-%s">%s</span></td><td class="num orgs">%s</td><td class="num">%s</td></tr>',
                              @extschema@.report_escape(s.status), @extschema@.report_verdict_class(s.status),
                              @extschema@.report_escape(s.status_ru), @extschema@.report_int(s.orgs), @extschema@.report_int(s.people)),
                       '' ORDER BY s.status DESC)
       FROM (SELECT n.status, min(n.status_ru) AS status_ru, count(*) AS orgs, sum(n.people)::bigint AS people
               FROM n GROUP BY n.status) s),
    (SELECT string_agg(format('<tr class="ns-muni"><td class="name">%s</td><td class="num">%s</td><td class="num">%s</td></tr>',
                              @extschema@.report_escape(coalesce(g.municipality_name, '—')), @extschema@.report_int(g.not_started),
                              @extschema@.report_int(g.gone_quiet)),
                       '' ORDER BY g.not_started + g.gone_quiet DESC, g.municipality_name)
       FROM (SELECT n.municipality_name, count(*) FILTER (WHERE n.status = 'not_started') AS not_started,
                    count(*) FILTER (WHERE n.status = 'gone_quiet') AS gone_quiet
               FROM n GROUP BY n.municipality_name) g),
    (SELECT string_agg(format('<tr class="ns-org"><td class="name">%s</td><td>%s</td><td>%s</td><td><span class="st st-%s">%s</span></td><td class="num">%s</td><td>%s</td><td class="num">%s</td></tr>',
                              @extschema@.report_escape(l.org_name), @extschema@.report_escape(coalesce(l.org_kind_ru, l.org_kind)),
                              @extschema@.report_escape(coalesce(l.municipality_name, '—')),
                              @extschema@.report_verdict_class(l.status), @extschema@.report_escape(l.status_ru),
                              @extschema@.report_int(l.people),
                              coalesce(to_char(l.last_active_week, 'DD.MM.YYYY'), 'никогда'),
                              coalesce(l.silent_weeks::text, '—')),
                       '' ORDER BY l.status DESC, l.people DESC NULLS LAST, l.org_name, l.org_id)
       FROM (SELECT n.* FROM n ORDER BY n.status DESC, n.people DESC NULLS LAST, n.org_name, n.org_id LIMIT $2) l),
    (SELECT count(*) FROM n)
$q$ INTO summary, by_muni, list, total USING not_started, max_rows;
    IF total = 0 THEN
        RETURN '<p class="ok">Все организации в охвате показателей начали работу и активны.</p>';
    END IF;
    RETURN '<table class="ns-summary"><thead><tr><th>Статус</th><th>Организаций</th><th>Людей в них</th></tr></thead><tbody>'
        || coalesce(summary, '') || '</tbody></table>'
        || '<h3>По муниципалитетам</h3><table class="ns-muni"><thead><tr><th>Муниципалитет</th><th>Не начали</th><th>Затихли</th></tr></thead><tbody>'
        || coalesce(by_muni, '') || '</tbody></table>'
        || '<h3>Список организаций</h3><table class="ns-list"><thead><tr><th>Организация</th><th>Тип</th><th>Муниципалитет</th><th>Статус</th>'
        || '<th>Людей</th><th>Последняя активная неделя</th><th>Недель без активности</th></tr></thead><tbody>'
        || coalesce(list, '') || '</tbody></table>'
        || CASE WHEN total > max_rows
                THEN format('<p class="more">и ещё %s %s</p>', @extschema@.report_int(total - max_rows),
                            @extschema@.report_plural(total - max_rows, 'организация', 'организации', 'организаций'))
                ELSE '' END;
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_not_started(name, jsonb, integer) IS
'Internal (report_html): the not-started section: the organisations of <views>.not_started for the region and week (not started at all, gone quiet) counted by status and municipality, and their list, the largest first, capped at max_rows with «и ещё N».';

CREATE FUNCTION @extschema@.report_data_quality(views_schema name, data_quality jsonb)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    found_rows text;
    passed text;
    errors bigint;
BEGIN
    IF data_quality IS NULL THEN
        RETURN @extschema@.report_missing(views_schema, 'data_quality');
    END IF;
    -- a check that found nothing is one row with count 0
    EXECUTE $q$
WITH q AS MATERIALIZED (
    SELECT * FROM jsonb_to_recordset($1) AS q0("check" text, check_ru text, severity text, object text, count bigint,
                                              fix text, fix_ru text, region_code text)
)
SELECT
    (SELECT string_agg(format('<tr data-check="%s"><td><span class="st st-%s">%s</span></td><td class="name">%s</td><td>%s</td><td class="num">%s</td><td class="fix">%s</td></tr>',
                              @extschema@.report_escape(q.check), @extschema@.report_verdict_class(q.severity),
                              CASE q.severity WHEN 'error' THEN 'Ошибка' WHEN 'warning' THEN 'Предупреждение' WHEN 'info' THEN 'Сведения'
                                              ELSE @extschema@.report_escape(q.severity) END,
                              @extschema@.report_escape(coalesce(q.check_ru, q.check)), @extschema@.report_escape(coalesce(q.object, '—')),
                              @extschema@.report_int(q.count::bigint), @extschema@.report_escape(coalesce(q.fix_ru, q.fix, '—'))),
                       '' ORDER BY CASE q.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, q.count DESC, q.check, q.object)
       FROM q WHERE q.count > 0),
    (SELECT string_agg(DISTINCT @extschema@.report_escape(coalesce(q.check_ru, q.check)), '; ')
       FROM q WHERE coalesce(q.count, 0) = 0
        AND NOT EXISTS (SELECT 1 FROM q f WHERE f.check = q.check AND f.count > 0)),
    (SELECT count(*) FROM q WHERE q.count > 0 AND q.severity = 'error')
$q$ INTO found_rows, passed, errors USING data_quality;
    RETURN CASE WHEN found_rows IS NULL THEN '<p class="ok">Замечаний к данным нет.</p>'
                ELSE '<table class="dq"><thead><tr><th>Важность</th><th>Проверка</th><th>Объект</th><th>Случаев</th><th>Что сделать</th></tr></thead><tbody>'
                     || found_rows || '</tbody></table>' END
        || CASE WHEN errors > 0
                THEN '<p class="note">Ошибки искажают показатели этого отчёта: исправьте данные витрины и обновите затронутые недели '
                     || '(<code>SELECT * FROM sferum_kpi.refresh_recent(...)</code> или <code>sferum_kpi.snapshot_week(...)</code>).</p>'
                ELSE '' END
        || coalesce('<p class="note">Без замечаний: ' || passed || '.</p>', '');
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_data_quality(name, jsonb) IS
'Internal (report_html): the data-quality section: the findings of <views>.data_quality for the region and for the whole mart, errors first, with the object, the number of cases and the fix, and the checks that found nothing.';

CREATE FUNCTION @extschema@.report_summary(views_schema name, region_code text, week date, forecast jsonb, not_started jsonb, data_quality jsonb)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v text := quote_ident(views_schema);
    main text[] := @extschema@.report_main_indicators(region_code, week);
    monitored text := @extschema@.monitored_platform(week);
    st record;
    fc record;
    ns record;
    dq record;
    items text := '';
BEGIN
    -- the computed indicators' judgement of the week (region level of the store, as the dashboard)
    EXECUTE @extschema@.render($q$
SELECT count(*) AS n, count(*) FILTER (WHERE s.target_met) AS met,
       count(*) FILTER (WHERE NOT s.target_met AND s.target_due) AS missed,
       count(*) FILTER (WHERE NOT s.target_met AND NOT s.target_due) AS behind,
       count(*) FILTER (WHERE s.target_met IS NULL) AS unknown
FROM @extschema@.indicator_definition d
JOIN {{views:I}}.store s ON s.indicator = d.indicator AND s.week_start = $2 AND s.level = 'region' AND s.region_code = $1
               AND s.platform = CASE WHEN d.per_platform THEN $3 ELSE 'any' END
WHERE s.target_stage IS NOT NULL
$q$, jsonb_build_object('views', views_schema)) INTO st USING region_code, week, monitored;
    items := items || format('<li data-summary="targets">Показатели по данным активности, с целью: <b>%s</b>; выполнено — <b>%s</b>, не выполнено в срок — <b>%s</b>, '
                             'не выполнено до срока — <b>%s</b>, нет данных — <b>%s</b>.</li>', st.n, st.met, st.missed, st.behind, st.unknown);
    IF forecast IS NOT NULL THEN
        SELECT count(*) FILTER (WHERE f.verdict IN ('met', 'on_track')) AS good,
               count(*) FILTER (WHERE f.verdict = 'at_risk') AS risk,
               count(*) FILTER (WHERE f.verdict = 'off_track') AS bad,
               count(*) FILTER (WHERE f.verdict NOT IN ('met', 'on_track', 'at_risk', 'off_track') OR f.verdict IS NULL) AS unknown,
               string_agg(DISTINCT to_char(f.deadline, 'DD.MM.YYYY'), ', ') AS deadlines
          INTO fc
          FROM jsonb_to_recordset(forecast) AS f(indicator text, level text, verdict text, deadline date)
         WHERE f.level = 'region' AND f.indicator = ANY (main);
        items := items || format('<li data-summary="forecast">Основные показатели к сроку этапа (%s) при нынешнем темпе: '
                                 'успеваем или выполнено — <b>%s</b>, под угрозой — <b>%s</b>, не успеваем — <b>%s</b>%s.</li>',
                                 coalesce(fc.deadlines, '—'), fc.good, fc.risk, fc.bad,
                                 CASE WHEN fc.unknown > 0 THEN format(', недостаточно данных — <b>%s</b>', fc.unknown) ELSE '' END);
    END IF;
    IF not_started IS NOT NULL THEN
        SELECT count(*) FILTER (WHERE n.status = 'not_started') AS not_started, count(*) FILTER (WHERE n.status = 'gone_quiet') AS quiet
          INTO ns FROM jsonb_to_recordset(not_started) AS n(status text);
        items := items || format('<li data-summary="not-started">Не начали работу: <b>%s</b> %s; активность прекратилась: <b>%s</b> %s.</li>',
                                 ns.not_started, @extschema@.report_plural(ns.not_started, 'организация', 'организации', 'организаций'),
                                 ns.quiet, @extschema@.report_plural(ns.quiet, 'организация', 'организации', 'организаций'));
    END IF;
    IF data_quality IS NOT NULL THEN
        SELECT count(*) FILTER (WHERE q.severity = 'error') AS errors, count(*) FILTER (WHERE q.severity = 'warning') AS warnings
          INTO dq FROM jsonb_to_recordset(data_quality) AS q(severity text, count bigint) WHERE q.count > 0;
        items := items || format('<li data-summary="data-quality">Замечания к данным: ошибок — <b>%s</b>, предупреждений — <b>%s</b>.</li>',
                                 dq.errors, dq.warnings);
    END IF;
    RETURN '<div class="summary"><h2 class="summary-title">Итоги недели</h2><ul>' || items || '</ul></div>';
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_summary(name, text, date, jsonb, jsonb, jsonb) IS
'Internal (report_html): the summary at the top of the page: how many computed indicators met their stage, missed it or are behind before the deadline; the forecast verdicts of the main indicators; how many organisations have not started or went quiet; the data-quality errors and warnings.';

CREATE FUNCTION @extschema@.report_html(views_schema name, region_code text, week date DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
-- the plans of the sections are small; compiling them costs more than they run
SET jit = off
AS $fn$
DECLARE
    v text := quote_ident(views_schema);
    mart name;
    min_cell integer;
    region_name text;
    tz text;
    w date;
    sy integer;
    log record;
    stored text;
    forecast jsonb;
    not_started jsonb;
    data_quality jsonb;
    css constant text := $css$
:root { --ink: #1f2328; --line: #c9d1d9; --head: #eef2f6; --accent: #0b5cad;
        --green: #11632b; --green-bg: #d5f5dc; --red: #a4161a; --red-bg: #fde0df;
        --amber: #7a4b00; --amber-bg: #ffe9a8; --grey: #4b545d; --grey-bg: #e6e9ed; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", "Liberation Sans", "PT Sans", Arial, sans-serif; font-size: 14px; line-height: 1.35;
       color: var(--ink); background: #fff; margin: 0 auto; max-width: 1180px; padding: 16px 24px 40px; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 12px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; color: var(--accent); border-bottom: 1px solid var(--line); padding-bottom: 4px; margin: 28px 0 10px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
h4 { font-size: 14px; margin: 12px 0 4px; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0 12px; }
.meta dt { color: var(--grey); } .meta dd { margin: 0; }
nav ol { columns: 3; margin: 6px 0 0; padding-left: 20px; }
nav a, a { color: var(--accent); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: var(--head); font-weight: bold; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.name { min-width: 12em; }
.code, .sub { color: var(--grey); font-size: 11px; }
.value { font-weight: bold; font-size: 15px; }
.goal { white-space: nowrap; }
.st { display: inline-block; padding: 1px 6px; border-radius: 3px; font-weight: bold; font-size: 12px; }
.st-green { color: var(--green); background: var(--green-bg); }
.st-red { color: var(--red); background: var(--red-bg); }
.st-amber { color: var(--amber); background: var(--amber-bg); }
.st-grey { color: var(--grey); background: var(--grey-bg); }
.change.up { color: var(--green); } .change.down { color: var(--red); }
.movers ul { margin: 2px 0 8px; padding-left: 20px; font-size: 13px; }
.movers ul.up li::marker { content: "▲ "; color: var(--green); }
.movers ul.down li::marker { content: "▼ "; color: var(--red); }
.note { color: var(--grey); font-size: 12px; }
.missing { background: var(--amber-bg); color: var(--amber); padding: 6px 10px; }
.ok { background: var(--green-bg); color: var(--green); padding: 6px 10px; }
.summary { border: 1px solid var(--line); border-left: 4px solid var(--accent); padding: 4px 14px; margin: 10px 0 4px; background: #f8fafc; }
.summary h2 { border: 0; margin: 6px 0 2px; font-size: 17px; }
.summary ul { margin: 4px 0 8px; padding-left: 20px; }
.more { font-style: italic; }
.pair { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 14px; }
.pair > div, .charts > figure { min-width: 0; }
figure.chart { margin: 0; border: 1px solid var(--line); padding: 8px 10px; break-inside: avoid; page-break-inside: avoid; }
figure.chart figcaption { font-weight: bold; font-size: 13px; margin-bottom: 4px; }
.chart-note { font-size: 12px; margin: 4px 0 0; }
svg.chart { display: block; width: 100%; height: auto; }
svg.chart text { fill: #3d444d; }
svg.chart .grid { stroke: #e3e7eb; stroke-width: 1; }
svg.chart .axis, svg.chart .tick { stroke: #6e7781; stroke-width: 1; }
svg.chart .share { fill: none; stroke: var(--accent); stroke-width: 2.2; stroke-linejoin: round; }
svg.chart .dot { fill: var(--accent); }
svg.chart .target, svg.chart .target-key { fill: none; stroke: #c62828; stroke-width: 1.8; stroke-dasharray: 6 4; }
svg.chart .band { fill: var(--accent); fill-opacity: 0.16; stroke: none; }
svg.chart .projection { stroke: var(--accent); stroke-width: 1.6; stroke-dasharray: 2 3; }
svg.chart .projected { fill: #fff; stroke: var(--accent); stroke-width: 1.6; }
svg.chart .deadline { stroke: #6e7781; stroke-width: 1; stroke-dasharray: 1 3; }
svg.spark { vertical-align: middle; }
svg.spark polyline { fill: none; stroke: var(--accent); stroke-width: 1.6; }
svg.spark circle { fill: var(--accent); }
footer { margin-top: 24px; border-top: 1px solid var(--line); padding-top: 6px; }
@page { size: A4; margin: 12mm 10mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  section { break-before: page; page-break-before: always; }
  section#dashboard { break-before: auto; page-break-before: auto; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  tr, .ranking h3 { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  table { font-size: 8.5pt; }
  th, td { padding: 2px 4px; }
  td.name { min-width: 0; }
  td.count, td.num.projected { white-space: normal; }
  svg.spark { width: 52px; height: 18px; }
  .code { display: none; }
  .charts { gap: 8px; }
  /* the printable width of A4 with the margins above: without it Chromium lays
     the page out at its window's width and cuts the right edge */
  html, body { width: auto; max-width: 190mm; }
  a { color: inherit; text-decoration: none; }
}
$css$;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema, 'region_code', region_code));
    SELECT s.mart_schema, s.min_cell INTO mart, min_cell FROM @extschema@.view_set s
     WHERE s.schema_name = views_schema AND s.kind = 'kpi';
    IF mart IS NULL OR to_regclass(v || '.store') IS NULL OR to_regclass(v || '.refresh_log') IS NULL THEN
        RAISE EXCEPTION 'schema "%" holds no KPI store', views_schema
            USING ERRCODE = '42P01',
                  HINT = 'Create the views with sferum_kpi.create_kpi_views(mart_schema, views_schema) and fill them with sferum_kpi.backfill(views_schema, from_week, to_week), or run sferum_kpi.rebuild_views(views_schema) for views made before 1.4.';
    END IF;
    EXECUTE format('SELECT r.name, r.time_zone FROM %I.region r WHERE r.region_code = $1', mart)
       INTO region_name, tz USING region_code;
    IF region_name IS NULL THEN
        EXECUTE format('SELECT string_agg(r.region_code, '', '' ORDER BY r.region_code) FROM %I.region r', mart) INTO stored;
        RAISE EXCEPTION 'region "%" is not in the data mart "%" of schema "%"', region_code, mart, views_schema
            USING ERRCODE = '22023',
                  HINT = CASE WHEN stored IS NULL THEN format('The region table %I.region is empty.', mart)
                              ELSE format('Regions of %I.region: %s.', mart, stored) END;
    END IF;
    IF week IS NULL THEN
        EXECUTE format('SELECT max(l.week_start) FILTER (WHERE l.complete) FROM %s.refresh_log l WHERE l.region_code = $1', v)
           INTO w USING region_code;
        IF w IS NULL THEN
            RAISE EXCEPTION 'the KPI store of schema "%" has no complete week of region "%"', views_schema, region_code
                USING ERRCODE = '55000',
                      HINT = format('Fill it: SELECT * FROM sferum_kpi.backfill(%L, from_week, to_week); or pass the week.', views_schema);
        END IF;
    ELSE
        IF NOT isfinite(week) THEN
            RAISE EXCEPTION 'week must be a finite date (got %)', week USING ERRCODE = '22008';
        END IF;
        w := @extschema@.week_start(week);
    END IF;
    EXECUTE format('SELECT l.* FROM %s.refresh_log l WHERE l.region_code = $1 AND l.week_start = $2', v)
       INTO log USING region_code, w;
    IF log IS NULL THEN
        EXECUTE format('SELECT to_char(min(l.week_start), ''YYYY-MM-DD'') || '' .. '' || to_char(max(l.week_start), ''YYYY-MM-DD'') || '' ('' || count(*) || '' weeks)''
                          FROM %s.refresh_log l WHERE l.region_code = $1', v)
           INTO stored USING region_code;
        RAISE EXCEPTION 'the week of % (Monday %) of region "%" is not in the KPI store of schema "%"', week, w, region_code, views_schema
            USING ERRCODE = '22023',
                  HINT = coalesce(format('Stored weeks of the region: %s. ', stored), 'No week of the region is stored. ')
                         || format('Fill the week with SELECT sferum_kpi.snapshot_week(%L, %L);', views_schema, w);
    END IF;
    sy := @extschema@.school_year(w);
    forecast := @extschema@.report_rows(views_schema, 'forecast', region_code, w);
    not_started := @extschema@.report_rows(views_schema, 'not_started', region_code, w);
    data_quality := @extschema@.report_rows(views_schema, 'data_quality', region_code, w);

    RETURN '<!DOCTYPE html>' || E'\n' || '<html lang="ru"><head><meta charset="utf-8">'
        || '<meta name="viewport" content="width=device-width, initial-scale=1">'
        || format('<title>Сферум: еженедельный отчёт — %s — неделя %s</title>', @extschema@.report_escape(region_name), to_char(w, 'DD.MM.YYYY'))
        || '<style>' || css || '</style></head>'
        || format('<body data-region="%s" data-week="%s">', @extschema@.report_escape(region_code), to_char(w, 'YYYY-MM-DD'))
        || format('<header><h1>Еженедельный отчёт ИКОП «Сферум»: %s</h1>', @extschema@.report_escape(region_name))
        || '<dl class="meta">'
        || format('<dt>Неделя</dt><dd>%s – %s (ISO-неделя %s)%s</dd>', to_char(w, 'DD.MM.YYYY'), to_char(w + 6, 'DD.MM.YYYY'),
                  to_char(w, 'IW'), CASE WHEN log.complete THEN '' ELSE ' — <b>неделя неполная</b>: за воскресенье данных нет' END)
        || format('<dt>Учебный год</dt><dd>%s/%s; контролируемая платформа — %s</dd>', sy, sy + 1,
                  CASE @extschema@.monitored_platform(w) WHEN 'national' THEN 'национальный мессенджер' ELSE 'VK Мессенджер' END)
        || format('<dt>Данные</dt><dd>активность по %s, неделя обновлена %s</dd>',
                  coalesce(to_char(log.last_activity_day, 'DD.MM.YYYY'), '—'),
                  to_char(log.refreshed_at AT TIME ZONE tz, 'DD.MM.YYYY HH24:MI'))
        || format('<dt>Код региона</dt><dd>%s; схема показателей %s</dd>', @extschema@.report_escape(region_code),
                  @extschema@.report_escape(views_schema::text))
        || format('<dt>Сформирован</dt><dd>%s (время региона)</dd>', to_char(now() AT TIME ZONE tz, 'DD.MM.YYYY HH24:MI'))
        || '</dl><nav><b>Разделы</b><ol>'
        || '<li><a href="#dashboard">Показатели недели</a></li><li><a href="#charts">Динамика и прогноз</a></li>'
        || '<li><a href="#forecast">Прогноз к сроку</a></li><li><a href="#rankings">Рейтинги муниципалитетов</a></li>'
        || '<li><a href="#not-started">Не начали работу</a></li><li><a href="#data-quality">Качество данных</a></li>'
        || '</ol></nav></header>'
        || @extschema@.report_summary(views_schema, region_code, w, forecast, not_started, data_quality)
        || '<section id="dashboard"><h2>1. Показатели недели</h2>' || @extschema@.report_dashboard(views_schema, region_code, w) || '</section>'
        || '<section id="charts"><h2>2. Динамика и прогноз</h2>' || @extschema@.report_charts(views_schema, region_code, w, forecast) || '</section>'
        || '<section id="forecast"><h2>3. Прогноз к сроку этапа</h2>' || @extschema@.report_forecast(views_schema, region_code, w, forecast) || '</section>'
        || '<section id="rankings"><h2>4. Рейтинги муниципалитетов</h2>' || @extschema@.report_rankings(views_schema, region_code, w) || '</section>'
        || '<section id="not-started"><h2>5. Организации, не начавшие работу или затихшие</h2>' || @extschema@.report_not_started(views_schema, not_started) || '</section>'
        || '<section id="data-quality"><h2>6. Качество данных</h2>' || @extschema@.report_data_quality(views_schema, data_quality) || '</section>'
        || '<footer class="note">Только агрегированные данные: ни одного человека по отдельности. '
        || CASE WHEN min_cell > 0
                THEN format('Ниже уровня региона значения групп меньше %s человек скрыты (правило малых групп). ', min_cell)
                ELSE 'Правило малых групп в этой схеме отключено (min_cell = 0): отчёт только для внутреннего использования. ' END
        || format('Сформировано функцией sferum_kpi.report_html (расширение sferum_kpi %s) из недельного хранилища показателей.',
                  @extschema@.report_escape((SELECT e.extversion FROM pg_extension e WHERE e.extname = 'sferum_kpi')))
        || '</footer></body></html>' || E'\n';
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_html(name, text, date) IS
'The weekly report for the regional authority: one self-contained HTML5 page in Russian for a region and week of the KPI store of views_schema (NULL week: the region''s latest complete week): the dashboard with status colours, a chart per indicator (inline SVG: weekly share, target line, forecast to the deadline with its range), the forecast, municipality rankings and movers, organisations not started or gone quiet, and the data-quality warnings. No script, no external reference; prints on A4. Aggregates only, through the views that apply the small-cell rule.';
