-- Roster form (1.0 aggregates): one row per person per week.
SELECT week, sferum_kpi.weekly_active_ratio(messages, 10) AS active, sferum_kpi.weekly_active_share(messages, 10) AS share
FROM bench_weekly GROUP BY 1 ORDER BY 1;
