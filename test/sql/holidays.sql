-- The school calendar (1.5): mart table school_holiday, holiday weeks (at least
-- 3 of the Monday-Friday days in a holiday), the store's and indicators' flags.
SET search_path = public, sferum_kpi;
SET client_min_messages = warning;
\i test/fixtures/tiny_region.sql
RESET client_min_messages;
INSERT INTO tiny.region VALUES ('T2', 'Second region', 'Asia/Sakhalin');

-- By hand, weeks of September 2024 (Mondays 02, 09, 16, 23, 30):
--  W 09-02: T1 'other' Wed 04 - Fri 06 = 3 weekdays           -> holiday (other)
--  W 09-09: T1 'autumn' Sat 14 - Tue 17 spans two weeks: here only the weekend -> 0 days, school week
--  W 09-16: T1 Mon 16, Tue 17 (autumn) = 2 days               -> school week
--           T2 'autumn' Mon 16 - Fri 20 = 5                   -> holiday (autumn)
--  W 09-23: T1 'spring' Mon 23 - Tue 24 and 'winter' Wed 25 - Thu 26 = 4 days, 2 each: kind alphabetically first -> spring
--           T2 'winter' Mon 23 - Wed 25 overlapping 'summer' Tue 24 - Fri 27: 5 distinct days; the day's kind is
--           the alphabetically first of the rows covering it (summer < winter): Mon winter, Tue-Fri summer -> summer
--  W 09-30: nothing                                           -> school week
INSERT INTO tiny.school_holiday VALUES
  ('T1', '2024-09-04', '2024-09-06', 'other'),
  ('T1', '2024-09-14', '2024-09-17', 'autumn'),
  ('T1', '2024-09-23', '2024-09-24', 'spring'),
  ('T1', '2024-09-25', '2024-09-26', 'winter'),
  ('T2', '2024-09-16', '2024-09-20', 'autumn'),
  ('T2', '2024-09-23', '2024-09-25', 'winter'),
  ('T2', '2024-09-24', '2024-09-27', 'summer');
SELECT * FROM holiday_weeks('tiny', '2024-09-04', '2024-09-30') ORDER BY region_code, week_start;

-- an independent reading: weekdays of the week covered by some row, counted as distinct days
SELECT count(*) AS weeks, count(*) FILTER (WHERE hw.holiday IS DISTINCT FROM (o.days >= 3)) AS disagree
FROM holiday_weeks('tiny', '2024-09-02', '2024-09-30') hw
JOIN (SELECT r.region_code, w::date AS week_start,
             (SELECT count(DISTINCT d) FROM tiny.school_holiday h, generate_series(w, w + interval '4 days', interval '1 day') d
               WHERE h.region_code = r.region_code AND d::date BETWEEN h.first_day AND h.last_day) AS days
      FROM tiny.region r, generate_series(timestamp '2024-09-02', timestamp '2024-09-30', interval '7 days') w) o
  USING (region_code, week_start);

-- refused: the last day before the first, an unknown region, an unknown kind
INSERT INTO tiny.school_holiday VALUES ('T1', '2024-12-31', '2024-12-29', 'winter');
INSERT INTO tiny.school_holiday VALUES ('T9', '2024-12-29', '2024-12-31', 'winter');
INSERT INTO tiny.school_holiday VALUES ('T1', '2024-12-29', '2024-12-31', 'new year');

-- the store carries the flags of its region's week: W1 is a holiday week of T1
SET client_min_messages = warning;
SELECT * FROM backfill('tiny_kpi', '2024-09-02', '2024-09-15');
RESET client_min_messages;
SELECT week_start, region_code, holiday, holiday_kind, count(*) AS rows
FROM tiny_kpi.store GROUP BY 1, 2, 3, 4 ORDER BY 1, 2;
SELECT DISTINCT week_start, holiday, holiday_kind, holiday_kind_ru FROM tiny_kpi.indicators ORDER BY 1;
SELECT DISTINCT holiday, holiday_kind FROM tiny_kpi.latest;

-- the calendar changes after the weeks were stored: refresh_holidays() rewrites
-- only the rows whose flags change (W1 no longer, W2 now a holiday week), and a
-- second run changes nothing
DELETE FROM tiny.school_holiday WHERE region_code = 'T1' AND first_day = '2024-09-04';
INSERT INTO tiny.school_holiday VALUES ('T1', '2024-09-09', '2024-09-13', 'other');
SELECT refresh_holidays('tiny_kpi') AS changed;
SELECT refresh_holidays('tiny_kpi') AS second_run;
SELECT week_start, bool_and(holiday) AS holiday, min(holiday_kind) AS kind FROM tiny_kpi.store GROUP BY 1 ORDER BY 1;

-- a region without a calendar: no holiday week, and data_quality says so once per region
DELETE FROM tiny.school_holiday WHERE region_code = 'T1';
SELECT count(*) FILTER (WHERE holiday) AS holiday_weeks FROM holiday_weeks('tiny', '2024-09-02', '2024-09-30') WHERE region_code = 'T1';
SELECT answer FROM refresh_answers('tiny_kpi');
SELECT "check", object, count, region_code FROM tiny_kpi.data_quality WHERE "check" = 'no_school_calendar';

-- DROP EXTENSION keeps the calendar (the DBA's table, never a member)
SELECT count(*) AS members FROM pg_depend d
WHERE d.objid = 'tiny.school_holiday'::regclass AND d.refclassid = 'pg_extension'::regclass;

SET client_min_messages = warning;
DROP SCHEMA tiny, tiny_kpi CASCADE;
DELETE FROM view_set WHERE schema_name = 'tiny_kpi';
DELETE FROM indicator_history WHERE region_code = 'T1';
RESET client_min_messages;
