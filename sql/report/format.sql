--------------------------------------------------------------------------------
-- The weekly report (report_html, sql/report/page.sql): formats and helpers
-- every section shares.  Numbers as a Russian reader writes them (63,1 %,
-- +0,4 п. п., 12 345), statuses as a word with a mark and a colour (never the
-- colour alone), the CSV downloads (data: links, no script), the rows a page
-- reads more than once.
--
-- The helpers a section calls once per row (report_escape, report_pct, ...,
-- report_badge) carry no SET search_path: a SQL function with a SET clause is
-- never inlined, and each call then saves and restores the setting, which at a
-- large region's thousands of rows cost the page about a second.  They need no
-- pin: a SQL-standard body (RETURN ..., BEGIN ATOMIC) is parsed when the
-- function is created, so its names are resolved then, never at call time.
-- Those that call to_char or format are STABLE, as those are (the planner
-- inlines an IMMUTABLE function only when its body is immutable too).
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.report_escape(value text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN replace(replace(replace(replace(replace(value, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;');
COMMENT ON FUNCTION @extschema@.report_escape(text) IS
'Internal (report_html): the text escaped for HTML text and attribute values (& < > " and '' as character references); NULL stays NULL.';
CREATE FUNCTION @extschema@.report_pct(share double precision)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN share IS NULL OR share = 'NaN' OR NOT abs(share) < 1e5 THEN '—'
            ELSE replace(to_char(100 * share, 'FM9999990.0'), '.', ',') || chr(160) || '%' END;
COMMENT ON FUNCTION @extschema@.report_pct(double precision) IS
'Internal (report_html): a share (0.631) as Russian percent text with one decimal (63,1 %); NULL, NaN and values beyond ±100 000 (infinities): a dash.';
CREATE FUNCTION @extschema@.report_pp(change double precision)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN change IS NULL OR change = 'NaN' OR NOT abs(change) < 1e5 THEN '—'
            WHEN round((100 * change)::numeric, 1) = 0 THEN '0,0' || chr(160) || 'п.' || chr(160) || 'п.'
            WHEN change > 0 THEN '+' || replace(to_char(100 * change, 'FM9999990.0'), '.', ',') || chr(160) || 'п.' || chr(160) || 'п.'
            ELSE chr(8722) || replace(to_char(-100 * change, 'FM9999990.0'), '.', ',') || chr(160) || 'п.' || chr(160) || 'п.' END;
COMMENT ON FUNCTION @extschema@.report_pp(double precision) IS
'Internal (report_html): a change of a share (0.004) in percentage points with its sign (+0,4 п. п., −1,2 п. п.); NULL, NaN and values beyond ±100 000: a dash.';
CREATE FUNCTION @extschema@.report_int(value bigint)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN value IS NULL THEN '—'
            ELSE replace(to_char(value, 'FM9,999,999,999,999,999,990'), ',', chr(160)) END;
COMMENT ON FUNCTION @extschema@.report_int(bigint) IS
'Internal (report_html): a count with its thousands separated by no-break spaces (12 345); NULL: a dash.';
CREATE FUNCTION @extschema@.report_plural(n bigint, one text, few text, many text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN n % 10 = 1 AND n % 100 <> 11 THEN one
            WHEN n % 10 BETWEEN 2 AND 4 AND n % 100 NOT BETWEEN 12 AND 14 THEN few
            ELSE many END;
COMMENT ON FUNCTION @extschema@.report_plural(bigint, text, text, text) IS
'Internal (report_html): the Russian plural form for a count n: one (1, 21, 101 организация), few (2-4, 22-24 организации) or many (0, 5-20, 25 организаций).';

CREATE FUNCTION @extschema@.report_status_css(code text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN code IN ('met', 'on_track', 'deadline_met') THEN 'good'
            WHEN code IN ('at_risk', 'behind', 'warning', 'gone_quiet') THEN 'risk'
            WHEN code IN ('off_track', 'missed', 'deadline_missed', 'error', 'not_started') THEN 'bad'
            ELSE 'none' END;
COMMENT ON FUNCTION @extschema@.report_status_css(text) IS
'Internal (report_html): the class of a status code (report_status_label lists the codes): good, risk, bad or none (anything else, NULL too).';
CREATE FUNCTION @extschema@.report_status_label(code text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE code WHEN 'met' THEN 'Выполнено' WHEN 'on_track' THEN 'Успеваем' WHEN 'at_risk' THEN 'Под угрозой'
                 WHEN 'off_track' THEN 'Не успеваем' WHEN 'behind' THEN 'Не выполнено, срок не наступил'
                 WHEN 'missed' THEN 'Не выполнено, срок истёк' WHEN 'deadline_met' THEN 'Срок истёк, выполнено'
                 WHEN 'deadline_missed' THEN 'Срок истёк, не выполнено' WHEN 'deadline_no_data' THEN 'Срок истёк, нет данных на срок'
                 WHEN 'upcoming' THEN 'Срок не наступил' WHEN 'error' THEN 'Ошибка' WHEN 'warning' THEN 'Предупреждение'
                 WHEN 'no_target' THEN 'Цель не задана' WHEN 'suppressed' THEN 'Скрыто (малая группа)'
                 ELSE 'Нет данных' END;
COMMENT ON FUNCTION @extschema@.report_status_label(text) IS
'Internal (report_html): a status code (met, behind, missed, on_track, at_risk, off_track, deadline_met, deadline_missed, deadline_no_data, upcoming, error, warning, no_target, suppressed; anything else: no data) as its Russian label, capitalised alike.';

CREATE FUNCTION @extschema@.report_badge(code text, label text DEFAULT NULL)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN '<span class="st st-' || @extschema@.report_status_css(code) || '"><span class="mark" aria-hidden="true">'
    || CASE @extschema@.report_status_css(code) WHEN 'good' THEN '✓' WHEN 'bad' THEN '✗' WHEN 'risk' THEN '!' ELSE '–' END
    || '</span>' || @extschema@.report_escape(coalesce(label, @extschema@.report_status_label(code))) || '</span>';
COMMENT ON FUNCTION @extschema@.report_badge(text, text) IS
'Internal (report_html): a status as the page shows it: its words (label, or report_status_label''s), a mark (✓ ✗ ! –) and a colour that reads in grey scale too; never the colour alone.';

CREATE FUNCTION @extschema@.report_legend()
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN '<p class="legend"><b>Обозначения статусов:</b> '
    || @extschema@.report_badge('met', 'Выполнено / успеваем') || ' '
    || @extschema@.report_badge('behind', 'Отстаём, срок не наступил / под угрозой') || ' '
    || @extschema@.report_badge('missed', 'Не выполнено / не успеваем') || ' '
    || @extschema@.report_badge('unknown', 'Нет данных или цели') || ' '
    || '<span class="note">Статус всегда написан словами; цвет и знак только дублируют его.</span></p>';
COMMENT ON FUNCTION @extschema@.report_legend() IS
'Internal (report_html): the legend of the four status classes (words, mark, colour).';

CREATE FUNCTION @extschema@.report_csv_num(value double precision, digits integer DEFAULT 1)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN value IS NULL OR value = 'NaN' OR NOT abs(value) < 1e15 THEN ''
            -- to_char, as report_pct: the page and its CSV round a value alike
            ELSE replace(to_char(value, 'FM999999999999990' || CASE WHEN digits > 0 THEN '.' || repeat('0', least(digits, 15)) ELSE '' END), '.', ',') END;
COMMENT ON FUNCTION @extschema@.report_csv_num(double precision, integer) IS
'Internal (report_html): a number for the CSV downloads: rounded to digits, with a decimal comma (63,1), no thousands separator; NULL, NaN and infinities empty.';

CREATE FUNCTION @extschema@.report_csv_row(VARIADIC cells text[])
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    c text;
    line text := '';
    first boolean := true;
BEGIN
    -- plpgsql, not a SQL function over unnest(): that one cannot be inlined and
    -- costs three times as much per line (a large region's downloads hold
    -- thousands of lines)
    IF cells IS NULL THEN
        RETURN NULL;
    END IF;
    FOREACH c IN ARRAY cells LOOP
        IF NOT first THEN
            line := line || ';';
        END IF;
        first := false;
        IF c ~ '[;"\r\n]' THEN
            line := line || '"' || replace(c, '"', '""') || '"';
        ELSE
            line := line || coalesce(c, '');
        END IF;
    END LOOP;
    RETURN line || E'\r\n';
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_csv_row(text[]) IS
'Internal (report_html): one CSV line as Excel in a Russian locale reads it: cells separated by ;, a cell with ; " or a line break quoted (quotes doubled), NULL empty, ended by CR LF.';

CREATE FUNCTION @extschema@.report_csv_link(file_name text, header text[], body text, row_count bigint)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN format('<p class="download"><a class="csv" download="%s" data-rows="%s" href="data:text/csv;charset=utf-8;base64,%s">Скачать таблицу (CSV, %s %s)</a></p>',
              @extschema@.report_escape(file_name), coalesce(row_count, 0),
              translate(encode('\xefbbbf'::bytea || convert_to(@extschema@.report_csv_row(VARIADIC header) || coalesce(body, ''), 'UTF8'), 'base64'), E'\n', ''),
              @extschema@.report_int(coalesce(row_count, 0)),
              @extschema@.report_plural(coalesce(row_count, 0), 'строка', 'строки', 'строк'));
COMMENT ON FUNCTION @extschema@.report_csv_link(text, text[], text, bigint) IS
'Internal (report_html): the download link of a table, without a script: a data:text/csv URL (UTF-8 with a byte-order mark, base64) of the header and the body lines of report_csv_row, with the file name and the number of rows.';

CREATE FUNCTION @extschema@.report_indicator_ru(indicator text, OUT title text, OUT definition text, OUT denominator text)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT (coalesce(x.title, d.title_ru, (SELECT t.title_ru FROM @extschema@.target t WHERE t.indicator = c.code ORDER BY t.stage LIMIT 1), c.code), coalesce(x.definition, d.numerator), coalesce(x.denominator, d.denominator))
          FROM (SELECT report_indicator_ru.indicator AS code) c
          LEFT JOIN @extschema@.indicator_definition d ON d.indicator = c.code
          LEFT JOIN (VALUES
    ('active_orgs', NULL, 'организации со статусом «Активна» на конец недели: администратор входил, данные организации заполнены, добавлено не менее 3 педагогов', 'образовательные организации в охвате показателя'),
    ('active_teachers', NULL, 'педагогические работники со статусом «Активен»: подтверждённый профиль и не менее 10 сообщений за неделю на платформе', 'педагогические работники в охвате показателя'),
    ('chats_10_per_week', 'Доля чатов, созданных педагогическими работниками государственных и муниципальных организаций, с не менее 10 сообщениями в неделю', 'чаты, созданные педагогическими работниками, с не менее 10 сообщениями за неделю', 'чаты, созданные педагогическими работниками и открытые в течение недели'),
    ('ejournal_connected', NULL, 'общеобразовательные организации, подключившие электронный журнал и дневник (ЭЖД) к ИКОП «Сферум» или внедрившие ЭЖД ФГИС «Моя школа»', 'общеобразовательные организации в охвате показателя'),
    ('learners_parents_weekly', 'Доля обучающихся и родителей (законных представителей), еженедельно использующих Сферум (читают / пишут)', 'обучающиеся и родители (законные представители), прочитавшие или написавшие хотя бы одно сообщение за неделю на платформе', 'число обучающихся по статистическим формам учебного года × 2 (один родитель на обучающегося)'),
    ('national_only_users', NULL, 'пользователи, активные за неделю только в национальном мессенджере', 'пользователи, активные за неделю на любой из платформ'),
    ('officials_weekly_writers', 'Доля государственных и муниципальных служащих органов управления образованием (РОИВ, ОМСУ) и работников подведомственных организаций, еженедельно пишущих сообщения', 'государственные и муниципальные служащие органов управления образованием и работники подведомственных организаций, написавшие хотя бы одно сообщение за неделю на платформе', 'фактическая численность этих органов и организаций по статистическим формам'),
    ('orgs_connected', NULL, 'организации, подключённые к ИКОП «Сферум» на конец недели', 'образовательные организации в охвате показателя'),
    ('spo_registered', NULL, 'профессиональные образовательные организации, зарегистрированные на ИКОП «Сферум» на конец недели', 'профессиональные образовательные организации в охвате показателя'),
    ('staff_using', NULL, 'педагогические работники с подтверждённым профилем (роль подтверждена, добавлены в сообщество) на конец недели', 'педагогические работники в охвате показателя'),
    ('staff_weekly_writers', NULL, 'работники образовательных организаций, написавшие хотя бы одно сообщение за неделю на платформе', 'работники образовательных организаций в охвате показателя')
          ) AS x(code, title, definition, denominator) ON x.code = c.code);
COMMENT ON FUNCTION @extschema@.report_indicator_ru(text) IS
'Internal (report_html): an indicator as the report names it: its Russian title (indicator_definition''s, or the seed documents'' wording where that differs: «обучающиеся и родители (законные представители)», «чаты, созданные педагогическими работниками», «государственные и муниципальные служащие ... и работники подведомственных организаций»), what is counted and over what (the methodology''s wording in the seed documents'' terms; the definition''s own text for an indicator without one).';
CREATE FUNCTION @extschema@.report_title(titles jsonb, indicator text)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN coalesce(titles->>indicator, (@extschema@.report_indicator_ru(indicator)).title);
COMMENT ON FUNCTION @extschema@.report_title(jsonb, text) IS
'Internal (report_html): an indicator''s Russian title from titles (ctx->titles: report_html reads report_indicator_ru once per indicator for the page), else from report_indicator_ru. The sections call it once per row; inlined by the planner.';
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
    ELSIF relation IN ('not_started', 'action_list', 'data_quality') THEN
        IF to_regclass(v || '.' || relation) IS NULL THEN
            RETURN NULL;
        END IF;
        -- the region's rows of the week; data_quality's findings are not weekly:
        -- those of the region and those of the whole mart (no region)
        EXECUTE format('SELECT jsonb_agg(to_jsonb(r)) FROM %s.%I r WHERE %s', v, relation,
                       CASE WHEN relation = 'data_quality' THEN 'r.region_code IS NULL OR r.region_code = $1'
                            ELSE 'r.week_start = $2 AND r.region_code = $1' END)
           INTO rows USING region_code, week;
    ELSE
        RAISE EXCEPTION 'report_rows: unknown relation "%"', relation USING ERRCODE = '22023';
    END IF;
    RETURN coalesce(rows, '[]'::jsonb);
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_rows(name, text, text, date) IS
'Internal (report_html): the rows a page reads more than once, as a jsonb array, read once: relation forecast (sferum_kpi.forecast of the week for the region on the monitored platform), not_started or action_list (the region''s week) or data_quality (findings of the region and of the whole mart); NULL when the views schema lacks the source.';
