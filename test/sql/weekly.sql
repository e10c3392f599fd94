-- Roster-form weekly-activity aggregates: one row per member of the population
SET search_path = public, sferum_kpi;

-- the issue's example: 10 and 25 reach 10, 9 and NULL (did nothing) do not
SELECT weekly_active_share(m, 10), weekly_active_ratio(m, 10), weekly_active_share(m), weekly_active_ratio(m)
FROM (VALUES (10), (9), (NULL), (25)) v(m);
-- 100 % exactly vs one person short
SELECT weekly_active_ratio(m, 10), weekly_active_share(m, 10) = 1 AS everyone
FROM (VALUES (10), (11), (12)) v(m);
SELECT weekly_active_ratio(m, 10), weekly_active_share(m, 10) = 1 AS everyone
FROM (VALUES (10), (11), (9)) v(m);
-- empty groups and all-NULL groups
SELECT weekly_active_share(m), weekly_active_ratio(m, 3) FROM (VALUES (1)) v(m) WHERE false;
SELECT weekly_active_share(m), weekly_active_ratio(m, 3) FROM (VALUES (NULL::bigint), (NULL)) v(m);
-- per group
SELECT g, weekly_active_ratio(m, 2) FROM (VALUES (1, 0), (1, 2), (2, 5), (2, NULL), (2, 1), (3, NULL)) v(g, m)
GROUP BY g ORDER BY g;
-- huge counts are fine
SELECT weekly_active_ratio(m, 2147483647) FROM (VALUES (9223372036854775807), (2147483646)) v(m);

-- errors
SELECT weekly_active_share(m, 0) FROM (VALUES (1)) v(m);
SELECT weekly_active_share(m, -5) FROM (VALUES (1)) v(m);
SELECT weekly_active_share(m, NULL) FROM (VALUES (1)) v(m);
SELECT weekly_active_share(m, t) FROM (VALUES (1, 10), (2, 10), (3, 5)) v(m, t);
SELECT weekly_active_share(m) FROM (VALUES (1), (-1)) v(m);

-- the state type and its functions
SELECT '3/4@10'::weekly_state, ' 0 / 0 @ 0 '::weekly_state;
SELECT 'x'::weekly_state;
SELECT '5/4@10'::weekly_state;
SELECT '1/4@0'::weekly_state;
SELECT '1/4@-1'::weekly_state;
SELECT '1/4@2147483648'::weekly_state;
SELECT '1/99999999999999999999@2'::weekly_state;
-- combine: the four NULL cases, merging, and thresholds that disagree
SELECT weekly_state_combine(NULL, NULL) AS null_null, weekly_state_combine('1/2@3', NULL) AS x_null,
       weekly_state_combine(NULL, '1/2@3') AS null_x, weekly_state_combine('1/2@3', '2/5@3') AS x_y,
       weekly_state_combine('0/0@0', '2/5@3') AS empty_x, weekly_state_combine('2/5@3', '0/0@0') AS x_empty;
SELECT weekly_state_combine('1/2@3', '2/5@4');
SELECT weekly_state_combine('1/9223372036854775807@3', '1/1@3');
SELECT weekly_state_share('0/0@0'), weekly_state_share('1/4@2'), weekly_state_ratio('0/0@0'), weekly_state_ratio('1/4@2'),
       weekly_state_accum('1/4@1', 5), weekly_state_accum('1/4@3', NULL, 3);
-- binary round trip of states, and crafted binary states
CREATE FUNCTION pg_temp.copy_file(direction text, target text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY %s %s %L WITH (FORMAT binary)', target, direction,
                   current_setting('data_directory') || '/sferum_kpi_regress.bin');
END $$;
CREATE TEMP TABLE states (s weekly_state);
INSERT INTO states VALUES ('0/0@0'), ('3/4@10');
SELECT pg_temp.copy_file('TO', 'states');
TRUNCATE states;
SELECT pg_temp.copy_file('FROM', 'states');
SELECT s FROM states;
CREATE FUNCTION pg_temp.recv_crafted(bytes bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_temp.copy_file('TO', format('(SELECT %L::bytea)', bytes));
    TRUNCATE states;
    PERFORM pg_temp.copy_file('FROM', 'states');
    RETURN (SELECT s::text FROM states);
EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT label, pg_temp.recv_crafted(bytes) FROM (VALUES
  ('valid 3/4@10',      '\x000000000000000300000000000000040000000a'::bytea),
  ('active > members',  '\x000000000000000500000000000000040000000a'::bytea),
  ('8 bytes',           '\x0000000000000001'::bytea),
  ('21 bytes',          '\x000000000000000100000000000000040000000000'::bytea),
  ('empty',             '\x'::bytea),
  ('negative members',  '\x0000000000000000ffffffffffffffff00000001'::bytea),
  ('negative min',      '\x00000000000000010000000000000004ffffffff'::bytea),
  ('rows but no min',   '\x0000000000000000000000000000000400000000'::bytea)) t(label, bytes);

-- serial and parallel plans agree (Partial/Finalize Aggregate with workers)
CREATE TABLE roster AS
SELECT g % 50 AS org, CASE WHEN g % 7 = 0 THEN NULL ELSE (g * 7919) % 23 END::bigint AS messages
FROM generate_series(1, 60000) g;
ANALYZE roster;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_result AS
SELECT org, weekly_active_ratio(messages, 10) AS r, weekly_active_share(messages, 10) AS s, weekly_active_ratio(messages) AS r1
FROM roster GROUP BY org;
\i test/fixtures/parallel_on.sql
EXPLAIN (COSTS OFF)
SELECT org, weekly_active_ratio(messages, 10) FROM roster GROUP BY org;
EXPLAIN (COSTS OFF)
SELECT weekly_active_share(messages, 10) FROM roster;
CREATE TEMP TABLE parallel_result AS
SELECT org, weekly_active_ratio(messages, 10) AS r, weekly_active_share(messages, 10) AS s, weekly_active_ratio(messages) AS r1
FROM roster GROUP BY org;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE p.r::text = s.r::text AND p.s = s.s AND p.r1::text = s.r1::text) AS identical
FROM serial_result s JOIN parallel_result p USING (org);
SELECT weekly_active_ratio(messages, 10), weekly_active_share(messages, 10) FROM roster;
-- an error raised inside a worker reaches the client (terse: which row a worker
-- meets first is not deterministic, so the detail is not either)
\set VERBOSITY terse
SELECT weekly_active_share(messages, CASE WHEN messages = 22 THEN 5 ELSE 10 END) FROM roster;
\set VERBOSITY default
RESET ALL;
SET search_path = public, sferum_kpi;
SET search_path = public, sferum_kpi;
SELECT weekly_active_ratio(messages, 10), weekly_active_share(messages, 10) FROM roster;
DROP TABLE roster;
