#!/usr/bin/env bash
# The weekly report for the regional authority (issue 12) on a generated region
# (scale 0.05, its schools spread over 13 municipalities (and the regional bodies), one region and one
# municipality named with < > & and quotes), back-filled:
#   - scripts/report writes the page (default name and -o), prints its path, and
#     fails clearly (unknown region, bad week, no store); --help;
#   - report_html's errors: NULL arguments, a schema without a store, an unknown
#     region, a week not in the store, a region without a complete week;
#   - the page as written: HTML5, well formed, every section in order (the methodology
#     last), one inline SVG chart per computed indicator with its text alternative
#     (role="img", <title>, <desc>), no URL and no script, the names escaped, print
#     (A4, running header, page numbers) and phone CSS; the wording (no banned term;
#     ЭЖД, РОИВ, ОМСУ spelled out once); = plain SQL over the views and the mart:
#     the headline names every indicator below its stage and how many are short,
#     «данные по <day>» and the stale-data warning, the dashboard's figures, every
#     municipality named with a row per main indicator and a small multiple, the
#     charts' weekly points, holidays, labels and forecast bands, the stage results
#     and the organisations to call (capped with «и ещё N»), the data-quality rows,
#     the methodology's indicators; no status cell without words, a legend; every
#     CSV link decoded (UTF-8 BOM, ;, decimal comma, CR LF) back to its table's rows;
#   - rendered by headless Chromium: --dump-dom (the same checks on the browser's DOM),
#     a 1280 px PNG (not blank, the status colours), a 390 px PNG (nothing cut at the
#     right edge) and the A4 PDF of scripts/report --pdf, read with pdftotext -bbox:
#     no text under 7 pt, nothing past the margins, the running header with the
#     region and the week and «Страница N из M» on every page, every page but the
#     last at least a third full; --pdf without a browser fails clearly.
# Chromium (Debian package chromium) is installed when missing, as the other
# packages are (ensure_packages; not with SKIP_INSTALL=1 nor inside the Debian root
# of PG_MAJOR=17, which has none): without it the page is checked as written and
# the test says "render skipped: no chromium".
#   REPORT_SCALE=0.05  size of the generated region
#   CHROMIUM=chromium  the browser to render with (a name not on PATH: render skipped)
#   REPORT_KEEP=DIR    copy the page, its oracles, the DOM, the PNG and the PDF to DIR and keep the database
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/pgenv.sh
db=report_$$
scale=${REPORT_SCALE:-0.05}
tmp=$(mktemp -d)
chmod 755 "$tmp"
cleanup() {
    if [[ -n ${REPORT_KEEP:-} ]]; then
        mkdir -p "$REPORT_KEEP"
        cp "$tmp"/*.html "$tmp"/*.json "$tmp"/*.png "$tmp"/*.pdf "$REPORT_KEEP"/ 2>/dev/null || true
        echo "report: REPORT_KEEP: the page, its oracles, the PNG and the PDF in $REPORT_KEEP; database $db kept"
    else
        psql_q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
q() { psql_q -d "$db" -At "$@"; }
fail() { echo "report: $*"; exit 1; }
# the page's checks are in Python's standard library (html.parser, json, zlib)
if ! command -v python3 >/dev/null && [[ ${SKIP_INSTALL:-} != 1 && -z ${SFERUM_IN_ROOT:-} ]] && ((EUID == 0)); then
    ensure_packages python3 >/dev/null
fi
command -v python3 >/dev/null || fail "python3 is needed to check the page (Debian package python3)"
check=(python3 test/shell/report_check.py)
region_name=$'Область <b>«Тест»</b> & "кавычки" \'апостроф\' <script>x</script>'
muni_name=$'Город <i>N</i> & "Сад" \'1\' &amp; &lt;'
org_name=$'Школа <b>№1</b> & "Ромашка" \'тест\' </td>'

# ---- a region: scale 0.05, its organisations over 13 municipalities and the regional bodies
new_region_db "$db" m "$scale" 12 -v region=65 -v region_name="$region_name"
q -v muni="$muni_name" -v org="$org_name" >/dev/null <<'SQL'
INSERT INTO m.municipality (municipality_id, region_code, name)
SELECT 100 + k, '65', 'Район № ' || k FROM generate_series(1, 12) k;
UPDATE m.municipality SET name = :'muni' WHERE municipality_id = 1;
UPDATE m.organisation SET municipality_id = 100 + org_id % 14
 WHERE municipality_id IS NOT NULL AND org_id % 14 BETWEEN 1 AND 12 AND kind <> 'omsu';
-- a region of the mart with no week in the store
INSERT INTO m.region (region_code, name, time_zone) VALUES ('99', 'Пустой регион', 'Europe/Moscow');
-- three schools that never started (no activity of their people at all), the
-- first of them named with markup characters; two that went quiet in December
CREATE TEMP TABLE planted AS
SELECT org_id, row_number() OVER (ORDER BY org_id) AS n
FROM (SELECT org_id FROM m.organisation WHERE kind = 'general' ORDER BY org_id OFFSET 3 LIMIT 5) o;
UPDATE m.organisation SET name = :'org' WHERE org_id = (SELECT org_id FROM planted WHERE n = 1);
DELETE FROM m.activity_daily a USING m.membership ms, planted p
 WHERE ms.org_id = p.org_id AND a.person_id = ms.person_id AND (p.n <= 3 OR a.day >= '2025-12-01');
-- a data-quality finding: activity of someone the registry does not know
INSERT INTO m.person (person_id, region_code) SELECT max(person_id) + 1, '65' FROM m.person;
INSERT INTO m.activity_daily (person_id, day, platform, messages_written, messages_read)
SELECT max(person_id), (SELECT max(day) FROM m.activity_daily), 'national', 3, 1 FROM m.person;
SQL
q -c "SELECT sferum_kpi.create_kpi_views('m', 'kpi')" >/dev/null
read -r first last <<<"$(q -F ' ' -c "SELECT sferum_kpi.week_start(min(day)), sferum_kpi.week_start(max(day) + 1) - 7 FROM m.activity_daily")"
t0=$SECONDS
q -c "SET client_min_messages = warning" -c "SELECT count(*) FROM sferum_kpi.backfill('kpi', '$first', '$last')" >/dev/null
latest=$(q -c "SELECT max(week_start) FILTER (WHERE complete) FROM kpi.refresh_log WHERE region_code = '65'")
early=$(q -c "SELECT DATE '2024-11-18'")   # a week of school year 2024/2025 (vk monitored)
echo "ok: region generated (scale $scale, 13 municipalities), weeks $first .. $last back-filled in $((SECONDS - t0)) s; latest complete week $latest"

# ---- report_html's errors: SQLSTATE and a hint
q >"$tmp/errors" <<SQL
CREATE FUNCTION pg_temp.err(stmt text) RETURNS text LANGUAGE plpgsql AS \$\$
DECLARE st text; hint text;
BEGIN
    EXECUTE stmt;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, hint = PG_EXCEPTION_HINT;
    RETURN st || CASE WHEN coalesce(hint, '') <> '' THEN ' hint' ELSE ' no hint' END;
END \$\$;
SELECT 'null schema', pg_temp.err(\$\$SELECT sferum_kpi.report_html(NULL, '65')\$\$);
SELECT 'null region', pg_temp.err(\$\$SELECT sferum_kpi.report_html('kpi', NULL)\$\$);
SELECT 'no such schema', pg_temp.err(\$\$SELECT sferum_kpi.report_html('nowhere', '65')\$\$);
SELECT 'schema without store', pg_temp.err(\$\$SELECT sferum_kpi.report_html('m', '65')\$\$);
SELECT 'unknown region', pg_temp.err(\$\$SELECT sferum_kpi.report_html('kpi', '77')\$\$);
SELECT 'week not stored', pg_temp.err(\$\$SELECT sferum_kpi.report_html('kpi', '65', '2023-01-04')\$\$);
SELECT 'no complete week', pg_temp.err(\$\$SELECT sferum_kpi.report_html('kpi', '99')\$\$);
SELECT 'infinite week', pg_temp.err(\$\$SELECT sferum_kpi.report_html('kpi', '65', 'infinity')\$\$);
SELECT 'a stored Wednesday', pg_temp.err(\$\$SELECT sferum_kpi.report_html('kpi', '65', '$early'::date + 2)\$\$);
SQL
want=$'null schema|22004 no hint\nnull region|22004 no hint\nno such schema|42P01 hint\nschema without store|42P01 hint
unknown region|22023 hint\nweek not stored|22023 hint\nno complete week|55000 hint\ninfinite week|22008 no hint\na stored Wednesday|no error'
[[ $(cat "$tmp/errors") == "$want" ]] || fail "report_html's errors: got
$(cat "$tmp/errors")
want
$want"
echo "ok: report_html errors: 22004 (NULL), 42P01 (no store), 22023 (unknown region, week not stored), 55000 (no complete week), 22008, with hints"

# ---- scripts/report
report() { PGDATABASE=$db PSQL=$(pgbin)/psql "$root/scripts/report" "$@"; }
root=$PWD
report --help | grep -q '^usage: scripts/report \[--pdf\] \[-o FILE\] \[-s VIEWS_SCHEMA\] REGION \[WEEK\]' || fail "--help prints no usage"
path=$(cd "$tmp" && report 65)
[[ $path == "$tmp/report-65-$latest.html" && -s $path ]] || fail "scripts/report 65 printed '$path', want $tmp/report-65-$latest.html"
path=$(report -s kpi -o "$tmp/early.html" 65 "$early")
[[ $path == "$tmp/early.html" && -s $path ]] || fail "scripts/report -o printed '$path'"
mv "$tmp/report-65-$latest.html" "$tmp/latest.html"
for bad in "77|is not in the data mart|1" "-s nowhere 65|holds no KPI store|1" "65 2023-01-02|is not in the KPI store|1" \
           "65 2025-1-1|WEEK must be a date|1" "|expected REGION|2" "-x 65|unknown option|2"; do
    IFS='|' read -r args msg code <<<"$bad"
    rc=0
    # shellcheck disable=SC2086  # the arguments are words
    report -o "$tmp/bad.html" $args >"$tmp/out" 2>&1 || rc=$?
    if [[ $rc != "$code" ]] || ! grep -q -- "$msg" "$tmp/out" || [[ -e $tmp/bad.html ]]; then
        fail "scripts/report $args: exit $rc, want $code with '$msg' and no file: $(cat "$tmp/out")"
    fi
done
echo "ok: scripts/report writes report-65-$latest.html and -o FILE, prints the path; errors exit 1 (usage 2) with the server's message"

# ---- the oracles: plain SQL over the views and the mart
oracle() {  # week, source of the dashboard rows (a query returning indicator, share, numerator, denominator, met, due, stage)
    q -v week="$1" -v region_name="$region_name" -v muni="$muni_name" -v org="$org_name" <<SQL
WITH main AS (  -- the main indicators: a computed indicator with a stage due in the school year or later
    SELECT DISTINCT tt.indicator FROM sferum_kpi.target tt
    WHERE tt.kind = 'computed' AND tt.deadline >= make_date(sferum_kpi.school_year(:'week'), 9, 1)
), hol AS (     -- the holiday weeks of the school year up to the week, region level
    SELECT DISTINCT i.week_start, i.holiday_kind FROM kpi.indicators i
    WHERE i.level = 'region' AND i.region_code = '65' AND i.holiday
      AND i.week_start BETWEEN sferum_kpi.week_start(make_date(sferum_kpi.school_year(:'week'), 9, 1) + 6) AND :'week'
), fc AS (
    SELECT * FROM sferum_kpi.forecast('kpi', :'week') f WHERE f.region_code = '65'
      AND f.platform IN ('any', sferum_kpi.monitored_platform(:'week'))
)
SELECT json_build_object(
    'region_name', :'region_name',
    'region_plain', regexp_replace(regexp_replace(:'region_name', '[<>]', ' ', 'g'), '\s+', ' ', 'g'),
    'week_label', to_char(:'week'::date, 'DD.MM.YYYY') || ' – ' || to_char(:'week'::date + 6, 'DD.MM.YYYY'),
    'names_shown', json_build_array(:'muni'),
    'org_shown', :'org',
    'indicators', (SELECT json_agg(indicator) FROM sferum_kpi.indicator_definition),
    'dashboard', (SELECT json_agg(d) FROM ($2) d),
    -- below their stage this school year: the headline names each
    'below', (SELECT coalesce(json_agg(i.indicator), '[]') FROM kpi.indicators i
               WHERE i.week_start = :'week' AND i.level = 'region' AND i.region_code = '65' AND i.monitored
                 AND i.target_met IS FALSE AND i.target_deadline >= make_date(sferum_kpi.school_year(:'week'), 9, 1)),
    -- every municipality (and the regional bodies) with a row of a main indicator
    'municipalities', (SELECT json_agg(DISTINCT coalesce(i.municipality_name, '—')) FROM kpi.indicators i
                        WHERE i.week_start = :'week' AND i.level = 'municipality' AND i.region_code = '65' AND i.monitored
                          AND i.indicator IN (SELECT indicator FROM main)),
    'resp_rows', (SELECT count(*) FROM kpi.indicators i
                   WHERE i.week_start = :'week' AND i.level = 'municipality' AND i.region_code = '65' AND i.monitored
                     AND i.indicator IN (SELECT indicator FROM main)),
    'spark', (SELECT json_object_agg(n.indicator, sign(n.share - o.share))
                FROM kpi.indicators n JOIN kpi.indicators o
                  ON o.indicator = n.indicator AND o.platform = n.platform AND o.level = 'region' AND o.region_code = '65'
                 AND o.week_start = :'week'::date - 49
               WHERE n.week_start = :'week' AND n.level = 'region' AND n.region_code = '65' AND n.monitored
                 AND abs(n.share - o.share) > 0.005),
    'dots', (SELECT json_object_agg(d.indicator, (SELECT count(*) FROM kpi.indicators i
                                                   WHERE i.indicator = d.indicator AND i.level = 'region' AND i.region_code = '65'
                                                     AND i.monitored AND i.share IS NOT NULL
                                                     AND i.week_start >= make_date(sferum_kpi.school_year(:'week'), 9, 1)
                                                     AND i.week_start <= :'week'))
             FROM sferum_kpi.indicator_definition d),
    -- runs of holiday weeks: a week whose week before is no holiday week of the same kind starts one
    'holiday_runs', (SELECT count(*) FROM hol h WHERE NOT EXISTS (SELECT 1 FROM hol p WHERE p.week_start = h.week_start - 7
                                                                    AND p.holiday_kind IS NOT DISTINCT FROM h.holiday_kind)),
    'bands', (SELECT coalesce(json_agg(f.indicator), '[]') FROM fc f
               WHERE f.level = 'region' AND f.deadline > :'week' AND f.projected_share IS NOT NULL
                 AND f.verdict NOT LIKE 'deadline%'),
    'staged', (SELECT coalesce(json_agg(i.indicator), '[]') FROM kpi.indicators i
                WHERE i.week_start = :'week' AND i.level = 'region' AND i.region_code = '65' AND i.monitored
                  AND i.target_threshold IS NOT NULL),
    'based', (SELECT coalesce(json_agg(DISTINCT t.indicator), '[]') FROM sferum_kpi.target t
               WHERE t.rule = 'baseline_max' AND sferum_kpi.baseline(t.indicator, '65') IS NOT NULL),
    'stages_total', (SELECT count(*) FROM kpi.stage_results s WHERE s.region_code = '65'),
    'stages_muni', (SELECT count(*) FROM kpi.stage_results s WHERE s.region_code = '65' AND s.level = 'municipality'
                      AND s.deadline >= make_date(sferum_kpi.school_year(:'week'), 9, 1)),
    'actions', (SELECT coalesce(json_object_agg(a.reason, a.n), '{}') FROM (SELECT reason, count(*) AS n FROM kpi.action_list
                                                                            WHERE week_start = :'week' AND region_code = '65' GROUP BY reason) a),
    'dq_rows', (SELECT coalesce(json_agg(q."check"), '[]') FROM kpi.data_quality q
                 WHERE q.count > 0 AND (q.region_code IS NULL OR q.region_code = '65')),
    'fresh', (SELECT to_char(l.last_activity_day, 'DD.MM.YYYY') FROM kpi.refresh_log l WHERE l.region_code = '65' AND l.week_start = :'week'),
    'stale', (SELECT (now() AT TIME ZONE r.time_zone)::date - (max(l.week_start) FILTER (WHERE l.complete) + 6) > 14
                FROM kpi.refresh_log l JOIN m.region r ON r.region_code = l.region_code WHERE l.region_code = '65' GROUP BY r.time_zone))
SQL
}
oracle "$latest" "SELECT indicator, share, numerator, denominator, target_met AS met, target_due AS due, target_stage AS stage
                  FROM kpi.dashboard WHERE region_code = '65'" >"$tmp/oracle_latest.json"
oracle "$early" "SELECT i.indicator, i.share, i.numerator, i.denominator, i.target_met AS met, i.target_due AS due, i.target_stage AS stage
                 FROM kpi.indicators i
                 WHERE i.week_start = :'week' AND i.level = 'region' AND i.region_code = '65' AND i.monitored
                   AND EXISTS (SELECT 1 FROM sferum_kpi.target t WHERE t.indicator = i.indicator)
                 UNION ALL
                 SELECT t.indicator, p.done::float8 / nullif(p.total, 0), p.done, p.total,
                        CASE WHEN p.total > 0 THEN p.done >= t.threshold * p.total END, t.deadline <= :'week'::date + 6, t.stage
                 FROM sferum_kpi.target t
                 LEFT JOIN LATERAL (SELECT * FROM m.milestone_progress mp WHERE mp.region_code = '65' AND mp.indicator = t.indicator
                                      AND mp.reported_on <= :'week'::date + 6 ORDER BY mp.reported_on DESC LIMIT 1) p ON true
                 WHERE t.kind = 'milestone'" >"$tmp/oracle_early.json"

# ---- the page as written
"${check[@]}" page "$tmp/latest.html" "$tmp/oracle_latest.json"
"${check[@]}" page "$tmp/early.html" "$tmp/oracle_early.json"

# ---- hand-built cases: the organisations to call capped at 2 with «и ещё N», the CSV complete;
# the stale-data warning and the freshness line against a store whose last week is today's
cat >"$tmp/cap.sql" <<'SQL'
WITH l AS (SELECT max(week_start) FILTER (WHERE complete) AS w FROM kpi.refresh_log WHERE region_code = '65'),
     p AS (SELECT sferum_kpi.report_actions(jsonb_build_object('views', 'kpi', 'region', '65', 'week', l.w), 2) AS html FROM l)
SELECT (SELECT count(*) FROM kpi.action_list a, l WHERE a.region_code = '65' AND a.week_start = l.w AND a.reason = 'below_stage'),
       -- the group of the reason: up to the next group or the download link
       (SELECT count(*) FROM regexp_matches(substring(p.html FROM 'data-reason="below_stage"(.*?)(<div class="reason"|<p class="download")'),
                                            '<tr class="org">', 'g')),
       replace(substring(substring(p.html FROM 'data-reason="below_stage"(.*?)(<div class="reason"|<p class="download")')
                         FROM 'и ещё ([0-9  ]+) организац'), ' ', ''),
       substring(p.html FROM 'data-rows="([0-9]+)"')
FROM p
SQL
read -r total shown more csvrows <<<"$(q -F ' ' -f "$tmp/cap.sql")"
all=$(q -c "SELECT count(*) FROM kpi.action_list WHERE region_code = '65' AND week_start = '$latest'")
if ((total > 2)); then
    [[ $shown == 2 && $more == $((total - 2)) && $csvrows == "$all" ]] ||
        fail "the organisations below their stage capped at 2 of $total show $shown rows, «и ещё ${more:-nothing}», CSV $csvrows rows; want 2, $((total - 2)), $all"
    echo "ok: organisations to call capped at 2 of $total: «и ещё $more»; the CSV holds all $all"
else
    fail "the generated region has $total organisations below their stage in $latest: too few to test the cap"
fi
fresh=$(q -c "SELECT (regexp_match(sferum_kpi.report_html('kpi', '65'), 'class=\"stale\" role=\"alert\"')) IS NOT NULL")
stale_want=$(q -c "SELECT (now() AT TIME ZONE r.time_zone)::date - ('$latest'::date + 6) > 14 FROM m.region r WHERE r.region_code = '65'")
[[ $fresh == "$stale_want" ]] || fail "the stale-data warning is $fresh, want $stale_want (latest week $latest)"
echo "ok: the stale-data warning is $fresh for a latest week ending $(q -c "SELECT '$latest'::date + 6")"

# ---- rendered by headless Chromium
browser=${CHROMIUM:-chromium}
if ! command -v "$browser" >/dev/null && [[ $browser == chromium && ${SKIP_INSTALL:-} != 1 && -z ${SFERUM_IN_ROOT:-} ]] && ((EUID == 0)); then
    ensure_packages chromium fonts-dejavu-core >/dev/null
fi
if ! command -v "$browser" >/dev/null; then
    echo "render skipped: no chromium (the page was checked as written)"
    exit 0
fi
chrome=(timeout 180 "$browser" --headless --disable-gpu --hide-scrollbars --no-first-run --disable-extensions
        --disable-background-networking --disable-dev-shm-usage --user-data-dir="$tmp/chrome")
((EUID == 0)) && chrome+=(--no-sandbox)   # Chromium refuses to run as root with its sandbox
url=file://$tmp/latest.html
"${chrome[@]}" --dump-dom "$url" >"$tmp/latest.dom.html" 2>"$tmp/chrome.log" ||
    fail "chromium --dump-dom failed: $(tail -5 "$tmp/chrome.log")"
"${check[@]}" dom "$tmp/latest.dom.html" "$tmp/oracle_latest.json"
"${chrome[@]}" --screenshot="$tmp/latest.png" --window-size=1280,6000 "$url" >/dev/null 2>>"$tmp/chrome.log" ||
    fail "chromium --screenshot failed: $(tail -5 "$tmp/chrome.log")"
[[ -s $tmp/latest.png ]] || fail "chromium wrote no screenshot"
"${check[@]}" png "$tmp/latest.png" 1280 6000
"${chrome[@]}" --screenshot="$tmp/phone.png" --window-size=390,8000 "$url" >/dev/null 2>>"$tmp/chrome.log" ||
    fail "chromium --screenshot at 390 px failed: $(tail -5 "$tmp/chrome.log")"
"${check[@]}" phone "$tmp/phone.png"
# the PDF as scripts/report --pdf writes it (headless Chromium, CSS paged media)
pdfpaths=$(cd "$tmp" && CHROMIUM=$browser report --pdf -o "$tmp/printed.html" 65) ||
    fail "scripts/report --pdf failed: $pdfpaths"
[[ $pdfpaths == "$tmp/printed.html"$'\n'"$tmp/printed.pdf" && -s $tmp/printed.pdf ]] ||
    fail "scripts/report --pdf printed '$pdfpaths', want the page and $tmp/printed.pdf"
mv "$tmp/printed.pdf" "$tmp/latest.pdf"
command -v pdftotext >/dev/null || { [[ ${SKIP_INSTALL:-} != 1 && -z ${SFERUM_IN_ROOT:-} ]] && ((EUID == 0)) && ensure_packages poppler-utils >/dev/null; }
if command -v pdftotext >/dev/null; then
    pdftotext -bbox "$tmp/latest.pdf" "$tmp/latest.bbox.html"
    "${check[@]}" pdf "$tmp/latest.pdf" "$tmp/latest.bbox.html" "$tmp/oracle_latest.json"
else
    echo "pdf text checks skipped: no pdftotext (Debian package poppler-utils)"
fi
# without a browser, --pdf says so and still leaves the page
rc=0
out=$(cd "$tmp" && CHROMIUM=no-such-browser report --pdf -o "$tmp/nobrowser.html" 65 2>&1) || rc=$?
[[ $rc == 1 && $out == *"no Chromium"* && -s $tmp/nobrowser.html ]] || fail "scripts/report --pdf without a browser: exit $rc: $out"
echo "ok: rendered by $("$browser" --version 2>/dev/null | head -1); scripts/report --pdf"
