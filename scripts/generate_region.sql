/*
 * generate_region.sql — a seeded demo region for the sferum_kpi reference data mart.
 *
 *   psql -v mart=demo [-v scale=1] [-v seed=42] [-v until=2025-12-28] \
 *        [-v region=65] [-v region_name='...'] [-v tz=Asia/Sakhalin] -f scripts/generate_region.sql
 *
 * mart   a schema in which sferum_kpi.create_mart() created the (empty) tables.
 * scale  numeric factor; 1 = the region of spec §1: 643 schools, 20 456 teachers,
 *        222 519 pupils, 55 СПО, 35 ДПО, 81 ДО (exact), ~250 preschools, 18
 *        municipalities.  Counts are round(figure * scale), at least 1 organisation
 *        of every kind and 1 municipality; there is always exactly one roiv.
 * seed   integer; same seed -> same rows, byte for byte; another seed -> other rows.
 * until  last local day of activity_daily / chat_daily (default 2025-12-28, a Sunday).
 *
 * Not part of the installed extension: a development and demo tool.
 *
 * Scale 1 gives ~650 000 people, ~687 000 memberships, ~10.3 million activity_daily
 * rows, ~49 000 chats and ~2.1 million chat_daily rows (1.3 GB with indexes) in
 * 70-95 s on 2 cores with stock server settings; most of it is inserting into the
 * indexed, logged activity_daily.  Scale 0.01 takes about a second.
 *
 * Counting conventions of the exact figures (scale 1):
 *   teachers = distinct persons whose primary membership is role teacher in a
 *              general school (about 3 % of them hold a second teacher membership in
 *              another school: membership rows are ~20 456 * 1.03);
 *   pupils   = pupil memberships in general schools (one per pupil person),
 *              over the whole period: they include the ~8 % who leave in June 2025
 *              and the ~8 % of first-graders who join on 2025-09-01.
 *
 * Determinism: every pseudo-random value is a function of (seed, ids, salt) through
 * hashint8extended(); random() is never called and row order never matters, so the
 * plan, parallelism and the order of evaluation cannot change the data.  The daily
 * tables are inserted in day order, as a real mart is loaded by a daily feed: a week's
 * rows share heap pages, which is what reading one week costs in a real warehouse.
 *
 * Model (details in the comments of each step below):
 *   organisations  status dates spread over 2022-10 .. 2025 (a few never registered,
 *                  never logged in, never filled in their data);
 *   people         teachers, staff (~40 % of teachers), officials (roiv, omsu,
 *                  subordinate, dpo), pupils (general, spo, do, preschool), parents
 *                  (1 or 2 per pupil, a few with children in two schools); ~60 % of
 *                  ДО pupils are pupils of a school of the same municipality;
 *   activity       stratified candidate days at a per-person rate, thinned by a
 *                  calendar (weekends, holidays, summer) per role; school year
 *                  2024/25 on vk; from 2025-08-25 each person moves to national on a
 *                  date drawn from the organisation's logistic adoption curve; vk
 *                  ends per organisation between 2025-10-06 and 2025-11-30;
 *   chats          created by teachers (a few by staff); vk chats closed with vk,
 *                  national chats created after the creator's move;
 *   holidays       the school holidays of the calendar factors, written into
 *                  school_holiday (autumn, winter, spring and summer).
 */

\set ON_ERROR_STOP on
\set QUIET on
\set SHOW_CONTEXT never
\pset pager off

CREATE OR REPLACE FUNCTION pg_temp.gen_fail(msg text) RETURNS void
LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION '%', msg; END$$;

\if :{?mart}
\else
SELECT pg_temp.gen_fail('generate_region.sql: name the mart schema: psql -v mart=SCHEMA [-v scale=1] [-v seed=42] [-v until=2025-12-28] -f scripts/generate_region.sql');
\endif
\if :{?scale}
\else
\set scale 1
\endif
\if :{?seed}
\else
\set seed 42
\endif
\if :{?until}
\else
\set until 2025-12-28
\endif
\if :{?region}
\else
\set region 65
\endif
\if :{?region_name}
\else
\set region_name 'Сахалинская область (демо)'
\endif
\if :{?tz}
\else
\set tz Asia/Sakhalin
\endif

-- The mart: every table present, and empty.
SELECT count(*) = 0 AS gen_tables_ok, coalesce(string_agg(t, ', '), '') AS gen_missing
FROM unnest(ARRAY['region', 'municipality', 'organisation', 'person', 'membership', 'stat_form',
                  'activity_daily', 'chat', 'chat_daily']) AS t
WHERE to_regclass(format('%I.%I', :'mart', t)) IS NULL \gset
\if :gen_tables_ok
\else
SELECT pg_temp.gen_fail(format('generate_region.sql: schema %I has no data mart (missing: %s); create it with SELECT sferum_kpi.create_mart(%L)',
                               :'mart', :'gen_missing', :'mart'));
\endif
SELECT NOT (EXISTS (SELECT 1 FROM :"mart".region) OR EXISTS (SELECT 1 FROM :"mart".municipality)
         OR EXISTS (SELECT 1 FROM :"mart".organisation) OR EXISTS (SELECT 1 FROM :"mart".person)
         OR EXISTS (SELECT 1 FROM :"mart".membership) OR EXISTS (SELECT 1 FROM :"mart".stat_form)
         OR EXISTS (SELECT 1 FROM :"mart".activity_daily) OR EXISTS (SELECT 1 FROM :"mart".chat)
         OR EXISTS (SELECT 1 FROM :"mart".chat_daily)) AS gen_empty,
       to_regclass(format('%I.milestone_progress', :'mart')) IS NOT NULL AS gen_has_milestones \gset
\if :gen_empty
\else
SELECT pg_temp.gen_fail(format('generate_region.sql: the data mart in schema %I is not empty; the generator only fills empty tables (drop the schema and create_mart() again, or use another schema)', :'mart'));
\endif

-- Parameters, checked.
SELECT (:'scale')::numeric > 0 AS gen_scale_ok,
       (:'until')::date >= date '2024-09-02' AS gen_until_ok,
       hashint8extended((:'seed')::bigint, 20250901) >> 16 AS hs,   -- room for + salt
       clock_timestamp() AS gen_t0 \gset
\if :gen_scale_ok
\else
SELECT pg_temp.gen_fail(format('generate_region.sql: scale must be > 0 (got %s)', :'scale'));
\endif
\if :gen_until_ok
\else
SELECT pg_temp.gen_fail(format('generate_region.sql: until must be on or after 2024-09-02 (got %s)', :'until'));
\endif

\echo generate_region: mart=:mart scale=:scale seed=:seed until=:until region=:region

SET synchronous_commit = off;
SET work_mem = '256MB';
SET jit = off;               -- compiling these expression-heavy statements costs more than it saves
SET search_path = :"mart", pg_catalog;

/*
 * Pseudo-random helpers: uniform [0,1) from (seed, key, salt).  They are SQL
 * functions made of one expression, so the planner inlines them.  The seed is
 * baked in (psql does not interpolate into function bodies, hence \gexec).
 */
SELECT format($f$CREATE OR REPLACE FUNCTION pg_temp.u(k bigint, salt integer) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS 'SELECT (hashint8extended(k, %1$s + salt) & 9007199254740991)::double precision / 9007199254740992'$f$, :hs) \gexec
-- two keys: j < 16777259 and k < 5e11 (ids and day numbers here are far below)
SELECT format($f$CREATE OR REPLACE FUNCTION pg_temp.u2(k bigint, j bigint, salt integer) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS 'SELECT (hashint8extended(k * 16777259 + j, %1$s + salt) & 9007199254740991)::double precision / 9007199254740992'$f$, :hs) \gexec
-- exponential with the given mean, as whole days / counts
CREATE OR REPLACE FUNCTION pg_temp.expo(u double precision, mean double precision) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS 'SELECT floor(-ln(1 - u) * mean)::integer';
-- a date that only happens if it is on or before the last day (a membership's
-- until; NULL = still there) and within 2025: the data end on 2025-12-31
CREATE OR REPLACE FUNCTION pg_temp.upto(d date, last_day date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$SELECT CASE WHEN d <= least(coalesce(last_day, date '2025-12-31'), date '2025-12-31') THEN d END$$;

CREATE TEMP TABLE g_param AS
SELECT (:'scale')::numeric AS scale, (:'until')::date AS until_day,
       greatest(1, round(18 * (:'scale')::numeric))::integer AS n_muni;
ANALYZE g_param;

--------------------------------------------------------------------------------
\echo '  region and municipalities'
--------------------------------------------------------------------------------
INSERT INTO region (region_code, name, time_zone) VALUES (:'region', :'region_name', :'tz');
-- The school holidays the activity model below lowers activity for (its
-- calendar factors), as the region loads them into school_holiday; a mart made
-- before sferum_kpi 1.5 has no such table.
SELECT to_regclass('school_holiday') IS NOT NULL AS has_calendar \gset
\if :has_calendar
INSERT INTO school_holiday (region_code, first_day, last_day, kind) VALUES
(:'region', '2024-10-28', '2024-11-04', 'autumn'),
(:'region', '2024-12-29', '2025-01-08', 'winter'),
(:'region', '2025-03-24', '2025-03-30', 'spring'),
(:'region', '2025-06-01', '2025-08-31', 'summer'),
(:'region', '2025-10-27', '2025-11-04', 'autumn'),
(:'region', '2025-12-30', '2026-01-08', 'winter');
\endif

CREATE TEMP TABLE g_muni AS
SELECT m, name, weight,
       sum(weight) OVER (ORDER BY m) - weight AS cum_lo,
       sum(weight) OVER (ORDER BY m) AS cum_hi,
       sum(weight) OVER () AS w_total
FROM (SELECT m,
             (ARRAY['Город Южно-Сахалинск', 'Александровск-Сахалинский район', 'Анивский городской округ',
                    'Долинский городской округ', 'Корсаковский городской округ', 'Курильский городской округ',
                    'Макаровский городской округ', 'Невельский городской округ', 'Ногликский городской округ',
                    'Охинский городской округ', 'Поронайский городской округ', 'Северо-Курильский городской округ',
                    'Смирныховский городской округ', 'Томаринский городской округ', 'Тымовский городской округ',
                    'Углегорский городской округ', 'Холмский городской округ', 'Южно-Курильский городской округ']
             )[1 + (m - 1) % 18] || CASE WHEN m > 18 THEN ' ' || (1 + (m - 1) / 18) ELSE '' END AS name,
             -- the regional capital is large; the others vary
             CASE WHEN m = 1 THEN 6000 ELSE 400 + floor(1600 * pg_temp.u(m, 1))::bigint END AS weight
      FROM g_param, generate_series(1, n_muni) AS m) s;
ANALYZE g_muni;

INSERT INTO municipality (municipality_id, region_code, name)
SELECT m, :'region', name FROM g_muni ORDER BY m;

--------------------------------------------------------------------------------
\echo '  organisations'
--------------------------------------------------------------------------------
-- Per kind: number of organisations and region totals of people (scale 1 figures).
-- min_*: floor per organisation, so that tiny scales still give usable organisations.
CREATE TEMP TABLE g_kind AS
SELECT kind, kno, n, staff_ratio, min_t, min_p, min_f,
       greatest(round(teachers * p.scale), n * min_t)::bigint AS t_total,
       greatest(round(pupils * p.scale), n * min_p)::bigint AS p_total,
       greatest(round(officials * p.scale), n * min_f)::bigint AS f_total
FROM g_param p
CROSS JOIN LATERAL (VALUES
    --  kind          kno  organisations                              teachers pupils  officials staff/teacher  min t, p, f
    ('roiv',          1,   1,                                          0,       0,      90,       0.0,           0, 0, 3),
    ('omsu',          2,   p.n_muni,                                   0,       0,      220,      0.0,           0, 0, 2),
    ('subordinate',   3,   greatest(1, round(20 * p.scale))::integer,  0,       0,      300,      0.0,           0, 0, 3),
    ('general',       4,   greatest(1, round(643 * p.scale))::integer, 20456,   222519, 0,        0.38,          4, 15, 0),
    ('spo',           5,   greatest(1, round(55 * p.scale))::integer,  1150,    12100,  0,        0.45,          4, 20, 0),
    ('do',            6,   greatest(1, round(81 * p.scale))::integer,  1700,    20000,  0,        0.30,          3, 15, 0),
    ('dpo',           7,   greatest(1, round(35 * p.scale))::integer,  420,     0,      280,      0.30,          2, 0, 2),
    ('preschool',     8,   greatest(1, round(250 * p.scale))::integer, 3000,    21000,  0,        0.60,          3, 10, 0)
) AS k(kind, kno, n, teachers, pupils, officials, staff_ratio, min_t, min_p, min_f);
ANALYZE g_kind;

-- Ids: kind number * 1 000 000 + ordinal.  Municipality: omsu k -> municipality k;
-- the first n_muni schools one per municipality; the rest by municipality weight.
CREATE TEMP TABLE g_org0 AS
SELECT o.*,
       CASE
           WHEN o.kind = 'roiv' THEN NULL
           WHEN o.kind = 'omsu' THEN o.k
           WHEN o.kind IN ('subordinate', 'dpo') AND (o.k = 1 OR pg_temp.u(o.org_id, 3) < 0.45) THEN NULL  -- regional bodies
           WHEN o.kind = 'general' AND o.k <= p.n_muni THEN o.k
           ELSE (SELECT mu.m FROM g_muni mu
                 WHERE floor(pg_temp.u(o.org_id, 2) * mu.w_total) >= mu.cum_lo
                   AND floor(pg_temp.u(o.org_id, 2) * mu.w_total) < mu.cum_hi)
       END AS muni
FROM g_param p,
     (SELECT k.kind, k.kno, i AS k, k.kno * 1000000 + i AS org_id, k.staff_ratio
      FROM g_kind k, generate_series(1, k.n) AS i) o;
ANALYZE g_org0;

-- Private organisations: ~2 % of the educational ones, never the first of a kind.
-- Pedagogical colleges: ~3 of the state spo.
CREATE TEMP TABLE g_private AS
SELECT c.org_id FROM (
    SELECT x.org_id, row_number() OVER (ORDER BY pg_temp.u(x.org_id, 5), x.org_id) AS rn
    FROM g_org0 x WHERE x.kind IN ('general', 'preschool', 'spo', 'do', 'dpo') AND x.k > 1) c
WHERE c.rn <= greatest(1, round(0.02 * (SELECT count(*) FROM g_org0 y
                                        WHERE y.kind IN ('general', 'preschool', 'spo', 'do', 'dpo'))));
ANALYZE g_private;

CREATE TEMP TABLE g_org1 AS
SELECT o.*,
       CASE WHEN o.kind IN ('subordinate', 'dpo') AND NOT pr.private
            THEN CASE WHEN o.muni IS NULL THEN 1000001 ELSE 2000000 + o.muni END END AS parent_org_id,
       CASE WHEN pr.private THEN 'private'
            WHEN o.kind IN ('roiv', 'spo') THEN 'state'
            WHEN o.kind = 'omsu' OR o.kind = 'preschool' THEN 'municipal'
            WHEN o.kind IN ('subordinate', 'dpo') THEN CASE WHEN o.muni IS NULL THEN 'state' ELSE 'municipal' END
            WHEN o.kind = 'general' THEN CASE WHEN pg_temp.u(o.org_id, 7) < 0.04 THEN 'state' ELSE 'municipal' END
            WHEN o.kind = 'do' THEN CASE WHEN pg_temp.u(o.org_id, 7) < 0.2 THEN 'state' ELSE 'municipal' END
       END AS ownership,
       pr.private
FROM g_org0 o
CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM g_private x WHERE x.org_id = o.org_id) AS private) pr;
ANALYZE g_org1;

CREATE TEMP TABLE g_pedcol AS
SELECT org_id FROM (
    SELECT org_id, row_number() OVER (ORDER BY pg_temp.u(org_id, 6), org_id) AS rn
    FROM g_org1 WHERE kind = 'spo' AND NOT private) c, g_param p
WHERE c.rn <= greatest(1, round(3 * p.scale));
ANALYZE g_pedcol;

-- Size weight (log-normal-ish, capital larger), then exact allocation of the kind's
-- totals: min + floor(R * cumulative weight / total weight) differences.
CREATE TEMP TABLE g_org2 AS
SELECT o.*,
       greatest(50, floor(1000 * exp(0.75 * 2 * (pg_temp.u(o.org_id, 11) + pg_temp.u(o.org_id, 12) + pg_temp.u(o.org_id, 13) - 1.5))
                          * CASE WHEN o.muni = 1 THEN 1.6 ELSE 1 END))::bigint AS w
FROM g_org1 o;
ANALYZE g_org2;
ALTER TABLE g_org2 ADD COLUMN wp bigint;
UPDATE g_org2 SET wp = greatest(10, floor(w * (0.8 + 0.4 * pg_temp.u(org_id, 14))))::bigint;

CREATE TEMP TABLE g_org3 AS
SELECT o.*,
       k.min_t + (k.t_total - k.n * k.min_t) * cw / wsum - (k.t_total - k.n * k.min_t) * (cw - o.w) / wsum AS n_teacher,
       k.min_p + (k.p_total - k.n * k.min_p) * cwp / wpsum - (k.p_total - k.n * k.min_p) * (cwp - o.wp) / wpsum AS n_pupil,
       k.min_f + (k.f_total - k.n * k.min_f) * cw / wsum - (k.f_total - k.n * k.min_f) * (cw - o.w) / wsum AS n_official
FROM (SELECT o.*,
             (sum(o.w) OVER (PARTITION BY o.kind ORDER BY o.org_id))::bigint AS cw,
             (sum(o.w) OVER (PARTITION BY o.kind))::bigint AS wsum,
             (sum(o.wp) OVER (PARTITION BY o.kind ORDER BY o.org_id))::bigint AS cwp,
             (sum(o.wp) OVER (PARTITION BY o.kind))::bigint AS wpsum
      FROM g_org2 o) o
JOIN g_kind k USING (kind);
ANALYZE g_org3;

-- Status dates.  Educational organisations: ~4 % never registered; the rest in the
-- 2022-10 .. 2023-05 campaign (~80 %), later in 2023-24 (~10 %), during 2024-25 (~6 %).
-- Administrator login ~2 weeks later (4 % never), data filled ~1 month later (5 %
-- never); e-journal for schools mostly Jan..Jun 2023 (10 % never).  Authorities:
-- all registered in autumn 2022.
CREATE TEMP TABLE g_org4 AS
SELECT o.*,
       CASE WHEN d.adm > date '2025-12-31' THEN NULL ELSE d.adm END AS admin_logged_in_on
FROM (SELECT o.*,
             CASE
                 WHEN o.kind = 'roiv' THEN date '2022-10-03'
                 WHEN o.kind = 'omsu' THEN date '2022-10-03' + floor(40 * pg_temp.u(o.org_id, 21))::integer
                 WHEN o.kind = 'subordinate' THEN date '2022-10-10' + floor(120 * pg_temp.u(o.org_id, 21))::integer
                 WHEN r < 0.04 THEN NULL
                 WHEN r < 0.59 THEN date '2022-10-01' + floor(92 * pg_temp.u(o.org_id, 21))::integer
                 WHEN r < 0.84 THEN date '2023-01-09' + floor(140 * pg_temp.u(o.org_id, 21))::integer
                 WHEN r < 0.94 THEN date '2023-06-01' + floor(450 * pg_temp.u(o.org_id, 21))::integer
                 ELSE date '2024-09-01' + floor(480 * pg_temp.u(o.org_id, 21))::integer
             END AS registered_on
      FROM (SELECT o.*, pg_temp.u(o.org_id, 20) AS r FROM g_org3 o) o) o
CROSS JOIN LATERAL (SELECT CASE WHEN o.registered_on IS NOT NULL
                                 AND (o.kind IN ('roiv', 'omsu', 'subordinate') OR pg_temp.u(o.org_id, 22) >= 0.04)
                                THEN o.registered_on + pg_temp.expo(pg_temp.u(o.org_id, 23), 12) END AS adm) d;
ANALYZE g_org4;

CREATE TEMP TABLE g_org AS
SELECT o.*,
       -- per organisation: engagement (scales everyone's activity rate); authorities
       -- and their bodies are pushed harder
       CASE WHEN o.kind IN ('roiv', 'omsu', 'subordinate', 'dpo') THEN 0.85 + 0.3 * pg_temp.u(o.org_id, 40)
            ELSE 0.5 + 0.7 * pg_temp.u(o.org_id, 40) END AS engagement,
       -- move to the national messenger: centre and width (days) of the logistic curve
       CASE
           WHEN o.kind IN ('roiv', 'omsu', 'subordinate', 'dpo')
               THEN date '2025-09-01' + floor(20 * pg_temp.u(o.org_id, 41))::integer
           WHEN pg_temp.u(o.org_id, 42) < 0.10    -- laggards
               THEN date '2025-11-20' + floor(60 * pg_temp.u(o.org_id, 41))::integer
           WHEN o.kind = 'preschool'
               THEN date '2025-09-20' + floor(50 * pg_temp.u(o.org_id, 41))::integer
           ELSE date '2025-09-08' + floor(45 * pg_temp.u(o.org_id, 41) ^ 1.5)::integer
       END AS nat_mid,
       CASE WHEN o.kind IN ('roiv', 'omsu', 'subordinate', 'dpo') THEN 3 + 3 * pg_temp.u(o.org_id, 43)
            ELSE 4 + 10 * pg_temp.u(o.org_id, 43) END AS nat_width,
       -- first day without vk chats (closed between 2025-10-06 and 2025-11-30)
       date '2025-10-06' + floor(56 * pg_temp.u(o.org_id, 44))::integer AS vk_close,
       (sum(o.n_teacher) OVER w - o.n_teacher)::bigint AS t_off,
       (sum(o.n_staff) OVER w - o.n_staff)::bigint AS s_off,
       (sum(o.n_official) OVER w - o.n_official)::bigint AS f_off,
       (sum(o.n_pupil) OVER w - o.n_pupil)::bigint AS p_off
FROM (SELECT o.*,
             CASE WHEN o.admin_logged_in_on IS NOT NULL AND pg_temp.u(o.org_id, 24) >= 0.05
                  THEN pg_temp.upto(o.admin_logged_in_on + pg_temp.expo(pg_temp.u(o.org_id, 25), 25), NULL)
             END AS data_filled_on,
             CASE WHEN o.kind = 'general' AND o.registered_on IS NOT NULL AND pg_temp.u(o.org_id, 26) >= 0.10
                  THEN greatest(o.registered_on,
                                CASE WHEN pg_temp.u(o.org_id, 27) < 0.72
                                     THEN date '2023-01-16' + floor(165 * pg_temp.u(o.org_id, 28))::integer
                                     ELSE date '2023-07-01' + floor(900 * pg_temp.u(o.org_id, 28))::integer END)
             END AS ejournal_connected_on,
             round(o.n_teacher * o.staff_ratio * (0.75 + 0.5 * pg_temp.u(o.org_id, 15)))::bigint AS n_staff
      FROM g_org4 o) o
WINDOW w AS (ORDER BY o.org_id);
ANALYZE g_org;

INSERT INTO organisation (org_id, region_code, municipality_id, parent_org_id, name, kind, ownership,
                          pedagogical_college, registered_on, admin_logged_in_on, data_filled_on, ejournal_connected_on)
SELECT o.org_id, :'region', o.muni, o.parent_org_id,
       CASE o.kind
           WHEN 'roiv' THEN 'Министерство образования (демо)'
           WHEN 'omsu' THEN 'Управление образования: ' || mu.name
           WHEN 'subordinate' THEN CASE WHEN o.muni IS NULL THEN 'ГКУ' ELSE 'МКУ' END || ' «Центр сопровождения образования № ' || o.k || '»'
           WHEN 'general' THEN CASE o.ownership WHEN 'private' THEN 'ЧОУ' WHEN 'state' THEN 'ГБОУ' ELSE 'МБОУ' END || ' СОШ № ' || o.k
           WHEN 'preschool' THEN CASE o.ownership WHEN 'private' THEN 'ЧДОУ' ELSE 'МБДОУ' END || ' детский сад № ' || o.k
           WHEN 'spo' THEN CASE o.ownership WHEN 'private' THEN 'ЧПОУ' ELSE 'ГБПОУ' END
                           || CASE WHEN pc.org_id IS NOT NULL THEN ' педагогический колледж № ' ELSE ' колледж № ' END || o.k
           WHEN 'do' THEN CASE o.ownership WHEN 'private' THEN 'ЧУ ДО' WHEN 'state' THEN 'ГБУ ДО' ELSE 'МБУ ДО' END || ' ДДТ № ' || o.k
           WHEN 'dpo' THEN CASE WHEN o.k = 1 THEN 'ГАУ ДПО «Институт развития образования»'
                                ELSE CASE o.ownership WHEN 'private' THEN 'ЧУ ДПО' WHEN 'state' THEN 'ГАУ ДПО' ELSE 'МБУ ДПО' END
                                     || ' «Методический центр № ' || o.k || '»' END
       END,
       o.kind, o.ownership, pc.org_id IS NOT NULL,
       o.registered_on, o.admin_logged_in_on, o.data_filled_on, o.ejournal_connected_on
FROM g_org o
LEFT JOIN g_muni mu ON mu.m = o.muni
LEFT JOIN g_pedcol pc ON pc.org_id = o.org_id
ORDER BY o.org_id;

--------------------------------------------------------------------------------
\echo '  people and memberships'
--------------------------------------------------------------------------------
-- Person ids: class * 10^9 + ordinal (1 teachers, 2 staff, 3 officials, 4 pupils,
-- 5 first parents, 6 second parents).  Not dense: pupils of ДО who are school
-- pupils keep their school id and their own ordinal stays unused.
CREATE TEMP TABLE g_mem (
    person_id bigint NOT NULL,
    org_id    bigint NOT NULL,
    role      text NOT NULL,
    cls       integer NOT NULL,     -- 1 teacher, 2 staff, 3 official, 4 pupil, 5 parent
    since     date NOT NULL,
    until     date,
    added     date,
    confirmed date,
    secondary boolean NOT NULL DEFAULT false
);

-- Employees.  Hired long ago (86 %), during 2024/25 (7 %) or from late August 2025 (7 %);
-- 3 % left in 2023/24, 6 % during 2024-09 .. 2025-12, 2 % on 2025-06-30.
-- Added to the community (if the organisation's administrator ever logged in):
-- teachers 93 %, staff 78 %, everyone in roiv/omsu/subordinate/dpo 97 %, ~3 weeks
-- after joining or after the login; teacher role confirmed for 86 % of added
-- teachers ~12 days later.
INSERT INTO g_mem (person_id, org_id, role, cls, since, until, added, confirmed)
SELECT e.pid, e.org_id, e.role, e.cls, e.since, e.until, a.added,
       CASE WHEN e.cls = 1 AND a.added IS NOT NULL AND pg_temp.u(e.pid, 37) < 0.86 THEN
           pg_temp.upto(a.added + pg_temp.expo(pg_temp.u(e.pid, 38), 12), e.until)
       END
FROM (SELECT x.*,
             CASE WHEN x.until0 >= x.since THEN x.until0 END AS until
      FROM (SELECT r.base + s AS pid, o.org_id, o.kind, o.admin_logged_in_on, r.role, r.cls,
                   CASE WHEN pg_temp.u(r.base + s, 30) < 0.86
                            THEN date '1990-09-01' + floor(11900 * pg_temp.u(r.base + s, 31))::integer
                        WHEN pg_temp.u(r.base + s, 30) < 0.93
                            THEN CASE WHEN pg_temp.u(r.base + s, 31) < 0.5 THEN date '2024-09-01'
                                      ELSE date '2024-09-02' + floor(300 * pg_temp.u(r.base + s, 32))::integer END
                        ELSE CASE WHEN pg_temp.u(r.base + s, 31) < 0.5 THEN date '2025-09-01'
                                  ELSE date '2025-08-25' + floor(110 * pg_temp.u(r.base + s, 32))::integer END
                   END AS since,
                   CASE WHEN pg_temp.u(r.base + s, 33) < 0.03 THEN date '2023-09-01' + floor(360 * pg_temp.u(r.base + s, 34))::integer
                        WHEN pg_temp.u(r.base + s, 33) < 0.09 THEN date '2024-09-15' + floor(460 * pg_temp.u(r.base + s, 34))::integer
                        WHEN pg_temp.u(r.base + s, 33) < 0.11 THEN date '2025-06-30'
                   END AS until0
            FROM g_org o
            CROSS JOIN LATERAL (VALUES ('teacher', 1, o.n_teacher, 1000000000 + o.t_off),
                                       ('staff', 2, o.n_staff, 2000000000 + o.s_off),
                                       ('official', 3, o.n_official, 3000000000 + o.f_off)) AS r(role, cls, n, base)
            CROSS JOIN LATERAL generate_series(1, r.n) AS s) x) e
CROSS JOIN LATERAL (
    SELECT CASE WHEN e.admin_logged_in_on IS NOT NULL
                 AND pg_temp.u(e.pid, 35) < CASE WHEN e.kind IN ('roiv', 'omsu', 'subordinate', 'dpo') THEN 0.97
                                                 WHEN e.cls = 1 THEN 0.93 ELSE 0.78 END
                THEN pg_temp.upto(greatest(e.since, e.admin_logged_in_on) + pg_temp.expo(pg_temp.u(e.pid, 36), 21), e.until)
           END AS added) a;

-- Second teacher membership for ~3 % of school teachers: another school, 70 % in the
-- same municipality when it has one.
CREATE TEMP TABLE g_school AS
SELECT org_id, muni, admin_logged_in_on,
       row_number() OVER (PARTITION BY muni ORDER BY org_id) - 1 AS rm,
       count(*) OVER (PARTITION BY muni) AS nm,
       row_number() OVER (ORDER BY org_id) - 1 AS rg,
       count(*) OVER () AS ng
FROM g_org WHERE kind = 'general';
ANALYZE g_school;

INSERT INTO g_mem (person_id, org_id, role, cls, since, until, added, confirmed, secondary)
SELECT t.person_id, t.org2, 'teacher', 1, t.since2, t.until2, t.added2,
       CASE WHEN t.added2 IS NOT NULL AND pg_temp.u(t.person_id, 47) < 0.8
            THEN pg_temp.upto(t.added2 + pg_temp.expo(pg_temp.u(t.person_id, 48), 10), t.until2) END,
       true
FROM (SELECT t.*,
             CASE WHEN t.adm2 IS NOT NULL AND pg_temp.u(t.person_id, 45) < 0.85
                  THEN pg_temp.upto(greatest(t.since2, t.adm2) + pg_temp.expo(pg_temp.u(t.person_id, 46), 21), t.until2) END AS added2
      FROM (SELECT t0.*, u2.until2 FROM (
            SELECT m.person_id, s2.org_id AS org2, s2.admin_logged_in_on AS adm2,
                   greatest(m.since, date '2021-09-01' + floor(1400 * pg_temp.u(m.person_id, 42))::integer) AS since2,
                   CASE WHEN pg_temp.u(m.person_id, 43) < 0.2
                        THEN greatest(m.since, date '2021-09-01' + floor(1400 * pg_temp.u(m.person_id, 42))::integer)
                             + 30 + floor(400 * pg_temp.u(m.person_id, 44))::integer
                        ELSE m.until END AS until0
            FROM g_mem m
            JOIN g_school s1 ON s1.org_id = m.org_id
            JOIN g_school s2 ON CASE WHEN s1.nm > 1 AND pg_temp.u(m.person_id, 41) < 0.7
                                     THEN s2.muni = s1.muni AND s2.rm = (s1.rm + 1 + floor((s1.nm - 1) * pg_temp.u(m.person_id, 40))::bigint) % s1.nm
                                     ELSE s2.rg = (s1.rg + 1 + floor((s1.ng - 1) * pg_temp.u(m.person_id, 40))::bigint) % s1.ng END
            WHERE m.cls = 1 AND s1.ng > 1 AND pg_temp.u(m.person_id, 39) < 0.03) t0
      CROSS JOIN LATERAL (SELECT CASE WHEN t0.until0 >= t0.since2 THEN t0.until0 END AS until2) u2) t) t;

-- Pupils.  School grade 0..11 from a hash: 0 = first-graders from 2025-09-01,
-- 11 = leave 2025-06-30, as do 40 % of grade 9; 2.5 % move away during the year,
-- 2.5 % arrive during it.  spo: course 0..4 (4 = graduates 2025-06-30); preschool:
-- group 0..4 (4 = go to school, leave 2025-05-31).  ДО: 60 % are school pupils of the
-- same municipality (same person), the others children from elsewhere.
CREATE TEMP TABLE g_pslot AS
SELECT o.org_id, o.kind, o.muni, o.admin_logged_in_on, s AS slot, o.p_off + s AS seq
FROM g_org o, generate_series(1, o.n_pupil) AS s;
ANALYZE g_pslot;

CREATE TEMP TABLE g_pupil0 AS
SELECT p.*, CASE WHEN x.until0 >= x.since THEN x.until0 END AS until, x.since
FROM g_pslot p
CROSS JOIN LATERAL (SELECT floor(CASE p.kind WHEN 'general' THEN 12 ELSE 5 END * pg_temp.u(p.seq, 50))::integer AS g) gr
CROSS JOIN LATERAL (
    SELECT CASE
               WHEN p.kind = 'do' THEN make_date(2022 + floor(4 * pg_temp.u(p.seq, 51))::integer, 9, 15)
               WHEN gr.g = 0 THEN date '2025-09-01'
               WHEN pg_temp.u(p.seq, 52) < 0.025 AND gr.g < 11 THEN date '2024-09-15' + floor(400 * pg_temp.u(p.seq, 53))::integer
               ELSE make_date(2024 - (gr.g - 1), 9, 1)
           END AS since,
           CASE
               WHEN p.kind = 'do' THEN CASE WHEN pg_temp.u(p.seq, 54) < 0.3
                                            THEN make_date(2023 + floor(4 * pg_temp.u(p.seq, 51))::integer, 5, 31) END
               WHEN p.kind = 'general' AND (gr.g = 11 OR (gr.g = 9 AND pg_temp.u(p.seq, 55) < 0.4)) THEN date '2025-06-30'
               WHEN p.kind = 'spo' AND gr.g = 4 THEN date '2025-06-30'
               WHEN p.kind = 'preschool' AND gr.g = 4 THEN date '2025-05-31'
               WHEN pg_temp.u(p.seq, 56) < 0.025 THEN date '2024-09-15' + floor(450 * pg_temp.u(p.seq, 57))::integer
           END AS until0) x;
ANALYZE g_pupil0;

-- ДО slots filled by school pupils: the k-th such slot of a municipality takes the
-- k-th school pupil of that municipality in hash order.
CREATE TEMP TABLE g_reuse AS
SELECT d.seq AS do_seq, s.seq AS school_seq, s.since AS school_since, s.until AS school_until
FROM (SELECT seq, muni, row_number() OVER (PARTITION BY muni ORDER BY org_id, slot) AS rk
      FROM g_pupil0 WHERE kind = 'do' AND pg_temp.u(seq, 58) < 0.6) d
JOIN (SELECT seq, muni, since, until, row_number() OVER (PARTITION BY muni ORDER BY pg_temp.u(seq, 59), seq) AS rk
      FROM g_pupil0 WHERE kind = 'general') s
  ON s.muni = d.muni AND s.rk = d.rk;
ANALYZE g_reuse;

CREATE TEMP TABLE g_pupil AS
SELECT 4000000000 + coalesce(r.school_seq, p.seq) AS person_id, p.org_id, p.kind,
       coalesce(r.school_seq, p.seq) AS child_seq,
       x.since, x.until,
       CASE WHEN p.admin_logged_in_on IS NOT NULL AND p.kind <> 'preschool'
             AND pg_temp.u2(coalesce(r.school_seq, p.seq), p.org_id, 60) < 0.82
            THEN pg_temp.upto(greatest(x.since, p.admin_logged_in_on)
                              + pg_temp.expo(pg_temp.u2(coalesce(r.school_seq, p.seq), p.org_id, 61), 30), x.until) END AS added
FROM g_pupil0 p
LEFT JOIN g_reuse r ON r.do_seq = p.seq
CROSS JOIN LATERAL (
    SELECT CASE WHEN r.do_seq IS NULL THEN p.since ELSE greatest(r.school_since, date '2024-09-15') END AS since,
           CASE WHEN r.do_seq IS NULL THEN p.until
                WHEN r.school_until >= greatest(r.school_since, date '2024-09-15') THEN r.school_until END AS until) x;
ANALYZE g_pupil;

INSERT INTO g_mem (person_id, org_id, role, cls, since, until, added)
SELECT person_id, org_id, 'pupil', 4, since, until, added FROM g_pupil;

-- Parents: the first parent of child n is 5*10^9 + n, except for 3 % of children who
-- share the first parent of child n +- 997 (mostly another school, sometimes the same
-- one or a kindergarten); a second parent 6*10^9 + n for 35 %.  A parent belongs to
-- every organisation of each child, from the child's first to last day there.
CREATE TEMP TABLE g_parent AS
SELECT g.*, o.admin_logged_in_on AS adm
FROM (
SELECT pa.parent_id AS person_id, p.org_id, min(p.since) AS since,
       CASE WHEN bool_or(p.until IS NULL) THEN NULL ELSE max(p.until) END AS until
FROM g_pupil p
CROSS JOIN (SELECT max(seq) AS nmax FROM g_pslot) n
CROSS JOIN LATERAL (
    SELECT 5000000000 + CASE WHEN pg_temp.u(p.child_seq, 62) < 0.03
                             THEN CASE WHEN p.child_seq + 997 <= n.nmax THEN p.child_seq + 997
                                       WHEN p.child_seq > 997 THEN p.child_seq - 997
                                       ELSE p.child_seq END
                             ELSE p.child_seq END AS parent_id
    UNION ALL
    SELECT 6000000000 + p.child_seq WHERE pg_temp.u(p.child_seq, 63) < 0.35) pa
GROUP BY pa.parent_id, p.org_id) g
JOIN g_org o ON o.org_id = g.org_id;
ANALYZE g_parent;

INSERT INTO g_mem (person_id, org_id, role, cls, since, until, added)
SELECT person_id, org_id, 'parent', 5, since, until,
       CASE WHEN adm IS NOT NULL AND pg_temp.u2(person_id, org_id, 64) < 0.75
            THEN pg_temp.upto(greatest(since, adm) + pg_temp.expo(pg_temp.u2(person_id, org_id, 65), 40), until) END
FROM g_parent;

ANALYZE g_mem;

INSERT INTO person (person_id, region_code)
SELECT DISTINCT person_id, :'region' FROM g_mem ORDER BY person_id;

INSERT INTO membership (person_id, org_id, role, since, until, sferum_added_on, role_confirmed_on)
SELECT person_id, org_id, role, since, until, added, confirmed FROM g_mem ORDER BY person_id, org_id, role;

--------------------------------------------------------------------------------
\echo '  statistical forms'
--------------------------------------------------------------------------------
-- Per organisation and school year 2024, 2025: the registry as of 20 September
-- (ОО-1 reference date) with +-3 % noise for pupils, -2..+6 % for staff positions.
-- authority_headcount (roiv, omsu, subordinate, dpo): every employee (officials,
-- teachers, staff) in the body's registry at any time of that school year, plus
-- 0..5 % not on Sferum, so the share of writers of a week never exceeds 1.
INSERT INTO stat_form (org_id, school_year, pupils, staff_headcount, authority_headcount)
SELECT o.org_id, y.sy,
       CASE WHEN o.kind IN ('general', 'spo', 'do', 'preschool')
            THEN round(coalesce(c.pupils, 0) * (0.97 + 0.06 * pg_temp.u2(o.org_id, y.sy, 70)))::integer ELSE 0 END,
       round(coalesce(c.staff, 0) * (0.98 + 0.08 * pg_temp.u2(o.org_id, y.sy, 71)))::integer,
       CASE WHEN o.kind IN ('roiv', 'omsu', 'subordinate', 'dpo')
            THEN (coalesce(e.employees, 0) + ceil(coalesce(e.employees, 0) * 0.05 * pg_temp.u2(o.org_id, y.sy, 72)))::integer ELSE 0 END
FROM g_org o
CROSS JOIN (VALUES (2024), (2025)) AS y(sy)
LEFT JOIN (
    SELECT m.org_id, y.sy, count(*) FILTER (WHERE m.cls = 4) AS pupils,
           count(*) FILTER (WHERE m.cls IN (1, 2, 3)) AS staff
    FROM g_mem m CROSS JOIN (VALUES (2024), (2025)) AS y(sy)
    WHERE m.since <= make_date(y.sy, 9, 20) AND (m.until IS NULL OR m.until >= make_date(y.sy, 9, 20))
    GROUP BY m.org_id, y.sy) c ON c.org_id = o.org_id AND c.sy = y.sy
LEFT JOIN (
    SELECT m.org_id, y.sy, count(DISTINCT m.person_id) AS employees
    FROM g_mem m CROSS JOIN (VALUES (2024), (2025)) AS y(sy)
    WHERE m.cls IN (1, 2, 3) AND m.since <= make_date(y.sy + 1, 8, 31)
      AND (m.until IS NULL OR m.until >= make_date(y.sy, 9, 1))
    GROUP BY m.org_id, y.sy) e ON e.org_id = o.org_id AND e.sy = y.sy
ORDER BY o.org_id, y.sy;

--------------------------------------------------------------------------------
\echo '  activity: calendar and per-person rates'
--------------------------------------------------------------------------------
-- Calendar factor per role class (1 teacher, 2 staff, 3 official, 4 pupil, 5 parent):
-- the chance that a candidate day is really an active day.  Weekends lower; school
-- holidays (autumn 28.10-04.11.2024 and 27.10-04.11.2025, winter 29.12-08.01,
-- spring 24-30.03.2025) and public holidays low; summer very low for schools,
-- officials work through school holidays and keep half their activity in summer.
CREATE TEMP TABLE g_day AS
SELECT d.day,
       ARRAY[least(1, wd[1] * sm[1]), least(1, wd[2] * sm[2]), least(1, wd[3] * sm[3]),
             least(1, wd[4] * sm[4]), least(1, wd[5] * sm[5])]::double precision[] AS f
FROM (SELECT day::date AS day,
             CASE extract(isodow FROM day) WHEN 6 THEN ARRAY[0.40, 0.30, 0.12, 0.45, 0.55]
                                           WHEN 7 THEN ARRAY[0.30, 0.20, 0.08, 0.35, 0.50]
                                           ELSE ARRAY[1, 1, 1, 1, 1] END AS wd,
             CASE
                 WHEN day BETWEEN '2024-12-29' AND '2025-01-08' OR day BETWEEN '2025-12-30' AND '2026-01-08'
                     THEN ARRAY[0.15, 0.12, 0.12, 0.15, 0.20]
                 WHEN day BETWEEN '2024-10-28' AND '2024-11-04' OR day BETWEEN '2025-10-27' AND '2025-11-04'
                      OR day BETWEEN '2025-03-24' AND '2025-03-30'
                     THEN CASE WHEN day IN ('2024-11-04', '2025-11-03', '2025-11-04') THEN ARRAY[0.30, 0.25, 0.10, 0.25, 0.30]
                               ELSE ARRAY[0.35, 0.30, 1.00, 0.25, 0.30] END
                 WHEN day IN ('2025-05-01', '2025-05-02', '2025-05-08', '2025-05-09', '2025-06-12', '2025-06-13')
                     THEN ARRAY[0.30, 0.25, 0.10, 0.30, 0.40]
                 WHEN day BETWEEN '2025-06-01' AND '2025-06-30' THEN ARRAY[0.35, 0.30, 0.75, 0.12, 0.12]
                 WHEN day BETWEEN '2025-07-01' AND '2025-07-31' THEN ARRAY[0.06, 0.08, 0.50, 0.06, 0.07]
                 WHEN day BETWEEN '2025-08-01' AND '2025-08-24' THEN ARRAY[0.10, 0.12, 0.60, 0.07, 0.08]
                 WHEN day BETWEEN '2025-08-25' AND '2025-08-31' THEN ARRAY[0.60, 0.50, 0.90, 0.20, 0.30]
                 WHEN day BETWEEN '2025-05-19' AND '2025-05-31' THEN ARRAY[0.75, 0.70, 1.00, 0.65, 0.70]
                 WHEN day BETWEEN '2024-09-02' AND '2024-09-08' OR day BETWEEN '2025-09-01' AND '2025-09-07'
                     THEN ARRAY[0.90, 0.90, 1.00, 0.85, 0.95]
                 WHEN day BETWEEN '2025-05-01' AND '2025-05-18' THEN ARRAY[0.85, 0.85, 1.00, 0.85, 0.85]
                 ELSE ARRAY[1, 1, 1, 1, 1]
             END AS sm
      FROM g_param, generate_series(date '2024-09-02', until_day, interval '1 day') AS day) d;
ANALYZE g_day;

-- One driver row per active person: the membership that sets their window (the one
-- that lasts longest among those added to Sferum), the organisation's adoption, a
-- personal rate (0 = never active: teachers 8 %, staff 25 %, officials 5 %, pupils
-- 30 %, parents 38 %, kindergarten children always; 4 % of every employee of roiv,
-- omsu, subordinate and dpo), the day they move to national (truncated logistic of
-- the organisation, not before 2025-08-25) and the end of their vk use (0..14 days
-- of overlap, never after the organisation's vk closure).  On national the rate is
-- higher (teachers x1.15, staff x1.3, officials x1.4, pupils x1.15, parents x1.2,
-- everyone in an authority or its bodies x1.5): the roadmap pushes them to write there.
CREATE TEMP TABLE g_driver AS
SELECT d.person_id, d.cls, d.org_id,
       greatest(d.since, d.added, date '2024-09-02') AS ws,
       least(coalesce(d.until, p.until_day), p.until_day) AS we,
       least(1.0, b.base_rate * o.engagement) AS rate,
       least(1.0, b.base_rate * o.engagement
                  * CASE WHEN o.kind IN ('roiv', 'omsu', 'subordinate', 'dpo') THEN 1.5
                         ELSE (ARRAY[1.15, 1.3, 1.4, 1.15, 1.2])[d.cls] END) AS rate2,
       s.nat_start,
       least(o.vk_close, s.nat_start + floor(15 * pg_temp.u(d.person_id, 84))::integer) AS vk_end
FROM (SELECT DISTINCT ON (m.person_id) m.*
      FROM g_mem m
      WHERE m.added IS NOT NULL
      ORDER BY m.person_id, coalesce(m.until, date '9999-12-31') DESC, m.added, m.org_id) d
JOIN g_org o ON o.org_id = d.org_id
CROSS JOIN g_param p
CROSS JOIN LATERAL (
    SELECT CASE WHEN d.cls = 4 AND o.kind = 'preschool' THEN 0   -- kindergarten children
                WHEN pg_temp.u(d.person_id, 80) < CASE WHEN o.kind IN ('roiv', 'omsu', 'subordinate', 'dpo') AND d.cls <= 3 THEN 0.04
                                                       ELSE (ARRAY[0.08, 0.25, 0.05, 0.30, 0.38])[d.cls] END THEN 0
                ELSE CASE d.cls
                         WHEN 1 THEN 0.12 + 0.68 * pg_temp.u(d.person_id, 81) ^ 0.9
                         WHEN 2 THEN 0.05 + 0.45 * pg_temp.u(d.person_id, 81) ^ 1.3
                         WHEN 3 THEN 0.45 + 0.50 * pg_temp.u(d.person_id, 81)
                         WHEN 4 THEN 0.02 + 0.28 * pg_temp.u(d.person_id, 81) ^ 1.6
                         ELSE        0.02 + 0.22 * pg_temp.u(d.person_id, 81) ^ 1.6
                     END
           END AS base_rate) b
CROSS JOIN LATERAL (
    SELECT 1 / (1 + exp(-((date '2025-08-25' - o.nat_mid) / o.nat_width))) AS f0) f
CROSS JOIN LATERAL (
    SELECT f.f0 + (1 - f.f0) * pg_temp.u(d.person_id, 83) AS q) q
CROSS JOIN LATERAL (
    SELECT greatest(date '2025-08-25',
                    o.nat_mid + least(1000, greatest(-1000, round(o.nat_width * ln(q.q / (1 - q.q)))))::integer)
           AS nat_start) s
WHERE b.base_rate > 0;
ANALYZE g_driver;

-- Two segments per person: 1 = before the move (vk only), 2 = from the move (national,
-- and vk during the overlap at the old rate: accepted with rate / rate2).
-- ncand candidate days per segment: the segment is cut into ncand consecutive strata
-- and one day is drawn in each (no duplicates; ncand / days = the rate).
CREATE TEMP TABLE g_seg AS
SELECT s.*, floor(s.rate * (s.we - s.ws + 1) + pg_temp.u2(s.person_id, s.seg, 89))::integer AS ncand
FROM (SELECT d.person_id, d.cls, 1 AS seg, d.ws, least(d.we, d.nat_start - 1, d.vk_end - 1) AS we,
             d.rate, d.vk_end, 1.0::double precision AS vk_ratio
      FROM g_driver d
      UNION ALL
      SELECT d.person_id, d.cls, 2, greatest(d.ws, d.nat_start), d.we,
             d.rate2, d.vk_end, d.rate / d.rate2
      FROM g_driver d) s
WHERE s.we >= s.ws;
DELETE FROM g_seg WHERE ncand <= 0;
ANALYZE g_seg;

--------------------------------------------------------------------------------
\echo '  activity_daily (the big one)'
--------------------------------------------------------------------------------
-- A candidate day is active with the calendar factor of the person's class.
-- Written: chance and mean per class and platform; read: >= 1 (no all-zero rows).
INSERT INTO activity_daily (person_id, day, platform, messages_written, messages_read)
SELECT c.person_id, c.day, pf.platform,
       CASE WHEN ((hh2.h2 & 1048575)::double precision / 1048576)
                 < CASE pf.platform WHEN 'vk' THEN (ARRAY[0.80, 0.45, 0.70, 0.30, 0.12])[c.cls]
                                    ELSE (ARRAY[0.90, 0.70, 0.92, 0.25, 0.14])[c.cls] END
            THEN 1 + floor(-ln(1 - ((hh2.h2 >> 20) & 1048575)::double precision / 1048576)
                           * (ARRAY[5.0, 3.0, 6.0, 4.0, 2.0])[c.cls])::integer
            ELSE 0 END,
       1 + floor(-ln(1 - ((hh2.h2 >> 40) & 1048575)::double precision / 1048576)
                 * (ARRAY[25.0, 10.0, 30.0, 15.0, 8.0])[c.cls])::integer
FROM (SELECT s.person_id, s.cls, s.seg, s.vk_end, s.vk_ratio, cd.day,
             ((cd.h1 >> 20) & 1048575)::double precision / 1048576 AS ua
      FROM g_seg s
      CROSS JOIN LATERAL generate_series(0, s.ncand - 1) AS i
      CROSS JOIN LATERAL (
          SELECT hh.h1,
                 s.ws + (i * (s.we - s.ws + 1)) / s.ncand
                 + floor(((hh.h1 & 1048575)::double precision / 1048576)
                         * (((i + 1) * (s.we - s.ws + 1)) / s.ncand - (i * (s.we - s.ws + 1)) / s.ncand))::integer AS day
          FROM (SELECT hashint8extended(s.person_id * 16777259 + s.seg * 1000 + i, :hs + 90) AS h1) hh
          OFFSET 0) cd) c
JOIN g_day g ON g.day = c.day
CROSS JOIN (VALUES ('vk'::text), ('national'::text)) AS pf(platform)
CROSS JOIN LATERAL (
    SELECT hashint8extended(c.person_id * 16777259 + (c.day - date '2024-01-01'),
                            :hs + CASE pf.platform WHEN 'vk' THEN 91 ELSE 92 END) AS h2) hh2
WHERE CASE pf.platform
          WHEN 'vk' THEN (c.seg = 1 OR c.day < c.vk_end) AND c.ua < g.f[c.cls] * c.vk_ratio
          ELSE c.seg = 2 AND c.ua < g.f[c.cls]
      END
-- in day order, as a daily feed fills a real mart: a week's rows sit together in
-- the heap (a person-major load would scatter every week over the whole table)
ORDER BY c.day;

--------------------------------------------------------------------------------
\echo '  chats and chat_daily'
--------------------------------------------------------------------------------
-- vk chats: teachers who use Sferum create 0..3 (primary organisation; 30 % of second
-- memberships one more), 4 % of staff one; created ~2 months after joining, never
-- after 2025-08-24; closed when the organisation's vk closes (8 % earlier).
-- national chats: after the creator's move (and their joining), one per vk chat give or take.
CREATE TEMP TABLE g_chat0 AS
SELECT m.person_id, m.org_id, 'vk'::text AS platform, k,
       greatest(m.since, m.added) + pg_temp.expo(pg_temp.u2(m.person_id, m.org_id, 200 + k), 60) AS created_on,
       NULL::date AS nat_start
FROM g_mem m
JOIN g_driver d ON d.person_id = m.person_id
CROSS JOIN LATERAL generate_series(1,
    CASE WHEN m.cls = 2 THEN CASE WHEN pg_temp.u2(m.person_id, m.org_id, 101) < 0.04 THEN 1 ELSE 0 END
         WHEN m.secondary THEN CASE WHEN pg_temp.u2(m.person_id, m.org_id, 101) < 0.30 THEN 1 ELSE 0 END
         ELSE floor(4 * pg_temp.u2(m.person_id, m.org_id, 101) ^ 1.3)::integer END) AS k
WHERE m.cls IN (1, 2) AND m.added IS NOT NULL;
ANALYZE g_chat0;

DELETE FROM g_chat0 WHERE created_on > date '2025-08-24' OR created_on > (SELECT until_day FROM g_param);

INSERT INTO g_chat0 (person_id, org_id, platform, k, created_on, nat_start)
SELECT m.person_id, m.org_id, 'national', k,
       greatest(d.nat_start, m.added) + floor(14 * pg_temp.u2(m.person_id, m.org_id, 210 + k))::integer, d.nat_start
FROM g_mem m
JOIN g_driver d ON d.person_id = m.person_id
LEFT JOIN (SELECT person_id, org_id, count(*)::integer AS n FROM g_chat0 GROUP BY person_id, org_id) v
       ON v.person_id = m.person_id AND v.org_id = m.org_id
CROSS JOIN LATERAL generate_series(1,
    coalesce(v.n, 0)
    + CASE WHEN m.cls = 2 THEN 0
           WHEN pg_temp.u2(m.person_id, m.org_id, 103) < 0.25 THEN 1
           WHEN pg_temp.u2(m.person_id, m.org_id, 103) > 0.85 THEN -1 ELSE 0 END) AS k
WHERE m.cls IN (1, 2) AND m.added IS NOT NULL;

-- no chat created after its creator left, or after the last day of the data
DELETE FROM g_chat0 c USING g_mem m, g_param p
WHERE m.person_id = c.person_id AND m.org_id = c.org_id
  AND (c.created_on > p.until_day OR c.created_on > coalesce(m.until, date '9999-12-31'));

CREATE TEMP TABLE g_chat AS
SELECT row_number() OVER (ORDER BY c.org_id, c.person_id, c.platform DESC, c.k) AS chat_id,
       c.*,
       CASE WHEN c.platform = 'vk' THEN
           CASE WHEN pg_temp.u2(c.person_id, c.org_id, 220 + c.k) < 0.08
                THEN least(o.vk_close, c.created_on + 1 + floor(270 * pg_temp.u2(c.person_id, c.org_id, 230 + c.k))::integer)
                ELSE o.vk_close END
       END AS closed0,
       o.engagement
FROM g_chat0 c JOIN g_org o ON o.org_id = c.org_id;
ANALYZE g_chat;

INSERT INTO chat (chat_id, org_id, creator_person_id, platform, created_on, closed_on)
SELECT c.chat_id, c.org_id, c.person_id, c.platform, c.created_on,
       CASE WHEN c.closed0 <= p.until_day THEN c.closed0 END
FROM g_chat c, g_param p
ORDER BY c.chat_id;

-- Per chat: 15 % silent, 55 % quiet (rate 0.22 a day, ~2 messages), 30 % busy
-- (rate 0.6, ~5 messages), both scaled by the organisation's engagement; same
-- stratified candidate days and the teachers' calendar.
CREATE TEMP TABLE g_chatwin AS
SELECT w.*, floor(w.rate * (w.we - w.ws + 1) + pg_temp.u(w.chat_id, 111))::integer AS ncand
FROM (SELECT c.chat_id,
             greatest(c.created_on, date '2024-09-02') AS ws,
             least(coalesce(c.closed0 - 1, p.until_day), p.until_day) AS we,
             CASE WHEN t.t < 0.15 THEN 0 WHEN t.t < 0.70 THEN 0.22 ELSE 0.60 END
                 * least(1.0, 0.4 + c.engagement) AS rate,
             CASE WHEN t.t < 0.70 THEN 1.8 ELSE 5.0 END AS mean
      FROM g_chat c CROSS JOIN g_param p
      CROSS JOIN LATERAL (SELECT pg_temp.u(c.chat_id, 110) AS t) t) w
WHERE w.we >= w.ws;
DELETE FROM g_chatwin WHERE ncand <= 0;
ANALYZE g_chatwin;

INSERT INTO chat_daily (chat_id, day, messages)
SELECT c.chat_id, c.day,
       1 + floor(-ln(1 - ((c.h1 >> 40) & 1048575)::double precision / 1048576) * c.mean)::integer
FROM (SELECT x.chat_id, x.mean, cd.day, cd.h1
      FROM g_chatwin x
      CROSS JOIN LATERAL generate_series(0, x.ncand - 1) AS i
      CROSS JOIN LATERAL (
          SELECT hh.h1,
                 x.ws + (i * (x.we - x.ws + 1)) / x.ncand
                 + floor(((hh.h1 & 1048575)::double precision / 1048576)
                         * (((i + 1) * (x.we - x.ws + 1)) / x.ncand - (i * (x.we - x.ws + 1)) / x.ncand))::integer AS day
          FROM (SELECT hashint8extended(x.chat_id * 16777259 + i, :hs + 112) AS h1) hh
          OFFSET 0) cd) c
JOIN g_day g ON g.day = c.day
WHERE ((c.h1 >> 20) & 1048575)::double precision / 1048576 < g.f[1]
ORDER BY c.day;   -- day order, as a daily feed loads it

--------------------------------------------------------------------------------
\if :gen_has_milestones
\echo '  milestone_progress'
-- Roadmap milestones (spec §4b): counts a DBA would load, reported at a few dates.
INSERT INTO milestone_progress (region_code, indicator, reported_on, done, total)
SELECT :'region', t.indicator, t.reported_on, least(t.total, round(t.total * t.frac))::bigint, t.total
FROM (SELECT m.indicator, r.reported_on, m.total,
             m.level * least(1.0, r.step) AS frac
      FROM (VALUES
          ('official_channels_moved', (SELECT 2 * count(*) FROM g_org WHERE kind IN ('roiv', 'omsu', 'subordinate')), 1.0),
          ('staff_trained', (SELECT count(*) FROM g_mem m JOIN g_org o USING (org_id)
                             WHERE m.cls IN (1, 2) AND m.until IS NULL AND o.ownership <> 'private'
                               AND o.kind IN ('general', 'spo', 'do')), 0.94),
          ('dpo_module_included', (SELECT count(*) FROM g_org WHERE kind = 'dpo' AND ownership <> 'private'), 1.0),
          ('ped_colleges_module_included', (SELECT count(*) FROM g_pedcol), 1.0)) AS m(indicator, total, level)
      CROSS JOIN (VALUES (date '2025-09-15', 0.35), (date '2025-10-01', 0.7), (date '2025-10-31', 0.97),
                         (date '2025-11-30', 1.0), (date '2025-12-22', 1.1)) AS r(reported_on, step)) t, g_param p
WHERE t.reported_on <= p.until_day AND t.total > 0
ORDER BY 2, 3;
\endif

--------------------------------------------------------------------------------
\echo '  ANALYZE'
--------------------------------------------------------------------------------
ANALYZE region, municipality, organisation, person, membership, stat_form, activity_daily, chat, chat_daily;
\if :gen_has_milestones
ANALYZE milestone_progress;
\endif

\echo generate_region: done
\if :gen_has_milestones
\set gen_milestones '(SELECT count(*) FROM milestone_progress)'
\else
\set gen_milestones 'NULL::bigint'
\endif
SELECT t.tbl AS "table", t.n AS "rows"
FROM (VALUES (1, 'region', (SELECT count(*) FROM region)),
             (2, 'municipality', (SELECT count(*) FROM municipality)),
             (3, 'organisation', (SELECT count(*) FROM organisation)),
             (4, 'person', (SELECT count(*) FROM person)),
             (5, 'membership', (SELECT count(*) FROM membership)),
             (6, 'stat_form', (SELECT count(*) FROM stat_form)),
             (7, 'activity_daily', (SELECT count(*) FROM activity_daily)),
             (8, 'chat', (SELECT count(*) FROM chat)),
             (9, 'chat_daily', (SELECT count(*) FROM chat_daily)),
             (10, 'milestone_progress', :gen_milestones)) AS t(ord, tbl, n)
WHERE t.n IS NOT NULL
ORDER BY t.ord;
SELECT format('%s s', round(extract(epoch FROM clock_timestamp() - :'gen_t0'::timestamptz)::numeric, 1)) AS elapsed;

-- drop the helpers and reset the settings (the script can be run again with \i,
-- for another schema, in the same session)
DROP TABLE g_param, g_muni, g_kind, g_org0, g_private, g_org1, g_pedcol, g_org2, g_org3, g_org4, g_org,
           g_mem, g_school, g_pslot, g_pupil0, g_reuse, g_pupil, g_parent, g_day, g_driver, g_seg,
           g_chat0, g_chat, g_chatwin;
DROP FUNCTION pg_temp.u(bigint, integer), pg_temp.u2(bigint, bigint, integer),
              pg_temp.expo(double precision, double precision), pg_temp.upto(date, date), pg_temp.gen_fail(text);
RESET search_path;
RESET work_mem;
RESET jit;
RESET synchronous_commit;
