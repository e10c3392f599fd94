#!/usr/bin/env bash
# National scale with postgres_fdw: a coordinator and two shards, each a
# throwaway cluster on a Unix socket in a temp dir (stopped on exit).
#   shard1 holds regions 65 and 50, shard2 holds region 14 (one mart each);
#   the coordinator attaches them with sferum_kpi.attach_shard();
#   database "single" on the coordinator's cluster holds the same three marts
#   on one node (the generator is deterministic), with the KPI views.
# Checks: the plan ships the sferum_kpi aggregate to every shard (Async Foreign
# Scan, Remote SQL with GROUP BY), every region's figure of every indicator and
# week equals the single node's KPI views, the national totals equal the
# single node's sums, attach_shard's refusals, and the cross-region check.
#   SHARD_SCALE=0.03   size of each generated region
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/pgenv.sh
scale=${SHARD_SCALE:-0.03}
until_day=2025-12-28
bin=$(pgbin)
work=$(mktemp -d)
trap 'rm -rf "$work"; _pgenv_cleanup' EXIT

# code|name|time zone|seed|shard
regions=("65|Сахалинская область|Asia/Sakhalin|11|1"
         "50|Московская область|Europe/Moscow|12|1"
         "14|Республика Саха (Якутия)|Asia/Yakutsk|13|2")

start_nodes "shard1 shard2 coord" max_parallel_workers_per_gather=0

gen() {   # node db code name tz seed
    on "$1" -d "$2" -c "SELECT sferum_kpi.create_mart('r$3')" >/dev/null
    on "$1" -d "$2" -v mart="r$3" -v scale="$scale" -v seed="$6" -v until="$until_day" \
        -v region="$3" -v region_name="$4" -v tz="$5" -f scripts/generate_region.sql >/dev/null
}

t0=$SECONDS
on shard1 -c 'CREATE DATABASE shard'
on shard2 -c 'CREATE DATABASE shard'
on coord -c 'CREATE DATABASE single' -c 'CREATE DATABASE coord'
for n in shard1 shard2; do on "$n" -d shard -c 'CREATE EXTENSION sferum_kpi'; done
on coord -d single -c 'CREATE EXTENSION sferum_kpi'
for r in "${regions[@]}"; do
    IFS='|' read -r code name tz seed shard <<<"$r"
    gen "shard$shard" shard "$code" "$name" "$tz" "$seed" &
    gen coord single "$code" "$name" "$tz" "$seed" &
    wait -n && wait -n
done
for r in "${regions[@]}"; do
    IFS='|' read -r code name tz seed shard <<<"$r"
    on "shard$shard" -d shard -At -c "SELECT sferum_kpi.create_shard_views('r$code')" >/dev/null
    on coord -d single -c "SELECT sferum_kpi.create_kpi_views('r$code', 'k$code', min_cell => 0)" >/dev/null
done
for n in shard1 shard2; do on "$n" -d shard -c 'ANALYZE'; done
on coord -d single -c 'ANALYZE'
echo "loaded 3 regions at scale $scale twice (shards, single node) in $((SECONDS - t0)) s"

# --- the coordinator -----------------------------------------------------------
server_sql() {   # name node extra-options
    echo "CREATE SERVER $1 FOREIGN DATA WRAPPER postgres_fdw
            OPTIONS (host '${host[$2]}', port '${port[$2]}', dbname '${4:-shard}' $3);
          CREATE USER MAPPING FOR CURRENT_USER SERVER $1 OPTIONS (user 'postgres');"
}
on coord -d coord <<SQL
CREATE EXTENSION postgres_fdw;
CREATE EXTENSION sferum_kpi;
ALTER DATABASE coord SET enable_partitionwise_aggregate = on;
$(server_sql shard1 shard1 ", extensions 'sferum_kpi', async_capable 'true'")
$(server_sql shard2 shard2 ", extensions 'sferum_kpi', async_capable 'true'")
$(server_sql plain shard2 "")
SELECT sferum_kpi.create_national('national');
SQL
attached=$(on coord -d coord -At -F ' ' \
    -c "SELECT * FROM sferum_kpi.attach_shard('shard1') ORDER BY 1" \
    -c "SELECT * FROM sferum_kpi.attach_shard('shard2') ORDER BY 1" \
    -c "SELECT * FROM sferum_kpi.attach_shard('shard1') ORDER BY 1")
echo "$attached"
expected_attached="50 Московская область attached
65 Сахалинская область attached
14 Республика Саха (Якутия) attached
50 Московская область already attached
65 Сахалинская область already attached"
[[ $attached == "$expected_attached" ]] || { echo "FAIL: attach_shard returned the above"; exit 1; }

# refusals: a server that does not ship sferum_kpi; a region already held by another server
err=$(on coord -d coord -c "SELECT * FROM sferum_kpi.attach_shard('plain')" 2>&1 || true)
grep -q 'does not list sferum_kpi as shippable' <<<"$err" || { echo "FAIL: plain server accepted: $err"; exit 1; }
on coord -d coord -q -c "$(server_sql again shard1 ", extensions 'sferum_kpi'")"
err=$(on coord -d coord -c "SELECT * FROM sferum_kpi.attach_shard('again')" 2>&1 || true)
grep -q 'region 50 is already attached from server "shard1"' <<<"$err" || { echo "FAIL: double attach: $err"; exit 1; }
# a shard with another sferum_kpi version
on shard2 -c 'CREATE DATABASE old'
on shard2 -d old <<'SQL'
CREATE EXTENSION sferum_kpi VERSION '1.2';
CREATE SCHEMA kpi_shard;
CREATE VIEW kpi_shard.region_99 AS
SELECT '99'::text AS region_code, 'Old'::text AS name, 'UTC'::text AS time_zone,
       (SELECT extversion FROM pg_extension WHERE extname = 'sferum_kpi') AS sferum_kpi_version;
CREATE VIEW kpi_shard.facts_99 AS
SELECT NULL::date AS week_start, NULL::text AS indicator, NULL::text AS counting, '99'::text AS region_code,
       NULL::text AS platform, NULL::bigint AS unit_id, NULL::boolean AS active, NULL::bigint AS population;
SQL
on coord -d coord -q -c "$(server_sql old shard2 ", extensions 'sferum_kpi'" old)"
err=$(on coord -d coord -c "SELECT * FROM sferum_kpi.attach_shard('old')" 2>&1 || true)
grep -q 'shard "old" has sferum_kpi 1.2, the coordinator' <<<"$err" || { echo "FAIL: old version accepted: $err"; exit 1; }
echo "attach_shard refuses: a server without extensions 'sferum_kpi', a region held by another server, another version"

# --- the plan: the aggregate runs on the shards -------------------------------------
week=$(on coord -d single -At -c "SELECT sferum_kpi.week_start(max(day)) - 7 FROM r65.activity_daily")
# the weeks compared: every 9th week from the first, and the last complete one
# (all 68 weeks take a minute more and find nothing the 9 do not)
weeks=$(on coord -d single -At -c "SELECT w::date FROM (
    SELECT w FROM generate_series((SELECT sferum_kpi.week_start(min(day)) FROM r65.activity_daily)::timestamp,
                                  '$week'::timestamp, interval '63 days') w UNION SELECT '$week'::timestamp) x ORDER BY 1")
# one query per week: the views substitute a constant week into their lateral
# subquery; with an IN list they are 3-6 times slower per week
per_week() {   # node db file sql-with-:WEEK
    local w lit
    : >"$3"
    for w in $weeks; do
        lit="'$w'"
        on "$1" -d "$2" -At -c "${4//:WEEK/$lit}" >>"$3"
    done
}
# Each query a BI tool sends: every region's aggregate in its shard's Remote SQL
# (Async Foreign Scan, GROUP BY), no person-level row fetched by a plain foreign scan.
plan_check() {   # label sql
    on coord -d coord -At -c "EXPLAIN (VERBOSE, COSTS OFF) $2" >"$work/plan"
    local remote async raw
    remote=$(grep -c 'Remote SQL: SELECT .*sferum_kpi\.weekly_active_ratio(.* GROUP BY ' "$work/plan" || true)
    async=$(grep -c 'Async Foreign Scan$' "$work/plan" || true)
    raw=$(grep -cE 'Foreign Scan on national\.facts_' "$work/plan" || true)
    if ((remote != 3 || async != 3 || raw != 0)); then
        cat "$work/plan"
        echo "FAIL: $1: expected 3 Remote SQL with the aggregate, 3 async aggregate scans, no raw scan; got $remote, $async, $raw"
        exit 1
    fi
    echo "    $1: the 3 regions' aggregates run on the shards"
}
echo "EXPLAIN VERBOSE:"
plan_check "region_counts for a week" "SELECT * FROM national.region_counts WHERE week_start = '$week'"
plan_check "region_counts, sorted" "SELECT * FROM national.region_counts WHERE week_start = '$week' ORDER BY 1, 2, 3, 4"
plan_check "region_indicators, sorted" "SELECT * FROM national.region_indicators WHERE week_start = '$week' ORDER BY indicator"
plan_check "totals for a week" "SELECT * FROM national.totals WHERE week_start = '$week'"
plan_check "totals for 4 weeks" "SELECT * FROM national.totals WHERE week_start BETWEEN '$week'::date - 21 AND '$week'"
grep -m1 'Remote SQL' "$work/plan" | sed 's/^ */    /' | cut -c1-220

# --- figures: coordinator vs one node -------------------------------------------
# every indicator, region, platform and week
per_week coord coord "$work/coord_regions" "SELECT week_start, indicator, platform, region_code, numerator, denominator
                          FROM national.region_indicators WHERE week_start = :WEEK ORDER BY 1, 2, 3, 4"
per_week coord single "$work/single_regions" "SELECT week_start, indicator, platform, region_code, numerator, denominator FROM (
                               SELECT * FROM k65.live_all_indicators UNION ALL SELECT * FROM k50.live_all_indicators
                               UNION ALL SELECT * FROM k14.live_all_indicators) k
                           WHERE level = 'region' AND week_start = :WEEK ORDER BY 1, 2, 3, 4"
if ! diff -q "$work/coord_regions" "$work/single_regions" >/dev/null; then
    diff "$work/coord_regions" "$work/single_regions" | head -20
    echo "FAIL: per-region figures differ between the coordinator and the single node"
    exit 1
fi
rows=$(wc -l <"$work/coord_regions")
((rows > 400)) || { echo "FAIL: only $rows region rows"; exit 1; }
echo "per-region figures: $rows rows (every indicator, platform and region of $(wc -w <<<"$weeks") weeks) equal to the single node"

# national totals, and the targets of one week against the single node's history-style value
per_week coord coord "$work/coord_totals" "SELECT indicator, week_start, platform, regions, numerator, denominator, value,
                                 round(share::numeric, 12)
                          FROM national.totals WHERE week_start = :WEEK ORDER BY 1, 2, 3"
per_week coord single "$work/single_totals" "SELECT indicator, week_start, platform, count(*), sum(numerator), sum(denominator),
                                  sum(LEAST(numerator, denominator)) || '/' || sum(denominator),
                                  round(CASE WHEN sum(denominator) > 0 THEN sum(numerator) / sum(denominator) END, 12)
                           FROM (SELECT * FROM k65.live_all_indicators UNION ALL SELECT * FROM k50.live_all_indicators
                                 UNION ALL SELECT * FROM k14.live_all_indicators) k
                           WHERE level = 'region' AND week_start = :WEEK GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
if ! diff -q "$work/coord_totals" "$work/single_totals" >/dev/null; then
    diff "$work/coord_totals" "$work/single_totals" | head -20
    echo "FAIL: national totals differ between the coordinator and the single node"
    exit 1
fi
echo "national totals: $(wc -l <"$work/coord_totals") rows equal to the single node's sums; e.g. week $week:"
on coord -d coord -c "SELECT indicator, platform, regions, numerator, denominator, round(share::numeric, 4) AS share
                      FROM national.totals WHERE week_start = '$week' AND platform <> 'vk' ORDER BY 1, 2"

# region targets are evaluated on the coordinator, like the KPI views do
diffs=$(on coord -d coord -At -c "SELECT count(*) FROM national.region_indicators
                                  WHERE week_start = '$week' AND target_met IS DISTINCT FROM
                                        sferum_kpi.target_met(indicator, sferum_kpi.kpi_ratio(LEAST(numerator, denominator), denominator), week_start, region_code)
                                    AND EXISTS (SELECT 1 FROM sferum_kpi.target t WHERE t.indicator = region_indicators.indicator)")
((diffs == 0)) || { echo "FAIL: $diffs region rows with a wrong target_met"; exit 1; }

# a BI reader of the national views: totals yes (through the owner's user mapping), person-level facts no
# The BI role has no user mapping of its own: the views use their owner's.  A direct
# read of the facts is refused (permission denied, or no user mapping when the
# planner asks the shard for an estimate first: either way, nothing is read).
# PostgreSQL 16+ says 'user mapping not found for user "R", server "S"'.
read_check=$(on coord -d coord -At 2>&1 <<SQL || true
CREATE ROLE national_bi;
SELECT sferum_kpi.grant_reader('national_bi', 'national');
SET ROLE national_bi;
SELECT 'totals', count(*) > 0 FROM national.totals WHERE week_start = '$week';
SELECT 'facts', count(*) FROM national.facts;
SQL
)
read_check2=$(on coord -d coord -At -c "SET ROLE national_bi" -c "SELECT count(*) FROM national.facts_65" 2>&1 || true)
grep -q '^totals|t$' <<<"$read_check" &&
    grep -qE 'permission denied for table facts|user mapping not found for (user )?"national_bi"' <<<"$read_check" &&
    grep -qE 'permission denied for foreign table facts_65|user mapping not found for (user )?"national_bi"' <<<"$read_check2" &&
    ! grep -q '^facts|' <<<"$read_check" ||
    { echo "FAIL: BI reader on the coordinator: $read_check"; exit 1; }
# re-running create_shard_views on a mart keeps its regions' views (a new region would be added)
again=$(on shard1 -d shard -At -c "SELECT string_agg(c, ',' ORDER BY c) FROM sferum_kpi.create_shard_views('r65') c")
[[ $again == 65 ]] || { echo "FAIL: create_shard_views re-run returned '$again'"; exit 1; }
# on a shard, grant_reader refuses the person-level shard views
refused=$(on shard1 -d shard -c "CREATE ROLE shard_bi" -c "SELECT sferum_kpi.grant_reader('shard_bi', 'kpi_shard')" 2>&1 || true)
grep -q 'holds person-level views' <<<"$refused" || { echo "FAIL: grant_reader on kpi_shard: $refused"; exit 1; }
echo "a BI reader (grant_reader, no user mapping of its own) reads national.totals and is refused national.facts and its partitions; grant_reader refuses kpi_shard"

# --- distinct people across regions ---------------------------------------------
cross=$(on coord -d coord -At -c "SELECT string_agg(region_code || '=' || cross_region_people, ' ' ORDER BY region_code) FROM national.region")
[[ $cross == "14=0 50=0 65=0" ]] || { echo "FAIL: cross_region_people $cross"; exit 1; }
# a teacher of region 65 also employed in region 14: region 14 now counts a person from elsewhere
on shard2 -d shard <<'SQL'
INSERT INTO r14.region VALUES ('65', 'Сахалинская область', 'Asia/Sakhalin');
INSERT INTO r14.person VALUES (990000001, '65');
INSERT INTO r14.membership (person_id, org_id, role, since)
SELECT 990000001, min(org_id), 'teacher', '2024-09-01' FROM r14.organisation WHERE kind = 'general';
SQL
cross=$(on coord -d coord -At -c "SELECT string_agg(region_code || '=' || cross_region_people, ' ' ORDER BY region_code) FROM national.region")
[[ $cross == "14=1 50=0 65=0" ]] || { echo "FAIL: after a cross-region membership: $cross"; exit 1; }
echo "cross-region check: 0 people counted outside their home region; a planted one is reported ($cross)"
echo "sharding: ok in $((SECONDS - t0)) s"
