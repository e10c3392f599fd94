CREATE FUNCTION @extschema@.target_met(indicator text, value double precision, as_of date, region_code text DEFAULT NULL)
RETURNS boolean
AS 'MODULE_PATHNAME', 'sferum_target_met_float8'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.target_met(text, double precision, date, text) IS
'Does the share meet the stage of the indicator in force on as_of (earliest deadline on or after it; the last stage afterwards)? NULL when the value or a baseline is unknown. Unknown indicator: 22023; share outside [0,1]: 22003.';

CREATE FUNCTION @extschema@.target_met(indicator text, value @extschema@.kpi_ratio, as_of date, region_code text DEFAULT NULL)
RETURNS boolean
AS 'MODULE_PATHNAME', 'sferum_target_met_ratio'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.target_met(text, @extschema@.kpi_ratio, date, text) IS
'Exact variant of target_met: compares numerator/denominator with the threshold without rounding (100 % means every member). 0/0 gives NULL.';

CREATE FUNCTION @extschema@.target_status(
    indicator text, value double precision, as_of date, region_code text DEFAULT NULL,
    OUT indicator text, OUT stage integer, OUT deadline date, OUT comparison text,
    OUT rule text, OUT threshold double precision, OUT baseline @extschema@.kpi_ratio,
    OUT in_force boolean, OUT due boolean, OUT state text, OUT met boolean,
    OUT gap double precision, OUT short_by bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'sferum_target_status_float8'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.target_status(text, double precision, date, text) IS
'One dashboard row for a share: the stage in force on as_of, its deadline, threshold (or baseline), in_force flag, due (the deadline falls on or before the Sunday of as_of''s ISO week) or upcoming, met, gap = value - threshold. short_by is NULL for a double value.';

CREATE FUNCTION @extschema@.target_status(
    indicator text, value @extschema@.kpi_ratio, as_of date, region_code text DEFAULT NULL,
    OUT indicator text, OUT stage integer, OUT deadline date, OUT comparison text,
    OUT rule text, OUT threshold double precision, OUT baseline @extschema@.kpi_ratio,
    OUT in_force boolean, OUT due boolean, OUT state text, OUT met boolean,
    OUT gap double precision, OUT short_by bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'sferum_target_status_ratio'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.target_status(text, @extschema@.kpi_ratio, date, text) IS
'One dashboard row for an exact ratio, as target_status(double precision) plus short_by: how many more people (same denominator) would meet the stage; NULL when even all of them would not.';

CREATE FUNCTION @extschema@.baseline(indicator text, region_code text, platform text DEFAULT 'vk', school_year integer DEFAULT 2024)
RETURNS @extschema@.kpi_ratio
AS 'MODULE_PATHNAME', 'sferum_baseline'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.baseline(text, text, text, integer) IS
'Best weekly value of the indicator for the region on the platform over the weeks of the school year (from indicator_history); NULL when there is none.';
