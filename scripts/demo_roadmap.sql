/*
 * demo_roadmap.sql — the demo region's roadmap (scripts/demo, test/shell/roadmap.sh).
 *
 *   psql -v mart=demo -f scripts/demo_roadmap.sql
 *
 * sferum_kpi ships the 17 items of the 2025 Moscow-oblast roadmap (seed 004) for
 * region 50.  A region without a roadmap shows none, so the demo region (65 by
 * default) loads that roadmap as its own, as the DBA of another region loads
 * theirs (rows of sferum_kpi.roadmap_item with its region_code), and records a
 * few items reported by hand in the mart's roadmap_progress.  A region that has
 * its own roadmap already (region 50) keeps it.  Not part of the installed
 * extension: a demo tool.
 */
\set ON_ERROR_STOP on
\set QUIET on
INSERT INTO sferum_kpi.roadmap_item
    (region_code, item, title_ru, responsible, period_start, period_end, result_ru, known_by, measure, indicators)
SELECT r.region_code, i.item, i.title_ru, i.responsible, i.period_start, i.period_end, i.result_ru,
       i.known_by, i.measure, i.indicators
FROM :"mart".region r
CROSS JOIN sferum_kpi.roadmap_item i
WHERE i.region_code = '50'
  AND NOT EXISTS (SELECT 1 FROM sferum_kpi.roadmap_item x WHERE x.region_code = r.region_code);

-- what the authority reported by hand: meetings, publications, access; the rest
-- left unreported (unknown once their period has started).  A mart made before
-- 1.5 and not updated has no roadmap_progress: nothing reported.
SELECT to_regclass(format('%I.roadmap_progress', :'mart')) IS NOT NULL AS has_progress \gset
\if :has_progress
INSERT INTO :"mart".roadmap_progress (region_code, item, reported_on, status, evidence)
SELECT r.region_code, p.item, p.reported_on, p.status, p.evidence
FROM :"mart".region r
CROSS JOIN (VALUES
    (1, date '2025-07-25', 'done', 'Письмо РОИВ о доведении дорожной карты до ОМСУ и организаций'),
    (3, date '2025-08-28', 'done', 'Августовское педагогическое совещание: протокол'),
    (5, date '2025-09-15', 'in_progress', 'Установочное совещание проведено, перенос чатов продолжается'),
    (8, date '2025-10-20', 'in_progress', 'Размещено 2 публикации в интернете из 3'),
    (12, date '2025-09-30', 'done', 'Доступ к региональной витрине данных предоставлен'),
    (13, date '2025-11-25', 'done', 'Акция «Лучший классный чат»: итоги опубликованы')) AS p(item, reported_on, status, evidence)
WHERE EXISTS (SELECT 1 FROM sferum_kpi.roadmap_item i WHERE i.region_code = r.region_code AND i.item = p.item)
ON CONFLICT DO NOTHING;
\endif
