-- Forecasts and rankings (issue 12) on a hand-built weekly store: every figure
-- below was worked out by hand (see the comments).  The store of view set
-- fc_kpi is filled directly, its target columns judged by target_status as
-- refresh_week does; refresh_log says which weeks are stored and complete.
--
-- Weeks are written as x = (week - 2025-11-03) / 7: x = -11 is 2025-08-18 and
-- x = -10 is 2025-08-25 (school year 2024/2025, monitored platform vk),
-- x = -9 is 2025-09-01 ... x = 0 is 2025-11-03 (the latest complete week) and
-- x = 1 is 2025-11-10 (stored, not complete).  Stage 2 of staff_weekly_writers
-- (>= 0.75) and learners_parents_weekly (>= 0.30) is due 2025-12-30 (a Tuesday):
-- it is judged on the last complete week before it, 2025-12-22 (1.5, spec §5),
-- so weeks_left at x = 0 is 49 / 7 = 7.
SET search_path = public, sferum_kpi;
SELECT create_mart('fc');
INSERT INTO fc.region VALUES ('F1', 'Forecast region', 'Europe/Moscow');
INSERT INTO fc.municipality VALUES (1, 'F1', 'Alpha'), (2, 'F1', 'Beta'), (3, 'F1', 'Gamma');
INSERT INTO fc.organisation (org_id, region_code, municipality_id, parent_org_id, name, kind, ownership) VALUES
  (1, 'F1', 1, NULL, 'School 1', 'general', 'municipal'),  (2, 'F1', 1, NULL, 'School 2', 'general', 'municipal'),
  (3, 'F1', 2, NULL, 'School 3', 'general', 'municipal'),  (4, 'F1', 2, NULL, 'School 4', 'general', 'municipal'),
  (5, 'F1', 3, NULL, 'College 5', 'spo', 'municipal'),     (6, 'F1', 3, NULL, 'Small school 6', 'general', 'municipal'),
  (7, 'F1', 3, NULL, 'School 7', 'general', 'municipal'),  (8, 'F1', NULL, NULL, 'College 8', 'spo', 'state'),
  (9, 'F1', 1, NULL, 'School 9', 'general', 'municipal'),  (10, 'F1', 2, NULL, 'School 10', 'general', 'municipal'),
  (11, 'F1', 2, NULL, 'School 11', 'general', 'municipal'), (12, 'F1', 3, NULL, 'School 12', 'general', 'municipal');
SELECT create_kpi_views('fc', 'fc_kpi');          -- min_cell 5
SELECT store_partition('fc_kpi', 2024), store_partition('fc_kpi', 2025);
-- the stage-1 baseline of staff_weekly_writers: best vk week of 2024/2025 = 62 %;
-- learners_parents_weekly has none (its stage 1 threshold stays unknown)
INSERT INTO indicator_history (region_code, indicator, platform, week, value)
VALUES ('F1', 'staff_weekly_writers', 'vk', '2025-03-03', '62/100');

-- one row per group and week: numerators and denominators for x = -11 .. 1
CREATE TEMP TABLE fc_series (indicator text, platform text, level text, municipality_id bigint, org_kind text,
                             org_id bigint, nums integer[], dens integer[], targets boolean DEFAULT true);
INSERT INTO fc_series VALUES
-- G1 region: 0.10, 0.10 in September, then the line 0.40 + 0.03 (x + 7) from x = -7 (0.40) to x = 0 (0.61)
('staff_weekly_writers', 'national', 'region', NULL, NULL, NULL,
 '{950,950,100,100,400,430,460,490,520,550,580,610,610}', array_fill(1000, ARRAY[13])),
-- not the monitored platform in 2025/2026: never forecast or ranked there (but in August 2025)
('staff_weekly_writers', 'vk', 'region', NULL, NULL, NULL, array_fill(500, ARRAY[13]), array_fill(1000, ARRAY[13])),
('staff_weekly_writers', 'vk', 'municipality', 2, NULL, NULL, array_fill(50, ARRAY[13]), array_fill(100, ARRAY[13])),
-- G2 Beta: 0/0 until x = -6, then 0.20 0.20 0.20 0.30 0.40 0.50 (x = -5 .. 0)
('staff_weekly_writers', 'national', 'municipality', 2, NULL, NULL,
 '{90,90,0,0,0,0,20,20,20,30,40,50,50}', '{100,100,0,0,0,0,100,100,100,100,100,100,100}'),
-- G3 Alpha: suppressed (3 people < min_cell 5) until x = -4, then 0.50 0.54 0.56 0.60
('staff_weekly_writers', 'national', 'municipality', 1, NULL, NULL,
 '{50,50,3,3,3,3,3,3,50,54,56,60,60}', '{100,100,3,3,3,3,3,3,100,100,100,100,100}'),
-- G4 Gamma: 0/0 until x = -4, then 0.40 0.44 0.46 0.50 (G3 less 0.10)
('staff_weekly_writers', 'national', 'municipality', 3, NULL, NULL,
 '{40,40,0,0,0,0,0,0,40,44,46,50,50}', '{100,100,0,0,0,0,0,0,100,100,100,100,100}'),
-- G5 regional bodies: 0/0 until x = -4, then 0.37 0.41 0.43 0.47 (G3 less 0.13)
('staff_weekly_writers', 'national', 'municipality', NULL, NULL, NULL,
 '{37,37,0,0,0,0,0,0,37,41,43,47,47}', '{100,100,0,0,0,0,0,0,100,100,100,100,100}'),
-- G6 region: 0/0 until x = -4, then falling 0.25 0.21 0.19 0.15
('learners_parents_weekly', 'national', 'region', NULL, NULL, NULL,
 '{250,250,0,0,0,0,0,0,250,210,190,150,150}', '{1000,1000,0,0,0,0,0,0,1000,1000,1000,1000,1000}'),
-- G7 Alpha: a flat 0.20
('learners_parents_weekly', 'national', 'municipality', 1, NULL, NULL, array_fill(20, ARRAY[13]), array_fill(100, ARRAY[13])),
-- G8 Gamma: 0.30 for 10 weeks, then 4 people (suppressed) at x = 0
('learners_parents_weekly', 'national', 'municipality', 3, NULL, NULL,
 '{30,30,30,30,30,30,30,30,30,30,30,2,2}', '{100,100,100,100,100,100,100,100,100,100,100,4,4}'),
-- G9 region: exactly 0.25 every week against "> 25 %" (2023, overdue: the last stage applies)
('active_teachers', 'national', 'region', NULL, NULL, NULL, array_fill(250, ARRAY[13]), array_fill(1000, ARRAY[13])),
-- G10 Alpha: 0.26 > 0.25
('active_teachers', 'national', 'municipality', 1, NULL, NULL, array_fill(26, ARRAY[13]), array_fill(100, ARRAY[13])),
-- G11 Alpha: 3 of 3 organisations (organisations are not suppressed)
('orgs_connected', 'any', 'municipality', 1, NULL, NULL, array_fill(3, ARRAY[13]), array_fill(3, ARRAY[13])),
-- G12 region: 0/0 but for the last three weeks: 5/10, 6/10 (x = -1, 0)
('officials_weekly_writers', 'national', 'region', NULL, NULL, NULL,
 '{0,0,0,0,0,0,0,0,0,0,5,6,6}', '{0,0,0,0,0,0,0,0,0,0,10,10,10}'),
-- G13 Beta: nobody in scope (0/0) every week
('officials_weekly_writers', 'national', 'municipality', 2, NULL, NULL, array_fill(0, ARRAY[13]), array_fill(0, ARRAY[13]));
INSERT INTO fc_series VALUES
-- no target (as if a DBA deleted the indicator's targets): no forecast, grey in rankings
('ejournal_connected', 'any', 'region', NULL, NULL, NULL, array_fill(1, ARRAY[13]), array_fill(2, ARRAY[13]), false),
('ejournal_connected', 'any', 'municipality', 1, NULL, NULL, array_fill(1, ARRAY[13]), array_fill(2, ARRAY[13]), false);
-- rankings: organisations at x = -1 (2025-10-27) and x = 0 (2025-11-03), 0/0 before
INSERT INTO fc_series
SELECT 'staff_weekly_writers', 'national', 'organisation', o.municipality_id, o.kind, o.org_id,
       array_fill(0, ARRAY[10]) || ARRAY[v.prev, v.cur, v.cur], array_fill(0, ARRAY[10]) || ARRAY[v.den, v.den, v.den]
FROM (VALUES (1, 60, 80, 100), (2, 70, 70, 100), (3, 50, 70, 100), (4, 90, 65, 100), (5, 40, 64, 100),
             (6, 2, 3, 3), (7, 0, 0, 0), (8, 75, 75, 100), (9, 50, 52, 100), (10, 50, 52, 100),
             (11, 20, 23, 100), (12, 35, 30, 100)) v(org_id, prev, cur, den)
JOIN fc.organisation o USING (org_id);
-- org kinds of the week (same shares as two of the schools)
INSERT INTO fc_series VALUES
('staff_weekly_writers', 'national', 'org_kind', NULL, 'general', NULL,
 array_fill(0, ARRAY[10]) || '{570,600,600}'::integer[], array_fill(0, ARRAY[10]) || '{1000,1000,1000}'::integer[]),
('staff_weekly_writers', 'national', 'org_kind', NULL, 'spo', NULL,
 array_fill(0, ARRAY[10]) || '{115,139,139}'::integer[], array_fill(0, ARRAY[10]) || '{200,200,200}'::integer[]);

INSERT INTO fc_kpi.store
SELECT w.week, s.indicator, s.platform, s.level, 'F1', s.municipality_id, s.org_kind, s.org_id,
       w.week::timestamp AT TIME ZONE 'Europe/Moscow', s.nums[w.i], s.dens[w.i],
       t.stage, t.deadline, t.comparison, t.threshold, t.in_force, t.due, t.met, t.short_by
FROM fc_series s
CROSS JOIN LATERAL (SELECT i, date '2025-11-03' + 7 * (i - 12) AS week FROM generate_series(1, 13) i) w
LEFT JOIN LATERAL target_status(CASE WHEN s.targets THEN s.indicator END,
                                kpi_ratio(least(s.nums[w.i], s.dens[w.i]), s.dens[w.i]), w.week, 'F1') t ON true;
INSERT INTO fc_kpi.refresh_log
SELECT date '2025-11-03' + 7 * x, 'F1', now(), 1, 0, date '2025-11-03' + 7 * x + 6, 0, x < 1, 'hand-built'
FROM generate_series(-11, 1) x;
ANALYZE fc_kpi.store, fc_kpi.refresh_log;
-- the forecasts are stored at refresh time (refresh_answers, which every refresh of the store runs);
-- the store was written by hand here
SELECT answer, rows_stored FROM refresh_answers('fc_kpi') WHERE answer LIKE 'forecast%';

-- ==== forecast at the latest complete week, 2025-11-03 (not 2025-11-10: incomplete)
-- By hand (N = 8; every interval is yhat +/- t(0.90; n-2) s sqrt(1 + 1/n + (7 - mean x)^2 / Sxx)):
--  G1 region: the last 8 usable weeks are x = -7..0 (the two 0.10 of September are older), on the line:
--     slope 0.03 (3 pp/week), yhat(7) = 0.61 + 7 * 0.03 = 0.82, s = 0, so low = high = 0.82 >= 0.75: on_track;
--     needed (0.75 - 0.61) * 100 / 7 = 2 pp/week
--  G2 Beta: 6 usable weeks x = -5..0, y = .2 .2 .2 .3 .4 .5: mean x -2.5, mean y 0.3, Sxx 17.5, Sxy 1.1,
--     slope 1.1 / 17.5 = 0.0628571 (6.285714 pp), intercept 0.3 + 2.5 * 0.0628571 = 0.4571429,
--     Syy 0.08, SSE 0.08 - 1.21 / 17.5 = 0.0108571, s = sqrt(0.0108571 / 4) = 0.0520988, t(4) = 1.5332063,
--     yhat(7) = 0.4571429 + 0.44 = 0.8971429, half = 1.5332063 * 0.0520988 * sqrt(1 + 1/6 + 9.5^2 / 17.5)
--     = 0.0798782 * 2.5147186 = 0.2008712: low 0.6962717 < 0.75 <= 0.897, high 1.098 -> 1: at_risk;
--     needed (0.75 - 0.50) * 100 / 7 = 3.5714
--  G3 Alpha: 4 usable weeks x = -3..0 (the suppressed weeks do not count), y = .50 .54 .56 .60:
--     mean x -1.5, mean y 0.55, Sxx 5, Sxy 0.16, slope 0.032, intercept 0.598, residuals -.002 .006 -.006 .002,
--     SSE 0.00008, s = sqrt(0.00004) = 0.0063246, t(2) = 1.8856181, yhat(7) = 0.598 + 0.224 = 0.822,
--     half = 1.8856181 * 0.0063246 * sqrt(1 + 1/4 + 8.5^2 / 5) = 0.0119257 * 3.9623226 = 0.0472535:
--     low 0.7747465 >= 0.75: on_track; needed (0.75 - 0.60) * 100 / 7 = 2.1429
--  G4 Gamma: G3 less 0.10: yhat 0.722, low 0.6747465, high 0.7692535: at_risk (only the high bound meets it)
--  G5 regional bodies: G3 less 0.13: yhat 0.692, high 0.7392535 < 0.75: off_track
--  G6 learners region: y = .25 .21 .19 .15 (x = -3..0): slope -0.032, intercept 0.152, same residual scatter
--     as G3, yhat(7) = 0.152 - 0.224 = -0.072 -> 0, low and high below 0 too -> 0 (clamped at 0):
--     off_track; needed (0.30 - 0.15) * 100 / 7 = 2.1429
--  G7 learners Alpha: flat 0.20 over 8 weeks: slope 0, s = 0, everything 0.20 < 0.30: off_track; needed 1.4286
--  G8 learners Gamma: 4 people this week: suppressed, shares NULL, unknown (8 usable earlier weeks)
--  G9 active_teachers region: stage 2023-05-31 long passed: its result week (2023-05-22) is not stored, so the
--     verdict is final, deadline_no_data («Срок истёк — нет данных на срок»), never off_track; needed NULL
--  G10 active_teachers Alpha, G11 orgs_connected Alpha: the same (2023 deadlines): deadline_no_data
--  G12 officials region: 2 usable weeks: unknown (needed (1 - 0.6) * 100 / 7 = 5.7143)
--  G13 officials Beta: 0/0: unknown
--  no rows: the vk rows (not monitored), ejournal_connected (no target), the org_kind and organisation rows
SELECT indicator, level, municipality_id AS mun, municipality_name, platform, week_start, round(share::numeric, 4) AS share,
       stage, deadline, threshold, round(projected_share::numeric, 7) AS projected, round(projected_low::numeric, 7) AS low,
       round(projected_high::numeric, 7) AS high, round(needed_weekly_gain_pp::numeric, 4) AS needed_pp,
       verdict, verdict_ru, comparison, weeks_used AS n, weeks_left, round(slope_pp_per_week::numeric, 6) AS slope_pp,
       suppressed
FROM fc_kpi.forecast
ORDER BY indicator, level DESC, municipality_id NULLS LAST;
-- every verdict is reached
SELECT verdict, count(*) FROM fc_kpi.forecast GROUP BY verdict ORDER BY verdict;
-- forecast() without a week is the view; with the week, the same rows
SELECT (SELECT count(*) FROM forecast('fc_kpi')) AS rows,
       (SELECT count(*) FROM (SELECT * FROM forecast('fc_kpi') EXCEPT SELECT f.indicator, f.title_ru, f.level, f.region_code, f.municipality_id, f.municipality_name, f.platform, f.week_start, f.share, f.stage, f.deadline, f.threshold, f.projected_share, f.projected_low, f.projected_high, f.needed_weekly_gain_pp, f.verdict, f.verdict_ru, f.comparison, f.in_force, f.weeks_used, f.weeks_left, f.slope_pp_per_week, f.suppressed FROM fc_kpi.forecast f) d) AS not_in_view,
       (SELECT count(*) FROM (SELECT * FROM forecast('fc_kpi') EXCEPT SELECT * FROM forecast('fc_kpi', '2025-11-05')) d) AS not_at_week;

-- ==== N from sferum_kpi.forecast_weeks, applied when the forecasts are stored
-- N = 3, G2 Beta: x = -2..0, y = .3 .4 .5: slope 0.10 (10 pp/week), s = 0, yhat(7) = 0.5 + 0.7 = 1.2 -> 1
-- (clamped at 1), low = high = 1 >= 0.75: on_track.  G1: x = -2..0 still on the line: 0.82 as before.
SET sferum_kpi.forecast_weeks = 3;
SELECT count(*) AS answers FROM refresh_answers('fc_kpi');
SELECT indicator, municipality_name, round(projected_share::numeric, 7) AS projected, round(projected_low::numeric, 7) AS low,
       round(projected_high::numeric, 7) AS high, verdict, weeks_used AS n, round(slope_pp_per_week::numeric, 6) AS slope_pp
FROM fc_kpi.forecast WHERE indicator = 'staff_weekly_writers' AND (municipality_id = 2 OR level = 'region')
ORDER BY level DESC;
-- N = 10, G1: all 10 weeks of the school year, x = -9..0, y = .10 .10 .40 .43 .46 .49 .52 .55 .58 .61:
-- mean x -4.5, mean y 0.424, Sxx 82.5, Sxy = sum (x + 4.5) y = -0.45 - 0.35 - 1.0 - 0.645 - 0.23 + 0.245
-- + 0.78 + 1.375 + 2.03 + 2.745 = 4.5, slope 4.5 / 82.5 = 0.0545455 (5.454545 pp/week),
-- intercept 0.424 + 4.5 * 0.0545455 = 0.6694545, yhat(7) = 0.6694545 + 0.3818182 = 1.0512727 -> 1
SET sferum_kpi.forecast_weeks = '10';
SELECT count(*) AS answers FROM refresh_answers('fc_kpi');
SELECT indicator, weeks_used AS n, round(slope_pp_per_week::numeric, 6) AS slope_pp, round(projected_share::numeric, 7) AS projected
FROM fc_kpi.forecast WHERE indicator = 'staff_weekly_writers' AND level = 'region';
RESET sferum_kpi.forecast_weeks;
SELECT forecast_weeks() AS default_weeks;
SELECT count(*) AS answers FROM refresh_answers('fc_kpi');
-- a bad value is an error, where the forecasts are computed (the stored ones stay)
\set VERBOSITY terse
SET sferum_kpi.forecast_weeks = 'eight';
SELECT count(*) FROM refresh_answers('fc_kpi');
SET sferum_kpi.forecast_weeks = 2;
SELECT count(projected_share) FROM fc_kpi.live_forecast_by_week;
SET sferum_kpi.forecast_weeks = 54;
SELECT count(*) FROM refresh_answers('fc_kpi');
SELECT count(*) AS still_stored FROM forecast('fc_kpi');
SET sferum_kpi.forecast_weeks = '8.5';
SELECT forecast_weeks();
\set VERBOSITY default
SET sferum_kpi.forecast_weeks = 2;
SELECT forecast_weeks();
RESET sferum_kpi.forecast_weeks;

-- ==== the school-year boundary: at 2025-09-15 only 2025-09-01, 09-08 and 09-15 count, not the vk-year
-- weeks of August (G1 had 0.95 there).  Stage 1 (2025-10-01, judged on the week of 2025-09-22: 1 week left)
-- against the baseline 0.62.  G1: x = -2..0, y = .10 .10 .40: mean x -1, mean y 0.2, Sxx 2, Sxy 0.3, slope 0.15,
-- intercept 0.35, SSE 0.06 - 0.09 / 2 = 0.015, s = 0.1224745, t(1) = 3.0776835, yhat(1) = 0.5,
-- half = 3.0776835 * 0.1224745 * sqrt(1 + 1/3 + 4/2) = 0.3769387 * 1.8257419 = 0.6881948:
-- low -0.19 -> 0, high 1.19 -> 1 >= 0.62 > 0.5: at_risk; needed (0.62 - 0.40) * 100 / 1 = 22.
-- G2 Beta: 0/0 that week; G3 Alpha suppressed; G7 learners Alpha: baseline unknown -> unknown.
SELECT indicator, level, municipality_name, week_start, round(share::numeric, 4) AS share, stage, threshold,
       round(projected_share::numeric, 7) AS projected, round(projected_low::numeric, 7) AS low,
       round(projected_high::numeric, 7) AS high, round(needed_weekly_gain_pp::numeric, 4) AS needed_pp,
       verdict, weeks_used AS n, weeks_left, suppressed
FROM forecast('fc_kpi', '2025-09-15')
WHERE indicator IN ('staff_weekly_writers', 'learners_parents_weekly') AND (level = 'region' OR municipality_id IN (1, 2))
ORDER BY indicator, level DESC, municipality_id;
-- at 2025-09-10 (the week of 2025-09-08): two weeks of 2025/2026, too few
SELECT week_start, verdict, weeks_used AS n, projected_share
FROM forecast('fc_kpi', '2025-09-10') WHERE indicator = 'staff_weekly_writers' AND level = 'region';
-- at 2025-08-25 the school year is 2024/2025: vk is forecast there, national is not
SELECT DISTINCT platform FROM forecast('fc_kpi', '2025-08-25') WHERE indicator = 'staff_weekly_writers';
-- a week that is not stored has no forecast
SELECT count(*) AS unstored_week FROM forecast('fc_kpi', '2026-03-02');

-- ==== independent oracle: the regression written with explicit sums over the store, every group and
-- every stored week, against forecast_by_week (the views use regr_*)
WITH pts AS (
    SELECT w.week_start, s.indicator, s.level, s.municipality_id, (s.week_start - w.week_start) / 7.0 AS x,
           least(s.numerator, s.denominator)::float8 / s.denominator AS y,
           row_number() OVER (PARTITION BY w.week_start, s.indicator, s.level, s.municipality_id ORDER BY s.week_start DESC) AS k
    FROM (SELECT DISTINCT week_start FROM fc_kpi.refresh_log) w
    JOIN fc_kpi.store s ON s.week_start <= w.week_start AND school_year(s.week_start) = school_year(w.week_start)
    JOIN indicator_definition d ON d.indicator = s.indicator
    WHERE s.level IN ('region', 'municipality') AND s.denominator > 0
      AND NOT (d.unit = 'person' AND s.level <> 'region' AND s.denominator < 5)
      AND s.platform = CASE WHEN d.per_platform THEN CASE WHEN school_year(w.week_start) >= 2025 THEN 'national' ELSE 'vk' END
                            ELSE 'any' END
), sums AS (
    SELECT week_start, indicator, level, municipality_id, count(*) AS n, sum(x) AS sx, sum(y) AS sy,
           sum(x * x) AS sxx, sum(x * y) AS sxy
    FROM pts WHERE k <= 8 GROUP BY 1, 2, 3, 4 HAVING count(*) >= 3
), fit AS (
    SELECT *, (n * sxy - sx * sy) / (n * sxx - sx * sx) AS b FROM sums
), line AS (
    SELECT *, (sy - b * sx) / n AS a FROM fit
), oracle AS (
    -- s^2 = the sum of the squared residuals / (n - 2), a second pass over the points
    SELECT l.*, sqrt((SELECT sum((p.y - l.a - l.b * p.x) ^ 2) FROM pts p
                      WHERE p.week_start = l.week_start AND p.indicator = l.indicator AND p.level = l.level
                        AND p.municipality_id IS NOT DISTINCT FROM l.municipality_id AND p.k <= 8) / (l.n - 2)) AS s
    FROM line l
)
SELECT count(*) AS compared,
       count(*) FILTER (WHERE abs(f.slope_pp_per_week - 100 * o.b) > 1e-9
                           OR f.weeks_used <> o.n
                           OR (f.weeks_left > 0 AND f.share IS NOT NULL
                               AND (abs(f.projected_share - greatest(0, least(1, o.a + o.b * f.weeks_left))) > 1e-9
                                    OR abs(f.projected_low - greatest(0, least(1, o.a + o.b * f.weeks_left - e.half))) > 1e-9
                                    OR abs(f.projected_high - greatest(0, least(1, o.a + o.b * f.weeks_left + e.half))) > 1e-9))
                           OR (f.weeks_left = 0 AND f.share IS NOT NULL
                               AND (f.projected_share, f.projected_low, f.projected_high) <> (f.share, f.share, f.share))) AS differing,
       (SELECT count(*) FROM fc_kpi.forecast_by_week WHERE weeks_used >= 3) AS forecast_rows_with_a_line
FROM oracle o
JOIN fc_kpi.forecast_by_week f USING (week_start, indicator, level)
CROSS JOIN LATERAL (SELECT forecast_t90((o.n - 2)::integer) * o.s
                           * sqrt(1 + 1.0 / o.n + (f.weeks_left - o.sx / o.n) ^ 2 / (o.sxx - o.sx * o.sx / o.n)) AS half) e
WHERE f.municipality_id IS NOT DISTINCT FROM o.municipality_id;

-- ==== rankings, organisations of 2025-11-03 (staff_weekly_writers, national; stage 2 >= 0.75).  By hand:
--  share:   School 1 .80, College 8 .75, School 2 .70, School 3 .70, School 4 .65, College 5 .64,
--           School 9 .52, School 10 .52, School 12 .30, School 11 .23: ranks 1 2 3 3 5 6 7 7 9 10 of 10 ranked;
--           Small school 6 (3 people: suppressed) and School 7 (0/0) are not ranked
--  the week before: School 4 .90 (1), College 8 .75 (2), School 2 .70 (3), School 1 .60 (4), School 3, 9, 10 .50 (5),
--           College 5 .40 (8), School 12 .35 (9), School 11 .20 (10)
--  change:  +20 +0 +20 -25 +24 . . 0 +2 +2 +3 -5: the rises ranked 24, 20, 20, 3, 2, 2: the 5 largest and the
--           tie with the fifth (School 9 and 10) are top; the falls School 4 and School 12 are bottom
--  rag:     green .80 and .75 (>= 0.75); amber .70, .70 and .65 (65 >= (0.75 - 0.10) * 100, the band's edge);
--           red .64 and below; grey the suppressed school and the empty one
SELECT org_name, municipality_name, org_kind, numerator AS num, denominator AS den, share_pct, round(previous_share::numeric, 2) AS prev,
       round(change_pp::numeric, 6) AS change_pp, rank, ranked, previous_rank AS prev_rank, mover, rag, rag_ru, suppressed
FROM fc_kpi.rankings
WHERE week_start = '2025-11-03' AND indicator = 'staff_weekly_writers' AND level = 'organisation'
ORDER BY rank NULLS LAST, org_id;
-- municipalities: Alpha .60, Beta .50, Gamma .50 ranked 1 2 2 (3 ranked); the regional bodies (.47) keep
-- their row but are not ranked among them (1.5); the week before .56 .40 .46 (ranks 1 3 2); the three rose
-- (+4 +10 +4): all top (the regional bodies are no mover); all below 0.65: red.  Org kinds: spo 139/200 = .695 (rank 1, was 115/200 = .575: rank 1), general .60 (rank 2,
-- was .57: 2).  learners: Alpha .20 ranked alone, Gamma suppressed (4 people); ejournal_connected has no
-- target (grey); officials Beta 0/0 (unranked, grey)
SELECT indicator, level, level_ru, coalesce(municipality_name, org_kind_ru) AS grp, share_pct, round(change_pp::numeric, 6) AS change_pp,
       rank, ranked, previous_rank AS prev_rank, mover, rag, suppressed
FROM fc_kpi.rankings
WHERE week_start = '2025-11-03' AND level IN ('municipality', 'org_kind')
ORDER BY indicator, level, rank NULLS LAST, municipality_id;
-- only the monitored platform: the vk rows of 2025/2026 are not ranked; at 2025-08-25 vk is
SELECT week_start, platform, count(*) FROM fc_kpi.rankings
WHERE week_start IN ('2025-08-25', '2025-11-03') AND indicator = 'staff_weekly_writers' AND level = 'municipality'
GROUP BY 1, 2 ORDER BY 1, 2;

-- ==== independent oracle for the rankings: ranks as 1 + the number of groups with a larger share, the
-- previous week by a plain join, movers by counting larger changes, rag from the shares, every week
WITH base AS (
    SELECT s.week_start, s.indicator, s.platform, s.level, s.region_code, s.municipality_id, s.org_kind, s.org_id,
           CASE WHEN s.denominator > 0 AND NOT (d.unit = 'person' AND s.denominator < 5)
                THEN least(s.numerator, s.denominator)::float8 / s.denominator END AS share,
           s.target_threshold, s.target_met, s.numerator, s.denominator,
           -- the regional bodies keep their row but are never ranked among municipalities
           s.level = 'municipality' AND s.municipality_id IS NULL AS bodies
    FROM fc_kpi.store s JOIN indicator_definition d USING (indicator)
    WHERE s.level IN ('municipality', 'organisation', 'org_kind')
), ranked AS (
    SELECT b.*, (SELECT count(*) FROM base o WHERE o.week_start = b.week_start AND o.indicator = b.indicator
                   AND o.platform = b.platform AND o.level = b.level AND o.region_code = b.region_code
                   AND NOT o.bodies AND o.share > b.share) + 1 AS rk
    FROM base b
), cur AS (
    SELECT c.*, CASE WHEN c.share IS NOT NULL AND NOT c.bodies THEN c.rk END AS rank_o, p.share AS prev_share,
           CASE WHEN p.share IS NOT NULL AND NOT p.bodies THEN p.rk END AS prev_rank_o, 100 * (c.share - p.share) AS change_o
    FROM ranked c
    LEFT JOIN ranked p ON p.week_start = c.week_start - 7 AND p.indicator = c.indicator AND p.platform = c.platform
         AND p.level = c.level AND p.region_code = c.region_code AND p.municipality_id IS NOT DISTINCT FROM c.municipality_id
         AND p.org_kind IS NOT DISTINCT FROM c.org_kind AND p.org_id IS NOT DISTINCT FROM c.org_id
    WHERE c.platform IN ('any', CASE WHEN school_year(c.week_start) >= 2025 THEN 'national' ELSE 'vk' END)
), oracle AS (
    SELECT c.*,
           CASE WHEN c.bodies THEN NULL
                WHEN c.change_o > 0 AND (SELECT count(*) FROM cur o WHERE o.week_start = c.week_start AND o.indicator = c.indicator
                      AND o.platform = c.platform AND o.level = c.level AND o.region_code = c.region_code
                      AND NOT o.bodies AND o.change_o > c.change_o) < 5 THEN 'top'
                WHEN c.change_o < 0 AND (SELECT count(*) FROM cur o WHERE o.week_start = c.week_start AND o.indicator = c.indicator
                      AND o.platform = c.platform AND o.level = c.level AND o.region_code = c.region_code
                      AND NOT o.bodies AND o.change_o < c.change_o) < 5 THEN 'bottom'
           END AS mover_o,
           CASE WHEN c.share IS NULL OR c.target_threshold IS NULL OR c.target_met IS NULL THEN 'grey'
                WHEN c.target_met THEN 'green'
                WHEN 100 * least(c.numerator, c.denominator) >= (100 * c.target_threshold::numeric - 10) * c.denominator THEN 'amber'
                ELSE 'red' END AS rag_o,
           count(c.share) FILTER (WHERE NOT c.bodies) OVER (PARTITION BY c.week_start, c.indicator, c.platform, c.level, c.region_code) AS ranked_o,
           CASE WHEN c.share IS NOT NULL AND NOT c.bodies
                THEN (SELECT count(*) FROM cur o WHERE o.week_start = c.week_start AND o.indicator = c.indicator
                        AND o.platform = c.platform AND o.level = c.level AND o.region_code = c.region_code
                        AND NOT o.bodies AND o.share = c.share) - 1 END AS tied_o
    FROM cur c
)
SELECT count(*) AS rows_compared,
       count(*) FILTER (WHERE r.rank IS DISTINCT FROM o.rank_o OR r.previous_rank IS DISTINCT FROM o.prev_rank_o
                           OR r.ranked <> o.ranked_o OR r.share IS DISTINCT FROM o.share
                           OR r.previous_share IS DISTINCT FROM o.prev_share OR r.change_pp IS DISTINCT FROM o.change_o
                           OR r.mover IS DISTINCT FROM o.mover_o OR r.rag <> o.rag_o OR r.tied IS DISTINCT FROM o.tied_o) AS differing,
       (SELECT count(*) FROM fc_kpi.rankings) AS rankings_rows
FROM oracle o
JOIN fc_kpi.rankings r ON r.week_start = o.week_start AND r.indicator = o.indicator AND r.platform = o.platform
     AND r.level = o.level AND r.region_code = o.region_code AND r.municipality_id IS NOT DISTINCT FROM o.municipality_id
     AND r.org_kind IS NOT DISTINCT FROM o.org_kind AND r.org_id IS NOT DISTINCT FROM o.org_id;

-- ==== a BI role that grant_reader let read the views reads the forecast, the rankings and forecast()
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_fc_bi;
RESET client_min_messages;
CREATE ROLE regress_fc_bi;
SELECT grant_reader('regress_fc_bi', 'fc_kpi') > 0 AS granted;
SET ROLE regress_fc_bi;
SELECT (SELECT count(*) FROM fc_kpi.forecast) AS forecast_rows, (SELECT count(*) FROM forecast('fc_kpi', '2025-10-27')) AS at_week,
       (SELECT count(*) FROM fc_kpi.rankings WHERE week_start = '2025-11-03') AS ranking_rows;
\set VERBOSITY terse
SELECT count(*) FROM fc_kpi.store;
\set VERBOSITY default
RESET ROLE;
-- plain types only, and a comment on every view and column
SELECT c.relname, count(*) AS columns,
       count(*) FILTER (WHERE a.atttypid NOT IN ('bigint'::regtype, 'integer'::regtype, 'double precision'::regtype,
                                                 'numeric'::regtype, 'date'::regtype, 'timestamptz'::regtype,
                                                 'text'::regtype, 'boolean'::regtype)) AS other_types,
       count(*) FILTER (WHERE col_description(c.oid, a.attnum) IS NULL) AS without_comment,
       obj_description(c.oid, 'pg_class') IS NOT NULL AS commented
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relnamespace = 'fc_kpi'::regnamespace AND c.relname IN ('forecast', 'forecast_by_week', 'rankings')
GROUP BY c.oid, c.relname ORDER BY 1;
-- the column order the report reads
SELECT string_agg(attname, ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'fc_kpi.forecast'::regclass AND attnum > 0;
SELECT string_agg(attname, ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'fc_kpi.rankings'::regclass AND attnum > 0;

-- ==== errors
\set VERBOSITY terse
SELECT * FROM forecast(NULL);
SELECT * FROM forecast('no_such_schema');
SELECT * FROM forecast('fc_kpi', 'infinity');
SELECT build_forecast_views('fc', 'fc', 5, false);
\set VERBOSITY default
-- the t quantiles: table ends
SELECT forecast_t90(1) AS t1, forecast_t90(4) AS t4, forecast_t90(51) AS t51, forecast_t90(0) AS t0, forecast_t90(52) AS t52;

-- rebuild_views re-creates them in place (the BI role keeps its grant)
SELECT schema_name, status FROM rebuild_views('fc_kpi');
SELECT has_table_privilege('regress_fc_bi', 'fc_kpi.forecast', 'SELECT') AS bi_keeps_forecast,
       has_table_privilege('regress_fc_bi', 'fc_kpi.rankings', 'SELECT') AS bi_keeps_rankings;

SET client_min_messages = warning;
DROP SCHEMA fc_kpi CASCADE;
DROP SCHEMA fc CASCADE;
DROP OWNED BY regress_fc_bi;
DROP ROLE regress_fc_bi;
RESET client_min_messages;
DELETE FROM view_set WHERE schema_name = 'fc_kpi';
DELETE FROM indicator_history WHERE region_code = 'F1';
