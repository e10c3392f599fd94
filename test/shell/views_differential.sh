#!/usr/bin/env bash
# Every KPI view, at every level and in every week, against an independent
# plain-SQL formulation (test/fixtures/views_oracle.sql) on a generated region.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/pgenv.sh
db=viewsdiff_$$
scale=${VIEWS_DIFF_SCALE:-0.01}
trap 'psql_q -c "DROP DATABASE IF EXISTS $db"' EXIT

psql_q -c "CREATE DATABASE $db"
psql_q -d "$db" -c 'CREATE EXTENSION sferum_kpi' -c "SELECT sferum_kpi.create_mart('gen')" >/dev/null
psql_q -d "$db" -v mart=gen -v scale="$scale" -v seed=7 -f scripts/generate_region.sql >/dev/null
psql_q -d "$db" -c "SELECT sferum_kpi.create_kpi_views('gen', 'gen_kpi', min_cell => 0)" >/dev/null

out=$( { cat test/fixtures/views_oracle.sql
         echo "SELECT count(*) FROM oracle_result;"
         echo "SELECT count(*) FROM oracle_mismatch;"
         echo "SELECT * FROM oracle_mismatch ORDER BY 1, 2, 3, 4 LIMIT 20;"; } |
       psql_q -d "$db" -At -v mart=gen -v views=gen_kpi )
groups=$(sed -n 1p <<<"$out")
mismatches=$(sed -n 2p <<<"$out")
levels=$(psql_q -d "$db" -At -c "SELECT string_agg(DISTINCT level, ',') FROM gen_kpi.all_indicators")
indicators=$(psql_q -d "$db" -At -c "SELECT count(DISTINCT indicator) FROM gen_kpi.all_indicators")
if [[ "$mismatches" != 0 || "$groups" -lt 1000 || "$indicators" != 11 || "$levels" != "municipality,org_kind,organisation,region" ]]; then
    echo "views vs oracle: $groups groups, $mismatches mismatches, $indicators indicators, levels $levels"
    sed -n '3,$p' <<<"$out"
    exit 1
fi
echo "views = oracle on $groups groups ($indicators indicators, levels $levels, scale $scale)"
