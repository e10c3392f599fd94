-- data_quality and not_started (issue 12) on hand-built data: every expected
-- value below is worked out by hand in the comments.
SET search_path = public, sferum_kpi;

--------------------------------------------------------------------------------
-- data_quality.  Mart qm, region Q1, school year 2025/2026, four weeks
-- W1 2025-09-01, W2 09-08, W3 09-15, W4 09-22 (to Sunday 09-28).  One error of
-- each kind is planted; the comments say what each check must find.
--------------------------------------------------------------------------------
SELECT create_mart('qm');
INSERT INTO qm.region VALUES ('Q1', 'Quality region', 'Europe/Moscow');
INSERT INTO qm.municipality VALUES (1, 'Q1', 'Alpha');
INSERT INTO qm.organisation (org_id, region_code, municipality_id, name, kind, ownership) VALUES
  (10, 'Q1', 1,    'School A',        'general',     'municipal'),
  (11, 'Q1', 1,    'School B',        'general',     'municipal'),   -- no statistical form for 2025
  (12, 'Q1', NULL, 'Kindergarten C',  'preschool',   'municipal'),   -- no municipality, not a regional body
  (20, 'Q1', NULL, 'Ministry',        'roiv',        'state'),       -- regional bodies: no municipality, fine
  (22, 'Q1', NULL, 'Regional centre', 'subordinate', 'state'),
  (23, 'Q1', NULL, 'Institute',       'dpo',         'state');
INSERT INTO qm.person SELECT p, 'Q1' FROM unnest(ARRAY[101, 102, 103, 201, 202, 203, 301, 302, 401, 402]) p;
INSERT INTO qm.membership (person_id, org_id, role, since, until) VALUES
  (101, 10, 'teacher',  '2020-01-01', NULL),
  (102, 10, 'teacher',  '2025-09-10', NULL),          -- joins on Wednesday of W2
  (103, 10, 'teacher',  '2020-01-01', '2025-08-31'),  -- left before the range
  (201, 20, 'official', '2020-01-01', NULL),
  (202, 20, 'official', '2020-01-01', NULL),
  (203, 20, 'official', '2020-01-01', NULL),
  (301, 10, 'pupil',    '2020-01-01', NULL),
  (302, 10, 'pupil',    '2020-01-01', NULL),
  (401, 10, 'parent',   '2020-01-01', NULL),
  (402, 10, 'parent',   '2020-01-01', NULL);
INSERT INTO qm.stat_form (org_id, school_year, pupils, staff_headcount, authority_headcount) VALUES
  (10, 2025, 1, 2, 0),        -- 1 pupil: learners_parents denominator 2
  (12, 2025, 3, 1, 0),
  (20, 2025, 0, 0, 2),        -- headcount 2
  (22, 2025, 0, 0, 1), (23, 2025, 0, 0, 1);
-- 101 writes every day of the four weeks but 09-16, 09-17 and 09-24: the
-- region's feed has a gap of two days and one of one day
INSERT INTO qm.activity_daily (person_id, day, platform, messages_written, messages_read)
SELECT 101, d::date, 'vk', 1, 1 FROM generate_series('2025-09-01'::date, '2025-09-28', interval '1 day') d
WHERE d::date NOT IN ('2025-09-16', '2025-09-17', '2025-09-24');
INSERT INTO qm.activity_daily (person_id, day, platform, messages_written, messages_read) VALUES
  (102, '2025-09-08', 'vk', 1, 0), (102, '2025-09-09', 'vk', 1, 0),   -- before since, a membership that week: outside
  (103, '2025-09-02', 'vk', 1, 0), (103, '2025-09-03', 'national', 1, 0), -- no membership that week at all
  (999, '2025-09-04', 'vk', 1, 0),                                    -- nobody the registry knows
  -- W4: 4 pupils and parents of School A read (form: 1 pupil x 2 = 2), 3 officials of the Ministry write (headcount 2)
  (301, '2025-09-23', 'vk', 0, 1), (302, '2025-09-23', 'vk', 0, 1), (401, '2025-09-25', 'vk', 0, 1), (402, '2025-09-25', 'vk', 0, 1),
  (201, '2025-09-22', 'national', 2, 0), (202, '2025-09-22', 'national', 2, 0), (203, '2025-09-23', 'national', 2, 0);
INSERT INTO qm.chat VALUES (1, 10, 101, 'vk', '2025-09-01', NULL);
INSERT INTO qm.chat_daily VALUES (1, '2025-09-02', 3);
-- statistics, as after a real load (autovacuum): without them the planner's
-- estimates for the view are wild and JIT may spend seconds compiling its plan
ANALYZE qm.region, qm.municipality, qm.organisation, qm.person, qm.membership, qm.stat_form,
        qm.activity_daily, qm.chat, qm.chat_daily;
SET client_min_messages = warning;
SELECT create_kpi_views('qm', 'qk', min_cell => 0);
SELECT count(*) AS weeks FROM backfill('qk', '2025-09-01', '2025-09-28');
RESET client_min_messages;

-- By hand, range 2025-09-01 .. 09-28, the worst first (errors, warnings, info; then by count):
--  feed_gap_day         Q1 09-16 .. 09-17: 2 days; Q1 09-24: 1 day
--  org_without_municipality   Kindergarten C (preschool; roiv, subordinate and dpo may have none)
--  school_without_stat_form   School B, 2025/2026 (in scope of learners_parents_weekly; activity in 2025/2026)
--  activity_without_membership  Q1: 2 rows of 1 person (103); unknown person: 1 row of 1 person (999)
--  numerator_above_form School A learners_parents_weekly W4 vk: 4 counted, 2 in the form: by 2;
--                       Ministry officials_weekly_writers W4 national: 3 counted, headcount 2: by 1
--  activity_outside_membership  Q1: 2 rows of 1 person (102)
--  duplicate_day, future_day: 0 (primary keys; nothing after today)
SELECT "check", severity, object, count, people, first_day, last_day, region_code, org_id, detail
FROM data_quality('qk', '2025-09-01', '2025-09-28');
-- the Russian titles and the fixes come from sferum_kpi.label: every check has both
SELECT count(*) AS checks, count(check_ru) AS with_title_ru, count(fix) AS with_fix, count(fix_ru) AS with_fix_ru
FROM (SELECT DISTINCT "check", check_ru, fix, fix_ru FROM data_quality('qk', '2025-09-01', '2025-09-28')) c;

-- The view: the last 4 weeks (sferum_kpi.quality_weeks) up to the latest activity
-- day that is not in the future (09-28), and every day after: 09-01 .. infinity,
-- the same findings
SELECT DISTINCT checked_from, checked_to FROM qk.data_quality;
SELECT count(*) AS differing FROM (
    (SELECT "check", object, count, people, first_day, detail FROM qk.data_quality
     EXCEPT ALL SELECT "check", object, count, people, first_day, detail FROM data_quality('qk', '2025-09-01', 'infinity'))
    UNION ALL
    (SELECT "check", object, count, people, first_day, detail FROM data_quality('qk', '2025-09-01', 'infinity')
     EXCEPT ALL SELECT "check", object, count, people, first_day, detail FROM qk.data_quality)) d;
-- one week (W4 only): the gap of 09-24 and the W4 checks; W1 and W2 activity is outside
-- (the settings apply where the checks run: the live view, or refresh_answers)
SET sferum_kpi.quality_weeks = 1;
SELECT "check", object, count, checked_from FROM qk.live_data_quality WHERE "check" IN ('feed_gap_day', 'activity_without_membership', 'activity_outside_membership');
SET sferum_kpi.quality_weeks = 'four';
SELECT count(*) FROM qk.live_data_quality;
SELECT count(*) FROM refresh_answers('qk');
SET sferum_kpi.quality_weeks = 0;
SELECT count(*) FROM qk.live_data_quality;
RESET sferum_kpi.quality_weeks;

-- future days (in the region's time zone): one activity row 30 days ahead, one chat row 10 days ahead
INSERT INTO qm.activity_daily VALUES (101, (now() AT TIME ZONE 'Europe/Moscow')::date + 30, 'vk', 1, 0);
INSERT INTO qm.chat_daily VALUES (1, (now() AT TIME ZONE 'Europe/Moscow')::date + 10, 2);
-- data_quality shows the checks of the last refresh until the answers are stored again
SELECT "check", count, stored_at <= now() AS stored_before FROM qk.data_quality WHERE "check" = 'future_day';
SELECT answer FROM refresh_answers('qk');
SELECT object, count, people, first_day - (now() AT TIME ZONE 'Europe/Moscow')::date AS days_ahead
FROM qk.data_quality WHERE "check" = 'future_day';
-- the future is no feed gap, and the window still ends at 09-28 (the latest day not in the future)
SELECT "check", object, count FROM qk.data_quality WHERE "check" = 'feed_gap_day';
SELECT "check", count FROM data_quality('qk', '2025-09-01', '2025-09-28') WHERE "check" = 'future_day';

-- duplicates: none possible with the primary keys; a DBA's mart without them is scanned
BEGIN;
ALTER TABLE qm.activity_daily DROP CONSTRAINT activity_daily_pkey;
ALTER TABLE qm.chat_daily DROP CONSTRAINT chat_daily_pkey;
INSERT INTO qm.activity_daily VALUES (101, '2025-09-02', 'vk', 1, 1), (101, '2025-09-02', 'vk', 1, 1), (102, '2025-09-09', 'vk', 1, 0);
INSERT INTO qm.chat_daily VALUES (1, '2025-09-02', 3);
-- activity: 101/09-02 three rows (2 extra), 102/09-09 two rows (1 extra): 3 extra rows of 2 people; chat: 1 extra
SELECT object, count, people, first_day, last_day, detail FROM data_quality('qk', '2025-09-01', '2025-09-28')
WHERE "check" = 'duplicate_day';
ROLLBACK;
SELECT count, detail FROM data_quality('qk', '2025-09-01', '2025-09-28') WHERE "check" = 'duplicate_day';

-- Fix every error: each check then finds nothing (one row with count 0 each)
DELETE FROM qm.activity_daily WHERE day > '2025-12-31';
DELETE FROM qm.chat_daily WHERE day > '2025-12-31';
INSERT INTO qm.activity_daily
SELECT 101, d, 'vk', 1, 1 FROM unnest('{2025-09-16,2025-09-17,2025-09-24}'::date[]) d;
UPDATE qm.organisation SET municipality_id = 1 WHERE org_id = 12;
INSERT INTO qm.stat_form VALUES (11, 2025, 0, 1, 0);
DELETE FROM qm.activity_daily WHERE person_id IN (103, 999);
UPDATE qm.membership SET since = '2025-09-08' WHERE person_id = 102;
UPDATE qm.stat_form SET pupils = 2 WHERE org_id = 10;
UPDATE qm.stat_form SET authority_headcount = 3 WHERE org_id = 20;
SET client_min_messages = warning;
SELECT count(*) AS weeks FROM backfill('qk', '2025-09-22', '2025-09-28');
RESET client_min_messages;
SELECT "check", severity, object, count, detail FROM data_quality('qk', '2025-09-01', '2025-09-28');
SELECT "check", count FROM qk.data_quality;

-- errors a caller can make
SELECT data_quality('qk', NULL, '2025-09-28');
SELECT data_quality('qk', '2025-09-28', '2025-09-01');
SELECT data_quality('no_such_views', '2025-09-01', '2025-09-28');

--------------------------------------------------------------------------------
-- not_started on a hand-built store (views schema ns, min_cell 5).  Weeks of
-- school year 2024/2025 (monitored platform vk): S1 2025-08-11, S2 08-18,
-- S3 08-25; of 2025/2026 (national): A1 09-01, A2 09-08, A3 09-15, A4 09-22.
-- Store rows at organisation level; numerator written vk/national.
--------------------------------------------------------------------------------
SELECT create_mart('qn');
INSERT INTO qn.region VALUES ('N1', 'Store region', 'Europe/Moscow');
INSERT INTO qn.municipality VALUES (1, 'N1', 'Alpha');
INSERT INTO qn.organisation (org_id, region_code, municipality_id, name, kind, ownership) VALUES
  (1, 'N1', 1, 'Busy school', 'general', 'municipal'),
  (2, 'N1', 1, 'Never school', 'general', 'municipal'),
  (3, 'N1', 1, 'Last year school', 'general', 'municipal'),
  (4, 'N1', 1, 'Wrong platform school', 'general', 'municipal'),
  (5, 'N1', 1, 'Quiet school', 'general', 'municipal'),
  (6, 'N1', 1, 'Four people', 'do', 'municipal'),
  (7, 'N1', 1, 'Five people', 'do', 'municipal'),
  (8, 'N1', 1, 'Pupils only', 'spo', 'municipal'),
  (9, 'N1', NULL, 'Ministry', 'roiv', 'state');
SET client_min_messages = warning;
SELECT create_kpi_views('qn', 'ns');    -- min_cell 5
RESET client_min_messages;
SELECT store_partition('ns', 2024), store_partition('ns', 2025);

CREATE FUNCTION pg_temp.put(week date, org bigint, ind text, vk bigint, nat bigint, den bigint) RETURNS void
LANGUAGE sql AS $$
INSERT INTO ns.store (week_start, indicator, platform, level, region_code, municipality_id, org_kind, org_id, time, numerator, denominator)
SELECT week, ind, p.platform, 'organisation', 'N1', o.municipality_id, o.kind, o.org_id,
       week::timestamp AT TIME ZONE 'Europe/Moscow', p.num, den
FROM qn.organisation o, (VALUES ('vk', vk), ('national', nat)) p(platform, num)
WHERE o.org_id = org
$$;
INSERT INTO ns.refresh_log (week_start, region_code, refreshed_at, duration_ms, rows_stored, last_activity_day, activity_rows, complete, fingerprint)
SELECT w, 'N1', now(), 1, 1, w + 6, 1, true, 'hand-built'
FROM unnest('{2025-08-11,2025-08-18,2025-08-25,2025-09-01,2025-09-08,2025-09-15,2025-09-22}'::date[]) w;

SELECT count(*) FROM (
    SELECT pg_temp.put(w, 1, 'staff_weekly_writers', 3, 3, 12) FROM unnest('{2025-08-11,2025-08-18,2025-08-25,2025-09-01,2025-09-08,2025-09-15,2025-09-22}'::date[]) w
    UNION ALL
    -- 2: never active; people = the largest denominator (learners_parents 40 > 12 > 10); its
    -- staff_using and national_only_users rows (platform any) are not activity on a platform
    SELECT pg_temp.put(w, 2, i.ind, 0, 0, i.den) FROM unnest('{2025-08-11,2025-08-18,2025-08-25,2025-09-01,2025-09-08,2025-09-15,2025-09-22}'::date[]) w,
           (VALUES ('active_teachers', 10), ('staff_weekly_writers', 12), ('learners_parents_weekly', 40)) i(ind, den)
    UNION ALL
    -- 3: active on vk in S1 only
    SELECT pg_temp.put(w, 3, 'staff_weekly_writers', CASE WHEN w = '2025-08-11' THEN 2 ELSE 0 END, 0, 8)
    FROM unnest('{2025-08-11,2025-08-18,2025-08-25,2025-09-01,2025-09-08,2025-09-15,2025-09-22}'::date[]) w
    UNION ALL
    -- 4: always active on the platform that is not monitored (national in 2024/2025, vk in 2025/2026)
    SELECT pg_temp.put(w, 4, 'staff_weekly_writers', CASE WHEN w >= '2025-09-01' THEN 5 ELSE 0 END,
                       CASE WHEN w < '2025-09-01' THEN 5 ELSE 0 END, 9)
    FROM unnest('{2025-08-11,2025-08-18,2025-08-25,2025-09-01,2025-09-08,2025-09-15,2025-09-22}'::date[]) w
    UNION ALL
    -- 5: active on national in A1 only (and never in 2024/2025)
    SELECT pg_temp.put(w, 5, 'active_teachers', 0, CASE WHEN w = '2025-09-01' THEN 1 ELSE 0 END, 6)
    FROM unnest('{2025-08-11,2025-08-18,2025-08-25,2025-09-01,2025-09-08,2025-09-15,2025-09-22}'::date[]) w
    UNION ALL
    -- 6 and 7: never active, 4 and 5 people (small cell: fewer than 5 are not listed)
    SELECT pg_temp.put(w, o.org, 'staff_weekly_writers', 0, 0, o.den) FROM unnest('{2025-09-01,2025-09-08}'::date[]) w,
           (VALUES (6, 4), (7, 5)) o(org, den)
    UNION ALL
    -- 8: teachers and staff silent, pupils and parents read on the monitored platform: active
    SELECT pg_temp.put('2025-09-22', 8, i.ind, 0, i.nat, i.den)
    FROM (VALUES ('active_teachers', 0, 6), ('staff_weekly_writers', 0, 7), ('learners_parents_weekly', 3, 50)) i(ind, nat, den)
    UNION ALL
    -- 9: the ministry, never active (officials' headcount 6)
    SELECT pg_temp.put(w, 9, 'officials_weekly_writers', 0, 0, 6) FROM unnest('{2025-09-15,2025-09-22}'::date[]) w) x;
-- platform any rows of school 2, and a municipality-level row: not organisation activity on a platform
INSERT INTO ns.store (week_start, indicator, platform, level, region_code, municipality_id, org_kind, org_id, time, numerator, denominator)
SELECT w, i, 'any', 'organisation', 'N1', 1, 'general', 2, w::timestamp AT TIME ZONE 'Europe/Moscow', 5, 10
FROM unnest('{2025-08-11,2025-08-18,2025-08-25,2025-09-01,2025-09-08,2025-09-15,2025-09-22}'::date[]) w,
     unnest('{staff_using,national_only_users}'::text[]) i;

-- a hand-built store: its answers are stored as a refresh would (refresh_answers)
SELECT answer, rows_stored FROM refresh_answers('ns');

-- By hand, quiet_weeks K = 2 (default):
--  2 Never: not_started every week; people 40; last_active NULL; silent = stored weeks of its school year so far:
--    S1..S3 -> 1, 2, 3; A1..A4 -> 1, 2, 3, 4
--  3 Last year: S1 active; S2 silent 1 < K: not listed; S3 gone_quiet (last S1, silent 2);
--    A1..A4 not_started (a new school year), last_active 2025-08-11, silent 1..4
--  4 Wrong platform: not_started every week (its activity is never on the monitored platform)
--  5 Quiet: S1..S3 not_started (silent 1..3); A1 active; A2 silent 1: not listed; A3 gone_quiet 2; A4 gone_quiet 3
--  6 Four people: never listed; 7 Five people: not_started A1 (1), A2 (2)
--  8 Pupils only: active in A4; 9 Ministry: not_started A3 (1), A4 (2), municipality «Региональный уровень»
SELECT week_start, org_id, org_name, org_kind_ru, municipality_name, status, status_ru, people, last_active_week, silent_weeks
FROM ns.not_started ORDER BY week_start, org_id;
-- K = 1: every silent week after an active one lists; K = 3: gone_quiet only from 3 silent weeks
-- (the live view; the stored one follows the setting of the session that refreshes)
SET sferum_kpi.quiet_weeks = 1;
SELECT week_start, org_id, status, silent_weeks FROM ns.live_not_started WHERE org_id IN (3, 5) ORDER BY org_id, week_start;
SET sferum_kpi.quiet_weeks = 3;
SELECT week_start, org_id, status, silent_weeks FROM ns.live_not_started WHERE org_id IN (3, 5) ORDER BY org_id, week_start;
SELECT answer, rows_stored FROM refresh_answers('ns', '2025-09-15');
SELECT week_start, org_id, status, silent_weeks FROM ns.not_started WHERE org_id IN (3, 5) ORDER BY org_id, week_start;
SET sferum_kpi.quiet_weeks = -1;
SELECT count(*) FROM ns.live_not_started;
SELECT count(*) FROM refresh_answers('ns');
RESET sferum_kpi.quiet_weeks;
SELECT answer, rows_stored FROM refresh_answers('ns');
-- stored = live, row for row
SELECT (SELECT count(*) FROM (SELECT * FROM ns.live_not_started EXCEPT ALL SELECT week_start, region_code, municipality_id, municipality_name, org_id, org_name,
                              org_kind, org_kind_ru, status, status_ru, people, last_active_week, silent_weeks, indicators, holiday FROM ns.not_started) d) AS live_not_stored,
       (SELECT count(*) FROM ns.not_started) = (SELECT count(*) FROM ns.live_not_started) AS same_count;
-- a BI filter on one week gives that week's rows
SELECT org_id, status, silent_weeks FROM ns.not_started WHERE week_start = '2025-09-15' ORDER BY org_id;

-- the views are commented, column by column
SELECT c.relname, count(*) AS columns, count(col_description(c.oid, a.attnum)) AS commented,
       obj_description(c.oid, 'pg_class') IS NOT NULL AS view_commented
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relnamespace = 'ns'::regnamespace AND c.relname IN ('data_quality', 'not_started')
GROUP BY c.relname, c.oid ORDER BY 1;
-- rebuild_views re-creates both in place
SELECT schema_name, status FROM rebuild_views('ns');
SELECT count(*) AS rows_after_rebuild FROM ns.not_started;

SET client_min_messages = warning;
DROP SCHEMA ns, qn, qk, qm CASCADE;
RESET client_min_messages;
-- leave nothing behind for the other tests
DELETE FROM view_set WHERE schema_name IN ('qk', 'ns');
DELETE FROM indicator_history WHERE region_code = 'Q1';
-- the texts' days are ISO whatever DateStyle, for every date
SELECT string_agg(iso_day(d), ' ' ORDER BY n) AS days
FROM unnest('{2025-09-01,0999-03-04,0001-12-31 BC,5874897-12-31,infinity,-infinity}'::date[]) WITH ORDINALITY AS x(d, n);
