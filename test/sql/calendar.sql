-- Calendar: ISO weeks named by their Monday, local weeks, school years (spec §5)
SET search_path = public, sferum_kpi;

-- every day of one week maps to its Monday; the next Monday starts a new week
SELECT d::date AS day, to_char(d, 'Dy') AS dow, week_start(d::date)
FROM generate_series('2025-09-28'::date, '2025-10-06'::date, '1 day') AS d;

-- ISO years: 2021-01-03 (Sunday) belongs to the week of Monday 2020-12-28
SELECT week_start('2021-01-03'::date), week_start('2024-02-29'::date), week_start('2000-01-01'::date);

-- differential against date_trunc('week') on every day of 30 years
SELECT count(*) AS days, count(*) FILTER (WHERE week_start(d::date) <> date_trunc('week', d)::date) AS mismatches
FROM generate_series('1990-01-01'::date, '2020-12-31'::date, '1 day') AS d;

-- infinities pass through; the earliest date PostgreSQL has (Julian day 0) is a Monday
SELECT week_start('infinity'::date), week_start('-infinity'::date);
SELECT week_start('4714-11-24 BC'::date), week_start('4714-11-30 BC'::date), week_start('5874897-12-31'::date);
SELECT week_start(NULL::date);

-- local weeks: Sunday 22:00 UTC is already Monday in Moscow (+3) and Sakhalin (+11)
SELECT week_start('2025-11-23 20:59:59+00'::timestamptz, 'Europe/Moscow') AS msk_sunday,
       week_start('2025-11-23 21:00:00+00'::timestamptz, 'Europe/Moscow') AS msk_monday,
       week_start('2025-11-23 12:59:59+00'::timestamptz, 'Asia/Sakhalin') AS sakh_sunday,
       week_start('2025-11-23 13:00:00+00'::timestamptz, 'Asia/Sakhalin') AS sakh_monday;
-- the session time zone does not matter
SET timezone = 'America/New_York';
SELECT week_start('2025-11-23 21:00:00+00'::timestamptz, 'Europe/Moscow');
RESET timezone;
SELECT week_start(now(), 'Mars/Olympus_Mons');
SELECT week_start(now(), NULL), week_start(NULL::timestamptz, 'UTC');

-- school years start on 1 September
SELECT d::date, school_year(d::date)
FROM unnest(ARRAY['2024-08-31', '2024-09-01', '2025-01-15', '2025-08-31', '2025-09-01']) AS d;
SELECT count(*) FILTER (WHERE school_year(d::date) <>
         CASE WHEN extract(month FROM d) >= 9 THEN extract(year FROM d) ELSE extract(year FROM d) - 1 END) AS mismatches
FROM generate_series('1990-01-01'::date, '2030-12-31'::date, '1 day') AS d;
SELECT school_year('infinity'::date);
SELECT school_year(NULL);

-- the monitored platform (spec §5): vk up to school year 2024/2025, national from
-- 2025/2026; the week of 01.09.2025 (Monday) is the first national one
SELECT d, monitored_platform(d) AS platform
FROM (VALUES (date '2024-09-02'), (date '2025-08-25'), (date '2025-08-31'), (date '2025-09-01'), (date '2026-05-25'), (NULL)) v(d);
-- inlined into a caller's query (the views call it per row): no function call in the plan
EXPLAIN (VERBOSE, COSTS OFF) SELECT monitored_platform(d) FROM (VALUES (date '2025-09-01')) v(d);
