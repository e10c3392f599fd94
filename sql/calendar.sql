--------------------------------------------------------------------------------
-- Calendar (spec §5)
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.week_start(date)
RETURNS date
AS 'MODULE_PATHNAME', 'sferum_week_start_date'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.week_start(date) IS
'Monday of the ISO week containing the date; a week is named by its Monday. Infinite dates are returned unchanged.';

CREATE FUNCTION @extschema@.week_start(timestamptz, tz text)
RETURNS date
AS 'MODULE_PATHNAME', 'sferum_week_start_tstz'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.week_start(timestamptz, text) IS
'Monday of the local ISO week of the instant in time zone tz (e.g. Europe/Moscow, Asia/Sakhalin). An unknown zone is an error (22023).';

CREATE FUNCTION @extschema@.school_year(date)
RETURNS integer
AS 'MODULE_PATHNAME', 'sferum_school_year'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.school_year(date) IS
'Starting year of the school year (1 September - 31 August) containing the date: 2024 for 2024-09-01 .. 2025-08-31.';


-- Not STRICT and without SET, so that PostgreSQL inlines them into the views
-- that call them per row; SQL-standard bodies, so every name in them is
-- resolved when they are created (docs/security.md).
CREATE FUNCTION @extschema@.monitored_platform(week date)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN @extschema@.school_year(week) >= 2025 THEN 'national'
            WHEN @extschema@.school_year(week) < 2025 THEN 'vk' END;
COMMENT ON FUNCTION @extschema@.monitored_platform(date) IS
'The platform the targets are judged on in the week of the date (spec §5): vk for weeks of school years up to 2024/2025, national from 2025/2026 on; NULL for NULL. The one place this rule is written.';

CREATE FUNCTION @extschema@.stage_result_week(deadline date)
RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN @extschema@.week_start(deadline + 1) - 7;
COMMENT ON FUNCTION @extschema@.stage_result_week(date) IS
'The Monday of the week a stage with this deadline is judged on (spec §5, a stage''s result): the last complete week whose Sunday falls on or before the deadline (01.10.2025 -> 22.09.2025, 30.12.2025 -> 22.12.2025, a Sunday deadline -> its own week). The views move it to the school week before when it is a holiday week of the region.';
