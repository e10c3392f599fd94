#!/usr/bin/env bash
# A DBA's major upgrade: a populated PostgreSQL 15 database (the generator's mart
# at scale 0.01, its KPI views, the weekly store with the last weeks refreshed,
# the history, a BI role and a loader role with their grants, the DBA's own view
# over the KPI views and a region target the DBA added) is dumped and restored
# into PostgreSQL 17 and 18, and every view, every table of the mart, the
# store's schema and the extension's catalog, and every grant answer the same
# there as on 15.
#
# How the DBA does it, and how the test does it: with the NEW major's tools, as
# the PostgreSQL documentation recommends for a major upgrade ("use the pg_dump
# and pg_dumpall programs from the newer version"): in the root of 17 (Debian 13)
# and of 18 (Debian unstable), pg_dumpall --globals-only and pg_dump -Fc read
# the running 15 server, whose socket directory is bind-mounted into that root,
# and pg_restore writes into a fresh cluster of the new major with sferum_kpi
# built from this tree.  The answers of 15 are written before the dump, the
# answers of the restored database after it, and the two are compared: one line
# per relation (row count and md5 of its rows in "C" order), per ACL and per
# role membership.
#
# Where it runs: in the PostgreSQL 15 suite on the host (CI's "bash test/run" on
# Debian 12), against the suite's cluster; the roots of 17 and 18 are
# /var/cache/sferum_kpi/trixie-pg17 and sid-pg18 (scripts/root.sh, made when
# missing).  It prints SKIP and passes
#   - when PG_MAJOR is not 15 (the other suites test their own major);
#   - inside a root (SFERUM_CHROOT=1, scripts/in_root): a root cannot start the
#     roots of the other majors;
#   - when it is not root (chroot and mount need root).
# MAJOR_UPGRADE_15=root runs the 15 side in a throwaway Debian 12 root too, for a
# machine whose own PostgreSQL must not be used:
#   MAJOR_UPGRADE_15=root bash test/shell/major_upgrade.sh
# MAJOR_UPGRADE_TO="17" restores into 17 only (default "17 18").
#
# Internal entry points (run by the above, inside a root):
#   --source OUTDIR            make the populated database, write OUTDIR/answers
#   --hold OUTDIR              (15 root) build, start a cluster, --source, then keep
#                              the cluster up until OUTDIR/done appears
#   --target SOCKDIR PORT USER DB OUTDIR   (17/18 root) dump 15 with this major's
#                              tools, restore, compare with OUTDIR/answers
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bi=major_upgrade_bi loader=major_upgrade_loader

# The answers of database $1: one line per relation of the mart, the KPI
# views' schema and the DBA's schema, and per configuration table of the
# extension (row count, md5 of the rows' text in "C" order); the ACLs of those
# relations, schemas and the extension's functions; the two roles and their
# memberships; the view sets as check_views() sees them.
answers() {
    psql_q -d "$1" -At <<'SQL'
-- as docs/views.md advises for these wide plans: JIT would compile for seconds
SET jit = off;
SELECT format('SELECT %L, count(*), md5(coalesce(string_agg(t::text, E''\n'' ORDER BY t::text COLLATE "C"), '''')) FROM %I.%I t',
              n.nspname || '.' || c.relname || ' (' || c.relkind::text || ')', n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE (n.nspname IN ('demo', 'kpi', 'dba') AND c.relkind IN ('r', 'p', 'v', 'm'))
   OR (n.nspname = 'sferum_kpi' AND c.relname IN ('target', 'target_retired', 'indicator_history', 'view_set', 'label'))
ORDER BY n.nspname, c.relname \gexec
-- privileges one by one: an owner on 17+ also holds MAINTAIN (new in 17), which 15
-- does not know, so the owner's own MAINTAIN is left out
SELECT 'acl', n.nspname, c.relname, c.relkind::text,
       string_agg(a.grantee::regrole::text || ':' || a.privilege_type || ':' || a.grantor::regrole::text
                  || CASE WHEN a.is_grantable THEN ':grantable' ELSE '' END, ', '
                  ORDER BY a.grantee::regrole::text, a.privilege_type)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
WHERE n.nspname IN ('demo', 'kpi', 'dba', 'sferum_kpi') AND c.relacl IS NOT NULL
  AND NOT (a.privilege_type = 'MAINTAIN' AND a.grantee = c.relowner)
GROUP BY n.nspname, c.relname, c.relkind
ORDER BY 2, 3;
SELECT 'schema acl', nspname, nspacl::text FROM pg_namespace
WHERE nspname IN ('demo', 'kpi', 'dba', 'sferum_kpi') ORDER BY 2;
SELECT 'function acl', p.oid::regprocedure::text, p.proacl::text FROM pg_proc p
WHERE p.pronamespace = 'sferum_kpi'::regnamespace AND p.proacl IS NOT NULL ORDER BY 2;
SELECT 'role', rolname, rolcanlogin, rolinherit, rolsuper, rolcreaterole FROM pg_roles
WHERE rolname LIKE 'major\_upgrade\_%' ORDER BY 2;
SELECT 'member', r.rolname, m.rolname FROM pg_auth_members a
JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member
WHERE r.rolname LIKE 'major\_upgrade\_%' OR m.rolname LIKE 'major\_upgrade\_%' ORDER BY 2, 3;
SELECT 'role setting', r.rolname, d.datname, s.setconfig::text FROM pg_db_role_setting s
JOIN pg_roles r ON r.oid = s.setrole JOIN pg_database d ON d.oid = s.setdatabase
WHERE r.rolname LIKE 'major\_upgrade\_%' ORDER BY 2, 3;
SELECT 'stale view set', v::text FROM sferum_kpi.check_views() v ORDER BY 2;
SELECT 'extension', extname, extversion FROM pg_extension WHERE extname = 'sferum_kpi';
SQL
}

# --source OUTDIR: the populated database, in the 15 cluster of PGHOST/PGPORT.
source_side() {
    local out=$1 db=major_upgrade last t0=$SECONDS
    psql_q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
    psql_q -c "DO \$\$BEGIN
                   IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$bi') THEN CREATE ROLE $bi LOGIN; END IF;
                   IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$loader') THEN CREATE ROLE $loader LOGIN; END IF;
               END\$\$" >/dev/null
    psql_q -d "$db" -c 'CREATE EXTENSION sferum_kpi' -c "SELECT sferum_kpi.create_mart('demo')" >/dev/null
    psql_q -d "$db" -v mart=demo -v scale=0.01 -v seed=42 -f scripts/generate_region.sql >/dev/null
    last=$(psql_q -d "$db" -At -c "SELECT sferum_kpi.week_start(max(day) + 1) - 7 FROM demo.activity_daily")
    psql_q -d "$db" -v last="$last" -v bi=$bi -v loader=$loader >/dev/null <<'SQL'
SET client_min_messages = warning;
SELECT sferum_kpi.create_kpi_views('demo', 'kpi');
-- a region target the DBA added, and an edited seed (both dumped as configuration)
INSERT INTO sferum_kpi.target (indicator, stage, region_code, deadline, comparison, threshold,
                               title_ru, title_en, source_document)
VALUES ('learners_parents_weekly', 2, '65', '2025-12-30', '>=', 0.35, 'Региональная цель', 'Regional target', 'Приказ');
UPDATE sferum_kpi.target SET in_force = true WHERE indicator = 'staff_weekly_writers' AND stage = 2;
-- four weeks of the store and the history, and the baseline year's last weeks
SELECT sferum_kpi.snapshot_week('kpi', w::date)
FROM generate_series(:'last'::date - 21, :'last'::date, interval '7 days') w;
SELECT sferum_kpi.snapshot_week('kpi', w) FROM (VALUES (date '2025-04-14'), (date '2025-04-21')) v(w);
SELECT sferum_kpi.refresh_targets('kpi');
ANALYZE kpi.store;
-- the DBA's own view over the KPI views, for the BI role
CREATE SCHEMA dba;
CREATE VIEW dba.municipality_week AS
SELECT i.week_start, i.municipality_name, i.indicator, i.numerator, i.denominator, i.share_pct, i.status_ru,
       f.verdict_ru
FROM kpi.indicators i
LEFT JOIN kpi.forecast f ON f.indicator = i.indicator AND f.level = i.level
     AND f.municipality_name IS NOT DISTINCT FROM i.municipality_name
WHERE i.level = 'municipality' AND i.monitored;
COMMENT ON VIEW dba.municipality_week IS 'The DBA''s view: municipalities by week, with the latest forecast.';
SELECT sferum_kpi.grant_reader(:'bi', 'kpi');
SELECT sferum_kpi.grant_loader(:'loader', 'demo');
GRANT USAGE ON SCHEMA dba TO :"bi";
GRANT SELECT ON dba.municipality_week TO :"bi";
ALTER ROLE :"bi" IN DATABASE major_upgrade SET jit = off;
SQL
    echo "15: database made in $((SECONDS - t0)) s"
    answers "$db" >"$out/answers"
    echo "$PGUSER" >"$out/user"
    # 15's own dump too, for a new major whose pg_dump cannot read this 15 (below)
    "$(pgbin)/pg_dumpall" --globals-only --no-role-passwords >"$out/globals15.sql"
    "$(pgbin)/pg_dump" -d "$db" --create -Fc -f "$out/dump15"
    echo "15: $(grep -c ' (v)|' "$out/answers") views, $(grep -c ' (r)|\| (p)|' "$out/answers") tables," \
         "$(grep -c '^acl|' "$out/answers") relation ACLs; store $(grep '^kpi.store (p)|' "$out/answers" | cut -d'|' -f2) rows;" \
         "answers and 15's dump in $((SECONDS - t0)) s"
}

# --target SOCKDIR PORT USER DB OUTDIR: inside the root of the new major.
target_side() {
    local sock=$1 port=$2 user=$3 db=$4 out=$5 bin
    build_install >/dev/null || { echo "build failed on PostgreSQL $PG_MAJOR"; build_install; exit 1; }
    start_cluster >/dev/null
    bin=$(pgbin)
    echo "PostgreSQL $PG_MAJOR: $("$bin/pg_dump" --version); dumping 15 ($("$bin/psql" -X -At -h "$sock" -p "$port" -U "$user" -d "$db" -c 'SHOW server_version'))"
    # the roles first (pg_dumpall -g), without the superuser both clusters have
    "$bin/pg_dumpall" -h "$sock" -p "$port" -U "$user" --globals-only --no-role-passwords >"$out/globals.sql"
    grep -v "^CREATE ROLE $PGUSER;\$" "$out/globals.sql" | psql_q -d postgres >/dev/null
    # --create: the database with its own settings and its roles' settings in it
    "$bin/pg_dump" -h "$sock" -p "$port" -U "$user" -d "$db" --create -Fc -f "$out/dump"
    if ! "$bin/pg_restore" --exit-on-error --create -d postgres "$out/dump" 2>"$out/restore.err"; then
        head -n 1 "$out/restore.err"
        # 15.20 and 17.12 (November 2026) keep a column option pg_attver that only
        # their own pg_dump knows to leave out; an older minor of the new major
        # (18.6 of the Debian unstable snapshot) copies it into the dump, and its
        # server refuses it.  Then the DBA's way is 15's own pg_dump, restored
        # with the new pg_restore: the test does that and says so.
        grep -q 'unrecognized parameter "pg_attver"' "$out/restore.err" || { cat "$out/restore.err"; exit 1; }
        echo "PostgreSQL $PG_MAJOR: KNOWN: this minor's pg_dump copies 15's column option pg_attver, which its" \
             "server refuses; restoring 15's own pg_dump instead (a DBA does the same, or takes a newer minor)"
        stop_cluster
        start_cluster >/dev/null
        grep -v "^CREATE ROLE $PGUSER;\$" "$out/globals15.sql" | psql_q -d postgres >/dev/null
        "$bin/pg_restore" --exit-on-error --create -d postgres "$out/dump15"
    fi
    answers "$db" >"$out/answers.$PG_MAJOR"
    if ! diff "$out/answers" "$out/answers.$PG_MAJOR" >"$out/diff.$PG_MAJOR"; then
        echo "PostgreSQL $PG_MAJOR answers differently from 15 after the dump and restore (< 15, > $PG_MAJOR):"
        head -n 40 "$out/diff.$PG_MAJOR"
        exit 1
    fi
    echo "PostgreSQL $PG_MAJOR: $(wc -l <"$out/answers") answers identical to 15" \
         "($(grep -c ' (v)|' "$out/answers") views with their rows, tables, ACLs, roles)"
}

# --hold OUTDIR (in the 15 root): a cluster that stays up until OUTDIR/done.
hold_side() {
    local out=$1 i
    build_install >/dev/null || { build_install; exit 1; }
    start_cluster >/dev/null
    source_side "$out"
    echo "$PGHOST $PGPORT" >"$out/cluster"
    for ((i = 0; i < 1200; i++)); do [[ -e $out/done ]] && exit 0; sleep 0.5; done
    echo "15 root: no answer from the other roots in 10 minutes" >&2
    exit 1
}

case ${1:-} in
    --source) source scripts/pgenv.sh; source_side "$2"; exit ;;
    --hold) source scripts/pgenv.sh; hold_side "$2" ;;
    --target) source scripts/pgenv.sh; target_side "$2" "$3" "$4" "$5" "$6"; exit ;;
esac

if [[ ${PG_MAJOR:-15} != 15 ]]; then echo "SKIP: the major upgrade starts from 15 (PG_MAJOR=$PG_MAJOR)"; exit 0; fi
if [[ -n ${SFERUM_IN_ROOT:-} ]]; then
    echo "SKIP: inside a Debian root the roots of 17 and 18 cannot be started; the suite on the host runs it" \
         "(or MAJOR_UPGRADE_15=root bash test/shell/major_upgrade.sh)"
    exit 0
fi
if ((EUID != 0)); then echo "SKIP: the roots of 17 and 18 need root (chroot, mount)"; exit 0; fi
source scripts/root.sh
source scripts/pgenv.sh
SECONDS=0
work=$(mktemp -d /var/tmp/sferum_kpi-major-upgrade.XXXXXX)
mounts=()
holder= out15=$work/out
cleanup() {
    local m
    for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" || true; done
    mounts=()
    [[ -n $holder ]] && { touch "$out15/done" 2>/dev/null || true; wait "$holder" 2>/dev/null || true; }
    _root_cleanup
    rm -rf "$work"
    if [[ ${MAJOR_UPGRADE_15:-} != root ]]; then
        psql_q -c "DROP DATABASE IF EXISTS major_upgrade" -c "DROP ROLE IF EXISTS $bi" \
               -c "DROP ROLE IF EXISTS $loader" >/dev/null 2>&1 || true
    fi
}
mkdir "$work/out"

if [[ ${MAJOR_UPGRADE_15:-} == root ]]; then
    root_copy 15
    r15=$ROOT_DIR
    trap cleanup EXIT
    root_put_tree . "$r15"
    mkdir -p "$r15/src/major_upgrade"
    ROOT_ENV=(PG_MAJOR=15 SFERUM_IN_ROOT=1)
    root_run "$r15" bash -c 'cd /src && exec bash test/shell/major_upgrade.sh --hold /src/major_upgrade' </dev/null &
    holder=$!
    until [[ -s $r15/src/major_upgrade/cluster ]]; do
        kill -0 "$holder" 2>/dev/null || { echo "the 15 side failed"; exit 1; }
        sleep 1
    done
    out15=$r15/src/major_upgrade
    read -r sock15 port15 <"$out15/cluster"
    sock15=$r15$sock15
else
    trap cleanup EXIT
    out15=$work/out
    bash "${BASH_SOURCE[0]}" --source "$out15"
    sock15=$PGHOST port15=$PGPORT
fi
echo "15 side ready in $SECONDS s"

for major in ${MAJOR_UPGRADE_TO:-17 18}; do
    t0=$SECONDS
    root_copy "$major"
    r=$ROOT_DIR
    trap cleanup EXIT
    root_put_tree . "$r"
    mkdir -p "$r/src/major_upgrade" "$r/mnt/pg15"
    cp "$out15/answers" "$out15/dump15" "$out15/globals15.sql" "$r/src/major_upgrade/"
    mount --bind "$sock15" "$r/mnt/pg15"
    mounts+=("$r/mnt/pg15")
    ROOT_ENV=(PG_MAJOR="$major" SFERUM_IN_ROOT=1)
    rc=0
    root_run "$r" bash -c 'cd /src && exec bash test/shell/major_upgrade.sh --target "$@"' bash \
        /mnt/pg15 "$port15" "$(cat "$out15/user")" major_upgrade /src/major_upgrade </dev/null || rc=$?
    umount "$r/mnt/pg15"
    mounts=()
    ((rc == 0)) || exit "$rc"
    echo "    ($((SECONDS - t0)) s)"
done
echo "major upgrade 15 -> ${MAJOR_UPGRADE_TO:-17 18}: every answer the same, in $SECONDS s"
