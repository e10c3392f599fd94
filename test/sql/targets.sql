-- Targets (spec §4-§5): stages by date, fixed thresholds, baselines, exact comparison
SET search_path = public, sferum_kpi;

-- the catalog as shipped
SELECT indicator, stage, region_code, deadline, comparison, rule, threshold, baseline_platform AS bp,
       baseline_school_year AS by, in_force, kind, seeded
FROM target ORDER BY kind, deadline, indicator, stage;

-- the issue's examples
SELECT target_met('active_teachers', 0.25, '2023-05-31') AS exactly_25_strict,
       target_met('active_teachers', 0.2501, '2023-05-31') AS above_25,
       target_met('active_teachers', kpi_ratio(25, 100), '2023-05-31') AS ratio_25,
       target_met('active_teachers', kpi_ratio(2501, 10000), '2023-05-31') AS ratio_2501;
SELECT target_met('staff_weekly_writers', kpi_ratio(3, 4), '2025-12-30') AS three_quarters,
       target_met('staff_weekly_writers', kpi_ratio(74, 100), '2025-12-30') AS seventy_four,
       target_met('staff_weekly_writers', 0.75, '2025-12-30') AS float_75;

-- stage-1 baselines: the best week of school year 2024/2025 on vk, per region
INSERT INTO indicator_history (region_code, indicator, platform, week, value) VALUES
  ('50', 'staff_weekly_writers', 'vk',       '2024-08-26', '99/100'),  -- Monday in school year 2023: ignored
  ('50', 'staff_weekly_writers', 'vk',       '2024-09-02', '12/25'),   -- 0.48, the best week
  ('50', 'staff_weekly_writers', 'vk',       '2024-12-30', '40/100'),
  ('50', 'staff_weekly_writers', 'vk',       '2025-08-25', '0/0'),     -- a week nobody was employed: no share
  ('50', 'staff_weekly_writers', 'vk',       '2025-09-01', '97/100'),  -- school year 2025: ignored
  ('50', 'staff_weekly_writers', 'national', '2024-10-07', '95/100'),  -- other platform: ignored
  ('50', 'learners_parents_weekly', 'vk',    '2025-03-03', '30/1000'),
  ('65', 'staff_weekly_writers', 'vk',       '2025-02-03', '61/100');
SELECT baseline('staff_weekly_writers', '50') AS b50, baseline('staff_weekly_writers', '65') AS b65,
       baseline('staff_weekly_writers', '77') AS b77, baseline('staff_weekly_writers', '50', 'national') AS b50_national,
       baseline('staff_weekly_writers', '50', 'vk', 2025) AS b50_2025;
SELECT target_met('staff_weekly_writers', 0.48, '2025-09-15', '50') AS at_baseline,
       target_met('staff_weekly_writers', 0.47, '2025-09-15', '50') AS below,
       target_met('staff_weekly_writers', kpi_ratio(48, 100), '2025-09-15', '50') AS ratio_at,
       target_met('staff_weekly_writers', kpi_ratio(479, 1000), '2025-09-15', '50') AS ratio_below,
       target_met('staff_weekly_writers', 0.6, '2025-09-15', '65') AS region_65,
       target_met('staff_weekly_writers', 0.9, '2025-09-15', '77') AS no_history,
       target_met('staff_weekly_writers', 0.9, '2025-09-15') AS no_region;

-- which stage applies on a date: the earliest deadline on or after it, the last one afterwards;
-- due once the deadline falls in the date's week or before (spec §5): Tuesday 2025-09-30 is in
-- the week of Wednesday 2025-10-01, so stage 1 is due then; 2025-09-28 (Sunday) is a week before
SELECT d::date AS as_of, s.stage, s.deadline, s.rule, s.threshold, s.due, s.state, s.in_force, s.met
FROM unnest(ARRAY['2025-01-01', '2025-09-28', '2025-09-29', '2025-09-30', '2025-10-01', '2025-10-02', '2025-12-30', '2025-12-31', '2027-06-01']) d,
     target_status('staff_weekly_writers', 0.5, d::date, '50') s;

-- dashboard rows: gap and how many people are missing
SELECT * FROM target_status('staff_weekly_writers', kpi_ratio(70, 100), '2025-12-01', '50');
SELECT * FROM target_status('active_teachers', kpi_ratio(25, 100), '2023-05-31');
SELECT * FROM target_status('national_only_users', kpi_ratio(999999, 1000000), '2026-01-12');
SELECT * FROM target_status('national_only_users', 0.5, '2026-01-12');
SELECT * FROM target_status('national_only_users', NULL::double precision, '2026-01-12');
SELECT * FROM target_status('learners_parents_weekly', kpi_ratio(29, 1000), '2025-09-22', '50');
SELECT * FROM target_status('learners_parents_weekly', kpi_ratio(29, 1000), '2025-09-22');

-- 100 % means every member: counts compared exactly
SELECT target_met('national_only_users', kpi_ratio(1000000, 1000000), '2025-12-30') AS everyone,
       target_met('national_only_users', kpi_ratio(999999, 1000000), '2025-12-30') AS one_short,
       target_met('national_only_users', kpi_ratio(9223372036854775806, 9223372036854775807), '2025-12-30') AS one_short_huge,
       target_met('national_only_users', 1.0, '2025-12-30') AS float_one;

-- NULLs and unknowns
SELECT target_met('active_teachers', NULL::double precision, '2023-05-31') AS null_value,
       target_met('active_teachers', NULL::kpi_ratio, '2023-05-31') AS null_ratio,
       target_met('active_teachers', kpi_ratio(0, 0), '2023-05-31') AS no_population,
       target_met('active_teachers', 0.5, NULL) AS null_date,
       target_met(NULL, 0.5, '2023-05-31') AS null_indicator;
-- errors
SELECT target_met('active_teacher', 0.5, '2023-05-31');
SELECT target_met('active_teachers', 1.5, '2023-05-31');
SELECT target_met('active_teachers', -0.01, '2023-05-31');
SELECT target_met('active_teachers', 'NaN'::float8, '2023-05-31');
SELECT target_met('active_teachers', 0.5, 'infinity');
SELECT target_status('nope', 0.5, '2023-05-31');
SELECT baseline('staff_weekly_writers', '50', 'vk', 0);
SELECT target_met(repeat('x', 200), 0.5, '2023-05-31');
-- a region code longer than any catalog code matches no region row and has no baseline
SELECT target_met('staff_weekly_writers', 0.8, '2025-12-30', repeat('r', 300)) AS long_region_stage2,
       target_met('staff_weekly_writers', 0.8, '2025-09-01', repeat('r', 300)) AS long_region_baseline;

-- a region's own stage replaces the every-region stage; other regions keep the default
INSERT INTO target (indicator, stage, region_code, deadline, comparison, rule, threshold, title_ru, title_en, source_document)
VALUES ('staff_weekly_writers', 2, '65', '2025-12-30', '>=', 'fixed', 0.80, 'Региональная цель', 'Regional target', 'Приказ региона');
SELECT target_met('staff_weekly_writers', 0.78, '2025-12-30', '65') AS region_65_needs_80,
       target_met('staff_weekly_writers', 0.78, '2025-12-30', '50') AS region_50_needs_75,
       target_met('staff_weekly_writers', 0.78, '2025-12-30') AS every_region;

-- edits are seen at once, within the same transaction, and roll back
BEGIN;
SELECT target_met('active_teachers', 0.3, '2023-05-31') AS before_edit;
UPDATE target SET threshold = 0.35 WHERE indicator = 'active_teachers';
SELECT target_met('active_teachers', 0.3, '2023-05-31') AS after_edit;
ROLLBACK;
SELECT target_met('active_teachers', 0.3, '2023-05-31') AS after_rollback;
BEGIN;
SELECT target_met('staff_weekly_writers', 0.55, '2025-09-15', '50') AS before_new_best_week;
INSERT INTO indicator_history (region_code, indicator, platform, week, value)
VALUES ('50', 'staff_weekly_writers', 'vk', '2025-04-07', '56/100');
SELECT target_met('staff_weekly_writers', 0.55, '2025-09-15', '50') AS after_new_best_week;
ROLLBACK;
SELECT target_met('staff_weekly_writers', 0.55, '2025-09-15', '50') AS after_rollback;

-- seeded flag: an edited row is the DBA's (kept by pg_dump), a deleted seed is remembered
UPDATE target SET in_force = true WHERE indicator = 'learners_parents_weekly' AND stage = 2;
DELETE FROM target WHERE indicator = 'spo_registered';
SELECT indicator, stage, region_code, seeded FROM target WHERE NOT seeded ORDER BY 1, 2;
SELECT indicator, stage, region_code FROM target_retired;
SELECT target_met('spo_registered', 1, '2023-05-01');
-- inserting a row for a seeded key replaces the seed (as a restore does)
INSERT INTO target (indicator, stage, deadline, comparison, threshold, title_ru, title_en, source_document)
VALUES ('orgs_connected', 1, '2023-05-01', '>=', 0.95, 'Доля', 'Share', 'Local order');
SELECT indicator, threshold, seeded FROM target WHERE indicator = 'orgs_connected';
SELECT target_met('orgs_connected', 0.96, '2023-05-01');
-- catalog constraints
INSERT INTO target (indicator, stage, deadline, comparison, threshold, title_ru, title_en, source_document)
VALUES ('bad', 1, '2025-01-01', '>=', 1.5, 't', 't', 's');
INSERT INTO target (indicator, stage, deadline, comparison, rule, threshold, title_ru, title_en, source_document)
VALUES ('bad', 1, '2025-01-01', '>=', 'baseline_max', 0.5, 't', 't', 's');
INSERT INTO target (indicator, stage, deadline, comparison, threshold, title_ru, title_en, source_document)
VALUES ('bad', 1, '2025-01-01', '=', 0.5, 't', 't', 's');
\set VERBOSITY terse
INSERT INTO indicator_history (region_code, indicator, platform, week, value) VALUES ('50', 'x', 'vk', '2025-09-02', '1/2');
INSERT INTO indicator_history (region_code, indicator, platform, week, value) VALUES ('50', 'x', 'telegram', '2025-09-01', '1/2');
\set VERBOSITY default

-- the cache: 100 000 calls read the catalog once, not 100 000 times
SELECT pg_stat_force_next_flush();
CREATE TEMP TABLE scans_before AS
SELECT seq_scan + coalesce(idx_scan, 0) AS scans FROM pg_stat_user_tables WHERE relid = 'sferum_kpi.target'::regclass;
SELECT count(*) FILTER (WHERE target_met('active_teachers', (g % 100) / 100.0, '2023-05-31')) AS met,
       count(*) FILTER (WHERE target_met('staff_weekly_writers', kpi_ratio(g % 100, 100), '2025-09-15', '50')) AS met_baseline
FROM generate_series(1, 100000) g;
SELECT pg_stat_force_next_flush();
SELECT (SELECT seq_scan + coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE relid = 'sferum_kpi.target'::regclass)
       - scans AS catalog_scans
FROM scans_before;

-- parallel workers evaluate targets the same way
CREATE TABLE shares AS SELECT g, (g % 1000) / 1000.0 AS s FROM generate_series(1, 50000) g;
ANALYZE shares;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_met AS SELECT count(*) FILTER (WHERE target_met('staff_weekly_writers', s, '2025-09-15', '50')) AS n FROM shares;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT count(*) FILTER (WHERE target_met('staff_weekly_writers', s, '2025-09-15', '50')) FROM shares;
SELECT n AS serial, (SELECT count(*) FILTER (WHERE target_met('staff_weekly_writers', s, '2025-09-15', '50')) FROM shares) AS parallel
FROM serial_met;
RESET ALL;
SET search_path = public, sferum_kpi;
DROP TABLE shares;

-- the cache never serves stale or foreign rows (found by review; each failed before the fix)
-- 1. a rolled-back subtransaction under REPEATABLE READ: same snapshot, different data
BEGIN ISOLATION LEVEL REPEATABLE READ;
SAVEPOINT s;
UPDATE target SET threshold = 0.9 WHERE indicator = 'active_teachers';
SELECT target_met('active_teachers', 0.5, '2023-05-01') AS inside_savepoint;
ROLLBACK TO s;
SELECT target_met('active_teachers', 0.5, '2023-05-01') AS after_rollback_to;
COMMIT;
-- 2. long multibyte region codes do not share one entry
INSERT INTO target (indicator, stage, region_code, deadline, comparison, rule, threshold, title_ru, title_en, source_document)
VALUES ('active_teachers', 1, repeat('Ж', 40), '2023-05-31', '>=', 'fixed', 0.9, 't', 't', 'd');
BEGIN;
SELECT target_met('active_teachers', 0.5, '2023-05-01', repeat('Ж', 40)) AS region_zh_needs_90,
       target_met('active_teachers', 0.5, '2023-05-01', repeat('Ю', 40)) AS region_yu_default;
COMMIT;
-- 3. field separators inside values cannot collide with another key
BEGIN;
SELECT target_met('active_teachers', 0.5, '2023-05-01', E'X\x1f*') AS odd_region;
SELECT target_met(E'active_teachers\x1fr:X', 0.5, '2023-05-01');
COMMIT;
-- 4. the cache does not carry one role's rows to another
CREATE ROLE regress_sferum_kpi_nobody;
GRANT USAGE ON SCHEMA sferum_kpi TO regress_sferum_kpi_nobody;
BEGIN;
SELECT target_met('active_teachers', 0.5, '2023-05-01') AS as_superuser;
SET LOCAL ROLE regress_sferum_kpi_nobody;
SELECT target_met('active_teachers', 0.5, '2023-05-01') AS as_role_without_select;
ROLLBACK;
REVOKE USAGE ON SCHEMA sferum_kpi FROM regress_sferum_kpi_nobody;
DROP ROLE regress_sferum_kpi_nobody;
-- 5. NULL state into the transition function is a user error, not an internal one
SELECT weekly_state_accum(NULL::weekly_state, 1);

-- leave the catalog as shipped for the tests that follow
DROP EXTENSION sferum_kpi;
CREATE EXTENSION sferum_kpi;
SELECT count(*) AS seeded_targets FROM target WHERE seeded;
