--------------------------------------------------------------------------------
-- Types: kpi_ratio (src/kpi_ratio.c) and weekly_state (src/weekly.c), with their I/O
--------------------------------------------------------------------------------

CREATE TYPE @extschema@.kpi_ratio;

CREATE FUNCTION @extschema@.kpi_ratio_in(cstring) RETURNS @extschema@.kpi_ratio
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kpi_ratio_out(@extschema@.kpi_ratio) RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kpi_ratio_recv(internal) RETURNS @extschema@.kpi_ratio
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kpi_ratio_send(@extschema@.kpi_ratio) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.kpi_ratio (
    INPUT = @extschema@.kpi_ratio_in,
    OUTPUT = @extschema@.kpi_ratio_out,
    RECEIVE = @extschema@.kpi_ratio_recv,
    SEND = @extschema@.kpi_ratio_send,
    INTERNALLENGTH = 16,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE @extschema@.kpi_ratio IS
'Exact share: numerator/denominator, two bigints with 0 <= numerator <= denominator (text form ''37/120''). Compared by exact value; 0/0 means no population (share unknown) and sorts lowest.';

COMMENT ON FUNCTION @extschema@.kpi_ratio_in(cstring) IS 'Text input of kpi_ratio: ''numerator/denominator''.';
COMMENT ON FUNCTION @extschema@.kpi_ratio_out(@extschema@.kpi_ratio) IS 'Text output of kpi_ratio.';
COMMENT ON FUNCTION @extschema@.kpi_ratio_recv(internal) IS 'Binary input of kpi_ratio: two big-endian int8 (numerator, denominator).';
COMMENT ON FUNCTION @extschema@.kpi_ratio_send(@extschema@.kpi_ratio) IS 'Binary output of kpi_ratio.';


CREATE TYPE @extschema@.weekly_state;

CREATE FUNCTION @extschema@.weekly_state_in(cstring) RETURNS @extschema@.weekly_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.weekly_state_out(@extschema@.weekly_state) RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.weekly_state_recv(internal) RETURNS @extschema@.weekly_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.weekly_state_send(@extschema@.weekly_state) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.weekly_state (
    INPUT = @extschema@.weekly_state_in,
    OUTPUT = @extschema@.weekly_state_out,
    RECEIVE = @extschema@.weekly_state_recv,
    SEND = @extschema@.weekly_state_send,
    INTERNALLENGTH = 24,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE @extschema@.weekly_state IS
'Partial state of weekly_active_share/weekly_active_ratio: active/members@min_messages (min_messages 0 = empty). A real fixed-size type, so partial aggregates can be shipped and stored.';
COMMENT ON FUNCTION @extschema@.weekly_state_in(cstring) IS 'Text input of weekly_state: ''active/members@min_messages''.';
COMMENT ON FUNCTION @extschema@.weekly_state_out(@extschema@.weekly_state) IS 'Text output of weekly_state.';
COMMENT ON FUNCTION @extschema@.weekly_state_recv(internal) IS 'Binary input of weekly_state: int8 active, int8 members, int4 min_messages.';
COMMENT ON FUNCTION @extschema@.weekly_state_send(@extschema@.weekly_state) IS 'Binary output of weekly_state.';

