--------------------------------------------------------------------------------
-- The roadmap (1.5): each item of a region's roadmap (catalog roadmap_item,
-- sql/once/roadmap.sql) with its status per stored week.
--
-- How a status is known (roadmap_item.known_by, measure):
--   data, stages        the first stage due on or after the period start of each
--                       named indicator, judged on its result week as
--                       <views>.stage_results does, from the store's region row
--                       (target_met, stored at refresh time): all met -> done; one missed -> overdue once the
--                       period has ended (in_progress before); a stage due whose
--                       result week holds no data -> unknown.
--   data, vk_closure    no chat of the region's organisations on vk open on the
--                       week's Sunday and nobody of the region active on vk in
--                       the week after the period end -> done, else overdue.
--                       Counted at refresh time (refresh_week calls
--                       roadmap_refresh_week) into <views>.vk_closure_week, so a
--                       reader never scans activity_daily.
--   data, weekly_report a stored weekly report of the region for a week of the
--                       period, in the DBA's table named by the setting
--                       sferum_kpi.report_table (docs/roadmap.md).
--   milestone           the milestone counts of the mart's milestone_progress
--                       (latest on or before the week's Sunday) meet their targets.
--   manual              the latest report in the mart's roadmap_progress.
-- A data or milestone item whose computed status is unknown takes the latest
-- roadmap_progress report instead.  Without a report: not_started before the
-- period, unknown after its start.  An item reported not done after its period
-- is overdue.
--------------------------------------------------------------------------------

-- The mart's reported progress: the DBA's table (not an extension member),
-- made by create_mart(), added to older marts by the 1.5 update.
CREATE FUNCTION @extschema@.create_roadmap_progress(mart_schema name)
RETURNS boolean
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('mart_schema', mart_schema), ARRAY[mart_schema]);
    RETURN @extschema@.create_mart_table(mart_schema, 'roadmap_progress', $ddl$
CREATE TABLE {{mart:I}}.roadmap_progress (
    region_code text NOT NULL REFERENCES {{mart:I}}.region,
    item        smallint NOT NULL,
    reported_on date NOT NULL CHECK (isfinite(reported_on)),
    status      text NOT NULL CONSTRAINT roadmap_progress_status_known CHECK (status IN ('done', 'in_progress', 'not_started')),
    evidence    text,
    PRIMARY KEY (region_code, item, reported_on)
);
CREATE TRIGGER roadmap_progress_check BEFORE INSERT OR UPDATE ON {{mart:I}}.roadmap_progress
    FOR EACH ROW EXECUTE FUNCTION @extschema@.roadmap_progress_check();
COMMENT ON TABLE {{mart:I}}.roadmap_progress IS 'Progress of the roadmap items the authority reports by hand (meetings held, publications, trainings): one row per item and report date. <views>.roadmap shows the latest report on or before a week''s Sunday; the item must be in sferum_kpi.roadmap_item for the region.';
COMMENT ON COLUMN {{mart:I}}.roadmap_progress.region_code IS 'Region (a region of the mart with a roadmap).';
COMMENT ON COLUMN {{mart:I}}.roadmap_progress.item IS 'Item number in sferum_kpi.roadmap_item of the region.';
COMMENT ON COLUMN {{mart:I}}.roadmap_progress.reported_on IS 'Date the status refers to.';
COMMENT ON COLUMN {{mart:I}}.roadmap_progress.status IS 'done, in_progress or not_started (overdue is computed: not done after the period end).';
COMMENT ON COLUMN {{mart:I}}.roadmap_progress.evidence IS 'Evidence: a short text or a link (protocol, publication, order).';
$ddl$);
END
$fn$;
COMMENT ON FUNCTION @extschema@.create_roadmap_progress(name) IS
'Create the table roadmap_progress (region_code, item, reported_on, status, evidence) in a data mart when it has none; returns whether it did. create_mart() calls it; the 1.5 update runs it for every mart made before. The table is the DBA''s, not an extension member.';

CREATE FUNCTION @extschema@.roadmap_progress_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.status IS NULL OR NEW.status NOT IN ('done', 'in_progress', 'not_started') THEN
        RAISE EXCEPTION 'roadmap progress of item % of region %: unknown status "%"', NEW.item, NEW.region_code, NEW.status
            USING ERRCODE = '22023',
                  HINT = 'status is done, in_progress or not_started; overdue is computed (not done after the item''s period).';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM @extschema@.roadmap_item i WHERE i.region_code = NEW.region_code AND i.item = NEW.item) THEN
        RAISE EXCEPTION 'roadmap progress for an unknown item: region % has no roadmap item %', NEW.region_code, NEW.item
            USING ERRCODE = '23503',
                  HINT = 'The items are in sferum_kpi.roadmap_item (region_code, item); add the region''s roadmap there first.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.roadmap_progress_check() IS
'Trigger of a mart''s roadmap_progress: refuses an unknown status (22023) and progress for an item the region''s roadmap (sferum_kpi.roadmap_item) does not have (23503).';

-- Item 17 (vk_closure) at refresh time: one week's counts into
-- <views>.vk_closure_week, for the regions whose closure period has ended by
-- the week's Sunday.  One region row (org_id NULL), always written for such a
-- region, and one row per organisation with a vk chat open on Sunday or a
-- member active on vk in the week after the period end.
CREATE FUNCTION @extschema@.roadmap_refresh_week(views_schema name, week date)
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    mart name;
    w date;
    n bigint;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema, 'week', week), ARRAY[views_schema]);
    mart := @extschema@.require_schema(views_schema, 'KPI views', 'Create them with sferum_kpi.create_kpi_views(mart_schema, views_schema).', kind => 'kpi');
    IF to_regclass(format('%I.vk_closure_week', views_schema)) IS NULL THEN
        -- a set built before 1.5: rebuild_views() makes the table and fills it
        RETURN NULL;
    END IF;
    w := @extschema@.week_start(week);
    EXECUTE format('DELETE FROM %I.vk_closure_week WHERE week_start = %L', views_schema, w);
    EXECUTE @extschema@.render($q$
INSERT INTO {{views:I}}.vk_closure_week (week_start, region_code, org_id, vk_chats_open, vk_people, vk_messages)
WITH it AS (
    -- the regions whose closure period ended before the week's Sunday, and the
    -- first day of the week after it
    SELECT i.region_code, greatest({{monday:L}}::date, min(i.period_end) + 1) AS from_day
    FROM @extschema@.roadmap_item i
    JOIN {{mart:I}}.region r ON r.region_code = i.region_code
    WHERE i.measure = 'vk_closure'
    GROUP BY i.region_code
    HAVING min(i.period_end) < {{sunday:L}}::date
), act AS (
    SELECT p.region_code, a.person_id, sum(a.messages_written)::bigint AS written
    FROM it
    JOIN {{mart:I}}.person p ON p.region_code = it.region_code
    JOIN {{mart:I}}.activity_daily a ON a.person_id = p.person_id
    WHERE a.day BETWEEN it.from_day AND {{sunday:L}}::date AND a.platform = 'vk'
      AND (a.messages_written > 0 OR a.messages_read > 0)
    GROUP BY p.region_code, a.person_id
), act_org AS (
    SELECT m.org_id, count(DISTINCT act.person_id) AS people, sum(act.written) AS written
    FROM (SELECT DISTINCT act.person_id, m.org_id
          FROM act JOIN {{mart:I}}.membership m ON m.person_id = act.person_id
           AND m.since <= {{sunday:L}}::date AND (m.until IS NULL OR m.until >= {{monday:L}}::date)) m
    JOIN act ON act.person_id = m.person_id
    GROUP BY m.org_id
), chats AS (
    SELECT o.region_code, c.org_id, count(*) AS open_chats
    FROM it
    JOIN {{mart:I}}.organisation o ON o.region_code = it.region_code
    JOIN {{mart:I}}.chat c ON c.org_id = o.org_id
    WHERE c.platform = 'vk' AND c.created_on <= {{sunday:L}}::date
      AND (c.closed_on IS NULL OR c.closed_on > {{sunday:L}}::date)
    GROUP BY o.region_code, c.org_id
)
SELECT {{monday:L}}::date, it.region_code, NULL::bigint,
       coalesce((SELECT sum(ch.open_chats) FROM chats ch WHERE ch.region_code = it.region_code), 0)::bigint,
       (SELECT count(*) FROM act WHERE act.region_code = it.region_code),
       coalesce((SELECT sum(act.written) FROM act WHERE act.region_code = it.region_code), 0)::bigint
FROM it
UNION ALL
SELECT {{monday:L}}::date, o.region_code, o.org_id, coalesce(ch.open_chats, 0), coalesce(ao.people, 0), coalesce(ao.written, 0)
FROM chats ch
FULL JOIN act_org ao ON ao.org_id = ch.org_id
JOIN {{mart:I}}.organisation o ON o.org_id = coalesce(ch.org_id, ao.org_id)
JOIN it ON it.region_code = o.region_code$q$,
        jsonb_build_object('views', views_schema, 'mart', mart, 'monday', w, 'sunday', w + 6));
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$fn$;
COMMENT ON FUNCTION @extschema@.roadmap_refresh_week(name, date) IS
'Count, for the week containing `week`, the vk chats still open on its Sunday and the people active on vk after the closure deadline (roadmap items of measure vk_closure) into views_schema.vk_closure_week: one region row and one row per organisation concerned, for the regions whose closure period has ended by that Sunday. refresh_week() runs it; run it for the stored weeks after editing a vk_closure item''s period. Returns the rows written (NULL for a view set built before 1.5).';

-- A stored weekly report of the region for a week from from_day to to_day, in
-- the DBA's table named by sferum_kpi.report_table (columns region_code text,
-- week_start date).  NULL when the setting is empty or the table cannot be
-- read (the item then takes its roadmap_progress report).
CREATE FUNCTION @extschema@.roadmap_report_stored(region_code text, from_day date, to_day date)
RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    setting text := nullif(current_setting('sferum_kpi.report_table', true), '');
    tbl regclass;
    found boolean;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('region_code', region_code, 'from_day', from_day, 'to_day', to_day));
    IF setting IS NULL THEN
        RETURN NULL;
    END IF;
    -- no exception block (the function is parallel safe): every check before the
    -- query; the name is looked up in the catalog (to_regclass would need USAGE
    -- on the schema): schema.table, with quoted or plain identifiers
    IF setting ~ '^\s*("([^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\s*\.\s*("([^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\s*$' THEN
        SELECT c.oid INTO tbl FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = (parse_ident(setting))[1] AND c.relname = (parse_ident(setting))[2]
           AND c.relkind IN ('r', 'p', 'v', 'm', 'f');
    END IF;
    IF tbl IS NULL THEN
        RAISE WARNING 'sferum_kpi.report_table = "%" names no table (schema.table)', setting
            USING HINT = 'Set it to the schema-qualified table holding the stored weekly reports (region_code, week_start).';
        RETURN NULL;
    END IF;
    IF (SELECT count(*) FROM pg_attribute a
         WHERE a.attrelid = tbl AND NOT a.attisdropped
           AND (a.attname = 'region_code' AND a.atttypid IN ('text'::regtype, 'varchar'::regtype)
                OR a.attname = 'week_start' AND a.atttypid = 'date'::regtype)) <> 2 THEN
        RAISE WARNING 'stored weekly reports in % cannot be read: it needs columns region_code text and week_start date', tbl;
        RETURN NULL;
    END IF;
    IF NOT (has_schema_privilege((SELECT c.relnamespace FROM pg_class c WHERE c.oid = tbl), 'USAGE')
            AND has_column_privilege(tbl, 'region_code', 'SELECT') AND has_column_privilege(tbl, 'week_start', 'SELECT')) THEN
        RAISE WARNING 'stored weekly reports in % cannot be read: no USAGE on its schema or no SELECT on region_code and week_start for role %', tbl, current_user
            USING HINT = 'GRANT USAGE on the schema and SELECT (region_code, week_start) on the table to the roles that read the roadmap.';
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s r WHERE r.region_code = $1 AND r.week_start BETWEEN $2 AND $3)', tbl)
       INTO found USING region_code, @extschema@.week_start(from_day), to_day;
    RETURN found;
END
$fn$;
COMMENT ON FUNCTION @extschema@.roadmap_report_stored(text, date, date) IS
'Whether the table named by the setting sferum_kpi.report_table (region_code text, week_start date: the DBA''s stored weekly reports) holds a report of the region for a week starting from the week of from_day to to_day. NULL (with a WARNING for a bad setting) when the setting is empty or the table cannot be read: roadmap items of measure weekly_report then take their reported progress.';

-- The refresh-time table of a KPI view set; made (and filled for the weeks
-- already stored) when missing.  build_kpi_views runs it before the answer
-- views: action_list reads it.
CREATE FUNCTION @extschema@.build_roadmap_store(views_schema name)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    wk date;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema), ARRAY[views_schema]);
    PERFORM @extschema@.require_schema(views_schema, 'KPI store', 'build_kpi_views() makes the store first.', '{refresh_log}');
    IF to_regclass(format('%I.vk_closure_week', views_schema)) IS NOT NULL THEN
        RETURN;
    END IF;
    EXECUTE @extschema@.render($ddl$
CREATE TABLE {{views:I}}.vk_closure_week (
    week_start    date   NOT NULL,
    region_code   text   NOT NULL,
    org_id        bigint,
    vk_chats_open bigint NOT NULL,
    vk_people     bigint NOT NULL,
    vk_messages   bigint NOT NULL,
    computed_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT vk_closure_week_key UNIQUE NULLS NOT DISTINCT (week_start, region_code, org_id)
);
COMMENT ON TABLE {{views:I}}.vk_closure_week IS 'Roadmap item of measure vk_closure (item 17 of the 2025 roadmap), counted at refresh time per stored week after the closure deadline: one region row (org_id NULL) and one row per organisation with a vk chat open on the week''s Sunday or a member active on vk in the week after the deadline. Read by the views roadmap, vk_closure and action_list.';
COMMENT ON COLUMN {{views:I}}.vk_closure_week.week_start IS 'Monday of the week.';
COMMENT ON COLUMN {{views:I}}.vk_closure_week.region_code IS 'Region code.';
COMMENT ON COLUMN {{views:I}}.vk_closure_week.org_id IS 'Organisation; NULL for the region row (everyone of the region, with or without a membership).';
COMMENT ON COLUMN {{views:I}}.vk_closure_week.vk_chats_open IS 'Chats on vk of the organisation (region) open on the week''s Sunday: created by then, closed_on empty or later.';
COMMENT ON COLUMN {{views:I}}.vk_closure_week.vk_people IS 'People (members of the organisation; everyone of the region) who wrote or read on vk in the week after the deadline.';
COMMENT ON COLUMN {{views:I}}.vk_closure_week.vk_messages IS 'Messages those people wrote on vk then.';
COMMENT ON COLUMN {{views:I}}.vk_closure_week.computed_at IS 'When the week was counted (refresh_week).';
$ddl$, jsonb_build_object('views', views_schema));
    -- the weeks stored before the table existed (a set rebuilt after the 1.5 update)
    FOR wk IN EXECUTE format('SELECT DISTINCT l.week_start FROM %I.refresh_log l
                               WHERE EXISTS (SELECT 1 FROM @extschema@.view_set s WHERE s.schema_name = %L AND s.kind = %L)
                               ORDER BY 1', views_schema, views_schema, 'kpi') LOOP
        PERFORM @extschema@.roadmap_refresh_week(views_schema, wk);
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION @extschema@.build_roadmap_store(name) IS
'Internal: create the refresh-time table vk_closure_week of a KPI view set when missing and count it for the weeks already stored (build_kpi_views runs it before the answer views).';

CREATE FUNCTION @extschema@.build_roadmap_views(mart_schema name, views_schema name, min_cell integer, or_replace boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    create_view constant text := @extschema@.create_view_sql(or_replace);
    col record;
    progress text := '(SELECT NULL::text AS region_code, NULL::smallint AS item, NULL::date AS reported_on, NULL::text AS status, NULL::text AS evidence WHERE false)';
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('mart_schema', mart_schema, 'views_schema', views_schema,
                                                       'min_cell', min_cell, 'or_replace', or_replace),
                                     ARRAY[mart_schema, views_schema]);
    PERFORM @extschema@.require_schema(views_schema, 'KPI store', 'build_kpi_views() makes them first.', '{vk_closure_week,store}');
    -- a mart made before 1.5 and not updated (the extension created afresh over
    -- it) has no roadmap_progress: no reported progress until it is made
    IF to_regclass(format('%I.roadmap_progress', mart_schema)) IS NOT NULL THEN
        progress := @extschema@.render('{{mart:I}}.roadmap_progress', jsonb_build_object('mart', mart_schema));
    ELSE
        RAISE WARNING 'data mart "%" has no table roadmap_progress: the roadmap shows no reported progress', mart_schema
            USING HINT = format('SELECT sferum_kpi.create_roadmap_progress(%L); then SELECT * FROM sferum_kpi.rebuild_views(%L);',
                                mart_schema, views_schema);
    END IF;

    EXECUTE @extschema@.render($v$
{{create_view:S}} {{views:I}}.roadmap AS
WITH wk AS (
    SELECT l.week_start, l.week_start + 6 AS sunday, l.region_code, r.name AS region_name
    FROM {{views:I}}.refresh_log l
    JOIN {{mart:I}}.region r ON r.region_code = l.region_code
), computed AS (
    SELECT wk.week_start, wk.sunday, wk.region_code, wk.region_name, i.item, i.title_ru, i.responsible, i.period_start,
           i.period_end, i.result_ru, i.known_by, c.status AS computed_status, c.evidence AS computed_evidence
    FROM wk
    JOIN @extschema@.roadmap_item i ON i.region_code = wk.region_code
    CROSS JOIN LATERAL (
        -- data, stages: the first stage due on or after the period start of each
        -- indicator (a region's own target row replaces the every-region row),
        -- judged on its result week as stage_results does, from the store's
        -- region row: target_met of that stage, stored at refresh time
        SELECT CASE WHEN count(*) = 0 THEN 'unknown'
                    WHEN bool_or(x.state = 'missed') THEN CASE WHEN wk.sunday > i.period_end THEN 'overdue' ELSE 'in_progress' END
                    WHEN bool_and(x.state = 'met') THEN 'done'
                    WHEN bool_or(x.state = 'no_data') THEN 'unknown'
                    WHEN wk.sunday < i.period_start THEN 'not_started'
                    ELSE 'in_progress' END AS status,
               string_agg(format('«%s», этап %s (%s): %s', coalesce(x.title, x.indicator), x.stage, to_char(x.deadline, 'DD.MM.YYYY'),
                                 CASE x.state WHEN 'met' THEN 'выполнен' WHEN 'missed' THEN 'не выполнен'
                                              WHEN 'no_data' THEN 'нет данных' ELSE 'срок не наступил' END),
                          '; ' ORDER BY x.indicator) AS evidence
        FROM (SELECT t.indicator, t.title, t.stage, t.deadline,
                     CASE WHEN wk.week_start < rw.result_week THEN 'pending'
                          WHEN m.met THEN 'met' WHEN NOT m.met THEN 'missed' ELSE 'no_data' END AS state
              FROM (SELECT DISTINCT ON (t.indicator) t.indicator, d.title_ru AS title, t.stage, t.deadline, d.per_platform,
                           @extschema@.stage_result_week(t.deadline) AS nominal_week
                    FROM @extschema@.target t
                    JOIN @extschema@.indicator_definition d ON d.indicator = t.indicator
                    WHERE t.indicator = ANY (i.indicators) AND t.kind = 'computed' AND t.deadline >= i.period_start
                      AND {{target_applies:S}}
                    ORDER BY t.indicator, t.deadline, t.stage) t
              -- the result week, moved to the school week before a holiday week
              CROSS JOIN LATERAL (SELECT {{result_week:S}} AS result_week) rw
              LEFT JOIN LATERAL (
                  SELECT s.target_met AS met FROM {{views:I}}.store s
                  WHERE s.week_start = rw.result_week AND s.indicator = t.indicator AND s.level = 'region'
                    AND s.region_code = i.region_code AND s.target_stage = t.stage
                    AND s.platform = CASE WHEN t.per_platform THEN @extschema@.monitored_platform(rw.result_week) ELSE 'any' END) m ON true
             ) x
        HAVING i.measure = 'stages'
        UNION ALL
        -- data, vk_closure: counted at refresh time (vk_closure_week)
        SELECT CASE WHEN wk.sunday < i.period_start THEN 'not_started'
                    WHEN wk.sunday <= i.period_end THEN 'in_progress'
                    WHEN v.region_code IS NULL THEN 'unknown'
                    WHEN v.vk_chats_open = 0 AND v.vk_people = 0 THEN 'done'
                    ELSE 'overdue' END,
               CASE WHEN v.region_code IS NOT NULL THEN
                   format('открытых чатов в VK Мессенджере: %s; писали или читали в VK Мессенджере после срока: %s; организаций: %s',
                          v.vk_chats_open, v.vk_people,
                          (SELECT count(*) FROM {{views:I}}.vk_closure_week o
                            WHERE o.week_start = wk.week_start AND o.region_code = i.region_code AND o.org_id IS NOT NULL)) END
        FROM (SELECT 1) one
        LEFT JOIN {{views:I}}.vk_closure_week v
               ON v.week_start = wk.week_start AND v.region_code = i.region_code AND v.org_id IS NULL
        WHERE i.measure = 'vk_closure'
        UNION ALL
        -- data, weekly_report: a stored weekly report for a week of the period
        SELECT CASE WHEN rs.stored IS NULL THEN NULL
                    WHEN rs.stored THEN 'done'
                    WHEN wk.sunday < i.period_start THEN 'not_started'
                    WHEN wk.sunday <= i.period_end THEN 'in_progress'
                    ELSE 'overdue' END,
               CASE WHEN rs.stored THEN 'еженедельный отчёт за период сохранён'
                    WHEN NOT rs.stored THEN 'еженедельного отчёта за период нет' END
        FROM (SELECT @extschema@.roadmap_report_stored(i.region_code, i.period_start, LEAST(i.period_end, wk.sunday)) AS stored) rs
        WHERE i.measure = 'weekly_report'
        UNION ALL
        -- milestone: the latest counts on or before Sunday meet the targets
        SELECT CASE WHEN count(m.value) = 0 THEN CASE WHEN wk.sunday < i.period_start THEN 'not_started' ELSE 'unknown' END
                    WHEN count(m.value) = count(*) AND bool_and(t.met) THEN 'done'
                    WHEN wk.sunday > i.period_end THEN 'overdue'
                    ELSE 'in_progress' END,
               -- named as the roadmap names them (the milestone target's title), not by code
               string_agg(format('«%s»: %s из %s на %s',
                                 coalesce((SELECT tt.title_ru FROM @extschema@.target tt WHERE tt.indicator = m.indicator
                                           ORDER BY tt.stage LIMIT 1), m.indicator),
                                 @extschema@.numerator(m.value), @extschema@.denominator(m.value),
                                 to_char(m.reported_on, 'DD.MM.YYYY')), '; ' ORDER BY m.indicator) FILTER (WHERE m.value IS NOT NULL)
        FROM unnest(i.indicators) AS mi(indicator)
        LEFT JOIN LATERAL (
            SELECT mi.indicator, @extschema@.kpi_ratio(mp.done, mp.total) AS value, mp.reported_on
            FROM {{mart:I}}.milestone_progress mp
            WHERE mp.region_code = i.region_code AND mp.indicator = mi.indicator AND mp.reported_on <= wk.sunday
            ORDER BY mp.reported_on DESC LIMIT 1) m ON true
        LEFT JOIN LATERAL @extschema@.target_status(m.indicator, m.value, i.period_end, i.region_code) t ON true
        HAVING i.known_by = 'milestone'
        UNION ALL
        SELECT NULL::text, NULL::text WHERE i.known_by = 'manual'
    ) c
)
SELECT c.week_start, c.region_code, c.region_name, c.item, c.title_ru, c.responsible, rl.ru AS responsible_ru,
       c.period_start, c.period_end, c.result_ru, c.known_by, kl.ru AS known_by_ru, s.status, sl.ru AS status_ru,
       s.evidence, CASE WHEN s.status = 'overdue' THEN c.sunday - c.period_end END AS days_overdue,
       s.reported_on
FROM computed c
-- the latest reported progress on or before Sunday
LEFT JOIN LATERAL (
    SELECT p.reported_on, p.status, p.evidence FROM {{progress:S}} p
    WHERE p.region_code = c.region_code AND p.item = c.item AND p.reported_on <= c.sunday
    ORDER BY p.reported_on DESC LIMIT 1) p ON true
CROSS JOIN LATERAL (
    SELECT CASE WHEN c.computed_status IS NOT NULL AND c.computed_status <> 'unknown' THEN c.computed_status
                WHEN p.status = 'done' THEN 'done'
                WHEN p.status IS NOT NULL AND c.sunday > c.period_end THEN 'overdue'
                WHEN p.status IS NOT NULL THEN p.status
                WHEN c.sunday < c.period_start THEN 'not_started'
                ELSE 'unknown' END AS status,
           CASE WHEN c.computed_status IS NOT NULL AND c.computed_status <> 'unknown' OR p.status IS NULL THEN c.computed_evidence
                ELSE p.evidence END AS evidence,
           CASE WHEN (c.computed_status IS NULL OR c.computed_status = 'unknown') THEN p.reported_on END AS reported_on
) s
LEFT JOIN @extschema@.label rl ON rl.kind = 'roadmap_responsible' AND rl.code = c.responsible
LEFT JOIN @extschema@.label kl ON kl.kind = 'roadmap_basis' AND kl.code = c.known_by
LEFT JOIN @extschema@.label sl ON sl.kind = 'roadmap_status' AND sl.code = s.status$v$,
        jsonb_build_object('create_view', create_view, 'views', views_schema, 'mart', mart_schema, 'progress', progress,
                           'target_applies', @extschema@.target_applies_sql('i.region_code'),
                           'result_week', @extschema@.result_week_sql(views_schema, 't.indicator', 'i.region_code', 't.nominal_week')));
    EXECUTE format('COMMENT ON VIEW %I.roadmap IS %L', views_schema,
        'The region''s roadmap (sferum_kpi.roadmap_item) per stored week: every item with who answers for it, its period, its expected result and its status as of the week''s Sunday — done, in_progress, overdue (not done after its period), not_started (before its period) or unknown — computed from the data where it can be (stages of indicators, vk closure, stored weekly reports, milestone counts), else from the latest report in the mart''s roadmap_progress. A region without roadmap items has no rows.');
    FOR col IN SELECT * FROM (VALUES
        ('week_start', 'Monday of the stored week.'),
        ('region_code', 'Region code.'),
        ('region_name', 'Region name.'),
        ('item', 'Item number in the roadmap.'),
        ('title_ru', 'Short title of the item in Russian.'),
        ('responsible', 'roiv, vk or both.'),
        ('responsible_ru', 'Who answers for it: «РОИВ», «ВК» or «РОИВ, ВК».'),
        ('period_start', 'First day of the item''s period.'),
        ('period_end', 'Last day of the item''s period.'),
        ('result_ru', 'Expected result, in short.'),
        ('known_by', 'How the status is known: data, milestone or manual (the catalog''s known_by; a data or milestone item without a computed status shows its reported progress, see reported_on).'),
        ('known_by_ru', 'known_by in Russian.'),
        ('status', 'done, in_progress, overdue, not_started or unknown as of the week''s Sunday.'),
        ('status_ru', 'The status in Russian.'),
        ('evidence', 'What the status rests on: the stages and their results, the vk counts, the milestone counts, or the evidence of the report.'),
        ('days_overdue', 'Days from the end of the period to the week''s Sunday, for an overdue item.'),
        ('reported_on', 'Date of the roadmap_progress report the status comes from; NULL for a computed status.')) c(name, comment) LOOP
        EXECUTE format('COMMENT ON COLUMN %I.roadmap.%I IS %L', views_schema, col.name, col.comment);
    END LOOP;

    EXECUTE @extschema@.render($v$
{{create_view:S}} {{views:I}}.vk_closure AS
SELECT v.week_start, v.region_code, o.municipality_id,
       CASE WHEN o.municipality_id IS NULL THEN rb.ru ELSE mu.name END AS municipality_name,
       v.org_id, o.name AS org_name, o.kind AS org_kind, k.ru AS org_kind_ru,
       v.vk_chats_open, v.vk_people, v.vk_messages,
       (SELECT min(i.period_end) FROM @extschema@.roadmap_item i
         WHERE i.region_code = v.region_code AND i.measure = 'vk_closure') AS deadline
FROM {{views:I}}.vk_closure_week v
JOIN {{mart:I}}.organisation o ON o.org_id = v.org_id
LEFT JOIN {{mart:I}}.municipality mu ON mu.municipality_id = o.municipality_id
LEFT JOIN @extschema@.label k ON k.kind = 'org_kind' AND k.code = o.kind
LEFT JOIN @extschema@.label rb ON rb.kind = 'group' AND rb.code = 'regional_bodies'
WHERE v.org_id IS NOT NULL$v$,
        jsonb_build_object('create_view', create_view, 'views', views_schema, 'mart', mart_schema));
    EXECUTE format('COMMENT ON VIEW %I.vk_closure IS %L', views_schema,
        'Roadmap item «полное закрытие всех чатов Сферума в VK Мессенджере» (measure vk_closure, item 17 of the 2025 roadmap), per stored week after its deadline: the organisations with a vk chat still open on the week''s Sunday or with members active on vk in the week after the deadline, with the counts. Counted at refresh time.');
    PERFORM @extschema@.comment_columns(views_schema, 'vk_closure', jsonb_build_object(
        'vk_chats_open', 'Its chats on vk open on the week''s Sunday.',
        'vk_people', 'Its members who wrote or read on vk in the week after the deadline.',
        'vk_messages', 'Messages they wrote on vk then.',
        'deadline', 'End of the closure item''s period.'), true);
END
$fn$;
COMMENT ON FUNCTION @extschema@.build_roadmap_views(name, name, integer, boolean) IS
'Internal: write the views roadmap and vk_closure of a KPI view set (build_kpi_views runs it after the answer views); or_replace re-creates them in place (rebuild_views).';
