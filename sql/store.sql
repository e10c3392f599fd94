--------------------------------------------------------------------------------
-- The weekly KPI store (1.4).  Every indicator x platform x level (region,
-- municipality, org kind, organisation) x week, with numerator, denominator
-- and the target judgement, in a table <views>.store that create_kpi_views()
-- makes next to the views it feeds.  It is the DBA's data, not an extension
-- member: pg_dump keeps it, DROP EXTENSION never takes it, and it uses only
-- plain types.  Partitioned by school year (store_y2024 holds the weeks whose
-- Monday falls in 2024/2025), so a school year can be detached or dropped.
--
-- refresh_week() computes one week in one pass: the week's per-person
-- activity and the registry's members of the week with it are read once into
-- work tables that every indicator's base rows share, parallel workers compute
-- the indicators side by side, and the week is replaced in one transaction, so
-- a reader sees the old week or the new one, never a mix.  Two refreshes of
-- the same week serialize on an advisory lock.
-- refresh_log says per week and region when it was refreshed, how long it
-- took and the last activity day it saw.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.refresh_week(views_schema name, week date)
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
-- Room for grouping the base rows by hashing rather than sorting: a week of a
-- large region has about a million base rows per indicator, and the planner
-- hashes a grouping only when it expects the hash table to fit in
-- work_mem x hash_mem_multiplier.  It expects a raw-row aggregate state of
-- 16 kB for each group and overestimates the groups (170 k for 10 k real
-- ones at Moscow oblast's size, measured when the base rows went through the
-- grouping sets themselves; now they are grouped by organisation, the same
-- finest groups), so at 64 MB it would sort the rows and spill to disk.
-- Hashed, the grouping is about twice as fast and really needs tens of MB
-- (bench/store: 60 MB for the largest indicator at that size).  work_mem is
-- raised to 256 MB below (a larger setting is kept), so hash tables may plan
-- for up to 4 GB; what they really take is what the groups hold.
SET hash_mem_multiplier = 16
-- JIT-compiling every indicator's plan costs seconds and saves nothing here
SET jit = off
AS $fn$
DECLARE
    v text := quote_ident(views_schema);
    mart name;
    m text;
    w date;
    e date;
    sy integer;
    started timestamptz := clock_timestamp();
    counted constant text := '@extschema@.weekly_active_state(b.unit_id, b.active::integer::bigint, 1, NULL::bigint)';
    def record;
    stored bigint;
    seen bigint;
    in_range boolean;
    old_work_mem text;
    -- the refresh's work tables (see below): named after this backend, so that
    -- concurrent refreshes of other weeks never meet
    work constant text := 'sferum_refresh_' || pg_backend_pid();
    people text;
    members text;
    week_store text;
    chats text;
    week_tables jsonb;
    week_dates jsonb;           -- {{monday:S}} and {{sunday:S}} of the indicator templates
    branches text[] := '{}';
    old_settings text[];
    frag text;
    last_days jsonb;
    holidays jsonb := '{}';
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema, 'week', week));
    mart := @extschema@.require_schema(views_schema, 'KPI store', 'Create the views with sferum_kpi.create_kpi_views(mart_schema, views_schema), or run sferum_kpi.rebuild_views(views_schema) for views made before 1.4.', '{store}', 'kpi');
    IF NOT has_schema_privilege(views_schema, 'CREATE') THEN
        RAISE EXCEPTION 'refreshing the KPI store of schema "%" needs CREATE on that schema, for the refresh''s work tables', views_schema
            USING ERRCODE = '42501',
                  HINT = format('Refresh as the owner of the views, or GRANT CREATE ON SCHEMA %s to the role that refreshes.', v);
    END IF;
    m := quote_ident(mart);
    w := @extschema@.week_start(week);
    -- the weeks of the mart's data, as in the live views: outside them nothing is stored
    EXECUTE format('SELECT %L::date BETWEEN @extschema@.week_start(min(a.day)) AND max(a.day) FROM %s.activity_daily a', w, m)
       INTO in_range;
    IF NOT coalesce(in_range, false) THEN
        RETURN 0;
    END IF;
    e := w + 6;
    week_dates := jsonb_build_object('monday', quote_literal(w) || '::date', 'sunday', quote_literal(e) || '::date');
    sy := @extschema@.school_year(w);
    -- one refresh of a week at a time (a second one waits, then recomputes)
    PERFORM pg_advisory_xact_lock(hashtext('sferum_kpi.store'), hashtext(views_schema || '/' || w));
    -- a new school year's partition (build_store made those of the mart's data):
    -- one session creates it, a concurrent refresh of another week waits
    IF to_regclass(format('%s.%I', v, 'store_y' || sy)) IS NULL THEN
        PERFORM pg_advisory_xact_lock(hashtext('sferum_kpi.store_partition'), hashtext(views_schema || '/' || sy));
        PERFORM @extschema@.store_partition(views_schema, sy);
    END IF;

    -- memory for the hash tables of the grouping (restored at the end; a larger
    -- setting of the caller is kept)
    old_work_mem := current_setting('work_mem');
    IF pg_size_bytes(old_work_mem) < pg_size_bytes('256MB') THEN
        PERFORM set_config('work_mem', '256MB', true);
    END IF;

    -- What the refresh log says the week was computed from, read before the
    -- week's activity is (each statement of the refresh sees the rows committed
    -- when it starts): rows that arrive during the refresh make the log count
    -- fewer rows than the mart has, so that refresh_weeks refreshes the week
    -- again, never more than were computed.  The daily rows of the week, and per
    -- region the latest day on which one of its people was active: day by day
    -- from Sunday, each probe stopping at its first such person (a join of the
    -- week's activity with every person would cost seconds in a large region).
    EXECUTE format('SELECT count(*) FROM %s.activity_daily a WHERE a.day BETWEEN %L AND %L', m, w, e) INTO seen;
    EXECUTE format($q$
SELECT jsonb_object_agg(r.region_code, d.last_day)
FROM %1$s.region r
LEFT JOIN LATERAL (
    SELECT dd.day::date AS last_day
    FROM generate_series(%3$L::timestamp, %2$L::timestamp, interval '-1 day') AS dd(day)
    WHERE (SELECT true FROM %1$s.activity_daily a JOIN %1$s.person p ON p.person_id = a.person_id
           WHERE a.day = dd.day::date AND p.region_code = r.region_code LIMIT 1)
    ORDER BY dd.day DESC LIMIT 1) d ON true$q$, m, w, e) INTO last_days;
    -- whether the week is a holiday week of each region (a mart without a
    -- school calendar has none)
    IF to_regclass(format('%s.school_holiday', m)) IS NOT NULL THEN
        SELECT coalesce(jsonb_object_agg(hw.region_code, jsonb_build_object('holiday', hw.holiday, 'holiday_kind', hw.holiday_kind)), '{}')
          INTO holidays
          FROM @extschema@.holiday_weeks(mart, w, w) hw;
    END IF;

    -- The work tables of the week: the activity per person (with parallel
    -- workers only), the registry's members of the week with it (fragments
    -- week_person_activity and week_members), read by every indicator over
    -- people instead of a join per indicator, the week's messages per chat, and
    -- the week's rows before they replace the store's.  Unlogged
    -- tables of the views schema rather than temporary ones, because only those
    -- can be scanned by parallel workers: the indicators are computed by one
    -- statement whose branches the workers share (Parallel Append).  Created and
    -- dropped inside this transaction, they are never visible to another session
    -- and vanish with it if the refresh fails or is killed.
    people := format('%s.%I', v, work || '_people');
    members := format('%s.%I', v, work || '_members');
    week_store := format('%s.%I', v, work || '_store');
    chats := format('%s.%I', v, work || '_chats');
    week_tables := jsonb_build_object('week_person_activity', people, 'week_members', members,
                                      'week_chat_messages', format('(SELECT w.chat_id, w.messages FROM %s w)', chats));
    -- None can be left over: a refresh drops them before it returns, and one that
    -- fails takes them with its (sub)transaction.  A table of the same name is
    -- somebody else's and is never dropped: CREATE then fails (42P07).
    -- How the work tables are planned (the settings are restored after them).
    -- In parallel, which the default costs rule out: every row through Gather is
    -- charged parallel_tuple_cost = 0.1, about the cost of inserting it into the
    -- work table, which the leader does anyway, so a parallel plan is planned as
    -- hardly cheaper than a serial one; here they are nearly twice as fast.
    old_settings := ARRAY[current_setting('parallel_tuple_cost'), current_setting('parallel_setup_cost'),
                          current_setting('min_parallel_table_scan_size'), current_setting('min_parallel_index_scan_size'),
                          current_setting('parallel_leader_participation'), current_setting('enable_hashagg'),
                          current_setting('enable_hashjoin'), current_setting('default_statistics_target')];
    PERFORM set_config('parallel_tuple_cost', '0.01', true), set_config('parallel_setup_cost', '0', true),
            set_config('min_parallel_table_scan_size', '5TB', true), set_config('min_parallel_index_scan_size', '5TB', true);
    -- The work tables' statistics from a sample of 3 000 rows, not 30 000: their
    -- plans need the rows, the roles and the share of active members, not fine
    -- histograms (ANALYZE of the week's members: 0.34 s against 0.03 s at Moscow
    -- oblast's size).
    PERFORM set_config('default_statistics_target', '10', true);
    IF current_setting('max_parallel_workers_per_gather')::integer > 0 THEN
        -- With parallel workers: the week's activity per person in two halves of
        -- the people aggregated side by side (a hash aggregate of a million
        -- people is not split among workers): a Parallel Append, no scan in
        -- parallel inside it (see the indicators' below); the second half takes
        -- what the first does not, NULL included.
        frag := @extschema@.render(@extschema@.expand_fragments(mart, '{{week_person_activity:S}}'), week_dates);
        EXECUTE @extschema@.render('CREATE UNLOGGED TABLE {{people:S}} AS SELECT * FROM '
                                   '(SELECT * FROM {{activity:S}} pa WHERE pa.person_id % 2 = 0 UNION ALL '
                                   ' SELECT * FROM {{activity:S}} pa WHERE (pa.person_id % 2 = 0) IS NOT TRUE) pa',
                                   jsonb_build_object('people', people, 'activity', frag));
        EXECUTE 'ANALYZE ' || people;
        -- The registry's members of the week: a parallel hash join, the workers
        -- sharing the scan of the memberships.
        PERFORM set_config('min_parallel_table_scan_size', old_settings[3], true),
                set_config('min_parallel_index_scan_size', old_settings[4], true);
        frag := @extschema@.expand_fragments(mart, '{{week_members:S}}', week_tables - 'week_members');
    ELSE
        -- Without workers (max_parallel_workers_per_gather = 0, e.g. a back-fill
        -- in one session per core): the week's activity aggregated in the order
        -- of the people and merged with the registry read in its key order
        -- (person_id first), in one statement.  A hash join probes the hash of
        -- a million people once per membership, four million times, pupils and
        -- parents without activity included: 9.8 s a week at Moscow oblast's
        -- size against 7.0 s (bench/store), and no table of the people to write.
        PERFORM set_config('enable_hashagg', 'off', true), set_config('enable_hashjoin', 'off', true);
        week_tables := week_tables - 'week_person_activity';
        frag := @extschema@.expand_fragments(mart, '{{week_members:S}}', week_tables - 'week_members');
        people := NULL;
    END IF;
    EXECUTE @extschema@.render('CREATE UNLOGGED TABLE {{members:S}} AS SELECT * FROM {{week_members:S}} m',
                               jsonb_build_object('members', members, 'week_members', @extschema@.render(frag, week_dates)));
    PERFORM set_config('enable_hashagg', old_settings[6], true), set_config('enable_hashjoin', old_settings[7], true);
    EXECUTE 'ANALYZE ' || members;
    -- The week's messages per chat (fragment week_chat_messages, a subquery per
    -- chat in the live views: parallel restricted here), read through its key.
    EXECUTE @extschema@.render('CREATE UNLOGGED TABLE {{chats:S}} AS SELECT cd.chat_id, sum(cd.messages) AS messages '
                               'FROM {{mart:I}}.chat_daily cd WHERE cd.day BETWEEN {{monday:S}} AND {{sunday:S}} GROUP BY cd.chat_id',
                               week_dates || jsonb_build_object('chats', chats, 'mart', mart));
    EXECUTE format('CREATE UNIQUE INDEX ON %s (chat_id)', chats);
    EXECUTE 'ANALYZE ' || chats;
    PERFORM set_config('default_statistics_target', old_settings[8], true);

    -- Each indicator: its base rows grouped by organisation once, each group's
    -- distinct units kept as a state (weekly_active_state), and the levels
    -- above rolled up from those states (merge_active_states: a unit of two
    -- organisations still counts once in their municipality).  Every base row
    -- goes through one grouping instead of the four grouping sets, which cost
    -- about 0.3 µs per row and set at Moscow oblast's size.  The live views
    -- group the rows themselves (build_kpi_views): the store's differential
    -- test compares the two ways.  Grouped by organisation means by every
    -- column of the finest grouping set, so each coarser group is a union of
    -- whole organisation groups.
    FOR def IN SELECT * FROM @extschema@.expand_base_rows(mart, week_tables) LOOP
        branches := branches || @extschema@.render($q$
SELECT {{indicator:L}}::text AS indicator, o.platform::text AS platform,
       (CASE WHEN grouping(o.org_id) = 0 THEN 'organisation'
             WHEN grouping(o.municipality_id) = 0 THEN 'municipality'
             WHEN grouping(o.org_kind) = 0 THEN 'org_kind'
             ELSE 'region' END)::text AS level,
       o.region_code::text AS region_code, o.municipality_id::bigint AS municipality_id,
       o.org_kind::text AS org_kind, o.org_id::bigint AS org_id,
       coalesce(@extschema@.numerator(@extschema@.merge_active_states(o.state)), 0)::bigint AS numerator,
       coalesce(sum(o.population), @extschema@.denominator(@extschema@.merge_active_states(o.state)), 0)::bigint AS denominator
FROM (SELECT b.platform, b.region_code, b.municipality_id, b.org_kind, b.org_id, {{state:S}} AS state, {{population:S}} AS population
      FROM ({{base_rows:S}}) b
      GROUP BY b.platform, b.region_code, b.municipality_id, b.org_kind, b.org_id) o
GROUP BY GROUPING SETS (
    (o.platform, o.region_code),
    (o.platform, o.region_code, o.municipality_id),
    (o.platform, o.region_code, o.org_kind),
    (o.platform, o.region_code, o.municipality_id, o.org_kind, o.org_id))$q$,
            jsonb_build_object('indicator', def.indicator, 'state', counted,
                               -- the denominator: distinct units (from the states), or the sum of population
                               'population', CASE def.counting WHEN 'unit' THEN 'NULL::bigint' ELSE 'coalesce(sum(b.population), 0)::bigint' END,
                               'base_rows', @extschema@.render(def.base_sql, week_dates)));
    END LOOP;
    -- Every indicator in one statement, its branches shared out among the
    -- parallel workers (Parallel Append), each branch aggregated whole by one
    -- process (grouping sets are never aggregated in parallel).  The planner
    -- flattens the UNION ALL into an append relation only when every branch has
    -- the same column types (hence the casts above; otherwise it appends the
    -- branches serially), and no branch may run in parallel itself: hashed
    -- grouping sets read only the cheapest input path, and one with a Gather in
    -- it is not parallel safe, which would make the whole append serial.  So no
    -- scan in parallel (min_parallel_*_scan_size), and the default parallel
    -- costs again: with them a branch's own append of its base rows (those of
    -- the groups with nobody in them are a UNION ALL) is never worth a Gather.
    -- The leader only collects the rows: as a third process on two cores it
    -- would slow the workers as much as it helps them.
    IF branches = '{}' THEN
        branches := ARRAY['SELECT NULL::text AS indicator, NULL::text AS platform, NULL::text AS level, '
                          'NULL::text AS region_code, NULL::bigint AS municipality_id, NULL::text AS org_kind, '
                          'NULL::bigint AS org_id, NULL::bigint AS numerator, NULL::bigint AS denominator WHERE false'];
    END IF;
    PERFORM set_config('parallel_tuple_cost', old_settings[1], true), set_config('parallel_setup_cost', old_settings[2], true),
            set_config('min_parallel_table_scan_size', '5TB', true), set_config('min_parallel_index_scan_size', '5TB', true),
            set_config('parallel_leader_participation', 'off', true);
    -- The week's rows as the store holds them, with their names, time and the
    -- judgement against the targets, still in the parallel statement (the
    -- workers judge the rows of the branches they computed); the store's insert
    -- only copies them.  The indicator is passed to target_status only while it
    -- has targets (see build_kpi_views).
    EXECUTE @extschema@.render($q$
CREATE UNLOGGED TABLE {{week_store:S}} AS
SELECT s.indicator, s.platform, s.level, s.region_code, s.municipality_id, s.org_kind, s.org_id,
       {{week:L}}::timestamp AT TIME ZONE r.time_zone AS time, s.numerator, s.denominator,
       t.stage, t.deadline, t.comparison, t.threshold, t.in_force, t.due, t.met, t.short_by,
       mu.name AS municipality_name, og.name AS org_name,
       coalesce((({{holidays:L}}::jsonb -> s.region_code) ->> 'holiday')::boolean, false) AS holiday,
       ({{holidays:L}}::jsonb -> s.region_code) ->> 'holiday_kind' AS holiday_kind
FROM ({{branches:S}}) s
JOIN {{mart:I}}.region r ON r.region_code = s.region_code
LEFT JOIN {{mart:I}}.municipality mu ON mu.municipality_id = s.municipality_id
LEFT JOIN {{mart:I}}.organisation og ON og.org_id = s.org_id
LEFT JOIN (SELECT DISTINCT tt.indicator FROM @extschema@.target tt) ti ON ti.indicator = s.indicator
LEFT JOIN LATERAL @extschema@.target_status(
    ti.indicator, @extschema@.kpi_ratio(LEAST(s.numerator, s.denominator), s.denominator), {{week:L}}::date, s.region_code) t ON true$q$,
        jsonb_build_object('week_store', week_store, 'branches', array_to_string(branches, E'\nUNION ALL'),
                           'week', w, 'mart', mart, 'holidays', holidays::text));
    PERFORM set_config('parallel_tuple_cost', old_settings[1], true), set_config('parallel_setup_cost', old_settings[2], true),
            set_config('min_parallel_table_scan_size', old_settings[3], true),
            set_config('min_parallel_index_scan_size', old_settings[4], true),
            set_config('parallel_leader_participation', old_settings[5], true);
    -- replace the week: readers see the old rows until this transaction commits
    EXECUTE format('DELETE FROM %s.store WHERE week_start = %L', v, w);
    EXECUTE format($q$
INSERT INTO %1$s.store
SELECT %2$L::date, s.indicator, s.platform, s.level, s.region_code, s.municipality_id, s.org_kind, s.org_id,
       s.time, s.numerator, s.denominator,
       s.stage, s.deadline, s.comparison, s.threshold, s.in_force, s.due, s.met, s.short_by,
       s.municipality_name, s.org_name, s.holiday, s.holiday_kind
FROM %3$s s
-- grouped as the store's indexes are (indicator, level): their inserts touch
-- neighbouring pages, and a BI query for one indicator reads the week's pages of
-- that indicator only.  By those two keys alone: sorting by every key of the
-- row compares text five times more and took 0.4 s a week.
ORDER BY s.indicator, s.level$q$,
        v, w, week_store);
    GET DIAGNOSTICS stored = ROW_COUNT;
    -- the roadmap's vk closure counts of the week (sql/roadmap.sql, 1.5)
    PERFORM @extschema@.roadmap_refresh_week(views_schema, w);
    EXECUTE format($q$
INSERT INTO %1$s.refresh_log AS l
SELECT %2$L::date, r.region_code, now(), %3$s, %4$s, (%9$L::jsonb ->> r.region_code)::date, %5$s,
       coalesce((%9$L::jsonb ->> r.region_code)::date = %6$L::date, false), %7$L
FROM %8$s.region r
ON CONFLICT (week_start, region_code) DO UPDATE
   SET refreshed_at = EXCLUDED.refreshed_at, duration_ms = EXCLUDED.duration_ms, rows_stored = EXCLUDED.rows_stored,
       last_activity_day = EXCLUDED.last_activity_day, activity_rows = EXCLUDED.activity_rows,
       complete = EXCLUDED.complete, fingerprint = EXCLUDED.fingerprint$q$,
        v, w, extract(epoch FROM clock_timestamp() - started) * 1000, stored, seen, e,
        @extschema@.definitions_fingerprint(), m, last_days);
    EXECUTE format('DROP TABLE %s', concat_ws(', ', people, members, week_store, chats));
    PERFORM set_config('work_mem', old_work_mem, true);
    -- statistics for a partition that has none or has grown, so that BI queries are
    -- planned (and not JIT-compiled) for their real size; autovacuum does the rest
    IF (SELECT c.reltuples < greatest(1, stored) FROM pg_class c
         WHERE c.oid = format('%s.%I', v, 'store_y' || sy)::regclass) THEN
        EXECUTE format('ANALYZE %s.%I', v, 'store_y' || sy);
    END IF;
    RETURN stored;
END
$fn$;
COMMENT ON FUNCTION @extschema@.refresh_week(name, date) IS
'Compute every indicator, platform and level of the week containing `week` in one pass over its activity and replace that week in the KPI store of views_schema, in one transaction (refreshes of the same week serialize). Records the refresh in refresh_log; returns the rows stored (0, storing nothing, for a week outside the mart''s activity, as the live views). Its work tables are unlogged tables views_schema.sferum_refresh_<pid>_* created and dropped inside the transaction (parallel workers can read them, no other session sees them): the caller needs CREATE on views_schema.';
