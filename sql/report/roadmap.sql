--------------------------------------------------------------------------------
-- The weekly report: the section «Дорожная карта» (1.5), over <views>.roadmap
-- (sql/roadmap.sql): report_roadmap_html (the section on its own, for any
-- page), report_roadmap (its part of report_html) and report_period.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.report_roadmap_html(views_schema name, region text, week date)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    w date := @extschema@.week_start(week);
    rows_html text;
    csv text;
    total bigint;
    overdue bigint;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema, 'region', region, 'week', week),
                                     ARRAY[views_schema]);
    IF to_regclass(format('%I.roadmap', views_schema)) IS NULL THEN
        RETURN '<section id="roadmap"><h2>Дорожная карта</h2>' || @extschema@.report_missing(views_schema, 'roadmap') || '</section>';
    END IF;
    EXECUTE format($q$
SELECT string_agg(format('<tr data-item="%%s" data-status="%%s"><td class="num">%%s</td><td class="name">%%s</td><td>%%s</td><td>%%s</td>'
                         '<td class="status">%%s</td><td class="num">%%s</td><td>%%s</td></tr>',
                         r.item, @extschema@.report_escape(r.status), r.item, @extschema@.report_escape(r.title_ru),
                         @extschema@.report_escape(coalesce(r.responsible_ru, r.responsible)),
                         @extschema@.report_escape(@extschema@.report_period(r.period_start, r.period_end)),
                         -- in words with the page's marks: done as met, overdue as missed, the rest neutral
                         @extschema@.report_badge(CASE r.status WHEN 'done' THEN 'met' WHEN 'overdue' THEN 'missed' ELSE 'unknown' END,
                                                  coalesce(r.status_ru, r.status)),
                         coalesce(r.days_overdue::text, '—'),
                         @extschema@.report_escape(concat_ws(': ', coalesce(r.known_by_ru, r.known_by),
                                                             coalesce(r.evidence, CASE WHEN r.reported_on IS NOT NULL
                                                                 THEN 'отчёт от ' || to_char(r.reported_on, 'DD.MM.YYYY') END)))),
                  '' ORDER BY r.status = 'overdue' DESC, r.days_overdue DESC NULLS LAST, r.item),
       -- the same rows, in the same order, for the download
       string_agg(@extschema@.report_csv_row(r.item::text, r.title_ru, coalesce(r.responsible_ru, r.responsible),
                                             @extschema@.report_period(r.period_start, r.period_end), coalesce(r.status_ru, r.status),
                                             r.days_overdue::text,
                                             concat_ws(': ', coalesce(r.known_by_ru, r.known_by),
                                                       coalesce(r.evidence, CASE WHEN r.reported_on IS NOT NULL
                                                           THEN 'отчёт от ' || to_char(r.reported_on, 'DD.MM.YYYY') END))),
                  '' ORDER BY r.status = 'overdue' DESC, r.days_overdue DESC NULLS LAST, r.item),
       count(*), count(*) FILTER (WHERE r.status = 'overdue')
FROM %I.roadmap r WHERE r.region_code = $1 AND r.week_start = $2$q$, views_schema)
       INTO rows_html, csv, total, overdue USING region, w;
    IF total = 0 THEN
        -- a region without a roadmap (or a week not stored) shows none
        RETURN '';
    END IF;
    RETURN '<section id="roadmap"><h2>Дорожная карта</h2>'
        || format('<p class="roadmap-summary">Мероприятий: %s, просрочено: %s (на неделю с %s).</p>',
                  total, overdue, to_char(w, 'DD.MM.YYYY'))
        || '<div class="tw"><table class="roadmap"><thead><tr><th>№</th><th>Мероприятие</th><th>Ответственные</th><th>Срок</th>'
        || '<th>Статус</th><th>Просрочено, дней</th><th>Основание</th></tr></thead><tbody>'
        || rows_html || '</tbody></table></div>'
        || @extschema@.report_csv_link('dorozhnaya-karta.csv', ARRAY['№', 'Мероприятие', 'Ответственные', 'Срок', 'Статус',
                                       'Просрочено, дней', 'Основание'], csv, total)
        || '</section>';
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_roadmap_html(name, text, date) IS
'The report section «Дорожная карта» for a region and the week containing `week`: a <section> with a heading and a table of the items of <views>.roadmap, overdue ones first (most days overdue first), then by number, with who answers for each, the period, the status in words and what it rests on; every text escaped; and its CSV download (data: link, every row). An empty string for a region without a roadmap or a week not stored.';

CREATE FUNCTION @extschema@.report_period(period_start date, period_end date)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN CASE
    WHEN period_start IS NULL OR period_end IS NULL THEN NULL
    -- whole months: «июль 2025», «сентябрь–октябрь 2025», «август 2025 – январь 2026»
    WHEN period_end >= period_start AND extract(day FROM period_start) = 1
         AND period_end = (date_trunc('month', period_end) + interval '1 month - 1 day')::date THEN
        CASE WHEN date_trunc('month', period_start) = date_trunc('month', period_end)
             THEN (ARRAY['январь','февраль','март','апрель','май','июнь','июль','август','сентябрь','октябрь','ноябрь','декабрь'])[extract(month FROM period_start)::integer]
                  || ' ' || extract(year FROM period_start)
             WHEN extract(year FROM period_start) = extract(year FROM period_end)
             THEN (ARRAY['январь','февраль','март','апрель','май','июнь','июль','август','сентябрь','октябрь','ноябрь','декабрь'])[extract(month FROM period_start)::integer]
                  || '–' || (ARRAY['январь','февраль','март','апрель','май','июнь','июль','август','сентябрь','октябрь','ноябрь','декабрь'])[extract(month FROM period_end)::integer]
                  || ' ' || extract(year FROM period_end)
             ELSE (ARRAY['январь','февраль','март','апрель','май','июнь','июль','август','сентябрь','октябрь','ноябрь','декабрь'])[extract(month FROM period_start)::integer]
                  || ' ' || extract(year FROM period_start) || ' – '
                  || (ARRAY['январь','февраль','март','апрель','май','июнь','июль','август','сентябрь','октябрь','ноябрь','декабрь'])[extract(month FROM period_end)::integer]
                  || ' ' || extract(year FROM period_end) END
    ELSE to_char(period_start, 'DD.MM.YYYY') || '–' || to_char(period_end, 'DD.MM.YYYY')
END;
COMMENT ON FUNCTION @extschema@.report_period(date, date) IS
'Internal (report_roadmap_html): a roadmap item''s period as the roadmap writes it: whole months by name («сентябрь–октябрь 2025»), other periods as dates.';

CREATE FUNCTION @extschema@.report_roadmap(ctx jsonb)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    part text;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('ctx', ctx));
    part := @extschema@.report_roadmap_html(ctx->>'views', ctx->>'region', (ctx->>'week')::date);
    -- a region without a roadmap has no section (NULL: report_html leaves it out)
    IF part = '' THEN
        RETURN NULL;
    END IF;
    -- the page writes the section and its numbered heading itself
    RETURN regexp_replace(regexp_replace(part, '^<section id="roadmap"><h2>[^<]*</h2>', ''), '</section>$', '');
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_roadmap(jsonb) IS
'Internal (report_html): the section «Дорожная карта»: the items of the region''s roadmap for the week (report_roadmap_html without its own heading), overdue ones first, who answers for each; NULL for a region without a roadmap, whose page has no such section.';
