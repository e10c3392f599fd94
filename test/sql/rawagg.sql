-- Raw-row weekly-activity aggregates (1.1): several rows per person, summed per person.
SET search_path = public, sferum_kpi;
SET work_mem = '4MB';   -- the plans shown below depend on it

--------------------------------------------------------------------------------
-- Semantics on small inputs
--------------------------------------------------------------------------------
-- person 1 writes 5 + 5 (reaches 10), person 2 writes 9, person 3 nothing
-- (NULL), a row without a person is ignored: 1 active of 3 persons seen
SELECT weekly_active_ratio(p, m, 10, NULL), weekly_active_share(p, m, 10, NULL),
       weekly_active_ratio(p, m, 10, 8) AS roster_of_8, weekly_active_share(p, m, 10, 8) AS share_of_8
FROM (VALUES (1, 5), (2, 9), (1, 5), (3, NULL), (NULL, 100)) v(p, m);
-- the threshold is inclusive; one message short is not active
SELECT weekly_active_ratio(p, m, 3, NULL) FROM (VALUES (1, 1), (1, 2), (2, 2), (2, 0)) v(p, m);
-- ids are ordinary keys: the bigint limits, 0 and negatives
SELECT weekly_active_ratio(p, m, 2, NULL)
FROM (VALUES (-9223372036854775808, 1), (9223372036854775807, 2), (0, 1), (-1, 1), (-9223372036854775808, 1),
             (0, 1), (9223372036854775806, 1), (-9223372036854775807, 5)) v(p, m);
-- huge messages saturate, they do not overflow
SELECT weekly_active_ratio(p, m, 2147483647, NULL)
FROM (VALUES (1, 9223372036854775807), (1, 9223372036854775807), (2, 2147483646), (2, 1), (3, 2147483646)) v(p, m);
-- counter widths: 1 byte up to 255, 2 bytes up to 65535, 4 bytes above
SELECT t, weekly_active_ratio(p, m, t, NULL)
FROM (VALUES (255), (256), (65535), (65536)) thresholds(t),
     LATERAL (VALUES (1, t - 1), (1, 1), (2, t - 1), (3, t), (3, t)) v(p, m)
GROUP BY t ORDER BY t;
-- no rows, only rows without a person, a zero population: unknown (NULL)
SELECT weekly_active_ratio(p, m, 1, NULL), weekly_active_share(p, m, 1, NULL)
FROM (VALUES (1::bigint, 1::bigint)) v(p, m) WHERE false;
SELECT weekly_active_ratio(p, m, 1, NULL), weekly_active_share(p, m, 1, 5)
FROM (VALUES (NULL::bigint, 1::bigint), (NULL, 2)) v(p, m);
SELECT weekly_active_ratio(p, m, 1, 0), weekly_active_share(p, m, 1, 0)
FROM (VALUES (1, 0), (2, NULL)) v(p, m);
-- a population with nobody active is 0 of it; persons with 0 messages only count
-- in the denominator when there is no population
SELECT weekly_active_ratio(p, m, 1, 40), weekly_active_ratio(p, m, 1, NULL)
FROM (VALUES (1, 0), (2, NULL), (2, 0)) v(p, m);
-- exactly the whole population
SELECT weekly_active_ratio(p, m, 1, 2), weekly_active_share(p, m, 1, 2) = 1 AS everyone
FROM (VALUES (1, 1), (2, 1), (2, 1)) v(p, m);
-- per group, and the share is exactly numerator / denominator
SELECT g, weekly_active_ratio(p, m, 2, NULL), weekly_active_share(p, m, 2, NULL)
FROM (VALUES (1, 10, 1), (1, 10, 1), (1, 11, 1), (2, 10, 5), (2, 12, 0), (3, NULL, 7)) v(g, p, m)
GROUP BY g ORDER BY g;
-- a window aggregate calls the final function again after more rows
SELECT d, weekly_active_ratio(p, m, 2, NULL) OVER (ORDER BY d)
FROM (VALUES (1, 1, 1), (2, 2, 1), (3, 1, 1), (4, 2, 5)) v(d, p, m) ORDER BY d;

--------------------------------------------------------------------------------
-- Errors
--------------------------------------------------------------------------------
SELECT weekly_active_share(p, m, NULL, NULL) FROM (VALUES (1, 1)) v(p, m);
SELECT weekly_active_share(p, m, 0, NULL) FROM (VALUES (1, 1)) v(p, m);
SELECT weekly_active_share(p, m, t, NULL) FROM (VALUES (1, 1, 10), (2, 1, 10), (3, 1, 5)) v(p, m, t);
SELECT weekly_active_share(p, m, 1, n) FROM (VALUES (1, 1, 100), (2, 1, 100), (3, 1, 101)) v(p, m, n);
SELECT weekly_active_share(p, m, 1, n) FROM (VALUES (1, 1, 100), (2, 1, NULL)) v(p, m, n);
SELECT weekly_active_share(p, m, 1, n) FROM (VALUES (1, 1, NULL), (2, 1, 100)) v(p, m, n);
SELECT weekly_active_share(p, m, 1, -1) FROM (VALUES (1, 1)) v(p, m);
SELECT weekly_active_share(p, m, 1, NULL) FROM (VALUES (1, 1), (2, -3)) v(p, m);
-- more persons active than the population: the error names both figures
SELECT weekly_active_ratio(p, m, 2, 2) FROM (VALUES (1, 2), (2, 2), (3, 1), (3, 1), (4, 1)) v(p, m);
-- a row without a person is ignored entirely, its parameters too
SELECT weekly_active_ratio(p, m, t, 5) FROM (VALUES (1, 2, 2), (NULL, 2, 99)) v(p, m, t);

--------------------------------------------------------------------------------
-- The support functions take internal
--------------------------------------------------------------------------------
-- Not even with NULLs: nothing in SQL has type internal, so SQL cannot call the
-- transition, combine, serialize, deserialize or final functions at all.
SELECT weekly_raw_combine(NULL::internal, NULL::internal);
SELECT weekly_raw_deserialize('\x00', NULL::internal);

--------------------------------------------------------------------------------
-- Serialized states: crafted bytes, combine's four NULL cases
--------------------------------------------------------------------------------
-- The format and the library's self-test entry point (raw_state): the fixture.
\i test/fixtures/raw_format.sql
CREATE FUNCTION pg_temp.int_at(b bytea, pos bigint, len integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$$ SELECT ('x' || lpad(encode(substr(b, pos::integer, len), 'hex'), 16, '0'))::bit(64)::bigint $$;
CREATE FUNCTION pg_temp.describe(b bytea) RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT format('min_messages=%s population=%s persons=%s active=%s bytes=%s', m,
              CASE WHEN get_byte(b, 5) = 1 THEN 'NULL' ELSE pg_temp.int_at(b, 7, 8)::text END, n,
              (SELECT count(*) FROM generate_series(0, n - 1) i
               WHERE pg_temp.int_at(b, 23 + i * (8 + w) + 8, w) = m), length(b))
FROM (SELECT pg_temp.int_at(b, 2, 4) AS m, pg_temp.int_at(b, 15, 8) AS n,
             CASE WHEN pg_temp.int_at(b, 2, 4) <= 255 THEN 1 WHEN pg_temp.int_at(b, 2, 4) <= 65535 THEN 2 ELSE 4 END AS w) h
$$;
SELECT encode(pg_temp.state(10, NULL, '{7}', '{3}'), 'hex') AS one_person_state,
       pg_temp.describe(pg_temp.state(10, NULL, '{7}', '{3}'));

CREATE TEMP TABLE st (name text PRIMARY KEY, bytes bytea);
INSERT INTO st VALUES
  ('a',     pg_temp.state(10, NULL, '{1,2,3}', '{10,3,0}')),
  ('b',     pg_temp.state(10, NULL, '{2,4,-9223372036854775808,9223372036854775807}', '{8,10,9,10}')),
  ('empty', pg_temp.state(10, NULL, '{}', '{}')),
  ('pop',   pg_temp.state(10, 50, '{1,5}', '{10,10}')),
  ('pop51', pg_temp.state(10, 51, '{6}', '{10}')),
  ('min5',  pg_temp.state(5, NULL, '{1}', '{5}')),
  ('w2',    pg_temp.state(300, NULL, '{1,2,3}', '{300,299,1}')),
  ('w2b',   pg_temp.state(300, NULL, '{2,3}', '{1,299}')),
  ('w4',    pg_temp.state(100000, NULL, '{1,2}', '{100000,99999}')),
  ('w4b',   pg_temp.state(100000, NULL, '{2,3}', '{1,5}'));

-- combine: NULL/NULL, x/NULL, NULL/x, x/y.  "expected" is the merge worked out by
-- hand, serialized here; the combined state must be exactly those bytes, whichever
-- form the left state is in.
SELECT pg_temp.raw_state(NULL, NULL) IS NULL AS null_null, pg_temp.raw_state(NULL, NULL, true) IS NULL AS null_null_table;
SELECT l, r, pg_temp.describe(pg_temp.raw_state(a.bytes, b.bytes)) AS combined,
       pg_temp.raw_state(a.bytes, b.bytes) = e.bytes AS as_expected,
       pg_temp.raw_state(a.bytes, b.bytes, true) = e.bytes AS as_expected_from_table
FROM (VALUES ('a', NULL, pg_temp.state(10, NULL, '{1,2,3}', '{10,3,0}')),
             (NULL, 'a', pg_temp.state(10, NULL, '{1,2,3}', '{10,3,0}')),
             ('a', 'b', pg_temp.state(10, NULL, '{1,2,3,4,-9223372036854775808,9223372036854775807}', '{10,10,0,10,9,10}')),
             ('b', 'a', pg_temp.state(10, NULL, '{1,2,3,4,-9223372036854775808,9223372036854775807}', '{10,10,0,10,9,10}')),
             ('a', 'a', pg_temp.state(10, NULL, '{1,2,3}', '{10,6,0}')),
             ('a', 'empty', pg_temp.state(10, NULL, '{1,2,3}', '{10,3,0}')),
             ('empty', 'a', pg_temp.state(10, NULL, '{1,2,3}', '{10,3,0}')),
             ('empty', NULL, pg_temp.state(10, NULL, '{}', '{}')),
             ('w2', 'w2b', pg_temp.state(300, NULL, '{1,2,3}', '{300,300,300}')),
             ('w4', 'w4b', pg_temp.state(100000, NULL, '{1,2,3}', '{100000,100000,5}')),
             ('pop', 'pop', pg_temp.state(10, 50, '{1,5}', '{10,10}'))) v(l, r, bytes_expected)
     LEFT JOIN st a ON a.name = v.l LEFT JOIN st b ON b.name = v.r
     CROSS JOIN LATERAL (SELECT v.bytes_expected AS bytes) e
ORDER BY l NULLS FIRST, r NULLS FIRST;
-- states of different parameters do not combine
SELECT pg_temp.raw_state((SELECT bytes FROM st WHERE name = 'a'), (SELECT bytes FROM st WHERE name = 'min5'));
SELECT pg_temp.raw_state((SELECT bytes FROM st WHERE name = 'a'), (SELECT bytes FROM st WHERE name = 'min5'), true);
SELECT pg_temp.raw_state((SELECT bytes FROM st WHERE name = 'pop'), (SELECT bytes FROM st WHERE name = 'pop51'));
SELECT pg_temp.raw_state((SELECT bytes FROM st WHERE name = 'pop'), (SELECT bytes FROM st WHERE name = 'a'));

-- crafted bytes: each must fail with 22P03 and a message, never crash
CREATE FUNCTION pg_temp.try(bytes bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN pg_temp.describe(pg_temp.raw_state(bytes, NULL));
EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT label, pg_temp.try(bytes) FROM (VALUES
  ('valid',               pg_temp.state(10, NULL, '{1,2}', '{10,4}')),
  ('empty',               '\x'::bytea),
  ('header cut short',    substr(pg_temp.state(10, NULL, '{}', '{}'), 1, 21)),
  ('format 2',            '\x02'::bytea || substr(pg_temp.state(10, NULL, '{}', '{}'), 2)),
  ('min_messages 0',      pg_temp.state(0, NULL, '{}', '{}')),
  ('min_messages -7',     pg_temp.state(-7, NULL, '{}', '{}')),
  ('population flag 2',   overlay(pg_temp.state(10, NULL, '{}', '{}') placing '\x02' from 6)),
  ('population -1',       pg_temp.state(10, -1, '{}', '{}')),
  ('NULL population 5',   overlay(pg_temp.state(10, 5, '{}', '{}') placing '\x01' from 6)),
  ('n -1',                substr(pg_temp.state(10, NULL, '{}', '{}'), 1, 14) || int8send(-1)),
  ('n huge, no records',  substr(pg_temp.state(10, NULL, '{}', '{}'), 1, 14) || int8send(9223372036854775807)),
  ('n 2, one record',     substr(pg_temp.state(10, NULL, '{1}', '{1}'), 1, 14) || int8send(2)
                          || substr(pg_temp.state(10, NULL, '{1}', '{1}'), 23)),
  ('trailing byte',       pg_temp.state(10, NULL, '{1}', '{1}') || '\x00'::bytea),
  ('record cut short',    substr(pg_temp.state(10, NULL, '{1,2}', '{1,1}'), 1, 39)),
  ('count above min',     pg_temp.state(10, NULL, '{1}', '{11}')),
  ('count above min, w2', pg_temp.state(300, NULL, '{1}', '{301}')),
  ('count above min, w4', pg_temp.state(100000, NULL, '{1}', '{2000000000}')),
  ('person twice',        pg_temp.state(10, NULL, '{5,5}', '{1,2}')),
  ('out of order',        pg_temp.state(10, NULL, '{1,2,3}', '{1,1,1}', true))) t(label, bytes);

--------------------------------------------------------------------------------
-- Differential: the aggregates against plain SQL, serial and parallel
--------------------------------------------------------------------------------
-- 3000 small groups with repeated persons, NULL persons and messages, ids near the
-- bigint limits and negative; one group of about 100 000 persons; one group with
-- only NULL persons; one tiny group whose rows sit in the last block.  A
-- population per group, at least its persons, for the roster form.
SELECT setseed(0.1101);
CREATE TABLE raw_rows (grp integer, person bigint, messages bigint);
INSERT INTO raw_rows
SELECT (random() * 2999)::integer,
       CASE WHEN r < 0.02 THEN NULL
            WHEN r < 0.05 THEN 9223372036854775807 - (random() * 4)::bigint
            WHEN r < 0.08 THEN -9223372036854775808 + (random() * 4)::bigint
            WHEN r < 0.30 THEN -(random() * 40)::bigint
            ELSE (random() * 40)::bigint END,
       CASE WHEN random() < 0.1 THEN NULL
            WHEN random() < 0.02 THEN (random() * 200000)::bigint
            ELSE floor(random() * random() * 8)::bigint END
FROM (SELECT random() AS r FROM generate_series(1, 150000)) s;
INSERT INTO raw_rows
SELECT 5000, (random() * 120000)::bigint * 76543 - 4000000000,
       CASE WHEN random() < 0.1 THEN NULL ELSE floor(random() * 6)::bigint END
FROM generate_series(1, 240000);
INSERT INTO raw_rows SELECT 6000, NULL, g FROM generate_series(1, 5) g;
INSERT INTO raw_rows VALUES (7000, 1, 1), (7000, 2, 0), (7000, 1, NULL);
CREATE TABLE raw_pop AS
SELECT grp, count(DISTINCT person) + grp % 7 AS pop FROM raw_rows GROUP BY grp;
ALTER TABLE raw_rows ADD COLUMN pop bigint;
UPDATE raw_rows r SET pop = p.pop FROM raw_pop p WHERE p.grp = r.grp;
VACUUM ANALYZE raw_rows;

-- every figure against its oracle; a group missing on one side is a mismatch
CREATE TEMP VIEW raw_check (checked, groups, mismatches) AS
    WITH ours AS (
        SELECT grp,
               weekly_active_ratio(person, messages, 1, NULL) AS r1, weekly_active_share(person, messages, 1, NULL) AS s1,
               weekly_active_ratio(person, messages, 5, NULL) AS r5, weekly_active_share(person, messages, 5, pop) AS s5p,
               weekly_active_ratio(person, messages, 5, pop) AS r5p,
               weekly_active_ratio(person, messages, 300, NULL) AS r300, weekly_active_ratio(person, messages, 70000, pop) AS r70k
        FROM raw_rows GROUP BY grp),
    per_person AS (
        SELECT grp, person, sum(coalesce(messages, 0)) AS s
        FROM raw_rows WHERE person IS NOT NULL GROUP BY grp, person),
    oracle AS (
        SELECT p.grp, p.pop, count(pp.person) AS n,
               count(*) FILTER (WHERE pp.s >= 1) AS a1, count(*) FILTER (WHERE pp.s >= 5) AS a5,
               count(*) FILTER (WHERE pp.s >= 300) AS a300, count(*) FILTER (WHERE pp.s >= 70000) AS a70k
        FROM raw_pop p LEFT JOIN per_person pp USING (grp) GROUP BY p.grp, p.pop),
    j AS (SELECT * FROM ours FULL JOIN oracle USING (grp))
    SELECT 'ratio(p, m, 1, NULL)', count(*),
           count(*) FILTER (WHERE r1::text IS DISTINCT FROM CASE WHEN n > 0 THEN a1 || '/' || n END) FROM j
    UNION ALL
    SELECT 'share(p, m, 1, NULL)', count(*),
           count(*) FILTER (WHERE s1 IS DISTINCT FROM CASE WHEN n > 0 THEN a1::float8 / n END) FROM j
    UNION ALL
    SELECT 'ratio(p, m, 5, NULL)', count(*),
           count(*) FILTER (WHERE r5::text IS DISTINCT FROM CASE WHEN n > 0 THEN a5 || '/' || n END) FROM j
    UNION ALL
    SELECT 'ratio(p, m, 5, pop)', count(*),
           count(*) FILTER (WHERE r5p::text IS DISTINCT FROM CASE WHEN n > 0 AND pop > 0 THEN a5 || '/' || pop END) FROM j
    UNION ALL
    SELECT 'share(p, m, 5, pop)', count(*),
           count(*) FILTER (WHERE s5p IS DISTINCT FROM CASE WHEN n > 0 AND pop > 0 THEN a5::float8 / pop END) FROM j
    UNION ALL
    SELECT 'ratio(p, m, 300, NULL)', count(*),
           count(*) FILTER (WHERE r300::text IS DISTINCT FROM CASE WHEN n > 0 THEN a300 || '/' || n END) FROM j
    UNION ALL
    SELECT 'ratio(p, m, 70000, pop)', count(*),
           count(*) FILTER (WHERE r70k::text IS DISTINCT FROM CASE WHEN n > 0 AND pop > 0 THEN a70k || '/' || pop END) FROM j
    UNION ALL
    SELECT 'whole table', 1,
           (SELECT count(*) FROM (
               SELECT (SELECT weekly_active_ratio(person, messages, 3, NULL)::text FROM raw_rows) AS ours,
                      (SELECT count(*) FILTER (WHERE s >= 3) || '/' || count(*)
                       FROM (SELECT sum(coalesce(messages, 0)) AS s FROM raw_rows
                             WHERE person IS NOT NULL GROUP BY person) t) AS oracle) w
            WHERE ours IS DISTINCT FROM oracle);
-- the groups the check covers: sizes and what they contain
SELECT count(*) AS groups, max(n) AS largest, min(n) AS smallest,
       count(*) FILTER (WHERE n = 0) AS only_null_persons, sum(a5) AS active_at_5
FROM (SELECT grp, count(person) AS n, count(*) FILTER (WHERE s >= 5 AND person IS NOT NULL) AS a5
      FROM (SELECT grp, person, sum(coalesce(messages, 0)) AS s FROM raw_rows GROUP BY grp, person) pp
      GROUP BY grp) g;
SELECT count(*) FILTER (WHERE person IN (9223372036854775807, -9223372036854775808)) AS rows_at_the_limits,
       count(*) FILTER (WHERE person < 0) AS rows_negative_ids, count(*) FILTER (WHERE person IS NULL) AS rows_null_person,
       count(*) FILTER (WHERE messages IS NULL) AS rows_null_messages,
       count(*) - count(DISTINCT (grp, person)) AS repeated_person_rows
FROM raw_rows;

\i test/fixtures/partial_aggs.sql

SET max_parallel_workers_per_gather = 0;
SELECT pg_temp.partial_aggs('SELECT * FROM raw_check') AS partial_aggs_serial;
SELECT * FROM raw_check;
CREATE TEMP TABLE serial_result AS
SELECT grp, weekly_active_ratio(person, messages, 5, NULL)::text AS r, weekly_active_share(person, messages, 5, pop) AS s
FROM raw_rows GROUP BY grp;

\i test/fixtures/parallel_on.sql
EXPLAIN (COSTS OFF)
SELECT grp, weekly_active_ratio(person, messages, 5, pop) FROM raw_rows GROUP BY grp;
EXPLAIN (COSTS OFF)
SELECT weekly_active_ratio(person, messages, 3, NULL) FROM raw_rows;
SELECT pg_temp.partial_aggs('SELECT * FROM raw_check') >= 2 AS check_runs_in_parallel;
SELECT * FROM raw_check;
-- hash aggregation instead of sorting, in parallel
SET enable_sort = off;
SELECT pg_temp.partial_aggs('SELECT * FROM raw_check') >= 2 AS check_runs_in_parallel;
SELECT * FROM raw_check;
RESET enable_sort;
-- serial and parallel plans give identical results
SELECT count(*) AS groups, count(*) FILTER (WHERE p.r IS NOT DISTINCT FROM s.r AND p.s IS NOT DISTINCT FROM s.s) AS identical
FROM serial_result s
     FULL JOIN (SELECT grp, weekly_active_ratio(person, messages, 5, NULL)::text AS r,
                       weekly_active_share(person, messages, 5, pop) AS s
                FROM raw_rows GROUP BY grp) p USING (grp);
-- a group's rows in one block: one worker sends a NULL state (either order)
SELECT weekly_active_ratio(person, messages, 1, NULL) FROM raw_rows WHERE grp = 7000;
SELECT weekly_active_ratio(person, messages, 1, NULL) FROM raw_rows WHERE grp = 6000;
-- errors raised in workers reach the client (terse: which row a worker meets
-- first is not deterministic, so neither is the detail)
\set VERBOSITY terse
SELECT weekly_active_ratio(person, messages, CASE WHEN grp = 5000 AND messages = 5 THEN 4 ELSE 5 END, NULL)
FROM raw_rows WHERE grp = 5000;
SELECT grp, weekly_active_ratio(person, messages, 1, 10) FROM raw_rows WHERE grp = 5000 GROUP BY grp;
\set VERBOSITY default
SELECT count(*) AS oracle_active_at_1 FROM (SELECT person FROM raw_rows WHERE grp = 5000 AND person IS NOT NULL
                                           GROUP BY person HAVING sum(coalesce(messages, 0)) >= 1) t;
RESET ALL;
SET search_path = public, sferum_kpi;

--------------------------------------------------------------------------------
-- States as values (1.4): weekly_active_state, merge_active_states
--------------------------------------------------------------------------------
-- weekly_active_state returns the serialized state, exactly the bytes built
-- independently above: person 1 writes 5 + 5, person 2 writes 9, person 3 NULL
SELECT weekly_active_state(p, m, 10, NULL) = pg_temp.state(10, NULL, '{1,2,3}', '{10,9,0}') AS state_as_built,
       pg_temp.describe(weekly_active_state(p, m, 10, NULL))
FROM (VALUES (1, 5), (1, 5), (2, 9), (3, NULL), (NULL, 4)) v(p, m);
-- a group of no persons has no state; merging only NULLs, or nothing, is unknown
SELECT weekly_active_state(p, m, 10, NULL) IS NULL AS no_state FROM (VALUES (NULL::bigint, 4::bigint)) v(p, m);
SELECT merge_active_states(s) IS NULL AS unknown FROM (VALUES (NULL::bytea), (NULL)) v(s);
SELECT merge_active_states(s) IS NULL AS unknown FROM (VALUES ('\x'::bytea)) v(s) WHERE false;
-- the union of two groups counts a person once, their messages summed: person 2
-- reaches 10 with 9 + 1; NULL states are ignored
SELECT merge_active_states(s)::text AS union_of_a_and_b
FROM (VALUES (pg_temp.state(10, NULL, '{1,2,3}', '{10,9,0}')), (NULL), (pg_temp.state(10, NULL, '{2,4}', '{1,0}'))) v(s);
-- with a population the denominator is the population
SELECT merge_active_states(s)::text AS of_population
FROM (VALUES (pg_temp.state(10, 50, '{1,5}', '{10,10}')), (pg_temp.state(10, 50, '{5,6}', '{10,3}'))) v(s);
-- states of different parameters do not merge
SELECT merge_active_states(s) FROM (VALUES (pg_temp.state(10, NULL, '{1}', '{10}')), (pg_temp.state(5, NULL, '{1}', '{5}'))) v(s);
SELECT merge_active_states(s) FROM (VALUES (pg_temp.state(10, 50, '{1}', '{10}')), (pg_temp.state(10, 51, '{1}', '{10}'))) v(s);
SELECT merge_active_states(s) FROM (VALUES (pg_temp.state(10, 50, '{1}', '{10}')), (pg_temp.state(10, NULL, '{1}', '{10}'))) v(s);
-- crafted bytes: 22P03 from the first state or a later one, never a crash
CREATE FUNCTION pg_temp.try_merge(bytes bytea, first boolean) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT merge_active_states(s)::text
            FROM (VALUES (1, CASE WHEN first THEN bytes ELSE pg_temp.state(10, NULL, '{1}', '{10}') END),
                         (2, CASE WHEN first THEN pg_temp.state(10, NULL, '{1}', '{10}') ELSE bytes END)) v(i, s));
EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT label, pg_temp.try_merge(bytes, true) AS as_first, pg_temp.try_merge(bytes, false) AS as_second FROM (VALUES
  ('valid',            pg_temp.state(10, NULL, '{1,2}', '{10,4}')),
  ('empty',            '\x'::bytea),
  ('format 2',         '\x02'::bytea || substr(pg_temp.state(10, NULL, '{}', '{}'), 2)),
  ('n 2, one record',  substr(pg_temp.state(10, NULL, '{1}', '{1}'), 1, 14) || int8send(2)
                       || substr(pg_temp.state(10, NULL, '{1}', '{1}'), 23)),
  ('trailing byte',    pg_temp.state(10, NULL, '{1}', '{1}') || '\x00'::bytea),
  ('count above min',  pg_temp.state(10, NULL, '{1}', '{11}')),
  ('person twice',     pg_temp.state(10, NULL, '{5,5}', '{1,2}')),
  ('out of order',     pg_temp.state(10, NULL, '{1,2,3}', '{1,1,1}', true))) t(label, bytes);

-- Differential: the states of small groups merged into larger ones equal the
-- raw-row aggregate over the larger groups' rows.  raw_rows' groups roll up into
-- 37 larger ones (grp % 37, and all of them), which share persons (ids repeat
-- across groups), at thresholds 1, 5, 300 and 70 000 (1-, 2- and 4-byte counters).
CREATE TEMP TABLE raw_states AS
SELECT grp, grp % 37 AS big, weekly_active_state(person, messages, 1, NULL) AS s1,
       weekly_active_state(person, messages, 5, NULL) AS s5, weekly_active_state(person, messages, 300, NULL) AS s300,
       weekly_active_state(person, messages, 70000, NULL) AS s70k
FROM raw_rows GROUP BY grp;
CREATE TEMP VIEW rollup_check (level, groups, mismatches) AS
    WITH merged AS (
        SELECT coalesce(big, -1) AS k, merge_active_states(s1)::text AS r1, merge_active_states(s5)::text AS r5,
               merge_active_states(s300)::text AS r300, merge_active_states(s70k)::text AS r70k
        FROM raw_states GROUP BY GROUPING SETS ((big), ())),
    raw AS (
        SELECT coalesce(grp % 37, -1) AS k, weekly_active_ratio(person, messages, 1, NULL)::text AS r1,
               weekly_active_ratio(person, messages, 5, NULL)::text AS r5,
               weekly_active_ratio(person, messages, 300, NULL)::text AS r300,
               weekly_active_ratio(person, messages, 70000, NULL)::text AS r70k
        FROM raw_rows GROUP BY GROUPING SETS ((grp % 37), ()))
    SELECT CASE WHEN k = -1 THEN 'all' ELSE 'grp % 37' END, count(*),
           count(*) FILTER (WHERE (m.r1, m.r5, m.r300, m.r70k) IS DISTINCT FROM (r.r1, r.r5, r.r300, r.r70k))
    FROM merged m FULL JOIN raw r USING (k)
    GROUP BY 1 ORDER BY 1;
SELECT * FROM rollup_check;
-- persons in more than one group of a larger one: what the merge must count once
SELECT count(*) AS persons_in_several_groups
FROM (SELECT grp % 37, person FROM raw_rows WHERE person IS NOT NULL GROUP BY 1, 2 HAVING count(DISTINCT grp) > 1) t;
-- merging a group's own state gives its ratio
SELECT count(*) AS groups, count(*) FILTER (WHERE m IS NOT DISTINCT FROM r) AS identical
FROM (SELECT grp, merge_active_states(s5)::text AS m FROM raw_states GROUP BY grp) a
     JOIN (SELECT grp, weekly_active_ratio(person, messages, 5, NULL)::text AS r FROM raw_rows GROUP BY grp) b USING (grp);
-- serial and parallel plans give identical states and merges
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_states AS
SELECT grp % 37 AS big, weekly_active_state(person, messages, 5, NULL) AS s FROM raw_rows GROUP BY grp % 37;
CREATE TABLE raw_states_plain AS SELECT * FROM raw_states;
ANALYZE raw_states_plain;
\i test/fixtures/parallel_on.sql
SELECT pg_temp.partial_aggs('SELECT grp % 37, weekly_active_state(person, messages, 5, NULL) FROM raw_rows GROUP BY grp % 37') >= 1
       AS states_in_parallel,
       pg_temp.partial_aggs('SELECT big, merge_active_states(s5) FROM raw_states_plain GROUP BY big') >= 1 AS merge_in_parallel;
SELECT count(*) AS groups, count(*) FILTER (WHERE p.s IS NOT DISTINCT FROM s.s) AS identical_bytes
FROM serial_states s
     FULL JOIN (SELECT grp % 37 AS big, weekly_active_state(person, messages, 5, NULL) AS s FROM raw_rows GROUP BY grp % 37) p
     USING (big);
SELECT count(*) AS groups, count(*) FILTER (WHERE p.r IS NOT DISTINCT FROM s.r) AS identical
FROM (SELECT big, merge_active_states(s5)::text AS r FROM raw_states GROUP BY big) s
     FULL JOIN (SELECT big, merge_active_states(s5)::text AS r FROM raw_states_plain GROUP BY big) p USING (big);
RESET ALL;
SET search_path = public, sferum_kpi;
DROP VIEW rollup_check;
DROP TABLE raw_states_plain;
DROP VIEW raw_check;
DROP TABLE raw_rows, raw_pop;
