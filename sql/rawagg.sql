--------------------------------------------------------------------------------
-- Weekly-activity aggregates, raw-row form: any number of rows per person
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.weekly_raw_accum(internal, person_id bigint, messages bigint, min_messages integer, population bigint)
RETURNS internal
AS 'MODULE_PATHNAME', 'sferum_weekly_raw_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.weekly_raw_accum(internal, bigint, bigint, integer, bigint) IS
'Transition of the raw-row weekly_active_share/ratio: adds messages (NULL = 0) to the person''s total; NULL person_id rows are ignored. min_messages (>= 1) and population (>= 0 or NULL) must be the same on every row of a group (22023).';

CREATE FUNCTION @extschema@.weekly_raw_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'sferum_weekly_raw_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.weekly_raw_combine(internal, internal) IS
'Combine of the raw-row weekly aggregates: merges two per-person tables, summing the totals of a person present in both; either may be NULL; different min_messages or population raise 22023.';

CREATE FUNCTION @extschema@.weekly_raw_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'sferum_weekly_raw_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.weekly_raw_serialize(internal) IS
'Serialize of the raw-row weekly aggregates (and the final function of weekly_active_state): a 22-byte header, then 9, 10 or 12 bytes per person (the id and a counter of 1, 2 or 4 bytes, by min_messages).';

CREATE FUNCTION @extschema@.weekly_raw_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'sferum_weekly_raw_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.weekly_raw_deserialize(bytea, internal) IS
'Deserialize of the raw-row weekly aggregates; a malformed state raises 22P03.';

CREATE FUNCTION @extschema@.weekly_raw_share(internal)
RETURNS double precision
AS 'MODULE_PATHNAME', 'sferum_weekly_raw_share'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.weekly_raw_share(internal) IS
'Final: persons at min_messages / denominator (population, or distinct persons seen when it is NULL); NULL for no persons or a zero denominator.';

CREATE FUNCTION @extschema@.weekly_raw_ratio(internal)
RETURNS @extschema@.kpi_ratio
AS 'MODULE_PATHNAME', 'sferum_weekly_raw_ratio'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.weekly_raw_ratio(internal) IS
'Final: kpi_ratio(persons at min_messages, denominator); NULL for no persons or a zero denominator.';

-- SSPACE: the state of a school-sized group (about 1000 persons seen) is ~16 kB;
-- it grows with the persons in the group, 11-16 bytes each (min_messages <= 255).
CREATE AGGREGATE @extschema@.weekly_active_share(person_id bigint, messages bigint, min_messages integer, population bigint) (
    SFUNC = @extschema@.weekly_raw_accum,
    STYPE = internal,
    SSPACE = 16384,
    FINALFUNC = @extschema@.weekly_raw_share,
    COMBINEFUNC = @extschema@.weekly_raw_combine,
    SERIALFUNC = @extschema@.weekly_raw_serialize,
    DESERIALFUNC = @extschema@.weekly_raw_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.weekly_active_share(bigint, bigint, integer, bigint) IS
'Share of persons whose messages, summed over their rows in the group, reach min_messages. Raw rows: any number per person (e.g. one per day); NULL person_id rows are ignored, NULL messages count 0. Denominator: population (roster or statistical-form size, the same on every row; 22023 if smaller than the persons counted active), or the distinct persons seen when population is NULL. NULL for no persons.';

CREATE AGGREGATE @extschema@.weekly_active_ratio(person_id bigint, messages bigint, min_messages integer, population bigint) (
    SFUNC = @extschema@.weekly_raw_accum,
    STYPE = internal,
    SSPACE = 16384,
    FINALFUNC = @extschema@.weekly_raw_ratio,
    COMBINEFUNC = @extschema@.weekly_raw_combine,
    SERIALFUNC = @extschema@.weekly_raw_serialize,
    DESERIALFUNC = @extschema@.weekly_raw_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.weekly_active_ratio(bigint, bigint, integer, bigint) IS
'kpi_ratio(persons whose summed messages reach min_messages, population or distinct persons seen when population is NULL) over raw rows, several per person; as weekly_active_share(bigint, bigint, integer, bigint).';

-- The state itself as a value: a group's state, then the ratio of the union of
-- several groups' states (each person once), for rolling small groups up into
-- larger ones without reading their rows again (refresh_week does).
CREATE FUNCTION @extschema@.weekly_raw_merge(internal, state bytea)
RETURNS internal
AS 'MODULE_PATHNAME', 'sferum_weekly_raw_merge'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.weekly_raw_merge(internal, bytea) IS
'Transition of merge_active_states: adds the persons of a state returned by weekly_active_state (a person in both: totals summed, capped at min_messages); NULL states are ignored; malformed bytes raise 22P03, states of different min_messages or population 22023.';

CREATE AGGREGATE @extschema@.weekly_active_state(person_id bigint, messages bigint, min_messages integer, population bigint) (
    SFUNC = @extschema@.weekly_raw_accum,
    STYPE = internal,
    SSPACE = 16384,
    FINALFUNC = @extschema@.weekly_raw_serialize,
    COMBINEFUNC = @extschema@.weekly_raw_combine,
    SERIALFUNC = @extschema@.weekly_raw_serialize,
    DESERIALFUNC = @extschema@.weekly_raw_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.weekly_active_state(bigint, bigint, integer, bigint) IS
'The state of weekly_active_ratio(person_id, messages, min_messages, population) for the group as bytea (its serialized form: 9-12 bytes per person), to be rolled up with merge_active_states; NULL when no row of the group has a person.';

CREATE AGGREGATE @extschema@.merge_active_states(state bytea) (
    SFUNC = @extschema@.weekly_raw_merge,
    STYPE = internal,
    SSPACE = 16384,
    FINALFUNC = @extschema@.weekly_raw_ratio,
    COMBINEFUNC = @extschema@.weekly_raw_combine,
    SERIALFUNC = @extschema@.weekly_raw_serialize,
    DESERIALFUNC = @extschema@.weekly_raw_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.merge_active_states(bytea) IS
'kpi_ratio of the union of the groups whose weekly_active_state values it aggregates, each person once (their totals summed): equal to weekly_active_ratio over all their rows. The states must share min_messages and population (22023); NULL states are ignored; NULL for no persons or a zero denominator.';
