-- bench/gen.sql: seeded region-scale activity data for bench/run.
-- psql variables: persons (people in the region), weeks (ISO weeks of daily rows).
--
-- bench_person: one row per person with a role; a role fixes the chance of
--   being active on a day and the mean messages on an active day:
--     10 % teachers (0.70/day, mean 12), 30 % pupils (0.35/day, mean 6),
--     60 % parents (0.15/day, mean 3)  ->  about 0.265 rows per person-day.
-- bench_daily: one row per person per active local day (the raw mart);
--   1 % of the rows have NULL messages.  Ids are sparse bigints (step 13
--   from 7e9), the way platform ids are, not 1..N.
-- bench_weekly: the roster form, one row per person per week, NULL for a
--   person who did nothing that week.
SET max_parallel_workers_per_gather = 0;   -- random() stays in one process: seeded = reproducible
SELECT setseed(0.2025);

DROP TABLE IF EXISTS bench_daily, bench_weekly, bench_person;

CREATE UNLOGGED TABLE bench_person AS
SELECT 7000000000 + 13 * i AS person_id,
       CASE WHEN r < 0.10 THEN 0.70 WHEN r < 0.40 THEN 0.35 ELSE 0.15 END AS p_day,
       CASE WHEN r < 0.10 THEN 12   WHEN r < 0.40 THEN 6    ELSE 3    END AS mean_msgs
FROM (SELECT i::bigint AS i, random() AS r FROM generate_series(1, :persons) i) s;

CREATE UNLOGGED TABLE bench_daily (day date NOT NULL, person_id bigint, messages integer);
INSERT INTO bench_daily
SELECT d.day, p.person_id,
       CASE WHEN random() < 0.01 THEN NULL
            ELSE 1 + floor(-ln(1 - random()) * p.mean_msgs)::integer END
FROM generate_series(0, 7 * :weeks - 1) n
     CROSS JOIN LATERAL (SELECT date '2025-09-01' + n::integer AS day) d
     CROSS JOIN LATERAL (SELECT person_id, p_day, mean_msgs FROM bench_person WHERE random() < p_day + n * 0) p;

CREATE UNLOGGED TABLE bench_weekly AS
SELECT w.week, p.person_id, a.messages
FROM (SELECT date '2025-09-01' + 7 * k AS week FROM generate_series(0, :weeks - 1) k) w
     CROSS JOIN bench_person p
     LEFT JOIN (SELECT sferum_kpi.week_start(day) AS week, person_id, sum(messages) AS messages
                FROM bench_daily GROUP BY 1, 2) a USING (week, person_id);

VACUUM (FREEZE, ANALYZE) bench_person, bench_daily, bench_weekly;
SELECT (SELECT count(*) FROM bench_daily) AS daily_rows,
       (SELECT count(DISTINCT person_id) FROM bench_daily) AS persons_seen,
       (SELECT count(*) FROM bench_weekly) AS weekly_rows,
       pg_size_pretty(pg_relation_size('bench_daily')) AS daily_size;
