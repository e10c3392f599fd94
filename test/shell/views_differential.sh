#!/usr/bin/env bash
# Every KPI view, at every level and in every week, against an independent
# plain-SQL formulation (test/fixtures/views_oracle.sql) on a generated region;
# then the weekly store, back-filled, against the live views.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/pgenv.sh
db=viewsdiff_$$
scale=${VIEWS_DIFF_SCALE:-0.01}
trap 'psql_q -c "DROP DATABASE IF EXISTS $db"' EXIT

new_region_db "$db" gen "$scale" 7
psql_q -d "$db" -c "SELECT sferum_kpi.create_kpi_views('gen', 'gen_kpi', min_cell => 0)" >/dev/null

out=$( { cat test/fixtures/views_oracle.sql
         echo "SELECT count(*) FROM oracle_result;"
         echo "SELECT count(*) FROM oracle_mismatch;"
         echo "SELECT * FROM oracle_mismatch ORDER BY 1, 2, 3, 4 LIMIT 20;"; } |
       psql_q -d "$db" -At -v mart=gen -v views=gen_kpi )
groups=$(sed -n 1p <<<"$out")
mismatches=$(sed -n 2p <<<"$out")
levels=$(psql_q -d "$db" -At -c "SELECT string_agg(DISTINCT level, ',') FROM gen_kpi.live_all_indicators")
indicators=$(psql_q -d "$db" -At -c "SELECT count(DISTINCT indicator) FROM gen_kpi.live_all_indicators")
if [[ "$mismatches" != 0 || "$groups" -lt 1000 || "$indicators" != 11 || "$levels" != "municipality,org_kind,organisation,region" ]]; then
    echo "views vs oracle: $groups groups, $mismatches mismatches, $indicators indicators, levels $levels"
    sed -n '3,$p' <<<"$out"
    exit 1
fi
echo "live views = oracle on $groups groups ($indicators indicators, levels $levels, scale $scale)"

# the weekly store, filled for every week, = the live views (every indicator, level,
# group and week; target columns too), in a serial and in a parallel plan
read -r first last <<<"$(psql_q -d "$db" -At -F ' ' -c "SELECT sferum_kpi.week_start(min(day)), max(day) FROM gen.activity_daily")"
psql_q -d "$db" -c "SET client_min_messages = warning" \
       -c "SELECT count(*) FROM sferum_kpi.backfill('gen_kpi', '$first', '$last')" >/dev/null
cmp='SELECT count(*) FROM ((SELECT * FROM gen_kpi.all_indicators EXCEPT ALL SELECT * FROM gen_kpi.live_all_indicators)
                         UNION ALL (SELECT * FROM gen_kpi.live_all_indicators EXCEPT ALL SELECT * FROM gen_kpi.all_indicators)) d'
serial=$(psql_q -d "$db" -At -c "SET max_parallel_workers_per_gather = 0" -c "$cmp")
parallel=$(psql_q -d "$db" -At -c "SET parallel_setup_cost = 0" -c "SET parallel_tuple_cost = 0" \
                   -c "SET min_parallel_table_scan_size = 0" -c "SET max_parallel_workers_per_gather = 2" -c "$cmp")
read -r rows weeks <<<"$(psql_q -d "$db" -At -F ' ' -c "SELECT count(*), count(DISTINCT week_start) FROM gen_kpi.store")"
if [[ $serial != 0 || $parallel != 0 || $weeks -lt 20 ]]; then
    echo "store vs live views: $serial rows differ (serial), $parallel (parallel), $weeks weeks stored"
    exit 1
fi
echo "store = live views on $rows rows of $weeks weeks (serial and parallel plans)"
