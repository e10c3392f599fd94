--------------------------------------------------------------------------------
-- The BI views of a national store (1.5, see national.sql): the columns of a
-- region's views (plain types, labels, time), every region's rows plus the
-- national total (level country, region_code NULL, region_name «Российская
-- Федерация»), and stale on every row: true while the region's last pull
-- failed or its latest complete week is older than the other regions' latest;
-- a country row is stale while one of its regions is, or a region is missing
-- from it.  pull_log says, per region, how the pulls went.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.build_national_views(national_schema name, min_cell integer, or_replace boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    args jsonb;
    v text;
    c record;
    stale_comment constant text := 'true while the region''s last pull failed or its latest complete week is older than the latest of the other regions (country rows: while one of the regions is stale or missing from the sum).';
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('national_schema', national_schema, 'min_cell', min_cell, 'or_replace', or_replace));
    args := jsonb_build_object('create_view', @extschema@.create_view_sql(or_replace),
                               'n', national_schema, 'min_cell', min_cell, 'country', 'Российская Федерация',
                               'judged', @extschema@.judged_columns(min_cell));
    IF NOT or_replace THEN
        -- the lookups of the views below: a region's (or the country's, '') rows of an indicator and level by week
        EXECUTE @extschema@.render('CREATE INDEX ON {{n:I}}.store ((coalesce(region_code, '''')), indicator, level, week_start);
                                    CREATE INDEX ON {{n:I}}.store (region_code, indicator, level, week_start)', args);
    END IF;
    EXECUTE @extschema@.render($v$
{{create_view:S}} {{n:I}}.pull_log AS
SELECT r.region_code, r.region_name, r.server_name, r.views_schema, r.organisations,
       r.last_pull_at AS last_pull, r.last_success_at AS last_success, r.last_refresh_at AS region_last_refresh,
       h.held_refresh, pg_catalog.now() - h.held_refresh AS lag, h.latest_week,
       ((max(h.latest_week) OVER () - h.latest_week) / 7)::integer AS weeks_behind,
       coalesce(h.weeks, 0)::integer AS weeks_held, coalesce(h.rows_held, 0)::bigint AS rows_held,
       (coalesce(r.last_error_at > coalesce(r.last_success_at, '-infinity'), false)
        OR h.latest_week IS NULL OR h.latest_week < max(h.latest_week) OVER ()) AS stale,
       r.last_error, r.last_error_at
FROM {{n:I}}.shard_region r
LEFT JOIN (SELECT p.region_code, max(p.week_start) FILTER (WHERE p.complete) AS latest_week,
                  max(p.refreshed_at) AS held_refresh, count(*) AS weeks, sum(p.rows_pulled) AS rows_held
           FROM {{n:I}}.pulled p GROUP BY p.region_code) h ON h.region_code = r.region_code;

-- the latest complete week of each region, and the country's (the latest of all)
{{create_view:S}} {{n:I}}.latest_weeks AS
SELECT l.region_code, coalesce(l.region_code, '') AS region_key, l.region_name, l.week_start, l.stale
FROM (SELECT pl.region_code, pl.region_name, pl.latest_week AS week_start, pl.stale FROM {{n:I}}.pull_log pl
      UNION ALL
      SELECT NULL, {{country:L}}, max(pl.latest_week), coalesce(bool_or(pl.stale), false) FROM {{n:I}}.pull_log pl) l
WHERE l.week_start IS NOT NULL;

{{create_view:S}} {{n:I}}.indicators AS
SELECT s.indicator, d.title_ru, d.title_en, s.week_start, s.time, s.platform,
       (s.platform = 'any' OR s.platform = @extschema@.monitored_platform(s.week_start)) AS monitored,
       s.level, CASE WHEN s.level = 'country' THEN {{country:L}} ELSE lv.ru END AS level_ru, s.region_code,
       CASE WHEN s.level = 'country' THEN {{country:L}} ELSE pl.region_name END AS region_name,
       s.municipality_id,
       CASE WHEN s.municipality_id IS NOT NULL THEN s.municipality_name
            WHEN s.level IN ('municipality', 'organisation') THEN rb.ru END AS municipality_name,
       s.org_kind, k.ru AS org_kind_ru, s.org_id, s.org_name,
       {{judged:S}},
       x.suppressed, s.holiday, s.holiday_kind, hk.ru AS holiday_kind_ru,
       CASE WHEN s.level = 'country' THEN st.any_stale OR s.regions < st.attached ELSE coalesce(pl.stale, true) END AS stale,
       s.regions
FROM {{n:I}}.store s
LEFT JOIN @extschema@.indicator_definition d ON d.indicator = s.indicator
LEFT JOIN {{n:I}}.pull_log pl ON pl.region_code = s.region_code
CROSS JOIN (SELECT coalesce(bool_or(p.stale), false) AS any_stale, count(*) AS attached FROM {{n:I}}.pull_log p) st
LEFT JOIN @extschema@.label lv ON lv.kind = 'level' AND lv.code = s.level
LEFT JOIN @extschema@.label k ON k.kind = 'org_kind' AND k.code = s.org_kind
LEFT JOIN @extschema@.label hk ON hk.kind = 'holiday' AND hk.code = s.holiday_kind
LEFT JOIN @extschema@.label rb ON rb.kind = 'group' AND rb.code = 'regional_bodies'
CROSS JOIN LATERAL (SELECT coalesce(d.unit = 'person' AND s.level NOT IN ('region', 'country')
                                    AND s.denominator < {{min_cell:L}}, false) AS suppressed) x;

{{create_view:S}} {{n:I}}.latest AS
SELECT i.*
FROM {{n:I}}.indicators i
-- the first condition lets the store's indexes find the weeks, the second keeps
-- each region (and the country) to its own week
WHERE i.week_start = ANY (ARRAY(SELECT lw.week_start FROM {{n:I}}.latest_weeks lw))
  AND (coalesce(i.region_code, ''), i.week_start) IN (SELECT lw.region_key, lw.week_start FROM {{n:I}}.latest_weeks lw);

-- the dashboard computed; refresh_national keeps a copy in dashboard_rows,
-- which the dashboard view reads (a BI dashboard in milliseconds)
{{create_view:S}} {{n:I}}.dashboard_live AS
WITH cur AS (
    SELECT s.*, lw.region_key, lw.region_name
    FROM {{n:I}}.latest_weeks lw
    JOIN {{n:I}}.store s ON s.week_start = lw.week_start AND coalesce(s.region_code, '') = lw.region_key
     AND s.level IN ('region', 'country')
     AND (s.platform = 'any' OR s.platform = @extschema@.monitored_platform(s.week_start))
), hist AS (
    -- the 8 weeks up to the latest, read in one pass
    SELECT c.region_key, c.indicator, c.platform,
           jsonb_object_agg(((c.week_start - h.week_start) / 7)::text,
                            CASE WHEN h.denominator = 0 THEN '·'
                                 ELSE substr('▁▂▃▄▅▆▇█', 1 + least(7, floor(8 * LEAST(h.numerator, h.denominator)::double precision
                                                                           / h.denominator))::integer, 1) END) AS bars,
           max(CASE WHEN h.denominator > 0 THEN LEAST(h.numerator, h.denominator)::double precision / h.denominator END)
               FILTER (WHERE h.week_start = c.week_start - 7) AS previous_share
    FROM cur c
    JOIN {{n:I}}.store h ON coalesce(h.region_code, '') = c.region_key AND h.indicator = c.indicator AND h.level = c.level
     AND h.week_start BETWEEN c.week_start - 49 AND c.week_start AND h.platform = c.platform
    GROUP BY c.region_key, c.indicator, c.platform
)
SELECT c.region_code, c.region_name, c.indicator, d.title_ru, d.title_en, 'computed'::text AS kind, c.platform, c.week_start,
       c.numerator, c.denominator,
       CASE WHEN c.denominator > 0 THEN LEAST(c.numerator, c.denominator)::double precision / c.denominator END AS share,
       h.previous_share,
       CASE WHEN c.denominator > 0 THEN LEAST(c.numerator, c.denominator)::double precision / c.denominator END
           - h.previous_share AS change,
       (SELECT string_agg(coalesce(h.bars ->> w::text, '·'), '' ORDER BY w DESC) FROM generate_series(0, 7) w) AS trend,
       c.target_stage, c.target_deadline, c.target_comparison, c.target_threshold, c.target_met, c.target_due,
       c.target_in_force, c.short_by, c.regions
FROM cur c
LEFT JOIN hist h ON h.region_key = c.region_key AND h.indicator = c.indicator AND h.platform = c.platform
LEFT JOIN @extschema@.indicator_definition d ON d.indicator = c.indicator;

{{create_view:S}} {{n:I}}.rankings AS
SELECT r.indicator, d.title_ru, r.week_start, r.platform, 'region'::text AS level, lv.ru AS level_ru, r.region_code,
       pl.region_name, r.numerator, r.denominator, r.share, 100 * r.share AS share_pct, r.previous_share, r.change_pp,
       r.rank, r.ranked, r.previous_rank,
       CASE WHEN r.change_pp > 0 AND r.rise <= 5 THEN 'top' WHEN r.change_pp < 0 AND r.fall <= 5 THEN 'bottom' END AS mover,
       r.rag, rg.ru AS rag_ru, r.target_stage, r.target_comparison, r.target_threshold, r.target_met, r.tied,
       coalesce(pl.stale, true) AS stale
FROM (
    SELECT c.*,
           rank() OVER (PARTITION BY c.week_start, c.indicator, c.platform, c.change_pp > 0 ORDER BY c.change_pp DESC) AS rise,
           rank() OVER (PARTITION BY c.week_start, c.indicator, c.platform, c.change_pp < 0 ORDER BY c.change_pp) AS fall
    FROM (SELECT DISTINCT p.week_start FROM {{n:I}}.pulled p) wk
    CROSS JOIN LATERAL (
        SELECT t.*, 100 * (t.share - t.previous_share) AS change_pp
        FROM (SELECT w.*,
                     CASE WHEN lag(w.week_start) OVER g = w.week_start - 7 THEN lag(w.share) OVER g END AS previous_share,
                     CASE WHEN lag(w.week_start) OVER g = w.week_start - 7 THEN lag(w.rank) OVER g END AS previous_rank
              FROM (SELECT s.week_start, s.indicator, s.platform, s.region_code, s.numerator, s.denominator, x.share,
                           s.target_stage, s.target_comparison, s.target_threshold, s.target_met,
                           CASE WHEN x.share IS NOT NULL
                                THEN rank() OVER (PARTITION BY s.week_start, s.indicator, s.platform, x.share IS NULL
                                                  ORDER BY x.share DESC) END AS rank,
                           count(x.share) OVER (PARTITION BY s.week_start, s.indicator, s.platform) AS ranked,
                           CASE WHEN x.share IS NOT NULL
                                THEN count(*) OVER (PARTITION BY s.week_start, s.indicator, s.platform, x.share) - 1 END AS tied,
                           @extschema@.rag(x.share, s.numerator, s.denominator, s.target_threshold, s.target_met) AS rag
                    FROM {{n:I}}.store s
                    CROSS JOIN LATERAL (SELECT CASE WHEN s.denominator > 0
                                                    THEN LEAST(s.numerator, s.denominator)::double precision / s.denominator END AS share) x
                    WHERE s.week_start IN (wk.week_start, wk.week_start - 7) AND s.level = 'region'
                      AND s.platform IN ('any', @extschema@.monitored_platform(wk.week_start))) w
              WINDOW g AS (PARTITION BY w.indicator, w.platform, w.region_code ORDER BY w.week_start)) t
        WHERE t.week_start = wk.week_start) c
) r
LEFT JOIN {{n:I}}.pull_log pl ON pl.region_code = r.region_code
LEFT JOIN @extschema@.indicator_definition d ON d.indicator = r.indicator
LEFT JOIN @extschema@.label lv ON lv.kind = 'level' AND lv.code = 'region'
LEFT JOIN @extschema@.label rg ON rg.kind = 'rag' AND rg.code = r.rag;
$v$, args);
    IF to_regclass(format('%I.dashboard_rows', national_schema)) IS NULL THEN
        EXECUTE @extschema@.render($ddl$
CREATE TABLE {{n:I}}.dashboard_rows AS SELECT * FROM {{n:I}}.dashboard_live WITH NO DATA;
COMMENT ON TABLE {{n:I}}.dashboard_rows IS 'The rows of dashboard_live as of the last refresh_national that pulled something (or detach_region): what the view dashboard reads, with stale computed when it is read.';
$ddl$, args);
    END IF;
    EXECUTE @extschema@.render($v$
{{create_view:S}} {{n:I}}.dashboard AS
SELECT d.region_code, d.region_name, d.indicator, d.title_ru, d.title_en, d.kind, d.platform, d.week_start,
       d.numerator, d.denominator, d.share, d.previous_share, d.change, d.trend,
       d.target_stage, d.target_deadline, d.target_comparison, d.target_threshold, d.target_met, d.target_due,
       d.target_in_force, d.short_by,
       CASE WHEN d.region_code IS NULL THEN st.any_stale OR d.regions < st.attached
            ELSE coalesce(pl.stale, true) END AS stale,
       d.regions
FROM {{n:I}}.dashboard_rows d
LEFT JOIN {{n:I}}.pull_log pl ON pl.region_code = d.region_code
CROSS JOIN (SELECT coalesce(bool_or(p.stale), false) AS any_stale, count(*) AS attached FROM {{n:I}}.pull_log p) st;
$v$, args);
    PERFORM @extschema@.national_dashboard(national_schema);
    PERFORM @extschema@.build_national_forecast_views(national_schema, min_cell, or_replace);

    PERFORM @extschema@.comment_kpi_view(national_schema, 'pull_log',
        'Per attached region: the shard it is pulled from, the last pull, the last successful one, the region''s last refresh seen on the shard, how old the newest figures held are (lag), its latest complete week, how many weeks it is behind the latest region, whether its figures are stale and the last error of a failed pull.');
    PERFORM @extschema@.comment_kpi_view(national_schema, 'latest_weeks',
        'The latest complete week held for each region and for the country (the latest of all regions), with the stale flag.');
    PERFORM @extschema@.comment_kpi_view(national_schema, 'indicators',
        'What national BI tools read: every indicator, platform and group per week of every attached region, as the regions stored it (pulled by refresh_national), plus the national total (level country: the sums of the regions'' numerators and denominators, judged against the federal stage); plain types, Russian labels, Grafana''s time column, stale. Aggregates only.');
    PERFORM @extschema@.comment_kpi_view(national_schema, 'latest',
        'indicators at the latest complete week of each region, and the national total at the latest week of all.');
    PERFORM @extschema@.comment_kpi_view(national_schema, 'dashboard',
        'One row per region and indicator, and one per indicator for the country: the latest complete week on the monitored platform against the stage of that week, with the week before, the change, an 8-week trend and stale. Computed indicators only (milestones are reported by the regions). Read from the copy of dashboard_live that refresh_national keeps (stale is computed when read).');
    PERFORM @extschema@.comment_kpi_view(national_schema, 'dashboard_live',
        'The dashboard computed from the national store now (the view dashboard reads the copy refresh_national keeps of it).');
    PERFORM @extschema@.comment_kpi_view(national_schema, 'rankings',
        'The regions ranked per week, indicator and monitored platform by share (equal shares the same rank), with the week before''s share and rank, the week''s movers and red/amber/green against the stage of the week.');
    FOREACH v IN ARRAY ARRAY['indicators', 'latest', 'dashboard', 'rankings', 'pull_log', 'latest_weeks'] LOOP
        EXECUTE format('COMMENT ON COLUMN %I.%I.stale IS %L', national_schema, v, stale_comment);
    END LOOP;
    FOR c IN SELECT * FROM (VALUES
        ('pull_log', 'server_name', 'postgres_fdw server of the shard holding the region.'),
        ('pull_log', 'views_schema', 'Schema of the KPI store on the shard.'),
        ('pull_log', 'organisations', 'Whether the organisation level is pulled too.'),
        ('pull_log', 'last_pull', 'When refresh_national last tried the region.'),
        ('pull_log', 'last_success', 'When a pull of the region last succeeded.'),
        ('pull_log', 'region_last_refresh', 'The region''s latest refresh on the shard (refresh_log.refreshed_at) seen by the last successful pull.'),
        ('pull_log', 'held_refresh', 'The latest refresh of the region''s figures held here.'),
        ('pull_log', 'lag', 'now() - held_refresh: how old the newest figures held are.'),
        ('pull_log', 'latest_week', 'The latest complete week held for the region.'),
        ('pull_log', 'weeks_behind', 'Weeks between latest_week and the latest of all regions.'),
        ('pull_log', 'weeks_held', 'Region-weeks held.'),
        ('pull_log', 'rows_held', 'Store rows pulled for the region-weeks held.'),
        ('pull_log', 'last_error', 'Error of the last failed pull (SQLSTATE: message); stale while it is newer than last_success.'),
        ('pull_log', 'last_error_at', 'When that pull failed.'),
        ('latest_weeks', 'region_key', 'region_code, or the empty string for the country.'),
        ('indicators', 'regions', 'Country rows: how many regions were summed; NULL on the regions'' rows.'),
        ('latest', 'regions', 'Country rows: how many regions were summed; NULL on the regions'' rows.'),
        ('dashboard', 'regions', 'Country rows: how many regions were summed; NULL on the regions'' rows.'),
        ('dashboard', 'kind', 'computed: indicators computed from the regions'' stores.'),
        ('dashboard_live', 'regions', 'Country rows: how many regions were summed; NULL on the regions'' rows.'),
        ('dashboard_live', 'kind', 'computed: indicators computed from the regions'' stores.')) AS x(view_name, column_name, what) LOOP
        EXECUTE format('COMMENT ON COLUMN %I.%I.%I IS %L', national_schema, c.view_name, c.column_name, c.what);
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION @extschema@.build_national_views(name, integer, boolean) IS
'Internal: write the BI views of a national store (create_national_store); or_replace re-creates them in place (rebuild_views).';

CREATE FUNCTION @extschema@.national_dashboard(national_schema name)
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    n bigint;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('national_schema', national_schema));
    PERFORM @extschema@.require_schema(national_schema, 'national store', 'Create one with sferum_kpi.create_national_store(schema).', '{dashboard_rows}');
    EXECUTE format('DELETE FROM %I.dashboard_rows', national_schema);
    EXECUTE format('INSERT INTO %I.dashboard_rows SELECT * FROM %I.dashboard_live', national_schema, national_schema);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$fn$;
COMMENT ON FUNCTION @extschema@.national_dashboard(name) IS
'Internal: replace the copy of dashboard_live in dashboard_rows of a national store (refresh_national after a pull, detach_region, build_national_views). Returns its rows.';
