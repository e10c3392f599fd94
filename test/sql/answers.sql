-- Answers an authority acts on (1.5): stage_results and action_list on the
-- hand-built region of views_small (two weeks, W1 = 2024-09-02, W2 = 2024-09-09).
SET search_path = public, sferum_kpi;
SET client_min_messages = warning;
\i test/fixtures/tiny_region.sql
SELECT count(*) FROM backfill('tiny_kpi', '2024-09-02', '2024-09-15');
RESET client_min_messages;

-- ==== action_list, W1 and W2.  By hand (organisations of views_small: A 10, B 11, C 12 kindergarten,
-- D 13 college without municipality, E 14 private, F 15 music school, 20 ministry, 21 omsu, 22 regional centre):
--  not_connected: D (never registered: orgs_connected and, a college, spo_registered), F in W1 only (registered 09-12)
--  not_active:    B in W1 (admin 09-10, data 09-10, teachers 104 09-03 only: 1 of 3), C (no data; 1 teacher),
--                 D (nothing; 0), F (registered, data filled, 107 added but leaves after W1: 1 then 0 of 3)
--  no_ejournal:   B (general, no e-journal); A has one, the others are not schools
--  not_started:   on vk (2024/2025): C for active_teachers only (a kindergarten: no roadmap indicator holds it),
--                 D for three indicators, the ministry and the regional centre for officials_weekly_writers
--  gone_quiet:    none with quiet_weeks 2 (two weeks only); with 1, in W2: F (107 and 304 wrote or read on vk
--                 in W1, nobody in W2) and the omsu Alpha education (202 wrote on vk in W1, only on national in W2)
--  below_stage:   the organisations with some activity and people short of the week's stage
--  the private school E is in no scope: never listed
SELECT week_start, org_name, reason, detail_ru, indicators, people, people_short
FROM tiny_kpi.action_list ORDER BY week_start, org_id, reason;
-- every reason has its label; an organisation appears under an indicator only when that indicator's
-- scope holds it: its organisation row of that indicator is in the store
SELECT count(*) FILTER (WHERE reason_ru IS NULL) AS unlabelled,
       count(*) FILTER (WHERE NOT EXISTS (
           SELECT 1 FROM tiny_kpi.store s, unnest(string_to_array(a.indicators, ', ')) i
            WHERE s.week_start = a.week_start AND s.level = 'organisation' AND s.org_id = a.org_id AND s.indicator = i)) AS out_of_scope,
       count(*) FILTER (WHERE org_id = 14) AS private_listed
FROM tiny_kpi.action_list a;
-- the setting applies when the answers are stored (refresh_answers, run by every refresh)
SET sferum_kpi.quiet_weeks = 1;
SELECT answer, rows_stored FROM refresh_answers('tiny_kpi');
SELECT week_start, org_name, reason, detail_ru, indicators FROM tiny_kpi.action_list WHERE reason = 'gone_quiet';
-- W2 a holiday week of the region: silence there is never gone quiet (refresh_holidays stores the answers again)
INSERT INTO tiny.school_holiday VALUES ('T1', '2024-09-09', '2024-09-13', 'other');
SELECT refresh_holidays('tiny_kpi');
SELECT count(*) AS gone_quiet_in_holidays FROM tiny_kpi.action_list WHERE reason = 'gone_quiet';
RESET sferum_kpi.quiet_weeks;
DELETE FROM tiny.school_holiday;
SELECT refresh_holidays('tiny_kpi');
-- the stored answers are the live ones, row for row and in order
SELECT (SELECT count(*) FROM (SELECT week_start, org_id, reason, indicators, people_short FROM tiny_kpi.action_list
                              EXCEPT ALL SELECT week_start, org_id, reason, indicators, people_short FROM tiny_kpi.live_action_list) d) AS stored_not_live,
       (SELECT count(*) FROM (SELECT week_start, org_id, reason, indicators, people_short FROM tiny_kpi.live_action_list
                              EXCEPT ALL SELECT week_start, org_id, reason, indicators, people_short FROM tiny_kpi.action_list) d) AS live_not_stored,
       (SELECT array_agg(org_id ORDER BY ord) FROM (SELECT org_id, row_number() OVER () AS ord FROM tiny_kpi.action_list) x)
       = (SELECT array_agg(org_id ORDER BY ord) FROM (SELECT org_id, row_number() OVER () AS ord FROM tiny_kpi.live_action_list) x) AS same_order;

-- ==== stage_results: the 2023 and 2025 deadlines have passed (today is after 2025), their result
-- weeks are not stored (2023-05-22 ..., 2025-09-22, 2025-12-22): deadline_no_data, the groups of the
-- latest stored week listed with no figures
SELECT indicator, stage, deadline, result_week, count(*) AS groups, min(status) AS status, min(status_ru) AS status_ru,
       count(share) AS shares, count(met) AS judged
FROM tiny_kpi.stage_results GROUP BY 1, 2, 3, 4 ORDER BY 1, 2;
-- a stage whose result week is stored: a region row for orgs_connected due on Sunday 2024-09-15 (its own
-- week), and one due Wednesday 2024-09-11 (judged on the week before, 2024-09-02)
INSERT INTO target (indicator, stage, region_code, deadline, comparison, threshold, title_ru, title_en, source_document)
VALUES ('orgs_connected', 2, 'T1', '2024-09-15', '>=', 0.80, 'Тест', 'Test', 'test'),
       ('orgs_connected', 3, 'T1', '2024-09-11', '>=', 0.80, 'Тест', 'Test', 'test');
-- stage_results is stored at refresh time (refresh_targets does it after a DBA's edit of the catalog
-- that changes a stored judgement; here none does, so the answers are refreshed by hand)
SELECT string_agg(answer, ', ' ORDER BY answer) AS refreshed FROM refresh_answers('tiny_kpi');
-- W1 3/5 = 0.6 < 0.8: missed, 1 short; W2 4/5 = 0.8: met
SELECT stage, deadline, result_week, level, municipality_name, numerator, denominator, round(share::numeric, 4) AS share,
       threshold, met, people_short, status, status_ru
FROM tiny_kpi.stage_results WHERE indicator = 'orgs_connected' AND stage IN (2, 3)
ORDER BY stage, level DESC, municipality_id NULLS LAST;
-- the result week on a holiday week moves to the school week before: W2 a holiday week, stage 2 is
-- judged on W1
INSERT INTO tiny.school_holiday VALUES ('T1', '2024-09-09', '2024-09-13', 'other');
SELECT refresh_holidays('tiny_kpi');
SELECT stage, result_week, numerator, denominator, met, status FROM tiny_kpi.stage_results
WHERE indicator = 'orgs_connected' AND stage = 2 AND level = 'region';
-- a deadline not reached yet: upcoming, with the days left from today in the region's time zone
UPDATE target SET deadline = (now() AT TIME ZONE 'Europe/Moscow')::date + 30 WHERE indicator = 'orgs_connected' AND stage = 2 AND region_code = 'T1';
SELECT count(*) AS answers FROM refresh_answers('tiny_kpi');
SELECT stage, status, status_ru, days_left = 30 AS thirty_days_left, met IS NULL AS not_judged_yet
FROM tiny_kpi.stage_results WHERE indicator = 'orgs_connected' AND stage = 2 AND level = 'region';
-- the status follows today when the view is read, not when the row was stored: the same stored row,
-- its deadline moved into the past in the table, reads as a final result (here no data: W1 is judged
-- on no stored week of this deadline)
UPDATE tiny_kpi.stage_results_store SET deadline = deadline - 60
WHERE indicator = 'orgs_connected' AND stage = 2 AND level = 'region';
SELECT stage, status, status_ru, days_left FROM tiny_kpi.stage_results
WHERE indicator = 'orgs_connected' AND stage = 2 AND level = 'region';
DELETE FROM target WHERE region_code = 'T1';

-- a BI role reads a baseline stage's result: the baseline comes from indicator_history, which
-- grant_reader never grants (target_status reads it as the history's owner), in a new session
-- (no baseline cached); the same from forecast_by_week
INSERT INTO target (indicator, stage, region_code, deadline, comparison, rule, baseline_platform, baseline_school_year,
                    title_ru, title_en, source_document)
VALUES ('staff_weekly_writers', 9, 'T1', '2024-09-15', '>=', 'baseline_max', 'vk', 2024, 'Тест', 'Test', 'test');
SELECT count(*) AS answers FROM refresh_answers('tiny_kpi');
CREATE ROLE answers_bi;
SELECT grant_reader('answers_bi', 'tiny_kpi') > 0 AS granted;
\c -
SET ROLE answers_bi;
SELECT stage, result_week, numerator, denominator,
       round(threshold::numeric, 4) AS baseline, met, status
FROM tiny_kpi.stage_results WHERE indicator = 'staff_weekly_writers' AND stage = 9 AND level = 'region';
SELECT count(*) > 0 AS forecast_read FROM tiny_kpi.forecast_by_week;
-- and target_status itself, as the store's judgement calls it (the baseline read as its owner)
SELECT met, threshold FROM sferum_kpi.target_status('staff_weekly_writers', sferum_kpi.kpi_ratio(5, 8), '2024-09-15', 'T1');
SELECT count(*) AS history_rows FROM sferum_kpi.indicator_history;
RESET ROLE;
SET search_path = public, sferum_kpi;
DELETE FROM target WHERE region_code = 'T1';
DROP OWNED BY answers_bi;
DROP ROLE answers_bi;

-- plain types for BI tools, every column commented
SELECT c.relname, string_agg(DISTINCT format_type(a.atttypid, a.atttypmod), ',' ORDER BY format_type(a.atttypid, a.atttypmod)) AS types,
       count(*) = count(col_description(c.oid, a.attnum)) AS all_commented
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relnamespace = 'tiny_kpi'::regnamespace AND c.relname IN ('stage_results', 'action_list')
GROUP BY c.relname ORDER BY 1;

SET client_min_messages = warning;
DROP SCHEMA tiny, tiny_kpi CASCADE;
DELETE FROM view_set WHERE schema_name = 'tiny_kpi';
DELETE FROM indicator_history WHERE region_code = 'T1';
RESET client_min_messages;
