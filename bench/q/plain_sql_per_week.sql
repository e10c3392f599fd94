-- Plain SQL, one week at a time: a smaller hash table per week (a quarter of the
-- groups), at the price of one scan per week (there is no index to use).
SELECT w.week,
       (SELECT sferum_kpi.kpi_ratio(count(*) FILTER (WHERE s >= 10), count(*))
        FROM (SELECT person_id, sum(coalesce(messages, 0)) AS s
              FROM bench_daily d
              WHERE d.day >= w.week AND d.day < w.week + 7 AND d.person_id IS NOT NULL
              GROUP BY person_id) per_person) AS active
FROM (SELECT DISTINCT sferum_kpi.week_start(day) AS week FROM bench_daily) w
ORDER BY 1;
