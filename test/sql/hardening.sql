-- Hardening: a matrix of bad inputs for every user-facing function, aggregate
-- and type I/O of the extension.  Each case is one SQL statement with the
-- outcome it must have: 'ok' or the 5-character SQLSTATE of its error.  One
-- PL/pgSQL loop runs every case in its own subtransaction and prints
--   label | expected | got | detail
-- where detail is the value (ok) or the error message, cut to 60 characters
-- (control characters shown as ?).
-- The server must survive all of it: the last query checks that the postmaster
-- never restarted and that this backend is still the one that started.
--
-- Cases marked "-- NOTE:" keep a known oddity as their expected outcome, so
-- that a change shows up as a diff here.  SQLSTATE HW001 is this file's own
-- guard: it stops a runaway backfill (see the temporary view all_indicators
-- below).
SET search_path = public, sferum_kpi;

-- pg_postmaster_start_time() survives a crash-restart (shared memory is
-- re-initialised by the same postmaster), so also keep the bgwriter's
-- stats_reset, which a crash-restart resets.
CREATE TEMP TABLE hardening_start AS
SELECT pg_postmaster_start_time() AS started, pg_backend_pid() AS pid,
       (SELECT stats_reset FROM pg_stat_bgwriter) AS stats_reset;

--------------------------------------------------------------------------------
-- Helpers
--------------------------------------------------------------------------------
-- Binary input: a bytea column in a binary COPY file carries raw bytes; COPY
-- FROM that file into a column of the type feeds them to its receive function.
CREATE FUNCTION pg_temp.copy_file(direction text, target text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY %s %s %L WITH (FORMAT binary)', target, direction,
                   current_setting('data_directory') || '/sferum_kpi_hardening.bin');
END $$;
CREATE TEMP TABLE recv_ratio (v kpi_ratio);
CREATE TEMP TABLE recv_state (s weekly_state);
CREATE FUNCTION pg_temp.recv_ratio(bytes bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_temp.copy_file('TO', format('(SELECT %L::bytea)', bytes));
    DELETE FROM recv_ratio;
    PERFORM pg_temp.copy_file('FROM', 'recv_ratio');
    RETURN (SELECT coalesce(v::text, 'NULL') FROM recv_ratio);
END $$;
CREATE FUNCTION pg_temp.recv_state(bytes bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_temp.copy_file('TO', format('(SELECT %L::bytea)', bytes));
    DELETE FROM recv_state;
    PERFORM pg_temp.copy_file('FROM', 'recv_state');
    RETURN (SELECT coalesce(s::text, 'NULL') FROM recv_state);
END $$;
CREATE FUNCTION pg_temp.ratio_bytes(n bigint, d bigint) RETURNS bytea LANGUAGE sql IMMUTABLE AS
$$ SELECT int8send(n) || int8send(d) $$;
CREATE FUNCTION pg_temp.state_bytes(a bigint, m bigint, t integer) RETURNS bytea LANGUAGE sql IMMUTABLE AS
$$ SELECT int8send(a) || int8send(m) || int4send(t) $$;

-- Serialized raw-row states: the format built independently of the C code
\i test/fixtures/raw_format.sql
-- 20 ids whose mix falls in the last quarter: in a 4-bucket table they all
-- want the last bucket and wrap around to the first ones
CREATE TEMP TABLE skewed AS
SELECT array_agg(id ORDER BY id) AS ids
FROM (SELECT id FROM generate_series(1, 200) id
      WHERE pg_temp.mix(id) >= 13835058055282163712 ORDER BY id LIMIT 20) s;
SELECT cardinality(ids) AS skewed_ids FROM skewed;

-- Data marts, KPI views, shard views and a national coordinator for the
-- SQL-level functions: one mart and views schema in lower case, one of each in
-- mixed case (quoted identifiers), a mart whose region code cannot name a shard
-- view, foreign servers that attach_shard must refuse, and a role to grant to.
SET client_min_messages = warning;   -- create_national notices the session's settings
SELECT create_mart('hardening_mart');
SELECT create_kpi_views('hardening_mart', 'hardening_kpi');
SELECT create_mart('Hardening_Mixed');
SELECT create_kpi_views('hardening_mart', 'Hardening_Views');
CREATE SCHEMA hardening_views;   -- a lower-case namesake with other contents
CREATE VIEW hardening_views.only_here AS SELECT 1 AS x;
CREATE VIEW hardening_views.active_orgs AS SELECT 1 AS x;   -- not a KPI view: rebuilding over it must refuse
SELECT create_mart('hardening_badregion');
INSERT INTO hardening_badregion.region VALUES ('bad code', 'Bad', 'UTC');
SELECT count(*) FROM create_shard_views('hardening_mart', 'hardening_shard');
SELECT count(*) FROM create_shard_views('Hardening_Mixed', 'Hardening_Mixed_Shard');
SELECT create_national('hardening_national');
CREATE EXTENSION file_fdw;
CREATE EXTENSION postgres_fdw;
CREATE SERVER hardening_file FOREIGN DATA WRAPPER file_fdw;
CREATE SERVER hardening_noext FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'nowhere');
CREATE SERVER hardening_down FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '/nonexistent', port '1', dbname 'nowhere', extensions 'sferum_kpi', async_capable 'true');
CREATE USER MAPPING FOR CURRENT_USER SERVER hardening_down;
DROP ROLE IF EXISTS regress_hardening;
CREATE ROLE regress_hardening;
RESET client_min_messages;
-- A stand-in for a views schema: backfill calls snapshot_week once per week,
-- and snapshot_week reads <views_schema>.all_indicators once per call.  This
-- one (no rows) counts its reads and stops a runaway loop with SQLSTATE HW001
-- at 60 (the loop below resets the count before every case).
CREATE FUNCTION pg_temp.tick() RETURNS SETOF date LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n integer := coalesce(nullif(current_setting('hardening.ticks', true), ''), '0')::integer + 1;
BEGIN
    PERFORM set_config('hardening.ticks', n::text, false);
    IF n > 60 THEN
        RAISE EXCEPTION 'snapshot_week was called % times: runaway loop', n USING ERRCODE = 'HW001';
    END IF;
END $$;
CREATE TEMP VIEW all_indicators AS
SELECT NULL::text AS region_code, NULL::text AS indicator, NULL::text AS platform, w AS week_start,
       0::bigint AS numerator, 0::bigint AS denominator, 'region'::text AS level
FROM pg_temp.tick() w;

-- Stored partial states rolled up by a user aggregate: the Citus / continuous
-- aggregate use of weekly_state, with the combine function as transition.
CREATE SCHEMA hardening;
CREATE AGGREGATE hardening.state_rollup(weekly_state) (
    SFUNC = weekly_state_combine, STYPE = weekly_state,
    COMBINEFUNC = weekly_state_combine, PARALLEL = SAFE);
-- Tables big enough for parallel plans, with a few values near 2^62 each:
-- any two of them overflow a bigint, whether in one worker's transition or
-- in the leader's combine.
CREATE TABLE hardening.big_ratios AS
SELECT g, CASE WHEN g % 40000 = 0 THEN '4611686018427387904/4611686018427387904'::kpi_ratio ELSE '1/1' END AS v,
       CASE WHEN g % 40000 = 0 THEN '4611686018427387904/4611686018427387904@1'::weekly_state ELSE '1/1@1' END AS s
FROM generate_series(1, 120000) g;
CREATE TABLE hardening.raw_rows AS
SELECT g % 30011 AS person, g % 7 AS messages FROM generate_series(1, 120000) g;
ANALYZE hardening.big_ratios, hardening.raw_rows;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
-- the parallel cases below do run in parallel
EXPLAIN (COSTS OFF) SELECT rollup(v) FROM hardening.big_ratios;

-- history for the baseline cases, in a region no other test uses
INSERT INTO indicator_history (region_code, indicator, platform, week, value) VALUES
  ('zz', 'staff_weekly_writers', 'vk', '2024-09-02', '9223372036854775806/9223372036854775807'),
  ('zz', 'staff_weekly_writers', 'vk', '2024-09-09', '0/0'),
  ('zz', 'learners_parents_weekly', 'vk', '2024-09-02', '0/0');

--------------------------------------------------------------------------------
-- The cases
--------------------------------------------------------------------------------
CREATE TEMP TABLE cases (id serial PRIMARY KEY, label text NOT NULL, expected text NOT NULL, sql text NOT NULL);
INSERT INTO cases (label, expected, sql) VALUES
-- render(template, args): crafted templates and arguments
('render: unfilled placeholder',               '22023', $$SELECT render('{{a:L}}', '{}')$$),
('render: placeholder cut at the end',         '22023', $$SELECT render('x {{a:L', '{"a": 1}')$$),
('render: lone braces at the end',             '22023', $$SELECT render('{{', '{}')$$),
('render: unknown kind',                       '22023', $$SELECT render('{{a:Q}}', '{"a": 1}')$$),
('render: upper-case name',                    '22023', $$SELECT render('{{A:L}}', '{"A": 1}')$$),
('render: identifier of a number',             '22023', $$SELECT render('{{a:I}}', '{"a": 1}')$$),
('render: identifier array with an object',    '22023', $$SELECT render('{{a:I}}', '{"a": ["x", {"y": 1}]}')$$),
('render: SQL of an array',                    '22023', $$SELECT render('{{a:S}}', '{"a": ["x"]}')$$),
('render: args an array',                      '22023', $$SELECT render('x', '[]')$$),
('render: args a scalar',                      '22023', $$SELECT render('x', '1')$$),
('render: a long identifier',                  'ok',    $$SELECT length(render('{{a:I}}', jsonb_build_object('a', repeat('x', 100000))))$$),
('render: a NUL-free control character',       'ok',    $$SELECT render('{{a:L}}', jsonb_build_object('a', E'\x01'))$$),
('render: 10 000 placeholders',                'ok',    $$SELECT length(render(repeat('{{a:L}},', 10000), '{"a": 123}'))$$),
('render: a huge number literal',              'ok',    $$SELECT render('{{a:L}}', '{"a": -1e1000}') ~ '^[(]-1'$$),
('create_view_sql',                            'ok',    $$SELECT create_view_sql(true) = 'CREATE OR REPLACE VIEW' AND create_view_sql(false) = 'CREATE VIEW' AND create_view_sql(NULL) = 'CREATE VIEW'$$),
-- require_args(not_null, not_empty): the argument check of every entry point
('require_args all given',                     'ok',    $$SELECT require_args(jsonb_build_array('a', 1, 'b', 'x'), ARRAY['x'])$$),
('require_args one NULL of three',             '22004', $$SELECT require_args(jsonb_build_array('a', 1, 'b', NULL, 'c', 'x'))$$),
('require_args an empty name',                 '22023', $$SELECT require_args('[]', ARRAY['x', ''])$$),
('require_args odd array',                     '22023', $$SELECT require_args('["a"]')$$),
('require_args not an array',                  '22023', $$SELECT require_args('{"a": 1}')$$),
('require_args NULL',                          '22023', $$SELECT require_args(NULL)$$),
-- require_schema(schema, what, hint, relations, kind): what a function works on is there
('require_schema present',                     'ok',    $$SELECT require_schema('pg_catalog', 'catalog', 'h', '{pg_class,pg_proc}')$$),
('require_schema a relation missing',          '42P01', $$SELECT require_schema('pg_catalog', 'catalog', 'h', '{pg_class,no_such}')$$),
('require_schema not a view set',              '42P01', $$SELECT require_schema('pg_catalog', 'KPI views', 'h', kind => 'kpi')$$),
('judged_columns',                             'ok',    $$SELECT strpos(judged_columns(5), '|| 5 ||') > 0$$),
('store_columns',                              'ok',    $$SELECT store_columns(true) ~ 'region_code +text +NOT NULL' AND store_columns(false) !~ 'region_code +text +NOT NULL'$$),
('forecast_fit_sql',                           'ok',    $$SELECT strpos(forecast_fit_sql('lw.week_start'), 's.week_start = lw.week_start') > 0$$),
('target_applies_sql',                         'ok',    $$SELECT strpos(target_applies_sql('r.region_code'), 'rt.region_code = r.region_code') > 0$$),
('target_applies_sql NULL',                    '22004', $$SELECT target_applies_sql(NULL)$$),
('result_week_sql',                            'ok',    $$SELECT strpos(result_week_sql('Weird "v"', 'i', 'r', 'w'), '"Weird ""v""".store') > 0$$),
('result_week_sql NULL schema',                '22004', $$SELECT result_week_sql(NULL, 'i', 'r', 'w')$$),
('forecast_verdict_sql',                       'ok',    $$SELECT strpos(forecast_verdict_sql('lw.week_start'), 'g.basis_week = lw.week_start') > 0$$),
-- the school calendar (1.5)
('create_school_calendar NULL',                '22004', $$SELECT create_school_calendar(NULL)$$),
('create_school_calendar empty name',          '22023', $$SELECT create_school_calendar('')$$),
('create_school_calendar no mart',             '42P01', $$SELECT create_school_calendar('no_such_mart')$$),
('create_school_calendar existing',            'ok',    $$SELECT create_school_calendar('hardening_mart')$$),
('create_mart_table NULL ddl',                 '22004', $$SELECT create_mart_table('hardening_mart', 'x', NULL)$$),
('create_mart_table no mart',                  '42P01', $$SELECT create_mart_table('no_such_mart', 'x', 'SELECT 1')$$),
('create_mart_table existing',                 'ok',    $$SELECT create_mart_table('hardening_mart', 'region', 'SELECT 1/0')$$),
('school_holiday last day before first',       '23514', $$INSERT INTO hardening_mart.school_holiday VALUES ('HM', '2025-01-08', '2024-12-29', 'winter')$$),
('school_holiday unknown region',              '23503', $$INSERT INTO hardening_mart.school_holiday VALUES ('no such region', '2024-12-29', '2025-01-08', 'winter')$$),
('school_holiday unknown kind',                '23514', $$INSERT INTO hardening_mart.school_holiday VALUES ('HM', '2024-12-29', '2025-01-08', 'christmas')$$),
('holiday_weeks NULL week',                    '22004', $$SELECT count(*) FROM holiday_weeks('hardening_mart', NULL, '2025-01-01')$$),
('holiday_weeks no calendar',                  '42P01', $$SELECT count(*) FROM holiday_weeks('hardening', '2025-01-01', '2025-01-01')$$),
('holiday_weeks backwards range',              'ok',    $$SELECT count(*) FROM holiday_weeks('hardening_mart', '2025-01-01', '2024-01-01')$$),
('refresh_holidays NULL',                      '22004', $$SELECT refresh_holidays(NULL)$$),
('refresh_holidays no store',                  '42P01', $$SELECT refresh_holidays('hardening_mart')$$),
('refresh_holidays empty store',               'ok',    $$SELECT refresh_holidays('hardening_kpi')$$),
('refresh_holidays mart without a calendar',   '42P01', $$DO $d$ BEGIN ALTER TABLE hardening_mart.school_holiday RENAME TO old_calendar; PERFORM refresh_holidays('hardening_kpi'); END $d$ $$),
-- stage results and the organisations to call (1.5)
('stage_result_week NULL',                     'ok',    $$SELECT stage_result_week(NULL) IS NULL$$),
('stage_result_week a Sunday deadline',        'ok',    $$SELECT stage_result_week('2025-12-28') = '2025-12-22'$$),
('stage_result_week infinity',                 'ok',    $$SELECT stage_result_week('infinity')$$),
('build_answer_views NULL',                    '22004', $$SELECT build_answer_views('hardening_mart', NULL, 5, false)$$),
('build_answer_views no store',                '42P01', $$SELECT build_answer_views('hardening_mart', 'hardening_mart', 5, false)$$),
('build_answer_views again in place',          'ok',    $$SELECT build_answer_views('hardening_mart', 'hardening_kpi', 5, true)$$),
('store_series_indexes NULL',                  '22004', $$SELECT store_series_indexes(NULL)$$),
('store_series_indexes no store',              '42P01', $$SELECT store_series_indexes('hardening_mart')$$),
('store_series_indexes again',                 'ok',    $$SELECT store_series_indexes('hardening_kpi')$$),
('refresh_answers NULL',                       '22004', $$SELECT refresh_answers(NULL)$$),
('refresh_answers NULL week',                  '22004', $$SELECT refresh_answers('hardening_kpi', NULL)$$),
('refresh_answers no store',                   '42P01', $$SELECT refresh_answers('hardening_mart')$$),
('refresh_answers empty store',                'ok',    $$SELECT count(*) FROM refresh_answers('hardening_kpi')$$),
('refresh_answers from infinity',              'ok',    $$SELECT count(*) FROM refresh_answers('hardening_kpi', 'infinity')$$),
('refresh_answers table dropped',              '42P01', $$DO $d$ BEGIN DROP TABLE hardening_kpi.data_quality_store CASCADE; PERFORM refresh_answers('hardening_kpi'); END $d$ $$),
('stored_answer NULL',                         '22004', $$SELECT stored_answer('hardening_kpi', NULL, 't.week_start', false)$$),
('stored_answer unknown answer',               '42P01', $$SELECT stored_answer('hardening_kpi', 'nothing', 't.week_start', false)$$),
('stored_answer again in place',               'ok',    $$SELECT stored_answer('hardening_kpi', 'not_started', 't.week_start, t."position"', true)$$),
('stored_answer computed not an object',      '22023', $$SELECT stored_answer('hardening_kpi', 'not_started', 't.week_start', true, '["status"]')$$),
('stored_answer computed unknown column',      '42703', $$SELECT stored_answer('hardening_kpi', 'not_started', 't.week_start', true, '{"nothing": "1"}')$$),
('stored_answer computed NULL',                '22004', $$SELECT stored_answer('hardening_kpi', 'not_started', 't.week_start', true, NULL)$$),
('stored_answer type changed',                 '42804', $$DO $d$ BEGIN DROP VIEW hardening_kpi.not_started CASCADE; ALTER TABLE hardening_kpi.not_started_store ALTER COLUMN people TYPE numeric; PERFORM stored_answer('hardening_kpi', 'not_started', 't.week_start', true); END $d$ $$),
('comment_columns NULL',                       '22004', $$SELECT comment_columns('hardening_kpi', NULL, '{}')$$),
('comment_columns not an object',              '22023', $$SELECT comment_columns('hardening_kpi', 'live_not_started', '["status"]')$$),
('comment_columns unknown column',             '42703', $$SELECT comment_columns('hardening_kpi', 'live_not_started', '{"nothing": "x"}')$$),
('comment_columns unknown view',               '42P01', $$SELECT comment_columns('hardening_kpi', 'nothing', '{"status": "x"}')$$),
('comment_columns an organisation list',       'ok',    $$SELECT comment_columns('hardening_kpi', 'live_not_started', '{"status": "x"}', true)$$),
-- the roadmap (1.5)
('create_roadmap_progress NULL',               '22004', $$SELECT create_roadmap_progress(NULL)$$),
('create_roadmap_progress empty name',         '22023', $$SELECT create_roadmap_progress('')$$),
('create_roadmap_progress no mart',            '42P01', $$SELECT create_roadmap_progress('no_such_mart')$$),
('create_roadmap_progress existing',           'ok',    $$SELECT create_roadmap_progress('hardening_mart')$$),
('roadmap_progress unknown item',              '23503', $$INSERT INTO hardening_mart.roadmap_progress VALUES ('HM', 1, '2025-09-01', 'done', NULL)$$),
('roadmap_progress unknown status',            '22023', $$INSERT INTO hardening_mart.roadmap_progress VALUES ('HM', 1, '2025-09-01', 'overdue', NULL)$$),
('roadmap_progress unknown region',            '23503', $$INSERT INTO hardening_mart.roadmap_progress VALUES ('no such region', 1, '2025-09-01', 'done', NULL)$$),
('roadmap_item period ends before it starts',  '23514', $$INSERT INTO roadmap_item (region_code, item, title_ru, responsible, period_start, period_end, result_ru, known_by) VALUES ('HM', 1, 't', 'roiv', '2025-12-01', '2025-11-30', 'r', 'manual')$$),
('roadmap_item unknown responsible',           '22023', $$INSERT INTO roadmap_item (region_code, item, title_ru, responsible, period_start, period_end, result_ru, known_by) VALUES ('HM', 1, 't', 'omsu', '2025-11-01', '2025-11-30', 'r', 'manual')$$),
('roadmap_item unknown status source',         '22023', $$INSERT INTO roadmap_item (region_code, item, title_ru, responsible, period_start, period_end, result_ru, known_by) VALUES ('HM', 1, 't', 'roiv', '2025-11-01', '2025-11-30', 'r', 'rumour')$$),
('roadmap_item data without a measure',        '22023', $$INSERT INTO roadmap_item (region_code, item, title_ru, responsible, period_start, period_end, result_ru, known_by) VALUES ('HM', 1, 't', 'roiv', '2025-11-01', '2025-11-30', 'r', 'data')$$),
('roadmap_item milestone without indicators',  '22023', $$INSERT INTO roadmap_item (region_code, item, title_ru, responsible, period_start, period_end, result_ru, known_by) VALUES ('HM', 1, 't', 'roiv', '2025-11-01', '2025-11-30', 'r', 'milestone')$$),
('roadmap_item edit period backwards',         '23514', $$UPDATE roadmap_item SET period_end = '2025-10-01' WHERE region_code = '50' AND item = 17$$),
('roadmap_refresh_week NULL',                  '22004', $$SELECT roadmap_refresh_week(NULL, '2025-12-01')$$),
('roadmap_refresh_week no views',              '42P01', $$SELECT roadmap_refresh_week('hardening_mart', '2025-12-01')$$),
('roadmap_refresh_week empty store',           'ok',    $$SELECT roadmap_refresh_week('hardening_kpi', '2025-12-01')$$),
('roadmap_report_stored NULL',                 '22004', $$SELECT roadmap_report_stored(NULL, '2025-10-01', '2025-10-31')$$),
('roadmap_report_stored no setting',           'ok',    $$SELECT roadmap_report_stored('HM', '2025-10-01', '2025-10-31') IS NULL$$),
('build_roadmap_store NULL',                   '22004', $$SELECT build_roadmap_store(NULL)$$),
('build_roadmap_store no store',               '42P01', $$SELECT build_roadmap_store('hardening_mart')$$),
('build_roadmap_store existing',               'ok',    $$SELECT build_roadmap_store('hardening_kpi')$$),
('build_roadmap_views NULL',                   '22004', $$SELECT build_roadmap_views('hardening_mart', NULL, 5, false)$$),
('build_roadmap_views no store',               '42P01', $$SELECT build_roadmap_views('hardening_mart', 'hardening_mart', 5, false)$$),
('build_roadmap_views again in place',         'ok',    $$SELECT build_roadmap_views('hardening_mart', 'hardening_kpi', 5, true)$$),
('report_roadmap NULL',                        '22004', $$SELECT report_roadmap(NULL)$$),
('report_roadmap no roadmap: no section',      'ok',    $$SELECT report_roadmap(jsonb_build_object('views', 'hardening_kpi', 'region', 'HM', 'week', '2025-12-01')) IS NULL$$),
('report_roadmap_html NULL week',              '22004', $$SELECT report_roadmap_html('hardening_kpi', 'HM', NULL)$$),
('report_roadmap_html no roadmap: empty',      'ok',    $$SELECT report_roadmap_html('hardening_kpi', 'HM', '2025-12-01') = ''$$),
('report_roadmap_html no views',               'ok',    $$SELECT report_roadmap_html('hardening_mart', 'HM', '2025-12-01') LIKE '%rebuild_views%'$$),
('report_period backwards',                    'ok',    $$SELECT report_period('2025-12-01', '2025-11-30')$$),
('report_period NULL',                         'ok',    $$SELECT report_period(NULL, '2025-11-30') IS NULL$$),
-- rag(share, numerator, denominator, threshold, met): the rankings' traffic light (1.5)
('rag met',                                    'ok',    $$SELECT rag(0.8, 80, 100, 0.75, true) = 'green'$$),
('rag exactly 10 pp below',                    'ok',    $$SELECT rag(0.65, 65, 100, 0.75, false) = 'amber'$$),
('rag just over 10 pp below',                  'ok',    $$SELECT rag(0.64, 64, 100, 0.75, false) = 'red'$$),
('rag numerator above denominator',            'ok',    $$SELECT rag(1, 120, 100, 1.5, false) = 'red'$$),
('rag no share, no judgement',                 'ok',    $$SELECT rag(NULL, 0, 0, 0.75, NULL) = 'grey' AND rag(0.5, 5, 10, NULL, false) = 'grey'$$),
('rag all NULL',                               'ok',    $$SELECT rag(NULL, NULL, NULL, NULL, NULL) = 'grey'$$),
('rag bigint extremes',                        'ok',    $$SELECT rag(0.5, 9223372036854775807, 9223372036854775807, 0.9, false) = 'amber'$$),
-- monitored_platform(date)
('monitored_platform NULL',                    'ok',    $$SELECT monitored_platform(NULL) IS NULL$$),
('monitored_platform infinity',                '22008',   $$SELECT monitored_platform('infinity')$$),
-- week_start(date)
('week_start(date) NULL',                      'ok',    $$SELECT week_start(NULL::date)$$),
('week_start(date) infinity',                  'ok',    $$SELECT week_start('infinity'::date)$$),
('week_start(date) -infinity',                 'ok',    $$SELECT week_start('-infinity'::date)$$),
('week_start(date) first date',                'ok',    $$SELECT week_start('4714-11-24 BC'::date)$$),
('week_start(date) last date',                 'ok',    $$SELECT week_start('5874897-12-31'::date)$$),
('week_start(date) beyond the last date',      '22008', $$SELECT week_start('5874898-01-01'::date)$$),
-- week_start(timestamptz, tz)
('week_start(tstz) NULL instant',              'ok',    $$SELECT week_start(NULL::timestamptz, 'UTC')$$),
('week_start(tstz) NULL zone',                 'ok',    $$SELECT week_start('2025-11-23 21:00+00'::timestamptz, NULL)$$),
('week_start(tstz) empty zone',                '22023', $$SELECT week_start('2025-11-23 21:00+00'::timestamptz, '')$$),
('week_start(tstz) unknown zone',              '22023', $$SELECT week_start('2025-11-23 21:00+00'::timestamptz, 'Mars/Olympus_Mons')$$),
('week_start(tstz) offset out of range',       '22023', $$SELECT week_start('2025-11-23 21:00+00'::timestamptz, 'UTC+99999')$$),
('week_start(tstz) path in zone name',         '22023', $$SELECT week_start('2025-11-23 21:00+00'::timestamptz, '../../../../etc/passwd')$$),
('week_start(tstz) control char in zone',      '22023', $$SELECT week_start('2025-11-23 21:00+00'::timestamptz, 'Europe/Moscow' || chr(1))$$),
('week_start(tstz) 10000-char zone',           '22023', $$SELECT week_start('2025-11-23 21:00+00'::timestamptz, repeat('x', 10000))$$),
('week_start(tstz) POSIX zone +05',            'ok',    $$SELECT week_start('2025-11-23 21:00+00'::timestamptz, '+05')$$),
('week_start(tstz) UTC',                       'ok',    $$SELECT week_start('2025-11-23 21:00+00'::timestamptz, 'UTC')$$),
-- an infinite instant still has its zone checked (fixed in 1.3's library)
('week_start(tstz) infinity, bad zone',        '22023',    $$SELECT week_start('infinity'::timestamptz, 'Mars/Olympus_Mons')$$),
('week_start(tstz) -infinity',                 'ok',    $$SELECT week_start('-infinity'::timestamptz, 'Asia/Sakhalin')$$),
('week_start(tstz) last instant, UTC+14',      '22008', $$SELECT week_start('294276-12-31 23:00+00'::timestamptz, 'Pacific/Kiritimati')$$),
('week_start(tstz) first instant, UTC-8',      '22008', $$SELECT week_start('4714-11-24 00:00+00 BC'::timestamptz, 'America/Los_Angeles')$$),
-- school_year(date)
('school_year NULL',                           'ok',    $$SELECT school_year(NULL)$$),
('school_year infinity',                       '22008', $$SELECT school_year('infinity'::date)$$),
('school_year -infinity',                      '22008', $$SELECT school_year('-infinity'::date)$$),
('school_year first date',                     'ok',    $$SELECT school_year('4714-11-24 BC'::date)$$),
('school_year last date',                      'ok',    $$SELECT school_year('5874897-12-31'::date)$$),
-- status rules
('profile_is_verified NULL, NULL',             'ok',    $$SELECT profile_is_verified(NULL, NULL)$$),
('profile_is_verified false, NULL',            'ok',    $$SELECT profile_is_verified(false, NULL)$$),
('teacher_is_active all NULL',                 'ok',    $$SELECT teacher_is_active(NULL, NULL, NULL)$$),
('teacher_is_active messages -1',              '22023', $$SELECT teacher_is_active(true, -1)$$),
('teacher_is_active messages -1, not verified','22023', $$SELECT teacher_is_active(false, -1)$$),
('teacher_is_active messages bigint min',      '22023', $$SELECT teacher_is_active(true, -9223372036854775808, 10)$$),
('teacher_is_active min_messages -1',          '22023', $$SELECT teacher_is_active(true, 5, -1)$$),
('teacher_is_active min_messages int min',     '22023', $$SELECT teacher_is_active(NULL, NULL, -2147483648)$$),
('teacher_is_active threshold 0',              'ok',    $$SELECT teacher_is_active(true, 0, 0)$$),
('teacher_is_active huge counts',              'ok',    $$SELECT teacher_is_active(true, 9223372036854775807, 2147483647)$$),
('teacher_is_active just under huge threshold','ok',    $$SELECT teacher_is_active(true, 2147483646, 2147483647)$$),
('org_is_active all NULL',                     'ok',    $$SELECT org_is_active(NULL, NULL, NULL, NULL)$$),
('org_is_active teachers -1',                  '22023', $$SELECT org_is_active(true, true, -1)$$),
('org_is_active teachers -5, others false',    '22023', $$SELECT org_is_active(false, false, -5)$$),
('org_is_active min_teachers -1',              '22023', $$SELECT org_is_active(true, true, 3, -1)$$),
('org_is_active min_teachers int min',         '22023', $$SELECT org_is_active(true, true, NULL, -2147483648)$$),
('org_is_active huge counts',                  'ok',    $$SELECT org_is_active(true, true, 2147483647, 2147483647)$$),
('org_is_active NULL threshold',               'ok',    $$SELECT org_is_active(true, true, 3, NULL)$$),
-- kpi_ratio(numerator, denominator), share, numerator, denominator
('kpi_ratio() NULL part',                      'ok',    $$SELECT kpi_ratio(NULL, 5)$$),
('kpi_ratio() numerator -1',                   '22023', $$SELECT kpi_ratio(-1, 4)$$),
('kpi_ratio() denominator -1',                 '22023', $$SELECT kpi_ratio(0, -1)$$),
('kpi_ratio() both bigint min',                '22023', $$SELECT kpi_ratio(-9223372036854775808, -9223372036854775808)$$),
('kpi_ratio() numerator > denominator',        '22023', $$SELECT kpi_ratio(5, 4)$$),
('kpi_ratio() 1/0',                            '22023', $$SELECT kpi_ratio(1, 0)$$),
('kpi_ratio() 0/0',                            'ok',    $$SELECT kpi_ratio(0, 0)$$),
('kpi_ratio() bigint max parts',               'ok',    $$SELECT kpi_ratio(9223372036854775807, 9223372036854775807)$$),
('kpi_ratio() bigint max + 1',                 '22003', $$SELECT kpi_ratio(9223372036854775807 + 1, 9223372036854775807)$$),
('share 0/0',                                  'ok',    $$SELECT share('0/0')$$),
('share 1/bigint max',                         'ok',    $$SELECT share(kpi_ratio(1, 9223372036854775807))$$),
('share NULL',                                 'ok',    $$SELECT share(NULL)$$),
('numerator bigint max',                       'ok',    $$SELECT numerator('9223372036854775807/9223372036854775807')$$),
('denominator 0/0',                            'ok',    $$SELECT denominator('0/0')$$),
('hash of bigint max equals hash of 1/1',      'ok',    $$SELECT kpi_ratio_hash('9223372036854775807/9223372036854775807') = kpi_ratio_hash('1/1') AND kpi_ratio_hash_extended('0/0', -1) IS NOT NULL$$),
('compare bigint max with neighbours',         'ok',    $$SELECT kpi_ratio_cmp('9223372036854775806/9223372036854775807', '9223372036854775805/9223372036854775806')$$),
-- kpi_ratio text input
('kpi_ratio in: empty',                        '22P02', $$SELECT ''::kpi_ratio$$),
('kpi_ratio in: blanks',                       '22P02', $$SELECT '   '::kpi_ratio$$),
('kpi_ratio in: slash only',                   '22P02', $$SELECT '/'::kpi_ratio$$),
('kpi_ratio in: 1/',                           '22P02', $$SELECT '1/'::kpi_ratio$$),
('kpi_ratio in: /1',                           '22P02', $$SELECT '/1'::kpi_ratio$$),
('kpi_ratio in: 1//2',                         '22P02', $$SELECT '1//2'::kpi_ratio$$),
('kpi_ratio in: 1/2/3',                        '22P02', $$SELECT '1/2/3'::kpi_ratio$$),
('kpi_ratio in: 1 2/3',                        '22P02', $$SELECT '1 2/3'::kpi_ratio$$),
('kpi_ratio in: --1/2',                        '22P02', $$SELECT '--1/2'::kpi_ratio$$),
('kpi_ratio in: +-1/2',                        '22P02', $$SELECT '+-1/2'::kpi_ratio$$),
('kpi_ratio in: 0x1/2',                        '22P02', $$SELECT '0x1/2'::kpi_ratio$$),
('kpi_ratio in: 1e3/2000',                     '22P02', $$SELECT '1e3/2000'::kpi_ratio$$),
('kpi_ratio in: 1.0/2',                        '22P02', $$SELECT '1.0/2'::kpi_ratio$$),
('kpi_ratio in: NaN/1',                        '22P02', $$SELECT 'NaN/1'::kpi_ratio$$),
('kpi_ratio in: Infinity/1',                   '22P02', $$SELECT 'Infinity/1'::kpi_ratio$$),
('kpi_ratio in: full-width digits',            '22P02', $$SELECT '１/２'::kpi_ratio$$),
('kpi_ratio in: Arabic-Indic digits',          '22P02', $$SELECT '١/٢'::kpi_ratio$$),
('kpi_ratio in: vertical tab',                 '22P02', $$SELECT ('1/2' || chr(11))::kpi_ratio$$),
('kpi_ratio in: 100 000 slashes',              '22P02', $$SELECT repeat('/', 100000)::kpi_ratio$$),
('kpi_ratio in: newline and tabs',             'ok',    $$SELECT (E'\t1\n/\r2\n')::kpi_ratio$$),
('kpi_ratio in: -0/+0',                        'ok',    $$SELECT '-0/+0'::kpi_ratio$$),
('kpi_ratio in: 100 000 leading zeros',        'ok',    $$SELECT (repeat('0', 100000) || '1/2')::kpi_ratio$$),
('kpi_ratio in: bigint max',                   'ok',    $$SELECT '9223372036854775807/9223372036854775807'::kpi_ratio$$),
('kpi_ratio in: bigint max + 1',               '22003', $$SELECT '9223372036854775808/9223372036854775808'::kpi_ratio$$),
('kpi_ratio in: bigint min numerator',         '22023', $$SELECT '-9223372036854775808/1'::kpi_ratio$$),
('kpi_ratio in: bigint min - 1',               '22003', $$SELECT '-9223372036854775809/1'::kpi_ratio$$),
('kpi_ratio in: 2^64',                         '22003', $$SELECT '1/18446744073709551616'::kpi_ratio$$),
('kpi_ratio in: 10 000 nines',                 '22003', $$SELECT (repeat('9', 10000) || '/1')::kpi_ratio$$),
('kpi_ratio in: overflow before garbage',      '22003', $$SELECT '99999999999999999999/x'::kpi_ratio$$),
('kpi_ratio in: 5/4',                          '22023', $$SELECT '5/4'::kpi_ratio$$),
('kpi_ratio in: -1/4',                         '22023', $$SELECT '-1/4'::kpi_ratio$$),
('kpi_ratio in: 1/-4',                         '22023', $$SELECT '1/-4'::kpi_ratio$$),
('kpi_ratio in: 1/0',                          '22023', $$SELECT '1/0'::kpi_ratio$$),
('kpi_ratio in: array with a bad element',     '22023', $$SELECT '{1/2,5/4}'::kpi_ratio[]$$),
('kpi_ratio in: array',                        'ok',    $$SELECT '{1/2,NULL," 3 / 4 "}'::kpi_ratio[]$$),
('kpi_ratio in: out of in',                    'ok',    $$SELECT kpi_ratio_out(kpi_ratio_in('0037/120'))$$),
('kpi_ratio send: bigint max',                 'ok',    $$SELECT kpi_ratio_send('9223372036854775807/9223372036854775807')$$),
-- kpi_ratio binary input (COPY BINARY)
('kpi_ratio recv: valid 3/4',                  'ok',    $$SELECT pg_temp.recv_ratio(pg_temp.ratio_bytes(3, 4))$$),
('kpi_ratio recv: NULL',                       'ok',    $$SELECT pg_temp.recv_ratio(NULL)$$),
('kpi_ratio recv: 0/0',                        'ok',    $$SELECT pg_temp.recv_ratio(pg_temp.ratio_bytes(0, 0))$$),
('kpi_ratio recv: bigint max',                 'ok',    $$SELECT pg_temp.recv_ratio(pg_temp.ratio_bytes(9223372036854775807, 9223372036854775807))$$),
('kpi_ratio recv: 0 bytes',                    '22P03', $$SELECT pg_temp.recv_ratio('\x')$$),
('kpi_ratio recv: 8 bytes',                    '22P03', $$SELECT pg_temp.recv_ratio(int8send(3))$$),
('kpi_ratio recv: 15 bytes',                   '22P03', $$SELECT pg_temp.recv_ratio(substr(pg_temp.ratio_bytes(3, 4), 1, 15))$$),
('kpi_ratio recv: 17 bytes',                   '22P03', $$SELECT pg_temp.recv_ratio(pg_temp.ratio_bytes(3, 4) || '\x00'::bytea)$$),
('kpi_ratio recv: 1 MB',                       '22P03', $$SELECT pg_temp.recv_ratio(decode(repeat('00', 1048576), 'hex'))$$),
('kpi_ratio recv: numerator > denominator',    '22P03', $$SELECT pg_temp.recv_ratio(pg_temp.ratio_bytes(5, 4))$$),
('kpi_ratio recv: negative numerator',         '22P03', $$SELECT pg_temp.recv_ratio(pg_temp.ratio_bytes(-1, 4))$$),
('kpi_ratio recv: negative denominator',       '22P03', $$SELECT pg_temp.recv_ratio(pg_temp.ratio_bytes(0, -1))$$),
('kpi_ratio recv: bigint min parts',           '22P03', $$SELECT pg_temp.recv_ratio(pg_temp.ratio_bytes(-9223372036854775808, -9223372036854775808))$$),
('kpi_ratio recv: all ones',                   '22P03', $$SELECT pg_temp.recv_ratio('\xffffffffffffffffffffffffffffffff')$$),
-- rollup(kpi_ratio) and its support functions: overflow is 22003, never a wrap
('rollup: no rows',                            'ok',    $$SELECT rollup(v) FROM (VALUES ('1/2'::kpi_ratio)) t(v) WHERE false$$),
('rollup: only NULL',                          'ok',    $$SELECT rollup(v) FROM (VALUES (NULL::kpi_ratio)) t(v)$$),
('rollup: exactly bigint max',                 'ok',    $$SELECT rollup(v) FROM (VALUES ('4611686018427387903/4611686018427387903'::kpi_ratio), ('4611686018427387904/4611686018427387904')) t(v)$$),
('rollup: bigint max + 1/1',                   '22003', $$SELECT rollup(v) FROM (VALUES ('9223372036854775807/9223372036854775807'::kpi_ratio), ('1/1')) t(v)$$),
('rollup: denominator alone overflows',        '22003', $$SELECT rollup(v) FROM (VALUES ('0/9223372036854775807'::kpi_ratio), ('0/1')) t(v)$$),
('rollup: 2^62 + 2^62',                        '22003', $$SELECT rollup(v) FROM (VALUES ('4611686018427387904/4611686018427387904'::kpi_ratio), ('4611686018427387904/4611686018427387904')) t(v)$$),
('rollup: overflow after 0/0 and NULL',        '22003', $$SELECT rollup(v) FROM (VALUES ('0/0'::kpi_ratio), (NULL), ('9223372036854775807/9223372036854775807'), ('0/0'), ('1/1')) t(v)$$),
('rollup: window, overflow at row 2',          '22003', $$SELECT string_agg(r::text, ' ') FROM (SELECT rollup(v) OVER (ORDER BY i) r FROM (VALUES (1, '9223372036854775807/9223372036854775807'::kpi_ratio), (2, '1/1')) t(i, v)) w$$),
('rollup: parallel, overflow',                 '22003', $$SELECT rollup(v) FROM hardening.big_ratios$$),
('rollup: parallel, below the limit',          'ok',    $$SELECT rollup(v) FROM hardening.big_ratios WHERE g < 80000$$),
('rollup trans: plain call overflows',         '22003', $$SELECT kpi_ratio_rollup_trans('9223372036854775807/9223372036854775807', '1/1')$$),
('rollup combine: plain call overflows',       '22003', $$SELECT kpi_ratio_rollup_combine('1/9223372036854775807', '0/1')$$),
('rollup combine: NULL, NULL',                 'ok',    $$SELECT kpi_ratio_rollup_combine(NULL, NULL)$$),
-- weekly_state text input
('weekly_state in: empty',                     '22P02', $$SELECT ''::weekly_state$$),
('weekly_state in: no threshold',              '22P02', $$SELECT '1/2'::weekly_state$$),
('weekly_state in: empty threshold',           '22P02', $$SELECT '1/2@'::weekly_state$$),
('weekly_state in: two thresholds',            '22P02', $$SELECT '1/2@3@4'::weekly_state$$),
('weekly_state in: at sign only',              '22P02', $$SELECT '@'::weekly_state$$),
('weekly_state in: trailing garbage',          '22P02', $$SELECT '1/2@3x'::weekly_state$$),
('weekly_state in: kpi_ratio text',            '22P02', $$SELECT '1/2'::kpi_ratio::text::weekly_state$$),
('weekly_state in: 100 000 at signs',          '22P02', $$SELECT repeat('@', 100000)::weekly_state$$),
('weekly_state in: empty state',               'ok',    $$SELECT '0/0@0'::weekly_state$$),
('weekly_state in: blanks everywhere',         'ok',    $$SELECT (E' 1\t/ 2 @\n3 ')::weekly_state$$),
('weekly_state in: all at the limits',         'ok',    $$SELECT '9223372036854775807/9223372036854775807@2147483647'::weekly_state$$),
('weekly_state in: rows but no threshold',     '22023', $$SELECT '1/1@0'::weekly_state$$),
('weekly_state in: active > members',          '22023', $$SELECT '5/4@1'::weekly_state$$),
('weekly_state in: negative active',           '22023', $$SELECT '-1/4@1'::weekly_state$$),
('weekly_state in: negative members',          '22023', $$SELECT '0/-4@1'::weekly_state$$),
('weekly_state in: negative threshold',        '22023', $$SELECT '1/4@-1'::weekly_state$$),
('weekly_state in: threshold int max + 1',     '22003', $$SELECT '1/4@2147483648'::weekly_state$$),
('weekly_state in: threshold bigint max + 1',  '22003', $$SELECT '1/4@9223372036854775808'::weekly_state$$),
('weekly_state in: members bigint max + 1',    '22003', $$SELECT '1/9223372036854775808@1'::weekly_state$$),
('weekly_state in: 10 000 nines',              '22003', $$SELECT ('1/' || repeat('9', 10000) || '@1')::weekly_state$$),
('weekly_state send: at the limits',           'ok',    $$SELECT weekly_state_send('9223372036854775807/9223372036854775807@2147483647')$$),
-- weekly_state binary input (COPY BINARY)
('weekly_state recv: valid 3/4@10',            'ok',    $$SELECT pg_temp.recv_state(pg_temp.state_bytes(3, 4, 10))$$),
('weekly_state recv: empty state',             'ok',    $$SELECT pg_temp.recv_state(pg_temp.state_bytes(0, 0, 0))$$),
('weekly_state recv: at the limits',           'ok',    $$SELECT pg_temp.recv_state(pg_temp.state_bytes(9223372036854775807, 9223372036854775807, 2147483647))$$),
('weekly_state recv: 0 bytes',                 '22P03', $$SELECT pg_temp.recv_state('\x')$$),
('weekly_state recv: 19 bytes',                '22P03', $$SELECT pg_temp.recv_state(substr(pg_temp.state_bytes(3, 4, 10), 1, 19))$$),
('weekly_state recv: 21 bytes',                '22P03', $$SELECT pg_temp.recv_state(pg_temp.state_bytes(3, 4, 10) || '\x00'::bytea)$$),
('weekly_state recv: 24 bytes (in-memory size)','22P03', $$SELECT pg_temp.recv_state(pg_temp.state_bytes(3, 4, 10) || int4send(0))$$),
('weekly_state recv: active > members',        '22P03', $$SELECT pg_temp.recv_state(pg_temp.state_bytes(5, 4, 10))$$),
('weekly_state recv: negative members',        '22P03', $$SELECT pg_temp.recv_state(pg_temp.state_bytes(0, -1, 1))$$),
('weekly_state recv: negative threshold',      '22P03', $$SELECT pg_temp.recv_state(pg_temp.state_bytes(1, 4, -1))$$),
('weekly_state recv: rows but no threshold',   '22P03', $$SELECT pg_temp.recv_state(pg_temp.state_bytes(0, 4, 0))$$),
('weekly_state recv: all ones',                '22P03', $$SELECT pg_temp.recv_state('\xffffffffffffffffffffffffffffffffffffffff')$$),
-- weekly_state functions
('weekly_state_share NULL',                    'ok',    $$SELECT weekly_state_share(NULL)$$),
('weekly_state_share empty',                   'ok',    $$SELECT weekly_state_share('0/0@0')$$),
('weekly_state_share at the limits',           'ok',    $$SELECT weekly_state_share('9223372036854775807/9223372036854775807@1')$$),
('weekly_state_ratio NULL',                    'ok',    $$SELECT weekly_state_ratio(NULL)$$),
('weekly_state_ratio at the limits',           'ok',    $$SELECT weekly_state_ratio('1/9223372036854775807@2147483647')$$),
('weekly_state_accum NULL state',              '22004', $$SELECT weekly_state_accum(NULL, 5)$$),
('weekly_state_accum NULL threshold',          '22004', $$SELECT weekly_state_accum('0/0@0', 5, NULL)$$),
('weekly_state_accum threshold 0',             '22023', $$SELECT weekly_state_accum('0/0@0', 5, 0)$$),
('weekly_state_accum other threshold',         '22023', $$SELECT weekly_state_accum('1/1@5', 5, 6)$$),
('weekly_state_accum negative messages',       '22023', $$SELECT weekly_state_accum('0/0@0', -1)$$),
('weekly_state_accum members overflow',        '22003', $$SELECT weekly_state_accum('9223372036854775807/9223372036854775807@1', 5)$$),
('weekly_state_combine members overflow',      '22003', $$SELECT weekly_state_combine('0/9223372036854775807@3', '0/1@3')$$),
('weekly_state_combine other threshold',       '22023', $$SELECT weekly_state_combine('1/2@3', '2/5@4')$$),
('weekly_state_combine NULL, empty',           'ok',    $$SELECT weekly_state_combine(NULL, '0/0@0')$$),
('state rollup aggregate: overflow',           '22003', $$SELECT hardening.state_rollup(s) FROM (VALUES ('1/9223372036854775806@3'::weekly_state), ('2/5@3')) t(s)$$),
('state rollup aggregate: parallel overflow',  '22003', $$SELECT hardening.state_rollup(s) FROM hardening.big_ratios$$),
('state rollup aggregate: mixed thresholds',   '22023', $$SELECT hardening.state_rollup(s) FROM (VALUES ('1/2@3'::weekly_state), (NULL), ('0/0@0'), ('2/5@4')) t(s)$$),
-- roster-form aggregates: weekly_active_share/ratio(messages [, min_messages])
('weekly_active_share(m) no rows',             'ok',    $$SELECT weekly_active_share(m) FROM (VALUES (1::bigint)) v(m) WHERE false$$),
('weekly_active_share(m) negative messages',   '22023', $$SELECT weekly_active_share(m) FROM (VALUES (1), (-1)) v(m)$$),
('weekly_active_share(m) bigint min messages', '22023', $$SELECT weekly_active_share(m) FROM (VALUES (-9223372036854775808)) v(m)$$),
('weekly_active_share(m, t) NULL threshold',   '22004', $$SELECT weekly_active_share(m, NULL) FROM (VALUES (1)) v(m)$$),
('weekly_active_share(m, t) threshold 0',      '22023', $$SELECT weekly_active_share(m, 0) FROM (VALUES (1)) v(m)$$),
('weekly_active_share(m, t) threshold int min','22023', $$SELECT weekly_active_share(m, -2147483648) FROM (VALUES (1)) v(m)$$),
('weekly_active_share(m, t) two thresholds',   '22023', $$SELECT weekly_active_share(m, t) FROM (VALUES (1, 10), (2, 5)) v(m, t)$$),
('weekly_active_share(m, t) huge values',      'ok',    $$SELECT weekly_active_share(m, 2147483647) FROM (VALUES (9223372036854775807), (2147483646), (NULL)) v(m)$$),
('weekly_active_ratio(m) only NULL messages',  'ok',    $$SELECT weekly_active_ratio(m) FROM (VALUES (NULL::bigint), (NULL)) v(m)$$),
('weekly_active_ratio(m, t) huge values',      'ok',    $$SELECT weekly_active_ratio(m, 2147483647) FROM (VALUES (9223372036854775807), (2147483647), (0)) v(m)$$),
('weekly_active_ratio(m, t) negative messages','22023', $$SELECT weekly_active_ratio(m, 3) FROM (VALUES (NULL), (-5)) v(m)$$),
-- raw-row aggregates: weekly_active_share/ratio(person_id, messages, min_messages, population)
('raw ratio: no rows',                         'ok',    $$SELECT weekly_active_ratio(p, m, 1, NULL) FROM (VALUES (1::bigint, 1::bigint)) v(p, m) WHERE false$$),
('raw ratio: NULL person, NULL threshold',     'ok',    $$SELECT weekly_active_ratio(NULL::bigint, 5, NULL, -1) FROM generate_series(1, 3)$$),
('raw share: NULL threshold',                  '22004', $$SELECT weekly_active_share(p, m, NULL, NULL) FROM (VALUES (1, 1)) v(p, m)$$),
('raw share: threshold 0',                     '22023', $$SELECT weekly_active_share(p, m, 0, NULL) FROM (VALUES (1, 1)) v(p, m)$$),
('raw share: threshold int min',               '22023', $$SELECT weekly_active_share(p, m, -2147483648, NULL) FROM (VALUES (1, 1)) v(p, m)$$),
('raw share: population -1',                   '22023', $$SELECT weekly_active_share(p, m, 1, -1) FROM (VALUES (1, 1)) v(p, m)$$),
('raw share: population bigint min',           '22023', $$SELECT weekly_active_share(p, m, 1, -9223372036854775808) FROM (VALUES (1, 1)) v(p, m)$$),
('raw share: two thresholds',                  '22023', $$SELECT weekly_active_share(p, m, t, NULL) FROM (VALUES (1, 1, 10), (2, 1, 5)) v(p, m, t)$$),
('raw share: population then NULL',            '22023', $$SELECT weekly_active_share(p, m, 1, n) FROM (VALUES (1, 1, 100), (2, 1, NULL)) v(p, m, n)$$),
('raw share: negative messages',               '22023', $$SELECT weekly_active_share(p, m, 1, NULL) FROM (VALUES (1, 1), (2, -3)) v(p, m)$$),
('raw share: bigint min messages',             '22023', $$SELECT weekly_active_share(p, m, 1, NULL) FROM (VALUES (1, -9223372036854775808)) v(p, m)$$),
('raw ratio: more active than population',     '22023', $$SELECT weekly_active_ratio(p, m, 1, 1) FROM (VALUES (1, 1), (2, 1)) v(p, m)$$),
('raw ratio: message sum past bigint max',     'ok',    $$SELECT weekly_active_ratio(p, m, 2147483647, NULL) FROM (VALUES (1, 9223372036854775807), (1, 9223372036854775807), (2, 2147483646), (2, 1), (3, 2147483646)) v(p, m)$$),
('raw ratio: 1 + 1 reaches 2 (no wrap)',       'ok',    $$SELECT weekly_active_ratio(p, m, 2, NULL) FROM (VALUES (1, 9223372036854775807), (1, 9223372036854775807), (2, 1), (2, 1)) v(p, m)$$),
('raw ratio: population bigint max',           'ok',    $$SELECT weekly_active_ratio(p, m, 1, 9223372036854775807) FROM (VALUES (1, 1)) v(p, m)$$),
('raw ratio: ids at the bigint limits',        'ok',    $$SELECT weekly_active_ratio(p, m, 1, NULL) FROM (VALUES (-9223372036854775808, 1), (9223372036854775807, 1), (0, 0)) v(p, m)$$),
('raw share: population 0',                    'ok',    $$SELECT weekly_active_share(p, m, 1, 0) FROM (VALUES (1, 0)) v(p, m)$$),
('raw ratio: parallel, serialized states',     'ok',    $$SELECT weekly_active_ratio(person, messages, 12, NULL) FROM hardening.raw_rows$$),
('raw ratio: parallel, population too small',  '22023', $$SELECT weekly_active_ratio(person, messages, 1, 100) FROM hardening.raw_rows$$),
('raw support functions take internal',        '42846', $$SELECT weekly_raw_share(NULL::internal) IS NULL AND weekly_raw_ratio(NULL::internal) IS NULL$$),
('raw merge transition takes internal',        '42846', $$SELECT weekly_raw_merge(NULL::internal, '\x') IS NULL$$),
-- states as values (1.4): weekly_active_state and merge_active_states
('state: of no persons',                       'ok',    $$SELECT weekly_active_state(NULL::bigint, 1, 1, NULL) FROM generate_series(1, 3)$$),
('state: NULL threshold',                      '22004', $$SELECT weekly_active_state(1, 1, NULL, NULL)$$),
('state: negative population',                 '22023', $$SELECT weekly_active_state(1, 1, 1, -1)$$),
('state: parallel, serialized states',         'ok',    $$SELECT length(weekly_active_state(person, messages, 12, NULL)) FROM hardening.raw_rows$$),
('merge: NULL and empty states',               'ok',    $$SELECT merge_active_states(s) FROM (VALUES (NULL::bytea), (pg_temp.state(10, NULL, '{}', '{}'))) v(s)$$),
('merge: a state with itself',                 'ok',    $$SELECT merge_active_states(s) FROM (VALUES (pg_temp.state(10, NULL, '{1,2}', '{10,4}')), (pg_temp.state(10, NULL, '{1,2}', '{10,4}'))) v(s)$$),
('merge: empty bytes',                         '22P03', $$SELECT merge_active_states(s) FROM (VALUES ('\x'::bytea)) v(s)$$),
('merge: header cut short, second state',      '22P03', $$SELECT merge_active_states(s) FROM (VALUES (pg_temp.state(10, NULL, '{1}', '{1}')), (substr(pg_temp.raw_header(1, 10, 1, 0, 0), 1, 21))) v(s)$$),
('merge: n bigint max, no records',            '22P03', $$SELECT merge_active_states(s) FROM (VALUES (pg_temp.raw_header(1, 10, 1, 0, 9223372036854775807))) v(s)$$),
('merge: n x 9 overflows',                     '22P03', $$SELECT merge_active_states(s) FROM (VALUES (pg_temp.raw_header(1, 10, 1, 0, 2049638230412172402) || pg_temp.raw_record(1, 1, 1) || pg_temp.raw_record(2, 1, 1))) v(s)$$),
('merge: count above threshold',               '22P03', $$SELECT merge_active_states(s) FROM (VALUES (pg_temp.state(10, NULL, '{1}', '{11}'))) v(s)$$),
('merge: more active than population',        '22023', $$SELECT merge_active_states(s) FROM (VALUES (pg_temp.state(10, 1, '{1}', '{10}')), (pg_temp.state(10, 1, '{2}', '{10}'))) v(s)$$),
('merge: thresholds differ',                   '22023', $$SELECT merge_active_states(s) FROM (VALUES (pg_temp.state(10, NULL, '{1}', '{1}')), (pg_temp.state(11, NULL, '{1}', '{1}'))) v(s)$$),
('merge: parallel over a table of states',     'ok',    $$SELECT merge_active_states(s) FROM (SELECT weekly_active_state(person, messages, 12, NULL) AS s FROM hardening.raw_rows GROUP BY coalesce(messages, 0) % 7) t$$),
-- serialized raw-row states: weekly_raw_deserialize through the test entry point
('raw state: valid, w1',                       'ok',    $$SELECT pg_temp.raw_state(pg_temp.state(10, NULL, '{1,2,-9223372036854775808}', '{10,4,0}'), NULL) = pg_temp.state(10, NULL, '{1,2,-9223372036854775808}', '{10,4,0}')$$),
('raw state: valid, largest threshold',        'ok',    $$SELECT pg_temp.raw_state(pg_temp.state(2147483647, 9223372036854775807, '{9223372036854775807}', '{2147483647}'), NULL, true) = pg_temp.state(2147483647, 9223372036854775807, '{9223372036854775807}', '{2147483647}')$$),
('raw state: empty bytes',                     '22P03', $$SELECT pg_temp.raw_state('\x', NULL)$$),
('raw state: header cut short',                '22P03', $$SELECT pg_temp.raw_state(substr(pg_temp.raw_header(1, 10, 1, 0, 0), 1, 21), NULL)$$),
('raw state: format 0',                        '22P03', $$SELECT pg_temp.raw_state(pg_temp.raw_header(0, 10, 1, 0, 0), NULL)$$),
('raw state: format 255',                      '22P03', $$SELECT pg_temp.raw_state(pg_temp.raw_header(255, 10, 1, 0, 0), NULL)$$),
('raw state: threshold 0',                     '22P03', $$SELECT pg_temp.raw_state(pg_temp.raw_header(1, 0, 1, 0, 0), NULL)$$),
('raw state: threshold int min',               '22P03', $$SELECT pg_temp.raw_state(pg_temp.raw_header(1, -2147483648, 1, 0, 0), NULL)$$),
('raw state: population flag 2',               '22P03', $$SELECT pg_temp.raw_state(pg_temp.raw_header(1, 10, 2, 0, 0), NULL)$$),
('raw state: population flag 255',             '22P03', $$SELECT pg_temp.raw_state(pg_temp.raw_header(1, 10, 255, 0, 0), NULL)$$),
('raw state: population bigint min',           '22P03', $$SELECT pg_temp.raw_state(pg_temp.raw_header(1, 10, 0, -9223372036854775808, 0), NULL)$$),
('raw state: NULL population of 5',            '22P03', $$SELECT pg_temp.raw_state(pg_temp.raw_header(1, 10, 1, 5, 0), NULL)$$),
('raw state: n -1',                            '22P03', $$SELECT pg_temp.raw_state(pg_temp.raw_header(1, 10, 1, 0, -1), NULL)$$),
('raw state: n bigint min',                    '22P03', $$SELECT pg_temp.raw_state(pg_temp.raw_header(1, 10, 1, 0, -9223372036854775808), NULL)$$),
('raw state: n bigint max, no records',        '22P03', $$SELECT pg_temp.raw_state(pg_temp.raw_header(1, 10, 1, 0, 9223372036854775807), NULL)$$),
('raw state: n x 9 overflows',                 '22P03', $$SELECT pg_temp.raw_state(pg_temp.raw_header(1, 10, 1, 0, 2049638230412172402) || pg_temp.raw_record(1, 1, 1) || pg_temp.raw_record(2, 1, 1), NULL)$$),
('raw state: n 2, one record',                 '22P03', $$SELECT pg_temp.raw_state(pg_temp.raw_header(1, 10, 1, 0, 2) || pg_temp.raw_record(1, 1, 1), NULL)$$),
('raw state: trailing byte',                   '22P03', $$SELECT pg_temp.raw_state(pg_temp.state(10, NULL, '{1}', '{1}') || '\x00'::bytea, NULL)$$),
('raw state: record of the wrong width',       '22P03', $$SELECT pg_temp.raw_state(pg_temp.raw_header(1, 300, 1, 0, 1) || pg_temp.raw_record(1, 1, 1), NULL)$$),
('raw state: count above threshold, w1',       '22P03', $$SELECT pg_temp.raw_state(pg_temp.state(10, NULL, '{1}', '{11}'), NULL)$$),
('raw state: count 255 above 254',             '22P03', $$SELECT pg_temp.raw_state(pg_temp.state(254, NULL, '{1}', '{255}'), NULL)$$),
('raw state: count above threshold, w2',       '22P03', $$SELECT pg_temp.raw_state(pg_temp.state(300, NULL, '{1}', '{65535}'), NULL)$$),
('raw state: count 2^32-1, w4',                '22P03', $$SELECT pg_temp.raw_state(pg_temp.state(100000, NULL, '{1}', '{4294967295}'), NULL)$$),
('raw state: person twice',                    '22P03', $$SELECT pg_temp.raw_state(pg_temp.state(10, NULL, '{5,5}', '{1,2}'), NULL)$$),
('raw state: out of order',                    '22P03', $$SELECT pg_temp.raw_state(pg_temp.state(10, NULL, '{1,2,3}', '{1,1,1}', true), NULL)$$),
('raw state: 1 MB of zeros',                   '22P03', $$SELECT pg_temp.raw_state(decode(repeat('00', 1048576), 'hex'), NULL)$$),
('raw state: right side corrupt',              '22P03', $$SELECT pg_temp.raw_state(pg_temp.state(10, NULL, '{1}', '{1}'), pg_temp.raw_header(1, 10, 1, 0, 1))$$),
('raw combine: other threshold',               '22023', $$SELECT pg_temp.raw_state(pg_temp.state(10, NULL, '{1}', '{1}'), pg_temp.state(11, NULL, '{1}', '{1}'))$$),
('raw combine: other population',              '22023', $$SELECT pg_temp.raw_state(pg_temp.state(10, 5, '{1}', '{1}'), pg_temp.state(10, NULL, '{1}', '{1}'), true)$$),
('raw combine: counters saturate at int max',  'ok',    $$SELECT pg_temp.raw_state(pg_temp.state(2147483647, NULL, '{7}', '{2147483646}'), pg_temp.state(2147483647, NULL, '{7}', '{2147483646}')) = pg_temp.state(2147483647, NULL, '{7}', '{2147483647}')$$),
('raw table: wrap around the last bucket, w1', 'ok',    $$SELECT pg_temp.raw_state(pg_temp.state(10, NULL, ids, array_fill(3::bigint, ARRAY[20])), NULL, true) = pg_temp.state(10, NULL, ids, array_fill(3::bigint, ARRAY[20])) FROM skewed$$),
('raw table: wrap around the last bucket, w2', 'ok',    $$SELECT pg_temp.raw_state(pg_temp.state(300, NULL, ids[1:17], array_fill(299::bigint, ARRAY[17])), NULL, true) = pg_temp.state(300, NULL, ids[1:17], array_fill(299::bigint, ARRAY[17])) FROM skewed$$),
('raw table: wrap around the last bucket, w4', 'ok',    $$SELECT pg_temp.raw_state(pg_temp.state(70000, NULL, ids[1:14], array_fill(1::bigint, ARRAY[14])), NULL, true) = pg_temp.state(70000, NULL, ids[1:14], array_fill(1::bigint, ARRAY[14])) FROM skewed$$),
('raw combine: table and records agree',       'ok',    $$SELECT pg_temp.raw_state(pg_temp.state(10, NULL, ids[1:12], array_fill(6::bigint, ARRAY[12])), pg_temp.state(10, NULL, ids[8:20], array_fill(5::bigint, ARRAY[13])), true) = pg_temp.raw_state(pg_temp.state(10, NULL, ids[8:20], array_fill(5::bigint, ARRAY[13])), pg_temp.state(10, NULL, ids[1:12], array_fill(6::bigint, ARRAY[12]))) FROM skewed$$),
-- target_met(indicator, double precision | kpi_ratio, as_of, region)
('target_met NULL indicator',                  'ok',    $$SELECT target_met(NULL, 0.5::float8, '2025-12-30')$$),
('target_met NULL value',                      'ok',    $$SELECT target_met('active_teachers', NULL::float8, '2025-12-30')$$),
('target_met NULL date',                       'ok',    $$SELECT target_met('active_teachers', 0.5::float8, NULL)$$),
('target_met unknown indicator',               '22023', $$SELECT target_met('no_such_indicator', 0.5::float8, '2025-12-30')$$),
('target_met empty indicator',                 '22023', $$SELECT target_met('', 0.5::float8, '2025-12-30')$$),
('target_met indicator of 100 000 chars',      '22023', $$SELECT target_met(repeat('a', 100000), kpi_ratio(1, 2), '2025-12-30')$$),
('target_met indicator in upper case',         '22023', $$SELECT target_met('ACTIVE_TEACHERS', 0.5::float8, '2025-12-30')$$),
('target_met unknown indicator and NaN',       '22023', $$SELECT target_met('no_such_indicator', 'NaN'::float8, '2025-12-30')$$),
('target_met NaN',                             '22003', $$SELECT target_met('active_teachers', 'NaN'::float8, '2025-12-30')$$),
('target_met Infinity',                        '22003', $$SELECT target_met('active_teachers', 'Infinity'::float8, '2025-12-30')$$),
('target_met -Infinity',                       '22003', $$SELECT target_met('active_teachers', '-Infinity'::float8, '2025-12-30')$$),
-- the message prints the share exactly: "share 1.0000000001000001 is outside [0, 1]"
('target_met share above 1',                   '22003', $$SELECT target_met('active_teachers', 1.0000000001::float8, '2025-12-30')$$),
('target_met tiny negative share',             '22003', $$SELECT target_met('active_teachers', -1e-300::float8, '2025-12-30')$$),
('target_met -0.0',                            'ok',    $$SELECT target_met('active_teachers', '-0'::float8, '2025-12-30')$$),
('target_met as_of infinity',                  '22008', $$SELECT target_met('active_teachers', 0.5::float8, 'infinity')$$),
('target_met as_of -infinity',                 '22008', $$SELECT target_met('active_teachers', kpi_ratio(1, 2), '-infinity')$$),
('target_met as_of first date',                'ok',    $$SELECT target_met('active_teachers', 0.5::float8, '4714-11-24 BC')$$),
('target_met as_of last date',                 'ok',    $$SELECT target_met('staff_weekly_writers', kpi_ratio(3, 4), '5874897-12-31')$$),
('target_met ratio 0/0',                       'ok',    $$SELECT target_met('active_teachers', '0/0'::kpi_ratio, '2023-05-31')$$),
('target_met ratio bigint max',                'ok',    $$SELECT target_met('national_only_users', '9223372036854775806/9223372036854775807'::kpi_ratio, '2025-12-30')$$),
('target_met ratio vs bigint baseline',        'ok',    $$SELECT target_met('staff_weekly_writers', '9223372036854775805/9223372036854775806'::kpi_ratio, '2025-09-01', 'zz')$$),
('target_met baseline only 0/0 weeks',         'ok',    $$SELECT target_met('learners_parents_weekly', 0.5::float8, '2025-09-01', 'zz')$$),
('target_met region of 100 000 chars',         'ok',    $$SELECT target_met('staff_weekly_writers', 0.5::float8, '2025-09-01', repeat('9', 100000))$$),
('target_met empty region',                    'ok',    $$SELECT target_met('staff_weekly_writers', kpi_ratio(1, 2), '2025-09-01', '')$$),
-- target_status
('target_status NULL indicator',               'ok',    $$SELECT t::text FROM target_status(NULL, 0.5::float8, '2025-12-30') t$$),
('target_status unknown indicator',            '22023', $$SELECT t::text FROM target_status('no_such_indicator', kpi_ratio(1, 2), '2025-12-30') t$$),
('target_status NaN',                          '22003', $$SELECT t::text FROM target_status('active_teachers', 'NaN'::float8, '2025-12-30') t$$),
('target_status share above 1',                '22003', $$SELECT t::text FROM target_status('active_teachers', 2::float8, '2025-12-30') t$$),
('target_status as_of infinity',               '22008', $$SELECT t::text FROM target_status('active_teachers', kpi_ratio(1, 2), 'infinity') t$$),
('target_status short_by near bigint max',     'ok',    $$SELECT short_by FROM target_status('staff_weekly_writers', kpi_ratio(1, 9223372036854775807), '2025-12-30')$$),
('target_status short_by of 100 %, bigint max','ok',    $$SELECT short_by FROM target_status('national_only_users', kpi_ratio(9223372036854775806, 9223372036854775807), '2025-12-30')$$),
('target_status baseline near bigint max',     'ok',    $$SELECT short_by FROM target_status('staff_weekly_writers', kpi_ratio(1, 9223372036854775807), '2025-09-01', 'zz')$$),
('target_status ratio 0/0, last date',         'ok',    $$SELECT t::text FROM target_status('active_teachers', '0/0'::kpi_ratio, '5874897-12-31') t$$),
-- baseline(indicator, region, platform, school_year)
('baseline NULL region',                       'ok',    $$SELECT baseline('staff_weekly_writers', NULL)$$),
('baseline unknown indicator',                 'ok',    $$SELECT baseline('no_such_indicator', 'zz')$$),
('baseline near bigint max',                   'ok',    $$SELECT baseline('staff_weekly_writers', 'zz')$$),
('baseline school year 0',                     '22008', $$SELECT baseline('staff_weekly_writers', 'zz', 'vk', 0)$$),
('baseline school year int min',               '22008', $$SELECT baseline('staff_weekly_writers', 'zz', 'vk', -2147483648)$$),
('baseline school year 10000',                 '22008', $$SELECT baseline('staff_weekly_writers', 'zz', 'vk', 10000)$$),
('baseline school year int max',               '22008', $$SELECT baseline('staff_weekly_writers', 'zz', 'vk', 2147483647)$$),
('baseline school years 1 and 9999',           'ok',    $$SELECT coalesce(baseline('staff_weekly_writers', 'zz', 'vk', 1), baseline('staff_weekly_writers', 'zz', 'vk', 9999))$$),
('baseline strings of 100 000 chars',          'ok',    $$SELECT baseline(repeat('a', 100000), repeat('b', 100000), repeat('c', 100000))$$),
-- create_mart, create_kpi_views, comment_kpi_view
('create_mart NULL',                           '22004', $$SELECT create_mart(NULL)$$),
('create_mart existing mart',                  '42P07', $$SELECT create_mart('hardening_mart')$$),
('create_mart empty name',                     '22023', $$SELECT create_mart('')$$),
('create_mart pg_catalog',                     '42939', $$SELECT create_mart('pg_catalog')$$),
('create_mart pg_temp',                        '42939', $$SELECT create_mart('pg_temp')$$),
('create_kpi_views NULL views schema',         '22004', $$SELECT create_kpi_views('hardening_mart', NULL)$$),
('create_kpi_views no mart',                   '42P01', $$SELECT create_kpi_views('no_such_schema', 'hardening_kpi2')$$),
('create_kpi_views views exist',               '42P07', $$SELECT create_kpi_views('hardening_mart', 'hardening_kpi')$$),
('create_kpi_views into pg_catalog',           '42939', $$SELECT create_kpi_views('hardening_mart', 'pg_catalog')$$),
('comment_kpi_view NULLs',                     '22004', $$SELECT comment_kpi_view(NULL, NULL, NULL)$$),
('comment_kpi_view no such view',              '42P01', $$SELECT comment_kpi_view('hardening_kpi', 'no_such_view', 'x')$$),
('create_kpi_views min_cell -1',               '22023', $$SELECT create_kpi_views('hardening_mart', 'hardening_kpi2', -1)$$),
('create_kpi_views min_cell int min',          '22023', $$SELECT create_kpi_views('hardening_mart', 'hardening_kpi2', -2147483648)$$),
('create_kpi_views min_cell NULL',             '22004', $$SELECT create_kpi_views('hardening_mart', 'hardening_kpi2', NULL)$$),
('kpi_base_rows NULL',                         '22004', $$SELECT count(*) FROM kpi_base_rows(NULL)$$),
('kpi_base_rows no mart (only builds SQL)',    'ok',    $$SELECT count(*) FROM kpi_base_rows('no_such_schema')$$),
-- definitions (1.4): the catalog's own checks refuse bad definitions
('define_indicator NULL code',                 '23502', $$SELECT define_indicator(NULL, 'person', true, 'unit', 'r', 'e', 's', 'n', 'd', 'true', 'SELECT 1')$$),
('define_indicator bad unit',                  '23514', $$SELECT define_indicator('zz_x', 'pupil', true, 'unit', 'r', 'e', 's', 'n', 'd', 'true', 'SELECT 1')$$),
('define_indicator bad counting',              '23514', $$SELECT define_indicator('zz_x', 'person', true, 'sum', 'r', 'e', 's', 'n', 'd', 'true', 'SELECT 1')$$),
('define_indicator NULL base_sql',             '23502', $$SELECT define_indicator('zz_x', 'person', true, 'unit', 'r', 'e', 's', 'n', 'd', 'true', NULL)$$),
('define_fragment bad name',                   '23514', $$SELECT define_fragment('x', 'one letter', 'true')$$),
('define_fragment a placeholder''s name',      '23514', $$SELECT define_fragment('monday', 'the week''s Monday is a placeholder', 'true')$$),
('define_fragment NULL sql',                   '23502', $$SELECT define_fragment('zz_fragment', 'd', NULL)$$),
('definitions_fingerprint',                    'ok',    $$SELECT length(definitions_fingerprint())$$),
('build_kpi_views NULL',                       '22004', $$SELECT build_kpi_views(NULL, NULL, NULL, NULL)$$),
('build_kpi_views in place',                   'ok',    $$SELECT build_kpi_views('hardening_mart', 'hardening_kpi', 5, true)$$),
('build_kpi_views in place, other columns',    '42P16', $$SELECT build_kpi_views('hardening_mart', 'hardening_views', 5, true)$$),
('build_shard_views NULL',                     '22004', $$SELECT count(*) FROM build_shard_views(NULL, NULL, true)$$),
('build_national NULL',                        '22004', $$SELECT build_national(NULL, true)$$),
('rebuild_views empty name',                   '22023', $$SELECT count(*) FROM rebuild_views('')$$),
('rebuild_views no view set',                  '42P01', $$SELECT count(*) FROM rebuild_views('no_such_schema')$$),
('rebuild_views KPI views',                    'ok',    $$SELECT string_agg(status, ',') FROM rebuild_views('hardening_kpi')$$),
('rebuild_views mixed-case shard schema',      'ok',    $$SELECT string_agg(status, ',') FROM rebuild_views('Hardening_Mixed_Shard')$$),
('check_views',                                'ok',    $$SELECT count(*) FILTER (WHERE NOT up_to_date) FROM check_views()$$),
('report_stale_views',                         'ok',    $$SELECT report_stale_views()$$),
-- the weekly KPI store (1.4)
('expand_base_rows NULL mart',                 '22004', $$SELECT count(*) FROM expand_base_rows(NULL, NULL::jsonb)$$),
('expand_base_rows week relations',            'ok',    $$SELECT count(*) FROM expand_base_rows('hardening_mart', '{"week_members": "pg_temp.no_such_table"}')$$),
('expand_base_rows relations not an object',   '22023', $$SELECT count(*) FROM expand_base_rows('hardening_mart', '["week_members"]')$$),
('expand_fragments NULL mart',                 '22004', $$SELECT expand_fragments(NULL, '{{in_registry:S}}')$$),
('expand_fragments nested',                    'ok',    $$SELECT regexp_replace(expand_fragments('hardening_mart', '{{week_members:S}}'), '[{][{](monday|sunday):S[}][}]', '', 'g') !~ '[{][{]'$$),
('expand_fragments unknown fragment',          '42704', $$SELECT expand_fragments('hardening_mart', 'SELECT 1 FROM {{no_such_fragment:S}}')$$),
('expand_fragments fragment as a literal',     '22023', $$SELECT expand_fragments('hardening_mart', 'SELECT {{in_registry:L}}')$$),
('expand_fragments the mart as SQL',           '22023', $$SELECT expand_fragments('hardening_mart', 'SELECT 1 FROM {{mart:S}}.x')$$),
('expand_fragments malformed placeholder',     '22023', $$SELECT expand_fragments('hardening_mart', 'SELECT {{in_registry}}')$$),
('expand_fragments relation of no fragment',   '22023', $$SELECT expand_fragments('hardening_mart', '{{week_members:S}}', '{"no_such": "t"}')$$),
('expand_fragments NULL relation',             '22023', $$SELECT expand_fragments('hardening_mart', '{{week_members:S}}', '{"week_members": null}')$$),
('expand_fragments schema with @ and quotes',  'ok',    $$SELECT expand_fragments('a@b"c', 'SELECT 1 FROM {{mart:I}}.x') = 'SELECT 1 FROM "a@b""c".x'$$),
('build_store NULL',                           '22004', $$SELECT build_store(NULL, NULL)$$),
('build_store existing store',                 'ok',    $$SELECT build_store('hardening_kpi', 'hardening_mart')$$),
('store_partition NULL',                       '22004', $$SELECT store_partition('hardening_kpi', NULL)$$),
('store_partition year 0',                     '22008', $$SELECT store_partition('hardening_kpi', 0)$$),
('store_partition int max',                    '22008', $$SELECT store_partition('hardening_kpi', 2147483647)$$),
('store_partition a new year',                 'ok',    $$SELECT store_partition('hardening_kpi', 2030)$$),
('refresh_week NULL',                          '22004', $$SELECT refresh_week('hardening_kpi', NULL)$$),
('refresh_week no store',                      '42P01', $$SELECT refresh_week('hardening_views', '2025-01-06')$$),
('refresh_week infinity (no such week)',       'ok',    $$SELECT refresh_week('hardening_kpi', 'infinity')$$),
('refresh_week last date of the calendar',     'ok',    $$SELECT refresh_week('hardening_kpi', '5874897-12-31')$$),
('store_week NULL schema',                     '22004', $$SELECT store_week(NULL, '2025-01-06')$$),
('history_from NULLs',                         '22004', $$SELECT history_from(NULL, NULL, NULL)$$),
('history_from no such relation',              '42P01', $$SELECT history_from('hardening_kpi', 'no_such_view', '2025-01-06')$$),
('refresh_targets NULL',                       '22004', $$SELECT refresh_targets(NULL)$$),
('refresh_targets no store',                   '42P01', $$SELECT refresh_targets('no_such_schema')$$),
('refresh_targets',                            'ok',    $$SELECT refresh_targets('hardening_kpi') >= 0$$),
('refresh_targets NULL modulus',               '22004', $$SELECT refresh_targets('hardening_kpi', false, NULL, 0)$$),
('refresh_targets modulus 0',                  '22023', $$SELECT refresh_targets('hardening_kpi', false, 0, 0)$$),
('refresh_targets remainder = modulus',        '22023', $$SELECT refresh_targets('hardening_kpi', false, 2, 2)$$),
('refresh_targets negative remainder',         '22023', $$SELECT refresh_targets('hardening_kpi', false, 2, -1)$$),
('refresh_targets half of the weeks',          'ok',    $$SELECT refresh_targets('hardening_kpi', true, 2, 1) >= 0$$),
('touches_baselines NULLs',                    'ok',    $$SELECT touches_baselines(NULL, NULL)$$),
('touches_baselines 2024/2025 (baseline year)', 'ok',   $$SELECT touches_baselines('2025-03-03', '2025-03-09')$$),
('touches_baselines 2025/2026 only',           'ok',    $$SELECT touches_baselines('2025-11-17', '2025-11-23')$$),
('touches_baselines infinite',                 '22008',    $$SELECT touches_baselines('-infinity', 'infinity')$$),
('refresh_recent NULL weeks',                  '22004', $$SELECT count(*) FROM refresh_recent('hardening_kpi', NULL)$$),
('refresh_recent 0 weeks',                     '22023', $$SELECT count(*) FROM refresh_recent('hardening_kpi', 0)$$),
('refresh_recent int max weeks',               '22023', $$SELECT count(*) FROM refresh_recent('hardening_kpi', 2147483647)$$),
('refresh_recent no views',                    '42P01', $$SELECT count(*) FROM refresh_recent('no_such_schema')$$),
('refresh_recent empty mart',                  'ok',    $$SELECT count(*) FROM refresh_recent('hardening_kpi')$$),
('refresh_weeks NULL',                         '22004', $$CALL refresh_weeks(NULL, NULL, NULL)$$),
('refresh_weeks reversed range',               '22023', $$CALL refresh_weeks('hardening_kpi', '2025-02-01', '2025-01-01')$$),
('refresh_weeks infinite',                     '22023', $$CALL refresh_weeks('hardening_kpi', '2025-01-01', 'infinity')$$),
('refresh_weeks no views',                     '42P01', $$CALL refresh_weeks('no_such_schema', '2025-01-01', '2025-01-31')$$),
-- forecast, forecast_weeks, forecast_t90, build_forecast_views (a bad setting is rolled back with its case)
('forecast NULL schema',                       '22004', $$SELECT count(*) FROM forecast(NULL)$$),
('forecast empty schema name',                 '22023', $$SELECT count(*) FROM forecast('')$$),
('forecast no views',                          '42P01', $$SELECT count(*) FROM forecast('no_such_schema')$$),
('forecast infinity',                          '22008', $$SELECT count(*) FROM forecast('hardening_kpi', 'infinity')$$),
('forecast -infinity',                         '22008', $$SELECT count(*) FROM forecast('hardening_kpi', '-infinity')$$),
('forecast first date',                        'ok',    $$SELECT count(*) FROM forecast('hardening_kpi', '4714-11-24 BC')$$),
('forecast last date',                         'ok',    $$SELECT count(*) FROM forecast('hardening_kpi', '5874897-12-31')$$),
('forecast latest weeks, empty store',         'ok',    $$SELECT count(*) FROM forecast('hardening_kpi')$$),
('forecast mixed-case views schema',           'ok',    $$SELECT count(*) FROM forecast('Hardening_Views', '2025-01-06')$$),
('forecast_weeks 0',                           '22023', $$SELECT forecast_weeks() FROM (SELECT set_config('sferum_kpi.forecast_weeks', '0', true)) s$$),
('forecast_weeks negative',                    '22023', $$SELECT forecast_weeks() FROM (SELECT set_config('sferum_kpi.forecast_weeks', '-8', true)) s$$),
('forecast_weeks beyond int',                  '22023', $$SELECT forecast_weeks() FROM (SELECT set_config('sferum_kpi.forecast_weeks', '99999999999999999999', true)) s$$),
('forecast_weeks 1e1',                         '22023', $$SELECT forecast_weeks() FROM (SELECT set_config('sferum_kpi.forecast_weeks', '1e1', true)) s$$),
('forecast_weeks unset',                       'ok',    $$SELECT forecast_weeks()$$),
('forecast_t90 NULL',                          'ok',    $$SELECT forecast_t90(NULL)$$),
('forecast_t90 0',                             'ok',    $$SELECT forecast_t90(0)$$),
('forecast_t90 int min',                       'ok',    $$SELECT forecast_t90(-2147483648)$$),
('forecast_t90 int max',                       'ok',    $$SELECT forecast_t90(2147483647)$$),
('build_forecast_views NULL',                  '22004', $$SELECT build_forecast_views(NULL, NULL, NULL, NULL)$$),
('build_forecast_views negative min_cell',     '22023', $$SELECT build_forecast_views('hardening_mart', 'hardening_kpi', -1, true)$$),
('build_forecast_views no store',              '42P01', $$SELECT build_forecast_views('hardening_mart', 'no_such_schema', 5, true)$$),
('build_forecast_views views exist',           '42P07', $$SELECT build_forecast_views('hardening_mart', 'hardening_kpi', 5, false)$$),
('build_forecast_views replace',               'ok',    $$SELECT build_forecast_views('hardening_mart', 'hardening_kpi', 5, true)$$),
-- data_quality and not_started (1.4)
('data_quality NULL day',                      '22004', $$SELECT count(*) FROM data_quality('hardening_kpi', NULL, '2025-01-31')$$),
('data_quality reversed range',                '22023', $$SELECT count(*) FROM data_quality('hardening_kpi', '2025-02-01', '2025-01-01')$$),
('data_quality no store',                      '42P01', $$SELECT count(*) FROM data_quality('hardening_views', '2025-01-01', '2025-01-31')$$),
('data_quality whole calendar',                'ok',    $$SELECT count(*) FROM data_quality('hardening_kpi', '-infinity', 'infinity')$$),
('data_quality first and last dates',          'ok',    $$SELECT count(*) FROM data_quality('hardening_kpi', '4714-11-24 BC', '5874897-12-31')$$),
('data_quality mixed-case views schema',       'ok',    $$SELECT count(*) FROM data_quality('Hardening_Views', '2025-01-01', '2025-01-31')$$),
('quality_setting not set',                    'ok',    $$SELECT quality_setting('sferum_kpi.no_such_setting', 4, 1, 520)$$),
('quality_setting not a number',               '22023', $$SELECT set_config('sferum_kpi.quality_weeks', 'x', true), quality_setting('sferum_kpi.quality_weeks', 4, 1, 520)$$),
('quality_setting 12 digits',                  '22023', $$SELECT set_config('sferum_kpi.quality_weeks', '999999999999', true), quality_setting('sferum_kpi.quality_weeks', 4, 1, 520)$$),
('has_unique_key primary key',                 'ok',    $$SELECT has_unique_key('hardening_mart.activity_daily', '{day,platform,person_id}')$$),
('has_unique_key NULLs',                       'ok',    $$SELECT has_unique_key(NULL, NULL)$$),
('iso_day infinity',                           'ok',    $$SELECT iso_day('infinity')$$),
('quality_sql no mart (only builds SQL)',      'ok',    $$SELECT length(quality_sql('no_such_schema', 'no_such_views', 'NULL::date', NULL)) > 0$$),
('build_quality_views NULL',                   '22004', $$SELECT build_quality_views(NULL, NULL, NULL, NULL)$$),
('build_quality_views no store',               '42P01', $$SELECT build_quality_views('hardening_mart', 'no_such_schema', 5, false)$$),
('build_quality_views in place',               'ok',    $$SELECT build_quality_views('hardening_mart', 'hardening_kpi', 5, true)$$),
-- create_shard_views, create_national, attach_shard
('create_shard_views NULL',                    '22004', $$SELECT count(*) FROM create_shard_views(NULL)$$),
('create_shard_views no mart',                 '42P01', $$SELECT count(*) FROM create_shard_views('no_such_schema', 'hardening_shard2')$$),
('create_shard_views bad region code',         '22023', $$SELECT count(*) FROM create_shard_views('hardening_badregion', 'hardening_shard2')$$),
('create_shard_views empty schema name',       '22023', $$SELECT count(*) FROM create_shard_views('hardening_mart', '')$$),
('create_shard_views run again',               'ok',    $$SELECT count(*) FROM create_shard_views('hardening_mart', 'hardening_shard')$$),
-- mixed-case and dotted schema names are looked up exactly (fixed in 1.3)
('create_shard_views run again, mixed case',   'ok', $$SELECT count(*) FROM create_shard_views('Hardening_Mixed', 'Hardening_Mixed_Shard')$$),
('create_shard_views schema named a.b',        'ok', $$SELECT count(*) FROM create_shard_views('hardening_mart', 'a.b')$$),
('create_national NULL',                       '22004', $$SELECT create_national(NULL)$$),
('create_national existing',                   '42P07', $$SELECT create_national('hardening_national')$$),
('create_national empty name',                 '22023', $$SELECT create_national('')$$),
('attach_shard NULL server',                   '22004', $$SELECT count(*) FROM attach_shard(NULL)$$),
('attach_shard NULL organisations',            '22004', $$SELECT count(*) FROM attach_shard('hardening_down', 'hardening_national', NULL, NULL)$$),
('attach_shard organisations, live coordinator','22023', $$SELECT count(*) FROM attach_shard('hardening_down', 'hardening_national', NULL, true)$$),
('attach_shard no coordinator',                '42P01', $$SELECT count(*) FROM attach_shard('hardening_down', 'no_such_schema')$$),
('attach_shard no such server',                '42704', $$SELECT count(*) FROM attach_shard('no_such_server', 'hardening_national')$$),
('attach_shard file_fdw server',               '55000', $$SELECT count(*) FROM attach_shard('hardening_file', 'hardening_national')$$),
('attach_shard sferum_kpi not shippable',      '55000', $$SELECT count(*) FROM attach_shard('hardening_noext', 'hardening_national')$$),
('attach_shard server unreachable',            '08001', $$SELECT count(*) FROM attach_shard('hardening_down', 'hardening_national')$$),
('attach_live_shard NULL',                     '22004', $$SELECT count(*) FROM attach_live_shard(NULL, NULL, NULL)$$),
-- the national store (1.5)
('create_national_store NULL',                 '22004', $$SELECT create_national_store(NULL)$$),
('create_national_store NULL min_cell',        '22004', $$SELECT create_national_store('hardening_store2', NULL)$$),
('create_national_store negative min_cell',    '22023', $$SELECT create_national_store('hardening_store2', -1)$$),
('create_national_store pg_ schema',           '42939', $$SELECT create_national_store('pg_hardening')$$),
('create_national_store live coordinator',     '42P07', $$SELECT create_national_store('hardening_national')$$),
('create_national_store',                      'ok',    $$SELECT create_national_store('hardening_store')$$),
('create_national_store again',                '42P07', $$SELECT create_national_store('hardening_store')$$),
('create_national over a national store',      '42P07', $$SELECT create_national('hardening_store')$$),
('attach_shard store, no such server',         '42704', $$SELECT count(*) FROM attach_shard('no_such_server', 'hardening_store')$$),
('attach_shard store, file_fdw server',        '55000', $$SELECT count(*) FROM attach_shard('hardening_file', 'hardening_store')$$),
('attach_shard store, server unreachable',     '08001', $$SELECT count(*) FROM attach_shard('hardening_down', 'hardening_store', 'kpi', true)$$),
('attach_store_shard NULL',                    '22004', $$SELECT count(*) FROM attach_store_shard(NULL, NULL, NULL, NULL)$$),
('national_fdw_tables NULL',                   '22004', $$SELECT national_fdw_tables(NULL, NULL, NULL)$$),
('refresh_national NULL',                      '22004', $$CALL refresh_national(NULL)$$),
('refresh_national no store',                  '42P01', $$CALL refresh_national('no_such_schema')$$),
('refresh_national live coordinator',          '42P01', $$CALL refresh_national('hardening_national')$$),
('pull_region_week NULL',                      '22004', $$SELECT pull_region_week(NULL, NULL, NULL, NULL, NULL)$$),
('national_totals NULL',                       '22004', $$SELECT national_totals(NULL, NULL)$$),
('national_totals no store',                   '42P01', $$SELECT national_totals('no_such_schema', '2025-01-06')$$),
('national_totals week without regions',       'ok',    $$SELECT national_totals('hardening_store', '2025-01-06')$$),
('detach_region NULL',                         '22004', $$SELECT detach_region(NULL)$$),
('detach_region no store',                     '42P01', $$SELECT detach_region('65', 'no_such_schema')$$),
('detach_region not attached',                 '42704', $$SELECT detach_region('65', 'hardening_store')$$),
('national_dashboard NULL',                    '22004', $$SELECT national_dashboard(NULL)$$),
('national_dashboard no store',                '42P01', $$SELECT national_dashboard('no_such_schema')$$),
('national_dashboard empty store',             'ok',    $$SELECT national_dashboard('hardening_store')$$),
('build_national_views NULL',                  '22004', $$SELECT build_national_views(NULL, NULL, NULL)$$),
('build_national_views in place',              'ok',    $$SELECT build_national_views('hardening_store', 5, true)$$),
('build_national_forecast_views NULL',         '22004', $$SELECT build_national_forecast_views(NULL, NULL, NULL)$$),
('rebuild_views national store',               'ok',    $$SELECT status FROM rebuild_views('hardening_store')$$),
('grant_reader national store',                'ok',    $$SELECT grant_reader('regress_hardening', 'hardening_store') > 0$$),
('... whose dashboard answers',                'ok',    $$SELECT count(*) FROM hardening_store.dashboard$$),
-- grant_reader, grant_loader
('grant_reader NULL role',                     '22004', $$SELECT grant_reader(NULL, 'hardening_kpi')$$),
('grant_reader NULL schema',                   '22004', $$SELECT grant_reader('regress_hardening', NULL)$$),
('grant_reader no such role',                  '42704', $$SELECT grant_reader('regress_no_such_role', 'hardening_kpi')$$),
('grant_reader no such schema',                '3F000', $$SELECT grant_reader('regress_hardening', 'no_such_schema')$$),
('grant_reader PUBLIC',                        '42704', $$SELECT grant_reader('public', 'hardening_kpi')$$),
('kpi_base_rows schema with @ (a name, 1.5)',   'ok',    $$SELECT count(*) FROM kpi_base_rows('a@m.b')$$),
-- names with the old placeholders' characters and render()'s braces: names, never templates (1.5)
('create_kpi_views schema v:W{{x:S}}@m.$R',    'ok',    $$SELECT create_kpi_views('hardening_mart', 'v:W{{x:S}}@m.$R')$$),
('... whose dashboard answers',                'ok',    $$SELECT count(*) FROM "v:W{{x:S}}@m.$R".dashboard$$),
('create_shard_views schema s$R{{m:I}}',       'ok',    $$SELECT count(*) FROM create_shard_views('hardening_mart', 's$R{{m:I}}')$$),
('... whose schema exists',                    'ok',    $$SELECT to_regnamespace('"s$R{{m:I}}"') IS NOT NULL$$),
('grant_reader KPI views',                     'ok',    $$SELECT grant_reader('regress_hardening', 'hardening_kpi') > 0$$),
('grant_reader mixed-case views schema',       'ok', $$SELECT grant_reader('regress_hardening', 'Hardening_Views') > 0$$),
('grant_loader NULL role',                     '22004', $$SELECT grant_loader(NULL, 'hardening_mart')$$),
('grant_loader no such role',                  '42704', $$SELECT grant_loader('regress_no_such_role', 'hardening_mart')$$),
('grant_loader no mart',                       '42P01', $$SELECT grant_loader('regress_hardening', 'hardening_kpi')$$),
-- require_role, grant_relations: what both grants share (1.5)
('require_role a role',                        'ok',    $$SELECT require_role('regress_hardening')$$),
('require_role no such role',                  '42704', $$SELECT require_role('regress_no_such_role')$$),
('grant_relations no such role',               '42704', $$SELECT grant_relations('regress_no_such_role', 'hardening_kpi', '{v}', 'SELECT')$$),
('grant_relations views but live_*',           'ok',    $$SELECT grant_relations('regress_hardening', 'hardening_kpi', '{v,m}', 'SELECT', 'live\_%') > 0$$),
('grant_loader mart',                          'ok',    $$SELECT grant_loader('regress_hardening', 'hardening_mart') > 0$$),
('grant_loader mixed-case mart',               'ok', $$SELECT grant_loader('regress_hardening', 'Hardening_Mixed') > 0$$),
-- snapshot_week, backfill
('snapshot_week NULL week',                    '22004', $$SELECT snapshot_week('hardening_kpi', NULL)$$),
('snapshot_week NULL schema',                  '22004', $$SELECT snapshot_week(NULL, '2025-01-06')$$),
('snapshot_week no views',                     '42P01', $$SELECT snapshot_week('no_such_schema', '2025-01-06')$$),
('snapshot_week infinity',                     'ok',    $$SELECT snapshot_week('hardening_kpi', 'infinity')$$),
('snapshot_week -infinity',                    'ok',    $$SELECT snapshot_week('hardening_kpi', '-infinity')$$),
('snapshot_week first date',                   'ok',    $$SELECT snapshot_week('hardening_kpi', '4714-11-24 BC')$$),
('snapshot_week last date',                    'ok',    $$SELECT snapshot_week('hardening_kpi', '5874897-12-31')$$),
('backfill NULL dates',                        '22023', $$SELECT count(*) FROM backfill('pg_temp', NULL, NULL)$$),
('backfill reversed range',                    '22023', $$SELECT count(*) FROM backfill('pg_temp', '2025-02-01', '2025-01-01')$$),
('backfill NULL schema',                       '22004', $$SELECT count(*) FROM backfill(NULL, '2025-01-01', '2025-01-01')$$),
('backfill no views',                          '42P01', $$SELECT count(*) FROM backfill('no_such_schema', '2025-01-01', '2025-01-01')$$),
('backfill five weeks',                        'ok',    $$SELECT count(*) FROM backfill('pg_temp', '2025-01-01', '2025-01-31')$$),
('backfill first weeks of the calendar',       'ok',    $$SELECT count(*) FROM backfill('pg_temp', '4714-11-24 BC', '4714-12-10 BC')$$),
('backfill real views, one week',              'ok',    $$SELECT count(*) FROM backfill('hardening_kpi', '2025-01-06', '2025-01-12')$$),
-- infinite dates are refused (1.2 looped for ever: week_start keeps infinities);
-- the last weeks of the calendar work (1.2 overflowed computing the next Monday)
('backfill from -infinity',                    '22008', $$SELECT count(*) FROM backfill('pg_temp', '-infinity', '2025-01-01')$$),
('backfill infinity to infinity',              '22008', $$SELECT count(*) FROM backfill('pg_temp', 'infinity', 'infinity')$$),
('backfill to infinity',                       '22008', $$SELECT count(*) FROM backfill('pg_temp', '2025-01-01', 'infinity')$$),
('backfill last weeks of the calendar',        'ok',    $$SELECT count(*) FROM backfill('pg_temp', '5874897-12-15', '5874897-12-31')$$),
-- report_html and its parts (the mart has no region: the page itself stops at the region check)
('report_html NULL schema',                    '22004', $$SELECT length(report_html(NULL, 'zz'))$$),
('report_html NULL region',                    '22004', $$SELECT length(report_html('hardening_kpi', NULL))$$),
('report_html no store',                       '42P01', $$SELECT length(report_html('no_such_schema', 'zz'))$$),
('report_html a mart, not a views schema',     '42P01', $$SELECT length(report_html('hardening_mart', 'zz'))$$),
('report_html region not in the mart',         '22023', $$SELECT length(report_html('hardening_kpi', 'zz', '2025-01-06'))$$),
('report_html mixed-case views schema',        '22023', $$SELECT length(report_html('Hardening_Views', 'zz'))$$),
-- the sections read a context (report_html builds it): views schema, mart, region, week, main indicators, forecast and data-quality rows
('report_headline empty store',                'ok',    $$SELECT left(report_headline('{"views": "hardening_kpi", "mart": "hardening_mart", "region": "zz", "week": "2025-01-06", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}'), 40)$$),
('report_headline mixed-case views schema',    'ok',    $$SELECT left(report_headline('{"views": "Hardening_Views", "mart": "hardening_mart", "region": "zz", "week": "2025-01-06", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}'), 40)$$),
('report_headline no views',                   '42P01', $$SELECT report_headline('{"views": "no_such_schema", "mart": "hardening_mart", "region": "zz", "week": "2025-01-06", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}')$$),
('report_dashboard empty store',               'ok',    $$SELECT left(report_dashboard('{"views": "hardening_kpi", "mart": "hardening_mart", "region": "zz", "week": "2025-01-06", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}'), 40)$$),
('report_dashboard mixed-case views schema',   'ok',    $$SELECT left(report_dashboard('{"views": "Hardening_Views", "mart": "hardening_mart", "region": "zz", "week": "2025-01-06", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}'), 40)$$),
-- NOTE: at the calendar's ends the page's date arithmetic (the 8 weeks before, the
-- school year's weeks, the month ticks) is out of range; no stored week is there
('report_dashboard first date',                '22008', $$SELECT left(report_dashboard('{"views": "hardening_kpi", "mart": "hardening_mart", "region": "zz", "week": "4714-11-24 BC", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}'), 40)$$),
('report_dashboard no mart',                   '22023', $$SELECT report_dashboard('{"views": "hardening_kpi", "region": "zz"}')$$),
('report_charts empty store',                  'ok',    $$SELECT left(report_charts('{"views": "hardening_kpi", "mart": "hardening_mart", "region": "zz", "week": "2025-01-06", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}'), 40)$$),
('report_charts last date',                    '22008', $$SELECT left(report_charts('{"views": "hardening_kpi", "mart": "hardening_mart", "region": "zz", "week": "5874897-12-29", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}'), 40)$$),
('report_charts forecast not an array',        '22023', $$SELECT report_charts(jsonb_set('{"views": "hardening_kpi", "mart": "hardening_mart", "region": "zz", "week": "2025-01-06", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}', '{forecast}', '{}'))$$),
('report_municipalities empty store',          'ok',    $$SELECT report_municipalities('{"views": "hardening_kpi", "mart": "hardening_mart", "region": "zz", "week": "2025-01-06", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}')$$),
('report_municipalities no views',             '42P01', $$SELECT report_municipalities('{"views": "no_such_schema", "mart": "hardening_mart", "region": "zz", "week": "2025-01-06", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}')$$),
('report_stage_results empty store',           'ok',    $$SELECT left(report_stage_results('{"views": "hardening_kpi", "mart": "hardening_mart", "region": "zz", "week": "2025-01-06", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}'), 40)$$),
('report_stage_results no views',              'ok',    $$SELECT left(report_stage_results('{"views": "no_such_schema", "mart": "hardening_mart", "region": "zz", "week": "2025-01-06", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}'), 60)$$),
('report_stage_results NULL cap',              '22004', $$SELECT report_stage_results('{"views": "hardening_kpi", "mart": "hardening_mart", "region": "zz", "week": "2025-01-06", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}', NULL)$$),
('report_stage_results negative cap',          '22023', $$SELECT report_stage_results('{"views": "hardening_kpi", "mart": "hardening_mart", "region": "zz", "week": "2025-01-06", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}', -1)$$),
('report_actions empty store',                 'ok',    $$SELECT report_actions('{"views": "hardening_kpi", "mart": "hardening_mart", "region": "zz", "week": "2025-01-06", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}')$$),
('report_actions no views',                    'ok',    $$SELECT left(report_actions('{"views": "no_such_schema", "mart": "hardening_mart", "region": "zz", "week": "2025-01-06", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}'), 60)$$),
('report_actions negative cap',                '22023', $$SELECT report_actions('{"views": "hardening_kpi", "mart": "hardening_mart", "region": "zz", "week": "2025-01-06", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}', -1)$$),
('report_data_quality no rows',                'ok',    $$SELECT report_data_quality('{"views": "hardening_kpi", "mart": "hardening_mart", "region": "zz", "week": "2025-01-06", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}')$$),
('report_data_quality no view',                'ok',    $$SELECT left(report_data_quality('{"views": "no_such_schema"}'), 60)$$),
('report_data_quality a finding',              'ok',    $$SELECT length(report_data_quality('{"views": "hardening_kpi", "data_quality": [{"check": "c", "severity": "error", "object": "<&>", "count": 9223372036854775807}]}')) > 0$$),
('report_data_quality count not a number',     '22P02', $$SELECT report_data_quality('{"views": "hardening_kpi", "data_quality": [{"check": "c", "count": "many"}]}')$$),
('report_methodology empty store',             'ok',    $$SELECT length(report_methodology('{"views": "hardening_kpi", "mart": "hardening_mart", "region": "zz", "week": "2025-01-06", "min_cell": 5, "monitored": "vk", "main": [], "forecast": null, "data_quality": []}')) > 0$$),
('report_methodology no min_cell',             'ok',    $$SELECT length(report_methodology('{"views": "hardening_kpi", "region": "zz", "week": "2025-01-06"}')) > 0$$),
('report_chart_svg no weeks',                  'ok',    $$SELECT report_chart_svg(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)$$),
('report_chart_svg unequal arrays',            '2202E', $$SELECT report_chart_svg('{2025-01-06}', '{}', '{}', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'x', 'y')$$),
('report_chart_svg unequal holidays',          '2202E', $$SELECT report_chart_svg('{2025-01-06}', '{0.5}', '{0.5}', '{a,b}', NULL, NULL, NULL, NULL, NULL, NULL, 'x', 'y')$$),
('report_chart_svg values out of range',       'ok',    $$SELECT length(report_chart_svg('{2025-01-06,2025-01-13}', '{2,-1}', '{NaN,Infinity}', '{"<h>",NULL}', '2025-03-03', 1e300, -1e300, 'NaN', 'Infinity', 'NaN', '<x>', '<y>')) > 0$$),
('report_chart_svg infinite deadline',         '22008', $$SELECT report_chart_svg('{2025-01-06}', '{0.5}', '{0.75}', NULL, 'infinity', 0.6, 0.5, 0.7, 0.75, 0.4, 'x', 'y')$$),
('report_chart_svg weeks of the last year',    '22008', $$SELECT length(report_chart_svg('{5874897-12-15,5874897-12-22}', '{0.1,0.2}', '{0.3,0.3}', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'x', 'y')) > 0$$),
('report_chart_frame NULL weeks',              'ok',    $$SELECT report_chart_frame(NULL, NULL, '2025-01-06', '2025-03-03')$$),
('report_chart_frame same day',                'ok',    $$SELECT report_chart_frame('{2025-01-06}', '{x}', '2025-01-06', '2025-01-06')$$),
('report_small_multiple NULL',                 'ok',    $$SELECT report_small_multiple(NULL, NULL, NULL, NULL, NULL)$$),
('report_small_multiple out of range',         'ok',    $$SELECT length(report_small_multiple('{NaN,2,-1,NULL}', '{true,NULL}', 'Infinity', '<x>', NULL)) > 0$$),
('report_status_css unknown code',             'ok',    $$SELECT report_status_css('nonsense')$$),
('report_status_css NULL',                     'ok',    $$SELECT report_status_css(NULL)$$),
('report_status_label unknown code',           'ok',    $$SELECT report_status_label('nonsense')$$),
('report_status_label NULL',                   'ok',    $$SELECT report_status_label(NULL)$$),
('report_badge markup',                        'ok',    $$SELECT report_badge('met', '<b>')$$),
('report_badge NULL',                          'ok',    $$SELECT report_badge(NULL)$$),
('report_legend',                              'ok',    $$SELECT length(report_legend()) > 0$$),
('report_csv_num NaN',                         'ok',    $$SELECT report_csv_num('NaN') || '|' || report_csv_num(-0.05) || '|' || report_csv_num(1e300)$$),
('report_csv_num NULL digits',                 'ok',    $$SELECT report_csv_num(1.5, NULL) IS NULL$$),
('report_csv_row quotes',                      'ok',    $$SELECT report_csv_row('a;b', 'c"d', NULL, E'e\nf')$$),
('report_csv_row NULL',                        'ok',    $$SELECT report_csv_row(NULL) IS NULL$$),
('report_csv_row NULL array',                  'ok',    $$SELECT report_csv_row(VARIADIC NULL::text[]) IS NULL$$),
('report_csv_link empty',                      'ok',    $$SELECT report_csv_link('<x>.csv', '{a}', NULL, NULL)$$),
('report_csv_link NULL header',                'ok',    $$SELECT length(report_csv_link('x.csv', NULL, 'b', 1)) > 0$$),
('report_title from titles',                   'ok',    $$SELECT report_title('{"x": "<Заголовок>"}', 'x')$$),
('report_title NULL titles',                   'ok',    $$SELECT report_title(NULL, 'active_orgs') IS NOT NULL$$),
('report_title unknown',                       'ok',    $$SELECT report_title('{}', 'nonsense')$$),
('report_indicator_ru unknown',                'ok',    $$SELECT report_indicator_ru('nonsense')::text$$),
('report_indicator_ru NULL',                   'ok',    $$SELECT report_indicator_ru(NULL)::text$$),
('report_unit_plural',                         'ok',    $$SELECT report_unit_plural('chat', 21) || report_unit_plural(NULL, NULL) IS NULL$$),
('report_css_string quotes',                   'ok',    $$SELECT report_css_string(E'a"b\\c</style>\n')$$),
('report_css NULL header',                     'ok',    $$SELECT report_css(NULL) IS NULL$$),
('report_rows unknown relation',               '22023', $$SELECT report_rows('hardening_kpi', 'store', 'zz', '2025-01-06')$$),
('report_rows forecast',                       'ok',    $$SELECT report_rows('hardening_kpi', 'forecast', 'zz', '2025-01-06')::text$$),
('report_rows not_started',                    'ok',    $$SELECT report_rows('hardening_kpi', 'not_started', 'zz', '2025-01-06')::text$$),
('report_rows action_list',                    'ok',    $$SELECT report_rows('hardening_kpi', 'action_list', 'zz', '2025-01-06')::text$$),
('report_rows data_quality',                   'ok',    $$SELECT jsonb_array_length(report_rows('hardening_kpi', 'data_quality', 'zz', '2025-01-06'))$$),
('report_rows no views',                       'ok',    $$SELECT report_rows('no_such_schema', 'action_list', 'zz', '2025-01-06') IS NULL$$),
('report_sparkline NULL',                      'ok',    $$SELECT report_sparkline(NULL)$$),
('report_sparkline NaN and a value',           'ok',    $$SELECT length(report_sparkline('{NaN,0.5,NULL}')) > 0$$),
('report_sparkline only NaN',                  'ok',    $$SELECT report_sparkline('{NaN,NULL}') ~ 'нет данных'$$),
('report_points',                              'ok',    $$SELECT report_points('{0,NULL,0.5,NaN,1,2}', 2, 50, 58, 56, 0, 1) = '2.0,58.0 22.0,30.0 42.0,2.0 52.0,2.0'$$),
('report_points NULL and empty',               'ok',    $$SELECT report_points(NULL, 2, 50, 58, 56, 0, 1) = '' AND report_points('{}', 2, 50, 58, 56, 0, 1) = ''$$),
('report_points one week',                     'ok',    $$SELECT report_points('{0.25}', 2, 76, 20, 16, 0, 1) = '2.0,16.0'$$),
('report_last_point',                          'ok',    $$SELECT report_last_point('2,58 22,30') = 'cx="22" cy="30"'$$),
('report_escape markup',                       'ok',    $$SELECT report_escape('<a href="x">&''</a>')$$),
('report_escape NULL',                         'ok',    $$SELECT report_escape(NULL)$$),
('report_pct Infinity',                        'ok',    $$SELECT report_pct('Infinity')$$),
('report_pct huge',                            'ok',    $$SELECT report_pct(1e300)$$),
('report_pct -NaN',                            'ok',    $$SELECT report_pct('NaN')$$),
('report_pp -Infinity',                        'ok',    $$SELECT report_pp('-Infinity')$$),
('report_pp tiny',                             'ok',    $$SELECT report_pp(-0.00049)$$),
('report_int bigint min',                      'ok',    $$SELECT report_int(-9223372036854775808)$$),
('report_plural bigint min',                   'ok',    $$SELECT report_plural(-9223372036854775808, 'a', 'b', 'c')$$),
('report_plural NULL',                         'ok',    $$SELECT report_plural(NULL, 'a', 'b', 'c')$$),
('report_missing NULL',                        'ok',    $$SELECT report_missing(NULL, NULL)$$),
('report_has_forecast NULL',                   'ok',    $$SELECT report_has_forecast(NULL)$$),
('report_main_indicators NULL',                'ok',    $$SELECT cardinality(report_main_indicators(NULL, NULL))$$);

--------------------------------------------------------------------------------
-- Run them
--------------------------------------------------------------------------------
CREATE FUNCTION pg_temp.run_cases() RETURNS TABLE (id integer, label text, expected text, got text, detail text)
LANGUAGE plpgsql AS $$
DECLARE
    c record;
    r text;
BEGIN
    FOR c IN SELECT * FROM cases ORDER BY cases.id LOOP
        id := c.id;
        label := c.label;
        expected := c.expected;
        PERFORM set_config('hardening.ticks', '0', false);
        BEGIN
            EXECUTE c.sql INTO r;
            got := 'ok';
            detail := coalesce(r, 'NULL');
        EXCEPTION WHEN OTHERS THEN
            got := SQLSTATE;
            detail := SQLERRM;
        END;
        detail := regexp_replace(detail, '[[:cntrl:]]', '?', 'g');
        detail := CASE WHEN length(detail) > 60 THEN left(detail, 57) || '...' ELSE detail END;
        RETURN NEXT;
    END LOOP;
END $$;
SET client_min_messages = warning;   -- create_kpi_views and backfill talk
CREATE TEMP TABLE results AS SELECT * FROM pg_temp.run_cases();
RESET client_min_messages;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT label, expected, got, detail FROM results ORDER BY id;
SELECT count(*) AS cases, count(*) FILTER (WHERE got <> expected) AS unexpected FROM results;

-- Every function of the extension appears in at least one case (by name),
-- except type I/O, aggregate support, operator and index support and triggers.
SELECT p.oid::regprocedure AS uncovered
FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'sferum_kpi')
  AND p.prorettype <> 'trigger'::regtype
  AND p.proname !~ '_(in|out|recv|send|accum|combine|serialize|deserialize|trans|final)$'
  AND p.proname !~ '^kpi_ratio_(eq|ne|lt|le|gt|ge|cmp|hash.*)$'
  AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.sql ~ ('\m' || p.proname || '\s*\('))
ORDER BY 1::text;

-- The registry of the view builders (view_builder): every row names a function
-- of the extension, and build_kpi_views() can call every step as its row says.
SELECT b.name AS unknown_builder FROM view_builder b
WHERE NOT EXISTS (SELECT 1 FROM pg_proc p WHERE p.pronamespace = 'sferum_kpi'::regnamespace AND p.proname = b.name);
SELECT b.name AS step_taking_other_arguments FROM view_builder b
WHERE b.step IS NOT NULL
  AND to_regprocedure('sferum_kpi.' || b.name || CASE b.takes WHEN 'views' THEN '(name)' ELSE '(name, name, integer, boolean)' END) IS NULL;

-- clean up
DELETE FROM indicator_history WHERE region_code = 'zz';
SET client_min_messages = warning;
DROP SCHEMA hardening, hardening_kpi, "Hardening_Views", hardening_views, hardening_mart, "Hardening_Mixed",
            hardening_badregion, hardening_shard, "Hardening_Mixed_Shard", hardening_national, hardening_store,
            "v:W{{x:S}}@m.$R", "s$R{{m:I}}" CASCADE;
DROP EXTENSION file_fdw, postgres_fdw CASCADE;
DROP OWNED BY regress_hardening;
DROP ROLE regress_hardening;
RESET client_min_messages;

-- The server survived every case: same postmaster, never crash-restarted,
-- and this is still the backend that started the file.
SELECT s.started = pg_postmaster_start_time() AS same_postmaster,
       s.stats_reset IS NOT DISTINCT FROM (SELECT stats_reset FROM pg_stat_bgwriter) AS no_crash_restart,
       s.pid = pg_backend_pid() AS same_backend
FROM hardening_start s;
