--------------------------------------------------------------------------------
-- The weekly report: every municipality.  A responsibility table of all the
-- municipalities of the region (the regional bodies as their own group) by
-- main indicator: share, stage, status in words, people short, the change over
-- the last 4 school weeks and the forecast's verdict; a CSV of it; and small
-- multiples: one drawing per municipality and main indicator on one 0-100 %
-- scale with its stage line.  One query over <views>.indicators (the
-- municipality rows of the school year's weeks) and the forecast rows the page
-- read once: no query per municipality.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.report_municipalities(ctx jsonb)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    week date := (ctx->>'week')::date;
    first_week date := @extschema@.week_start(make_date(@extschema@.school_year((ctx->>'week')::date), 9, 1) + 6);
    main text[] := ARRAY(SELECT jsonb_array_elements_text(ctx->'main'));
    rows_html text;
    csv text;
    n bigint;
    munis bigint;
    multiples text;
    since date;
BEGIN
    EXECUTE @extschema@.render($q$
WITH s AS MATERIALIZED (
    SELECT i.indicator, i.municipality_id, coalesce(i.municipality_name, '—') AS municipality_name, i.week_start, i.share, i.target_stage,
           i.target_threshold, i.target_deadline, i.target_met, i.target_due, i.short_by, i.suppressed, coalesce(i.holiday, false) AS holiday
    FROM {{views:I}}.indicators i
    WHERE i.level = 'municipality' AND i.region_code = $1 AND i.week_start BETWEEN $4 AND $2 AND i.monitored AND i.indicator = ANY ($3)
), back AS (
    -- 4 school weeks back: the fourth week before this one that is not a holiday week
    SELECT min(x.week_start) AS week_start FROM (
        SELECT DISTINCT s.week_start FROM s WHERE s.week_start < $2 AND NOT s.holiday ORDER BY s.week_start DESC LIMIT 4) x
    HAVING count(*) = 4
), series AS (
    -- each group's weekly shares and holiday flags over the school year, one pass
    -- (not a scan of s per row: at a large region's hundreds of groups that was
    -- most of the section's time)
    SELECT h.indicator, h.municipality_id, array_agg(h.share ORDER BY h.week_start) AS series,
           array_agg(h.holiday ORDER BY h.week_start) AS holidays
    FROM s h GROUP BY h.indicator, h.municipality_id
), fc AS (
    SELECT * FROM jsonb_to_recordset(coalesce($5, '[]'::jsonb)) AS f(indicator text, level text, municipality_id bigint, verdict text, verdict_ru text)
    WHERE f.level = 'municipality'
), cur AS (
    SELECT c.*, @extschema@.report_title({{titles:L}}::jsonb, c.indicator) AS title, d.unit, b.share AS share_back, f.verdict, f.verdict_ru,
           CASE WHEN c.suppressed THEN 'suppressed' WHEN c.target_stage IS NULL THEN 'no_target' WHEN c.target_met IS NULL THEN 'unknown'
                WHEN c.target_met THEN 'met' WHEN c.target_due THEN 'missed' ELSE 'behind' END AS status,
           sr.series, sr.holidays
    FROM s c
    JOIN @extschema@.indicator_definition d ON d.indicator = c.indicator
    JOIN series sr ON sr.indicator = c.indicator AND sr.municipality_id IS NOT DISTINCT FROM c.municipality_id
    LEFT JOIN s b ON b.indicator = c.indicator AND b.municipality_id IS NOT DISTINCT FROM c.municipality_id AND b.week_start = (SELECT week_start FROM back)
    LEFT JOIN fc f ON f.indicator = c.indicator AND f.municipality_id IS NOT DISTINCT FROM c.municipality_id
    WHERE c.week_start = $2
)
SELECT
    (SELECT string_agg(g.html, '' ORDER BY g.municipality_id IS NULL, g.municipality_name, g.municipality_id) FROM (
        SELECT c.municipality_id, c.municipality_name,
               format('<tbody class="muni" data-municipality="%s"><tr class="muni-head"><th colspan="7" scope="rowgroup">%s</th></tr>',
                      coalesce(c.municipality_id::text, 'regional'), @extschema@.report_escape(c.municipality_name))
               || string_agg(format('<tr data-indicator="%s"><td class="name">%s</td><td class="num">%s</td><td class="target">%s</td><td class="status">%s</td>'
                                    '<td class="num short">%s</td><td class="num change">%s</td><td class="status forecast">%s</td></tr>',
                                    @extschema@.report_escape(c.indicator), @extschema@.report_escape(c.title), @extschema@.report_pct(c.share),
                                    CASE WHEN c.target_stage IS NULL THEN '—'
                                         ELSE coalesce(@extschema@.report_pct(c.target_threshold), 'базовый уровень') || '<div class="sub">этап ' || c.target_stage
                                              || ' к ' || to_char(c.target_deadline, 'DD.MM.YYYY') || '</div>' END,
                                    @extschema@.report_badge(c.status),
                                    CASE WHEN c.status IN ('missed', 'behind') AND c.short_by > 0 THEN @extschema@.report_int(c.short_by) ELSE '—' END,
                                    @extschema@.report_pp(c.share - c.share_back),
                                    CASE WHEN c.verdict IS NULL THEN @extschema@.report_badge('unknown', 'Нет прогноза') ELSE @extschema@.report_badge(c.verdict, c.verdict_ru) END),
                             '' ORDER BY array_position($3, c.indicator)) || '</tbody>' AS html
        FROM cur c GROUP BY c.municipality_id, c.municipality_name) g),
    (SELECT string_agg(@extschema@.report_csv_row(c.municipality_name, c.title, @extschema@.report_csv_num(100 * c.share),
                                                  c.target_stage::text, to_char(c.target_deadline, 'DD.MM.YYYY'), @extschema@.report_csv_num(100 * c.target_threshold),
                                                  @extschema@.report_status_label(c.status),
                                                  CASE WHEN c.status IN ('missed', 'behind') THEN c.short_by::text END,
                                                  @extschema@.report_csv_num(100 * (c.share - c.share_back)),
                                                  coalesce(c.verdict_ru, 'Нет прогноза')),
                       '' ORDER BY c.municipality_id IS NULL, c.municipality_name, c.municipality_id, array_position($3, c.indicator))
       FROM cur c),
    (SELECT count(*) FROM cur),
    (SELECT count(DISTINCT c.municipality_id) + count(DISTINCT 0) FILTER (WHERE c.municipality_id IS NULL) FROM cur c),
    (SELECT string_agg(m.html, '' ORDER BY array_position($3, m.indicator)) FROM (
        SELECT c.indicator, format('<div class="multiples" data-indicator="%s"><h4>%s</h4><div class="grid">', @extschema@.report_escape(c.indicator), @extschema@.report_escape(c.title))
               || string_agg(format('<figure class="small" data-municipality="%s"><figcaption>%s</figcaption>%s<p class="sub">%s%s</p></figure>',
                                    coalesce(c.municipality_id::text, 'regional'), @extschema@.report_escape(c.municipality_name),
                                    @extschema@.report_small_multiple(c.series, c.holidays, c.target_threshold, c.municipality_name || ': ' || c.title,
                                        format('Доля по неделям учебного года, последняя неделя %s; этап %s.', @extschema@.report_pct(c.share),
                                               coalesce(@extschema@.report_pct(c.target_threshold), 'не задан'))),
                                    @extschema@.report_pct(c.share),
                                    CASE WHEN c.target_threshold IS NOT NULL THEN ' · этап ' || @extschema@.report_pct(c.target_threshold) ELSE '' END),
                             '' ORDER BY c.municipality_id IS NULL, c.municipality_name, c.municipality_id) || '</div></div>' AS html
        FROM cur c GROUP BY c.indicator, c.title) m),
    (SELECT week_start FROM back)
$q$, jsonb_build_object('views', ctx->>'views', 'titles', coalesce(ctx->'titles', '{}')::text))
       INTO rows_html, csv, n, munis, multiples, since USING ctx->>'region', week, main, first_week, nullif(ctx->'forecast', 'null'::jsonb);
    IF rows_html IS NULL THEN
        RETURN '<p>Нет данных по муниципалитетам за эту неделю.</p>';
    END IF;
    RETURN format('<p>Все муниципалитеты региона (%s, региональные органы — отдельной группой) по основным показателям недели. '
                  '«Не хватает» — сколько ещё людей (организаций, чатов) нужно муниципалитету для этапа; «За 4 недели» — изменение доли за последние 4 учебные недели%s.</p>',
                  munis, coalesce(' (с ' || to_char(since, 'DD.MM.YYYY') || ')', ''))
        || '<div class="tw"><table class="resp"><thead><tr><th>Показатель</th><th>Доля</th><th>Этап</th><th>Статус</th><th>Не хватает</th><th>За 4 недели</th><th>Прогноз или итог этапа</th></tr></thead>'
        || rows_html || '</table></div>'
        || @extschema@.report_csv_link('municipalitety.csv', ARRAY['Муниципалитет', 'Показатель', 'Доля, %', 'Этап', 'Срок', 'Цель, %', 'Статус',
                                       'Не хватает', 'За 4 учебные недели, п. п.', 'Прогноз к сроку'], csv, n)
        || '<h3>Каждый муниципалитет за учебный год</h3><p class="note">Одна шкала для всех: 0–100 %; пунктир — этап; затенены каникулы; точка — последняя неделя.</p>'
        || coalesce(multiples, '');
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_municipalities(jsonb) IS
'Internal (report_html): the municipalities section: every municipality of the region (and the regional bodies) by main indicator from <views>.indicators: share, stage, status in words, people short, the change over the last 4 school weeks, the forecast verdict (sferum_kpi.forecast rows of the page); its CSV; and a small multiple per municipality and main indicator on one 0-100 % scale with its stage line. One query, no query per municipality.';
