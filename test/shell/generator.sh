#!/usr/bin/env bash
# scripts/generate_region.sql: same seed -> identical mart (even with another plan),
# another seed -> different data, and the invariants of the demo region hold.
# Needs sferum_kpi.create_mart (upgrade 1.1--1.2); prints SKIP without it.
#   GENERATOR_SCALE=0.2  run the same checks on a larger region (no time limit then)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/pgenv.sh
db=generator_$$
scale=${GENERATOR_SCALE:-0.01}
trap 'psql_q -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT
SECONDS=0

psql_q -c "CREATE DATABASE $db"
psql_q -d "$db" -c 'CREATE EXTENSION sferum_kpi'
has_mart() {
    psql_q -d "$db" -At -c "SELECT to_regprocedure('sferum_kpi.create_mart(name)') IS NOT NULL"
}
if [[ $(has_mart) != t ]]; then
    psql_q -d "$db" -c 'ALTER EXTENSION sferum_kpi UPDATE' >/dev/null 2>&1 || true
fi
if [[ $(has_mart) != t ]]; then
    echo "SKIP: the installed sferum_kpi has no create_mart() (needs the 1.1--1.2 upgrade)"
    exit 0
fi

gen() { # schema seed [PGOPTIONS]
    psql_q -d "$db" -c "SELECT sferum_kpi.create_mart('$1')" >/dev/null
    PGOPTIONS=${3:-} "$(pgbin)/psql" -X -v ON_ERROR_STOP=1 -q -d "$db" -v mart="$1" -v scale=$scale -v seed="$2" \
        -f scripts/generate_region.sql >"$tmp/$1.out" 2>&1 ||
        { echo "generate_region.sql failed for $1:"; cat "$tmp/$1.out"; exit 1; }
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; psql_q -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT

gen g_a 42
# same seed, other plans: no hash joins or hash aggregates, parallel query encouraged
gen g_b 42 "-c enable_hashjoin=off -c enable_hashagg=off -c parallel_setup_cost=0 -c parallel_tuple_cost=0 -c min_parallel_table_scan_size=0"
gen g_c 7
tail -n 14 "$tmp/g_a.out"

# one md5 per table, rows in primary-key order
digest() {
    psql_q -d "$db" -At <<SQL
SELECT 'region', md5(string_agg(t::text, E'\n' ORDER BY region_code)) FROM $1.region t
UNION ALL SELECT 'municipality', md5(string_agg(t::text, E'\n' ORDER BY municipality_id)) FROM $1.municipality t
UNION ALL SELECT 'organisation', md5(string_agg(t::text, E'\n' ORDER BY org_id)) FROM $1.organisation t
UNION ALL SELECT 'person', md5(string_agg(t::text, E'\n' ORDER BY person_id)) FROM $1.person t
UNION ALL SELECT 'membership', md5(string_agg(t::text, E'\n' ORDER BY person_id, org_id, role)) FROM $1.membership t
UNION ALL SELECT 'stat_form', md5(string_agg(t::text, E'\n' ORDER BY org_id, school_year)) FROM $1.stat_form t
UNION ALL SELECT 'activity_daily', md5(string_agg(t::text, E'\n' ORDER BY person_id, day, platform)) FROM $1.activity_daily t
UNION ALL SELECT 'chat', md5(string_agg(t::text, E'\n' ORDER BY chat_id)) FROM $1.chat t
UNION ALL SELECT 'chat_daily', md5(string_agg(t::text, E'\n' ORDER BY chat_id, day)) FROM $1.chat_daily t
UNION ALL SELECT 'milestone_progress', md5(string_agg(t::text, E'\n' ORDER BY region_code, indicator, reported_on))
          FROM $1.milestone_progress t;
SQL
}
da=$(digest g_a) db_=$(digest g_b) dc=$(digest g_c)
if [[ "$da" != "$db_" ]]; then
    echo "same seed, different data:"; diff <(echo "$da") <(echo "$db_") || true; exit 1
fi
echo "same seed twice (second run with other plans): identical md5 of all $(wc -l <<<"$da") tables"
# Another seed: everything generated from hashes differs (region, municipalities and
# the milestone counts of one municipality may coincide).
for t in organisation person membership stat_form activity_daily chat chat_daily; do
    if [[ $(grep "^$t|" <<<"$da") == $(grep "^$t|" <<<"$dc") ]]; then
        echo "seed 7 gives the same $t as seed 42"; exit 1
    fi
done
echo "another seed: different organisations, people, memberships, forms, activity, chats"

# A mart that is not empty is refused, with the schema named.
if "$(pgbin)/psql" -X -q -d "$db" -v mart=g_a -v scale=$scale -v seed=42 -f scripts/generate_region.sql >"$tmp/again.out" 2>&1; then
    echo "generating into a non-empty mart succeeded"; exit 1
fi
grep -q 'mart in schema g_a is not empty' "$tmp/again.out" || { echo "unexpected refusal:"; cat "$tmp/again.out"; exit 1; }
echo "non-empty mart refused: $(grep -o 'the data mart in schema g_a is not empty' "$tmp/again.out")"

# Invariants: each query returns rows only when something is wrong.
fails=0
check() { # name sql
    local out
    out=$(psql_q -d "$db" -At -c "SET search_path = g_a, sferum_kpi, pg_catalog" -c "$2") || { echo "FAIL $1 (query error)"; fails=$((fails + 1)); return; }
    if [[ -n $out ]]; then echo "FAIL $1:"; head -n 5 <<<"$out"; fails=$((fails + 1)); else echo "ok   $1"; fi
}
s=$scale
check "organisation counts per kind scale exactly (round, at least 1; one roiv)" "
SELECT e.kind, e.n, count(o.org_id) FROM (VALUES
    ('general', greatest(1, round(643 * $s))), ('spo', greatest(1, round(55 * $s))), ('dpo', greatest(1, round(35 * $s))),
    ('do', greatest(1, round(81 * $s))), ('preschool', greatest(1, round(250 * $s))), ('roiv', 1),
    ('omsu', greatest(1, round(18 * $s))), ('subordinate', greatest(1, round(20 * $s)))) e(kind, n)
LEFT JOIN organisation o ON o.kind = e.kind GROUP BY e.kind, e.n HAVING count(o.org_id) <> e.n
UNION ALL SELECT 'municipalities', greatest(1, round(18 * $s)), count(*) FROM municipality HAVING count(*) <> greatest(1, round(18 * $s))
UNION ALL SELECT 'omsu without municipality', 0, count(*) FROM organisation WHERE kind = 'omsu' AND municipality_id IS NULL HAVING count(*) > 0"
check "school teachers (distinct people) and pupils (memberships) scale exactly" "
SELECT 'teachers', round(20456 * $s), count(DISTINCT m.person_id) FROM membership m JOIN organisation o USING (org_id)
WHERE o.kind = 'general' AND m.role = 'teacher' HAVING count(DISTINCT m.person_id) <> round(20456 * $s)
UNION ALL
SELECT 'pupils', round(222519 * $s), count(*) FROM membership m JOIN organisation o USING (org_id)
WHERE o.kind = 'general' AND m.role = 'pupil' HAVING count(*) <> round(222519 * $s)"
check "private organisations exist, and every educational kind has a state or municipal one" "
SELECT 'no private organisation' WHERE NOT EXISTS (SELECT 1 FROM organisation WHERE ownership = 'private')
UNION ALL
SELECT 'no public ' || k FROM unnest(ARRAY['general', 'spo', 'do', 'dpo', 'preschool']) k
WHERE NOT EXISTS (SELECT 1 FROM organisation WHERE kind = k AND ownership <> 'private')
UNION ALL
SELECT 'private authority ' || org_id FROM organisation WHERE ownership = 'private' AND kind IN ('roiv', 'omsu', 'subordinate')
UNION ALL
SELECT 'subordinate without a roiv/omsu parent ' || o.org_id FROM organisation o LEFT JOIN organisation p ON p.org_id = o.parent_org_id
WHERE o.kind = 'subordinate' AND (p.kind IS NULL OR p.kind NOT IN ('roiv', 'omsu'))"
check "status dates are ordered (registered <= admin login <= data filled) and absent for some" "
SELECT org_id FROM organisation WHERE admin_logged_in_on < registered_on OR data_filled_on < admin_logged_in_on
   OR (registered_on IS NULL AND admin_logged_in_on IS NOT NULL) OR (admin_logged_in_on IS NULL AND data_filled_on IS NOT NULL)"
check "every pupil has a parent in the pupil's organisation over the pupil's whole stay" "
-- family links are not in the mart; the generator's ids are: child 4e9+n, parents
-- 5e9+n (or 5e9+n+-997 for the 3 % whose parent has another child) and 6e9+n
SELECT p.person_id, p.org_id FROM membership p
WHERE p.role = 'pupil' AND NOT EXISTS (
    SELECT 1 FROM membership q
    WHERE q.org_id = p.org_id AND q.role = 'parent'
      AND q.person_id - p.person_id IN (1000000000, 1000000000 + 997, 1000000000 - 997, 2000000000)
      AND q.since <= p.since AND (q.until IS NULL OR q.until >= coalesce(p.until, 'infinity')))"
check "teachers with two schools, parents with children in two organisations, pupils of ДО who are school pupils" "
SELECT 'no teacher in two schools' WHERE NOT EXISTS (
    SELECT 1 FROM membership WHERE role = 'teacher' GROUP BY person_id HAVING count(*) > 1)
UNION ALL
SELECT 'no parent in two organisations' WHERE NOT EXISTS (
    SELECT 1 FROM membership WHERE role = 'parent' GROUP BY person_id HAVING count(*) > 1)
UNION ALL
SELECT 'no pupil in a school and a ДО' WHERE NOT EXISTS (
    SELECT 1 FROM membership m JOIN organisation o USING (org_id) WHERE m.role = 'pupil'
    GROUP BY m.person_id HAVING count(*) FILTER (WHERE o.kind = 'do') > 0 AND count(*) FILTER (WHERE o.kind = 'general') > 0)"
check "role_confirmed_on only for teachers added to the community; membership dates consistent" "
SELECT person_id, org_id, role FROM membership
WHERE (role_confirmed_on IS NOT NULL AND (role <> 'teacher' OR sferum_added_on IS NULL OR role_confirmed_on < sferum_added_on))
   OR sferum_added_on < since OR sferum_added_on > until OR role_confirmed_on > until"
check "stat_form: two school years for every organisation; authority headcount >= employees of the body that year" "
SELECT o.org_id, count(s.org_id) FROM organisation o LEFT JOIN stat_form s USING (org_id)
GROUP BY o.org_id HAVING count(s.org_id) <> 2 OR min(s.school_year) <> 2024 OR max(s.school_year) <> 2025
UNION ALL
SELECT s.org_id, s.school_year FROM stat_form s JOIN organisation o USING (org_id)
WHERE o.kind IN ('roiv', 'omsu', 'subordinate', 'dpo')
  AND s.authority_headcount < (SELECT count(DISTINCT m.person_id) FROM membership m
                               WHERE m.org_id = s.org_id AND m.role IN ('official', 'teacher', 'staff')
                                 AND m.since <= make_date(s.school_year + 1, 8, 31)
                                 AND (m.until IS NULL OR m.until >= make_date(s.school_year, 9, 1)))
UNION ALL
SELECT s.org_id, s.school_year FROM stat_form s JOIN organisation o USING (org_id)
WHERE (o.kind IN ('general', 'spo', 'do', 'preschool') AND s.pupils = 0)
   OR (o.kind NOT IN ('roiv', 'omsu', 'subordinate', 'dpo') AND s.authority_headcount <> 0)"
check "activity only on days the person is in an organisation's registry and Sferum community" "
SELECT a.person_id, a.day FROM activity_daily a
WHERE NOT EXISTS (SELECT 1 FROM membership m WHERE m.person_id = a.person_id AND m.since <= a.day
                    AND (m.until IS NULL OR m.until >= a.day) AND m.sferum_added_on <= a.day)"
check "activity: 2024-09-02..2025-12-28, vk ends before 2025-11-30, national from 2025-08-25, no empty rows, none in never-connected organisations" "
SELECT 'range', min(day), max(day) FROM activity_daily HAVING min(day) < '2024-09-02' OR max(day) > '2025-12-28'
UNION ALL SELECT 'vk late', min(day), max(day) FROM activity_daily WHERE platform = 'vk' HAVING max(day) >= '2025-11-30'
UNION ALL SELECT 'national early', min(day), max(day) FROM activity_daily WHERE platform = 'national' HAVING min(day) < '2025-08-25'
UNION ALL SELECT 'empty rows', NULL, NULL FROM activity_daily WHERE messages_written + messages_read = 0 HAVING count(*) > 0
UNION ALL SELECT 'person in a never-registered organisation', min(a.day), max(a.day) FROM activity_daily a
WHERE NOT EXISTS (SELECT 1 FROM membership m JOIN organisation o USING (org_id)
                  WHERE m.person_id = a.person_id AND o.registered_on IS NOT NULL) HAVING count(*) > 0
UNION ALL SELECT 'both platforms absent', NULL, NULL WHERE NOT EXISTS (SELECT 1 FROM activity_daily WHERE platform = 'vk')
                                                      OR NOT EXISTS (SELECT 1 FROM activity_daily WHERE platform = 'national')"
check "chats: created by a teacher or staff member of the organisation while there, messages only while open, vk chats closed by 2025-11-30, national ones created from 2025-08-25" "
SELECT 'creator', c.chat_id FROM chat c WHERE NOT EXISTS (
    SELECT 1 FROM membership m WHERE m.person_id = c.creator_person_id AND m.org_id = c.org_id AND m.role IN ('teacher', 'staff')
      AND m.since <= c.created_on AND (m.until IS NULL OR m.until >= c.created_on))
UNION ALL SELECT 'open', d.chat_id FROM chat_daily d JOIN chat c USING (chat_id)
WHERE d.day < c.created_on OR d.day >= c.closed_on OR d.day > '2025-12-28' OR d.day < '2024-09-02'
UNION ALL SELECT 'vk', chat_id FROM chat WHERE platform = 'vk' AND (closed_on IS NULL OR closed_on > '2025-11-30')
UNION ALL SELECT 'national', chat_id FROM chat WHERE platform = 'national' AND (created_on < '2025-08-25' OR closed_on IS NOT NULL)
UNION ALL SELECT 'no staff chat', NULL WHERE NOT EXISTS (
    SELECT 1 FROM chat c JOIN membership m ON m.person_id = c.creator_person_id AND m.org_id = c.org_id AND m.role = 'staff')"
check "the 2023 indicators move: organisations registered over time, some never" "
SELECT 'registered', min(registered_on), max(registered_on), count(*) FILTER (WHERE registered_on IS NULL)
FROM organisation WHERE kind NOT IN ('roiv', 'omsu', 'subordinate')
HAVING min(registered_on) > '2022-12-31' OR max(registered_on) < '2023-06-01'"

echo "generator: 3 runs and checks in ${SECONDS}s"
if [[ -z ${GENERATOR_SCALE:-} ]] && ((SECONDS >= 30)); then echo "too slow: ${SECONDS}s (limit 30)"; fails=$((fails + 1)); fi
((fails == 0)) || { echo "$fails invariant(s) failed"; exit 1; }
