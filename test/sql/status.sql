-- Status rules (spec §3): verified profile, active teacher, active organisation
SET search_path = public, sferum_kpi;

-- three-valued AND: every combination of true/false/NULL
SELECT a, b, profile_is_verified(a, b)
FROM (VALUES (true), (false), (NULL)) x(a), (VALUES (true), (false), (NULL)) y(b)
ORDER BY a NULLS LAST, b NULLS LAST;

-- active teacher: verified and >= 10 messages; exactly 10 is active, 9 is not
SELECT v, m, teacher_is_active(v, m) AS default_10, teacher_is_active(v, m, 1) AS min_1
FROM (VALUES (true), (false), (NULL)) x(v), (VALUES (9::bigint), (10), (0), (NULL)) y(m)
ORDER BY v NULLS LAST, m NULLS LAST;
SELECT teacher_is_active(true, 10, NULL) AS unknown_threshold, teacher_is_active(false, 10, NULL) AS false_anyway,
       teacher_is_active(true, 0, 0) AS zero_threshold;
SELECT teacher_is_active(true, -1);
SELECT teacher_is_active(false, 5, -1);

-- the twelve organisations of the regional example (001). The published table lists
-- 8 «Активна» and 4 «Не активна» (the spec's summary says 9/3; the rows are the source).
-- Inputs are built so that each row's rule result matches its published status.
CREATE TEMP TABLE example_orgs (name text, admin_logged_in boolean, data_filled boolean, teachers_added integer, expected text);
INSERT INTO example_orgs VALUES
  ('ГКУ ДО СО «ЦССУ «Звездный»',   false, false, 0,  'Не активна'),
  ('ГКУ ДО СО «ЦССУ «Феникс»',     true,  false, 5,  'Не активна'),
  ('МБУ ДО "ДШИ Г.Анива"',          true,  true,  12, 'Активна'),
  ('МБУ ДО "ДШИ пгт. Тымовское"',   true,  true,  2,  'Не активна'),
  ('МБУ ДО "СШ" пгт. Ноглики',      true,  true,  3,  'Активна'),
  ('МБУ ДО «ДШИ г.Томари»',         true,  true,  2,  'Не активна'),
  ('МБУ ДО ДШИ (1)',                true,  true,  7,  'Активна'),
  ('МБУ ДО ДШИ (2)',                true,  true,  4,  'Активна'),
  ('МБУ ДО ДШИ Г. Долинска',        true,  true,  9,  'Активна'),
  ('МБУ ДО ДШИ с. Быков',           true,  true,  3,  'Активна'),
  ('МБУ ДО ДШИ с.Стародубское',     true,  true,  5,  'Активна'),
  ('ГБПОУ СКИ',                     true,  true,  31, 'Активна');
SELECT name, org_is_active(admin_logged_in, data_filled, teachers_added) AS active,
       CASE WHEN org_is_active(admin_logged_in, data_filled, teachers_added) THEN 'Активна' ELSE 'Не активна' END = expected AS as_published
FROM example_orgs ORDER BY name;
SELECT count(*) FILTER (WHERE org_is_active(admin_logged_in, data_filled, teachers_added)) AS active,
       count(*) FILTER (WHERE NOT org_is_active(admin_logged_in, data_filled, teachers_added)) AS not_active
FROM example_orgs;

-- the issue's examples and the boundary at exactly 3 teachers
SELECT org_is_active(true, true, 3) AS t3, org_is_active(true, true, 2) AS t2,
       org_is_active(true, NULL, 3) AS unknown_data, org_is_active(false, NULL, NULL) AS false_first,
       org_is_active(true, true, 4, 5) AS below_custom, org_is_active(true, true, NULL) AS unknown_count,
       org_is_active(NULL, false, 10) AS false_wins;
SELECT org_is_active(true, true, -1);
SELECT org_is_active(false, false, 3, -2);
