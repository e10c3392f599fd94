-- Warehouse roles, row-level security for municipal analysts, and a search_path
-- attack by an unprivileged user.  Runs on the hand-built region.
SET search_path = public, sferum_kpi;
\i test/fixtures/tiny_region.sql
SET client_min_messages = warning;   -- backfill's NOTICE per week
SELECT sum(rows_changed) > 0 AS history_stored FROM backfill('tiny_kpi', '2024-09-02', '2024-09-15');
RESET client_min_messages;
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_bi, regress_loader, regress_alpha, regress_beta, regress_nobody, regress_attacker, municipal_analysts;
RESET client_min_messages;
CREATE ROLE regress_bi;
CREATE ROLE regress_loader;

-- BI reader: every KPI view, the targets, definitions and labels; nothing person-level
SELECT grant_reader('regress_bi', 'tiny_kpi') AS views_granted;
SELECT grant_loader('regress_loader', 'tiny') AS tables_granted;
SET ROLE regress_bi;
SELECT indicator, platform, numerator, denominator, target_met
FROM tiny_kpi.all_indicators
WHERE level = 'region' AND week_start = '2024-09-02' AND indicator IN ('staff_using', 'active_teachers')
ORDER BY 1, 2;
SELECT count(*) AS dashboard_rows FROM tiny_kpi.dashboard;
SELECT count(*) > 0 AS reads_indicators, bool_and(region_name IS NOT NULL) AS with_labels FROM tiny_kpi.indicators;
SELECT count(*) > 0 AS reads_labels FROM sferum_kpi.label;
\set VERBOSITY terse
-- the history holds kpi_ratio values: BI reads the store's plain columns instead
SELECT count(*) FROM sferum_kpi.indicator_history;
SELECT count(*) FROM tiny.person;
SELECT count(*) FROM tiny.activity_daily;
SELECT count(*) FROM tiny.membership;
INSERT INTO sferum_kpi.target (indicator, stage, deadline, comparison, threshold, title_ru, title_en, source_document)
VALUES ('x', 1, '2030-01-01', '>=', 0.5, 'x', 'x', 'x');
SELECT snapshot_week('tiny_kpi', '2024-09-09');
\set VERBOSITY default
RESET ROLE;

-- loader: writes the mart, reads nothing else
SET ROLE regress_loader;
INSERT INTO tiny.activity_daily VALUES (101, '2024-09-13', 'vk', 1, 0);
UPDATE tiny.activity_daily SET messages_read = 2 WHERE person_id = 101 AND day = '2024-09-13';
DELETE FROM tiny.activity_daily WHERE person_id = 101 AND day = '2024-09-13';
\set VERBOSITY terse
SELECT count(*) FROM tiny_kpi.staff_using;
UPDATE sferum_kpi.target SET threshold = 0.01;
DELETE FROM sferum_kpi.indicator_history;
\set VERBOSITY default
RESET ROLE;

-- a role that may write the store but not create in its schema cannot refresh it:
-- the refresh's work tables live there (a clear error, before any work)
GRANT USAGE ON SCHEMA sferum_kpi, tiny_kpi TO regress_loader;
GRANT SELECT ON sferum_kpi.view_set TO regress_loader;
GRANT SELECT, INSERT, DELETE ON tiny_kpi.store TO regress_loader;
SET ROLE regress_loader;
\set SHOW_CONTEXT never
SELECT refresh_week('tiny_kpi', '2024-09-09');
\set SHOW_CONTEXT errors
RESET ROLE;
REVOKE SELECT ON sferum_kpi.view_set FROM regress_loader;
REVOKE USAGE ON SCHEMA sferum_kpi, tiny_kpi FROM regress_loader;
REVOKE SELECT, INSERT, DELETE ON tiny_kpi.store FROM regress_loader;

-- errors
\set SHOW_CONTEXT never
SELECT grant_reader('regress_no_such_role', 'tiny_kpi');
SELECT grant_reader('regress_bi', 'no_such_schema');
SELECT grant_loader('regress_loader', 'tiny_kpi');
\set SHOW_CONTEXT errors

-- Row-level security example (docs/municipal_rls.sql): each analyst sees only
-- their municipalities' rows of the published table.
\set views tiny_kpi
\set pub tiny_municipal
\set ECHO none
\i docs/municipal_rls.sql
\set ECHO all
\unset ON_ERROR_STOP
INSERT INTO tiny_municipal.municipal_indicators
SELECT indicator, week_start, platform, level, region_code, municipality_id, municipality_name,
       org_kind, org_id, org_name, numerator, denominator, share, suppressed
FROM tiny_kpi.all_indicators
WHERE level IN ('municipality', 'organisation') AND municipality_id IS NOT NULL;
CREATE ROLE regress_alpha IN ROLE municipal_analysts;
CREATE ROLE regress_beta IN ROLE municipal_analysts;
CREATE ROLE regress_nobody IN ROLE municipal_analysts;
INSERT INTO tiny_municipal.analyst_scope
SELECT 'regress_alpha', municipality_id FROM tiny.municipality WHERE name = 'Alpha'
UNION ALL SELECT 'regress_beta', municipality_id FROM tiny.municipality WHERE name = 'Beta';
SELECT municipality_name, count(*) AS rows_published FROM tiny_municipal.municipal_indicators GROUP BY 1 ORDER BY 1;
SET ROLE regress_alpha;
SELECT municipality_name, count(*) AS rows_seen FROM tiny_municipal.municipal_indicators GROUP BY 1 ORDER BY 1;
SELECT count(*) AS scope_rows_seen FROM tiny_municipal.analyst_scope;
\set VERBOSITY terse
SELECT count(*) FROM tiny_kpi.all_indicators;
SELECT count(*) FROM tiny.membership;
\set VERBOSITY default
SET ROLE regress_beta;
SELECT municipality_name, count(*) AS rows_seen FROM tiny_municipal.municipal_indicators GROUP BY 1 ORDER BY 1;
SET ROLE regress_nobody;
SELECT count(*) AS rows_seen FROM tiny_municipal.municipal_indicators;
RESET ROLE;

-- search_path attack: an unprivileged user (a BI reader) plants look-alikes in public of what
-- the extension's functions and views use; a DBA then works with public first
-- in the search_path.  Every figure stays the same.
CREATE TEMP TABLE before_views AS SELECT * FROM tiny_kpi.all_indicators;
CREATE TEMP TABLE before_calls AS
SELECT week_start('2024-09-05'::date) AS ws, school_year('2025-03-01') AS sy,
       target_met('staff_weekly_writers', 0.80::double precision, '2025-12-30') AS met,
       (target_status('active_teachers', '5/10'::kpi_ratio, '2025-09-08', 'T1')).short_by AS short_by,
       baseline('staff_weekly_writers', 'T1') AS base,
       numerator('3/4'::kpi_ratio) AS num, '1/3'::kpi_ratio < '1/2'::kpi_ratio AS lt,
       -- the report's per-row helpers carry no SET search_path (inlined): their bodies were resolved at CREATE
       report_escape('<a & "b">') AS esc, report_pct(0.631) AS pct, report_badge('met', '<x>') AS badge,
       report_csv_row('a;b', 'c') AS csv,
       -- so do the rules the views inline (1.5)
       monitored_platform('2025-10-01') AS mp, stage_result_week('2025-10-01') AS srw,
       rag(0.65, 65, 100, 0.75, false) AS rag, report_last_point('1,2 3,4') AS lp, create_view_sql(true) AS cv;
CREATE ROLE regress_attacker;
GRANT CREATE, USAGE ON SCHEMA public TO regress_attacker;
SELECT grant_reader('regress_attacker', 'tiny_kpi') AS attacker_is_a_bi_reader;
SET ROLE regress_attacker;
CREATE FUNCTION public.evil_text_eq(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.evil_text_eq);
CREATE FUNCTION public.evil_date_le(date, date) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR public.<= (LEFTARG = date, RIGHTARG = date, FUNCTION = public.evil_date_le);
CREATE OPERATOR public.>= (LEFTARG = date, RIGHTARG = date, FUNCTION = public.evil_date_le);
CREATE FUNCTION public.evil_ratio_lt(sferum_kpi.kpi_ratio, sferum_kpi.kpi_ratio) RETURNS boolean LANGUAGE sql AS 'SELECT false';
CREATE OPERATOR public.< (LEFTARG = sferum_kpi.kpi_ratio, RIGHTARG = sferum_kpi.kpi_ratio, FUNCTION = public.evil_ratio_lt);
CREATE FUNCTION public.week_start(date) RETURNS date LANGUAGE sql AS 'SELECT DATE ''1900-01-01''';
CREATE FUNCTION public.numerator(sferum_kpi.kpi_ratio) RETURNS bigint LANGUAGE sql AS 'SELECT 999::bigint';
CREATE FUNCTION public.quote_ident(text) RETURNS text LANGUAGE sql AS 'SELECT ''pwned''';
CREATE FUNCTION public.replace(text, text, text) RETURNS text LANGUAGE sql AS 'SELECT ''pwned''';
CREATE FUNCTION public.to_regclass(text) RETURNS regclass LANGUAGE sql AS 'SELECT NULL::regclass';
CREATE FUNCTION public.count(bigint) RETURNS bigint LANGUAGE sql AS 'SELECT 0::bigint';
CREATE FUNCTION public.evil_int_cmp(integer, integer) RETURNS boolean LANGUAGE sql AS 'SELECT false';
CREATE OPERATOR public.>= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = public.evil_int_cmp);
CREATE OPERATOR public.< (LEFTARG = integer, RIGHTARG = integer, FUNCTION = public.evil_int_cmp);
CREATE FUNCTION public.split_part(text, text, integer) RETURNS text LANGUAGE sql AS 'SELECT ''pwned''';
CREATE FUNCTION public.school_year(date) RETURNS integer LANGUAGE sql AS 'SELECT 1900';
RESET ROLE;
SET search_path = public, pg_catalog, sferum_kpi;
-- the stored views, the C functions and their catalog lookups
SELECT count(*) AS view_rows_changed FROM (
    SELECT * FROM tiny_kpi.all_indicators EXCEPT SELECT * FROM before_views) d;
SELECT count(*) AS call_results_changed FROM (
    SELECT sferum_kpi.week_start('2024-09-05'::date), sferum_kpi.school_year('2025-03-01'),
           sferum_kpi.target_met('staff_weekly_writers', 0.80::double precision, '2025-12-30'),
           (sferum_kpi.target_status('active_teachers', '5/10'::sferum_kpi.kpi_ratio, '2025-09-08', 'T1')).short_by,
           sferum_kpi.baseline('staff_weekly_writers', 'T1'),
           sferum_kpi.numerator('3/4'::sferum_kpi.kpi_ratio),
           '1/3'::sferum_kpi.kpi_ratio OPERATOR(sferum_kpi.<) '1/2'::sferum_kpi.kpi_ratio,
           sferum_kpi.report_escape('<a & "b">'), sferum_kpi.report_pct(0.631), sferum_kpi.report_badge('met', '<x>'),
           sferum_kpi.report_csv_row('a;b', 'c'),
           sferum_kpi.monitored_platform('2025-10-01'), sferum_kpi.stage_result_week('2025-10-01'),
           sferum_kpi.rag(0.65, 65, 100, 0.75, false), sferum_kpi.report_last_point('1,2 3,4'), sferum_kpi.create_view_sql(true)
    EXCEPT SELECT * FROM before_calls) d;
SELECT sferum_kpi.report_escape('<a & "b">') AS escaped_with_public_replace_planted;
-- the maintenance functions, which build SQL at run time, pin their search_path
SELECT sferum_kpi.create_kpi_views('tiny', 'tiny_again', min_cell => 0);
SET client_min_messages = warning;
SELECT sum(rows_changed) AS again_history_rows_changed FROM sferum_kpi.backfill('tiny_again', '2024-09-02', '2024-09-15');
RESET client_min_messages;
SELECT count(*) AS rebuilt_view_rows_differing FROM (
    (SELECT * FROM tiny_again.all_indicators EXCEPT SELECT * FROM before_views)
    UNION ALL
    (SELECT * FROM before_views EXCEPT SELECT * FROM tiny_again.all_indicators)) d;
SELECT count(*) AS again_store_rows FROM tiny_again.store;
SELECT sferum_kpi.snapshot_week('tiny_kpi', '2024-09-02') AS history_rows_changed;
SELECT sferum_kpi.grant_reader('regress_bi', 'tiny_again') AS views_granted;
RESET search_path;
SET search_path = public, sferum_kpi;

SET client_min_messages = warning;
DROP SCHEMA tiny_again CASCADE;
DROP SCHEMA tiny_municipal CASCADE;
DELETE FROM view_set WHERE schema_name = 'tiny_again';
DROP OWNED BY regress_attacker;
REVOKE ALL ON SCHEMA public FROM regress_attacker;
DROP OWNED BY regress_bi, regress_loader;
DROP ROLE regress_bi, regress_loader, regress_alpha, regress_beta, regress_nobody, regress_attacker, municipal_analysts;
DROP SCHEMA tiny_kpi CASCADE;
DROP SCHEMA tiny CASCADE;
DELETE FROM indicator_history;
RESET client_min_messages;
