#!/usr/bin/env bash
# The roadmap (issue 25) on a generated region (the demo's: region 65, which loads
# the shipped 2025 roadmap as its own with scripts/demo_roadmap.sql), back-filled
# from September 2024 (the stage-1 baselines) to December 2025:
#   - the roadmap view is filled: 17 items in every stored week, every status and
#     label known, and the report section lists them;
#   - item 17 (vk_closure) against a plain-SQL oracle from the mart, every stored
#     week: the vk chats open on Sunday and the people active on vk after the
#     deadline, per region and per organisation (vk_closure), and the status; the
#     generated region closes vk by 30.11.2025, so three vk chats are closed late and
#     a few people write or read on vk in December first: overdue weeks, then done;
#     with every chat closed in time and no vk in December: done;
#   - item 6 (stages) against a plain-SQL oracle that judges each indicator's first
#     stage from September 2025 on its result week from the store's numerator and
#     denominator, the mart's holidays and the baseline read from indicator_history
#     by hand (not the store's target_met, not stage_results);
#   - the plan of roadmap for one week reads neither activity_daily nor chat.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/pgenv.sh
db=roadmap_$$
scale=${ROADMAP_SCALE:-0.03}
trap 'psql_q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
q() { psql_q -d "$db" -At "$@"; }
fail() { echo "roadmap: $*"; exit 1; }

new_region_db "$db" m "$scale" 25
psql_q -d "$db" -v mart=m -f scripts/demo_roadmap.sql
region=$(q -c "SELECT min(region_code) FROM m.region")
[[ $(q -c "SELECT count(*) FROM sferum_kpi.roadmap_item WHERE region_code = '$region'") == 17 ]] || fail "the demo region has no roadmap"

# vk not closed in time: three vk chats closed only on 10.12.2025, five members write
# on vk on 09.12.2025 and one reads on 16.12.2025: the weeks of 01.12, 08.12 and 15.12
# overdue, 22.12 done
q >/dev/null <<'SQL'
UPDATE m.chat SET closed_on = '2025-12-10'
WHERE chat_id IN (SELECT chat_id FROM m.chat WHERE platform = 'vk' ORDER BY chat_id LIMIT 3);
INSERT INTO m.activity_daily (person_id, day, platform, messages_written, messages_read)
SELECT person_id, '2025-12-09', 'vk', 3, 1
FROM (SELECT DISTINCT person_id FROM m.membership WHERE role = 'teacher' ORDER BY person_id LIMIT 5) p
ON CONFLICT DO NOTHING;
INSERT INTO m.activity_daily (person_id, day, platform, messages_written, messages_read)
SELECT max(person_id), '2025-12-16', 'vk', 0, 4 FROM m.membership WHERE role = 'pupil'
ON CONFLICT DO NOTHING;
SQL
q -c "SELECT sferum_kpi.create_kpi_views('m', 'kpi')" >/dev/null
last=$(q -c "SELECT sferum_kpi.week_start(max(day) + 1) - 7 FROM m.activity_daily")
q -c "SET client_min_messages = warning" -c "SELECT count(*) FROM sferum_kpi.backfill('kpi', '2024-09-02', '$last')" >/dev/null
# weeks judged before the last baseline week was stored are judged again (as scripts/demo does)
q -c "SET client_min_messages = warning" -c "SELECT sferum_kpi.refresh_targets('kpi', true)" >/dev/null
q -c "ANALYZE kpi.store" -c "ANALYZE kpi.refresh_log" -c "ANALYZE kpi.vk_closure_week" >/dev/null
weeks=$(q -c "SELECT count(DISTINCT week_start) FROM kpi.refresh_log")
((weeks >= 60)) || fail "only $weeks weeks stored"

# ---- the roadmap view is filled
q -c "SELECT count(*), count(DISTINCT week_start), count(*) FILTER (WHERE status_ru IS NULL OR responsible_ru IS NULL OR known_by_ru IS NULL)
      FROM kpi.roadmap WHERE region_code = '$region'" | {
    IFS='|' read -r rows wk unlabelled
    ((rows == 17 * weeks && wk == weeks && unlabelled == 0)) || fail "roadmap: $rows rows over $wk weeks ($weeks stored), $unlabelled unlabelled"
}
echo "roadmap: $((17 * weeks)) rows, 17 items in each of $weeks weeks, every one labelled"
q -c "SELECT status, count(*) FROM kpi.roadmap WHERE region_code = '$region' AND week_start = '$last' GROUP BY 1 ORDER BY 1" |
    sed 's/^/    last week: /'
html=$(q -c "SELECT sferum_kpi.report_roadmap_html('kpi', '$region', '$last')")
n=$(grep -o 'data-item="' <<<"$html" | wc -l)
((n == 17)) || fail "report section lists $n items"
[[ $html == '<section id="roadmap"><h2>Дорожная карта</h2>'* ]] || fail "report section: no heading"
echo "report section: 17 items"

# ---- item 17: the oracle from the mart
diff17=$(q <<SQL
CREATE TEMP TABLE it AS SELECT item, period_start, period_end FROM sferum_kpi.roadmap_item
 WHERE region_code = '$region' AND measure = 'vk_closure';
CREATE TEMP TABLE wk AS SELECT DISTINCT week_start, week_start + 6 AS sunday FROM kpi.refresh_log;
-- per organisation: vk chats open on Sunday; members (membership overlapping the week) active on vk after the deadline
CREATE TEMP TABLE org_o AS
SELECT w.week_start, o.org_id,
       (SELECT count(*) FROM m.chat c WHERE c.org_id = o.org_id AND c.platform = 'vk' AND c.created_on <= w.sunday
          AND (c.closed_on IS NULL OR c.closed_on > w.sunday)) AS chats,
       (SELECT count(DISTINCT a.person_id) FROM m.activity_daily a
         WHERE a.platform = 'vk' AND a.day BETWEEN w.week_start AND w.sunday AND a.day > it.period_end
           AND (a.messages_written > 0 OR a.messages_read > 0)
           AND EXISTS (SELECT 1 FROM m.membership ms WHERE ms.person_id = a.person_id AND ms.org_id = o.org_id
                        AND ms.since <= w.sunday AND (ms.until IS NULL OR ms.until >= w.week_start))) AS people
FROM wk w CROSS JOIN it JOIN m.organisation o ON o.region_code = '$region'
WHERE w.sunday > it.period_end;
CREATE TEMP TABLE reg_o AS
SELECT w.week_start,
       (SELECT count(*) FROM m.chat c JOIN m.organisation o USING (org_id)
         WHERE o.region_code = '$region' AND c.platform = 'vk' AND c.created_on <= w.sunday
           AND (c.closed_on IS NULL OR c.closed_on > w.sunday)) AS chats,
       (SELECT count(DISTINCT a.person_id) FROM m.activity_daily a JOIN m.person p USING (person_id)
         WHERE p.region_code = '$region' AND a.platform = 'vk' AND a.day BETWEEN w.week_start AND w.sunday
           AND a.day > it.period_end AND (a.messages_written > 0 OR a.messages_read > 0)) AS people,
       CASE WHEN w.sunday < it.period_start THEN 'not_started' WHEN w.sunday <= it.period_end THEN 'in_progress' END AS early
FROM wk w CROSS JOIN it;
-- differences (each line one), then the counts of the oracle
SELECT 'org ' || coalesce(o.week_start, v.week_start) || ' ' || coalesce(o.org_id, v.org_id) || ': oracle ' || o.chats || '/' || o.people
       || ', view ' || v.vk_chats_open || '/' || v.vk_people
FROM (SELECT * FROM org_o WHERE chats > 0 OR people > 0) o
FULL JOIN kpi.vk_closure v ON v.week_start = o.week_start AND v.org_id = o.org_id
WHERE o.org_id IS NULL OR v.org_id IS NULL OR o.chats <> v.vk_chats_open OR o.people <> v.vk_people
UNION ALL
SELECT 'region ' || r.week_start || ': oracle ' || r.chats || '/' || r.people || ' ' || coalesce(r.early, '')
       || ', view ' || coalesce(x.status, '-') || ' ' || coalesce(c.vk_chats_open::text, '-') || '/' || coalesce(c.vk_people::text, '-')
FROM reg_o r
LEFT JOIN kpi.roadmap x ON x.week_start = r.week_start AND x.region_code = '$region' AND x.item = (SELECT item FROM it)
LEFT JOIN kpi.vk_closure_week c ON c.week_start = r.week_start AND c.region_code = '$region' AND c.org_id IS NULL
WHERE x.status IS DISTINCT FROM coalesce(r.early, CASE WHEN r.chats = 0 AND r.people = 0 THEN 'done' ELSE 'overdue' END)
   OR (r.early IS NULL AND (c.vk_chats_open IS DISTINCT FROM r.chats OR c.vk_people IS DISTINCT FROM r.people))
   OR (r.early IS NOT NULL AND c.week_start IS NOT NULL);
SELECT 'summary ' || count(*) FILTER (WHERE early IS NULL AND (chats > 0 OR people > 0)) || ' ' || count(*) FILTER (WHERE early IS NULL AND chats = 0 AND people = 0)
       || ' ' || (SELECT count(*) FROM org_o WHERE chats > 0 OR people > 0) FROM reg_o;
SQL
)
{ grep -v '^summary ' <<<"$diff17" || true; } | head -20 | sed 's/^/    /'
grep -q -v '^summary ' <<<"$diff17" && fail "item 17 differs from the oracle"
read -r _ overdue done orgrows <<<"$(grep '^summary ' <<<"$diff17")"
((overdue > 0 && done > 0)) || fail "item 17: $overdue overdue and $done done weeks: the test reaches both?"
echo "item 17 = oracle: $overdue weeks overdue, $done done after the deadline; vk_closure = oracle in $orgrows organisation-weeks"

# vk_not_closed in action_list: the organisations of vk_closure, every week
d=$(q -c "SELECT count(*) FROM (SELECT week_start, org_id FROM kpi.vk_closure
                                EXCEPT SELECT week_start, org_id FROM kpi.action_list WHERE reason = 'vk_not_closed') x")
((d == 0)) || fail "$d organisations of vk_closure missing from action_list"
echo "action_list lists every organisation of vk_closure as vk_not_closed"

# closing the chats and the December vk rows, then re-counting the weeks after the deadline: done
q >/dev/null <<'SQL'
UPDATE m.chat SET closed_on = '2025-11-30' WHERE platform = 'vk' AND (closed_on IS NULL OR closed_on > '2025-11-30');
DELETE FROM m.activity_daily WHERE platform = 'vk' AND day > '2025-11-30';
SET client_min_messages = warning;
SELECT sferum_kpi.refresh_week('kpi', w::date) FROM generate_series(timestamp '2025-12-01', timestamp '2025-12-22', interval '7 days') w;
SQL
s=$(q -c "SELECT string_agg(DISTINCT status, ',') FROM kpi.roadmap WHERE region_code = '$region' AND item = 17 AND week_start >= '2025-12-01'")
[[ $s == done ]] || fail "item 17 after closing: $s"
echo "item 17 after closing every vk chat: done"

# ---- item 6: the oracle from the store's counts
diff6=$(q <<SQL
CREATE TEMP TABLE it AS SELECT item, period_start, period_end, indicators FROM sferum_kpi.roadmap_item
 WHERE region_code = '$region' AND measure = 'stages';
CREATE TEMP TABLE hol AS
SELECT w::date AS week_start,
       (SELECT count(DISTINCT d) FROM m.school_holiday h, generate_series(w, w + interval '4 days', interval '1 day') d
         WHERE h.region_code = '$region' AND d::date BETWEEN h.first_day AND h.last_day) >= 3 AS holiday
FROM generate_series(timestamp '2024-09-02', timestamp '2026-12-28', interval '7 days') w;
-- each indicator's first stage due on or after the period start (the region's row before the every-region one)
CREATE TEMP TABLE st AS
SELECT DISTINCT ON (t.indicator) t.indicator, t.stage, t.deadline, t.comparison, t.rule, t.threshold, d.per_platform,
       t.deadline - (extract(isodow FROM t.deadline)::integer % 7) - 6 AS nominal
FROM it, unnest(it.indicators) x(indicator)
JOIN sferum_kpi.target t ON t.indicator = x.indicator AND (t.region_code = '$region' OR t.region_code IS NULL)
JOIN sferum_kpi.indicator_definition d ON d.indicator = t.indicator
WHERE t.deadline >= it.period_start
ORDER BY t.indicator, t.deadline, t.region_code NULLS LAST;
-- the result week: the nominal one, or the last stored school week before it when it is a holiday week
CREATE TEMP TABLE rw AS
SELECT st.*, CASE WHEN (SELECT holiday FROM hol WHERE hol.week_start = st.nominal)
                  THEN (SELECT max(l.week_start) FROM kpi.refresh_log l JOIN hol ON hol.week_start = l.week_start
                         WHERE l.week_start < st.nominal AND NOT hol.holiday)
                  ELSE st.nominal END AS result_week
FROM st;
-- the baseline by hand: the best vk week of 2024/2025 in the history (exact fractions)
CREATE TEMP TABLE judged AS
SELECT rw.*, s.numerator AS n, s.denominator AS d, b.bn, b.bd,
       CASE WHEN s.denominator IS NULL OR s.denominator = 0 THEN NULL
            WHEN rw.rule = 'fixed' THEN CASE rw.comparison WHEN '>=' THEN least(s.numerator, s.denominator)::numeric / s.denominator >= rw.threshold
                                                             ELSE least(s.numerator, s.denominator)::numeric / s.denominator > rw.threshold END
            WHEN b.bd IS NULL OR b.bd = 0 THEN NULL
            WHEN rw.comparison = '>=' THEN least(s.numerator, s.denominator)::numeric * b.bd >= b.bn::numeric * s.denominator
            ELSE least(s.numerator, s.denominator)::numeric * b.bd > b.bn::numeric * s.denominator END AS met
FROM rw
LEFT JOIN kpi.store s ON s.week_start = rw.result_week AND s.indicator = rw.indicator AND s.level = 'region'
 AND s.region_code = '$region' AND s.platform = CASE WHEN NOT rw.per_platform THEN 'any' WHEN rw.result_week >= '2025-09-01' THEN 'national' ELSE 'vk' END
LEFT JOIN LATERAL (
    SELECT sferum_kpi.numerator(h.value) AS bn, sferum_kpi.denominator(h.value) AS bd
    FROM sferum_kpi.indicator_history h
    WHERE h.region_code = '$region' AND h.indicator = rw.indicator AND h.platform = 'vk'
      AND h.week BETWEEN '2024-09-01' AND '2025-08-31' AND sferum_kpi.denominator(h.value) > 0
    ORDER BY sferum_kpi.numerator(h.value)::numeric / sferum_kpi.denominator(h.value) DESC LIMIT 1) b ON rw.rule = 'baseline_max';
CREATE TEMP TABLE o6 AS
SELECT w.week_start,
       CASE WHEN bool_or(w.week_start >= j.result_week AND j.met IS FALSE)
                 THEN CASE WHEN w.week_start + 6 > it.period_end THEN 'overdue' ELSE 'in_progress' END
            WHEN bool_and(w.week_start >= j.result_week AND j.met IS TRUE) THEN 'done'
            WHEN bool_or(w.week_start >= j.result_week AND j.met IS NULL) THEN 'unknown'
            WHEN w.week_start + 6 < it.period_start THEN 'not_started'
            ELSE 'in_progress' END AS status
FROM (SELECT DISTINCT week_start FROM kpi.refresh_log) w CROSS JOIN it CROSS JOIN judged j
GROUP BY w.week_start, it.period_start, it.period_end;
SELECT 'week ' || o.week_start || ': oracle ' || o.status || ', view ' || coalesce(x.status, '-') || ' (' || coalesce(x.evidence, '') || ')'
FROM o6 o LEFT JOIN kpi.roadmap x ON x.week_start = o.week_start AND x.region_code = '$region' AND x.item = (SELECT item FROM it)
WHERE x.status IS DISTINCT FROM o.status;
SELECT 'stages ' || string_agg(indicator || ':' || stage || ':' || result_week || ':' || coalesce(met::text, 'null'), ' ' ORDER BY indicator) FROM judged;
SELECT 'summary ' || string_agg(status || '=' || n, ',' ORDER BY status) FROM (SELECT status, count(*) AS n FROM o6 GROUP BY 1) s;
SQL
)
{ grep -v '^\(summary\|stages\) ' <<<"$diff6" || true; } | head -20 | sed 's/^/    /'
grep -q -v '^\(summary\|stages\) ' <<<"$diff6" && fail "item 6 differs from the oracle"
echo "item 6 = oracle in every stored week: $(sed -n 's/^summary //p' <<<"$diff6"); $(sed -n 's/^stages //p' <<<"$diff6")"
# the oracle has something to judge: a stage judged by the last week
grep -q ':true\|:false' <<<"$diff6" || fail "item 6: no stage judged"

# ---- one week of roadmap reads the store and the small tables only
plan=$(q -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT * FROM kpi.roadmap WHERE week_start = '$last' AND region_code = '$region'")
grep -q 'activity_daily\|on chat \|on chat$\| chat_daily' <<<"$plan" && { echo "$plan"; fail "roadmap for one week reads a large mart table"; }
echo "roadmap for one week: $(grep -o 'Execution Time: .*' <<<"$plan"), no activity_daily, chat or chat_daily in the plan"
echo "roadmap: ok"
