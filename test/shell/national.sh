#!/usr/bin/env bash
# The national store (issue 24): a coordinator pulls the regions' stored figures
# over postgres_fdw.  Three throwaway clusters on Unix sockets (stopped on exit):
#   shard1 holds regions 65 and 50 (marts r65, r50, KPI views and stores k65, k50),
#   shard2 holds region 14 (r14, k14; pulled with its organisation level);
#   the coordinator's user mapping logs in as national_pull, a role that may read
#   k*.store, k*.refresh_log and k*.indicators and nothing else.
# Checks:
#   - national_pull can read no mart table and no person-level object on a shard;
#   - after refresh_national, national.store holds exactly the shards' stored rows
#     (dumped on the shards in plain SQL) and the country rows are their sums
#     (computed in plain SQL from the dumps), judged against the federal stages;
#   - a second run pulls nothing; a week refreshed again is pulled alone;
#   - a pull killed inside a region-week leaves it as it was, the next run pulls it;
#   - a shard stopped, a connection refused, another sferum_kpi version: the call
#     returns normally, pull_log has the error, the regions keep their figures,
#     marked stale, the others stay fresh; after the fault they are pulled again;
#   - a detached region is gone from the views and from the totals;
#   - the BI views answer for a reader role (grant_reader).
#   NATIONAL_SCALE=0.02   size of each generated region
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/pgenv.sh
scale=${NATIONAL_SCALE:-0.02}
until_day=2025-12-28
first_week=2025-11-03
last_week=2025-12-22
bin=$(pgbin)
work=$(mktemp -d)
chmod 777 "$work"
trap 'rm -rf "$work"; _pgenv_cleanup' EXIT
fail() { echo "FAIL: $*"; [[ -f $work/pulls.log ]] && tail -5 "$work/pulls.log"; exit 1; }

# code|name|time zone|seed|shard
regions=("65|Сахалинская область|Asia/Sakhalin|11|1"
         "50|Московская область|Europe/Moscow|12|1"
         "14|Республика Саха (Якутия)|Asia/Yakutsk|13|2")

start_nodes "shard1 shard2 coord" max_parallel_workers_per_gather=0
pgctl() { _pgenv_as_owner "$bin/pg_ctl" "$2" -w -m fast -D "${host[$1]}/data" -l "${host[$1]}/server.log" >/dev/null; }

t0=$SECONDS
for n in shard1 shard2; do
    on "$n" -c 'CREATE DATABASE shard'
    on "$n" -d shard -c 'CREATE EXTENSION sferum_kpi' -c 'CREATE ROLE national_pull LOGIN'
done
for r in "${regions[@]}"; do
    IFS='|' read -r code name tz seed shard <<<"$r"
    (
        on "shard$shard" -d shard -c "SELECT sferum_kpi.create_mart('r$code')" >/dev/null
        on "shard$shard" -d shard -v mart="r$code" -v scale="$scale" -v seed="$seed" -v until="$until_day" \
            -v region="$code" -v region_name="$name" -v tz="$tz" -f scripts/generate_region.sql >/dev/null
        on "shard$shard" -d shard -c "SELECT sferum_kpi.create_kpi_views('r$code', 'k$code', min_cell => 0)" \
            -c "CALL sferum_kpi.refresh_weeks('k$code', '$first_week', '$last_week')" >/dev/null 2>&1
        # the pull's role: the store, its log and the indicators view (region names)
        on "shard$shard" -d shard -c "GRANT USAGE ON SCHEMA k$code TO national_pull" \
            -c "GRANT SELECT ON k$code.store, k$code.refresh_log, k$code.indicators TO national_pull"
    ) &
done
wait
echo "3 regions at scale $scale, $first_week..$last_week stored on 2 shards in $((SECONDS - t0)) s"

# --- privacy: the pull's role reads no person-level object -------------------------
for n in shard1 shard2; do
    objs=$(on "$n" -d shard -At -c "
        SELECT format('%I.%I', c.relnamespace::regnamespace::text, c.relname) FROM pg_class c
        WHERE c.relkind IN ('r', 'p', 'v', 'm')
          AND (c.relnamespace::regnamespace::text IN (SELECT s.mart_schema FROM sferum_kpi.view_set s)
               OR EXISTS (SELECT 1 FROM sferum_kpi.person_level_object p
                          WHERE p.schema_name = c.relnamespace::regnamespace::text AND p.object_name = c.relname)
               OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname IN ('person_id', 'unit_id'))
               OR c.relname LIKE 'live\_%')")
    count=0
    for o in $objs; do
        out=$(on "$n" -d shard -At -c "SET ROLE national_pull" -c "SELECT count(*) FROM $o" 2>&1 || true)
        grep -q 'permission denied' <<<"$out" || fail "national_pull reads $o on $n: $out"
        count=$((count + 1))
    done
    ((count >= 20)) || fail "only $count person-level objects checked on $n"
    ok=$(on "$n" -d shard -At -c "SET ROLE national_pull" -c "SELECT count(*) > 0 FROM k$([[ $n == shard1 ]] && echo 65 || echo 14).store")
    [[ $ok == t ]] || fail "national_pull cannot read the store on $n"
    echo "privacy: national_pull is refused all $count mart tables, person-level and live views on $n; it reads the store"
done

# --- the coordinator ------------------------------------------------------------------
server_sql() {   # name node [user]
    echo "CREATE SERVER $1 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '${host[$2]}', port '${port[$2]}', dbname 'shard');
          CREATE USER MAPPING FOR CURRENT_USER SERVER $1 OPTIONS (user '${3:-national_pull}');"
}
on coord -c 'CREATE DATABASE coord'
on coord -d coord >/dev/null <<SQL
CREATE EXTENSION postgres_fdw;
CREATE EXTENSION sferum_kpi;
$(server_sql shard1 shard1)
$(server_sql shard2 shard2)
SELECT sferum_kpi.create_national_store();
SQL
on coord -d coord -q -c "SELECT 1" >/dev/null
attached=$(on coord -d coord -At -F ' ' \
    -c "SELECT * FROM sferum_kpi.attach_shard('shard1', 'national', 'k65')" \
    -c "SELECT * FROM sferum_kpi.attach_shard('shard1', 'national', 'k50')" \
    -c "SELECT * FROM sferum_kpi.attach_shard('shard2', 'national', 'k14', organisations => true)" \
    -c "SELECT * FROM sferum_kpi.attach_shard('shard1', 'national', 'k65')")
expected="65 Сахалинская область attached
50 Московская область attached
14 Республика Саха (Якутия) attached
65 Сахалинская область already attached"
[[ $attached == "$expected" ]] || fail "attach_shard returned: $attached"
err=$(on coord -d coord -c "SELECT * FROM sferum_kpi.attach_shard('shard2', 'national', 'k65')" 2>&1 || true)
grep -q 'has no KPI store readable in schema "k65"' <<<"$err" || fail "attach of a schema without a store: $err"

pull() {   # the CALL must end normally; its NOTICE/WARNING lines go to $work/pull.log
    on coord -d coord -c "CALL sferum_kpi.refresh_national()" 2>"$work/pull.log" || { cat "$work/pull.log"; fail "refresh_national failed"; }
    sed -n 's/.*refresh_national: \([0-9]*\) region-weeks.*/\1/p' "$work/pull.log"
    cat "$work/pull.log" >>"$work/pulls.log"
}
t1=$SECONDS
n=$(pull)
echo "first pull: $n region-weeks in $((SECONDS - t1)) s"
((n == 24)) || fail "first pull: $n region-weeks, expected 24"

# --- national rows = the shards' stores ----------------------------------------------
cols="week_start, indicator, platform, level, region_code, municipality_id, org_kind, org_id, time, numerator, denominator, target_stage, target_deadline, target_comparison, target_threshold, target_in_force, target_due, target_met, short_by, municipality_name, org_name, holiday, holiday_kind"
dump_shards() {   # file [regions...]: the shards' stored rows of the regions, sorted
    local r code shard out=$1; shift
    : >"$out.unsorted"
    for r in "${regions[@]}"; do
        IFS='|' read -r code _ _ _ shard <<<"$r"
        [[ " $* " == *" $code "* ]] || continue
        on "shard$shard" -d shard -At -c "COPY (SELECT $cols FROM k$code.store
                                              WHERE level <> 'organisation' OR '$code' = '14') TO STDOUT" >>"$out.unsorted"
    done
    LC_ALL=C sort "$out.unsorted" >"$out"
}
dump_national() {   # file
    on coord -d coord -At -c "COPY (SELECT $cols FROM national.store WHERE level <> 'country') TO STDOUT" | LC_ALL=C sort >"$1"
}
compare_stores() {   # label regions...
    dump_shards "$work/shards" "${@:2}"
    dump_national "$work/national"
    if ! cmp -s "$work/shards" "$work/national"; then
        diff "$work/shards" "$work/national" | head -10
        fail "$1: the national store differs from the shards' stores"
    fi
}
compare_totals() {   # label: country rows = sums of the region rows of the dumps (loaded into a scratch database)
    on coord -c 'DROP DATABASE IF EXISTS oracle' -c 'CREATE DATABASE oracle' 2>/dev/null
    on coord -d oracle -c "CREATE TABLE s (week_start date, indicator text, platform text, level text, region_code text,
        municipality_id bigint, org_kind text, org_id bigint, time timestamptz, numerator bigint, denominator bigint,
        target_stage integer, target_deadline date, target_comparison text, target_threshold double precision,
        target_in_force boolean, target_due boolean, target_met boolean, short_by bigint, municipality_name text,
        org_name text, holiday boolean, holiday_kind text)" -c "\\copy s FROM '$work/shards'"
    on coord -d oracle -At -c "COPY (SELECT week_start, indicator, platform, sum(numerator), sum(denominator), count(*)
                                     FROM s WHERE level = 'region' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3) TO STDOUT" >"$work/oracle_totals"
    on coord -d coord -At -c "COPY (SELECT week_start, indicator, platform, numerator, denominator, regions
                                    FROM national.store WHERE level = 'country' ORDER BY 1, 2, 3) TO STDOUT" >"$work/national_totals"
    cmp -s "$work/oracle_totals" "$work/national_totals" ||
        { diff "$work/oracle_totals" "$work/national_totals" | head; fail "$1: national totals differ from the sums"; }
    # the federal stage of each week (no region's own target), and met as the capped sums against it
    bad=$(on coord -d coord -At -c "
        SELECT count(*) FROM national.store c
        JOIN LATERAL (SELECT t.stage, t.threshold, t.comparison FROM sferum_kpi.target t
                      WHERE t.indicator = c.indicator AND t.region_code IS NULL AND t.kind = 'computed' AND t.deadline >= c.week_start
                      ORDER BY t.deadline LIMIT 1) f ON true
        JOIN LATERAL (SELECT sum(LEAST(r.numerator, r.denominator)) AS capped FROM national.store r
                      WHERE r.level = 'region' AND r.week_start = c.week_start AND r.indicator = c.indicator
                        AND r.platform = c.platform) x ON true
        WHERE c.level = 'country' AND f.threshold IS NOT NULL AND c.denominator > 0
          AND (c.target_stage IS DISTINCT FROM f.stage
               OR c.target_met IS DISTINCT FROM CASE WHEN f.comparison = '>' THEN x.capped::numeric / c.denominator > f.threshold::numeric
                                                     ELSE x.capped::numeric / c.denominator >= f.threshold::numeric END)")
    judged=$(on coord -d coord -At -c "SELECT count(*) FROM national.store WHERE level = 'country' AND target_met IS NOT NULL")
    ((bad == 0 && judged > 0)) || fail "$1: $bad country rows judged against the wrong stage ($judged judged)"
}
compare_stores "first pull" 65 50 14
compare_totals "first pull"
rows=$(wc -l <"$work/national")
echo "national store = the shards' stores: $rows rows (region 14 with its organisation level); $(wc -l <"$work/national_totals") country rows = the regions' sums, judged against the federal stages"

# --- incremental ---------------------------------------------------------------------------
n=$(pull)
((n == 0)) || fail "a second run with nothing new pulled $n region-weeks"
on shard1 -d shard -c "SELECT sferum_kpi.refresh_week('k50', '$last_week')" >/dev/null
n=$(pull)
((n == 1)) || fail "one week refreshed again on a shard: $n region-weeks pulled"
compare_stores "after a week refreshed again" 65 50 14
echo "incremental: a second run pulls 0 region-weeks; a week refreshed again on its shard is pulled alone"

# --- killed mid-region-week ---------------------------------------------------------------
# region 65's last week gets other figures on its shard (as a refresh with late data would)
on shard1 -d shard -c "UPDATE k65.store SET numerator = numerator + 1000 WHERE week_start = '$last_week'" \
    -c "UPDATE k65.refresh_log SET refreshed_at = now() WHERE week_start = '$last_week'"
before=$(on coord -d coord -At -c "SELECT md5(string_agg(s::text, '|' ORDER BY s::text)) FROM national.store s
                                   WHERE region_code = '65' AND week_start = '$last_week'")
before_log=$(on coord -d coord -At -c "SELECT refreshed_at FROM national.pulled WHERE region_code = '65' AND week_start = '$last_week'")
# a session holds national.pulled (SHARE): the pull copies the region-week's rows, then waits to record it
PGHOST=${host[coord]} PGPORT=${port[coord]} "$bin/psql" -X -q -d coord -c "BEGIN" \
    -c "LOCK national.pulled IN SHARE MODE" -c "SELECT pg_sleep(120)" >/dev/null 2>&1 &
locker=$!
sleep 1
PGHOST=${host[coord]} PGPORT=${port[coord]} PGAPPNAME=national_kill "$bin/psql" -X -q -d coord \
    -c "CALL sferum_kpi.refresh_national()" >"$work/killed.log" 2>&1 &
caller=$!
pid=
for _ in $(seq 1 100); do
    pid=$(on coord -d coord -At -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'national_kill' AND wait_event_type = 'Lock'")
    [[ -n $pid ]] && break
    sleep 0.2
done
[[ -n $pid ]] || fail "the pull never waited inside the region-week: $(cat "$work/killed.log")"
copied=$(on coord -d coord -At -c "SELECT count(*) FROM pg_locks WHERE pid = $pid AND granted AND mode = 'RowExclusiveLock'
                                    AND relation = 'national.store'::regclass")
on coord -d coord -At -c "SELECT pg_terminate_backend($pid)" >/dev/null
wait "$caller" || true
on coord -d coord -At -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(120)%' AND pid <> pg_backend_pid()" >/dev/null
wait "$locker" || true
after=$(on coord -d coord -At -c "SELECT md5(string_agg(s::text, '|' ORDER BY s::text)) FROM national.store s
                                  WHERE region_code = '65' AND week_start = '$last_week'")
after_log=$(on coord -d coord -At -c "SELECT refreshed_at FROM national.pulled WHERE region_code = '65' AND week_start = '$last_week'")
[[ $before == "$after" && $before_log == "$after_log" ]] || fail "a pull killed inside the region-week changed it"
((copied == 1)) || fail "the pull was killed outside the region-week's write (no write lock on national.store)"
n=$(pull)
((n == 1)) || fail "after the kill: $n region-weeks pulled, expected 1"
compare_stores "after a killed pull" 65 50 14
compare_totals "after a killed pull"
echo "killed while recording region 65's week $last_week: the week is as it was; the next run pulls it (1 region-week)"

# --- faults: a shard down, a connection refused, another version -----------------------------
stale_of() {   # region -> stale flag in pull_log, and of its rows in indicators
    on coord -d coord -At -F ' ' -c "SELECT p.stale, (SELECT bool_and(i.stale) FROM national.indicators i WHERE i.region_code = p.region_code),
                                            (SELECT bool_or(i.stale) FROM national.indicators i WHERE i.region_code = p.region_code),
                                            (SELECT count(*) FROM national.indicators i WHERE i.region_code = p.region_code)
                                     FROM national.pull_log p WHERE p.region_code = '$1'"
}
fault_check() {   # label failing-regions fresh-regions error-pattern
    local r s rows_before
    on shard1 -d shard -c "SELECT sferum_kpi.refresh_week('k65', '$first_week')" >/dev/null 2>&1 || true
    n=$(pull)
    grep -q 'WARNING:  refresh_national: shard' "$work/pull.log" || fail "$1: no WARNING: $(cat "$work/pull.log")"
    for r in $2; do
        s=$(stale_of "$r")
        [[ $s == "t t t "* ]] || fail "$1: region $r not stale: $s"
        [[ ${s##* } -gt 0 ]] || fail "$1: region $r lost its figures"
        on coord -d coord -At -c "SELECT last_error FROM national.pull_log WHERE region_code = '$r'" | grep -qE "$4" ||
            fail "$1: pull_log of $r: $(on coord -d coord -At -c "SELECT last_error FROM national.pull_log WHERE region_code = '$r'")"
    done
    for r in $3; do
        s=$(stale_of "$r")
        [[ $s == "f f f "* ]] || fail "$1: region $r is stale: $s"
    done
    [[ $(on coord -d coord -At -c "SELECT bool_and(stale) FROM national.latest WHERE level = 'country'") == t ]] ||
        fail "$1: the national totals are not stale"
    echo "$1: the call returns normally, regions $2 keep their figures, stale, with '$(on coord -d coord -At -c "SELECT left(last_error, 70) FROM national.pull_log WHERE region_code = '${2%% *}'")...'; regions $3 fresh ($n region-weeks pulled)"
}
pgctl shard2 stop
fault_check "shard2 stopped" "14" "65 50" "could not connect|connection"
pgctl shard2 start
n=$(pull)
[[ $(stale_of 14) == "f f f "* ]] || fail "shard2 back: region 14 still stale"

on coord -d coord -q -c "ALTER USER MAPPING FOR CURRENT_USER SERVER shard1 OPTIONS (SET user 'no_such_role')"
fault_check "shard1 refuses the connection" "65 50" "14" 'role "no_such_role" does not exist'
on coord -d coord -q -c "ALTER USER MAPPING FOR CURRENT_USER SERVER shard1 OPTIONS (SET user 'national_pull')"
n=$(pull)

on shard2 -d shard -q -c "UPDATE pg_extension SET extversion = '1.4' WHERE extname = 'sferum_kpi'"
fault_check "shard2 runs sferum_kpi 1.4" "14" "65 50" 'has sferum_kpi 1.4, the coordinator 1.5'
on shard2 -d shard -q -c "UPDATE pg_extension SET extversion = '1.5' WHERE extname = 'sferum_kpi'"
n=$(pull)
for r in 65 50 14; do [[ $(stale_of $r) == "f f f "* ]] || fail "after the faults: region $r stale"; done
compare_stores "after the faults" 65 50 14
compare_totals "after the faults"
echo "after the faults: every region fresh again, national store = the shards' stores"

# --- the BI views, as a reader ------------------------------------------------------------------
read_check=$(on coord -d coord -At 2>&1 <<SQL || true
CREATE ROLE national_bi;
SELECT sferum_kpi.grant_reader('national_bi', 'national') > 0;
SET ROLE national_bi;
SELECT 'dashboard', count(*), count(*) FILTER (WHERE region_code IS NULL), bool_or(stale) FROM national.dashboard;
SELECT 'latest', count(DISTINCT coalesce(region_code, 'RU')) FROM national.latest;
SELECT 'rankings', count(*) > 0, min(rank) FROM national.rankings WHERE week_start = '$last_week';
SELECT 'forecast', count(*) > 0 FROM national.forecast;
SELECT 'stage_results', count(*) > 0, count(*) FILTER (WHERE level = 'country') > 0 FROM national.stage_results;
SELECT 'pull_log', count(*), bool_or(stale) FROM national.pull_log;
SELECT 'store', count(*) FROM national.store;
SQL
)
grep -q '^dashboard|[0-9]*|[1-9][0-9]*|f$' <<<"$read_check" && grep -q '^latest|4$' <<<"$read_check" &&
    grep -q '^rankings|t|1$' <<<"$read_check" && grep -q '^forecast|t$' <<<"$read_check" &&
    grep -q '^stage_results|t|t$' <<<"$read_check" && grep -q '^pull_log|3|f$' <<<"$read_check" &&
    grep -q 'permission denied for table store' <<<"$read_check" ||
    fail "BI reader: $read_check"
# the dashboard's country row for an indicator equals the regions' sums at that week
bad=$(on coord -d coord -At -c "SELECT count(*) FROM national.dashboard d
                                 JOIN (SELECT r.indicator, r.platform, sum(r.numerator)::bigint AS n, sum(r.denominator)::bigint AS m
                                       FROM national.dashboard r WHERE r.region_code IS NOT NULL GROUP BY 1, 2) r
                                   ON r.indicator = d.indicator AND r.platform = d.platform
                                 WHERE d.region_code IS NULL AND (d.numerator, d.denominator) IS DISTINCT FROM (r.n, r.m)")
((bad == 0)) || fail "$bad dashboard country rows differ from the regions' sums"
# the dashboard's copy is the dashboard computed now (refreshed by the last pull that pulled something)
bad=$(on coord -d coord -At -c "SELECT count(*) FROM ((SELECT * FROM national.dashboard_live EXCEPT ALL SELECT * FROM national.dashboard_rows)
                                                     UNION ALL (SELECT * FROM national.dashboard_rows EXCEPT ALL SELECT * FROM national.dashboard_live)) x")
((bad == 0)) || fail "national.dashboard_rows differs from dashboard_live in $bad rows"
echo "BI reader (grant_reader): dashboard, latest (3 regions + the country), rankings, forecast, stage_results, pull_log; national.store refused"

# --- detach ------------------------------------------------------------------------------------------
removed=$(on coord -d coord -At -c "SELECT sferum_kpi.detach_region('50')")
((removed > 0)) || fail "detach_region removed $removed rows"
left=$(on coord -d coord -At -c "SELECT (SELECT count(*) FROM national.indicators WHERE region_code = '50')
                                      + (SELECT count(*) FROM national.pull_log WHERE region_code = '50')
                                      + (SELECT count(*) FROM national.rankings WHERE region_code = '50')")
left=$((left + $(on coord -d coord -At -c "SELECT count(*) FROM national.dashboard WHERE region_code = '50'")))
((left == 0)) || fail "region 50 still in the views after detach ($left rows)"
compare_stores "after detach" 65 14
compare_totals "after detach"
n=$(pull)
((n == 0)) || fail "a detached region was pulled again ($n region-weeks)"
echo "detach_region('50'): $removed rows gone, the totals are the sums of 65 and 14 (max $(on coord -d coord -At -c "SELECT max(regions) FROM national.store WHERE level = 'country'") regions)"
echo "national: ok in $((SECONDS - t0)) s"
