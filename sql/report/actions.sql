--------------------------------------------------------------------------------
-- The weekly report: what to act on.  report_stage_results: each stage's
-- result at its deadline for the region, and the municipalities' results of
-- this school year's stages, worst first (<views>.stage_results);
-- report_actions: the organisations to call, by reason, most people short
-- first (<views>.action_list); report_data_quality: the findings of
-- <views>.data_quality.  A list is capped on the page with «и ещё N»; its CSV
-- download holds every row.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.report_stage_results(ctx jsonb, max_rows integer DEFAULT 20)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v text := quote_ident(ctx->>'views');
    year_start date := make_date(@extschema@.school_year((ctx->>'week')::date), 9, 1);
    region_rows text;
    muni_rows text;
    muni_total bigint;
    csv text;
    n bigint;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('max_rows', max_rows));
    IF max_rows < 0 THEN
        RAISE EXCEPTION 'max_rows must be 0 or more (got %)', max_rows USING ERRCODE = '22023';
    END IF;
    IF to_regclass(v || '.stage_results') IS NULL THEN
        RETURN @extschema@.report_missing(ctx->>'views', 'stage_results');
    END IF;
    EXECUTE format($q$
WITH s AS MATERIALIZED (
    SELECT s.*, @extschema@.report_title($4, s.indicator) AS title, d.unit
    FROM %s.stage_results s JOIN @extschema@.indicator_definition d ON d.indicator = s.indicator
    WHERE s.region_code = $1
), line AS (
    SELECT s.*, format('<tr data-indicator="%%s" data-stage="%%s"><td class="name">%%s</td><td class="num">%%s</td><td class="num">%%s</td><td class="num">%%s</td>'
                       '<td class="num">%%s</td><td class="status">%%s</td><td class="num short">%%s</td></tr>',
                       @extschema@.report_escape(s.indicator), s.stage,
                       CASE WHEN s.level = 'region' THEN @extschema@.report_escape(s.title)
                            ELSE @extschema@.report_escape(coalesce(s.municipality_name, '—')) || '<div class="sub">' || @extschema@.report_escape(s.title) || '</div>' END,
                       s.stage, to_char(s.deadline, 'DD.MM.YYYY'),
                       CASE WHEN s.suppressed THEN 'скрыто' ELSE @extschema@.report_pct(s.share) END,
                       coalesce(@extschema@.report_pct(s.threshold), 'базовый уровень'),
                       @extschema@.report_badge(s.status),
                       CASE WHEN s.status = 'upcoming' THEN format('%%s %%s до срока', s.days_left, @extschema@.report_plural(s.days_left, 'день', 'дня', 'дней'))
                            WHEN s.people_short > 0 THEN @extschema@.report_int(s.people_short) || ' ' || @extschema@.report_unit_plural(s.unit, s.people_short)
                            ELSE '—' END) AS html,
           row_number() OVER (PARTITION BY s.level ORDER BY s.status = 'deadline_missed' DESC, s.status = 'deadline_no_data' DESC,
                                                            s.people_short DESC NULLS LAST, s.deadline DESC, s.municipality_name, s.indicator) AS n
    FROM s
)
SELECT (SELECT string_agg(l.html, '' ORDER BY l.deadline DESC, l.indicator, l.stage) FROM line l WHERE l.level = 'region'),
       (SELECT string_agg(l.html, '' ORDER BY l.n) FROM line l WHERE l.level = 'municipality' AND l.deadline >= $2 AND l.n <= $3),
       (SELECT count(*) FROM line l WHERE l.level = 'municipality' AND l.deadline >= $2),
       (SELECT string_agg(@extschema@.report_csv_row(s.level_ru, s.municipality_name, s.title, s.stage::text, to_char(s.deadline, 'DD.MM.YYYY'),
                                                     to_char(s.result_week, 'DD.MM.YYYY'), @extschema@.report_csv_num(100 * s.share),
                                                     @extschema@.report_csv_num(100 * s.threshold), @extschema@.report_status_label(s.status),
                                                     s.people_short::text, s.days_left::text),
                          '' ORDER BY s.level DESC, s.deadline DESC, s.municipality_name, s.indicator, s.stage) FROM s),
       (SELECT count(*) FROM s)$q$, v)
      INTO region_rows, muni_rows, muni_total, csv, n USING ctx->>'region', year_start, max_rows, coalesce(ctx->'titles', '{}');
    -- the municipalities are ranked among themselves; the rows below the cap are counted, not lost
    RETURN '<h3>Регион</h3><div class="tw"><table class="stages"><thead><tr><th>Показатель</th><th>Этап</th><th>Срок</th><th>Доля на срок</th><th>Цель</th><th>Статус</th>'
        || '<th>Не хватило / осталось</th></tr></thead><tbody>'
        || coalesce(region_rows, '<tr><td colspan="7">Этапов нет.</td></tr>') || '</tbody></table></div>'
        || '<h3>Муниципалитеты: этапы этого учебного года, сначала не выполненные</h3>'
        || CASE WHEN muni_rows IS NULL THEN '<p>Нет этапов с итогами по муниципалитетам.</p>'
                ELSE '<div class="tw"><table class="stages-muni"><thead><tr><th>Муниципалитет и показатель</th><th>Этап</th><th>Срок</th><th>Доля на срок</th><th>Цель</th>'
                     || '<th>Статус</th><th>Не хватило / осталось</th></tr></thead><tbody>' || muni_rows || '</tbody></table></div>' END
        || CASE WHEN muni_total > max_rows
                THEN format('<p class="more">и ещё %s %s — полностью в файле CSV</p>', @extschema@.report_int(muni_total - max_rows),
                            @extschema@.report_plural(muni_total - max_rows, 'строка', 'строки', 'строк'))
                ELSE '' END
        || @extschema@.report_csv_link('itogi-etapov.csv', ARRAY['Уровень', 'Муниципалитет', 'Показатель', 'Этап', 'Срок', 'Неделя итога', 'Доля на срок, %',
                                       'Цель, %', 'Статус', 'Не хватило', 'Дней до срока'], csv, n)
        || '<p class="note">Итог этапа — доля на неделе итога: последней полной неделе, воскресенье которой не позже срока (если это каникулярная неделя — на учебной неделе перед ней). '
        || 'После срока итог окончательный («срок истёк»), до срока — «срок не наступил» и сколько дней осталось.</p>';
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_stage_results(jsonb, integer) IS
'Internal (report_html): the stage-results section from <views>.stage_results: every stage of the region with its result at the deadline (or the days left), and the municipalities'' results of the school year''s stages, missed first and most people short first, capped at max_rows with «и ещё N»; the CSV download holds every row of the region and its municipalities.';

CREATE FUNCTION @extschema@.report_actions(ctx jsonb, max_rows integer DEFAULT 12)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v text := quote_ident(ctx->>'views');
    groups text;
    csv text;
    n bigint;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('max_rows', max_rows));
    IF max_rows < 0 THEN
        RAISE EXCEPTION 'max_rows must be 0 or more (got %)', max_rows USING ERRCODE = '22023';
    END IF;
    IF jsonb_typeof(ctx->'actions') IS DISTINCT FROM 'array' AND to_regclass(v || '.action_list') IS NULL THEN
        RETURN @extschema@.report_missing(ctx->>'views', 'action_list');
    END IF;
    EXECUTE format($q$
WITH a AS MATERIALIZED (
    SELECT a.*, row_number() OVER (PARTITION BY a.reason ORDER BY a.people_short DESC NULLS LAST, a.people DESC NULLS LAST, a.org_name, a.org_id) AS n,
           count(*) OVER (PARTITION BY a.reason) AS total,
           (SELECT string_agg(@extschema@.report_title($5, btrim(x)), '; ') FROM unnest(string_to_array(a.indicators, ',')) x) AS titles
    FROM (%s) a
    WHERE a.week_start = $1 AND a.region_code = $2
)
SELECT (SELECT string_agg(g.html, '' ORDER BY g.total DESC, g.reason) FROM (
            SELECT a.reason, a.total,
                   format('<div class="reason" data-reason="%%s"><h3>%%s — %%s %%s</h3><div class="tw"><table class="actions"><thead><tr><th>Организация</th><th>Муниципалитет</th>'
                          '<th>Что не так</th><th>Людей</th><th>Не хватает до этапа</th></tr></thead><tbody>',
                          @extschema@.report_escape(a.reason), @extschema@.report_escape(min(a.reason_ru)), @extschema@.report_int(a.total),
                          @extschema@.report_plural(a.total, 'организация', 'организации', 'организаций'))
                   || string_agg(format('<tr class="org"><td class="name">%%s<div class="sub">%%s</div></td><td>%%s</td><td>%%s</td><td class="num">%%s</td><td class="num">%%s</td></tr>',
                                        @extschema@.report_escape(a.org_name), @extschema@.report_escape(a.org_kind_ru),
                                        @extschema@.report_escape(coalesce(a.municipality_name, '—')),
                                        @extschema@.report_escape(CASE WHEN a.reason = 'below_stage' THEN 'ниже этапа: ' || a.titles
                                                                       ELSE coalesce(a.detail_ru, a.reason_ru) END),
                                        @extschema@.report_int(a.people), CASE WHEN a.people_short > 0 THEN @extschema@.report_int(a.people_short) ELSE '—' END),
                                 '' ORDER BY a.n) FILTER (WHERE a.n <= $3)
                   || '</tbody></table></div>'
                   || CASE WHEN a.total > $3 THEN format('<p class="more">и ещё %%s %%s — полностью в файле CSV</p>', @extschema@.report_int(a.total - $3),
                                                         @extschema@.report_plural(a.total - $3, 'организация', 'организации', 'организаций'))
                           ELSE '' END || '</div>' AS html
            FROM a GROUP BY a.reason, a.total) g),
       (SELECT string_agg(@extschema@.report_csv_row(a.reason_ru, a.org_name, a.org_kind_ru, a.municipality_name, a.detail_ru, a.people::text,
                                                     a.people_short::text, a.titles),
                          '' ORDER BY a.total DESC, a.reason, a.n) FROM a),
       (SELECT count(*) FROM a)$q$,
            CASE WHEN jsonb_typeof(ctx->'actions') = 'array'
                 THEN 'SELECT * FROM jsonb_to_recordset($4) AS r(week_start date, region_code text, municipality_id bigint, municipality_name text, '
                      'org_id bigint, org_name text, org_kind text, org_kind_ru text, reason text, reason_ru text, detail_ru text, indicators text, '
                      'targets_ru text, people bigint, people_short bigint)'
                 ELSE format('SELECT * FROM %s.action_list', quote_ident(ctx->>'views')) END)
       INTO groups, csv, n USING (ctx->>'week')::date, ctx->>'region', max_rows, ctx->'actions', coalesce(ctx->'titles', '{}');
    IF n = 0 THEN
        RETURN '<p class="ok">Организаций, с которыми нужно связаться, на этой неделе нет.</p>';
    END IF;
    RETURN '<p>Кому звонить на этой неделе и почему: организации, которые не подключены, не «Активна», без ЭЖД, не начали работу или прекратили активность на '
        || 'контролируемой платформе, и те, кому больше всего не хватает людей до этапа. Сначала — где не хватает больше всего.</p>'
        || groups
        || @extschema@.report_csv_link('organizacii.csv', ARRAY['Причина', 'Организация', 'Тип', 'Муниципалитет', 'Что не так', 'Людей',
                                       'Не хватает до этапа', 'Показатели'], csv, n);
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_actions(jsonb, integer) IS
'Internal (report_html): the organisations-to-call section from <views>.action_list for the region and week (the rows the page read once, ctx->actions, when there): a table per reason (most organisations first), most people short first, each capped at max_rows with «и ещё N»; the CSV download holds every organisation with its indicators.';

CREATE FUNCTION @extschema@.report_data_quality(ctx jsonb)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    data_quality jsonb := ctx->'data_quality';
    found_rows text;
    passed text;
    errors bigint;
BEGIN
    IF data_quality IS NULL OR jsonb_typeof(data_quality) = 'null' THEN
        RETURN @extschema@.report_missing(ctx->>'views', 'data_quality');
    END IF;
    -- a check that found nothing is one row with count 0
    EXECUTE $q$
WITH q AS MATERIALIZED (
    SELECT * FROM jsonb_to_recordset($1) AS q0("check" text, check_ru text, severity text, object text, count bigint,
                                              fix text, fix_ru text, region_code text)
)
SELECT
    (SELECT string_agg(format('<tr data-check="%s"><td class="status">%s</td><td class="name">%s</td><td>%s</td><td class="num">%s</td><td class="fix">%s</td></tr>',
                              @extschema@.report_escape(q.check),
                              @extschema@.report_badge(q.severity, CASE q.severity WHEN 'error' THEN 'Ошибка' WHEN 'warning' THEN 'Предупреждение'
                                                                                   WHEN 'info' THEN 'Сведения' ELSE q.severity END),
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
                ELSE '<div class="tw"><table class="dq"><thead><tr><th>Важность</th><th>Проверка</th><th>Объект</th><th>Случаев</th><th>Что сделать</th></tr></thead><tbody>'
                     || found_rows || '</tbody></table></div>' END
        || CASE WHEN errors > 0
                THEN '<p class="note">Ошибки искажают показатели этого отчёта: исправьте данные витрины и обновите затронутые недели '
                     || '(<code>SELECT * FROM sferum_kpi.refresh_recent(...)</code> или <code>sferum_kpi.snapshot_week(...)</code>).</p>'
                ELSE '' END
        || coalesce('<p class="note">Без замечаний: ' || passed || '.</p>', '');
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_data_quality(jsonb) IS
'Internal (report_html): the data-quality section: the findings of <views>.data_quality (the rows the page read once, ctx->data_quality) for the region and for the whole mart, errors first, with the object, the number of cases and the fix, and the checks that found nothing.';
