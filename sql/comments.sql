--------------------------------------------------------------------------------
-- The column comments every view set shares (BI tools show them): one
-- dictionary, below the builders of every kind (KPI, shard, national views).
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.comment_kpi_view(views_schema name, view_name name, description text)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    col record;
BEGIN
    EXECUTE format('COMMENT ON VIEW %I.%I IS %L', views_schema, view_name, description);
    FOR col IN
        SELECT a.attname, c.comment
        FROM pg_attribute a
        JOIN (VALUES
            ('indicator', 'Indicator code (see sferum_kpi.target and sferum_kpi.indicator_definition).'),
            ('week_start', 'Monday of the ISO week (local time of the region).'),
            ('platform', 'vk, national, or any for indicators without a platform.'),
            ('level', 'region, municipality, org_kind or organisation: which grouping the row is.'),
            ('region_code', 'Region code.'),
            ('region_name', 'Region name.'),
            ('municipality_id', 'Municipality (municipality and organisation levels; NULL for regional bodies).'),
            ('municipality_name', 'Municipality name.'),
            ('org_kind', 'Organisation kind (org_kind and organisation levels).'),
            ('org_id', 'Organisation id (organisation level).'),
            ('org_name', 'Organisation name (organisation level).'),
            ('numerator', 'Units counted (distinct people, organisations or chats in the group).'),
            ('denominator', 'Population of the group (distinct units in scope, or the statistical-form figure).'),
            ('share', 'numerator / denominator, at most 1: a numerator above its denominator (registry ahead of the statistical forms) counts as exactly 100 %; NULL when the denominator is 0.'),
            ('previous_share', 'Share of the week before.'),
            ('change', 'share - previous_share.'),
            ('trend', 'Shares of the last 8 weeks, oldest first, as a bar per week (▁ = 0 %, █ = 100 %, · = no value).'),
            ('title_ru', 'Indicator title in Russian.'),
            ('title_en', 'Indicator title in English.'),
            ('kind', 'computed (from activity) or milestone (loaded counts).'),
            ('target_stage', 'Target stage for the week: the earliest deadline on or after the week''s Monday.'),
            ('target_deadline', 'Deadline of that stage.'),
            ('target_comparison', '>= or >.'),
            ('target_threshold', 'Threshold of that stage (the baseline for baseline stages); NULL when unknown.'),
            ('target_met', 'Whether the value meets the stage; NULL when unknown.'),
            ('target_due', 'true when the stage''s deadline falls on or before the week''s Sunday.'),
            ('target_in_force', 'false while the stage awaits its normative acts.'),
            ('short_by', 'How many more units (same denominator) would meet the stage.'),
            ('time', 'The week''s Monday 00:00 in the region''s time zone (Grafana''s time column).'),
            ('monitored', 'true when the row''s platform is the one judged that week (vk up to school year 2024/2025, national from 2025/2026; any for indicators without a platform).'),
            ('level_ru', 'Level in Russian.'),
            ('org_kind_ru', 'Organisation kind in Russian.'),
            ('share_pct', 'share in per cent (0-100).'),
            ('status_ru', 'Status against the target in Russian: Выполнено, Не выполнено, Не выполнено, срок не наступил, Нет данных, Цель не задана, or Скрыто (small cell).'),
            ('holiday', 'true when the week is a holiday week of the region: at least 3 of its Monday-Friday days in the mart''s school_holiday (false without a calendar).'),
            ('holiday_kind', 'autumn, winter, spring, summer or other: the holiday of most of those days; NULL outside holiday weeks.'),
            ('holiday_kind_ru', 'The holiday in Russian (Осенние каникулы, ...).')
        ) c(name, comment) ON c.name = a.attname
        WHERE a.attrelid = format('%I.%I', views_schema, view_name)::regclass AND a.attnum > 0
    LOOP
        EXECUTE format('COMMENT ON COLUMN %I.%I.%I IS %L', views_schema, view_name, col.attname, col.comment);
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION @extschema@.comment_kpi_view(name, name, text) IS
'Internal: comment a KPI view and each of its columns (BI tools show these comments).';

CREATE FUNCTION @extschema@.comment_columns(views_schema name, view_name name, comments jsonb, org_list boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    col record;
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('views_schema', views_schema, 'view_name', view_name, 'comments', comments, 'org_list', org_list));
    IF jsonb_typeof(comments) <> 'object' THEN
        RAISE EXCEPTION 'comments must be a JSON object {"column": "comment"} (got %)', jsonb_typeof(comments)
            USING ERRCODE = '22023';
    END IF;
    FOR col IN SELECT c.key, c.value
                 FROM jsonb_each_text(CASE WHEN org_list THEN '{
                     "week_start": "Monday of the stored week.",
                     "region_code": "Region code.",
                     "municipality_id": "Municipality; NULL for the regional bodies.",
                     "municipality_name": "Municipality name («Региональный уровень» for the regional bodies).",
                     "org_id": "Organisation id.",
                     "org_name": "Organisation name.",
                     "org_kind": "Organisation kind.",
                     "org_kind_ru": "Organisation kind in Russian."}'::jsonb ELSE '{}'::jsonb END || comments) c LOOP
        EXECUTE format('COMMENT ON COLUMN %I.%I.%I IS %L', views_schema, view_name, col.key, col.value);
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION @extschema@.comment_columns(name, name, jsonb, boolean) IS
'Internal: comment the columns of views_schema.view_name, one per key of comments ({"column": "comment"}); with org_list, first the columns every list of organisations shares (week_start, region_code, municipality_id, municipality_name, org_id, org_name, org_kind, org_kind_ru), from one dictionary (a key of comments says otherwise).';
