#!/usr/bin/env bash
# Install the first released version, update through every upgrade script to the
# default version, and compare the result with a fresh install of that version:
# same member objects, same function properties, same comments.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/pgenv.sh
up=upgrade_$$ fresh=fresh_$$
trap 'psql_q -c "DROP DATABASE IF EXISTS $up" -c "DROP DATABASE IF EXISTS $fresh"' EXIT

# the first version is the one with a full install script (sferum_kpi--X.sql)
first=$(ls sql/released/ | sed -n 's/^sferum_kpi--\([^-]*\)\.sql$/\1/p' | sort -V | head -n 1)
default=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" sferum_kpi.control)
echo "first version $first, default version $default"

psql_q -c "CREATE DATABASE $up" -c "CREATE DATABASE $fresh"
psql_q -d "$up" -c "CREATE EXTENSION sferum_kpi VERSION '$first'"
path=$(psql_q -d "$up" -At -c "SELECT path FROM pg_extension_update_paths('sferum_kpi')
                                WHERE source = '$first' AND target = '$default'")
[[ -n "$path" || "$first" == "$default" ]] || { echo "no update path from $first to $default"; exit 1; }
IFS=- read -r -a steps <<<"${path//--/-}"
for v in "${steps[@]:1}"; do
    echo "ALTER EXTENSION sferum_kpi UPDATE TO '$v'"
    psql_q -d "$up" -c "ALTER EXTENSION sferum_kpi UPDATE TO '$v'"
done
psql_q -d "$fresh" -c "CREATE EXTENSION sferum_kpi"

describe() {
    psql_q -d "$1" -At <<'SQL'
SELECT extversion FROM pg_extension WHERE extname = 'sferum_kpi';
SELECT pg_describe_object(d.classid, d.objid, 0) || ' | ' ||
       coalesce(obj_description(d.objid, (SELECT relname FROM pg_class WHERE oid = d.classid)::text), '<no comment>')
FROM pg_depend d
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'sferum_kpi')
ORDER BY 1;
SELECT p.oid::regprocedure || ' ' || p.provolatile::text || p.proparallel::text || p.prosecdef::text || p.proisstrict::text
       || ' ' || p.prosrc || ' ' || coalesce(p.probin, '') || ' ' || pg_get_function_result(p.oid)
FROM pg_proc p WHERE p.pronamespace = 'sferum_kpi'::regnamespace ORDER BY 1;
SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull
       || ' ' || coalesce(col_description(c.oid, a.attnum), '<no comment>')
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = 'sferum_kpi'::regnamespace ORDER BY 1;
SELECT conrelid::regclass || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
WHERE connamespace = 'sferum_kpi'::regnamespace ORDER BY 1;
SQL
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; psql_q -c "DROP DATABASE IF EXISTS $up" -c "DROP DATABASE IF EXISTS $fresh"' EXIT
describe "$up" >"$tmp/updated"      # set -e: a failing query fails the test
describe "$fresh" >"$tmp/fresh"
if ! diff "$tmp/updated" "$tmp/fresh"; then
    echo "updated extension differs from a fresh install (< updated, > fresh)"
    exit 1
fi
echo "update chain ${path:-$first} gives the same objects as a fresh install ($(wc -l <"$tmp/fresh") lines compared)"
