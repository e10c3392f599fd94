-- Roster form in plain SQL: count(*) FILTER over the same per-person weekly table.
SELECT week, sferum_kpi.kpi_ratio(count(*) FILTER (WHERE coalesce(messages, 0) >= 10), count(*)) AS active,
       count(*) FILTER (WHERE coalesce(messages, 0) >= 10)::float8 / count(*) AS share
FROM bench_weekly GROUP BY 1 ORDER BY 1;
