#!/usr/bin/env bash
# Forecasts and rankings (issue 12) on a generated region, back-filled across the
# 2025 school-year boundary:
#   - forecast_by_week, every stored week, group and column, against a plain-SQL
#     oracle that fits the line with explicit sums and a second pass for the
#     residuals (the views use regr_*), derives the verdict from the written rule,
#     for N = 8 (the default) and N = 5 (sferum_kpi.forecast_weeks); forecast
#     equals forecast_by_week at the latest complete week;
#   - rankings, every stored week, against an oracle that ranks by counting larger
#     shares, finds the week before by a plain join and the movers by counting
#     larger changes;
#   - the plans: WHERE week_start = X AND indicator = Y AND level = Z on rankings
#     reads the store rows of X and X - 7 only, and live_forecast_by_week WHERE
#     week_start = X (what refresh_answers stores for X) only rows of X's school
#     year up to X (the heap rows the query fetched, from pg_stat_xact_user_tables);
#   - the stored forecast_by_week (refresh_answers) equals the live computation.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/pgenv.sh
db=forecast_$$
scale=${FORECAST_SCALE:-0.1}
from=${FORECAST_FROM:-2025-05-05}
trap 'psql_q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
q() { psql_q -d "$db" -At "$@"; }
fail() { echo "forecast: $*"; exit 1; }

new_region_db "$db" m "$scale" 11
q -c "SELECT sferum_kpi.create_kpi_views('m', 'kpi')" >/dev/null    # min_cell 5: small cells are suppressed
last=$(q -c "SELECT sferum_kpi.week_start(max(day)) FROM m.activity_daily")
# May to December 2025: the vk weeks of 2024/2025 (the baseline's maximum among them), then 2025/2026
q -c "SET client_min_messages = warning" -c "SELECT count(*) FROM sferum_kpi.backfill('kpi', '$from', '$last')" >/dev/null
# statistics as autovacuum leaves them after a back-fill (refresh_week analyzes a partition only
# while it is nearly empty: its statistics would describe the first week stored)
q -c "ANALYZE kpi.store" -c "ANALYZE kpi.refresh_log" -c "ANALYZE sferum_kpi.indicator_definition" >/dev/null
weeks=$(q -c "SELECT count(DISTINCT week_start) FROM kpi.store")
((weeks >= 30)) || fail "only $weeks weeks stored"

# ---- forecast_by_week = the oracle, every week and group, for N = 8 and N = 5
forecast_oracle() {
    q -v n="$1" <<'SQL'
SET sferum_kpi.forecast_weeks = :n;
-- the setting applies where the forecasts are computed: store them again with it
SELECT count(*) FROM sferum_kpi.refresh_answers('kpi');
-- holiday weeks read from the mart's calendar by hand: 3 or more weekdays in a holiday
CREATE TEMP TABLE hol AS
SELECT w::date AS week_start,
       (SELECT count(DISTINCT d) FROM m.school_holiday h, generate_series(w, w + interval '4 days', interval '1 day') d
         WHERE d::date BETWEEN h.first_day AND h.last_day) >= 3 AS holiday
FROM generate_series(timestamp '2024-09-02', timestamp '2026-12-28', interval '7 days') w;
-- gk names a group of a week (the municipality may be NULL: the regional bodies)
CREATE TEMP TABLE cur AS   -- the groups of each stored week with a target stage, on the monitored platform
SELECT concat_ws('|', s.week_start, s.indicator, s.level, coalesce(s.municipality_id::text, 'regional')) AS gk,
       s.week_start, s.indicator, s.level, s.region_code, s.municipality_id, s.platform, s.target_stage,
       s.target_deadline, s.target_threshold, s.target_comparison, s.target_met, d.per_platform,
       d.unit = 'person' AND s.level = 'municipality' AND s.denominator < 5 AS small,
       -- the stage's result week: the Monday before the last Sunday on or before the deadline
       s.target_deadline - (extract(isodow FROM s.target_deadline)::integer % 7) - 6 AS nominal,
       -- 1 September of the week's school year
       make_date(extract(year FROM s.week_start)::integer - (extract(month FROM s.week_start) < 9)::integer, 9, 1) AS sy_start
FROM kpi.store s JOIN sferum_kpi.indicator_definition d USING (indicator)
WHERE s.level IN ('region', 'municipality') AND s.target_stage IS NOT NULL
  AND s.platform = CASE WHEN NOT d.per_platform THEN 'any' WHEN s.week_start >= '2025-09-01' THEN 'national' ELSE 'vk' END;
-- each group's weekly shares of its school year up to the week, with the holiday flag
CREATE TEMP TABLE hist AS
SELECT c.gk, h.week_start, coalesce(ho.holiday, false) AS holiday, ((h.week_start - c.week_start) / 7)::float8 AS x,
       CASE WHEN h.denominator > 0 AND NOT (d.unit = 'person' AND h.level = 'municipality' AND h.denominator < 5)
            THEN least(h.numerator, h.denominator)::float8 / h.denominator END AS y
FROM cur c
JOIN kpi.store h ON h.indicator = c.indicator AND h.level = c.level AND h.platform = c.platform
 AND h.region_code = c.region_code AND coalesce(h.municipality_id, -1) = coalesce(c.municipality_id, -1)
 AND h.org_id IS NULL AND h.org_kind IS NULL AND h.week_start BETWEEN c.sy_start AND c.week_start
JOIN sferum_kpi.indicator_definition d ON d.indicator = h.indicator
LEFT JOIN hol ho ON ho.week_start = h.week_start;
ANALYZE cur; ANALYZE hist;
CREATE TEMP TABLE pts AS   -- the school weeks with a share; the last N of them
SELECT * FROM (SELECT gk, x, y, rank() OVER (PARTITION BY gk ORDER BY week_start DESC) AS k
               FROM hist WHERE y IS NOT NULL AND NOT holiday) u
WHERE k <= :n;
ANALYZE pts;
CREATE TEMP TABLE fit AS   -- b = (n Sxy - Sx Sy) / (n Sxx - Sx^2), a = (Sy - b Sx) / n
SELECT gk, n, sx, sxx, b, (sy - b * sx) / n AS a
FROM (SELECT gk, count(*) AS n, sum(x) AS sx, sum(y) AS sy, sum(x * x) AS sxx, sum(x * y) AS sxy,
             CASE WHEN count(*) >= 3 THEN (count(*) * sum(x * y) - sum(x) * sum(y)) / (count(*) * sum(x * x) - sum(x) ^ 2) END AS b
      FROM pts GROUP BY gk) s;
CREATE TEMP TABLE basis AS   -- the latest school week up to the week: the forecast stands on it
SELECT DISTINCT ON (gk) gk, week_start AS basis_week, y AS share FROM hist WHERE NOT holiday ORDER BY gk, week_start DESC;
CREATE TEMP TABLE res AS   -- the result week (off a holiday week) and, once reached, the result there
SELECT c.gk, r.result_week, c.week_start >= r.result_week AS final,
       CASE WHEN c.week_start >= r.result_week AND rs.denominator > 0 AND NOT rs.small
            THEN CASE WHEN c.target_comparison = '>' THEN least(rs.numerator, rs.denominator) > rs.target_threshold::numeric * rs.denominator
                      ELSE least(rs.numerator, rs.denominator) >= rs.target_threshold::numeric * rs.denominator END END AS result_met
FROM cur c
-- (known as a holiday week only once stored: a week of the school year up to this one)
CROSS JOIN LATERAL (SELECT CASE WHEN c.nominal BETWEEN c.sy_start AND c.week_start
                                 AND (SELECT holiday FROM hol WHERE week_start = c.nominal)
                                THEN (SELECT max(week_start) FROM hol WHERE week_start < c.nominal AND NOT holiday)
                                ELSE c.nominal END AS result_week) r
LEFT JOIN LATERAL (
    SELECT h.numerator, h.denominator, h.target_threshold,
           (d.unit = 'person' AND h.level = 'municipality' AND h.denominator < 5) AS small
    FROM kpi.store h JOIN sferum_kpi.indicator_definition d ON d.indicator = h.indicator
    WHERE h.indicator = c.indicator AND h.level = c.level AND h.week_start = r.result_week
      AND h.region_code = c.region_code AND coalesce(h.municipality_id, -1) = coalesce(c.municipality_id, -1)
      AND h.org_id IS NULL AND h.org_kind IS NULL
      AND h.platform = CASE WHEN NOT c.per_platform THEN 'any' WHEN r.result_week >= '2025-09-01' THEN 'national' ELSE 'vk' END) rs ON true;
CREATE TEMP TABLE judged AS
SELECT o.*,
       CASE WHEN final AND result_met THEN 'deadline_met'
            WHEN final AND NOT result_met THEN 'deadline_missed'
            WHEN final THEN 'deadline_no_data'
            WHEN target_threshold IS NULL OR share IS NULL OR n < 3 THEN 'unknown'
            WHEN met THEN 'met'
            WHEN (target_comparison = '>=' AND proj[2] >= target_threshold) OR (target_comparison = '>' AND proj[2] > target_threshold) THEN 'on_track'
            WHEN (target_comparison = '>=' AND proj[3] >= target_threshold) OR (target_comparison = '>' AND proj[3] > target_threshold) THEN 'at_risk'
            ELSE 'off_track' END AS verdict,
       CASE WHEN NOT final AND share IS NOT NULL AND target_threshold IS NOT NULL AND NOT met
            THEN 100 * (target_threshold - share) / greatest(left_, 1) END AS needed
FROM (
    SELECT c.*, b.basis_week, b.share, r.result_week, r.final, r.result_met, coalesce(f.n, 0) AS n, f.b,
           greatest(0, (r.result_week - c.week_start) / 7) AS left_,
           coalesce(CASE WHEN b.basis_week = c.week_start THEN c.target_met END,
                    CASE WHEN c.target_comparison = '>' THEN b.share > c.target_threshold ELSE b.share >= c.target_threshold END,
                    false) AS met,
           CASE WHEN coalesce(f.n, 0) < 3 OR b.share IS NULL THEN NULL
                WHEN r.result_week <= c.week_start THEN ARRAY[b.share, b.share, b.share]
                ELSE ARRAY[greatest(0, least(1, f.a + f.b * lw.l)),
                           greatest(0, least(1, f.a + f.b * lw.l - hw.half)),
                           greatest(0, least(1, f.a + f.b * lw.l + hw.half))] END AS proj
    FROM cur c
    JOIN res r USING (gk)
    LEFT JOIN basis b USING (gk)
    LEFT JOIN fit f USING (gk)
    CROSS JOIN LATERAL (SELECT greatest(0, (r.result_week - c.week_start) / 7) AS l) lw
    -- s^2 = the sum of the squared residuals / (n - 2)
    LEFT JOIN (SELECT p.gk, sum((p.y - f2.a - f2.b * p.x) ^ 2) AS sse FROM pts p JOIN fit f2 USING (gk) GROUP BY p.gk) e USING (gk)
    CROSS JOIN LATERAL (SELECT CASE WHEN f.n >= 3 THEN sferum_kpi.forecast_t90((f.n - 2)::integer) * sqrt(e.sse / (f.n - 2))
                                    * sqrt(1 + 1.0 / f.n + (lw.l - f.sx / f.n) ^ 2 / (f.sxx - f.sx * f.sx / f.n)) END AS half) hw) o;
CREATE TEMP TABLE viewed AS
SELECT concat_ws('|', f.week_start, f.indicator, f.level, coalesce(f.municipality_id::text, 'regional')) AS gk, f.*
FROM kpi.forecast_by_week f;
SELECT (SELECT count(*) FROM judged),
       (SELECT count(*) FROM viewed),
       (SELECT count(*) FROM judged j FULL JOIN viewed f USING (gk)
        WHERE j.gk IS NULL OR f.gk IS NULL
           OR f.platform <> j.platform OR f.stage <> j.target_stage OR f.weeks_used <> j.n OR f.weeks_left <> j.left_
           OR f.verdict <> j.verdict OR f.suppressed <> j.small
           OR f.share IS DISTINCT FROM j.share OR f.basis_week IS DISTINCT FROM j.basis_week
           OR f.result_week IS DISTINCT FROM j.result_week
           OR abs(coalesce(f.slope_pp_per_week - 100 * j.b, 0)) > 1e-9 OR (f.slope_pp_per_week IS NULL) <> (j.b IS NULL)
           OR (f.projected_share IS NULL) <> (j.proj IS NULL)
           OR abs(f.projected_share - j.proj[1]) > 1e-9 OR abs(f.projected_low - j.proj[2]) > 1e-9
           OR abs(f.projected_high - j.proj[3]) > 1e-9
           OR (f.needed_weekly_gain_pp IS NULL) <> (j.needed IS NULL) OR abs(f.needed_weekly_gain_pp - j.needed) > 1e-9),
       (SELECT string_agg(v, ',' ORDER BY v) FROM (SELECT DISTINCT verdict AS v FROM viewed) x),
       (SELECT count(*) FROM viewed WHERE suppressed),
       (SELECT count(DISTINCT platform) FROM viewed WHERE platform <> 'any');
SQL
}
for n in 8 5; do
    read -r oracle_rows rows differing verdicts suppressed platforms <<<"$(forecast_oracle "$n" | tail -1 | tr '|' ' ')"
    [[ $differing == 0 && $oracle_rows == "$rows" ]] ||
        fail "N = $n: forecast_by_week has $rows rows, the oracle $oracle_rows, $differing differ"
    ((rows > 500 && platforms == 2)) || fail "N = $n: only $rows forecast rows ($platforms platforms)"
    echo "ok: N = $n: forecast_by_week = the oracle on $rows rows over $weeks weeks (verdicts $verdicts; $suppressed suppressed)"
done
q -c "SELECT count(*) FROM sferum_kpi.refresh_answers('kpi')" >/dev/null    # back to N = 8
same=$(q -c "SELECT count(*) FROM ((SELECT * FROM kpi.forecast EXCEPT SELECT f.* FROM kpi.forecast_by_week f
                                      JOIN (SELECT region_code, max(week_start) FILTER (WHERE complete) AS w FROM kpi.refresh_log GROUP BY 1) l
                                        ON l.region_code = f.region_code AND l.w = f.week_start)
                                     UNION ALL
                                     (SELECT f.* FROM kpi.forecast_by_week f
                                      JOIN (SELECT region_code, max(week_start) FILTER (WHERE complete) AS w FROM kpi.refresh_log GROUP BY 1) l
                                        ON l.region_code = f.region_code AND l.w = f.week_start
                                      EXCEPT SELECT * FROM kpi.forecast)) d")
[[ $same == 0 ]] || fail "forecast differs from forecast_by_week at the latest complete week ($same rows)"
echo "ok: forecast = forecast_by_week at the latest complete week"

# ---- a holiday week's figures never move a forecast: the autumn holiday week's
# stored numerators set to 0, then to the denominator, leave every forecast of
# every week as it was; with the week not marked a holiday, the same change moves them
hw=$(q -c "SELECT min(week_start) FROM kpi.store WHERE holiday AND week_start >= '2025-09-01'")
[[ -n $hw ]] || fail "no holiday week stored in 2025/2026"
# (the live computation: the store is edited by hand here, the stored forecasts follow a refresh)
fp() { q -c "SELECT md5(string_agg(f::text, E'\n' ORDER BY f::text)) FROM kpi.live_forecast_by_week f"; }
before=$(fp)
q -c "UPDATE kpi.store SET numerator = 0 WHERE week_start = '$hw'" >/dev/null
zero=$(fp)
q -c "UPDATE kpi.store SET numerator = denominator WHERE week_start = '$hw'" >/dev/null
full=$(fp)
[[ $before == "$zero" && $before == "$full" ]] || fail "a holiday week's figures moved the forecasts ($hw)"
q -c "UPDATE kpi.store SET holiday = false, holiday_kind = NULL WHERE week_start = '$hw'" >/dev/null
unmarked_full=$(fp)
q -c "UPDATE kpi.store SET numerator = 0 WHERE week_start = '$hw'" >/dev/null
unmarked_zero=$(fp)
[[ $unmarked_full != "$unmarked_zero" && $unmarked_full != "$before" ]] ||
    fail "the same change to a school week left the forecasts as they were: the test proves nothing"
q -c "SET client_min_messages = warning" -c "SELECT sferum_kpi.snapshot_week('kpi', '$hw')" >/dev/null
[[ $(fp) == "$before" ]] || fail "refreshing $hw did not give the forecasts back"
# snapshot_week stored the forecasts again from $hw on: stored = live, row for row
cols=$(q -c "SELECT string_agg(format('f.%I', attname), ', ' ORDER BY attnum) FROM pg_attribute
             WHERE attrelid = 'kpi.live_forecast_by_week'::regclass AND attnum > 0 AND NOT attisdropped")
stored_vs_live=$(q -c "SELECT (SELECT count(*) FROM (SELECT $cols FROM kpi.forecast_by_week f EXCEPT ALL SELECT * FROM kpi.live_forecast_by_week) d)
                            + (SELECT count(*) FROM (SELECT * FROM kpi.live_forecast_by_week EXCEPT ALL SELECT $cols FROM kpi.forecast_by_week f) d)")
[[ $stored_vs_live == 0 ]] || fail "the stored forecast_by_week differs from live_forecast_by_week on $stored_vs_live rows"
echo "ok: the holiday week $hw at 0 % and at 100 % leaves every forecast as it was; unmarked, the same change moves them; stored = live after the refresh"

# ---- stage_results = a plain reading of the store: every stage whose result week is stored, for the
# region and each municipality; baselines as the best vk week of 2024/2025 (exact fractions)
read -r judged differing stage1 <<<"$(q <<'SQL' | tail -1 | tr '|' ' '
CREATE TEMP TABLE hol2 AS
SELECT w::date AS week_start,
       (SELECT count(DISTINCT d) FROM m.school_holiday h, generate_series(w, w + interval '4 days', interval '1 day') d
         WHERE d::date BETWEEN h.first_day AND h.last_day) >= 3 AS holiday
FROM generate_series(timestamp '2024-09-02', timestamp '2026-12-28', interval '7 days') w;
CREATE TEMP TABLE st_o AS
SELECT t.indicator, t.stage, t.deadline, t.rule, t.threshold, t.comparison, d.per_platform, d.unit,
       -- the Monday of the last complete week on or before the deadline, the school week before a holiday week
       CASE WHEN (SELECT holiday FROM hol2 WHERE week_start = t.deadline - (extract(isodow FROM t.deadline)::integer % 7) - 6)
            THEN (SELECT max(week_start) FROM hol2 WHERE NOT holiday
                   AND week_start < t.deadline - (extract(isodow FROM t.deadline)::integer % 7) - 6)
            ELSE t.deadline - (extract(isodow FROM t.deadline)::integer % 7) - 6 END AS rw
FROM sferum_kpi.target t JOIN sferum_kpi.indicator_definition d USING (indicator)
WHERE t.kind = 'computed' AND t.region_code IS NULL;
CREATE TEMP TABLE best AS   -- the region's best vk week of school year 2024/2025, as a fraction
SELECT DISTINCT ON (s.indicator) s.indicator, least(s.numerator, s.denominator) AS bn, s.denominator AS bd
FROM kpi.store s
WHERE s.level = 'region' AND s.platform = 'vk' AND s.denominator > 0 AND s.week_start BETWEEN '2024-09-01' AND '2025-08-31'
ORDER BY s.indicator, least(s.numerator, s.denominator)::numeric / s.denominator DESC;
CREATE TEMP TABLE oracle_st AS
SELECT o.indicator, o.stage, s.level, s.municipality_id,
       CASE WHEN o.unit = 'person' AND s.level <> 'region' AND s.denominator < 5 THEN NULL
            WHEN o.rule = 'fixed' AND o.comparison = '>' THEN least(s.numerator, s.denominator) > o.threshold * s.denominator
            WHEN o.rule = 'fixed' THEN least(s.numerator, s.denominator) >= o.threshold * s.denominator
            WHEN b.bd IS NULL THEN NULL
            ELSE least(s.numerator, s.denominator)::numeric * b.bd >= b.bn::numeric * s.denominator END AS met_o
FROM st_o o
JOIN kpi.store s ON s.indicator = o.indicator AND s.week_start = o.rw AND s.level IN ('region', 'municipality')
 AND s.platform = CASE WHEN NOT o.per_platform THEN 'any' WHEN o.rw >= '2025-09-01' THEN 'national' ELSE 'vk' END
LEFT JOIN best b ON b.indicator = o.indicator;
SELECT (SELECT count(*) FROM oracle_st),
       (SELECT count(*) FROM oracle_st o FULL JOIN kpi.stage_results r
          ON r.indicator = o.indicator AND r.stage = o.stage AND r.level = o.level
         AND r.municipality_id IS NOT DISTINCT FROM o.municipality_id
        WHERE (o.indicator IS NULL AND r.status IN ('deadline_met', 'deadline_missed'))
           OR (r.indicator IS NULL)
           OR (o.indicator IS NOT NULL AND r.met IS DISTINCT FROM o.met_o)
           OR (o.indicator IS NOT NULL AND r.status <> CASE WHEN o.met_o THEN 'deadline_met' WHEN NOT o.met_o THEN 'deadline_missed'
                                                            ELSE 'deadline_no_data' END)),
       (SELECT string_agg(r.indicator || ' ' || r.status, ', ' ORDER BY r.indicator) FROM kpi.stage_results r
         WHERE r.stage = 1 AND r.deadline = '2025-10-01' AND r.level = 'region');
SQL
)"
[[ $differing == 0 && $judged -gt 10 ]] || fail "stage_results: $differing of $judged judged rows differ from the store read by hand"
[[ $stage1 =~ ^learners_parents_weekly\ deadline_(met|missed),\ staff_weekly_writers\ deadline_(met|missed)$ ]] ||
    fail "roadmap stage 1 (01.10.2025) of the region: $stage1"
echo "ok: stage_results = the store read by hand on $judged judged rows; roadmap stage 1 (01.10.2025): $stage1"

# ---- rankings = the oracle, every week
read -r rows differing movers ranked_levels <<<"$(q <<'SQL' | tail -1 | tr '|' ' '
-- part: the groups ranked together (week, indicator, platform, level, region); grp: one group over the weeks
CREATE TEMP TABLE base AS
SELECT s.week_start, s.indicator, s.platform, s.level, s.region_code, s.municipality_id, s.org_kind, s.org_id,
       concat_ws('/', s.week_start, s.indicator, s.platform, s.level, s.region_code) AS part,
       concat_ws('/', s.indicator, s.platform, s.level, s.region_code, coalesce(s.municipality_id::text, '-'),
                 coalesce(s.org_kind, '-'), coalesce(s.org_id::text, '-')) AS grp,
       CASE WHEN s.denominator > 0 AND NOT (d.unit = 'person' AND s.denominator < 5)
            THEN least(s.numerator, s.denominator)::float8 / s.denominator END AS share,
       s.target_threshold, s.target_met, s.numerator, s.denominator,
       s.level = 'municipality' AND s.municipality_id IS NULL AS bodies
FROM kpi.store s JOIN sferum_kpi.indicator_definition d USING (indicator)
WHERE s.level IN ('municipality', 'organisation', 'org_kind');
CREATE INDEX ON base (part, share);
ANALYZE base;
-- rank = 1 + the number of groups with a larger share; groups without a share
-- and the regional bodies are not ranked; tied = the others with the same share
CREATE TEMP TABLE ranked AS
SELECT b.*, CASE WHEN b.share IS NOT NULL AND NOT b.bodies
                 THEN 1 + (SELECT count(*) FROM base o WHERE o.part = b.part AND NOT o.bodies AND o.share > b.share) END AS rk,
       (SELECT count(*) FROM base o WHERE o.part = b.part AND NOT o.bodies AND o.share IS NOT NULL) AS ranked_o,
       CASE WHEN b.share IS NOT NULL AND NOT b.bodies
            THEN (SELECT count(*) FROM base o WHERE o.part = b.part AND NOT o.bodies AND o.share = b.share) - 1 END AS tied_o
FROM base b;
-- the week before: the same group 7 days earlier; the monitored platform of the week
CREATE TEMP TABLE cur AS
SELECT c.*, p.share AS prev_share, p.rk AS prev_rank_o, 100 * (c.share - p.share) AS change_o
FROM ranked c
LEFT JOIN ranked p ON p.grp = c.grp AND p.week_start = c.week_start - 7
WHERE c.platform IN ('any', CASE WHEN c.week_start >= '2025-09-01' THEN 'national' ELSE 'vk' END);
CREATE INDEX ON cur (part, change_o);
ANALYZE cur;
CREATE TEMP TABLE oracle AS
SELECT c.*,
       -- among the 5 largest rises (falls): fewer than 5 larger ones
       CASE WHEN c.bodies THEN NULL
            WHEN c.change_o > 0 AND (SELECT count(*) FROM cur o WHERE o.part = c.part AND NOT o.bodies AND o.change_o > c.change_o) < 5 THEN 'top'
            WHEN c.change_o < 0 AND (SELECT count(*) FROM cur o WHERE o.part = c.part AND NOT o.bodies AND o.change_o < c.change_o) < 5 THEN 'bottom'
       END AS mover_o,
       CASE WHEN c.share IS NULL OR c.target_threshold IS NULL OR c.target_met IS NULL THEN 'grey'
            WHEN c.target_met THEN 'green'
            WHEN 100 * least(c.numerator, c.denominator) >= (100 * c.target_threshold::numeric - 10) * c.denominator THEN 'amber'
            ELSE 'red' END AS rag_o
FROM cur c;
CREATE TEMP TABLE viewed AS
SELECT concat_ws('/', r.week_start, r.indicator, r.platform, r.level, r.region_code) AS part,
       concat_ws('/', r.indicator, r.platform, r.level, r.region_code, coalesce(r.municipality_id::text, '-'),
                 coalesce(r.org_kind, '-'), coalesce(r.org_id::text, '-')) AS grp, r.*
FROM kpi.rankings r;
SELECT (SELECT count(*) FROM viewed),
       (SELECT count(*) FROM oracle o FULL JOIN viewed r USING (part, grp)
        WHERE o.part IS NULL OR r.part IS NULL
           OR r.rank IS DISTINCT FROM o.rk OR r.previous_rank IS DISTINCT FROM o.prev_rank_o
           OR r.ranked <> o.ranked_o OR r.share IS DISTINCT FROM o.share
           OR r.previous_share IS DISTINCT FROM o.prev_share OR r.change_pp IS DISTINCT FROM o.change_o
           OR r.mover IS DISTINCT FROM o.mover_o OR r.rag <> o.rag_o OR r.tied IS DISTINCT FROM o.tied_o),
       (SELECT count(*) FROM viewed WHERE mover IS NOT NULL),
       (SELECT string_agg(DISTINCT level, ',') FROM viewed WHERE rank > 1);
SQL
)"
[[ $differing == 0 ]] || fail "rankings: $differing of $rows rows differ from the oracle"
[[ $ranked_levels == "municipality,org_kind,organisation" && $movers -gt 100 ]] ||
    fail "rankings: ranked levels '$ranked_levels', $movers movers"
echo "ok: rankings = the oracle on $rows rows ($movers movers; levels $ranked_levels)"

# ---- the plans read one week (and the week before), not every week: the heap rows
# the query read from the store's partitions, from this transaction's statistics
rows_read() {
    q -c "SET jit = off" -c "BEGIN" -c "SELECT count(*) FROM ($1) x" \
      -c "SELECT sum(seq_tup_read + coalesce(idx_tup_fetch, 0)) FROM pg_stat_xact_user_tables
          WHERE schemaname = 'kpi' AND relname ~ '^store_y[0-9]+\$'" -c "COMMIT" | tail -1
}
week=$(q -c "SELECT max(week_start) FILTER (WHERE complete) FROM kpi.refresh_log")
for level in organisation municipality; do
    read_rows=$(rows_read "SELECT * FROM kpi.rankings WHERE week_start = '$week' AND level = '$level'
                           AND indicator = 'staff_weekly_writers' ORDER BY rank LIMIT 20")
    read -r two_weeks all_weeks <<<"$(q -F ' ' -c "
        SELECT count(*) FILTER (WHERE week_start IN ('$week', '$week'::date - 7)), count(*)
        FROM kpi.store WHERE indicator = 'staff_weekly_writers' AND level = '$level'")"
    ((read_rows > 0 && read_rows <= two_weeks)) ||
        fail "rankings of $week ($level) read $read_rows store rows; that week and the one before hold $two_weeks (all weeks $all_weeks)"
    echo "ok: rankings of one week ($level): $read_rows store rows read; $week and the week before hold $two_weeks (all weeks $all_weeks)"
done
read_rows=$(rows_read "SELECT * FROM kpi.live_forecast_by_week WHERE week_start = '$week'")
read -r school_year all_rows <<<"$(q -F ' ' -c "
    SELECT count(*) FILTER (WHERE week_start BETWEEN make_date(sferum_kpi.school_year('$week'), 9, 1) AND '$week'), count(*)
    FROM kpi.store")"
((read_rows > 0 && read_rows <= school_year)) ||
    fail "forecast_by_week of $week read $read_rows store rows; its school year up to it holds $school_year (all weeks $all_rows)"
echo "ok: forecast of one week: $read_rows store rows read; its school year up to it holds $school_year (all weeks $all_rows)"
