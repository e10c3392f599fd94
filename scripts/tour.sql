-- sferum_kpi getting-started tour: psql -f scripts/tour.sql in a database with the extension.
-- Each step prints what it shows; every statement here also works in your own database.
\pset footer off
\set ECHO none
\set QUIET on
SET search_path = public, sferum_kpi;

\echo
\echo '== 1. Weeks and school years: a week is named by its Monday, local to the region'
SELECT week_start(date '2025-11-23')                                    AS sunday_belongs_to,
       week_start(timestamptz '2025-11-23 14:00+00', 'Asia/Sakhalin')   AS sakhalin_already_monday,
       week_start(timestamptz '2025-11-23 14:00+00', 'Europe/Moscow')   AS moscow_still_sunday,
       school_year(date '2025-05-15')                                   AS school_year_of_may_2025;

\echo
\echo '== 2. Status rules: the regional example of «Активна» organisations (seed 001)'
SELECT name, admin_logged_in AS logged_in, data_filled, teachers_added,
       CASE org_is_active(admin_logged_in, data_filled, teachers_added)
            WHEN true THEN 'Активна' WHEN false THEN 'Не активна' ELSE 'неизвестно' END AS status
FROM (VALUES ('ГКУ ДО СО «ЦССУ «Звездный»', false, false, 0),
             ('МБУ ДО "ДШИ Г.Анива"',        true,  true,  12),
             ('МБУ ДО "ДШИ пгт. Тымовское"', true,  true,  2),
             ('МБУ ДО "СШ" пгт. Ноглики',    true,  true,  3),
             ('ГБПОУ СКИ',                   true,  NULL,  31)) AS o(name, admin_logged_in, data_filled, teachers_added);

\echo
\echo '== 3. Weekly activity: one row per teacher (roster LEFT JOIN the week''s messages)'
CREATE TEMP TABLE roster (teacher_id int, school text, verified boolean);
CREATE TEMP TABLE week_messages (teacher_id int, messages bigint);
INSERT INTO roster SELECT g, 'school ' || (g % 3 + 1), g % 5 <> 0 FROM generate_series(1, 30) g;
INSERT INTO week_messages SELECT g, (g * 7) % 23 FROM generate_series(1, 30, 2) g;
SELECT r.school,
       weekly_active_ratio(m.messages, 10)                                   AS wrote_10_plus,
       round(weekly_active_share(m.messages, 10)::numeric, 3)                AS share,
       count(*) FILTER (WHERE teacher_is_active(r.verified, coalesce(m.messages, 0))) AS active_teachers
FROM roster r LEFT JOIN week_messages m USING (teacher_id)
GROUP BY ROLLUP (r.school) ORDER BY r.school NULLS LAST;

\echo
\echo '== 4. Exact ratios: 100 % means every person, and stored figures roll up by sums'
SELECT kpi_ratio(999999, 1000000) = kpi_ratio(1, 1)                          AS one_short_is_not_all,
       rollup(v)                                                            AS region_total,
       round(share(rollup(v))::numeric, 4)                                   AS region_share,
       round(avg(share(v))::numeric, 4)                                      AS wrong_average_of_shares
FROM (VALUES (kpi_ratio(9, 10)), (kpi_ratio(100, 400))) AS t(v);

\echo
\echo '== 5. The target catalog (spec §4): stages, deadlines, thresholds, baselines'
SELECT indicator, stage, deadline, comparison AS cmp,
       coalesce(threshold::text, 'best vk week ' || baseline_school_year || '/' || (baseline_school_year + 1)) AS target,
       in_force, kind
FROM target ORDER BY kind, deadline, indicator, stage;

\echo
\echo '== 6. Targets against values: the stage in force on a date, met or not, and how far'
INSERT INTO indicator_history (region_code, indicator, platform, week, value)
SELECT '65', 'staff_weekly_writers', 'vk', w::date, kpi_ratio(n, 1000)
FROM (VALUES ('2024-09-02', 402), ('2024-11-11', 517), ('2025-03-03', 488), ('2025-05-19', 350)) AS h(w, n);
SELECT s.indicator, s.stage, s.deadline, s.state, s.in_force,
       round(s.threshold::numeric, 3) AS threshold, v.value, s.met, s.short_by AS people_short
FROM (VALUES ('active_teachers',      kpi_ratio(251, 1000), date '2023-05-31'),
             ('active_teachers',      kpi_ratio(250, 1000), date '2023-05-31'),
             ('staff_weekly_writers', kpi_ratio(530, 1000), date '2025-09-29'),
             ('staff_weekly_writers', kpi_ratio(700, 1000), date '2025-12-29'),
             ('national_only_users',  kpi_ratio(99999, 100000), date '2026-01-12')) AS v(indicator, value, as_of),
     LATERAL target_status(v.indicator, v.value, v.as_of, '65') AS s;
