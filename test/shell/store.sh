#!/usr/bin/env bash
# The weekly KPI store (1.4) on a generated region:
#   - every week of the store equals the live computation, at every level and for
#     every group, and every week has the same groups (0/0 included);
#   - a refresh killed mid-week (pg_terminate_backend) leaves the previous figures
#     intact, and a re-run completes it;
#   - two refreshes of the same week serialize (the second waits) and never duplicate;
#   - refresh_weeks (CALL) commits week by week and, interrupted, resumes where it was;
#   - refresh_recent picks up late data; refresh_log tells fresh from stale;
#   - DROP EXTENSION ... CASCADE keeps the store, and BI reads plain types only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/pgenv.sh
db=store_$$
scale=${STORE_SCALE:-0.01}
tmp=$(mktemp -d)
bg=()
cleanup() {
    local p
    for p in "${bg[@]}"; do kill "$p" 2>/dev/null || true; done
    psql_q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
q() { psql_q -d "$db" -At "$@"; }
fail() { echo "store: $*"; exit 1; }

new_region_db "$db" m "$scale" 5 -v until=2024-12-29
q -c "SELECT sferum_kpi.create_kpi_views('m', 'kpi', min_cell => 0)" >/dev/null
read -r first last <<<"$(q -F ' ' -c "SELECT sferum_kpi.week_start(min(day)), sferum_kpi.week_start(max(day)) FROM m.activity_daily")"

# ---- back-fill with CALL: one transaction per week, interrupted after two weeks, resumed
"$(pgbin)/psql" -X -q -d "$db" -c "CALL sferum_kpi.refresh_weeks('kpi', '$first', '$last')" 2>"$tmp/call1.log" &
call=$!
bg+=("$call")
for _ in $(seq 1 600); do
    n=$(grep -c ' rows in ' "$tmp/call1.log" 2>/dev/null) || true
    ((${n:-0} >= 2)) && break
    sleep 0.05
done
pid=$(q -c "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
             AND query LIKE 'CALL sferum_kpi.refresh_weeks%'")
[[ -n $pid ]] || fail "refresh_weeks ended before it could be interrupted: $(cat "$tmp/call1.log")"
q -c "SELECT pg_terminate_backend($pid)" >/dev/null
wait "$call" 2>/dev/null || true
done1=$(q -c "SELECT count(DISTINCT week_start) FROM kpi.refresh_log")
((done1 >= 2)) || fail "after the interruption $done1 weeks were committed (want at least 2)"
q -c "CALL sferum_kpi.refresh_weeks('kpi', '$first', '$last')" 2>"$tmp/call2.log"
kept=$(grep -c 'up to date, kept' "$tmp/call2.log" || true)
((kept >= done1)) || fail "the resumed back-fill kept $kept of the $done1 committed weeks: $(head -5 "$tmp/call2.log")"
weeks=$(q -c "SELECT count(DISTINCT week_start) FROM kpi.store")
echo "ok: refresh_weeks interrupted after $done1 weeks, resumed keeping $kept, $weeks weeks stored"

# ---- the store = the live computation, every week, level and group; the same groups every week
compare_store() {   # -> "differing rows, min rows a week, max rows a week"
    q -F ' ' <<'SQL'
WITH s AS (SELECT indicator, week_start, platform, level, region_code, municipality_id, org_kind, org_id,
                  numerator, denominator, share, target_stage, target_met, target_due FROM kpi.all_indicators),
     l AS (SELECT indicator, week_start, platform, level, region_code, municipality_id, org_kind, org_id,
                  numerator, denominator, share, target_stage, target_met, target_due FROM kpi.live_all_indicators)
SELECT (SELECT count(*) FROM ((SELECT * FROM s EXCEPT ALL SELECT * FROM l) UNION ALL (SELECT * FROM l EXCEPT ALL SELECT * FROM s)) x),
       (SELECT min(n) FROM (SELECT count(*) n FROM kpi.store GROUP BY week_start) g),
       (SELECT max(n) FROM (SELECT count(*) n FROM kpi.store GROUP BY week_start) g)
SQL
}
read -r differing groups_per_week_min groups_per_week_max <<<"$(compare_store)"
[[ $differing == 0 ]] || fail "$differing rows of the store differ from the live views"
[[ $groups_per_week_min == "$groups_per_week_max" ]] || fail "weeks have $groups_per_week_min to $groups_per_week_max rows"
echo "ok: store = live views on $weeks weeks ($groups_per_week_min rows a week, every week)"

# ---- the same with the refresh's parallel plans, which the planner chooses only for a
# large region: with parallel_setup_cost = 0 (and rows through Gather at a tenth of
# the default cost) here the workers share the indicators
# (Parallel Append) and the people's halves, as at Moscow oblast's size (the plans
# come back as NOTICEs from auto_explain)
for wk in "$first" "$(q -c "SELECT '$first'::date + 7 * 8")" "$last"; do
    q -c "LOAD 'auto_explain'" -c "SET auto_explain.log_min_duration = 0" -c "SET auto_explain.log_level = notice" \
      -c "SET auto_explain.log_nested_statements = on" -c "SET auto_explain.log_analyze = on" \
      -c "SET auto_explain.log_timing = off" -c "SET parallel_setup_cost = 0" -c "SET parallel_tuple_cost = 0.01" \
      -c "SELECT sferum_kpi.refresh_week('kpi', '$wk')" >/dev/null 2>"$tmp/plans.log"
    for t in people store; do
        awk -v t="_$t AS" '/^NOTICE:  duration/ { if (index(b, t)) printf "%s", b; b = "" } { b = b $0 "\n" }
                           END { if (index(b, t)) printf "%s", b }' "$tmp/plans.log" >"$tmp/plan_$t.log"
        grep -q 'Parallel Append' "$tmp/plan_$t.log" && grep -Eq 'Workers Launched: [1-9]' "$tmp/plan_$t.log" \
            || fail "week $wk: the refresh's $t work table was not computed by a Parallel Append with workers: $(head -c 3000 "$tmp/plan_$t.log")"
    done
done
read -r differing groups_per_week_min groups_per_week_max <<<"$(compare_store)"
[[ $differing == 0 ]] || fail "$differing rows of the store differ from the live views after parallel refreshes"
[[ $groups_per_week_min == "$groups_per_week_max" ]] || fail "weeks have $groups_per_week_min to $groups_per_week_max rows after parallel refreshes"
echo "ok: 3 weeks refreshed by parallel workers (Parallel Append of the indicators and of the people's halves) = live views"

# ---- and without workers (a back-fill in one session per core): no table of the
# people, the week's activity aggregated in person order and merged with the registry
for wk in "$first" "$(q -c "SELECT '$first'::date + 7 * 5")" "$last"; do
    q -c "LOAD 'auto_explain'" -c "SET auto_explain.log_min_duration = 0" -c "SET auto_explain.log_level = notice" \
      -c "SET auto_explain.log_nested_statements = on" -c "SET max_parallel_workers_per_gather = 0" \
      -c "SELECT sferum_kpi.refresh_week('kpi', '$wk')" >/dev/null 2>"$tmp/plans.log"
    # the work table sferum_refresh_<pid>_people (not a column such as vk_closure_week.vk_people)
    ! grep -q 'sferum_refresh_[0-9]*_people' "$tmp/plans.log" ||
        fail "week $wk: a refresh without workers made a table of the people: $(grep -m 3 -B 3 'sferum_refresh_[0-9]*_people' "$tmp/plans.log")"
    awk '/^NOTICE:  duration/ { if (index(b, "_members AS")) printf "%s", b; b = "" } { b = b $0 "\n" }
         END { if (index(b, "_members AS")) printf "%s", b }' "$tmp/plans.log" >"$tmp/plan_members.log"
    grep -Eq 'Merge (Right|Left) Join' "$tmp/plan_members.log" && grep -q 'GroupAggregate' "$tmp/plan_members.log" \
        || fail "week $wk: without workers the members were not a merge join of the grouped activity: $(head -c 3000 "$tmp/plan_members.log")"
    # and the statements after it are planned with hashing again (the settings restored)
    awk '/^NOTICE:  duration/ { if (index(b, "_store AS")) printf "%s", b; b = "" } { b = b $0 "\n" }
         END { if (index(b, "_store AS")) printf "%s", b }' "$tmp/plans.log" >"$tmp/plan_store.log"
    grep -Eq '(Hash|Mixed)Aggregate' "$tmp/plan_store.log" && grep -q 'Hash Join' "$tmp/plan_store.log" \
        || fail "week $wk: the indicators were planned without hashing (enable_hashagg/enable_hashjoin not restored): $(head -c 3000 "$tmp/plan_store.log")"
    # the refresh log: the week's daily rows and its last day, as the mart has them
    read -r logged_rows logged_day <<<"$(q -F ' ' -c "SELECT l.activity_rows, l.last_activity_day FROM kpi.refresh_log l WHERE l.week_start = '$wk'")"
    read -r mart_rows mart_day <<<"$(q -F ' ' -c "SELECT count(*), max(day) FROM m.activity_daily WHERE day BETWEEN '$wk' AND '$wk'::date + 6")"
    [[ $logged_rows == "$mart_rows" && $logged_day == "$mart_day" ]] ||
        fail "week $wk: refresh_log says $logged_rows rows, last day $logged_day; the mart has $mart_rows, $mart_day"
done
read -r differing groups_per_week_min groups_per_week_max <<<"$(compare_store)"
[[ $differing == 0 ]] || fail "$differing rows of the store differ from the live views after refreshes without workers"
[[ $groups_per_week_min == "$groups_per_week_max" ]] || fail "weeks have $groups_per_week_min to $groups_per_week_max rows after refreshes without workers"
echo "ok: 3 weeks refreshed without workers (members by a merge join, no table of the people) = live views"

# ---- refresh_targets in two sessions (modulus 2): each judges its own weeks
stale_sql="UPDATE kpi.store SET target_threshold = NULL, target_met = NULL, short_by = NULL
            WHERE (indicator, target_stage) IN (SELECT indicator, stage FROM sferum_kpi.target WHERE rule = 'baseline_max')
              AND target_threshold IS NOT NULL"
staled=$(q -c "WITH u AS ($stale_sql RETURNING week_start) SELECT count(*) || ' ' || count(DISTINCT week_start) FROM u")
read -r staled staled_weeks <<<"$staled"
((staled > 0 && staled_weeks >= 2)) || fail "no baseline-stage rows with a threshold to make stale ($staled rows, $staled_weeks weeks)"
even=$(q -c "SELECT sferum_kpi.refresh_targets('kpi', true, 2, 0)")
left=$(q -c "SELECT count(*) FILTER (WHERE ((week_start - DATE '2000-01-03') / 7) % 2 = 0) || ' ' || count(*)
             FROM kpi.store WHERE (indicator, target_stage) IN (SELECT indicator, stage FROM sferum_kpi.target WHERE rule = 'baseline_max')
              AND target_threshold IS NULL")
read -r left_even left_all <<<"$left"
[[ $left_even == 0 && $((even + left_all)) == "$staled" && $even -gt 0 && $left_all -gt 0 ]] ||
    fail "refresh_targets(…, 2, 0) wrote $even of $staled stale rows, leaving $left_even of even weeks and $left_all in all"
q -c "$stale_sql" >/dev/null
q -c "SELECT sferum_kpi.refresh_targets('kpi', true, 2, 0)" >"$tmp/rt0" & rt0=$!
q -c "SELECT sferum_kpi.refresh_targets('kpi', true, 2, 1)" >"$tmp/rt1" & rt1=$!
rc0=0 rc1=0
wait "$rt0" || rc0=$?
wait "$rt1" || rc1=$?
((rc0 == 0 && rc1 == 0)) || fail "refresh_targets side by side failed ($rc0, $rc1)"
(( $(cat "$tmp/rt0") + $(cat "$tmp/rt1") == staled )) || fail "the two sessions wrote $(cat "$tmp/rt0") + $(cat "$tmp/rt1") rows of $staled stale ones"
read -r differing groups_per_week_min groups_per_week_max <<<"$(compare_store)"
[[ $differing == 0 ]] || fail "$differing rows of the store differ from the live views after refresh_targets in two sessions"
echo "ok: refresh_targets in two sessions (modulus 2) judged $staled stale rows of $staled_weeks weeks again, each its own weeks; store = live views"

# ---- a table that merely bears a work table's name is somebody else's: the refresh
# stops (42P07) and never drops it
out=$(q -c "DO \$\$BEGIN EXECUTE format('CREATE TABLE kpi.%I (keep integer)', 'sferum_refresh_' || pg_backend_pid() || '_members'); END\$\$" \
        -c "SELECT sferum_kpi.refresh_week('kpi', '$last')" 2>&1) && fail "a refresh over a foreign table of a work table's name succeeded: $out"
grep -q 'already exists' <<<"$out" || fail "a refresh over a foreign table of a work table's name: $out"
mine=$(q -c "SELECT string_agg(relname, ',') FROM pg_class WHERE relnamespace = 'kpi'::regnamespace AND relname LIKE 'sferum_refresh%'")
[[ $mine == sferum_refresh_*_members ]] || fail "after the refused refresh the schema holds: ${mine:-nothing}"
q -c "DROP TABLE kpi.$mine" >/dev/null
echo "ok: a table named like a work table stopped the refresh (relation already exists) and was kept"

# hold a lock in one session (for 30 s) and start snapshot_week of a week in another;
# returns when the refresh waits for the lock: sets holder, refresh and waiting (its pid)
hold_and_refresh() {   # lock statement, week
    "$(pgbin)/psql" -X -q -d "$db" -c "BEGIN; $1; SELECT pg_sleep(30); COMMIT" >/dev/null 2>&1 &
    holder=$!
    bg+=("$holder")
    sleep 0.5
    "$(pgbin)/psql" -X -q -d "$db" -c "SELECT sferum_kpi.snapshot_week('kpi', '$2')" >/dev/null 2>&1 &
    refresh=$!
    bg+=("$refresh")
    waiting=""
    for _ in $(seq 1 200); do
        waiting=$(q -c "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                        AND pid <> pg_backend_pid() AND query LIKE '%snapshot_week%'")
        [[ -n $waiting ]] && break
        sleep 0.05
    done
}

# ---- a refresh killed mid-week leaves the previous figures; a re-run completes it
week=$(q -c "SELECT '$last'::date - 7")
before=$(q -c "SELECT md5(string_agg(s::text, ',' ORDER BY s::text)) FROM kpi.store s WHERE week_start = '$week'")
# late data for that week: one more writer on the national messenger
q -c "INSERT INTO m.activity_daily (person_id, day, platform, messages_written, messages_read)
      SELECT ms.person_id, '$week'::date + 2, 'national', 5, 0 FROM m.membership ms
      WHERE ms.role = 'teacher' AND NOT EXISTS (SELECT 1 FROM m.activity_daily a WHERE a.person_id = ms.person_id
                                                  AND a.day = '$week'::date + 2 AND a.platform = 'national')
      LIMIT 3" >/dev/null
# hold the log, so that the refresh stops after it replaced the week, before it commits
hold_and_refresh "LOCK TABLE kpi.refresh_log IN EXCLUSIVE MODE" "$week"
[[ -n $waiting ]] || fail "the refresh did not reach the refresh log"
during=$(q -c "SELECT md5(string_agg(s::text, ',' ORDER BY s::text)) FROM kpi.store s WHERE week_start = '$week'")
q -c "SELECT pg_terminate_backend($waiting)" >/dev/null
wait "$refresh" 2>/dev/null || true
kill "$holder" 2>/dev/null || true
q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND query LIKE '%pg_sleep(30)%'" >/dev/null
after_kill=$(q -c "SELECT md5(string_agg(s::text, ',' ORDER BY s::text)) FROM kpi.store s WHERE week_start = '$week'")
[[ $during == "$before" && $after_kill == "$before" ]] || fail "a reader saw the unfinished refresh, or the killed one changed the week"
q -c "SELECT sferum_kpi.snapshot_week('kpi', '$week')" >/dev/null
rerun=$(q -c "SELECT count(*) FROM ((SELECT indicator, platform, level, org_id, numerator, denominator FROM kpi.all_indicators WHERE week_start = '$week'
                                     EXCEPT SELECT indicator, platform, level, org_id, numerator, denominator FROM kpi.live_all_indicators WHERE week_start = '$week')
                                    UNION ALL
                                    (SELECT indicator, platform, level, org_id, numerator, denominator FROM kpi.live_all_indicators WHERE week_start = '$week'
                                     EXCEPT SELECT indicator, platform, level, org_id, numerator, denominator FROM kpi.all_indicators WHERE week_start = '$week')) x")
changed=$(q -c "SELECT md5(string_agg(s::text, ',' ORDER BY s::text)) <> '$before' FROM kpi.store s WHERE week_start = '$week'")
[[ $rerun == 0 && $changed == t ]] || fail "the re-run left $rerun rows different from the live views (week changed: $changed)"
echo "ok: a refresh killed before its commit left the week as it was (readers saw it too); the re-run stored the late rows"

# ---- rows that arrive while a week is refreshed: the log counts what the refresh saw
# before reading the week's activity, so the week stays stale for refresh_weeks
lweek=$(q -c "SELECT '$last'::date - 14")
hold_and_refresh "LOCK TABLE m.membership IN ACCESS EXCLUSIVE MODE" "$lweek"
[[ -n $waiting ]] || fail "the refresh did not wait for the registry"
q -c "INSERT INTO m.activity_daily (person_id, day, platform, messages_written, messages_read)
      SELECT p.person_id, '$lweek'::date + 3, 'vk', 0, 2 FROM m.person p
      WHERE NOT EXISTS (SELECT 1 FROM m.activity_daily a WHERE a.person_id = p.person_id
                                                        AND a.day = '$lweek'::date + 3 AND a.platform = 'vk')
      LIMIT 2" >/dev/null
q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND query LIKE '%pg_sleep(30)%'" >/dev/null
wait "$refresh" || fail "the refresh that waited for the registry failed"
kill "$holder" 2>/dev/null || true
read -r logged_rows mart_rows <<<"$(q -F ' ' -c "SELECT (SELECT activity_rows FROM kpi.refresh_log WHERE week_start = '$lweek'),
                                                        (SELECT count(*) FROM m.activity_daily WHERE day BETWEEN '$lweek' AND '$lweek'::date + 6)")"
((logged_rows == mart_rows - 2)) || fail "rows that arrived during the refresh: the log says $logged_rows, the mart has $mart_rows (want 2 more)"
q -c "CALL sferum_kpi.refresh_weeks('kpi', '$lweek', '$lweek')" 2>"$tmp/stale.log"
! grep -q 'up to date, kept' "$tmp/stale.log" || fail "refresh_weeks kept a week whose rows arrived during its refresh: $(cat "$tmp/stale.log")"
[[ $(q -c "SELECT activity_rows FROM kpi.refresh_log WHERE week_start = '$lweek'") == "$mart_rows" ]] || fail "the second refresh did not log $mart_rows rows"
echo "ok: rows that arrived during a refresh left the week stale in refresh_log; refresh_weeks refreshed it again"

# ---- two refreshes of one week serialize and never duplicate
"$(pgbin)/psql" -X -q -d "$db" -c "BEGIN; SELECT sferum_kpi.refresh_week('kpi', '$week'); SELECT pg_sleep(2); COMMIT" >/dev/null &
one=$!
bg+=("$one")
sleep 0.7
t0=$(date +%s.%N)
q -c "SELECT sferum_kpi.refresh_week('kpi', '$week')" >/dev/null
t1=$(date +%s.%N)
wait "$one"
waited=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
dups=$(q -c "SELECT count(*) FROM (SELECT 1 FROM kpi.store WHERE week_start = '$week'
                                    GROUP BY indicator, platform, level, region_code, municipality_id, org_kind, org_id
                                    HAVING count(*) > 1) d")
awk -v w="$waited" 'BEGIN { exit !(w >= 1.0) }' || fail "the second refresh of the week did not wait for the first (${waited}s)"
[[ $dups == 0 ]] || fail "$dups groups stored twice"
echo "ok: a second refresh of the same week waited ${waited}s for the first; no group stored twice"

# ---- refresh_recent and refresh_log
q -c "INSERT INTO m.activity_daily (person_id, day, platform, messages_written, messages_read)
      SELECT ms.person_id, '$last'::date + 6, 'vk', 1, 1 FROM m.membership ms WHERE ms.role = 'teacher'
      ON CONFLICT DO NOTHING" >/dev/null
recent=$(q -c "SELECT string_agg(week::text, ' ' ORDER BY week) FROM sferum_kpi.refresh_recent('kpi', 2)")
[[ $recent == "$week $last" ]] || fail "refresh_recent('kpi', 2) refreshed '$recent' (want '$week $last')"
log=$(q -c "SELECT last_activity_day || ' ' || complete FROM kpi.refresh_log WHERE week_start = '$last'")
[[ $log == "$(date -d "$last + 6 days" +%F) true" ]] || fail "refresh_log of $last: '$log'"
echo "ok: refresh_recent refreshed $recent; refresh_log says $last ran to its Sunday"

# ---- what BI reads: plain types only; DROP EXTENSION keeps the store
custom=$(q -c "SELECT string_agg(c.relname || '.' || a.attname, ', ') FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
               JOIN pg_type t ON t.oid = a.atttypid
               WHERE c.relnamespace = 'kpi'::regnamespace AND a.attnum > 0 AND t.typnamespace = 'sferum_kpi'::regnamespace")
[[ -z $custom ]] || fail "columns of extension types in the views schema: $custom"
rows=$(q -c "SELECT count(*) FROM kpi.store")
q -c "SET client_min_messages = warning" -c "DROP EXTENSION sferum_kpi CASCADE" >/dev/null
kept_rows=$(q -c "SELECT count(*) FROM kpi.store")
log_rows=$(q -c "SELECT count(*) FROM kpi.refresh_log")
[[ $kept_rows == "$rows" && $log_rows -gt 0 ]] || fail "after DROP EXTENSION the store has $kept_rows of $rows rows"
echo "ok: no extension type in the views schema; DROP EXTENSION CASCADE kept the store ($kept_rows rows) and its log"
