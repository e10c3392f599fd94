#!/usr/bin/env bash
# pg_dump / pg_restore keeps everything a DBA changed in the extension's catalog:
# edited seed targets, added region targets, deleted seed targets, and history;
# edited, added and deleted roadmap items (1.5) and the mart's reported progress;
# and a data mart with its KPI views (unsuppressed and small-cell suppressed)
# and their weekly store comes back with every view giving the same rows.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/pgenv.sh
bin=$(pgbin)
src=dump_src_$$ dst=dump_dst_$$
dump=$(mktemp)
trap 'rm -f "$dump"; psql_q -c "DROP DATABASE IF EXISTS $src" -c "DROP DATABASE IF EXISTS $dst"' EXIT

psql_q -c "CREATE DATABASE $src" -c "CREATE DATABASE $dst"
psql_q -d "$src" <<'SQL'
CREATE EXTENSION sferum_kpi;
UPDATE sferum_kpi.target SET threshold = 0.80, in_force = true
 WHERE indicator = 'staff_weekly_writers' AND stage = 2;                   -- edited seed
INSERT INTO sferum_kpi.target (indicator, stage, region_code, deadline, comparison, threshold,
                               title_ru, title_en, source_document)
VALUES ('learners_parents_weekly', 2, '65', '2025-12-30', '>=', 0.40,
        'Региональная цель', 'Regional target', 'Приказ')  ;                  -- region row
DELETE FROM sferum_kpi.target WHERE indicator = 'spo_registered';           -- deleted seed
INSERT INTO sferum_kpi.target (indicator, stage, deadline, comparison, threshold,
                               title_ru, title_en, source_document, kind)
VALUES ('parents_meetings', 1, '2025-10-31', '>=', 1, 'Собрания', 'Meetings', 'Дорожная карта, 10', 'milestone');
INSERT INTO sferum_kpi.indicator_history (region_code, indicator, platform, week, value)
VALUES ('65', 'staff_weekly_writers', 'vk', '2024-11-11', '48/100'),
       ('65', 'staff_weekly_writers', 'national', '2025-11-10', '70/100');
UPDATE sferum_kpi.roadmap_item SET title_ru = 'Доступ к витрине (ред.)' WHERE region_code = '50' AND item = 12;  -- edited seed
DELETE FROM sferum_kpi.roadmap_item WHERE region_code = '50' AND item = 10;                               -- deleted seed
INSERT INTO sferum_kpi.roadmap_item (region_code, item, title_ru, responsible, period_start, period_end, result_ru, known_by)
VALUES ('T1', 1, 'Совещание', 'roiv', '2024-09-01', '2024-09-30', 'Проведено', 'manual');                 -- another region's
SQL

# a data mart, its KPI views, a week of history computed from them
psql_q -d "$src" -f test/fixtures/tiny_region.sql >/dev/null
psql_q -d "$src" >/dev/null <<'SQL'
SET client_min_messages = warning;
SELECT sferum_kpi.create_kpi_views('tiny', 'tiny_pub');
SELECT count(*) FROM sferum_kpi.backfill('tiny_kpi', '2024-09-02', '2024-09-09');
SELECT count(*) FROM sferum_kpi.backfill('tiny_pub', '2024-09-02', '2024-09-09');
INSERT INTO tiny.roadmap_progress VALUES ('T1', 1, '2024-09-05', 'done', 'протокол');
SQL

"$bin/pg_dump" -Fc -d "$src" -f "$dump"
"$bin/pg_restore" --exit-on-error -d "$dst" "$dump"

snapshot() {
    psql_q -d "$1" -At <<'SQL'
SELECT 'target', indicator, stage, region_code, deadline, comparison, rule, threshold, baseline_platform,
       baseline_school_year, in_force, kind, seeded
FROM sferum_kpi.target ORDER BY indicator, stage, region_code;
SELECT 'retired', indicator, stage, region_code FROM sferum_kpi.target_retired ORDER BY 2, 3;
SELECT 'roadmap', r.* FROM sferum_kpi.roadmap_item r ORDER BY region_code, item;
SELECT 'roadmap_retired', region_code, item FROM sferum_kpi.roadmap_item_retired ORDER BY 2, 3;
SELECT 'progress', p.* FROM tiny.roadmap_progress p ORDER BY 2, 3, 4;
SELECT 'roadmap_view', v.* FROM tiny_kpi.roadmap v ORDER BY week_start, region_code, item;
SELECT 'history', region_code, indicator, platform, week, value FROM sferum_kpi.indicator_history ORDER BY 2, 3, 4, 5;
SELECT 'view', k.* FROM tiny_kpi.all_indicators k ORDER BY indicator, week_start, platform, level, region_code, municipality_id, org_kind, org_id;
SELECT 'pub', k.* FROM tiny_pub.all_indicators k ORDER BY indicator, week_start, platform, level, region_code, municipality_id, org_kind, org_id;
SELECT 'dashboard', d.* FROM tiny_kpi.dashboard d ORDER BY region_code, indicator;
SELECT 'store', s.* FROM tiny_kpi.store s ORDER BY indicator, week_start, platform, level, region_code, municipality_id, org_kind, org_id;
SELECT 'refresh_log', week_start, region_code, rows_stored, last_activity_day, complete FROM tiny_kpi.refresh_log ORDER BY 2, 3;
SELECT 'indicators', i.* FROM tiny_kpi.indicators i ORDER BY indicator, week_start, platform, level, region_code, municipality_id, org_kind, org_id;
SELECT 'view_set', schema_name, kind, mart_schema, min_cell, fingerprint FROM sferum_kpi.view_set ORDER BY 2;
SELECT 'comment', c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c
WHERE c.relnamespace IN ('tiny'::regnamespace, 'tiny_kpi'::regnamespace) ORDER BY 2;
SELECT 'met', sferum_kpi.target_met('staff_weekly_writers', 0.78, '2025-12-30', '65'),
              sferum_kpi.target_met('staff_weekly_writers', 0.48, '2025-09-15', '65'),
              sferum_kpi.target_met('learners_parents_weekly', 0.45, '2025-12-30', '65');
SQL
}
before=$(snapshot "$src")
after=$(snapshot "$dst")
if [[ "$before" != "$after" ]]; then
    echo "catalog differs after pg_dump/pg_restore:"
    diff <(echo "$before") <(echo "$after") || true
    exit 1
fi
# the edits really are in the restored catalog
grep -q '^target|staff_weekly_writers|2||2025-12-30|>=|fixed|0.80|||t|computed|f$' <<<"$after" ||
    { echo "edited seed target missing after restore"; echo "$after"; exit 1; }
! grep -q '^target|spo_registered' <<<"$after" || { echo "deleted seed came back after restore"; exit 1; }
grep -q '^roadmap|50|12|Доступ к витрине (ред.)|' <<<"$after" && grep -q '^roadmap|T1|1|' <<<"$after" &&
    ! grep -q '^roadmap|50|10|' <<<"$after" && [[ $(grep -c '^roadmap|50|' <<<"$after") == 16 ]] &&
    grep -q '^roadmap_view|2024-09-02|T1|.*|done|' <<<"$after" || { echo "roadmap edits lost in the restore"; grep '^roadmap' <<<"$after"; exit 1; }
grep -q '^met|f|t|t$' <<<"$after" || { echo "target_met on the restored catalog: $(grep '^met' <<<"$after")"; exit 1; }
(($(grep -c '^view' <<<"$after") > 100 && $(grep -c '^pub|.*|t|' <<<"$after") > 10 && $(grep -c '^store' <<<"$after") > 100)) ||
    { echo "KPI views missing or not suppressed after restore"; exit 1; }
echo "dump/restore: $(grep -c '^target' <<<"$after") targets, $(grep -c '^history' <<<"$after") history rows," \
     "$(grep -c '^view' <<<"$after") + $(grep -c '^pub' <<<"$after") KPI view rows, $(grep -c '^store' <<<"$after") store rows," \
     "$(grep -c '^dashboard' <<<"$after") dashboard rows, $(grep -c '^roadmap|' <<<"$after") roadmap items identical"
