-- Differential tests: every aggregate against a plain-SQL formulation of the same
-- figure on seeded random data (200 000 rows, 2 000 groups), serial and parallel.
SET search_path = public, sferum_kpi;
SELECT setseed(0.2025);
CREATE TABLE diff_roster AS
SELECT (random() * 1999)::int AS grp,
       CASE WHEN random() < 0.15 THEN NULL ELSE floor(random() * random() * 40)::bigint END AS messages,
       (random() * 1000)::bigint AS den_part
FROM generate_series(1, 200000);
-- one group with a single member, one with only NULL messages
INSERT INTO diff_roster VALUES (5000, 12, 3), (5001, NULL, 1), (5001, NULL, 0);
ANALYZE diff_roster;

CREATE TEMP VIEW diff_check (checked, groups, mismatches) AS
    WITH ours AS (
        SELECT grp,
               weekly_active_ratio(messages) AS r1, weekly_active_share(messages) AS s1,
               weekly_active_ratio(messages, 10) AS r10, weekly_active_share(messages, 10) AS s10,
               rollup(kpi_ratio(least(den_part, coalesce(messages, 0)), den_part)) AS ru
        FROM diff_roster GROUP BY grp),
    oracle AS (
        SELECT grp,
               count(*) FILTER (WHERE coalesce(messages, 0) >= 1) AS a1,
               count(*) FILTER (WHERE coalesce(messages, 0) >= 10) AS a10,
               count(*) AS n,
               sum(least(den_part, coalesce(messages, 0))) AS rn, sum(den_part) AS rd
        FROM diff_roster GROUP BY grp)
    SELECT 'weekly_active_ratio(m)', count(*),
           count(*) FILTER (WHERE numerator(r1) <> a1 OR denominator(r1) <> n) FROM ours JOIN oracle USING (grp)
    UNION ALL
    SELECT 'weekly_active_share(m)', count(*),
           count(*) FILTER (WHERE s1 IS DISTINCT FROM a1::float8 / n::float8) FROM ours JOIN oracle USING (grp)
    UNION ALL
    SELECT 'weekly_active_ratio(m, 10)', count(*),
           count(*) FILTER (WHERE numerator(r10) <> a10 OR denominator(r10) <> n) FROM ours JOIN oracle USING (grp)
    UNION ALL
    SELECT 'weekly_active_share(m, 10)', count(*),
           count(*) FILTER (WHERE s10 IS DISTINCT FROM a10::float8 / n::float8) FROM ours JOIN oracle USING (grp)
    UNION ALL
    SELECT 'rollup(kpi_ratio)', count(*),
           count(*) FILTER (WHERE numerator(ru) <> rn OR denominator(ru) <> rd) FROM ours JOIN oracle USING (grp)
    UNION ALL
    -- whole-table aggregates, too
    SELECT 'whole table', 1,
           (SELECT count(*) FROM (
               SELECT weekly_active_ratio(messages, 10)::text AS ours,
                      kpi_ratio(count(*) FILTER (WHERE coalesce(messages, 0) >= 10), count(*))::text AS oracle
               FROM diff_roster) w WHERE ours <> oracle);

\i test/fixtures/partial_aggs.sql

SET max_parallel_workers_per_gather = 0;
SELECT pg_temp.partial_aggs('SELECT * FROM diff_check') AS partial_aggs_serial;
SELECT * FROM diff_check;
\i test/fixtures/parallel_on.sql
EXPLAIN (COSTS OFF)
SELECT grp, weekly_active_ratio(messages, 10), rollup(kpi_ratio(0, den_part)) FROM diff_roster GROUP BY grp;
SELECT pg_temp.partial_aggs('SELECT * FROM diff_check') >= 2 AS check_runs_in_parallel;
SELECT * FROM diff_check;
-- hash aggregation instead of sorting, in parallel
SET enable_sort = off;
SELECT pg_temp.partial_aggs('SELECT * FROM diff_check') >= 2 AS check_runs_in_parallel;
SELECT * FROM diff_check;
RESET ALL;
SET search_path = public, sferum_kpi;
DROP TABLE diff_roster CASCADE;
