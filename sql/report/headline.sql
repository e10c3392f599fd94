--------------------------------------------------------------------------------
-- The weekly report: the headline, sentences that name things.  Which
-- indicators are below their stage and by how many people (organisations,
-- chats), the days left to each deadline, the results of the stages whose
-- deadline has passed, what changed since last week (values and rank moves),
-- the organisations to call, the data-quality errors.  Reads the views
-- indicators, stage_results, rankings, action_list and data_quality by name.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.report_unit_plural(unit text, n bigint)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN CASE unit WHEN 'organisation' THEN @extschema@.report_plural(n, 'организации', 'организаций', 'организаций')
                 WHEN 'chat' THEN @extschema@.report_plural(n, 'чата', 'чатов', 'чатов')
                 ELSE @extschema@.report_plural(n, 'человека', 'человек', 'человек') END;
COMMENT ON FUNCTION @extschema@.report_unit_plural(text, bigint) IS
'Internal (report_html): what an indicator counts, in the genitive after «не хватает N» (1 человека, 5 человек; организации, организаций; чата, чатов).';

CREATE FUNCTION @extschema@.report_headline(ctx jsonb)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v text := quote_ident(ctx->>'views');
    week date := (ctx->>'week')::date;
    region text := ctx->>'region';
    year_start date := make_date(@extschema@.school_year((ctx->>'week')::date), 9, 1);
    items text := '';
    r record;
    changes text;
    ups text;
    downs text;
BEGIN
    -- below the stage this school year, the largest shortfall first; met stages in one sentence
    FOR r IN EXECUTE format($q$
SELECT i.indicator, i.share, i.target_stage, i.target_threshold, i.target_deadline, i.target_met, i.target_due, i.short_by, d.unit,
       (@extschema@.report_indicator_ru(i.indicator)).title
FROM %s.indicators i JOIN @extschema@.indicator_definition d ON d.indicator = i.indicator
WHERE i.week_start = $1 AND i.level = 'region' AND i.region_code = $2 AND i.monitored
  AND i.target_stage IS NOT NULL AND i.target_deadline >= $3
ORDER BY i.target_met NULLS LAST, i.target_deadline, i.short_by DESC NULLS LAST, i.indicator$q$, v) USING week, region, year_start LOOP
        IF r.target_met IS FALSE THEN
            items := items || format('<li data-headline="below" data-indicator="%s"><b>«%s»</b> ниже этапа %s: %s при цели %s к %s — не хватает <b>%s %s</b>; %s.</li>',
                @extschema@.report_escape(r.indicator), @extschema@.report_escape(r.title), r.target_stage,
                @extschema@.report_pct(r.share), coalesce(@extschema@.report_pct(r.target_threshold), 'базового уровня'),
                to_char(r.target_deadline, 'DD.MM.YYYY'), @extschema@.report_int(r.short_by), @extschema@.report_unit_plural(r.unit, r.short_by),
                CASE WHEN r.target_deadline > week + 6
                     THEN format('срок — через %s %s после конца недели', r.target_deadline - (week + 6),
                                 @extschema@.report_plural(r.target_deadline - (week + 6), 'день', 'дня', 'дней'))
                     ELSE 'срок истёк' END);
        ELSIF r.target_met THEN
            items := items || format('<li data-headline="met" data-indicator="%s"><b>«%s»</b>: этап %s выполнен — %s при цели %s к %s.</li>',
                @extschema@.report_escape(r.indicator), @extschema@.report_escape(r.title), r.target_stage, @extschema@.report_pct(r.share),
                @extschema@.report_pct(r.target_threshold), to_char(r.target_deadline, 'DD.MM.YYYY'));
        END IF;
    END LOOP;
    -- the stages of this school year whose deadline has passed by the week's Sunday: their results
    IF to_regclass(v || '.stage_results') IS NOT NULL THEN
        FOR r IN EXECUTE format($q$
SELECT s.indicator, s.stage, s.deadline, s.status, s.share, s.threshold, s.people_short, d.unit,
       (@extschema@.report_indicator_ru(s.indicator)).title
FROM %s.stage_results s JOIN @extschema@.indicator_definition d ON d.indicator = s.indicator
WHERE s.region_code = $1 AND s.level = 'region' AND s.deadline >= $2 AND s.deadline <= $3 + 6
ORDER BY s.deadline, s.indicator, s.stage$q$, v) USING region, year_start, week LOOP
            items := items || format('<li data-headline="result" data-indicator="%s">Итог этапа %s «%s» (срок %s): %s%s.</li>',
                @extschema@.report_escape(r.indicator), r.stage, @extschema@.report_escape(r.title), to_char(r.deadline, 'DD.MM.YYYY'),
                @extschema@.report_badge(r.status),
                CASE WHEN r.share IS NULL THEN ''
                     ELSE format(' — %s при цели %s%s', @extschema@.report_pct(r.share), coalesce(@extschema@.report_pct(r.threshold), 'базового уровня'),
                                 CASE WHEN r.people_short > 0 THEN format(', не хватило %s %s', @extschema@.report_int(r.people_short),
                                                                          @extschema@.report_unit_plural(r.unit, r.people_short)) ELSE '' END) END);
        END LOOP;
    END IF;
    -- what changed since last week: the main indicators of the region
    EXECUTE format($q$
SELECT string_agg(format('«%%s» %%s (%%s)', @extschema@.report_escape((@extschema@.report_indicator_ru(n.indicator)).title),
                         @extschema@.report_pp(n.share - o.share), @extschema@.report_pct(n.share)), '; ' ORDER BY n.indicator)
FROM %1$s.indicators n JOIN %1$s.indicators o
  ON o.indicator = n.indicator AND o.platform = n.platform AND o.level = 'region' AND o.region_code = n.region_code AND o.week_start = $1 - 7
WHERE n.week_start = $1 AND n.level = 'region' AND n.region_code = $2 AND n.monitored AND n.indicator = ANY ($3)$q$, v)
       INTO changes USING week, region, ARRAY(SELECT jsonb_array_elements_text(ctx->'main'));
    IF changes IS NOT NULL THEN
        items := items || '<li data-headline="change">За неделю: ' || changes || '.</li>';
    END IF;
    -- rank moves of the municipalities: the largest three up and down
    IF to_regclass(v || '.rankings') IS NOT NULL THEN
        EXECUTE format($q$
WITH k AS (
    SELECT k.municipality_name, k.rank, k.previous_rank, k.previous_rank - k.rank AS moved, @extschema@.report_title($5, k.indicator) AS title
    FROM %s.rankings k
    WHERE k.week_start = $1 AND k.region_code = $2 AND k.level = 'municipality' AND k.indicator = ANY ($3)
      AND (k.platform = 'any' OR k.platform = $4) AND k.rank IS NOT NULL AND k.previous_rank IS NOT NULL AND k.rank <> k.previous_rank
)
SELECT (SELECT string_agg(x.t, '; ') FROM (SELECT format('%%s — «%%s»: с %%s-го на %%s-е место', @extschema@.report_escape(k.municipality_name),
                                                         @extschema@.report_escape(k.title), k.previous_rank, k.rank) AS t
                                            FROM k WHERE k.moved > 0 ORDER BY k.moved DESC, k.municipality_name LIMIT 3) x),
       (SELECT string_agg(x.t, '; ') FROM (SELECT format('%%s — «%%s»: с %%s-го на %%s-е место', @extschema@.report_escape(k.municipality_name),
                                                         @extschema@.report_escape(k.title), k.previous_rank, k.rank) AS t
                                            FROM k WHERE k.moved < 0 ORDER BY k.moved, k.municipality_name LIMIT 3) x)$q$, v)
           INTO ups, downs USING week, region, ARRAY(SELECT jsonb_array_elements_text(ctx->'main')), ctx->>'monitored',
                                 coalesce(ctx->'titles', '{}');
        IF ups IS NOT NULL THEN
            items := items || '<li data-headline="rank-up">Поднялись в рейтинге муниципалитетов: ' || ups || '.</li>';
        END IF;
        IF downs IS NOT NULL THEN
            items := items || '<li data-headline="rank-down">Опустились: ' || downs || '.</li>';
        END IF;
    END IF;
    -- the organisations to call
    IF jsonb_typeof(ctx->'actions') = 'array' OR to_regclass(v || '.action_list') IS NOT NULL THEN
        EXECUTE format($q$
WITH a AS MATERIALIZED (SELECT a.org_id, a.reason, a.reason_ru FROM (%s) a WHERE a.week_start = $1 AND a.region_code = $2)
SELECT (SELECT count(DISTINCT a.org_id) FROM a) AS orgs,
       (SELECT string_agg(format('%%s — %%s', lower(left(x.reason_ru, 1)) || substr(x.reason_ru, 2), x.n), '; ' ORDER BY x.n DESC, x.reason_ru)
          FROM (SELECT a.reason, min(a.reason_ru) AS reason_ru, count(DISTINCT a.org_id) AS n FROM a GROUP BY a.reason) x) AS by_reason$q$,
            CASE WHEN jsonb_typeof(ctx->'actions') = 'array'
                 THEN 'SELECT * FROM jsonb_to_recordset($4) AS r(week_start date, region_code text, municipality_id bigint, municipality_name text, '
                      'org_id bigint, org_name text, org_kind text, org_kind_ru text, reason text, reason_ru text, detail_ru text, indicators text, '
                      'targets_ru text, people bigint, people_short bigint)'
                 ELSE format('SELECT * FROM %s.action_list', quote_ident(ctx->>'views')) END) INTO r USING week, region, NULL, ctx->'actions';
        IF r.orgs > 0 THEN
            items := items || format('<li data-headline="call">Связаться с <b>%s</b> %s (раздел <a href="#actions">«Организации, с которыми нужно связаться»</a>): %s.</li>',
                                     @extschema@.report_int(r.orgs), @extschema@.report_plural(r.orgs, 'организацией', 'организациями', 'организациями'), r.by_reason);
        END IF;
    END IF;
    IF ctx ? 'dq_errors' AND (ctx->>'dq_errors')::bigint > 0 THEN
        items := items || format('<li data-headline="data-quality">Ошибки в данных: <b>%s</b> — они искажают показатели, см. раздел <a href="#data-quality">«Качество данных»</a>.</li>',
                                 ctx->>'dq_errors');
    END IF;
    RETURN '<ul class="headline">' || CASE WHEN items = '' THEN '<li>Целей этапов в этом учебном году нет.</li>' ELSE items END || '</ul>'
        || @extschema@.report_legend();
END
$fn$;
COMMENT ON FUNCTION @extschema@.report_headline(jsonb) IS
'Internal (report_html): the headline section: a sentence per indicator below its stage this school year (share, target, deadline, people short, days left from the week''s Sunday), the stages met, the results of the stages whose deadline has passed (stage_results), the week''s changes of the main indicators, the largest rank moves of the municipalities (rankings), how many organisations to call and why (action_list, read once by the page: ctx->actions), the data-quality errors; and the status legend.';
