-- The best plain-SQL formulation found for the same answer (see plain_sql_alternatives.sql):
-- sum per person and week in a hash aggregate, then a filtered count per week.
SELECT week, sferum_kpi.kpi_ratio(count(*) FILTER (WHERE s >= 10), count(*)) AS active
FROM (SELECT sferum_kpi.week_start(day) AS week, person_id, sum(coalesce(messages, 0)) AS s
      FROM bench_daily WHERE person_id IS NOT NULL GROUP BY 1, 2) per_person
GROUP BY 1 ORDER BY 1;
