#!/usr/bin/env bash
# META.json (PGXN meta spec 1.0.0) and debian/changelog against sferum_kpi.control:
# META.json is valid JSON (the suite's server parses it as jsonb), has the
# spec's required keys with the right types, and its versions are
# default_version as a semantic version (PGXN wants three parts: '1.3' is
# 1.3.0); the files it names exist; debian/changelog's version is
# default_version itself (a native package).
# README.md and docs/*.md: every relative link names a file of the clone, and
# the README's ten-minute tour and scripts/tour.sql run (a region generated at
# scale 0.01, its views and two weeks stored).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/pgenv.sh

default=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" sferum_kpi.control)
[[ -n $default ]] || { echo "FAIL: no default_version in sferum_kpi.control"; exit 1; }
semver=$default
[[ $semver =~ ^[0-9]+\.[0-9]+$ ]] && semver=$semver.0
failures=0
bad() { echo "FAIL: $*"; failures=$((failures + 1)); }

# One row per problem; none when META.json is right.  A JSON syntax error
# fails the cast (and the test).
problems=$(psql_q -At -v meta="$(cat META.json)" -v semver="$semver" <<'SQL'
WITH m AS (SELECT :'meta'::jsonb AS j),
req(key, type) AS (VALUES ('name', 'string'), ('abstract', 'string'), ('description', 'string'),
                          ('version', 'string'), ('license', NULL), ('maintainer', NULL),
                          ('provides', 'object'), ('meta-spec', 'object'), ('generated_by', 'string'),
                          ('prereqs', 'object'), ('tags', 'array'))
SELECT 'missing or mistyped key ' || req.key FROM m, req
 WHERE NOT m.j ? req.key OR (req.type IS NOT NULL AND jsonb_typeof(m.j -> req.key) <> req.type)
UNION ALL
SELECT 'maintainer and license must be strings or arrays' FROM m
 WHERE jsonb_typeof(m.j -> 'maintainer') NOT IN ('string', 'array')
    OR jsonb_typeof(m.j -> 'license') NOT IN ('string', 'array', 'object')
UNION ALL
SELECT 'name is ' || coalesce(m.j ->> 'name', 'NULL') || ', not sferum_kpi' FROM m
 WHERE m.j ->> 'name' IS DISTINCT FROM 'sferum_kpi'
UNION ALL
SELECT 'meta-spec is not version 1.0.0 with its url' FROM m
 WHERE m.j #>> '{meta-spec,version}' IS DISTINCT FROM '1.0.0' OR NOT m.j -> 'meta-spec' ? 'url'
UNION ALL
SELECT 'provides.sferum_kpi lacks ' || k FROM m, unnest(ARRAY['file', 'docfile', 'version', 'abstract']) k
 WHERE NOT coalesce(m.j #> '{provides,sferum_kpi}' ? k, false)
UNION ALL
SELECT 'version ' || coalesce(m.j ->> 'version', 'NULL') || ' is not ' || :'semver' FROM m
 WHERE m.j ->> 'version' IS DISTINCT FROM :'semver'
UNION ALL
SELECT 'provides.sferum_kpi.version ' || coalesce(m.j #>> '{provides,sferum_kpi,version}', 'NULL') || ' is not ' || :'semver' FROM m
 WHERE m.j #>> '{provides,sferum_kpi,version}' IS DISTINCT FROM :'semver'
UNION ALL
SELECT 'prereqs.runtime.requires.PostgreSQL ' || coalesce(m.j #>> '{prereqs,runtime,requires,PostgreSQL}', 'NULL') || ' is not 15.0.0' FROM m
 WHERE m.j #>> '{prereqs,runtime,requires,PostgreSQL}' IS DISTINCT FROM '15.0.0';
SQL
)
if [[ -n $problems ]]; then
    while IFS= read -r p; do bad "META.json: $p"; done <<<"$problems"
fi
for key in file docfile; do
    f=$(psql_q -At -v meta="$(cat META.json)" -v key="$key" <<<"SELECT :'meta'::jsonb #>> ARRAY['provides', 'sferum_kpi', :'key']")
    [[ -n $f && -f $f ]] || bad "META.json: provides.sferum_kpi.$key '$f' is not a file of the repository"
done

changelog=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' debian/changelog)
[[ $changelog == "$default" ]] || bad "debian/changelog's version '$changelog' is not default_version '$default'"

# Every relative link of README.md and docs/*.md names a file of the clone
# (the part before any #anchor); links to the web are not followed.
links=0
for doc in README.md docs/*.md; do
    while IFS= read -r target; do
        target=${target%%#*}
        [[ -z $target || $target =~ ^[a-z]+: ]] && continue
        links=$((links + 1))
        [[ -e $(dirname "$doc")/$target ]] || bad "$doc links to $target, which is not in the repository"
    done <<<"$(grep -o '\](\([^)]*\))' "$doc" | sed 's/^](\(.*\))$/\1/')"
done
((links > 10)) || bad "only $links relative links found in README.md and docs/*.md: the link check reads nothing"

# The README's ten-minute tour: every sql block of that section runs without an
# error against a generated region (the demo's mart at a small scale, its KPI
# views and the last two weeks stored), and scripts/tour.sql runs in a
# database with the extension.
db=meta_tour_$$
trap 'psql_q -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT
psql_q -c "CREATE DATABASE $db" >/dev/null
tour=$(awk '/^## A ten-minute tour/ {on = 1; next} on && /^## / {on = 0}
            on && /^```sql$/ {inblock = 1; next} inblock && /^```$/ {inblock = 0; print ""; next}
            inblock {print}' README.md)
[[ $(grep -c 'SELECT' <<<"$tour") -ge 8 ]] || bad "the README's tour has fewer than 8 SELECTs in its sql blocks"
if ! out=$( { psql_q -d "$db" -c 'CREATE EXTENSION sferum_kpi' -c "SELECT sferum_kpi.create_mart('demo')" &&
              psql_q -d "$db" -v mart=demo -v scale=0.01 -v seed=42 -f scripts/generate_region.sql &&
              psql_q -d "$db" -c "SELECT sferum_kpi.create_kpi_views('demo', 'kpi')" &&
              psql_q -d "$db" -At -c "SELECT sferum_kpi.snapshot_week('kpi', w)
                  FROM (SELECT sferum_kpi.week_start(max(day) + 1) - 7 AS last FROM demo.activity_daily) l,
                       LATERAL (VALUES (l.last - 7), (l.last)) v(w)"; } 2>&1); then
    bad "the tour's region could not be made: $out"
elif ! out=$(psql_q -d "$db" -At <<<"$tour" 2>&1); then
    bad "a query of the README's tour fails: $(grep -A2 ERROR <<<"$out")"
elif [[ $(psql_q -d "$db" -At -c "SELECT count(*) FROM kpi.dashboard WHERE numerator IS NOT NULL") -lt 5 ]]; then
    bad "the tour's dashboard has fewer than 5 rows with a figure"
fi
out=$("$(pgbin)/psql" -X -v ON_ERROR_STOP=1 -d "$db" -f scripts/tour.sql 2>&1) || bad "scripts/tour.sql fails: $out"

((failures == 0)) || exit 1
echo "README.md and docs/*.md: $links relative links resolve; the README's tour and scripts/tour.sql run"
echo "META.json: valid, required keys present, version $semver = default_version $default; debian/changelog $changelog"
