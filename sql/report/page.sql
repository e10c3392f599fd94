--------------------------------------------------------------------------------
-- The weekly report for the regional authority: report_html(views, region,
-- week) writes ONE self-contained HTML5 page in Russian (no script, no external
-- URL) for a region and week of the weekly KPI store, that reads on a screen,
-- on a phone (390 px) and printed on A4 (Chromium's paged media: a running
-- header with the region and the week, page numbers, no text under 7 pt).
--
-- The page is an ordered list of sections (report_html's `sections`): each is
-- an id, a heading and a function f(ctx jsonb) RETURNS text that writes the
-- section's body from the context the page read once (views schema, mart,
-- region, week, main indicators, the forecast and data-quality rows).  One
-- more section is one more line of that list.  Every text from the data goes
-- through report_escape.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.report_css_string(value text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN '"' || regexp_replace(replace(replace(value, '\', '\\'), '"', '\"'), '[<>\n\r]', ' ', 'g') || '"';
COMMENT ON FUNCTION @extschema@.report_css_string(text) IS
'Internal (report_html): a text as a CSS string literal inside the page''s <style> (quotes and backslashes escaped, < > and line breaks as spaces, so no text closes the style element).';

CREATE FUNCTION @extschema@.report_css(running_header text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN @extschema@.render($css$
:root { --ink: #1f2328; --line: #b8c0c8; --head: #eef2f6; --accent: #0b5cad;
        --good: #0b3d6b; --good-bg: #cfe3f5; --bad: #ffffff; --bad-bg: #9c2a00; --risk: #4d3800; --risk-bg: #ffe08a;
        --none: #3d444d; --none-bg: #ffffff; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", "Liberation Sans", "PT Sans", Arial, sans-serif; font-size: 14px; line-height: 1.4;
       color: var(--ink); background: #fff; margin: 0 auto; max-width: 1180px; padding: 16px 24px 40px; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 12px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; color: var(--accent); border-bottom: 1px solid var(--line); padding-bottom: 4px; margin: 28px 0 10px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
h4 { font-size: 14px; margin: 12px 0 4px; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0 8px; }
.meta dt { color: var(--none); } .meta dd { margin: 0; }
.stale { border: 2px solid var(--bad-bg); background: #fff4ef; color: #6b1d00; padding: 6px 10px; font-weight: bold; margin: 8px 0; }
.abbr { font-size: 12px; color: var(--none); margin: 4px 0 8px; }
nav ol { columns: 3; margin: 6px 0 8px; padding-left: 24px; }
a { color: var(--accent); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 6px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: var(--head); font-weight: bold; }
tr.muni-head th { background: #dde5ee; font-size: 14px; }
td.num, th.num { text-align: right; white-space: nowrap; }
.sub { color: var(--none); font-size: 11px; }
.value { font-weight: bold; }
.goal { white-space: nowrap; }
.st { display: inline-block; padding: 1px 6px; border-radius: 3px; font-weight: bold; font-size: 12px; border: 1px solid; }
.st .mark { margin-right: 4px; }
.st-good { color: var(--good); background: var(--good-bg); border-color: var(--good); }
.st-bad { color: var(--bad); background: var(--bad-bg); border-color: var(--bad-bg); }
.st-risk { color: var(--risk); background: var(--risk-bg); border: 1px dashed var(--risk); }
.st-none { color: var(--none); background: var(--none-bg); border: 1px dotted var(--none); }
p.legend { font-size: 12px; margin: 6px 0; } p.legend .st { margin: 2px 4px 2px 0; }
.note { color: var(--none); font-size: 12px; }
.missing { background: var(--risk-bg); color: var(--risk); padding: 6px 10px; }
.ok { background: var(--good-bg); color: var(--good); padding: 6px 10px; }
.headline { margin: 4px 0 8px; padding-left: 20px; } .headline li { margin: 3px 0; }
.more { font-style: italic; }
.download { margin: 2px 0 10px; font-size: 12px; } .download a::before { content: "↓ "; }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 14px; }
figure.chart { margin: 0; border: 1px solid var(--line); padding: 8px 10px; break-inside: avoid; page-break-inside: avoid; min-width: 0; }
figure.chart figcaption { font-weight: bold; font-size: 13px; margin-bottom: 4px; }
.chart-note { font-size: 12px; margin: 4px 0 0; }
svg.chart { display: block; width: 100%; height: auto; }
svg text { fill: #2b3138; }
svg .grid { stroke: #e3e7eb; stroke-width: 1; }
svg .axis, svg .tick { stroke: #6e7781; stroke-width: 1; }
svg .share { fill: none; stroke: var(--accent); stroke-width: 2.4; stroke-linejoin: round; }
svg .dot { fill: var(--accent); }
svg .target { fill: none; stroke: #b34700; stroke-width: 2; stroke-dasharray: 7 4; }
svg .baseline { stroke: #6e7781; stroke-width: 1.5; stroke-dasharray: 2 3; }
svg .band { fill: #7fb0dd; fill-opacity: 0.55; stroke: var(--accent); stroke-width: 1; stroke-dasharray: 3 2; }
svg .projection { stroke: var(--accent); stroke-width: 1.8; stroke-dasharray: 3 3; }
svg .projected { fill: #fff; stroke: var(--accent); stroke-width: 2; }
svg .deadline { stroke: #6e7781; stroke-width: 1; stroke-dasharray: 1 3; }
svg .holiday { fill: #d9dde2; }
svg .hlab { fill: #4b545d; }
svg .vlab { font-weight: bold; } svg .vlab.goal { fill: #8a3700; } svg .vlab.base { fill: #4b545d; font-weight: normal; }
svg .frame { stroke: #c9d1d9; stroke-width: 1; }
svg.spark { vertical-align: middle; }
svg.spark polyline { fill: none; stroke: var(--accent); stroke-width: 1.6; }
svg.spark circle { fill: var(--accent); }
.multiples .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; }
figure.small { margin: 0; border: 1px solid var(--line); padding: 4px 6px; break-inside: avoid; page-break-inside: avoid; }
figure.small figcaption { font-size: 12px; font-weight: bold; overflow-wrap: anywhere; }
figure.small p { margin: 2px 0 0; }
svg.small { display: block; width: 100%; height: auto; }
table.actions { table-layout: fixed; }
table.actions th:nth-child(1) { width: 30%; } table.actions th:nth-child(2) { width: 20%; } table.actions th:nth-child(3) { width: 30%; }
table.actions th:nth-child(4) { width: 8%; } table.actions th:nth-child(5) { width: 12%; }
footer { margin-top: 24px; border-top: 1px solid var(--line); padding-top: 6px; }
/* a phone: every table row a card, each cell named by its column */
@media screen and (max-width: 640px) {
  body { padding: 8px 10px 24px; font-size: 14px; }
  h1 { font-size: 20px; } h2 { font-size: 17px; }
  nav ol { columns: 1; }
  .meta { grid-template-columns: 1fr; } .meta dd { margin-bottom: 4px; }
  .charts { grid-template-columns: 1fr; }
  table, thead, tbody, tr, th, td { display: block; width: auto; }
  thead { position: absolute; left: -10000px; }
  tr { border: 1px solid var(--line); margin: 0 0 6px; padding: 4px 6px; }
  td, th { border: 0; padding: 2px 0; text-align: left; }
  td.num { text-align: left; white-space: normal; }
  tr.muni-head { border: 0; padding: 0; margin-top: 10px; }
  td::before { color: var(--none); font-weight: normal; }
  {{phone_labels:S}}
  .multiples .grid { grid-template-columns: repeat(2, minmax(0, 1fr)); }
}
@page { size: A4 portrait; margin: 16mm 12mm 14mm 12mm;
  @top-left { content: {{running_header:S}}; font-family: "DejaVu Sans", sans-serif; font-size: 8pt; color: #3d444d; }
  @bottom-right { content: "Страница " counter(page) " из " counter(pages); font-family: "DejaVu Sans", sans-serif; font-size: 8pt; color: #3d444d; }
}
@media print {
  html, body { width: auto; max-width: 186mm; }
  body { padding: 0; font-size: 9.5pt; }
  h1 { font-size: 15pt; } h2 { font-size: 12.5pt; margin: 14pt 0 6pt; } h3 { font-size: 10.5pt; margin: 10pt 0 4pt; } h4 { font-size: 9.5pt; }
  nav { display: none; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  tr, p.legend, li { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  table { font-size: 8pt; table-layout: auto; }
  th, td { padding: 1.5pt 3pt; overflow-wrap: break-word; }
  td.count, td.change, td.short { white-space: normal; }
  td.name { overflow-wrap: anywhere; }
  table.dashboard th:nth-child(9), table.dashboard td:nth-child(9) { display: none; }
  .sub, .note, p.legend, .download, .chart-note, .abbr, .st, figure.small figcaption { font-size: 7.5pt; }
  .st { padding: 0 3pt; }
  tr.muni-head th { font-size: 8.5pt; }
  svg.spark { width: 48px; height: 16px; }
  .charts { display: block; }
  figure.chart { display: grid; grid-template-columns: 124mm 1fr; gap: 0 4mm; margin: 0 0 4mm; padding: 2mm 3mm; }
  figure.chart figcaption { grid-column: 1 / 3; font-size: 8.5pt; }
  .multiples .grid { grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 2mm; }
  a { color: inherit; text-decoration: none; }
  .download a::after { content: " — в электронной версии отчёта"; }
}
$css$, jsonb_build_object('running_header', running_header, 'phone_labels', (
    -- on a phone each cell says which column it is
    SELECT string_agg(format('table.%s td:nth-child(%s)::before { content: %s; }', t.cls, l.i,
                             @extschema@.report_css_string(l.label || ': ')), E'\n  ' ORDER BY t.cls, l.i)
    FROM (VALUES ('dashboard', ARRAY['Показатель', 'Платформа', 'Значение', 'Количество / всего', 'Цель', 'Статус', 'Не хватает', 'За неделю', '8 недель']),
                 ('resp', ARRAY['Показатель', 'Доля', 'Этап', 'Статус', 'Не хватает', 'За 4 недели', 'Прогноз или итог этапа']),
                 ('stages', ARRAY['Показатель', 'Этап', 'Срок', 'Доля на срок', 'Цель', 'Статус', 'Не хватило / осталось']),
                 ('stages-muni', ARRAY['Муниципалитет и показатель', 'Этап', 'Срок', 'Доля на срок', 'Цель', 'Статус', 'Не хватило / осталось']),
                 ('actions', ARRAY['Организация', 'Муниципалитет', 'Что не так', 'Людей', 'Не хватает до этапа']),
                 ('dq', ARRAY['Важность', 'Проверка', 'Объект', 'Случаев', 'Что сделать']),
                 ('method', ARRAY['Показатель', 'Что считается (количество)', 'Из чего (всего)']),
                 ('roadmap', ARRAY['№', 'Мероприятие', 'Ответственные', 'Срок', 'Статус', 'Просрочено, дней', 'Основание'])) AS t(cls, labels)
    CROSS JOIN LATERAL unnest(t.labels) WITH ORDINALITY AS l(label, i))));
COMMENT ON FUNCTION @extschema@.report_css(text) IS
'Internal (report_html): the page''s style sheet: screen, phone (≤ 640 px: rows as cards) and print (A4 portrait, running_header — a CSS string — at the top of every page, page numbers at the bottom, no text under 7 pt, charts at a width where their labels print at 7.5 pt or more).';

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
    latest date;
    today date;
    ctx jsonb;
    data_quality jsonb;
    s text[];
    part text;
    nav text := '';
    body text := '';
    k integer := 0;
    -- The page, in order: id, heading, and the function f(ctx jsonb) RETURNS text
    -- that writes the section.  One more section is one more line here.
    sections constant text[] := ARRAY[
        ['headline', 'Главное за неделю', 'report_headline'],
        ['dashboard', 'Показатели недели', 'report_dashboard'],
        ['municipalities', 'Муниципалитеты', 'report_municipalities'],
        ['stages', 'Итоги этапов', 'report_stage_results'],
        ['roadmap', 'Дорожная карта', 'report_roadmap'],
        ['actions', 'Организации, с которыми нужно связаться', 'report_actions'],
        ['charts', 'Динамика и прогноз', 'report_charts'],
        ['data-quality', 'Качество данных', 'report_data_quality'],
        ['methodology', 'Методика', 'report_methodology']];
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
    today := (now() AT TIME ZONE tz)::date;
    EXECUTE format('SELECT max(l.week_start) FILTER (WHERE l.complete) FROM %s.refresh_log l WHERE l.region_code = $1', v)
       INTO latest USING region_code;
    data_quality := @extschema@.report_rows(views_schema, 'data_quality', region_code, w);
    ctx := jsonb_build_object('views', views_schema, 'mart', mart, 'region', region_code, 'region_name', region_name,
                              'week', w, 'min_cell', min_cell, 'monitored', @extschema@.monitored_platform(w),
                              'main', to_jsonb(@extschema@.report_main_indicators(region_code, w)),
                              -- each indicator's title once per page (the sections name them on every row)
                              'titles', (SELECT jsonb_object_agg(d.indicator, (@extschema@.report_indicator_ru(d.indicator)).title)
                                           FROM @extschema@.indicator_definition d),
                              'forecast', @extschema@.report_rows(views_schema, 'forecast', region_code, w),
                              'data_quality', data_quality,
                              'actions', @extschema@.report_rows(views_schema, 'action_list', region_code, w),
                              'dq_errors', (SELECT count(*) FROM jsonb_array_elements(coalesce(data_quality, '[]')) q
                                             WHERE q->>'severity' = 'error' AND (q->>'count')::bigint > 0));
    FOREACH s SLICE 1 IN ARRAY sections LOOP
        k := k + 1;
        EXECUTE format('SELECT @extschema@.%I($1)', s[3]) INTO part USING ctx;
        -- a section with nothing to say for this region (the roadmap of a region without one)
        IF part IS NULL AND s[1] = 'roadmap' THEN
            k := k - 1;
            CONTINUE;
        END IF;
        nav := nav || format('<li><a href="#%s">%s</a></li>', s[1], @extschema@.report_escape(s[2]));
        body := body || format('<section id="%s"><h2>%s. %s</h2>', s[1], k, @extschema@.report_escape(s[2])) || coalesce(part, '') || '</section>';
    END LOOP;

    RETURN '<!DOCTYPE html>' || E'\n' || '<html lang="ru"><head><meta charset="utf-8">'
        || '<meta name="viewport" content="width=device-width, initial-scale=1">'
        || format('<title>Сферум: еженедельный отчёт — %s — неделя %s – %s</title>', @extschema@.report_escape(region_name),
                  to_char(w, 'DD.MM.YYYY'), to_char(w + 6, 'DD.MM.YYYY'))
        || '<style>' || @extschema@.report_css(@extschema@.report_css_string(format('ИКОП «Сферум» · %s · неделя %s – %s', region_name,
                                                                                to_char(w, 'DD.MM.YYYY'), to_char(w + 6, 'DD.MM.YYYY')))) || '</style></head>'
        || format('<body data-region="%s" data-week="%s">', @extschema@.report_escape(region_code), to_char(w, 'YYYY-MM-DD'))
        || format('<header><h1>Еженедельный отчёт ИКОП «Сферум»: %s</h1>', @extschema@.report_escape(region_name))
        || '<dl class="meta">'
        || format('<dt>Неделя</dt><dd>%s – %s%s</dd>', to_char(w, 'DD.MM.YYYY'), to_char(w + 6, 'DD.MM.YYYY'),
                  CASE WHEN log.complete THEN '' ELSE ' — <b>неделя неполная</b>: за воскресенье данных нет' END)
        || format('<dt>Учебный год</dt><dd>%s/%s; контролируемая платформа — %s</dd>', sy, sy + 1,
                  CASE @extschema@.monitored_platform(w) WHEN 'national' THEN 'национальный мессенджер' ELSE 'VK Мессенджер' END)
        || format('<dt>Данные</dt><dd data-fresh="%s">данные по %s</dd>', coalesce(to_char(log.last_activity_day, 'YYYY-MM-DD'), ''),
                  coalesce(to_char(log.last_activity_day, 'DD.MM.YYYY'), '—'))
        || format('<dt>Отчёт сформирован</dt><dd data-generated="%s">%s (время региона)</dd>', to_char(today, 'YYYY-MM-DD'),
                  to_char(now() AT TIME ZONE tz, 'DD.MM.YYYY HH24:MI'))
        || '</dl>'
        || CASE WHEN today - (latest + 6) > 14
                THEN format('<p class="stale" role="alert">Внимание: данные устарели. Последняя полная неделя в хранилище закончилась %s — '
                            'на %s %s раньше даты формирования отчёта. Статусы «срок не наступил» и прогнозы относятся к той неделе, а не к сегодняшнему дню.</p>',
                            to_char(latest + 6, 'DD.MM.YYYY'), today - (latest + 6), @extschema@.report_plural(today - (latest + 6), 'день', 'дня', 'дней'))
                ELSE '' END
        || CASE WHEN w < latest
                THEN format('<p class="stale">Это отчёт за прошлую неделю: последняя полная неделя в хранилище — %s – %s.</p>',
                            to_char(latest, 'DD.MM.YYYY'), to_char(latest + 6, 'DD.MM.YYYY'))
                ELSE '' END
        || '<p class="abbr">Сокращения: ЭЖД — электронный журнал и электронный дневник; РОИВ — региональный орган исполнительной власти, '
        || 'осуществляющий государственное управление в сфере образования; ОМСУ — орган местного самоуправления, осуществляющий управление в сфере образования; '
        || 'п. п. — процентные пункты.</p>'
        || '<nav><b>Разделы</b><ol>' || nav || '</ol></nav></header>'
        || body
        || '<footer class="note">Только агрегированные данные: ни одного человека по отдельности. '
        || CASE WHEN min_cell > 0
                THEN format('Ниже уровня региона значения групп меньше %s человек скрыты (правило малых групп). ', min_cell)
                ELSE 'Правило малых групп отключено: отчёт только для внутреннего использования. ' END
        || 'Отчёт подготовлен автоматически из еженедельного хранилища показателей.'
        || '</footer></body></html>' || E'\n';
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_html(name, text, date) IS
'The weekly report for the regional authority: one self-contained HTML5 page in Russian for a region and week of the KPI store of views_schema (NULL week: the region''s latest complete week): the headline naming the indicators below their stage, the people short, the days left, the stage results and the week''s changes; the indicators of the week; every municipality by main indicator with small multiples; the stage results; the organisations to call; the charts with holidays, stage, baseline and forecast; data quality; the methodology. Statuses in words, CSV downloads as data: links, no script, no external reference; reads on a phone and prints on A4 with a running header and page numbers. Aggregates only, through the views that apply the small-cell rule.';
