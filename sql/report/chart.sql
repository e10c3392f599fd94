--------------------------------------------------------------------------------
-- The weekly report: the inline SVG drawings.  report_chart_svg draws one
-- indicator over the school year (holiday weeks shaded and named, the stage,
-- the baseline and the last value labelled on the chart, the forecast band);
-- report_sparkline the 8 weeks of a dashboard row; report_small_multiple one
-- municipality's school year on the one 0-100 % scale all of them share, with
-- its stage line.  Every drawing that carries information is role="img" with a
-- <title> and a <desc>; text sizes are in the units of a view box that prints
-- at least 7 pt wide (see the print CSS of report_css).
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.report_chart_frame(weeks date[], holidays text[], x0 date, x1 date)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    -- the plot area of report_chart_svg
    pl constant double precision := 54;
    pr constant double precision := 528;
    pt constant double precision := 26;
    pb constant double precision := 236;
    months constant text[] := ARRAY['янв', 'фев', 'мар', 'апр', 'май', 'июн', 'июл', 'авг', 'сен', 'окт', 'ноя', 'дек'];
    n integer := coalesce(cardinality(weeks), 0);
    span double precision := greatest(x1 - x0, 1);
    svg text := '';
    i integer; t double precision; m date; nmonths integer; k integer := 0; labelled_year integer; run_start integer;
BEGIN
    -- the holiday weeks: shaded, named above the plot (a run of weeks once)
    FOR i IN 1..n LOOP
        IF holidays[i] IS NOT NULL AND (i = 1 OR holidays[i - 1] IS DISTINCT FROM holidays[i]) THEN
            run_start := i;
        END IF;
        IF holidays[i] IS NOT NULL AND (i = n OR holidays[i + 1] IS DISTINCT FROM holidays[i]) THEN
            svg := svg || format('<rect class="holiday" x="%s" y="%s" width="%s" height="%s"/><text class="hlab" x="%s" y="%s">%s</text>',
                                 round((pl + (pr - pl) * (weeks[run_start] - x0) / span)::numeric, 1), pt,
                                 round(least((pr - pl) * (weeks[i] + 7 - weeks[run_start]) / span,
                                             pr - (pl + (pr - pl) * (weeks[run_start] - x0) / span))::numeric, 1), pb - pt,
                                 round((pl + (pr - pl) * (weeks[run_start] - x0) / span)::numeric, 1), pt - 8,
                                 @extschema@.report_escape(lower(split_part(holidays[i], ' ', 1))));
        END IF;
    END LOOP;
    -- the y axis: 0-100 %, a grid line every 25 %
    FOR i IN 0..4 LOOP
        t := pb - (pb - pt) * i / 4.0;
        svg := svg || format('<line class="grid" x1="%s" y1="%s" x2="%s" y2="%s"/><text class="ylab" x="%s" y="%s" text-anchor="end">%s%s%%</text>',
                             pl, round(t::numeric, 1), pr, round(t::numeric, 1), pl - 6, round((t + 4)::numeric, 1), 25 * i, chr(160));
    END LOOP;
    -- the x axis: a tick on the first of each month, the year under the first month of each year
    nmonths := (extract(year FROM age(date_trunc('month', x1), date_trunc('month', x0))) * 12
                + extract(month FROM age(date_trunc('month', x1), date_trunc('month', x0))))::integer;
    m := (date_trunc('month', x0) + CASE WHEN extract(day FROM x0) = 1 THEN interval '0' ELSE interval '1 month' END)::date;
    WHILE m <= x1 LOOP
        t := pl + (pr - pl) * (m - x0) / span;
        svg := svg || format('<line class="tick" x1="%s" y1="%s" x2="%s" y2="%s"/>', round(t::numeric, 1), pb, round(t::numeric, 1), pb + 4);
        IF nmonths <= 10 OR k % 2 = 0 THEN
            svg := svg || format('<text class="xlab" x="%s" y="%s" text-anchor="middle">%s%s</text>',
                                 round(t::numeric, 1), pb + 18, months[extract(month FROM m)::integer],
                                 CASE WHEN labelled_year IS DISTINCT FROM extract(year FROM m)::integer
                                      THEN format('<tspan x="%s" dy="15">%s</tspan>', round(t::numeric, 1), extract(year FROM m))
                                      ELSE '' END);
            labelled_year := extract(year FROM m)::integer;
        END IF;
        k := k + 1;
        m := (m + interval '1 month')::date;
    END LOOP;
    svg := svg || format('<line class="axis" x1="%s" y1="%s" x2="%s" y2="%s"/>', pl, pb, pr, pb);
    RETURN svg;
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_chart_frame(date[], text[], date, date) IS
'Internal (report_html): the frame of report_chart_svg''s plot between the dates x0 and x1: the holiday weeks shaded and named (a run of weeks once), the 0-100 % grid and its labels, a tick on the first of each month with its Russian name and the year under the first month of each year.';

CREATE FUNCTION @extschema@.report_chart_svg(weeks date[], shares double precision[], thresholds double precision[], holidays text[],
                                             deadline date, projected double precision, projected_low double precision,
                                             projected_high double precision, deadline_threshold double precision,
                                             baseline double precision, caption text, description text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    width  constant integer := 600;
    height constant integer := 318;
    pl constant double precision := 54;
    pr constant double precision := 528;
    pt constant double precision := 26;
    pb constant double precision := 236;
    n integer := coalesce(cardinality(weeks), 0);
    x0 date; x1 date; span double precision;
    svg text := ''; seg text := ''; dots text := ''; path text := ''; labels text := '';
    i integer; t double precision; prev_t double precision; last_week date; last_share double precision; has_forecast boolean;
    y_goal double precision; y_proj double precision;
BEGIN
    IF n = 0 THEN
        RETURN '<p class="empty">Нет недель для графика.</p>';
    END IF;
    IF cardinality(shares) IS DISTINCT FROM n OR cardinality(thresholds) IS DISTINCT FROM n
       OR (holidays IS NOT NULL AND cardinality(holidays) IS DISTINCT FROM n) THEN
        RAISE EXCEPTION 'weeks, shares, thresholds and holidays must have the same length (% weeks)', n USING ERRCODE = '2202E';
    END IF;
    last_week := weeks[n];
    last_share := shares[n];
    has_forecast := deadline IS NOT NULL AND deadline > last_week AND projected IS NOT NULL;
    x0 := weeks[1];
    x1 := greatest(last_week + 7, CASE WHEN deadline > last_week THEN deadline END, x0 + 28);
    span := x1 - x0;

    svg := format('<svg class="chart" viewBox="0 0 %s %s" role="img" aria-labelledby="%s" font-size="13"><title>%s</title><desc>%s</desc>',
                  width, height, 'x', @extschema@.report_escape(caption), @extschema@.report_escape(description));
    svg := svg || @extschema@.report_chart_frame(weeks, holidays, x0, x1);
    IF deadline IS NOT NULL AND deadline > last_week THEN
        t := pl + (pr - pl) * (deadline - x0) / span;
        svg := svg || format('<line class="deadline" x1="%s" y1="%s" x2="%s" y2="%s"/>', round(t::numeric, 1), pt, round(t::numeric, 1), pb);
    END IF;
    -- the baseline of the stages that are judged against it: a dotted line, labelled
    IF baseline IS NOT NULL AND baseline >= 0 AND baseline <= 1 THEN
        t := pb - (pb - pt) * baseline;
        svg := svg || format('<line class="baseline" x1="%s" y1="%s" x2="%s" y2="%s"/>', pl, round(t::numeric, 1), pr, round(t::numeric, 1));
    END IF;
    -- the stage: a step line through the thresholds of the weeks, held to the deadline
    prev_t := NULL;
    FOR i IN 1..n LOOP
        t := thresholds[i];
        IF t IS NULL OR t = 'NaN' THEN
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
    t := CASE WHEN deadline > last_week THEN coalesce(deadline_threshold, thresholds[n]) ELSE thresholds[n] END;
    IF t IS NOT NULL AND t <> 'NaN' THEN
        t := least(greatest(t, 0), 1);
        IF deadline > last_week THEN
            IF prev_t IS NULL THEN
                path := path || format('M%s %s', round((pl + (pr - pl) * (last_week - x0) / span)::numeric, 1), round((pb - (pb - pt) * t)::numeric, 1));
            ELSIF t <> prev_t THEN
                path := path || format('V%s', round((pb - (pb - pt) * t)::numeric, 1));
            END IF;
            path := path || format('H%s', round((pl + (pr - pl) * (deadline - x0) / span)::numeric, 1));
        END IF;
        y_goal := pb - (pb - pt) * t;
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
        y_proj := pb - (pb - pt) * least(greatest(projected, 0), 1);
        svg := svg || format('<line class="projection" x1="%s" y1="%s" x2="%s" y2="%s"/><circle class="projected" cx="%s" cy="%s" r="4"/>',
                             round((pl + (pr - pl) * (last_week - x0) / span)::numeric, 1),
                             round((pb - (pb - pt) * least(greatest(coalesce(last_share, projected), 0), 1))::numeric, 1),
                             round((pl + (pr - pl) * (deadline - x0) / span)::numeric, 1), round(y_proj::numeric, 1),
                             round((pl + (pr - pl) * (deadline - x0) / span)::numeric, 1), round(y_proj::numeric, 1));
    END IF;
    -- the labels in the right margin: the stage and the forecast, kept 28 units apart
    IF y_goal IS NOT NULL THEN
        IF y_proj IS NOT NULL AND abs(y_goal - y_proj) < 28 THEN
            IF y_goal <= y_proj THEN y_proj := y_goal + 28; ELSE y_goal := y_proj + 28; END IF;
            IF greatest(y_goal, y_proj) > pb + 10 THEN y_goal := y_goal - 28; y_proj := y_proj - 28; END IF;
        END IF;
        labels := labels || format('<text class="vlab goal" x="%s" y="%s">этап<tspan x="%s" dy="13">%s</tspan></text>', pr + 4,
                                   round((y_goal - 2)::numeric, 1), pr + 4, @extschema@.report_pct(coalesce(CASE WHEN deadline > last_week THEN deadline_threshold END, thresholds[n])));
    END IF;
    IF y_proj IS NOT NULL THEN
        labels := labels || format('<text class="vlab proj" x="%s" y="%s">прогноз<tspan x="%s" dy="13">%s</tspan></text>', pr + 4,
                                   round((y_proj - 2)::numeric, 1), pr + 4, @extschema@.report_pct(projected));
    END IF;
    -- the weekly share: a line broken where a week has no value, a dot per week, the last labelled
    FOR i IN 1..n LOOP
        IF shares[i] IS NULL OR shares[i] = 'NaN' THEN
            IF seg <> '' THEN
                svg := svg || format('<polyline class="share" points="%s"/>', btrim(seg));
                seg := '';
            END IF;
            CONTINUE;
        END IF;
        t := pb - (pb - pt) * least(greatest(shares[i], 0), 1);
        seg := seg || format(' %s,%s', round((pl + (pr - pl) * (weeks[i] - x0) / span)::numeric, 1), round(t::numeric, 1));
        dots := dots || format('<circle class="dot" cx="%s" cy="%s" r="2.6"/>', round((pl + (pr - pl) * (weeks[i] - x0) / span)::numeric, 1), round(t::numeric, 1));
    END LOOP;
    IF seg <> '' THEN
        svg := svg || format('<polyline class="share" points="%s"/>', btrim(seg));
    END IF;
    svg := svg || dots;
    IF last_share IS NOT NULL AND last_share <> 'NaN' THEN
        t := pb - (pb - pt) * least(greatest(last_share, 0), 1);
        labels := labels || format('<text class="vlab last" x="%s" y="%s" text-anchor="end">%s</text>',
                                   round((pl + (pr - pl) * (last_week - x0) / span - 4)::numeric, 1),
                                   round((CASE WHEN t - 8 < pt + 10 THEN t + 18 ELSE t - 8 END)::numeric, 1), @extschema@.report_pct(last_share));
    END IF;
    svg := svg || labels;
    -- the legend, at fixed places under the axis
    svg := svg || format('<g class="legend" transform="translate(%s %s)">', 8, height - 8)
               || '<line class="share" x1="0" y1="-5" x2="20" y2="-5"/><text x="24" y="0">доля</text>'
               || CASE WHEN path <> '' THEN '<line class="target" x1="72" y1="-5" x2="92" y2="-5"/><text x="96" y="0">этап</text>' ELSE '' END
               || CASE WHEN has_forecast THEN '<rect class="band" x="142" y="-11" width="20" height="12"/><text x="166" y="0">прогноз и диапазон</text>' ELSE '' END
               || CASE WHEN baseline >= 0 AND baseline <= 1
                       THEN format('<line class="baseline" x1="306" y1="-5" x2="326" y2="-5"/><text class="vlab base" x="330" y="0">база %s</text>',
                                   @extschema@.report_pct(baseline)) ELSE '' END
               || CASE WHEN holidays IS NOT NULL AND array_position(holidays, NULL) IS DISTINCT FROM NULL AND EXISTS (SELECT 1 FROM unnest(holidays) h WHERE h IS NOT NULL)
                       THEN '<rect class="holiday" x="420" y="-11" width="20" height="12"/><text x="444" y="0">каникулы</text>' ELSE '' END
               || '</g></svg>';
    RETURN replace(svg, 'aria-labelledby="x" ', '');
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_chart_svg(date[], double precision[], double precision[], text[], date, double precision, double precision, double precision, double precision, double precision, text, text) IS
'Internal (report_html): one inline SVG chart, 0-100 %, role="img" with a <title> (caption) and a <desc> (description): the weekly shares (NULL breaks the line), holiday weeks shaded and named (holidays: the name of each week''s holiday or NULL), the stage thresholds as a step line held to the deadline and labelled, the baseline dotted, its value in the legend, the last value labelled, the forecast to the deadline (projected share and its low-high band, labelled), month ticks in Russian and a legend. No script, no external reference.';
-- The points of a line chart of weekly shares (the sparklines and the small
-- multiples): week i of n at x_from + width * (i - 1) / (n - 1), a share at
-- y_bottom - height * (share - lo) / (hi - lo), held to [lo, hi]; NULL and NaN
-- weeks skipped (the line joins the weeks around them).
CREATE FUNCTION @extschema@.report_points(shares double precision[], x_from double precision, width double precision,
                                          y_bottom double precision, height double precision,
                                          lo double precision, hi double precision)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    n integer := coalesce(cardinality(shares), 0);
    pts text := '';
    x double precision;
    y double precision;
BEGIN
    FOR i IN 1..n LOOP
        CONTINUE WHEN shares[i] IS NULL OR shares[i] = 'NaN';
        x := x_from + width * (i - 1) / greatest(n - 1, 1)::double precision;
        y := y_bottom - height * (least(greatest(shares[i], lo), hi) - lo) / (hi - lo);
        pts := pts || format(' %s,%s', round(x::numeric, 1), round(y::numeric, 1));
    END LOOP;
    RETURN btrim(pts);
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_points(double precision[], double precision, double precision, double precision, double precision, double precision, double precision) IS
'Internal (report_html): the SVG points ("x,y x,y ...", one decimal) of weekly shares: week i of n at x_from + width * (i - 1) / (n - 1), a share at y_bottom - height * (share - lo) / (hi - lo), held to [lo, hi]; NULL and NaN weeks skipped; empty when none (report_sparkline, report_small_multiple).';

CREATE FUNCTION @extschema@.report_last_point(points text)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN format('cx="%s" cy="%s"', split_part(split_part(points, ' ', -1), ',', 1), split_part(split_part(points, ' ', -1), ',', 2));
COMMENT ON FUNCTION @extschema@.report_last_point(text) IS
'Internal (report_html): the SVG attributes cx="…" cy="…" of the last of points ("x,y x,y ..."), where the charts put their dot.';

CREATE FUNCTION @extschema@.report_sparkline(shares double precision[])
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    pts text;
    lo double precision;
    hi double precision;
BEGIN
    SELECT min(s), max(s) INTO lo, hi FROM unnest(shares) s WHERE s <> 'NaN';
    IF lo IS NULL THEN
        RETURN '<span class="sub">нет данных</span>';
    END IF;
    -- the range of the 8 weeks, at least 2 percentage points, so that a flat series looks flat
    IF hi - lo < 0.02 THEN
        lo := greatest(0, (lo + hi) / 2 - 0.01);
        hi := lo + 0.02;
    END IF;
    pts := @extschema@.report_points(shares, 2, 76, 20, 16, lo, hi);
    RETURN format('<svg class="spark" viewBox="0 0 80 24" width="80" height="24" aria-hidden="true"><polyline points="%s"/><circle %s r="2"/></svg>',
                  pts, @extschema@.report_last_point(pts));
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_sparkline(double precision[]) IS
'Internal (report_html): a small inline SVG line of the shares of the last weeks (oldest first; NULL and NaN weeks skipped), scaled to their own range, the last week dotted.';

CREATE FUNCTION @extschema@.report_small_multiple(shares double precision[], holidays boolean[], stage double precision, caption text, description text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    n integer := coalesce(cardinality(shares), 0);
    -- every municipality on the same scale: 0-100 % over 56 units, a week every step units
    step double precision := 156.0 / greatest(n - 1, 1);
    pts text := @extschema@.report_points(shares, 2, 156, 58, 56, 0, 1);
    shade text := '';
BEGIN
    IF n = 0 THEN
        RETURN '<span class="sub">нет данных</span>';
    END IF;
    FOR i IN 1..n LOOP
        IF holidays[i] THEN
            shade := shade || format('<rect class="holiday" x="%s" y="2" width="%s" height="56"/>',
                                     round((2 + step * (i - 1) - step / 2)::numeric, 1), round(step::numeric, 1));
        END IF;
    END LOOP;
    RETURN format('<svg class="small" viewBox="0 0 160 60" role="img"><title>%s</title><desc>%s</desc>%s'
                  '<line class="frame" x1="2" y1="58" x2="158" y2="58"/><line class="frame" x1="2" y1="2" x2="158" y2="2"/>%s%s%s</svg>',
                  @extschema@.report_escape(caption), @extschema@.report_escape(description), shade,
                  CASE WHEN stage >= 0 AND stage <= 1
                       THEN format('<line class="target" x1="2" y1="%1$s" x2="158" y2="%1$s"/>', round((58 - 56 * stage)::numeric, 1)) ELSE '' END,
                  CASE WHEN pts <> '' THEN format('<polyline class="share" points="%s"/>', pts) ELSE '' END,
                  CASE WHEN pts <> '' THEN format('<circle class="dot" %s r="2.5"/>', @extschema@.report_last_point(pts)) ELSE '' END);
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_small_multiple(double precision[], boolean[], double precision, text, text) IS
'Internal (report_html): one small multiple: a municipality''s weekly shares over the school year on the fixed 0-100 % scale every municipality shares (NULL weeks skipped), holiday weeks shaded, the stage as a dashed line, the last week dotted; role="img" with a <title> and a <desc>.';
