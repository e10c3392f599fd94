--------------------------------------------------------------------------------
-- The weekly report: the methodology at the end of the page.  Where the data
-- come from, each indicator's definition and denominator, how the forecast is
-- made, the holidays of the school year and the small-cell rule.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.report_methodology(ctx jsonb)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    week date := (ctx->>'week')::date;
    sy integer := @extschema@.school_year((ctx->>'week')::date);
    min_cell integer := (ctx->>'min_cell')::integer;
    defs text;
    holidays text;
BEGIN
    SELECT string_agg(format('<tr data-indicator="%s"><td class="name">%s</td><td>%s</td><td>%s</td></tr>',
                             @extschema@.report_escape(d.indicator), @extschema@.report_escape(x.title),
                             @extschema@.report_escape(x.definition), @extschema@.report_escape(x.denominator)), '' ORDER BY x.title)
      INTO defs
      FROM @extschema@.indicator_definition d CROSS JOIN LATERAL @extschema@.report_indicator_ru(d.indicator) x;
    -- the holiday weeks of the school year as the store marked them: a run of weeks once
    EXECUTE format($q$
SELECT string_agg(format('%%s: %%s – %%s', h.name, to_char(h.first_week, 'DD.MM.YYYY'), to_char(h.last_week + 6, 'DD.MM.YYYY')), '; ' ORDER BY h.first_week)
FROM (SELECT min(w.week_start) AS first_week, max(w.week_start) AS last_week, min(w.name) AS name
        FROM (SELECT x.week_start, x.name, x.week_start - 7 * row_number() OVER (PARTITION BY x.name ORDER BY x.week_start)::integer AS grp
                FROM (SELECT DISTINCT i.week_start, coalesce(i.holiday_kind_ru, 'Каникулы') AS name FROM %s.indicators i
                       WHERE i.level = 'region' AND i.region_code = $1 AND i.holiday AND i.week_start BETWEEN $2 AND $3) x) w
       GROUP BY w.grp, w.name) h$q$, quote_ident(ctx->>'views'))
       INTO holidays USING ctx->>'region', @extschema@.week_start(make_date(sy, 9, 1) + 6), week;
    RETURN '<h3>Источники</h3><p>Витрина данных региона: реестр образовательных организаций, органов управления образованием и их работников, '
        || 'обучающихся и родителей (законных представителей) с датами членства; ежедневная активность на платформах (VK Мессенджер и национальный мессенджер: '
        || 'прочитанные и написанные сообщения); чаты и их ежедневные сообщения; статистические формы учебного года (численность обучающихся и работников); '
        || 'календарь каникул региона; отчёты о вехах дорожной карты. Неделя — с понедельника по воскресенье по местному времени региона; '
        || 'неделя полная, когда за её воскресенье есть данные активности.</p>'
        || '<h3>Показатели</h3><div class="tw"><table class="method"><thead><tr><th>Показатель</th><th>Что считается (количество)</th><th>Из чего (всего)</th></tr></thead><tbody>'
        || coalesce(defs, '') || '</tbody></table></div>'
        || '<p class="note">Доля = количество / всего на контролируемой платформе (VK Мессенджер до 2024/2025 учебного года, национальный мессенджер с 2025/2026); '
        || 'количество выше «всего» считается как 100 %. Этап выполнен, когда доля не ниже цели этапа; «не хватает» — сколько ещё людей (организаций, чатов) '
        || 'нужно при том же «всего». Для этапов, заданных от базового уровня, база — лучшая неделя 2024/2025 учебного года на VK Мессенджере.</p>'
        || '<h3>Прогноз</h3><p>Прямая по методу наименьших квадратов через доли последних 8 учебных недель этого учебного года (каникулярные недели и недели '
        || 'без данных не учитываются), продлённая до недели итога этапа. Диапазон — 80-процентный интервал предсказания доли одной недели: он шире, '
        || 'когда доли скачут, когда недель мало и когда срок далеко. «Успеваем» — даже нижняя граница диапазона не ниже цели; «под угрозой» — прогноз или верхняя граница '
        || 'не ниже цели; «не успеваем» — весь диапазон ниже цели; меньше 3 учебных недель с данными — «недостаточно данных». После срока вместо прогноза — итог этапа.</p>'
        || '<h3>Каникулы</h3><p>' || coalesce('Каникулярные недели ' || sy || '/' || (sy + 1) || ' учебного года до недели отчёта: ' || @extschema@.report_escape(holidays) || '. ',
                                            'До недели отчёта в ' || sy || '/' || (sy + 1) || ' учебном году каникулярных недель нет. ')
        || 'На графиках они затенены; в прогнозе и в «прекративших активность» не учитываются.</p>'
        || '<h3>Малые группы</h3><p>'
        || CASE WHEN min_cell > 0
                THEN format('Ниже уровня региона доли показателей, считающих людей, для групп меньше %s человек не показываются («скрыто») и не ранжируются; ', min_cell)
                     || 'организации меньше этого порога не попадают в списки прекративших активность и отстающих.'
                ELSE 'Правило малых групп в этой схеме отключено: отчёт только для внутреннего использования.' END
        || ' В отчёте только агрегированные данные, ни одного человека по отдельности.</p>';
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_methodology(jsonb) IS
'Internal (report_html): the methodology section at the end of the page: the sources, each indicator''s definition and denominator (report_indicator_ru), the forecast method, the school year''s holiday weeks as the store marked them (<views>.indicators) and the small-cell rule.';
