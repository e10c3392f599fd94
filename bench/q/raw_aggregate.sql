-- The raw-row aggregate: share of people with >= 10 messages, per week, straight from daily rows.
SELECT sferum_kpi.week_start(day) AS week,
       sferum_kpi.weekly_active_ratio(person_id, messages, 10, NULL) AS active
FROM bench_daily GROUP BY 1 ORDER BY 1;
