-- Scan floor with the same grouping: read every row, group by week, sum messages.
SELECT sferum_kpi.week_start(day) AS week, sum(messages) FROM bench_daily GROUP BY 1 ORDER BY 1;
