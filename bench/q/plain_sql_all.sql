-- Plain SQL for the same one-group answer: sum per person, then a filtered count.
SELECT sferum_kpi.kpi_ratio(count(*) FILTER (WHERE s >= 10), count(*)) AS active
FROM (SELECT person_id, sum(coalesce(messages, 0)) AS s
      FROM bench_daily WHERE person_id IS NOT NULL GROUP BY person_id) per_person;
