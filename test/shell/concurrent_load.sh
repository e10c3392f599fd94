#!/usr/bin/env bash
# Concurrent load (issue 6): BI readers keep reading the KPI views and the dashboard
# while a loader adds the next week of activity day by day and a job snapshots
# that week into indicator_history over and over.
#
#   readers   pgbench, 4 clients; every transaction checks, each inside one
#             statement (one snapshot), that
#               - kpi.live_staff_weekly_writers and kpi.live_chats_10_per_week at region level
#                 for the week being loaded equal a plain-SQL count over the mart;
#               - the store (what BI reads) holds the week from one refresh only (one
#                 xmin), the dashboard shows the latest complete week of refresh_log
#                 with the store's values, and the history equals the store;
#             and raises an error (aborting the pgbench client) otherwise;
#   loader    one transaction per day: that day's activity_daily and chat_daily rows,
#             copied from a staging schema the views do not read;
#   snapshot  sferum_kpi.snapshot_week('kpi', week) in a loop, one transaction per
#             call, until the loader is done, then once more.
# Afterwards: no failed or aborted reader transaction, no error or deadlock in any job,
# indicator_history for the week = the region-level values of kpi.all_indicators
# (numerator capped as snapshot_week stores it), the dashboard shows that week, and
# the server was never restarted.
#   CONCURRENT_LOAD_SECONDS=15  length of the pgbench run (the loader is paced to it)
#   CONCURRENT_LOAD_SCALE=0.02  size of the generated region
# Runs in test/run's cluster; standalone (PGHOST unset) it starts its own.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/pgenv.sh
[[ -n ${PGHOST:-} ]] || start_cluster >/dev/null
bin=$(pgbin)
db=concurrent_$$
scale=${CONCURRENT_LOAD_SCALE:-0.02}
duration=${CONCURRENT_LOAD_SECONDS:-15}
clients=4
# The week loaded during the run, Monday to Sunday.  In November 2025 both platforms
# are in use (vk ends per organisation by 2025-11-30).  The region is generated up to
# its Sunday; its rows are then moved out, so the mart ends on the Sunday before.
week=2025-11-17
tmp=$(mktemp -d)
bg=()               # background jobs (subshells or pgbench), killed on an early exit

cleanup() {
    local p
    for p in "${bg[@]}"; do kill "$p" 2>/dev/null || true; done
    # WITH (FORCE) ends the sessions of jobs still running
    psql_q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$tmp"
    _pgenv_cleanup      # stops the cluster if this script started one
}
trap cleanup EXIT
SECONDS=0
q() { psql_q -d "$db" -At "$@"; }

# ---------------------------------------------------------------- set-up
psql_q -c "CREATE DATABASE $db"
q -c 'CREATE EXTENSION sferum_kpi' -c "SELECT sferum_kpi.create_mart('m')" >/dev/null
"$bin/psql" -X -v ON_ERROR_STOP=1 -q -d "$db" -v mart=m -v scale="$scale" -v seed=7 \
    -v until="$(date -d "$week + 6 days" +%F)" -f scripts/generate_region.sql >"$tmp/generate.log" 2>&1 ||
    { echo "generate_region.sql failed:"; cat "$tmp/generate.log"; exit 1; }

q -v W="$week" >/dev/null <<'SQL'
-- the last week goes to staging: same columns, no keys; the views only read schema m
CREATE SCHEMA staging;
CREATE TABLE staging.activity_daily (LIKE m.activity_daily);
CREATE TABLE staging.chat_daily (LIKE m.chat_daily);
WITH moved AS (DELETE FROM m.activity_daily WHERE day >= :'W' RETURNING *)
INSERT INTO staging.activity_daily SELECT * FROM moved;
WITH moved AS (DELETE FROM m.chat_daily WHERE day >= :'W' RETURNING *)
INSERT INTO staging.chat_daily SELECT * FROM moved;
VACUUM ANALYZE m.activity_daily;
VACUUM ANALYZE m.chat_daily;
SELECT sferum_kpi.create_kpi_views('m', 'kpi');
-- what the dashboard reads: the 8-week trend up to the last complete week (week - 7),
-- which holds that week's value and its "previous"; baselines are not needed in November
SET client_min_messages = warning;   -- a NOTICE per week
SELECT count(*) FROM sferum_kpi.backfill('kpi', :'W'::date - 56, :'W'::date - 7);
RESET client_min_messages;

CREATE SCHEMA ck;
CREATE FUNCTION ck.fail(msg text) RETURNS boolean LANGUAGE plpgsql AS
$$BEGIN RAISE EXCEPTION 'concurrent_load consistency: %', msg; END$$;
-- reader transactions per number of days of the week loaded (0..7) when they ran
SELECT format('CREATE SEQUENCE ck.seen_%s', d) FROM generate_series(0, 7) d \gexec
-- the dashboard before the run: the week before the loaded one
CREATE TABLE ck.dash_before AS
SELECT indicator, kind, platform, week_start, numerator, denominator, share FROM kpi.dashboard;
SQL

read -r staged_act staged_chat staged_days dash_rows dash_ok <<<"$(q -F ' ' -v W="$week" <<'SQL'
SELECT (SELECT count(*) FROM staging.activity_daily), (SELECT count(*) FROM staging.chat_daily),
       (SELECT count(DISTINCT day) FROM staging.activity_daily WHERE day BETWEEN :'W' AND :'W'::date + 6),
       (SELECT count(*) FROM ck.dash_before),
       (SELECT bool_and(week_start = :'W'::date - 7 AND (kind = 'milestone' OR numerator IS NOT NULL))
        FROM ck.dash_before)
SQL
)"
# every day of the week has activity: the loader moves the data one day at a time,
# and the dashboard moves on to the week when its Sunday arrives
if [[ $staged_days != 7 || $staged_chat == 0 || $dash_rows == 0 || $dash_ok != t ]]; then
    echo "set-up: $staged_act activity rows on $staged_days days, $staged_chat chat rows staged;" \
         "dashboard $dash_rows rows, all of the previous week with values: $dash_ok"
    exit 1
fi
start_time=$(q -c 'SELECT pg_postmaster_start_time()')
deadlocks0=$(q -c 'SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()')
setup_s=$SECONDS

# ---------------------------------------------------------------- the jobs
# Reader: two statements, each its own snapshot (pgbench's default read committed).
cat >"$tmp/reader.sql" <<SQL
-- 1. region-level KPI values of the loaded week = plain SQL over the mart
WITH d AS (
    SELECT max(a.day) AS last_day,
           (SELECT count(DISTINCT a2.day) FROM m.activity_daily a2 WHERE a2.day >= DATE '$week') AS days
    FROM m.activity_daily a
), v AS (
    SELECT indicator, platform, numerator, denominator FROM kpi.live_staff_weekly_writers
    WHERE week_start = DATE '$week' AND level = 'region'
    UNION ALL
    SELECT indicator, platform, numerator, denominator FROM kpi.live_chats_10_per_week
    WHERE week_start = DATE '$week' AND level = 'region'
), employees AS (       -- teachers and staff of public general, spo and do organisations
    SELECT DISTINCT ms.person_id FROM m.membership ms JOIN m.organisation o ON o.org_id = ms.org_id
    WHERE ms.role IN ('teacher', 'staff') AND o.kind IN ('general', 'spo', 'do')
      AND o.ownership IN ('state', 'municipal')
      AND ms.since < DATE '$week' + 7 AND (ms.until IS NULL OR ms.until >= DATE '$week')
), writers AS (
    SELECT a.person_id, a.platform FROM m.activity_daily a
    WHERE a.day >= DATE '$week' AND a.day < DATE '$week' + 7
    GROUP BY a.person_id, a.platform HAVING sum(a.messages_written) > 0
), chats AS (           -- teachers' chats of public organisations open during the week
    SELECT c.platform,
           coalesce((SELECT sum(cd.messages) FROM m.chat_daily cd WHERE cd.chat_id = c.chat_id
                       AND cd.day >= DATE '$week' AND cd.day < DATE '$week' + 7), 0) AS messages
    FROM m.chat c JOIN m.organisation o ON o.org_id = c.org_id
    WHERE c.created_on < DATE '$week' + 7 AND (c.closed_on IS NULL OR c.closed_on > DATE '$week')
      AND o.kind IN ('general', 'preschool', 'spo', 'do', 'dpo') AND o.ownership IN ('state', 'municipal')
      AND c.creator_person_id IN (SELECT mt.person_id FROM m.membership mt
                                  WHERE mt.org_id = c.org_id AND mt.role = 'teacher')
), o AS (               -- the views list a week once the mart has a day of it
    SELECT 'staff_weekly_writers' AS indicator, p.platform,
           (SELECT count(*) FROM employees e JOIN writers w ON w.person_id = e.person_id
             WHERE w.platform = p.platform) AS numerator,
           (SELECT count(*) FROM employees) AS denominator
    FROM (VALUES ('vk'), ('national')) p(platform), d WHERE d.last_day >= DATE '$week'
    UNION ALL
    SELECT 'chats_10_per_week', ch.platform, count(*) FILTER (WHERE ch.messages >= 10), count(*)
    FROM chats ch, d WHERE d.last_day >= DATE '$week' GROUP BY ch.platform
), bad AS (
    (SELECT 'view', * FROM v EXCEPT ALL SELECT 'view', * FROM o)
    UNION ALL
    (SELECT 'sql', * FROM o EXCEPT ALL SELECT 'sql', * FROM v)
)
SELECT nextval(format('ck.seen_%s', d.days)::regclass),
       CASE WHEN EXISTS (SELECT 1 FROM bad) OR (d.last_day >= DATE '$week') <> EXISTS (SELECT 1 FROM v)
            THEN ck.fail(format('%s days of week $week loaded; view rows %s; differing rows %s', d.days,
                                (SELECT count(*) FROM v), (SELECT string_agg(b::text, ' ') FROM bad b))) END
FROM d;
-- 2. the store (what BI reads) during its refreshes: the week being refreshed comes
--    from one refresh only (every row of it written by one transaction: one xmin),
--    the dashboard shows the latest complete week of refresh_log with exactly the
--    store's values, and the history of that week equals the store's region level
WITH shown AS (
    SELECT max(l.week_start) AS week FROM kpi.refresh_log l WHERE l.complete
), db AS (SELECT * FROM kpi.dashboard), st AS (
    SELECT s.indicator, s.platform, s.numerator, s.denominator FROM kpi.store s, shown
    WHERE s.week_start = shown.week AND s.level = 'region'
), bad AS (
    SELECT 'rows ' || (SELECT count(*) FROM db) AS what WHERE (SELECT count(*) FROM db) <> (SELECT count(*) FROM ck.dash_before)
    UNION ALL
    SELECT 'refreshes mixed in week $week: ' || count(DISTINCT s.xmin::text) FROM kpi.store s
    WHERE s.week_start = DATE '$week' HAVING count(DISTINCT s.xmin::text) > 1
    UNION ALL
    SELECT 'week ' || db.indicator || ' ' || db.week_start FROM db, shown WHERE db.week_start <> shown.week
    UNION ALL
    SELECT 'value ' || db.indicator FROM db LEFT JOIN st ON st.indicator = db.indicator AND st.platform = db.platform
    WHERE db.kind = 'computed' AND (db.numerator, db.denominator) IS DISTINCT FROM (st.numerator, st.denominator)
    UNION ALL
    SELECT 'previous ' || e.indicator FROM ck.dash_before e, shown
    JOIN db ON true
    WHERE shown.week = DATE '$week' AND db.indicator = e.indicator AND db.platform = e.platform
      AND e.kind = 'computed' AND db.previous_share IS DISTINCT FROM e.share
    UNION ALL
    SELECT 'history ' || db.indicator FROM db
    LEFT JOIN sferum_kpi.indicator_history h ON h.indicator = db.indicator AND h.platform = db.platform
         AND h.week = db.week_start AND h.region_code = db.region_code
    WHERE db.kind = 'computed'
      AND (least(db.numerator, db.denominator), db.denominator)
          IS DISTINCT FROM (sferum_kpi.numerator(h.value), sferum_kpi.denominator(h.value))
)
SELECT CASE WHEN EXISTS (SELECT 1 FROM bad)
            THEN ck.fail('store and dashboard: ' || (SELECT string_agg(b.what, ', ') FROM bad b)) END;
SQL

# Loader: the week day by day, paced so that it ends about 4 s before the readers.
gap=$(awk -v t="$duration" 'BEGIN { g = (t - 4) / 7; printf "%.2f", g < 0.3 ? 0.3 : g }')
{
    echo '\set ON_ERROR_STOP on'
    echo 'SELECT pg_sleep(1);'
    for i in 0 1 2 3 4 5 6; do
        day=$(date -d "$week + $i days" +%F)
        echo "BEGIN;"
        echo "INSERT INTO m.activity_daily SELECT * FROM staging.activity_daily WHERE day = '$day';"
        echo "INSERT INTO m.chat_daily SELECT * FROM staging.chat_daily WHERE day = '$day';"
        echo "COMMIT;"
        ((i == 6)) || echo "SELECT pg_sleep($gap);"
    done
} >"$tmp/loader.sql"

"$bin/pgbench" -n -c "$clients" -j 2 -T "$duration" -f "$tmp/reader.sql" "$db" >"$tmp/pgbench.log" 2>&1 &
pgbench_pid=$!
bg+=("$pgbench_pid")

(
    rc=0
    "$bin/psql" -X -q -d "$db" -f "$tmp/loader.sql" >"$tmp/loader.log" 2>&1 || rc=$?
    echo "$rc" >"$tmp/loader.rc"
) &
loader_pid=$!
bg+=("$loader_pid")

snapshot() {
    "$bin/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$db" \
        -c "SELECT sferum_kpi.snapshot_week('kpi', '$week')" >>"$tmp/snapshot.log" 2>&1
}
(
    while [[ ! -e $tmp/loader.rc ]]; do
        snapshot || exit 1
        sleep 0.1
    done
    snapshot    # after the last day is committed
) &
snapshot_pid=$!
bg+=("$snapshot_pid")

# Lock waits, for the summary: sessions of this database waiting on a heavyweight lock.
(
    while [[ ! -e $tmp/run.done ]]; do
        "$bin/psql" -X -q -At -d "$db" -c "SELECT count(*), string_agg(DISTINCT wait_event || ': ' || left(regexp_replace(query, '\s+', ' ', 'g'), 60), '; ')
            FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'" \
            >>"$tmp/locks.log" 2>&1 || true
        sleep 0.2
    done
) &
monitor_pid=$!
bg+=("$monitor_pid")

pgbench_rc=0 loader_rc=0 snapshot_rc=0
wait "$pgbench_pid" || pgbench_rc=$?
wait "$loader_pid" || true
loader_rc=$(cat "$tmp/loader.rc" 2>/dev/null || echo missing)
wait "$snapshot_pid" || snapshot_rc=$?
touch "$tmp/run.done"
wait "$monitor_pid" || true
bg=()
run_s=$((SECONDS - setup_s))

# ---------------------------------------------------------------- assertions
fails=0
failed() { echo "FAIL: $*"; fails=$((fails + 1)); }

txns=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$tmp/pgbench.log")
failed_txns=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$tmp/pgbench.log")
tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$tmp/pgbench.log")
# PG15's pgbench counts only serialization and deadlock errors as failed transactions;
# any other error (a failed check) aborts the client and makes pgbench exit with 2.
if [[ $pgbench_rc != 0 || ${failed_txns:-x} != 0 || ${txns:-0} -lt $((clients * 2)) ]] ||
    grep -qiE 'aborted|error' "$tmp/pgbench.log"; then
    failed "pgbench: exit $pgbench_rc, ${txns:-?} transactions, ${failed_txns:-?} failed"
    cat "$tmp/pgbench.log"
fi
if [[ $loader_rc != 0 ]] || grep -qE 'ERROR|FATAL|deadlock detected' "$tmp/loader.log"; then
    failed "loader: exit $loader_rc"; cat "$tmp/loader.log"
fi
if [[ $snapshot_rc != 0 ]] || grep -qE 'ERROR|FATAL|deadlock detected' "$tmp/snapshot.log"; then
    failed "snapshot job: exit $snapshot_rc"; tail -n 20 "$tmp/snapshot.log"
fi
snapshots=$(grep -cxE '[0-9]+' "$tmp/snapshot.log" || true)
snap_changed=$(awk '/^[0-9]+$/ { s += $1 } END { print s + 0 }' "$tmp/snapshot.log")
((snapshots >= 2)) || failed "only $snapshots snapshots taken"

# readers while the week was partly loaded (1 to 6 days): the run really was concurrent
seen=$(q -c "SELECT string_agg(coalesce(s.last_value, 0)::text, '/' ORDER BY d)
             FROM generate_series(0, 7) d, LATERAL (SELECT * FROM pg_sequences
                  WHERE schemaname = 'ck' AND sequencename = 'seen_' || d) s")
IFS=/ read -r -a seen_n <<<"$seen"
partial=$((seen_n[1] + seen_n[2] + seen_n[3] + seen_n[4] + seen_n[5] + seen_n[6]))
((partial > 0)) || failed "no reader transaction ran while the week was partly loaded (per days loaded 0..7: $seen)"

# the readers' checks once more, on the final state
"$bin/psql" -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$tmp/reader.sql" >/dev/null 2>"$tmp/final_read.log" ||
    { failed "the readers' checks on the final state"; cat "$tmp/final_read.log"; }

read -r loaded_act loaded_chat hist_rows view_rows differing dash_bad restarted store_vs_live deadlocks <<<"$(
    q -F ' ' -v W="$week" -v t0="$start_time" -v dl0="$deadlocks0" <<'SQL'
WITH v AS (         -- as snapshot_week stores it: numerator capped at the denominator
    SELECT region_code, indicator, platform, week_start AS week,
           least(numerator, denominator) AS numerator, denominator
    FROM kpi.all_indicators WHERE week_start = :'W' AND level = 'region'
), h AS (
    SELECT region_code, indicator, platform, week,
           sferum_kpi.numerator(value) AS numerator, sferum_kpi.denominator(value) AS denominator
    FROM sferum_kpi.indicator_history WHERE week = :'W'
)
SELECT (SELECT count(*) FROM m.activity_daily WHERE day >= :'W'),
       (SELECT count(*) FROM m.chat_daily WHERE day >= :'W'),
       (SELECT count(*) FROM h), (SELECT count(*) FROM v),
       (SELECT count(*) FROM ((SELECT * FROM v EXCEPT SELECT * FROM h) UNION ALL
                              (SELECT * FROM h EXCEPT SELECT * FROM v)) x),
       -- the dashboard now shows the loaded week with exactly those values
       (SELECT count(*) FROM kpi.dashboard db LEFT JOIN v ON v.indicator = db.indicator AND v.platform = db.platform
        WHERE db.week_start <> :'W'
           OR (db.kind = 'computed' AND (db.numerator, db.denominator) IS DISTINCT FROM (v.numerator, v.denominator))),
       pg_postmaster_start_time() <> :'t0'::timestamptz,
       -- after the last refresh the store holds the week as the live views compute it
       (SELECT count(*) FROM ((SELECT indicator, platform, level, municipality_id, org_kind, org_id, numerator, denominator
                                 FROM kpi.all_indicators WHERE week_start = :'W'
                               EXCEPT SELECT indicator, platform, level, municipality_id, org_kind, org_id, numerator, denominator
                                 FROM kpi.live_all_indicators WHERE week_start = :'W')
                              UNION ALL
                              (SELECT indicator, platform, level, municipality_id, org_kind, org_id, numerator, denominator
                                 FROM kpi.live_all_indicators WHERE week_start = :'W'
                               EXCEPT SELECT indicator, platform, level, municipality_id, org_kind, org_id, numerator, denominator
                                 FROM kpi.all_indicators WHERE week_start = :'W')) x),
       (SELECT deadlocks - :dl0 FROM pg_stat_database WHERE datname = current_database())
SQL
)"
[[ $loaded_act == "$staged_act" && $loaded_chat == "$staged_chat" ]] ||
    failed "loaded $loaded_act of $staged_act activity rows, $loaded_chat of $staged_chat chat rows"
if [[ $differing != 0 || $hist_rows != "$view_rows" || $hist_rows -lt 11 ]]; then
    failed "indicator_history for $week: $hist_rows rows, all_indicators $view_rows region rows, $differing differ"
    q -c "SELECT 'history', indicator, platform, value::text FROM sferum_kpi.indicator_history
          WHERE week = '$week' ORDER BY 2, 3" \
      -c "SELECT 'view', indicator, platform, least(numerator, denominator) || '/' || denominator
          FROM kpi.all_indicators WHERE week_start = '$week' AND level = 'region' ORDER BY 2, 3" || true
fi
[[ $dash_bad == 0 ]] || failed "$dash_bad dashboard rows are not the loaded week's final values"
[[ $restarted == f ]] || failed "the server restarted (pg_postmaster_start_time changed)"
[[ $store_vs_live == 0 ]] || failed "$store_vs_live store rows of the week differ from the live views after the last refresh"
[[ $deadlocks == 0 ]] || failed "$deadlocks deadlocks in pg_stat_database"

lock_samples=$(grep -c . "$tmp/locks.log" || true)
lock_waits=$(awk -F'|' '$1 > 0' "$tmp/locks.log" | wc -l)
if ((lock_waits > 0)); then
    echo "note: sessions waited on locks in $lock_waits of $lock_samples samples:"
    awk -F'|' '$1 > 0 { print "  " $2 }' "$tmp/locks.log" | sort | uniq -c | sort -rn | head -n 5
fi

echo "concurrent load: ${txns:-?} reader transactions (${tps%.*} tps, $clients clients, ${duration}s;" \
     "by days loaded 0..7: $seen), ${failed_txns:-?} failed;" \
     "$((loaded_act + loaded_chat)) rows loaded in 7 daily transactions ($loaded_act activity, $loaded_chat chat);" \
     "$snapshots snapshots ($snap_changed rows changed); $hist_rows history rows for the week ($differing differ from all_indicators);" \
     "lock waits in $lock_waits/$lock_samples samples; ${SECONDS}s (set-up ${setup_s}s, run ${run_s}s)"
((fails == 0)) || { echo "$fails check(s) failed"; exit 1; }
