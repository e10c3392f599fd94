-- Plain SQL, sort-based: the same query with hash aggregation disabled
-- (sort by week and person, then a group aggregate).
SET enable_hashagg = off;
SELECT week, sferum_kpi.kpi_ratio(count(*) FILTER (WHERE s >= 10), count(*)) AS active
FROM (SELECT sferum_kpi.week_start(day) AS week, person_id, sum(coalesce(messages, 0)) AS s
      FROM bench_daily WHERE person_id IS NOT NULL GROUP BY 1, 2) per_person
GROUP BY 1 ORDER BY 1;
