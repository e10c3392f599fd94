-- The raw-row aggregate over all the weeks as one group: people with >= 10 messages in the period.
SELECT sferum_kpi.weekly_active_ratio(person_id, messages, 10, NULL) AS active FROM bench_daily;
