#!/usr/bin/env bash
# scripts/build_sql, the generator of the release scripts:
#   1. it reads signatures as PostgreSQL does: the routines it finds in the
#      released full script of the previous version are exactly the extension's
#      member routines after CREATE EXTENSION ... VERSION 'previous' (server);
#   2. the update script replaces exactly those: every CREATE OR REPLACE names a
#      member of the previous version, every plain CREATE names none (server);
#   3. the CVE-2022-2625 case: a new overload week_start(date, integer) of an
#      old name comes out as a plain CREATE, the old week_start(date) as
#      CREATE OR REPLACE, and the update runs (server);
#   4. refusals: CREATE OR REPLACE in a source, a signature created twice, a
#      released function dropped from the sources without a DROP in
#      sql/updates/ (accepted with the DROP), a function turned procedure;
#   5. argument lists: names, modes, defaults holding commas and quotes,
#      aliases (int4, float8, timestamptz), arrays, multi-word types;
#   6. include lines of sql/updates/ (-- @include sql/once/FILE [SECTION]):
#      every include of the update is expanded to the statements of its source
#      but the COMMENT ON ones, in place; a section is the statements between
#      its @section and @end lines; refusals: a source not under sql/once/ or
#      not among the sources, an unknown section, a released routine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/pgenv.sh
db=build_sql_$$
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; psql_q -c "DROP DATABASE IF EXISTS $db"' EXIT
ok=0
check() { # check WHAT: $? of the previous command
    echo "ok   $1"
    ok=$((ok + 1))
}
die() { echo "FAILED: $*"; exit 1; }

default=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" sferum_kpi.control)
upd=$(ls sql/updates/*--"$default".sql)
prev=$(basename "$upd" .sql)
prev=${prev%%--*}
sources=$(make -s --no-print-directory -f - print-sources <<'MAKE'
include Makefile
print-sources: ; @echo $(SQL_SOURCES)
MAKE
)
read -r -a sources <<<"$sources"
build_update() { # build_update DIR: the update script of the tree copied to DIR
    (cd "$1" && perl scripts/build_sql update --from "$prev" --version "$default" --released sql/released "${sources[@]}")
}
copy_tree() { # a copy of the sources to edit
    rm -rf "$tmp/tree"
    mkdir -p "$tmp/tree"
    cp -r sql scripts "$tmp/tree/"
}

# 1. the server's member routines of the previous version = what build_sql reads
psql_q -c "CREATE DATABASE $db"
psql_q -d "$db" -c "CREATE EXTENSION sferum_kpi VERSION '$prev'"
members() {
    psql_q -d "$db" -At <<'SQL'
SET search_path = sferum_kpi, pg_catalog;
SELECT CASE p.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END || ' ' || p.oid::regprocedure::text
FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
WHERE d.classid = 'pg_proc'::regclass AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'sferum_kpi')
ORDER BY 1;
SQL
}
members | LC_ALL=C sort >"$tmp/server"
perl scripts/build_sql signatures "sql/released/sferum_kpi--$prev.sql" | LC_ALL=C sort >"$tmp/read"
diff "$tmp/server" "$tmp/read" || die "build_sql reads other signatures from sferum_kpi--$prev.sql than the server made (< server, > build_sql)"
check "build_sql reads the $(wc -l <"$tmp/server") routines of sferum_kpi--$prev.sql as the server made them"

# 2. the update script replaces members only, and creates only what is new
make -s --no-print-directory sql >/dev/null
script=sferum_kpi--$prev--$default.sql
perl scripts/build_sql signatures "$script" >"$tmp/update"
grep '^OR REPLACE ' "$tmp/update" | sed 's/^OR REPLACE //' | LC_ALL=C sort >"$tmp/replaced"
grep -v '^OR REPLACE ' "$tmp/update" | LC_ALL=C sort >"$tmp/created" || true
[[ -z $(LC_ALL=C comm -23 "$tmp/replaced" "$tmp/server") ]] ||
    die "$script replaces routines that $prev did not create: $(LC_ALL=C comm -23 "$tmp/replaced" "$tmp/server" | tr '\n' ' ')"
[[ -z $(LC_ALL=C comm -12 "$tmp/created" "$tmp/server") ]] ||
    die "$script creates without OR REPLACE routines that $prev has: $(LC_ALL=C comm -12 "$tmp/created" "$tmp/server" | tr '\n' ' ')"
check "$script: $(wc -l <"$tmp/replaced") CREATE OR REPLACE, all members of $prev; $(wc -l <"$tmp/created") plain CREATE, none of them in $prev"

# 3. a new overload of an old name keeps CREATE
copy_tree
cat >>"$tmp/tree/sql/calendar.sql" <<'SQL'

CREATE FUNCTION @extschema@.week_start(day date, weeks_back integer)
RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $fn$ SELECT @extschema@.week_start(day) - 7 * weeks_back $fn$;
SQL
build_update "$tmp/tree" >"$tmp/overload.sql"
grep -q '^CREATE FUNCTION @extschema@.week_start(day date, weeks_back integer)$' "$tmp/overload.sql" ||
    die "the new overload week_start(date, integer) is not a plain CREATE"
grep -q '^CREATE OR REPLACE FUNCTION @extschema@.week_start(date)$' "$tmp/overload.sql" ||
    die "week_start(date), released in $prev, is not CREATE OR REPLACE"
check "a new overload week_start(date, integer) is created plain, week_start(date) is replaced"
# ... and an update made with it, run by ALTER EXTENSION, makes the overload
# a new member; over a DBA's own function of that signature it fails and
# leaves the DBA's function as it was
extdir=$("$PG_CONFIG" --sharedir)/extension
fake=${default}overload$$
cp "$tmp/overload.sql" "$extdir/sferum_kpi--$prev--$fake.sql"
trap 'rm -rf "$tmp" "$extdir/sferum_kpi--$prev--$fake.sql"; psql_q -c "DROP DATABASE IF EXISTS $db"' EXIT
psql_q -d "$db" -c "DROP EXTENSION sferum_kpi" -c "CREATE EXTENSION sferum_kpi VERSION '$prev'"
psql_q -d "$db" -c "SET client_min_messages = warning" -c "ALTER EXTENSION sferum_kpi UPDATE TO '$fake'"
got=$(psql_q -d "$db" -At -c "SELECT sferum_kpi.week_start(date '2025-12-24', 1),
    EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = 'sferum_kpi.week_start(date, integer)'::regprocedure
              AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'sferum_kpi') AND d.deptype = 'e')")
[[ $got == "2025-12-15|t" ]] || die "after the update the overload answers/is a member: $got"
check "ALTER EXTENSION UPDATE with the overload: week_start(date, integer) answers and is a member"
psql_q -d "$db" -c "DROP EXTENSION sferum_kpi" -c "CREATE EXTENSION sferum_kpi VERSION '$prev'" \
    -c "CREATE FUNCTION sferum_kpi.week_start(d date, n integer) RETURNS date LANGUAGE sql AS \$\$ SELECT date '1999-01-01' \$\$"
if err=$(psql_q -d "$db" -c "SET client_min_messages = warning" -c "ALTER EXTENSION sferum_kpi UPDATE TO '$fake'" 2>&1); then
    die "the update took over the DBA's week_start(date, integer)"
fi
grep -q 'already exists' <<<"$err" || die "the update failed otherwise: $err"
got=$(psql_q -d "$db" -At -c "SELECT sferum_kpi.week_start(date '2025-12-24', 1), (SELECT extversion FROM pg_extension WHERE extname = 'sferum_kpi')")
[[ $got == "1999-01-01|$prev" ]] || die "the DBA's function or the version changed: $got"
check "over a DBA's own week_start(date, integer) the update is refused; the DBA's function and version $prev stay"

# 4. refusals
refused() { # refused WHAT PATTERN: build_update of the tree copy fails and says PATTERN
    local err
    if err=$(build_update "$tmp/tree" 2>&1 >/dev/null); then die "$1: not refused"; fi
    grep -q -- "$2" <<<"$err" || die "$1: refused with '$err', not '$2'"
    check "refused: $1"
}
copy_tree
sed -i '0,/^CREATE FUNCTION @extschema@.school_year/s//CREATE OR REPLACE FUNCTION @extschema@.school_year/' "$tmp/tree/sql/calendar.sql"
refused "CREATE OR REPLACE in a source" "install scripts use CREATE"
copy_tree
cat >>"$tmp/tree/sql/status.sql" <<'SQL'
CREATE FUNCTION @extschema@.week_start(int4) RETURNS date LANGUAGE sql AS $$ SELECT NULL::date $$;
CREATE FUNCTION @extschema@.week_start(d pg_catalog.date) RETURNS date LANGUAGE sql AS $$ SELECT d $$;
SQL
refused "week_start(date) created twice" "week_start(date) is also created in"
copy_tree
perl -0 -i -pe 's/CREATE FUNCTION \@extschema\@\.school_year\(date\).*?;\n//s' "$tmp/tree/sql/calendar.sql"
refused "a released function left out of the sources" "school_year(date)"
echo 'DROP FUNCTION @extschema@.school_year(pg_catalog.date);' >>"$tmp/tree/$upd"
build_update "$tmp/tree" >/dev/null || die "a released function dropped in $upd is refused"
check "accepted: the same with DROP FUNCTION in $upd"
copy_tree
perl -0 -i -pe 's/CREATE FUNCTION \@extschema\@\.school_year\(date\)/CREATE PROCEDURE \@extschema\@.school_year(date)/' "$tmp/tree/sql/calendar.sql"
refused "a released function turned into a procedure" "is a FUNCTION in $prev and a PROCEDURE now"

# 5. argument lists
cat >"$tmp/args.sql" <<'SQL'
\echo not a statement
-- CREATE FUNCTION in_a_comment(int);
CREATE FUNCTION @extschema@.f(a int4, OUT b text, INOUT c float8 DEFAULT 1.5, VARIADIC d text[] = ARRAY['x,y', 'it''s'])
RETURNS record LANGUAGE sql AS $fn$ SELECT 1; CREATE FUNCTION inside_a_body(int); $fn$;
CREATE AGGREGATE @extschema@.g(double precision, "Strange Type", pg_catalog.timestamptz, varchar(10), numeric(5, 2)) (sfunc = x, stype = int);
CREATE PROCEDURE @extschema@.p(IN x timestamp, OUT y int) LANGUAGE sql AS $$ SELECT 1 $$;
COMMENT ON FUNCTION @extschema@.f(integer, double precision, text[]) IS 'E''\'' and ;';
CREATE OR REPLACE FUNCTION h(bool, s text DEFAULT E'a\'b,c') RETURNS int LANGUAGE sql AS 'SELECT 1';
SQL
cat >"$tmp/args.expected" <<'OUT'
AGGREGATE g(double precision,"Strange Type",timestamp with time zone,character varying,numeric)
FUNCTION f(integer,double precision,text[])
OR REPLACE FUNCTION h(boolean,text)
PROCEDURE p(timestamp without time zone,integer)
OUT
perl scripts/build_sql signatures "$tmp/args.sql" >"$tmp/args.out"
diff "$tmp/args.expected" "$tmp/args.out" || die "argument lists read wrongly (< expected, > build_sql)"
check "argument lists: names, modes, defaults with commas and quotes, aliases, arrays, typmods"

# 6. include lines
[[ -z $(grep -n '^-- @include' "$script") ]] || die "$script still holds an include line"
includes=$(cat "$upd" "${upd%.sql}.post.sql" 2>/dev/null | grep '^-- @include' || true)
[[ -n $includes ]] || die "$upd includes nothing: the test below has nothing to check"
while read -r _ _ file name; do
    grep -qF -- "-- ($file${name:+, section $name}, " "$script" || die "$script: @include $file $name not expanded"
done <<<"$includes"
roadmap=$(perl -ne 'print if /^-- \(sql\/once\/roadmap.sql, / ... /^-- \(|^-- ====/' "$script")
grep -q 'CREATE TABLE @extschema@.roadmap_item (' <<<"$roadmap" ||
    die "$script: the included roadmap catalog lacks CREATE TABLE roadmap_item"
grep -q "^COMMENT ON TABLE @extschema@.roadmap_item IS" "$script" ||
    die "$script: the roadmap catalog's COMMENT ON are not re-run"
check "the include lines of $upd are expanded in $script, comments left to the re-run"
copy_tree
cat >"$tmp/tree/sql/once/inc.sql" <<'SQL'
CREATE TABLE @extschema@.outside (a int);
COMMENT ON TABLE @extschema@.outside IS 'not included';
-- @section two
CREATE TABLE @extschema@.inside (a int);
COMMENT ON TABLE @extschema@.inside IS 'left to the re-run';
INSERT INTO @extschema@.inside VALUES (1), (2);
-- @end two
SQL
printf '%s\n' '-- @include sql/once/inc.sql two' >>"$tmp/tree/$upd"
sources+=(sql/once/inc.sql)
build_update "$tmp/tree" >"$tmp/inc.sql" || die "an update with a section include is refused"
perl -ne 'print if /^-- \(sql\/once\/inc.sql, section two, 2 statements\)$/ ... /^-- ====/' "$tmp/inc.sql" >"$tmp/inc.part"
grep -q '^CREATE TABLE @extschema@.inside (a int);$' "$tmp/inc.part" && grep -q '^INSERT INTO @extschema@.inside VALUES (1), (2);$' "$tmp/inc.part" ||
    die "the section two is not included whole: $(cat "$tmp/inc.part")"
! grep -q 'outside\|COMMENT ON' "$tmp/inc.part" || die "the include of section two brings more than its statements: $(cat "$tmp/inc.part")"
check "-- @include FILE SECTION: the section's statements in place, without COMMENT ON"
printf '%s\n' '-- @include sql/once/inc.sql three' >>"$tmp/tree/$upd"
refused "an include of an unknown section" "no section"
unset 'sources[${#sources[@]}-1]'
copy_tree
printf '%s\n' '-- @include sql/calendar.sql' >>"$tmp/tree/$upd"
refused "an include of a source not under sql/once/" "only sources under sql/once/"
copy_tree
printf '%s\n' '-- @include sql/once/nothing.sql' >>"$tmp/tree/$upd"
refused "an include of a file that is not a source" "not among the sources"
copy_tree
printf '%s\n' '-- @include sql/once/types.sql' >>"$tmp/tree/$upd"
refused "an include of a released routine" "is a routine of the released script"

echo "$ok passed, 0 failed"
