--------------------------------------------------------------------------------
-- The weekly KPI store's tables (sql/store.sql says what the store is):
-- build_store makes <views>.store, its partitions by school year and
-- <views>.refresh_log; store_series_indexes the indexes of one group's series;
-- store_partition a school year's partition.  refresh_week (sql/store.sql)
-- fills them.
--------------------------------------------------------------------------------

-- One organisation's or one municipality's weekly series (a BI drill-down,
-- every indicator): an index leading with the group, so that the series is
-- read by index instead of a scan of the store (1.5; the store's own indexes
-- lead with the indicator).  Made for a store of an earlier release when its
-- views are rebuilt (a few seconds a million rows).
CREATE FUNCTION @extschema@.store_series_indexes(views_schema name)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema));
    PERFORM @extschema@.require_schema(views_schema, 'KPI store', 'Create the views with sferum_kpi.create_kpi_views(mart_schema, views_schema).', '{store}');
    IF to_regclass(format('%I.store_org_series', views_schema)) IS NULL THEN
        EXECUTE @extschema@.render('CREATE INDEX store_org_series ON {{views:I}}.store (org_id, week_start) WHERE org_id IS NOT NULL',
                                   jsonb_build_object('views', views_schema));
    END IF;
    IF to_regclass(format('%I.store_municipality_series', views_schema)) IS NULL THEN
        EXECUTE @extschema@.render($ddl$CREATE INDEX store_municipality_series ON {{views:I}}.store (municipality_id, week_start) WHERE level = 'municipality'$ddl$,
                                   jsonb_build_object('views', views_schema));
    END IF;
END
$fn$;
COMMENT ON FUNCTION @extschema@.store_series_indexes(name) IS
'Internal: the indexes of one organisation''s and one municipality''s weekly series on the KPI store of views_schema, when missing (build_store).';

-- The columns of a weekly store, as the KPI store has them and the national
-- store (sql/national.sql) pulls them: one row per week, indicator, platform
-- and group, with the target judgement at refresh time.
CREATE FUNCTION @extschema@.store_columns(region_required boolean)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    RETURN @extschema@.render($c$    week_start        date   NOT NULL,
    indicator         text   NOT NULL,
    platform          text   NOT NULL,
    level             text   NOT NULL,
    region_code       text{{region_code:S}},
    municipality_id   bigint,
    org_kind          text,
    org_id            bigint,
    time              timestamptz NOT NULL,
    numerator         bigint NOT NULL,
    denominator       bigint NOT NULL,
    target_stage      integer,
    target_deadline   date,
    target_comparison text,
    target_threshold  double precision,
    target_in_force   boolean,
    target_due        boolean,
    target_met        boolean,
    short_by          bigint,
    municipality_name text,
    org_name          text,
    holiday           boolean NOT NULL DEFAULT false,
    holiday_kind      text$c$,
                              jsonb_build_object('region_code', CASE WHEN region_required THEN '   NOT NULL' ELSE '' END));
END
$fn$;
COMMENT ON FUNCTION @extschema@.store_columns(boolean) IS
'Internal: the column definitions (week_start .. holiday_kind) of a weekly store, for CREATE TABLE: the KPI store (build_store; region_required: region_code NOT NULL) and the national store (create_national_store; its country rows have no region).';

CREATE FUNCTION @extschema@.build_store(views_schema name, mart name)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v text := quote_ident(views_schema);
    sy integer;
    holiday_comments constant text := $c$
COMMENT ON COLUMN {{views:I}}.store.holiday IS 'true when the week is a holiday week of the region (at least 3 of its Monday-Friday days in the mart''s school_holiday), as of the refresh or of refresh_holidays(); false without a calendar.';
COMMENT ON COLUMN {{views:I}}.store.holiday_kind IS 'autumn, winter, spring, summer or other: the holiday of most of those days; NULL outside holiday weeks.';$c$;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema));
    IF to_regclass(format('%s.store', v)) IS NOT NULL THEN
        -- a store made before 1.5: the holiday columns, false until the weeks
        -- are refreshed or refresh_holidays() reads the calendar (instant: a
        -- constant default is not written into the rows)
        IF NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = format('%s.store', v)::regclass
                                                      AND a.attname = 'holiday' AND NOT a.attisdropped) THEN
            EXECUTE @extschema@.render($ddl$
ALTER TABLE {{views:I}}.store ADD COLUMN holiday boolean NOT NULL DEFAULT false, ADD COLUMN holiday_kind text;
{{comments:S}}$ddl$, jsonb_build_object('views', views_schema,
                'comments', @extschema@.render(holiday_comments, jsonb_build_object('views', views_schema))));
        END IF;
        PERFORM @extschema@.store_series_indexes(views_schema);
        RETURN;
    END IF;
    EXECUTE @extschema@.render($ddl$
CREATE TABLE {{views:I}}.store (
{{columns:S}},
    CONSTRAINT store_key UNIQUE NULLS NOT DISTINCT
        (week_start, indicator, platform, level, region_code, municipality_id, org_kind, org_id)
) PARTITION BY RANGE (week_start);
CREATE INDEX ON {{views:I}}.store (indicator, level, week_start);
CREATE INDEX ON {{views:I}}.store (indicator, level, time);
COMMENT ON TABLE {{views:I}}.store IS 'Weekly KPI store (sferum_kpi): every indicator, platform and group (region, municipality, org kind, organisation) per week, with numerator, denominator and the target judgement at refresh time. Filled by sferum_kpi.snapshot_week / backfill / refresh_recent; partitioned by school year (store_y<year>). Not an extension member: pg_dump keeps it, DROP EXTENSION leaves it.';
COMMENT ON COLUMN {{views:I}}.store.week_start IS 'Monday of the ISO week (local time of the region).';
COMMENT ON COLUMN {{views:I}}.store.indicator IS 'Indicator code (sferum_kpi.indicator_definition).';
COMMENT ON COLUMN {{views:I}}.store.platform IS 'vk, national, or any for indicators without a platform.';
COMMENT ON COLUMN {{views:I}}.store.level IS 'region, municipality, org_kind or organisation.';
COMMENT ON COLUMN {{views:I}}.store.region_code IS 'Region code.';
COMMENT ON COLUMN {{views:I}}.store.municipality_id IS 'Municipality (municipality and organisation levels); NULL there for the regional bodies.';
COMMENT ON COLUMN {{views:I}}.store.org_kind IS 'Organisation kind (org_kind and organisation levels).';
COMMENT ON COLUMN {{views:I}}.store.org_id IS 'Organisation (organisation level).';
COMMENT ON COLUMN {{views:I}}.store.time IS 'The week''s Monday 00:00 in the region''s time zone (Grafana''s time column).';
COMMENT ON COLUMN {{views:I}}.store.numerator IS 'Units counted (distinct people, organisations or chats of the group); may exceed a statistical-form denominator.';
COMMENT ON COLUMN {{views:I}}.store.denominator IS 'Population of the group; 0 when nobody is in it (share unknown).';
COMMENT ON COLUMN {{views:I}}.store.target_stage IS 'Target stage for the week (earliest deadline on or after its Monday), judged at refresh time.';
COMMENT ON COLUMN {{views:I}}.store.target_deadline IS 'Deadline of that stage.';
COMMENT ON COLUMN {{views:I}}.store.target_comparison IS '>= or >.';
COMMENT ON COLUMN {{views:I}}.store.target_threshold IS 'Threshold of the stage (the baseline for baseline stages); NULL when unknown.';
COMMENT ON COLUMN {{views:I}}.store.target_in_force IS 'false while the stage awaits its normative acts.';
COMMENT ON COLUMN {{views:I}}.store.target_due IS 'true when the stage''s deadline is on or before the week''s Sunday.';
COMMENT ON COLUMN {{views:I}}.store.target_met IS 'Whether min(numerator, denominator) / denominator meets the stage; NULL when unknown.';
COMMENT ON COLUMN {{views:I}}.store.short_by IS 'How many more units (same denominator) would meet the stage; NULL when even all would not.';
COMMENT ON COLUMN {{views:I}}.store.municipality_name IS 'Name of the municipality in the mart when the week was refreshed (stored with the figures, so that BI reads one table).';
COMMENT ON COLUMN {{views:I}}.store.org_name IS 'Name of the organisation in the mart when the week was refreshed.';
{{comments:S}}

CREATE TABLE {{views:I}}.refresh_log (
    week_start        date   NOT NULL,
    region_code       text   NOT NULL,
    refreshed_at      timestamptz NOT NULL,
    duration_ms       double precision NOT NULL,
    rows_stored       bigint NOT NULL,
    last_activity_day date,
    activity_rows     bigint NOT NULL,
    complete          boolean NOT NULL,
    fingerprint       text   NOT NULL,
    PRIMARY KEY (week_start, region_code)
);
COMMENT ON TABLE {{views:I}}.refresh_log IS 'When each week of the store was refreshed, per region: how long it took, how many rows the week has, the last activity day it saw and whether the week was complete (its Sunday had activity). Compare last_activity_day with the mart to tell fresh from stale.';
COMMENT ON COLUMN {{views:I}}.refresh_log.week_start IS 'Monday of the week.';
COMMENT ON COLUMN {{views:I}}.refresh_log.region_code IS 'Region.';
COMMENT ON COLUMN {{views:I}}.refresh_log.refreshed_at IS 'When the week was last refreshed (commit of that refresh).';
COMMENT ON COLUMN {{views:I}}.refresh_log.duration_ms IS 'How long the refresh of the week took, in milliseconds.';
COMMENT ON COLUMN {{views:I}}.refresh_log.rows_stored IS 'Rows of the week in the store (every region of the mart).';
COMMENT ON COLUMN {{views:I}}.refresh_log.last_activity_day IS 'Latest day of the week with activity of the region''s people when the refresh started; NULL: none.';
COMMENT ON COLUMN {{views:I}}.refresh_log.activity_rows IS 'Daily activity rows of the week (every region) counted when the refresh started, before it read them: rows that arrived during or after the refresh make the mart count more, and refresh_weeks refreshes the week again.';
COMMENT ON COLUMN {{views:I}}.refresh_log.complete IS 'true when the week''s Sunday had activity data for the region (spec §5: a complete week).';
COMMENT ON COLUMN {{views:I}}.refresh_log.fingerprint IS 'sferum_kpi.definitions_fingerprint() of the refresh.';
$ddl$, jsonb_build_object('views', views_schema, 'columns', @extschema@.store_columns(true),
                           'comments', @extschema@.render(holiday_comments, jsonb_build_object('views', views_schema))));
    -- the school years of the mart's data and the next one, made now: creating a
    -- partition locks the store for the rest of that refresh
    PERFORM @extschema@.store_series_indexes(views_schema);
    FOR sy IN EXECUTE format($q$SELECT generate_series(@extschema@.school_year(min(a.day)),
                                                        @extschema@.school_year(max(a.day)) + 1)
                               FROM %I.activity_daily a HAVING min(a.day) IS NOT NULL$q$, mart) LOOP
        PERFORM @extschema@.store_partition(views_schema, sy);
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION @extschema@.build_store(name, name) IS
'Internal: create the weekly KPI store and its refresh log in a views schema when they do not exist, with the partitions of the school years of the mart''s data and the next one (create_kpi_views, rebuild_views).';

CREATE FUNCTION @extschema@.store_partition(views_schema name, school_year integer)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v text := quote_ident(views_schema);
    p text := 'store_y' || school_year;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema, 'school_year', school_year));
    IF school_year < 1900 OR school_year > 2999 THEN
        RAISE EXCEPTION 'school year % is out of range (1900..2999)', school_year USING ERRCODE = '22008';
    END IF;
    IF to_regclass(format('%s.%I', v, p)) IS NOT NULL THEN
        RETURN;
    END IF;
    EXECUTE format('CREATE TABLE %s.%I PARTITION OF %s.store FOR VALUES FROM (%L) TO (%L)',
                   v, p, v, make_date(school_year, 9, 1), make_date(school_year + 1, 9, 1));
    EXECUTE format('COMMENT ON TABLE %s.%I IS %L', v, p,
                   format('Weeks of school year %s/%s in the KPI store (detach or drop it to drop the year).',
                          school_year, school_year + 1));
END
$fn$;
COMMENT ON FUNCTION @extschema@.store_partition(name, integer) IS
'Internal: create the KPI store''s partition of a school year (store_y<year>: the weeks whose Monday falls from 1 September of that year to 31 August) when it does not exist.';
