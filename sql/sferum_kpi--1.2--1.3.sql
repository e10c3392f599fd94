/* sferum_kpi 1.2 -> 1.3: sharding over postgres_fdw, small-cell suppression, warehouse roles */

\echo Use "ALTER EXTENSION sferum_kpi UPDATE TO '1.3'" to load this file. \quit

--------------------------------------------------------------------------------
-- Per-week base rows of every indicator, shared by the KPI views (one region
-- server) and the shard views (postgres_fdw sharding): one definition, so the
-- two can never count differently.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.kpi_base_rows(mart_schema name)
RETURNS TABLE (indicator text, counting text, base_sql text)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    m text := quote_ident(mart_schema);
    -- one week of activity per person and platform (lateral on the week)
    pw constant text := $q$(SELECT a.person_id, a.platform, sum(a.messages_written) AS written,
               sum(a.messages_read) AS read
          FROM @m.activity_daily a WHERE a.day BETWEEN :W AND :E
          GROUP BY a.person_id, a.platform)$q$;
    org constant text := $q$@m.organisation o$q$;
    -- ids only: names are joined after the aggregate, so the grouping sorts integers, not text
    cols constant text := $q$o.region_code, o.municipality_id, o.kind AS org_kind, o.org_id$q$;
    in_registry constant text := $q$m.since <= :E AND (m.until IS NULL OR m.until >= :W)$q$;
    platforms constant text := $q$(VALUES ('vk'::text), ('national'::text)) pf(platform)$q$;
    verified constant text := $q$@x.profile_is_verified(coalesce(m.role_confirmed_on <= :E, false), coalesce(m.sferum_added_on <= :E, false))$q$;
    defs text[][];
    def text[];
BEGIN
    IF mart_schema IS NULL THEN
        RAISE EXCEPTION 'mart_schema must not be NULL' USING ERRCODE = '22004';
    END IF;
    -- the SQL templates use @ and : placeholders, replaced after the names are in
    IF mart_schema ~ '[@:$]' THEN
        RAISE EXCEPTION 'schema name "%" contains @, : or $, which the view templates cannot take', mart_schema
            USING ERRCODE = '22023';
    END IF;
    -- indicator, per-week base rows (platform, org columns, unit_id, active, population), counting mode
    defs := ARRAY[
      ARRAY['orgs_connected', $q$
        SELECT 'any'::text AS platform, @cols, o.org_id AS unit_id,
               coalesce(o.registered_on <= :E, false) AS active, 0::bigint AS population
        FROM @org
        WHERE o.kind IN ('general', 'preschool', 'spo', 'do', 'dpo') AND o.ownership <> 'private'$q$, 'unit'],
      ARRAY['spo_registered', $q$
        SELECT 'any'::text AS platform, @cols, o.org_id AS unit_id,
               coalesce(o.registered_on <= :E, false) AS active, 0::bigint AS population
        FROM @org
        WHERE o.kind = 'spo' AND o.ownership <> 'private'$q$, 'unit'],
      ARRAY['ejournal_connected', $q$
        SELECT 'any'::text AS platform, @cols, o.org_id AS unit_id,
               coalesce(o.ejournal_connected_on <= :E, false) AS active, 0::bigint AS population
        FROM @org
        WHERE o.kind = 'general' AND o.ownership <> 'private'$q$, 'unit'],
      ARRAY['active_orgs', $q$
        SELECT 'any'::text AS platform, @cols, o.org_id AS unit_id,
               coalesce(@x.org_is_active(coalesce(o.admin_logged_in_on <= :E, false),
                                         coalesce(o.data_filled_on <= :E, false),
                                         coalesce(ta.teachers_added, 0)::integer), false) AS active,
               0::bigint AS population
        FROM @org
        LEFT JOIN (SELECT m.org_id, count(*) AS teachers_added FROM @m.membership m
                   WHERE m.role = 'teacher' AND m.sferum_added_on <= :E AND @in_registry
                   GROUP BY m.org_id) ta ON ta.org_id = o.org_id
        WHERE o.kind IN ('general', 'preschool', 'spo', 'do', 'dpo') AND o.ownership <> 'private'$q$, 'unit'],
      ARRAY['staff_using', $q$
        SELECT 'any'::text AS platform, @cols, m.person_id AS unit_id,
               coalesce(@verified, false) AS active, 0::bigint AS population
        FROM @m.membership m JOIN @org ON o.org_id = m.org_id
        WHERE m.role = 'teacher' AND o.kind IN ('general', 'spo', 'preschool', 'do')
          AND o.ownership <> 'private' AND @in_registry$q$, 'unit'],
      ARRAY['active_teachers', $q$
        SELECT pf.platform, @cols, m.person_id AS unit_id,
               coalesce(@x.teacher_is_active(@verified, coalesce(pw.written, 0)), false) AS active,
               0::bigint AS population
        FROM @m.membership m JOIN @org ON o.org_id = m.org_id
        CROSS JOIN @platforms
        LEFT JOIN @pw pw ON pw.person_id = m.person_id AND pw.platform = pf.platform
        WHERE m.role = 'teacher' AND o.kind IN ('general', 'spo', 'preschool', 'do')
          AND o.ownership <> 'private' AND @in_registry$q$, 'unit'],
      ARRAY['chats_10_per_week', $q$
        SELECT c.platform, @cols, c.chat_id AS unit_id,
               -- per chat through the (chat_id, day) key: a join to the week's
               -- per-chat sums invites a nested loop over an aggregate
               coalesce((SELECT sum(cd.messages) FROM @m.chat_daily cd
                         WHERE cd.chat_id = c.chat_id AND cd.day BETWEEN :W AND :E), 0) >= 10 AS active,
               0::bigint AS population
        FROM @m.chat c JOIN @org ON o.org_id = c.org_id
        -- closed_on is the first day without new messages: open on some day of the week
        WHERE c.created_on <= :E AND (c.closed_on IS NULL OR c.closed_on > :W)
          AND o.kind IN ('general', 'preschool', 'spo', 'do', 'dpo') AND o.ownership <> 'private'
          AND EXISTS (SELECT 1 FROM @m.membership m
                      WHERE m.person_id = c.creator_person_id AND m.org_id = c.org_id AND m.role = 'teacher')$q$, 'unit'],
      ARRAY['staff_weekly_writers', $q$
        SELECT pf.platform, @cols, m.person_id AS unit_id,
               coalesce(pw.written, 0) >= 1 AS active, 0::bigint AS population
        FROM @m.membership m JOIN @org ON o.org_id = m.org_id
        CROSS JOIN @platforms
        LEFT JOIN @pw pw ON pw.person_id = m.person_id AND pw.platform = pf.platform
        WHERE m.role IN ('teacher', 'staff') AND o.kind IN ('general', 'spo', 'do')
          AND o.ownership <> 'private' AND @in_registry$q$, 'unit'],
      ARRAY['learners_parents_weekly', $q$
        SELECT pw.platform, @cols, m.person_id AS unit_id, true AS active, 0::bigint AS population
        FROM @pw pw JOIN @m.membership m ON m.person_id = pw.person_id JOIN @org ON o.org_id = m.org_id
        WHERE pw.written + pw.read >= 1 AND m.role IN ('pupil', 'parent')
          AND o.kind IN ('general', 'spo', 'do') AND o.ownership <> 'private' AND @in_registry
        UNION ALL
        SELECT pf.platform, @cols, NULL::bigint, false, 2 * sf.pupils::bigint
        FROM @org JOIN @m.stat_form sf ON sf.org_id = o.org_id AND sf.school_year = @x.school_year(:W)
        CROSS JOIN @platforms
        WHERE o.kind IN ('general', 'spo', 'do') AND o.ownership <> 'private'$q$, 'population'],
      ARRAY['national_only_users', $q$
        SELECT 'any'::text AS platform, @cols, m.person_id AS unit_id,
               u.on_national AND NOT u.on_vk AS active, 0::bigint AS population
        FROM (SELECT pw.person_id, bool_or(pw.platform = 'national') AS on_national,
                     bool_or(pw.platform = 'vk') AS on_vk
              FROM @pw pw WHERE pw.written + pw.read >= 1 GROUP BY pw.person_id) u
        JOIN @m.membership m ON m.person_id = u.person_id JOIN @org ON o.org_id = m.org_id
        WHERE o.kind <> 'preschool' AND o.ownership <> 'private' AND @in_registry$q$, 'unit'],
      ARRAY['officials_weekly_writers', $q$
        SELECT pw.platform, @cols, m.person_id AS unit_id, true AS active, 0::bigint AS population
        FROM @pw pw JOIN @m.membership m ON m.person_id = pw.person_id JOIN @org ON o.org_id = m.org_id
        WHERE pw.written >= 1 AND m.role IN ('official', 'staff', 'teacher')
          AND o.kind IN ('roiv', 'omsu', 'subordinate', 'dpo') AND o.ownership <> 'private' AND @in_registry
        UNION ALL
        SELECT pf.platform, @cols, NULL::bigint, false, sf.authority_headcount::bigint
        FROM @org JOIN @m.stat_form sf ON sf.org_id = o.org_id AND sf.school_year = @x.school_year(:W)
        CROSS JOIN @platforms
        WHERE o.kind IN ('roiv', 'omsu', 'subordinate', 'dpo') AND o.ownership <> 'private'$q$, 'population']
    ];

    FOREACH def SLICE 1 IN ARRAY defs LOOP
        indicator := def[1];
        counting := def[3];
        base_sql := replace(replace(replace(replace(replace(replace(replace(replace(def[2],
                    '@pw', pw), '@org', org), '@cols', cols), '@in_registry', in_registry),
                    '@platforms', platforms), '@verified', verified), '@x.', '@extschema@.'),
                    '@m.', m || '.');
        RETURN NEXT;
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION @extschema@.kpi_base_rows(name) IS
'Internal: the per-week base rows of every computed indicator over a data mart, as SQL text with :W (Monday) and :E (Sunday) placeholders. Columns of each query: platform, region_code, municipality_id, org_kind, org_id, unit_id, active, population. counting is unit (denominator = distinct units) or population (denominator = sum of statistical-form figures).';

--------------------------------------------------------------------------------
-- KPI views, release 1.3: the same views, built from kpi_base_rows(), with
-- small-cell suppression.  Pupils' and teachers' activity is personal data: a
-- figure about 1 or 2 people tells what those people did.  For the indicators
-- that count people, rows below the region level whose denominator is below
-- min_cell show NULL numerator, share and target_met (suppressed = true).
-- Region rows are never suppressed: they feed indicator_history and the
-- dashboard, and a region counts thousands of people.
--------------------------------------------------------------------------------

DROP FUNCTION @extschema@.create_kpi_views(name, name);

CREATE FUNCTION @extschema@.create_kpi_views(mart_schema name, views_schema name DEFAULT 'kpi', min_cell integer DEFAULT 5)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    m text := quote_ident(mart_schema);
    v text := quote_ident(views_schema);
    -- Distinct units per group with the raw-row aggregate of release 1.1: a
    -- unit counts once however many rows (memberships) it has in the group;
    -- rows with a NULL unit (population rows) are ignored by it.
    counted constant text := '@extschema@.weekly_active_ratio(b.unit_id, b.active::integer::bigint, 1, NULL::bigint)';
    def record;
    supp text;
    sql text;
    views text[] := '{}';
BEGIN
    IF mart_schema IS NULL OR views_schema IS NULL OR min_cell IS NULL THEN
        RAISE EXCEPTION 'mart_schema, views_schema and min_cell must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF mart_schema = '' OR views_schema = '' THEN
        RAISE EXCEPTION 'names must not be empty' USING ERRCODE = '22023';
    END IF;
    IF concat(mart_schema, views_schema) ~ '[@:$]' THEN
        RAISE EXCEPTION 'schema names must not contain @, : or $ (the view templates use them as placeholders)'
            USING ERRCODE = '22023';
    END IF;
    IF min_cell < 0 THEN
        RAISE EXCEPTION 'min_cell must be >= 0 (got %)', min_cell
            USING ERRCODE = '22023', HINT = 'Use 0 to publish every figure unsuppressed.';
    END IF;
    IF to_regclass(format('%s.activity_daily', m)) IS NULL THEN
        RAISE EXCEPTION 'schema "%" holds no data mart', mart_schema
            USING ERRCODE = '42P01', HINT = 'Create one with sferum_kpi.create_mart(schema) first.';
    END IF;

    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %s', v);

    FOR def IN SELECT * FROM @extschema@.kpi_base_rows(mart_schema) LOOP
        supp := CASE WHEN (SELECT d.unit FROM @extschema@.indicator_definition d WHERE d.indicator = def.indicator) = 'person'
                     THEN format('(a.level <> ''region'' AND a.denominator < %s)', min_cell)
                     ELSE 'false' END;
        sql := format($v$
CREATE VIEW %1$s.%2$I AS
SELECT %3$L::text AS indicator, wk.week_start, a.platform, a.level,
       a.region_code, a.municipality_id, mu.name AS municipality_name, a.org_kind, a.org_id, og.name AS org_name,
       CASE WHEN NOT x.suppressed THEN a.numerator END AS numerator, a.denominator,
       CASE WHEN a.denominator > 0 AND NOT x.suppressed THEN a.numerator::double precision / a.denominator END AS share,
       x.suppressed,
       t.stage AS target_stage, t.deadline AS target_deadline, t.threshold AS target_threshold,
       CASE WHEN NOT x.suppressed THEN t.met END AS target_met, wk.week_start + 6 >= t.deadline AS target_due,
       t.in_force AS target_in_force
FROM (SELECT w::date AS week_start
      FROM generate_series((SELECT @extschema@.week_start(min(d.day)) FROM @m.activity_daily d)::timestamp,
                           (SELECT max(d.day) FROM @m.activity_daily d)::timestamp,
                           interval '7 days') AS w) wk
CROSS JOIN LATERAL (
    SELECT b.platform,
           CASE WHEN grouping(b.org_id) = 0 THEN 'organisation'
                WHEN grouping(b.municipality_id) = 0 THEN 'municipality'
                WHEN grouping(b.org_kind) = 0 THEN 'org_kind'
                ELSE 'region' END AS level,
           b.region_code, b.municipality_id, b.org_kind, b.org_id,
           coalesce(@extschema@.numerator(%4$s), 0) AS numerator, %5$s AS denominator
    FROM (%6$s) b
    GROUP BY GROUPING SETS (
        (b.platform, b.region_code),
        (b.platform, b.region_code, b.municipality_id),
        (b.platform, b.region_code, b.org_kind),
        (b.platform, b.region_code, b.municipality_id, b.org_kind, b.org_id))
) a
CROSS JOIN LATERAL (SELECT %7$s AS suppressed) x
LEFT JOIN @m.municipality mu ON mu.municipality_id = a.municipality_id
LEFT JOIN @m.organisation og ON og.org_id = a.org_id
-- a DBA may delete an indicator's targets: the rows stay, with NULL target columns.
-- OFFSET 0 keeps the subquery apart, so that EXISTS is its one-time filter and
-- target_status (unknown indicator: an error) is not called; pulled up into the
-- outer join (PostgreSQL 16+), EXISTS would only filter target_status's rows.
LEFT JOIN LATERAL (
    SELECT s.* FROM @extschema@.target_status(%3$L,
                        @extschema@.kpi_ratio(LEAST(a.numerator, a.denominator), a.denominator),
                        wk.week_start, a.region_code) s
    WHERE EXISTS (SELECT 1 FROM @extschema@.target tt WHERE tt.indicator = %3$L) OFFSET 0) t ON true$v$,
            v, def.indicator, def.indicator, counted,
            CASE def.counting WHEN 'unit' THEN format('coalesce(@extschema@.denominator(%s), 0)', counted)
                              ELSE 'coalesce(sum(b.population), 0)::bigint' END,
            def.base_sql, supp);
        sql := replace(replace(replace(sql, '@m.', m || '.'), ':W', 'wk.week_start'), ':E', '(wk.week_start + 6)');
        EXECUTE sql;
        views := views || def.indicator;
        PERFORM @extschema@.comment_kpi_view(views_schema, def.indicator,
            format('Indicator %s per week, platform and level (region, municipality, org_kind, organisation): %s / %s. Aggregates only.%s',
                   def.indicator,
                   (SELECT d.numerator FROM @extschema@.indicator_definition d WHERE d.indicator = def.indicator),
                   (SELECT d.denominator FROM @extschema@.indicator_definition d WHERE d.indicator = def.indicator),
                   CASE WHEN supp <> 'false' AND min_cell > 0
                        THEN format(' Below the region level, figures of groups with fewer than %s people are suppressed.', min_cell)
                        ELSE '' END));
        EXECUTE format('COMMENT ON COLUMN %s.%I.suppressed IS %L', v, def.indicator,
                       format('true when numerator, share and target_met are withheld: a group of fewer than %s people below the region level (small-cell protection; create_kpi_views(..., min_cell)).', min_cell));
    END LOOP;
    -- every indicator in one long result
    EXECUTE format('CREATE VIEW %s.all_indicators AS %s', v,
                   (SELECT string_agg(format('SELECT * FROM %s.%I', v, x), E'\nUNION ALL ') FROM unnest(views) x));
    PERFORM @extschema@.comment_kpi_view(views_schema, 'all_indicators',
        'Every computed indicator in one result (long format): indicator, week, platform, level, group, numerator, denominator, share, target.');
    EXECUTE format('COMMENT ON COLUMN %s.all_indicators.suppressed IS %L', v,
                   format('true when numerator, share and target_met are withheld: a group of fewer than %s people below the region level (small-cell protection; create_kpi_views(..., min_cell)).', min_cell));

    EXECUTE replace(replace(format($v$
CREATE VIEW %1$s.dashboard AS
WITH latest AS (
    -- the latest complete week: the last week whose Sunday has activity data
    SELECT r.region_code, r.name AS region_name,
           @extschema@.week_start((SELECT max(a.day) FROM @m.activity_daily a) + 1) - 7 AS week_start
    FROM @m.region r
), indicators AS (
    SELECT DISTINCT ON (t.indicator) t.indicator, t.kind, t.title_ru, t.title_en
    FROM @extschema@.target t
    WHERE t.kind = 'milestone'
       OR t.indicator IN (SELECT d.indicator FROM @extschema@.indicator_definition d)
    ORDER BY t.indicator, t.stage
), cur AS (
    SELECT l.region_code, l.region_name, i.indicator, i.kind, i.title_ru, i.title_en, l.week_start,
           CASE WHEN i.kind = 'milestone' THEN 'any'
                WHEN NOT coalesce((SELECT d.per_platform FROM @extschema@.indicator_definition d
                                   WHERE d.indicator = i.indicator), false) THEN 'any'
                WHEN @extschema@.school_year(l.week_start) >= 2025 THEN 'national'
                ELSE 'vk' END AS platform
    FROM latest l CROSS JOIN indicators i
    WHERE l.week_start IS NOT NULL
), val AS (
    SELECT c.*,
           CASE WHEN c.kind = 'milestone' THEN
               (SELECT @extschema@.kpi_ratio(mp.done, mp.total) FROM @m.milestone_progress mp
                WHERE mp.region_code = c.region_code AND mp.indicator = c.indicator
                  AND mp.reported_on <= c.week_start + 6
                ORDER BY mp.reported_on DESC LIMIT 1)
           ELSE
               (SELECT h.value FROM @extschema@.indicator_history h
                WHERE h.region_code = c.region_code AND h.indicator = c.indicator
                  AND h.platform = c.platform AND h.week = c.week_start)
           END AS value,
           (SELECT h.value FROM @extschema@.indicator_history h
            WHERE h.region_code = c.region_code AND h.indicator = c.indicator
              AND h.platform = c.platform AND h.week = c.week_start - 7) AS previous,
           (SELECT string_agg(CASE WHEN h.value IS NULL OR @extschema@.share(h.value) IS NULL THEN '·'
                                   ELSE substr('▁▂▃▄▅▆▇█', 1 + least(7, floor(@extschema@.share(h.value) * 8))::integer, 1)
                              END, '' ORDER BY w.week)
            FROM generate_series((c.week_start - 49)::timestamp, c.week_start::timestamp, interval '7 days') AS w(week)
            LEFT JOIN @extschema@.indicator_history h
                   ON h.region_code = c.region_code AND h.indicator = c.indicator
                  AND h.platform = c.platform AND h.week = w.week::date) AS trend
    FROM cur c
)
SELECT v.region_code, v.region_name, v.indicator, v.title_ru, v.title_en, v.kind, v.platform, v.week_start,
       @extschema@.numerator(v.value) AS numerator, @extschema@.denominator(v.value) AS denominator,
       @extschema@.share(v.value) AS share,
       @extschema@.share(v.previous) AS previous_share,
       @extschema@.share(v.value) - @extschema@.share(v.previous) AS change,
       v.trend,
       s.stage AS target_stage, s.deadline AS target_deadline, s.comparison AS target_comparison,
       s.threshold AS target_threshold, s.met AS target_met,
       v.week_start + 6 >= s.deadline AS target_due, s.in_force AS target_in_force, s.short_by
FROM val v
LEFT JOIN LATERAL @extschema@.target_status(v.indicator, v.value, v.week_start, v.region_code) s ON true$v$, v),
        '@m.', m || '.'), '@x.', '@extschema@.');
    PERFORM @extschema@.comment_kpi_view(views_schema, 'dashboard',
        'One row per region and indicator: the latest complete week from indicator_history (milestones: the latest loaded counts) against the target stage for that week, with the previous week, the change and an 8-week trend.');
END
$fn$;
COMMENT ON FUNCTION @extschema@.create_kpi_views(name, name, integer) IS
'Create the KPI views over a data mart in views_schema (default kpi): one view per indicator, all_indicators, dashboard. For the indicators that count people, rows below the region level with a denominator below min_cell (default 5; 0 = publish everything) show NULL numerator, share and target_met. The views are not extension members; DROP EXTENSION refuses while they exist.';

--------------------------------------------------------------------------------
-- Sharding with postgres_fdw.
--
-- A shard is an ordinary region server: one or more data marts and sferum_kpi
-- in the coordinator's version.  create_shard_views() gives it, per region R,
-- a view facts_R with the per-week base rows of every indicator (person-level
-- rows: only the coordinator's user mapping may read them) and a view
-- region_R (name, time zone, extension version).
--
-- The coordinator holds no activity: create_national() makes a table
-- partitioned by region_code whose partitions attach_shard() creates as
-- postgres_fdw foreign tables, one per region of a shard.  With GROUP BY on
-- the region and enable_partitionwise_aggregate, each region's aggregate runs
-- on its shard, inside the Remote SQL: what crosses the network is a kpi_ratio
-- per region, indicator, platform and week, never a person.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.create_shard_views(mart_schema name, shard_schema name DEFAULT 'kpi_shard')
RETURNS SETOF text
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    m text := quote_ident(mart_schema);
    s text := quote_ident(shard_schema);
    r record;
    body text;
BEGIN
    IF mart_schema IS NULL OR shard_schema IS NULL THEN
        RAISE EXCEPTION 'mart_schema and shard_schema must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF mart_schema = '' OR shard_schema = '' THEN
        RAISE EXCEPTION 'names must not be empty' USING ERRCODE = '22023';
    END IF;
    IF concat(mart_schema, shard_schema) ~ '[@:$]' THEN
        RAISE EXCEPTION 'schema names must not contain @, : or $ (the view templates use them as placeholders)'
            USING ERRCODE = '22023';
    END IF;
    IF to_regclass(format('%s.activity_daily', m)) IS NULL THEN
        RAISE EXCEPTION 'schema "%" holds no data mart', mart_schema
            USING ERRCODE = '42P01', HINT = 'Create one with sferum_kpi.create_mart(schema) first.';
    END IF;
    IF to_regnamespace(quote_ident(shard_schema)) IS NULL THEN
        EXECUTE format('CREATE SCHEMA %s', s);
    END IF;
    -- every indicator's base rows of one week, tagged with the indicator
    SELECT string_agg(format('SELECT %L::text AS indicator, %L::text AS counting, q.region_code, q.platform, '
                             'q.unit_id, q.active, q.population FROM (%s) q WHERE q.region_code = $R',
                             b.indicator, b.counting, b.base_sql), E'\n    UNION ALL\n    ')
      INTO body
      FROM @extschema@.kpi_base_rows(mart_schema) b;
    body := replace(replace(body, ':W', 'wk.week_start'), ':E', '(wk.week_start + 6)');

    FOR r IN EXECUTE format('SELECT region_code FROM %s.region ORDER BY region_code', m) LOOP
        IF r.region_code !~ '^[A-Za-z0-9_]{1,50}$' THEN
            RAISE EXCEPTION 'region code "%" cannot name a shard view', r.region_code
                USING ERRCODE = '22023', HINT = 'Region codes used for sharding are letters, digits and _ (at most 50).';
        END IF;
        -- already made from this mart (the view reads its activity_daily): keep it
        IF EXISTS (SELECT 1 FROM pg_rewrite rw JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
                   WHERE rw.ev_class = to_regclass(format('%s.%I', s, 'facts_' || r.region_code))
                     AND d.refobjid = format('%s.activity_daily', m)::regclass) THEN
            RETURN NEXT r.region_code;
            CONTINUE;
        END IF;
        IF to_regclass(format('%s.%I', s, 'facts_' || r.region_code)) IS NOT NULL THEN
            RAISE EXCEPTION 'shard view %.% already exists', shard_schema, 'facts_' || r.region_code
                USING ERRCODE = '42P07', HINT = 'A region is held by one data mart; drop the old views to rebuild them.';
        END IF;
        EXECUTE format($v$
CREATE VIEW %1$s.%2$I AS
SELECT wk.week_start, b.indicator, b.counting, b.region_code, b.platform, b.unit_id, b.active, b.population
FROM (SELECT w::date AS week_start
      FROM generate_series((SELECT @extschema@.week_start(min(d.day)) FROM %3$s.activity_daily d)::timestamp,
                           (SELECT max(d.day) FROM %3$s.activity_daily d)::timestamp,
                           interval '7 days') AS w) wk
CROSS JOIN LATERAL (
    %4$s
) b$v$, s, 'facts_' || r.region_code, m, replace(body, '$R', quote_literal(r.region_code)));
        EXECUTE format('COMMENT ON VIEW %s.%I IS %L', s, 'facts_' || r.region_code,
            format('Shard view of region %s: per-week base rows of every indicator (one row per unit and group; unit_id is a person, organisation or chat id). Person-level: for the coordinator''s postgres_fdw user mapping only, never for BI roles.', r.region_code));
        EXECUTE format($v$
CREATE VIEW %1$s.%2$I AS
SELECT r.region_code, r.name, r.time_zone,
       (SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'sferum_kpi') AS sferum_kpi_version,
       -- people with a membership here whose home region is another one: the
       -- only people the national totals could count in two regions
       (SELECT count(DISTINCT mb.person_id) FROM %3$s.membership mb
          JOIN %3$s.organisation o ON o.org_id = mb.org_id
          JOIN %3$s.person p ON p.person_id = mb.person_id
         WHERE o.region_code = r.region_code AND p.region_code <> r.region_code) AS cross_region_people
FROM %3$s.region r WHERE r.region_code = %4$L$v$, s, 'region_' || r.region_code, m, r.region_code);
        EXECUTE format('COMMENT ON VIEW %s.%I IS %L', s, 'region_' || r.region_code,
            format('Shard view of region %s: its name, time zone, the sferum_kpi version of this shard (checked by attach_shard on the coordinator) and the number of people counted here whose home region is another.', r.region_code));
        RETURN NEXT r.region_code;
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION @extschema@.create_shard_views(name, name) IS
'On a shard: create, for every region of the data mart, the views facts_<region> (per-week base rows of every indicator, person-level) and region_<region> in shard_schema (default kpi_shard), for the coordinator''s attach_shard(). Regions whose views were made from this mart before are kept; re-run it after adding a region. Returns the region codes.';

CREATE FUNCTION @extschema@.create_national(national_schema name DEFAULT 'national')
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    n text := quote_ident(national_schema);
    counted constant text := '@extschema@.weekly_active_ratio(f.unit_id, f.active::integer::bigint, 1, NULL::bigint)';
BEGIN
    IF national_schema IS NULL THEN
        RAISE EXCEPTION 'national_schema must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF national_schema = '' THEN
        RAISE EXCEPTION 'names must not be empty' USING ERRCODE = '22023';
    END IF;
    IF concat(national_schema) ~ '[@:$]' THEN
        RAISE EXCEPTION 'schema names must not contain @, : or $ (the view templates use them as placeholders)'
            USING ERRCODE = '22023';
    END IF;
    IF to_regclass(format('%s.facts', n)) IS NOT NULL THEN
        RAISE EXCEPTION 'schema "%" already holds a national coordinator', national_schema
            USING ERRCODE = '42P07', HINT = 'Attach more shards with sferum_kpi.attach_shard(server, schema).';
    END IF;
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %s', n);
    EXECUTE replace(replace(replace($ddl$
CREATE TABLE @n.facts (
    week_start  date NOT NULL,
    indicator   text NOT NULL,
    counting    text NOT NULL,
    region_code text NOT NULL,
    platform    text NOT NULL,
    unit_id     bigint,
    active      boolean NOT NULL,
    population  bigint
) PARTITION BY LIST (region_code);
COMMENT ON TABLE @n.facts IS 'Per-week base rows of every indicator, partitioned by region; each partition is a postgres_fdw foreign table on the shard holding the region (attach_shard). Person-level: query it only through region_counts, region_indicators and totals.';
COMMENT ON COLUMN @n.facts.week_start IS 'Monday of the week.';
COMMENT ON COLUMN @n.facts.indicator IS 'Indicator code.';
COMMENT ON COLUMN @n.facts.counting IS 'unit (denominator = distinct units) or population (denominator = sum of population).';
COMMENT ON COLUMN @n.facts.region_code IS 'Region code: the partition key.';
COMMENT ON COLUMN @n.facts.platform IS 'vk, national, or any.';
COMMENT ON COLUMN @n.facts.unit_id IS 'Person, organisation or chat counted; NULL on population rows.';
COMMENT ON COLUMN @n.facts.active IS 'Whether the unit counts in the numerator on this row.';
COMMENT ON COLUMN @n.facts.population IS 'Statistical-form population of a population row.';

CREATE TABLE @n.region (
    region_code         text NOT NULL,
    name                text,
    time_zone           text,
    sferum_kpi_version  text,
    cross_region_people bigint
) PARTITION BY LIST (region_code);
COMMENT ON TABLE @n.region IS 'Regions attached to the coordinator, read live from the shards (one postgres_fdw foreign partition per region).';
COMMENT ON COLUMN @n.region.region_code IS 'Region code: the partition key.';
COMMENT ON COLUMN @n.region.name IS 'Region name.';
COMMENT ON COLUMN @n.region.time_zone IS 'Time zone of the region.';
COMMENT ON COLUMN @n.region.sferum_kpi_version IS 'sferum_kpi version installed on the shard (attach_shard requires the coordinator''s).';
COMMENT ON COLUMN @n.region.cross_region_people IS 'People counted in this region whose home region (person.region_code) is another: 0 everywhere means no person can be counted in two regions, so the national totals are distinct people.';

-- Per region, indicator, platform and week.  Grouped by the partition key, so
-- with enable_partitionwise_aggregate each region's group is computed on its
-- shard (the aggregate and numerator()/denominator() are in the Remote SQL).
CREATE VIEW @n.region_counts AS
SELECT f.indicator, f.week_start, f.platform, f.region_code,
       coalesce(@x.numerator(@counted), 0) AS numerator,
       CASE WHEN f.counting = 'unit' THEN coalesce(@x.denominator(@counted), 0)
            ELSE coalesce(sum(f.population), 0)::bigint END AS denominator
FROM @n.facts f
GROUP BY f.indicator, f.week_start, f.platform, f.region_code, f.counting;

CREATE VIEW @n.region_indicators AS
SELECT c.indicator, c.week_start, c.platform, c.region_code, r.name AS region_name,
       c.numerator, c.denominator,
       CASE WHEN c.denominator > 0 THEN c.numerator::double precision / c.denominator END AS share,
       t.stage AS target_stage, t.deadline AS target_deadline, t.threshold AS target_threshold,
       t.met AS target_met, c.week_start + 6 >= t.deadline AS target_due, t.in_force AS target_in_force
FROM @n.region_counts c
LEFT JOIN @n.region r ON r.region_code = c.region_code
LEFT JOIN LATERAL (
    SELECT s.* FROM @x.target_status(c.indicator,
                        @x.kpi_ratio(LEAST(c.numerator, c.denominator), c.denominator),
                        c.week_start, c.region_code) s
    -- OFFSET 0: EXISTS gates the call (see create_kpi_views)
    WHERE EXISTS (SELECT 1 FROM @x.target tt WHERE tt.indicator = c.indicator) OFFSET 0) t ON true;

CREATE VIEW @n.shards AS
SELECT substr(c.relname, 7) AS region_code, s.srvname AS server_name,
       (SELECT substr(o, 13) FROM unnest(ft.ftoptions) o WHERE o LIKE 'schema_name=%') AS remote_schema
FROM pg_catalog.pg_inherits i
JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
JOIN pg_catalog.pg_foreign_table ft ON ft.ftrelid = c.oid
JOIN pg_catalog.pg_foreign_server s ON s.oid = ft.ftserver
WHERE i.inhparent = '@n.facts'::regclass;

-- National totals: a rollup of the regions' exact counts, never an average of shares.
CREATE VIEW @n.totals AS
SELECT c.indicator, c.week_start, c.platform, count(*) AS regions,
       sum(c.numerator)::bigint AS numerator, sum(c.denominator)::bigint AS denominator,
       CASE WHEN sum(c.denominator) > 0 THEN (sum(c.numerator) / sum(c.denominator))::double precision END AS share,
       @x.rollup(@x.kpi_ratio(LEAST(c.numerator, c.denominator), c.denominator)) AS value
FROM @n.region_counts c
GROUP BY c.indicator, c.week_start, c.platform;
$ddl$, '@n.', n || '.'), '@counted', counted), '@x.', '@extschema@.');
    PERFORM @extschema@.comment_kpi_view(national_schema, 'region_counts',
        'Numerator and denominator of every indicator per region, platform and week, computed on the shards (the region level of the KPI views).');
    PERFORM @extschema@.comment_kpi_view(national_schema, 'region_indicators',
        'Every indicator per region, platform and week (computed on the shards), with the region''s target stage (evaluated on the coordinator).');
    PERFORM @extschema@.comment_kpi_view(national_schema, 'totals',
        'National total of every indicator per platform and week: the sum of the regions'' numerators over the sum of their denominators, never an average of shares. Distinct units are counted per region; they are distinct nationally when region.cross_region_people is 0 everywhere.');
    EXECUTE format('COMMENT ON VIEW %s.shards IS %L', n, 'Which foreign server holds each region''s partition (maintained by attach_shard).');
    EXECUTE format('COMMENT ON COLUMN %s.shards.region_code IS %L', n, 'Region code.');
    EXECUTE format('COMMENT ON COLUMN %s.shards.server_name IS %L', n, 'postgres_fdw server of the shard.');
    EXECUTE format('COMMENT ON COLUMN %s.shards.remote_schema IS %L', n, 'Schema of the shard views on that server.');
    EXECUTE format('COMMENT ON COLUMN %s.totals.regions IS %L', n, 'Regions with a row for this indicator, platform and week.');
    EXECUTE format('COMMENT ON COLUMN %s.totals.value IS %L', n, 'The national value as an exact kpi_ratio: rollup of the regions'' ratios (numerators capped at their denominators, as in indicator_history).');
    IF NOT current_setting('enable_partitionwise_aggregate')::boolean THEN
        RAISE NOTICE 'enable_partitionwise_aggregate is off in this session: the regions'' aggregates would run on the coordinator over person-level rows'
            USING HINT = format('ALTER DATABASE %I SET enable_partitionwise_aggregate = on;', current_database());
    END IF;
END
$fn$;
COMMENT ON FUNCTION @extschema@.create_national(name) IS
'On the coordinator: create the partitioned table facts and the views region_counts, region_indicators and totals in national_schema (default national). Attach shards with attach_shard().';

CREATE FUNCTION @extschema@.attach_shard(server_name name, national_schema name DEFAULT 'national',
                                         shard_schema name DEFAULT 'kpi_shard')
RETURNS TABLE (region_code text, region_name text, status text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    n text := quote_ident(national_schema);
    srv record;
    opts text[];
    staging text := format('sferum_kpi_import_%s', pg_backend_pid());
    code text;
    other name;
    info record;
    mine text := (SELECT e.extversion FROM pg_extension e WHERE e.extname = 'sferum_kpi');
    old_level text;
    tuple_cost numeric;
BEGIN
    IF server_name IS NULL OR national_schema IS NULL OR shard_schema IS NULL THEN
        RAISE EXCEPTION 'server_name, national_schema and shard_schema must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF server_name = '' OR national_schema = '' OR shard_schema = '' THEN
        RAISE EXCEPTION 'names must not be empty' USING ERRCODE = '22023';
    END IF;
    IF to_regclass(format('%s.facts', n)) IS NULL THEN
        RAISE EXCEPTION 'schema "%" holds no national coordinator', national_schema
            USING ERRCODE = '42P01', HINT = 'Create it with sferum_kpi.create_national(schema) first.';
    END IF;
    SELECT s.oid, s.srvoptions, s.srvowner, w.fdwname INTO srv
      FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
     WHERE s.srvname = server_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'foreign server "%" does not exist', server_name
            USING ERRCODE = '42704', HINT = 'CREATE SERVER ... FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host ..., dbname ..., extensions ''sferum_kpi'', async_capable ''true'').';
    END IF;
    IF srv.fdwname <> 'postgres_fdw' THEN
        RAISE EXCEPTION 'foreign server "%" uses %, not postgres_fdw', server_name, srv.fdwname USING ERRCODE = '55000';
    END IF;
    opts := coalesce(srv.srvoptions, '{}');
    -- Without the extension in the server's shippable list, postgres_fdw would
    -- fetch every person-level row to aggregate on the coordinator.
    IF NOT EXISTS (SELECT 1 FROM unnest(opts) o
                   WHERE o LIKE 'extensions=%'
                     AND 'sferum_kpi' = ANY (SELECT btrim(x) FROM unnest(string_to_array(substr(o, 12), ',')) x)) THEN
        RAISE EXCEPTION 'foreign server "%" does not list sferum_kpi as shippable', server_name
            USING ERRCODE = '55000',
                  DETAIL = 'postgres_fdw would fetch person-level rows and aggregate them on the coordinator.',
                  HINT = format('ALTER SERVER %I OPTIONS (ADD extensions ''sferum_kpi'');', server_name);
    END IF;
    -- The planner must see that the per-region aggregate returns a few rows where
    -- the base rows are many: the facts partitions ask the shard for estimates
    -- (use_remote_estimate, set below), and moving a row has to cost something.
    -- With postgres_fdw's default fdw_tuple_cost (0.01 in PostgreSQL 15 and 16)
    -- the planner fetches person-level rows to aggregate them locally whenever
    -- the local aggregate's sort order saves it a sort (measured: national.totals).
    tuple_cost := (SELECT substr(o, 16)::numeric FROM unnest(opts) o WHERE o LIKE 'fdw_tuple_cost=%');
    IF tuple_cost IS NULL AND pg_has_role(current_user, srv.srvowner, 'USAGE') THEN
        EXECUTE format('ALTER SERVER %I OPTIONS (ADD fdw_tuple_cost %L)', server_name, '1');
        RAISE NOTICE 'set fdw_tuple_cost 1 on foreign server "%", so that the planner sends each region''s aggregate to its shard', server_name;
    ELSIF coalesce(tuple_cost, 0) < 1 THEN
        RAISE NOTICE 'foreign server "%" has fdw_tuple_cost %: the planner may fetch person-level rows to aggregate them on the coordinator',
                     server_name, coalesce(tuple_cost::text, 'unset')
            USING HINT = format('As its owner: ALTER SERVER %I OPTIONS (%s fdw_tuple_cost ''1'');', server_name,
                                CASE WHEN tuple_cost IS NULL THEN 'ADD' ELSE 'SET' END);
    END IF;
    IF NOT 'async_capable=true' = ANY (opts) THEN
        RAISE NOTICE 'foreign server "%" is not async_capable: its regions will be scanned one after another', server_name
            USING HINT = format('ALTER SERVER %I OPTIONS (ADD async_capable ''true'');', server_name);
    END IF;

    -- Discover the shard's regions: its region_<code> views.
    EXECUTE format('CREATE SCHEMA %I', staging);
    EXECUTE format('IMPORT FOREIGN SCHEMA %I FROM SERVER %I INTO %I', shard_schema, server_name, staging);
    FOR code IN
        SELECT substr(c.relname, 8) FROM pg_class c
         WHERE c.relnamespace = quote_ident(staging)::regnamespace AND c.relname LIKE 'region\_%'
           AND EXISTS (SELECT 1 FROM pg_class f WHERE f.relnamespace = c.relnamespace
                                                  AND f.relname = 'facts_' || substr(c.relname, 8))
         ORDER BY 1
    LOOP
        region_code := code;
        EXECUTE format('SELECT r.name, r.sferum_kpi_version FROM %I.%I r', staging, 'region_' || code) INTO info;
        region_name := info.name;
        IF info.sferum_kpi_version IS DISTINCT FROM mine THEN
            RAISE EXCEPTION 'shard "%" has sferum_kpi %, the coordinator %', server_name,
                            coalesce(info.sferum_kpi_version, '(none)'), mine
                USING ERRCODE = '55000',
                      HINT = 'Run ALTER EXTENSION sferum_kpi UPDATE on every node, so that every node has the same version.';
        END IF;
        SELECT s.srvname INTO other
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          JOIN pg_foreign_table ft ON ft.ftrelid = c.oid JOIN pg_foreign_server s ON s.oid = ft.ftserver
         WHERE i.inhparent = format('%s.facts', n)::regclass AND c.relname = 'facts_' || code;
        IF other IS NOT NULL AND other <> server_name THEN
            RAISE EXCEPTION 'region % is already attached from server "%"', code, other
                USING ERRCODE = '42710', HINT = format('DROP FOREIGN TABLE %s.%I, %s.%I first to move the region.',
                                                        n, 'facts_' || code, n, 'region_' || code);
        ELSIF other IS NOT NULL THEN
            status := 'already attached';
            IF to_regclass(format('%s.%I', n, 'region_' || code)) IS NULL THEN
                EXECUTE format('CREATE FOREIGN TABLE %s.%I PARTITION OF %s.region FOR VALUES IN (%L) '
                               'SERVER %I OPTIONS (schema_name %L, table_name %L)',
                               n, 'region_' || code, n, code, server_name, shard_schema, 'region_' || code);
                status := 'already attached; region partition re-created';
            END IF;
        ELSE
            EXECUTE format('CREATE FOREIGN TABLE %s.%I PARTITION OF %s.facts FOR VALUES IN (%L) '
                           'SERVER %I OPTIONS (schema_name %L, table_name %L, use_remote_estimate ''true'')',
                           n, 'facts_' || code, n, code, server_name, shard_schema, 'facts_' || code);
            EXECUTE format('CREATE FOREIGN TABLE %s.%I PARTITION OF %s.region FOR VALUES IN (%L) '
                           'SERVER %I OPTIONS (schema_name %L, table_name %L)',
                           n, 'region_' || code, n, code, server_name, shard_schema, 'region_' || code);
            EXECUTE format('COMMENT ON FOREIGN TABLE %s.%I IS %L', n, 'facts_' || code,
                           format('Region %s on server %s (attach_shard).', code, server_name));
            EXECUTE format('COMMENT ON FOREIGN TABLE %s.%I IS %L', n, 'region_' || code,
                           format('Region %s on server %s (attach_shard).', code, server_name));
            status := 'attached';
        END IF;
        RETURN NEXT;
    END LOOP;
    -- the staging foreign tables were only needed to read the shard's catalogue
    old_level := current_setting('client_min_messages');
    PERFORM set_config('client_min_messages', 'warning', true);
    EXECUTE format('DROP SCHEMA %I CASCADE', staging);
    PERFORM set_config('client_min_messages', old_level, true);
    IF region_code IS NULL THEN
        RAISE EXCEPTION 'server "%" has no shard views in schema "%"', server_name, shard_schema
            USING ERRCODE = '42P01', HINT = 'On the shard: SELECT sferum_kpi.create_shard_views(mart_schema, shard_schema);';
    END IF;
END
$fn$;
COMMENT ON FUNCTION @extschema@.attach_shard(name, name, name) IS
'On the coordinator: attach every region of a shard (a postgres_fdw server listing sferum_kpi in its extensions option) as foreign partitions facts_<region> and region_<region> of national_schema. Checks the shard''s sferum_kpi version; re-running it attaches new regions only. Returns one row per region of the shard.';

--------------------------------------------------------------------------------
-- Warehouse roles.  A BI reader reads the views of one schema (KPI views or the
-- national views) and nothing person-level: the views run with their owner's
-- rights, so the reader needs no privilege on the mart.  A loader writes the
-- mart tables and reads nothing else.  Both are idempotent GRANTs; re-run
-- grant_reader after create_kpi_views() makes new views.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.grant_reader(role_name name, views_schema name DEFAULT 'kpi')
RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    r text := quote_ident(role_name);
    v record;
    granted integer := 0;
BEGIN
    IF role_name IS NULL OR views_schema IS NULL THEN
        RAISE EXCEPTION 'role_name and views_schema must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF role_name = '' OR views_schema = '' THEN
        RAISE EXCEPTION 'names must not be empty' USING ERRCODE = '22023';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
        RAISE EXCEPTION 'role "%" does not exist', role_name USING ERRCODE = '42704';
    END IF;
    IF to_regnamespace(quote_ident(views_schema)) IS NULL THEN
        RAISE EXCEPTION 'schema "%" does not exist', views_schema USING ERRCODE = '3F000';
    END IF;
    -- the shard views of create_shard_views are person-level: never for a reader
    IF EXISTS (SELECT 1 FROM pg_class c
               WHERE c.relnamespace = quote_ident(views_schema)::regnamespace AND c.relkind = 'v'
                 AND c.relname LIKE 'facts\_%' AND obj_description(c.oid, 'pg_class') LIKE 'Shard view of region %') THEN
        RAISE EXCEPTION 'schema "%" holds person-level shard views (create_shard_views): grant_reader refuses it', views_schema
            USING ERRCODE = '0LP01',
                  HINT = 'Grant the shard views only to the role of the coordinator''s user mapping, by hand.';
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %s', views_schema, r);
    -- views only: tables (mart tables, the person-level national.facts) never
    FOR v IN SELECT c.relname FROM pg_class c
              WHERE c.relnamespace = quote_ident(views_schema)::regnamespace AND c.relkind IN ('v', 'm')
              ORDER BY c.relname LOOP
        EXECUTE format('GRANT SELECT ON %I.%I TO %s', views_schema, v.relname, r);
        granted := granted + 1;
    END LOOP;
    -- target_status() reads the targets with the caller's rights; the history
    -- and the definitions are region-level figures and documentation
    EXECUTE format('GRANT USAGE ON SCHEMA @extschema@ TO %s', r);
    EXECUTE format('GRANT SELECT ON @extschema@.target, @extschema@.indicator_history, @extschema@.indicator_definition TO %s', r);
    RETURN granted;
END
$fn$;
COMMENT ON FUNCTION @extschema@.grant_reader(name, name) IS
'Let a BI role read every view of views_schema (KPI or national views: aggregates only) and the targets, history and definitions; never a table of the mart. Returns the number of views granted. Re-run it after create_kpi_views().';

CREATE FUNCTION @extschema@.grant_loader(role_name name, mart_schema name)
RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    r text := quote_ident(role_name);
    t record;
    granted integer := 0;
BEGIN
    IF role_name IS NULL OR mart_schema IS NULL THEN
        RAISE EXCEPTION 'role_name and mart_schema must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF role_name = '' OR mart_schema = '' THEN
        RAISE EXCEPTION 'names must not be empty' USING ERRCODE = '22023';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
        RAISE EXCEPTION 'role "%" does not exist', role_name USING ERRCODE = '42704';
    END IF;
    IF to_regclass(format('%I.activity_daily', mart_schema)) IS NULL THEN
        RAISE EXCEPTION 'schema "%" holds no data mart', mart_schema
            USING ERRCODE = '42P01', HINT = 'Create one with sferum_kpi.create_mart(schema) first.';
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %s', mart_schema, r);
    FOR t IN SELECT c.relname FROM pg_class c
              WHERE c.relnamespace = quote_ident(mart_schema)::regnamespace AND c.relkind IN ('r', 'p')
              ORDER BY c.relname LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON %I.%I TO %s', mart_schema, t.relname, r);
        granted := granted + 1;
    END LOOP;
    RETURN granted;
END
$fn$;
COMMENT ON FUNCTION @extschema@.grant_loader(name, name) IS
'Let an ETL role read and write every table of a data mart (load, correct, truncate). It gets nothing else: not the KPI views, not the extension''s catalog. Returns the number of tables granted.';

--------------------------------------------------------------------------------
-- backfill, release 1.3: refuses infinite dates (1.2 looped for ever on them,
-- since week_start keeps infinities) and stops before the last week of the
-- calendar without overflowing.
--------------------------------------------------------------------------------

DROP FUNCTION @extschema@.backfill(name, date, date);

CREATE FUNCTION @extschema@.backfill(views_schema name, from_week date, to_week date)
RETURNS TABLE (week date, rows_changed integer)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    w date;
BEGIN
    IF from_week IS NULL OR to_week IS NULL OR from_week > to_week THEN
        RAISE EXCEPTION 'from_week and to_week must be dates with from_week <= to_week'
            USING ERRCODE = '22023';
    END IF;
    IF NOT isfinite(from_week) OR NOT isfinite(to_week) THEN
        RAISE EXCEPTION 'from_week and to_week must be finite dates (got % and %)', from_week, to_week
            USING ERRCODE = '22008';
    END IF;
    w := @extschema@.week_start(from_week);
    LOOP
        week := w;
        rows_changed := @extschema@.snapshot_week(views_schema, w);
        RETURN NEXT;
        EXIT WHEN to_week - w < 7;
        w := w + 7;
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION @extschema@.backfill(name, date, date) IS
'Run snapshot_week for every week from from_week to to_week (e.g. school year 2024/2025 on vk gives the stage-1 baselines). One row per week with the rows it changed. Dates must be finite.';
