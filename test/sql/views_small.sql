-- KPI views on a hand-built region: every value below was worked out by hand
-- (see the comments) for two weeks, W1 = 2024-09-02..08 and W2 = 2024-09-09..15.
SET search_path = public, sferum_kpi;
\i test/fixtures/tiny_region.sql
-- The views read the weekly KPI store (1.4): fill it.  backfill prints a NOTICE
-- per week with its time; the timings are hidden here.
SET client_min_messages = warning;
SELECT * FROM backfill('tiny_kpi', '2024-09-02', '2024-09-15');
RESET client_min_messages;

-- Region level, both weeks, every indicator and platform. By hand:
--  orgs_connected      any  W1 3/5 (A, B, C; not D, F)          W2 4/5 (F registered 09-12)
--  spo_registered      any  W1 0/1                              W2 0/1
--  ejournal_connected  any  W1 1/2 (A)                          W2 1/2
--  active_orgs         any  W1 1/5 (A: 3 teachers added)        W2 2/5 (B: admin 09-10, teachers 101,104,105)
--  staff_using         any  W1 5/8 (101,102,104,106,107 of 101-107,110)   W2 5/7 (107 left; 105 verified)
--  active_teachers     vk   W1 3/8 (101: 11, 102: 10, 107: 20; 103 unverified, 104: 9)   W2 2/7 (101, 104)
--                      nat  W1 1/8 (106)                        W2 1/7 (105)
--  chats_10_per_week   vk   W1 1/1 (chat 1: 12)                 W2 1/2 (chat 3: 10; chat 1: 4)
--                      nat  W1 0/1 (chat 4: 9)                  W2 no chat open
--  staff_weekly_writers vk  W1 5/8 (101,102,103,104,107)        W2 4/7 (101,102,104,108)
--                      nat  W1 0/8                              W2 1/7 (105)
--  learners_parents    vk   W1 3/12 (301, 401, 304; 303 preschool)   W2 0/12
--                      nat  W1 1/12 (302)                       W2 2/12 (401, 304)
--  national_only_users any  W1 2/11 (302, 201)                  W2 6/10 (105, 401, 304, 203, 201, 202)
--  officials_weekly    vk   W1 1/6 (202)                        W2 0/6
--                      nat  W1 2/6 (201, 202)                   W2 3/6 (201, 202, 203)
SELECT indicator, week_start, platform, numerator, denominator, round(share::numeric, 4) AS share
FROM tiny_kpi.all_indicators WHERE level = 'region'
ORDER BY indicator, week_start, platform;

-- Distinct people per level: 101 teaches in A (Alpha) and B (Beta) and is verified only in A.
--  staff_using W1: B 1/3 (104; not 101 there, not 105 yet); Beta 2/4 (104, 107 of 101,104,105,107);
--  Alpha 3/4 (101,102,106 of 101,102,103,106); regional bodies (no municipality) 0/1 (110)
SELECT level, municipality_name, org_kind, org_name, numerator, denominator
FROM tiny_kpi.staff_using WHERE week_start = '2024-09-02' AND level <> 'region'
ORDER BY level, municipality_name NULLS LAST, org_kind, org_name;
-- learners_parents vk W1: A 2/4 (301, 401), B 1/2 (401), F 1/6 (304), D 0/0 (no pupils: share NULL);
-- Alpha 2/4, Beta 2/8 (401 counted once), general 2/6 (401 once), do 1/6, spo 0/0
SELECT level, municipality_name, org_kind, org_name, numerator, denominator, round(share::numeric, 4) AS share
FROM tiny_kpi.learners_parents_weekly WHERE week_start = '2024-09-02' AND platform = 'vk' AND level <> 'region'
ORDER BY level, municipality_name NULLS LAST, org_kind, org_name;
-- officials national W2 per body: Ministry 1/3 (201; 204 silent), Alpha education 1/2, Regional centre 1/1
SELECT level, org_name, numerator, denominator
FROM tiny_kpi.officials_weekly_writers WHERE week_start = '2024-09-09' AND platform = 'national' AND level = 'organisation'
ORDER BY org_name;

-- targets on the rows: 2023 targets are due (deadlines in 2023, last stage), 2025 stage 1 is a baseline
SELECT indicator, platform, target_stage, target_deadline, target_threshold, target_met, target_due, target_in_force
FROM tiny_kpi.all_indicators WHERE level = 'region' AND week_start = '2024-09-09'
ORDER BY indicator, platform;

-- a DBA who deletes an indicator's targets keeps the indicator's rows, with no target
-- (the store judged its values when they were computed: refresh_targets judges them again)
BEGIN;
DELETE FROM target WHERE indicator = 'spo_registered';
SELECT refresh_targets('tiny_kpi') AS rows_judged_again;
SELECT indicator, week_start, numerator, denominator, target_stage, target_met
FROM tiny_kpi.spo_registered WHERE level = 'region' ORDER BY week_start;
ROLLBACK;

-- the live views: a week filter reaches the activity scan as a day range (index on day): one week is read, not all
CREATE FUNCTION pg_temp.plan_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE line text; plan text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP plan := plan || line || E'\n'; END LOOP;
    RETURN plan;
END $$;
SET enable_seqscan = off;
SELECT p LIKE '%activity_daily_day_idx%' AND p ~ 'Index Cond: \(\(day >= .*AND \(day <= ' AS one_week_read
FROM pg_temp.plan_of($$SELECT * FROM tiny_kpi.live_staff_weekly_writers WHERE week_start = '2024-09-09' AND level = 'region'$$) p;
RESET enable_seqscan;

-- history: snapshot is idempotent, backfill covers a range, the baseline comes from vk 2024/2025
SET client_min_messages = warning;
SELECT * FROM backfill('tiny_kpi', '2024-09-02', '2024-09-15');   -- nothing changes
RESET client_min_messages;
SELECT snapshot_week('tiny_kpi', '2024-09-11');                    -- any day of the week names it
SELECT indicator, platform, week, value FROM indicator_history WHERE region_code = 'T1' ORDER BY 1, 2, 3;
SELECT baseline('staff_weekly_writers', 'T1') AS best_vk_week, baseline('learners_parents_weekly', 'T1') AS best_vk_week_2;
SELECT target_met('staff_weekly_writers', 0.62, '2025-09-29', 'T1') AS above_5_of_8,
       target_met('staff_weekly_writers', 0.625, '2025-09-29', 'T1') AS at_5_of_8;

-- the dashboard: one row per indicator (milestones from loaded counts) for the latest complete week
INSERT INTO tiny.milestone_progress VALUES ('T1', 'staff_trained', '2024-09-10', 9, 10);
SELECT indicator, kind, platform, week_start, numerator, denominator, round(share::numeric, 4) AS share,
       round(previous_share::numeric, 4) AS previous, trend, target_stage, target_met, target_due
FROM tiny_kpi.dashboard ORDER BY kind, indicator;

-- Small-cell protection (default min_cell 5): below the region level, person
-- indicators of groups with fewer than 5 people show no numerator, share or
-- target_met.  By hand, staff_using W1: Alpha 3/4 and Beta 2/4 are suppressed,
-- the region (5/8) is not; orgs_connected counts organisations, never suppressed.
SELECT create_kpi_views('tiny', 'tiny_pub');
SET client_min_messages = warning;
SELECT count(*) AS weeks FROM backfill('tiny_pub', '2024-09-02', '2024-09-15');
RESET client_min_messages;
SELECT indicator, level, municipality_name, org_name, numerator, denominator, share, suppressed, target_met
FROM tiny_pub.all_indicators
WHERE week_start = '2024-09-02' AND indicator IN ('staff_using', 'orgs_connected') AND level IN ('region', 'municipality')
ORDER BY indicator, level, municipality_name NULLS FIRST;
-- min_cell 3: a group of 3 or more shows its figures (B has 3 teachers in W1: 1/3)
SELECT create_kpi_views('tiny', 'tiny_k3', min_cell => 3);
SET client_min_messages = warning;
SELECT count(*) AS weeks FROM backfill('tiny_k3', '2024-09-02', '2024-09-15');
RESET client_min_messages;
SELECT org_name, numerator, denominator, suppressed FROM tiny_k3.staff_using
WHERE week_start = '2024-09-02' AND level = 'organisation' ORDER BY org_name;
-- the region level is what the history stores: identical with and without suppression
SELECT count(*) AS region_rows_differing FROM (
    SELECT indicator, week_start, platform, numerator, denominator FROM tiny_pub.all_indicators WHERE level = 'region'
    EXCEPT
    SELECT indicator, week_start, platform, numerator, denominator FROM tiny_kpi.all_indicators WHERE level = 'region') d;
-- a suppressed cell cannot be recovered from share or target_met either
SELECT count(*) AS leaking_rows FROM tiny_pub.all_indicators
WHERE suppressed AND (numerator IS NOT NULL OR share IS NOT NULL OR target_met IS NOT NULL);
SELECT count(*) FILTER (WHERE suppressed) AS suppressed_rows, count(*) AS rows FROM tiny_pub.all_indicators;
SET client_min_messages = warning;
DROP SCHEMA tiny_pub CASCADE;
DROP SCHEMA tiny_k3 CASCADE;
RESET client_min_messages;
DELETE FROM view_set WHERE schema_name IN ('tiny_pub', 'tiny_k3');

-- errors (without CONTEXT: the line numbers of the functions that raise them are not the point)
\set SHOW_CONTEXT never
SELECT create_mart('tiny');
SELECT create_kpi_views('no_such_schema', 'x');
SELECT create_kpi_views('tiny', 'x', min_cell => -1);
SELECT snapshot_week('no_such_views', '2024-09-02');
SELECT * FROM backfill('tiny_kpi', '2024-09-15', '2024-09-02');
\set SHOW_CONTEXT errors

-- Edge cases the generator never makes (spec §3-§5 decisions), on a second hand-built mart.
-- W1 = 2025-09-22..28, W2 = 2025-09-29..10-05 (the week of the 2025-10-01 deadline).
-- School E: teachers 1, 2, 3 in the community; 3 leaves on Wednesday 10-01 (mid-W2);
-- 4 joins as a teacher on 09-24 and was never added to the community.
SELECT create_mart('edge');
INSERT INTO edge.region VALUES ('E1', 'Edge region', 'Europe/Moscow');
INSERT INTO edge.municipality VALUES (1, 'E1', 'Gamma');
INSERT INTO edge.organisation (org_id, region_code, municipality_id, name, kind, ownership,
                               registered_on, admin_logged_in_on, data_filled_on) VALUES
  (10, 'E1', 1, 'School E', 'general', 'municipal', '2025-01-01', '2025-01-01', '2025-01-01');
INSERT INTO edge.person SELECT p, 'E1' FROM generate_series(1, 7) p;
INSERT INTO edge.membership (person_id, org_id, role, since, until, sferum_added_on, role_confirmed_on) VALUES
  (1, 10, 'teacher', '2020-01-01', NULL,         '2025-01-01', '2025-01-01'),
  (2, 10, 'teacher', '2020-01-01', NULL,         '2025-01-01', '2025-01-01'),
  (3, 10, 'teacher', '2020-01-01', '2025-10-01', '2025-01-01', '2025-01-01'),   -- leaves mid-W2
  (4, 10, 'teacher', '2025-09-24', NULL,         NULL,         NULL),           -- a teacher from 09-24
  (5, 10, 'pupil',   '2020-01-01', NULL,         '2025-01-01', NULL),
  (6, 10, 'pupil',   '2020-01-01', NULL,         '2025-01-01', NULL),
  (7, 10, 'parent',  '2020-01-01', NULL,         '2025-01-01', NULL);
-- the statistical form is behind the registry: 1 pupil declared (denominator 2 pupils and parents)
INSERT INTO edge.stat_form VALUES (10, 2025, 1, 4, 0);
INSERT INTO edge.chat VALUES
  (100, 10, 4, 'national', '2025-09-22', NULL),   -- created before its creator became a teacher (09-24)
  (101, 10, 1, 'national', '2025-09-15', NULL),   -- created by a teacher
  (102, 10, 3, 'national', '2025-10-02', NULL);   -- created the day after its creator left
INSERT INTO edge.chat_daily VALUES (100, '2025-09-23', 15), (101, '2025-09-23', 12), (102, '2025-10-03', 20);
INSERT INTO edge.activity_daily (person_id, day, platform, messages_written, messages_read) VALUES
  (1, '2025-09-23', 'national', 12, 0), (1, '2025-09-30', 'national', 12, 0),
  (5, '2025-09-30', 'national', 0, 1), (6, '2025-10-01', 'national', 0, 1), (7, '2025-10-05', 'national', 1, 1);
SELECT create_kpi_views('edge', 'edge_kpi', min_cell => 0);
SET client_min_messages = warning;
SELECT * FROM backfill('edge_kpi', '2025-09-22', '2025-10-05');
RESET client_min_messages;

-- active_orgs: the three teachers count as of Sunday. W1: 1, 2, 3 -> active (1/1).
-- W2: on Sunday 10-05 only 1 and 2 (3 left on Wednesday, 4 never added) -> not active (0/1).
-- chats_10_per_week national: chat 100 (creator not yet a teacher) and chat 102 (creator gone)
-- are out of scope. W1: chat 101 with 12 messages -> 1/1. W2: chat 101 silent -> 0/1.
SELECT indicator, week_start, platform, numerator, denominator
FROM edge_kpi.all_indicators
WHERE level = 'region' AND indicator IN ('active_orgs', 'chats_10_per_week') AND platform IN ('any', 'national')
ORDER BY indicator, week_start;

-- a share above 100 %: 3 pupils and parents active over 1 declared pupil x 2. The raw numerator
-- stays visible, the share and the target are judged as exactly 100 %.
-- (stage 1 is a baseline with no vk history here: a regional 100 % stage shows the judgement)
BEGIN;
INSERT INTO target (indicator, stage, region_code, deadline, comparison, rule, threshold, title_ru, title_en, source_document)
VALUES ('learners_parents_weekly', 1, 'E1', '2025-10-01', '>=', 'fixed', 1, 'т', 't', 'test');
SELECT refresh_targets('edge_kpi') > 0 AS judged_again;
SELECT week_start, level, numerator, denominator, share, target_stage, target_threshold, target_met
FROM edge_kpi.learners_parents_weekly
WHERE week_start = '2025-09-29' AND platform = 'national' AND level IN ('region', 'organisation')
ORDER BY level;
ROLLBACK;

-- "due" for a week: the stage due once its deadline falls on or before the week's Sunday.
-- Stage 1 of staff_weekly_writers (deadline Wednesday 2025-10-01) is due in W2, not in W1;
-- the views, target_status and the dashboard (latest complete week: W2) agree.
WITH d AS MATERIALIZED (SELECT week_start, target_due FROM edge_kpi.dashboard WHERE indicator = 'staff_weekly_writers')
SELECT v.week_start, v.target_stage, v.target_deadline, v.target_due AS view_due,
       (target_status('staff_weekly_writers', 0.5, v.week_start, 'E1')).due AS target_status_due,
       d.target_due AS dashboard_due
FROM edge_kpi.staff_weekly_writers v LEFT JOIN d USING (week_start)
WHERE v.level = 'region' AND v.platform = 'national'
ORDER BY v.week_start;

-- the plain-SQL oracle of the views agrees on both hand-built marts
\set mart edge
\set views edge_kpi
\set ECHO none
\o /dev/null
\i test/fixtures/views_oracle.sql
\o
\set ECHO all
SELECT 'edge' AS mart, (SELECT count(*) FROM oracle_result) AS groups, (SELECT count(*) FROM oracle_mismatch) AS mismatches;
\set mart tiny
\set views tiny_kpi
\set ECHO none
\o /dev/null
\i test/fixtures/views_oracle.sql
\o
\set ECHO all
SELECT 'tiny' AS mart, (SELECT count(*) FROM oracle_result) AS groups, (SELECT count(*) FROM oracle_mismatch) AS mismatches;
SET client_min_messages = warning;
DROP SCHEMA edge_kpi, edge CASCADE;
RESET client_min_messages;
DELETE FROM view_set WHERE schema_name = 'edge_kpi';
DELETE FROM indicator_history WHERE region_code = 'E1';

-- the views depend on the extension: DROP EXTENSION refuses; the mart has no dependency on it
-- (in a transaction that is rolled back, so a failure here cannot take the extension away)
\set VERBOSITY terse
BEGIN;
DROP EXTENSION sferum_kpi;
ROLLBACK;
\set VERBOSITY default
SELECT count(*) AS extension_objects_in_mart FROM pg_depend d
WHERE d.refclassid = 'pg_extension'::regclass AND d.objid IN (SELECT c.oid FROM pg_class c WHERE c.relnamespace = 'tiny'::regnamespace);
-- every view and every view column is documented for BI tools
SELECT count(*) AS views,
       count(*) FILTER (WHERE obj_description(c.oid, 'pg_class') IS NULL) AS views_without_comment,
       (SELECT count(*) FROM pg_attribute a JOIN pg_class v ON v.oid = a.attrelid
        WHERE v.relnamespace = 'tiny_kpi'::regnamespace AND a.attnum > 0 AND v.relkind = 'v'
          AND col_description(v.oid, a.attnum) IS NULL) AS columns_without_comment
FROM pg_class c WHERE c.relnamespace = 'tiny_kpi'::regnamespace AND c.relkind = 'v';
-- and so are the store and its log (not their partitions, which BI never reads)
SELECT c.relname, obj_description(c.oid, 'pg_class') IS NOT NULL AS commented,
       (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
          AND col_description(c.oid, a.attnum) IS NULL) AS columns_without_comment
FROM pg_class c WHERE c.relnamespace = 'tiny_kpi'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY 1;

-- DROP EXTENSION ... CASCADE drops the views, never the mart's data
SELECT (SELECT count(*) FROM tiny.activity_daily) AS activity_before, (SELECT count(*) FROM tiny.membership) AS members_before;
SET client_min_messages = warning;
DROP EXTENSION sferum_kpi CASCADE;
RESET client_min_messages;
SELECT (SELECT count(*) FROM tiny.activity_daily) AS activity_after, (SELECT count(*) FROM tiny.membership) AS members_after,
       to_regclass('tiny_kpi.dashboard') AS dashboard_view;
CREATE EXTENSION sferum_kpi;
SET client_min_messages = warning;
DROP SCHEMA tiny_kpi CASCADE;
DROP SCHEMA tiny CASCADE;
RESET client_min_messages;
