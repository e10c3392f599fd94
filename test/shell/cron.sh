#!/usr/bin/env bash
# The weekly snapshot as a pg_cron job (the cluster of test/run preloads pg_cron
# with cron.database_name=postgres and background workers): schedule the job that
# docs/operations.md shows, let pg_cron run it, and check the history rows it wrote.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/pgenv.sh
db=cron_$$
trap 'psql_q -d postgres -c "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = '"'"'sferum-kpi-test'"'"'" >/dev/null 2>&1 || true
      psql_q -c "DROP DATABASE IF EXISTS $db"' EXIT

psql_q -c "CREATE DATABASE $db"
psql_q -d "$db" -c 'CREATE EXTENSION sferum_kpi' -f test/fixtures/tiny_region.sql >/dev/null
psql_q -d postgres -c 'CREATE EXTENSION IF NOT EXISTS pg_cron'

# Every minute here so that the test need not wait for 03:00; the form of docs/operations.md is
# '15 3 * * *' (every night: the last 4 weeks, for the data that arrives late).
psql_q -d postgres -At -c "SELECT cron.schedule_in_database('sferum-kpi-test', '* * * * *',
    \$\$SELECT * FROM sferum_kpi.refresh_recent('tiny_kpi', 2)\$\$, '$db')" >/dev/null

echo "waiting for pg_cron to run the job (at most 90 s)"
for _ in $(seq 1 90); do
    status=$(psql_q -d postgres -At -c "SELECT d.status FROM cron.job_run_details d JOIN cron.job j USING (jobid)
                                          WHERE j.jobname = 'sferum-kpi-test' ORDER BY d.runid DESC LIMIT 1")
    case "$status" in
        succeeded) break ;;
        failed) psql_q -d postgres -c "SELECT return_message FROM cron.job_run_details ORDER BY runid DESC LIMIT 1"; exit 1 ;;
    esac
    sleep 1
done
[[ "$status" == succeeded ]] || { echo "pg_cron did not run the job (last status: ${status:-none})"; exit 1; }

rows=$(psql_q -d "$db" -At -c "SELECT count(*) FROM sferum_kpi.indicator_history WHERE region_code = 'T1' AND week = '2024-09-09'")
value=$(psql_q -d "$db" -At -c "SELECT value FROM sferum_kpi.indicator_history
                                 WHERE region_code = 'T1' AND week = '2024-09-09'
                                   AND indicator = 'staff_weekly_writers' AND platform = 'vk'")
logged=$(psql_q -d "$db" -At -c "SELECT string_agg(week_start || ':' || complete, ' ' ORDER BY week_start) FROM tiny_kpi.refresh_log")
stored=$(psql_q -d "$db" -At -c "SELECT count(*) FROM tiny_kpi.store")
[[ "$rows" == 16 && "$value" == 4/7 && "$logged" == "2024-09-02:true 2024-09-09:true" && "$stored" == 360 ]] ||
    { echo "after the cron job: history $rows rows, staff_weekly_writers vk = $value, refresh_log '$logged', store $stored rows" \
           "(want 16 rows, 4/7, both weeks complete, 360 store rows)"; exit 1; }
echo "pg_cron job (refresh_recent) stored 2 weeks ($stored rows) and $rows history rows for week 2024-09-09 (staff_weekly_writers vk = $value)"
