#!/usr/bin/env bash
# A warehouse made under the previous release, updated to the current one:
# the mart, KPI views, shard views and back-filled history are made with
# the previous release, a BI role reads the views, a DBA has a view of their own over
# them and has revoked a maintenance function from PUBLIC.  (Made with the
# previous release: the 1.3-only case of one schema holding KPI and shard
# views went with 1.3 -> 1.4, now released.)  After ALTER
# EXTENSION ... UPDATE:
#   - the update names the view sets built from older definitions (NOTICE);
#   - the old views still answer with the same figures, the history and the
#     baselines are intact, the DBA's grant changes survive;
#   - grant_reader still refuses the person-level shard views, even after their
#     comment is reworded (the marker is the catalog, not the comment);
#   - rebuild_views() re-creates them in place: the BI role and the DBA's view
#     keep working, check_views() reports them up to date;
#   - the rebuilt views give exactly the figures of views made by a fresh
#     install of the current release over the same mart.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/pgenv.sh
old=updold_$$ fresh=updfresh_$$ reader=upd_reader_$$ partial=upd_partial_$$ quoted="BI Reader $$"
tmp=$(mktemp -d)
cleanup() {
    rm -rf "$tmp"
    psql_q -c "DROP DATABASE IF EXISTS $old" -c "DROP DATABASE IF EXISTS $fresh" -c "DROP ROLE IF EXISTS $reader" \
           -c "DROP ROLE IF EXISTS $partial" -c "DROP ROLE IF EXISTS \"$quoted\""
}
trap cleanup EXIT
default=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" sferum_kpi.control)
prev=$(ls sql/updates/ | sed -n "s/^\(.*\)--$default\.sql\$/\1/p")
echo "made under $prev, updated to $default"

psql_q -c "CREATE DATABASE $old" -c "CREATE DATABASE $fresh" -c "CREATE ROLE $reader LOGIN" \
       -c "CREATE ROLE $partial LOGIN" -c "CREATE ROLE \"$quoted\" LOGIN"
load() {   # database, extension version
    psql_q -d "$1" -c "CREATE EXTENSION sferum_kpi VERSION '$2'" >/dev/null
    psql_q -d "$1" -f test/fixtures/tiny_region.sql >/dev/null     # mart tiny, views tiny_kpi (min_cell 0)
    psql_q -d "$1" -c "SELECT sferum_kpi.create_mart('gen')" >/dev/null
    psql_q -d "$1" -v mart=gen -v scale=0.005 -v seed=11 -f scripts/generate_region.sql >/dev/null
    psql_q -d "$1" -c "SELECT sferum_kpi.create_kpi_views('gen', 'gen_kpi', min_cell => 10)" \
                   -c "SELECT count(*) FROM sferum_kpi.create_shard_views('gen', 'gen_shard')" >/dev/null
}
load "$old" "$prev"
psql_q -d "$old" >/dev/null <<SQL
SELECT count(*) FROM sferum_kpi.backfill('tiny_kpi', '2024-09-02', '2024-09-15');
SELECT count(*) FROM sferum_kpi.backfill('gen_kpi', '2024-09-02', '2024-10-27');
SELECT sferum_kpi.grant_reader('$reader', 'gen_kpi');
SELECT sferum_kpi.grant_reader('$quoted', 'gen_kpi');
REVOKE SELECT ON gen_kpi.active_teachers FROM "$quoted";
GRANT USAGE ON SCHEMA gen_kpi TO $partial;
GRANT SELECT ON gen_kpi.dashboard TO $partial;
CREATE VIEW public.my_report AS SELECT week_start, share FROM gen_kpi.staff_weekly_writers WHERE level = 'region';
GRANT SELECT ON public.my_report TO $reader;
REVOKE EXECUTE ON FUNCTION sferum_kpi.create_kpi_views(name, name, integer) FROM PUBLIC;
SQL

# figures of every view set, the history and the baselines, in a stable order
figures() {
    psql_q -d "$1" -At <<'SQL'
SELECT 'tiny ' || md5(string_agg(a::text, E'\n' ORDER BY a::text)) FROM tiny_kpi.all_indicators a;
SELECT 'gen ' || md5(string_agg(a::text, E'\n' ORDER BY a::text)) FROM gen_kpi.all_indicators a
 WHERE week_start IN ('2024-09-16', '2024-10-21');
SELECT 'dashboard ' || md5(string_agg(d::text, E'\n' ORDER BY d::text)) FROM gen_kpi.dashboard d;
SELECT 'shard ' || md5(string_agg(f::text, E'\n' ORDER BY f::text)) FROM gen_shard."facts_65" f
 WHERE week_start = '2024-09-16';
SQL
}
history() {
    psql_q -d "$1" -At <<'SQL'
SELECT 'history ' || count(*) || ' ' || md5(string_agg(concat_ws(' ', region_code, indicator, platform, week, value, computed_at),
                                                      E'\n' ORDER BY region_code, indicator, platform, week))
FROM sferum_kpi.indicator_history;
SELECT 'baseline ' || region_code || ' ' || sferum_kpi.baseline('staff_weekly_writers', region_code)
FROM (SELECT DISTINCT region_code FROM sferum_kpi.indicator_history) r ORDER BY 1;
SQL
}
figures "$old" >"$tmp/before"
history "$old" >"$tmp/history_before"

psql_q -d "$old" -c "ALTER EXTENSION sferum_kpi UPDATE TO '$default'" 2>"$tmp/notices" || { cat "$tmp/notices"; exit 1; }
cat "$tmp/notices"
for s in tiny_kpi gen_kpi gen_shard; do
    grep -q "views in schema \"$s\" were built from older definitions" "$tmp/notices" ||
        { echo "the update did not name the view set $s"; exit 1; }
done

figures "$old" >"$tmp/after"
history "$old" >"$tmp/history_after"
diff "$tmp/before" "$tmp/after" || { echo "views made under $prev answer differently after the update"; exit 1; }
diff "$tmp/history_before" "$tmp/history_after" || { echo "history or baselines changed by the update"; exit 1; }
check() {   # label, database, query, expected
    local got
    got=$(psql_q -d "$2" -At -c "$3" 2>&1) || true
    [[ $got == "$4" ]] || { echo "$1: expected '$4', got '$got'"; exit 1; }
    echo "ok: $1"
}
check "the update adds the school calendar to both marts, not as a member, empty" "$old" \
    "SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e'))
       || ' ' || (SELECT count(*) FROM tiny.school_holiday) + (SELECT count(*) FROM gen.school_holiday)
     FROM pg_class c WHERE c.relname = 'school_holiday' AND c.relnamespace::regnamespace::text IN ('tiny', 'gen')" "2 0"
grep -q 'data mart "gen": table school_holiday added' "$tmp/notices" ||
    { echo "the update did not say it added school_holiday to the mart gen"; exit 1; }
check "a REVOKE on a function survives the update" "$old" \
    "SELECT has_function_privilege('$reader', 'sferum_kpi.create_kpi_views(name, name, integer)', 'EXECUTE')" f
check "the person-level shard views are in the catalog" "$old" \
    "SELECT count(*) > 0 FROM sferum_kpi.person_level_object WHERE schema_name = 'gen_shard'" t
psql_q -d "$old" -c "COMMENT ON VIEW gen_shard.facts_65 IS 'Weekly figures of region 65'"
refusal=$(psql_q -d "$old" -c "SELECT sferum_kpi.grant_reader('$reader', 'gen_shard')" 2>&1 || true)
grep -q 'holds person-level views' <<<"$refusal" ||
    { echo "grant_reader did not refuse the reworded shard views: $refusal"; exit 1; }
echo "ok: grant_reader refuses the shard views after their comment is reworded"
refusal=$(psql_q -d "$old" 2>&1 <<SQL || true
BEGIN;
ALTER SCHEMA gen_shard RENAME TO gen_shard_moved;
ALTER VIEW gen_shard_moved.facts_65 RENAME TO weekly_65;
SELECT sferum_kpi.grant_reader('$reader', 'gen_shard_moved');
ROLLBACK;
SQL
)
grep -q 'holds person-level views' <<<"$refusal" ||
    { echo "grant_reader did not refuse the renamed shard views: $refusal"; exit 1; }
echo "ok: grant_reader refuses the shard views after their schema and view are renamed"
check "the small-cell threshold 10 of the view set is kept" "$old" \
    "SELECT min_cell FROM sferum_kpi.view_set WHERE schema_name = 'gen_kpi'" 10
check "... and grants nothing there" "$old" \
    "SELECT has_table_privilege('$reader', 'gen_shard.facts_65', 'SELECT')" f

psql_q -d "$old" -At -c "SELECT schema_name || ' ' || coalesce(mart_schema, '-') || ' ' || status FROM sferum_kpi.rebuild_views() ORDER BY 1"
check "check_views: every set up to date after rebuild_views()" "$old" \
    "SELECT bool_and(up_to_date) FROM sferum_kpi.check_views()" t
# the rebuilt views read the store: refresh it, with the weeks computed under the current definitions
restored=$(psql_q -d "$old" -At -c "SET client_min_messages = warning" -c "SELECT sum(rows_changed) FROM sferum_kpi.backfill('tiny_kpi', '2024-09-02', '2024-09-15')" \
                                -c "SELECT sum(rows_changed) FROM sferum_kpi.backfill('gen_kpi', '2024-09-02', '2024-10-27')" | paste -sd+)
echo "back-fill after the rebuild changed $restored history rows"
check "the rebuilt store has the holiday columns, the indicators view shows them" "$old" \
    "SELECT count(*) FROM gen_kpi.indicators WHERE holiday IS NULL OR holiday" 0
check "the BI role still reads the rebuilt views" "$old" \
    "SET ROLE $reader; SELECT count(*) > 0 FROM gen_kpi.dashboard" t
check "the DBA's view over them still works" "$old" \
    "SET ROLE $reader; SELECT count(*) > 0 FROM public.my_report" t
check "a role that read one view does not gain the others" "$old" \
    "SELECT has_table_privilege('$partial', 'gen_kpi.all_indicators', 'SELECT')" f
check "a REVOKE on one view survives the rebuild (role with a quoted name)" "$old" \
    "SELECT has_table_privilege('$quoted', 'gen_kpi.active_teachers', 'SELECT')" f
check "... and that role still reads the rest" "$old" \
    "SELECT has_table_privilege('$quoted', 'gen_kpi.dashboard', 'SELECT')" t
check "the shard views stay closed to the BI role" "$old" \
    "SELECT has_table_privilege('$reader', 'gen_shard.facts_65', 'SELECT')" f

load "$fresh" "$default"
psql_q -d "$fresh" >/dev/null <<'SQL'
SET client_min_messages = warning;
SELECT count(*) FROM sferum_kpi.backfill('tiny_kpi', '2024-09-02', '2024-09-15');
SELECT count(*) FROM sferum_kpi.backfill('gen_kpi', '2024-09-02', '2024-10-27');
SQL
figures "$old" >"$tmp/rebuilt"
figures "$fresh" >"$tmp/fresh"
diff "$tmp/rebuilt" "$tmp/fresh" || { echo "rebuilt views differ from the views of a fresh $default install"; exit 1; }
echo "update $prev -> $default: old views, history ($(cut -d' ' -f2 <<<"$(head -1 "$tmp/history_after")") rows) and baselines intact; rebuilt views = fresh install ($(wc -l <"$tmp/fresh") view sets compared)"
