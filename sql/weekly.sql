--------------------------------------------------------------------------------
-- Weekly-activity aggregates, roster form: one row per member
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.weekly_state_accum(@extschema@.weekly_state, messages bigint)
RETURNS @extschema@.weekly_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.weekly_state_accum(@extschema@.weekly_state, bigint) IS
'Transition: one member with this many messages (NULL = 0), threshold 1.';

CREATE FUNCTION @extschema@.weekly_state_accum(@extschema@.weekly_state, messages bigint, min_messages integer)
RETURNS @extschema@.weekly_state
AS 'MODULE_PATHNAME', 'weekly_state_accum_min' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.weekly_state_accum(@extschema@.weekly_state, bigint, integer) IS
'Transition: one member with this many messages (NULL = 0) against min_messages (>= 1, the same on every row of a group).';

CREATE FUNCTION @extschema@.weekly_state_combine(@extschema@.weekly_state, @extschema@.weekly_state)
RETURNS @extschema@.weekly_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.weekly_state_combine(@extschema@.weekly_state, @extschema@.weekly_state) IS
'Combine: adds two partial states; either may be NULL; different thresholds raise 22023.';

CREATE FUNCTION @extschema@.weekly_state_share(@extschema@.weekly_state)
RETURNS double precision
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.weekly_state_share(@extschema@.weekly_state) IS
'Final: active / members, NULL for an empty group.';

CREATE FUNCTION @extschema@.weekly_state_ratio(@extschema@.weekly_state)
RETURNS @extschema@.kpi_ratio
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.weekly_state_ratio(@extschema@.weekly_state) IS
'Final: kpi_ratio(active, members), NULL for an empty group.';

CREATE AGGREGATE @extschema@.weekly_active_share(messages bigint) (
    SFUNC = @extschema@.weekly_state_accum,
    STYPE = @extschema@.weekly_state,
    INITCOND = '0/0@0',
    FINALFUNC = @extschema@.weekly_state_share,
    COMBINEFUNC = @extschema@.weekly_state_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.weekly_active_share(bigint) IS
'Share of members with at least 1 message in the week. One row per member (roster LEFT JOIN activity; NULL = 0). NULL for no rows.';

CREATE AGGREGATE @extschema@.weekly_active_share(messages bigint, min_messages integer) (
    SFUNC = @extschema@.weekly_state_accum,
    STYPE = @extschema@.weekly_state,
    INITCOND = '0/0@0',
    FINALFUNC = @extschema@.weekly_state_share,
    COMBINEFUNC = @extschema@.weekly_state_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.weekly_active_share(bigint, integer) IS
'Share of members with at least min_messages messages in the week (one row per member; NULL messages = 0). min_messages >= 1 and constant per group. NULL for no rows.';

CREATE AGGREGATE @extschema@.weekly_active_ratio(messages bigint) (
    SFUNC = @extschema@.weekly_state_accum,
    STYPE = @extschema@.weekly_state,
    INITCOND = '0/0@0',
    FINALFUNC = @extschema@.weekly_state_ratio,
    COMBINEFUNC = @extschema@.weekly_state_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.weekly_active_ratio(bigint) IS
'kpi_ratio(members with at least 1 message, members); one row per member. NULL for no rows.';

CREATE AGGREGATE @extschema@.weekly_active_ratio(messages bigint, min_messages integer) (
    SFUNC = @extschema@.weekly_state_accum,
    STYPE = @extschema@.weekly_state,
    INITCOND = '0/0@0',
    FINALFUNC = @extschema@.weekly_state_ratio,
    COMBINEFUNC = @extschema@.weekly_state_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.weekly_active_ratio(bigint, integer) IS
'kpi_ratio(members with at least min_messages messages, members); one row per member. NULL for no rows.';

