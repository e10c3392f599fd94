-- The KPI dashboard as a DBA reads it in psql:  psql -v views=kpi -f scripts/dashboard.sql
\pset footer off
\set QUIET on
\pset null '—'
-- a plan this wide costs more to JIT-compile than it ever saves
SET jit = off;
SELECT d.region_name AS region, d.week_start AS week,
       d.indicator,
       d.platform,
       CASE WHEN d.share IS NULL THEN '—'
            ELSE to_char(100 * d.share, 'FM990.0') || ' %' END AS value,
       d.numerator || ' / ' || d.denominator AS "count",
       CASE WHEN d.target_stage IS NULL THEN '—'
            ELSE d.target_comparison || ' '
                 || CASE WHEN d.target_threshold IS NULL THEN 'baseline ?'
                         ELSE to_char(100 * d.target_threshold, 'FM990.0') || ' %' END
                 || ' by ' || to_char(d.target_deadline, 'DD.MM.YYYY')
                 || CASE WHEN d.target_in_force THEN '' ELSE ' *' END END AS target,
       -- a stage not yet due is behind, not missed: only a passed deadline is a result
       CASE WHEN d.target_met THEN 'met'
            WHEN NOT d.target_met AND d.target_due THEN 'MISSED'
                 || CASE WHEN d.short_by IS NOT NULL AND d.short_by > 0 THEN ' (-' || d.short_by || ')' ELSE '' END
            WHEN NOT d.target_met THEN 'behind'
                 || CASE WHEN d.short_by IS NOT NULL AND d.short_by > 0 THEN ' (-' || d.short_by || ')' ELSE '' END
            ELSE '?' END AS status,
       CASE WHEN d.target_due THEN 'due' ELSE 'upcoming' END AS stage,
       d.trend AS "8 weeks",
       CASE WHEN d.change IS NULL THEN ''
            WHEN abs(d.change) < 0.0005 THEN '0.0'
            WHEN d.change > 0 THEN '+' || to_char(100 * d.change, 'FM990.0')
            ELSE to_char(100 * d.change, 'FM990.0') END AS "Δ pp"
FROM :views.dashboard d
ORDER BY d.region_code, d.kind, d.target_deadline, d.indicator;
\echo '  * stage awaiting normative acts (in_force = false); MISSED: the deadline has passed below the target; behind: below a stage not yet due; (-N): people or units short of the target; ? unknown (no value or no baseline)'
\echo
\echo 'Each stage at its deadline (region level; stage_results): a result once the deadline has passed, the days left before it'
SELECT r.region_name AS region, r.indicator, r.stage, to_char(r.deadline, 'DD.MM.YYYY') AS deadline,
       to_char(r.result_week, 'DD.MM.YYYY') AS "judged on week",
       CASE WHEN r.share_pct IS NULL THEN '—' ELSE to_char(r.share_pct, 'FM990.0') || ' %' END AS value,
       r.comparison || ' ' || coalesce(to_char(100 * r.threshold, 'FM990.0') || ' %', 'baseline ?') AS target,
       CASE r.status WHEN 'deadline_met' THEN 'deadline passed: met'
                     WHEN 'deadline_missed' THEN 'deadline passed: MISSED' || coalesce(' (-' || r.people_short || ')', '')
                     WHEN 'deadline_no_data' THEN 'deadline passed: no data for its week'
                     ELSE r.days_left || ' days left' END AS result
FROM :views.stage_results r
WHERE r.level = 'region'
ORDER BY r.region_code, r.deadline, r.indicator, r.platform;
