-- The public contract of sferum_kpi: signatures BI views and reports rely on,
-- and the issue's acceptance examples.
BEGIN;
CREATE EXTENSION sferum_kpi;
SELECT plan(35);

SELECT has_schema('sferum_kpi');
SELECT has_function('sferum_kpi', 'week_start', ARRAY['date']);
SELECT has_function('sferum_kpi', 'week_start', ARRAY['timestamp with time zone', 'text']);
SELECT has_function('sferum_kpi', 'school_year', ARRAY['date']);
SELECT has_function('sferum_kpi', 'profile_is_verified', ARRAY['boolean', 'boolean']);
SELECT has_function('sferum_kpi', 'teacher_is_active', ARRAY['boolean', 'bigint', 'integer']);
SELECT has_function('sferum_kpi', 'org_is_active', ARRAY['boolean', 'boolean', 'integer', 'integer']);
SELECT has_type('sferum_kpi', 'kpi_ratio', 'type kpi_ratio');
SELECT has_function('sferum_kpi', 'kpi_ratio', ARRAY['bigint', 'bigint']);
SELECT has_function('sferum_kpi', 'share', ARRAY['sferum_kpi.kpi_ratio']);
SELECT has_function('sferum_kpi', 'rollup', ARRAY['sferum_kpi.kpi_ratio']);
SELECT has_function('sferum_kpi', 'weekly_active_share', ARRAY['bigint', 'integer']);
SELECT has_function('sferum_kpi', 'weekly_active_ratio', ARRAY['bigint', 'integer']);
SELECT has_function('sferum_kpi', 'target_met', ARRAY['text', 'double precision', 'date', 'text']);
SELECT has_function('sferum_kpi', 'target_met', ARRAY['text', 'sferum_kpi.kpi_ratio', 'date', 'text']);
SELECT has_table('sferum_kpi', 'target', 'target catalog');
SELECT has_table('sferum_kpi', 'indicator_history', 'indicator history');
SELECT columns_are('sferum_kpi', 'indicator_history',
    ARRAY['region_code', 'indicator', 'platform', 'week', 'value', 'computed_at']);

-- acceptance examples of the core issue
SELECT is((SELECT sferum_kpi.weekly_active_share(m, 10) FROM (VALUES (10), (9), (NULL), (25)) v(m)),
          0.5::float8, 'weekly_active_share(m, 10) over 10, 9, NULL, 25 is 0.5');
SELECT is(sferum_kpi.org_is_active(true, true, 3), true, 'org_is_active(true, true, 3)');
SELECT is(sferum_kpi.org_is_active(true, true, 2), false, 'org_is_active(true, true, 2)');
SELECT is(sferum_kpi.org_is_active(true, NULL, 3), NULL, 'org_is_active(true, NULL, 3) is unknown');
SELECT is(sferum_kpi.org_is_active(false, NULL, NULL), false, 'org_is_active(false, NULL, NULL)');
SELECT is(sferum_kpi.target_met('active_teachers', 0.25, '2023-05-31'), false, 'exactly 25 % does not meet > 25 %');
SELECT is(sferum_kpi.target_met('active_teachers', 0.2501, '2023-05-31'), true, '25.01 % meets > 25 %');
SELECT is(sferum_kpi.target_met('staff_weekly_writers', sferum_kpi.kpi_ratio(3, 4), '2025-12-30'), true, '3/4 meets >= 75 %');
SELECT is(sferum_kpi.target_met('staff_weekly_writers', sferum_kpi.kpi_ratio(74, 100), '2025-12-30'), false, '74/100 misses >= 75 %');
INSERT INTO sferum_kpi.indicator_history (region_code, indicator, platform, week, value)
SELECT '50', 'staff_weekly_writers', 'vk', w, sferum_kpi.kpi_ratio(n, 100)
FROM (VALUES ('2024-09-02'::date, 31), ('2024-11-11', 48), ('2025-03-03', 44), ('2025-05-19', 12)) v(w, n);
SELECT is(sferum_kpi.target_met('staff_weekly_writers', 0.48, '2025-09-15', '50'), true, 'at the 2024/2025 vk best week (0.48)');
SELECT is(sferum_kpi.target_met('staff_weekly_writers', 0.47, '2025-09-15', '50'), false, 'below the best week');

-- errors carry specific SQLSTATEs
SELECT throws_ok($$SELECT sferum_kpi.org_is_active(true, true, -1)$$, '22023', NULL, 'negative count: 22023');
SELECT throws_ok($$SELECT sferum_kpi.target_met('nope', 0.5, '2025-01-01')$$, '22023', 'unknown indicator "nope"', 'unknown indicator: 22023');
SELECT throws_ok($$SELECT sferum_kpi.target_met('active_teachers', 1.01, '2025-01-01')$$, '22003', NULL, 'share above 1: 22003');
SELECT throws_ok($$SELECT 'a/b'::sferum_kpi.kpi_ratio$$, '22P02', NULL, 'malformed kpi_ratio: 22P02');
SELECT throws_ok($$SELECT sferum_kpi.weekly_active_share(m, 0) FROM (VALUES (1)) v(m)$$, '22023', NULL, 'min_messages < 1: 22023');
SELECT throws_ok($$SELECT sferum_kpi.week_start(now(), 'Nowhere/Town')$$, '22023', NULL, 'unknown time zone: 22023');

SELECT * FROM finish();
ROLLBACK;
