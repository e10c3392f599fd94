/* sferum_kpi 1.0: calendar, status rules, kpi_ratio, weekly-activity aggregates, targets */

\echo Use "CREATE EXTENSION sferum_kpi" to load this file. \quit

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

--------------------------------------------------------------------------------
-- Status rules (spec §3): three-valued AND, NULL = unknown
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.profile_is_verified(teacher_role_confirmed boolean, in_org_community boolean)
RETURNS boolean
AS 'MODULE_PATHNAME', 'sferum_profile_is_verified'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.profile_is_verified(boolean, boolean) IS
'Verified educational profile (status «Верифицирован»): teacher role confirmed AND member of the organisation''s community. NULL inputs follow SQL three-valued AND.';

CREATE FUNCTION @extschema@.teacher_is_active(profile_verified boolean, messages_in_week bigint, min_messages integer DEFAULT 10)
RETURNS boolean
AS 'MODULE_PATHNAME', 'sferum_teacher_is_active'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.teacher_is_active(boolean, bigint, integer) IS
'Teacher status «Активен»: verified profile AND at least min_messages (default 10) messages written in the week. Three-valued; negative counts raise 22023.';

CREATE FUNCTION @extschema@.org_is_active(admin_logged_in boolean, org_data_filled boolean, teachers_added integer, min_teachers integer DEFAULT 3)
RETURNS boolean
AS 'MODULE_PATHNAME', 'sferum_org_is_active'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.org_is_active(boolean, boolean, integer, integer) IS
'Organisation status «Активна»: administrator logged in AND filled in the organisation data AND added at least min_teachers (default 3) teachers. Three-valued; negative counts raise 22023.';

--------------------------------------------------------------------------------
-- kpi_ratio: an exact share numerator/denominator
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

CREATE FUNCTION @extschema@.kpi_ratio(numerator bigint, denominator bigint)
RETURNS @extschema@.kpi_ratio
AS 'MODULE_PATHNAME', 'kpi_ratio_construct'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.kpi_ratio(bigint, bigint) IS
'Build a kpi_ratio; 0 <= numerator <= denominator, else 22023.';

CREATE FUNCTION @extschema@.share(@extschema@.kpi_ratio)
RETURNS double precision
AS 'MODULE_PATHNAME', 'kpi_ratio_share'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.share(@extschema@.kpi_ratio) IS
'numerator / denominator as double precision; NULL when the denominator is 0 (no population).';

CREATE FUNCTION @extschema@.numerator(@extschema@.kpi_ratio)
RETURNS bigint
AS 'MODULE_PATHNAME', 'kpi_ratio_numerator'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.numerator(@extschema@.kpi_ratio) IS 'The numerator (people counted) of a kpi_ratio.';

CREATE FUNCTION @extschema@.denominator(@extschema@.kpi_ratio)
RETURNS bigint
AS 'MODULE_PATHNAME', 'kpi_ratio_denominator'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.denominator(@extschema@.kpi_ratio) IS 'The denominator (population) of a kpi_ratio.';

-- comparison by exact value
CREATE FUNCTION @extschema@.kpi_ratio_eq(@extschema@.kpi_ratio, @extschema@.kpi_ratio) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.kpi_ratio_ne(@extschema@.kpi_ratio, @extschema@.kpi_ratio) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.kpi_ratio_lt(@extschema@.kpi_ratio, @extschema@.kpi_ratio) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.kpi_ratio_le(@extschema@.kpi_ratio, @extschema@.kpi_ratio) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.kpi_ratio_gt(@extschema@.kpi_ratio, @extschema@.kpi_ratio) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.kpi_ratio_ge(@extschema@.kpi_ratio, @extschema@.kpi_ratio) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.kpi_ratio_cmp(@extschema@.kpi_ratio, @extschema@.kpi_ratio) RETURNS integer
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.kpi_ratio_hash(@extschema@.kpi_ratio) RETURNS integer
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.kpi_ratio_hash_extended(@extschema@.kpi_ratio, bigint) RETURNS bigint
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

COMMENT ON FUNCTION @extschema@.kpi_ratio_eq(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'Equal by exact value (1/2 = 2/4); implements =.';
COMMENT ON FUNCTION @extschema@.kpi_ratio_ne(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'Not equal by exact value; implements <>.';
COMMENT ON FUNCTION @extschema@.kpi_ratio_lt(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'Less than by exact value; implements <.';
COMMENT ON FUNCTION @extschema@.kpi_ratio_le(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'Less than or equal by exact value; implements <=.';
COMMENT ON FUNCTION @extschema@.kpi_ratio_gt(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'Greater than by exact value; implements >.';
COMMENT ON FUNCTION @extschema@.kpi_ratio_ge(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'Greater than or equal by exact value; implements >=.';
COMMENT ON FUNCTION @extschema@.kpi_ratio_cmp(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'B-tree comparison support for kpi_ratio (0/0 sorts lowest).';
COMMENT ON FUNCTION @extschema@.kpi_ratio_hash(@extschema@.kpi_ratio) IS 'Hash support for kpi_ratio: equal values (in lowest terms) hash alike.';
COMMENT ON FUNCTION @extschema@.kpi_ratio_hash_extended(@extschema@.kpi_ratio, bigint) IS 'Extended (seeded 64-bit) hash support for kpi_ratio.';

CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.kpi_ratio, RIGHTARG = @extschema@.kpi_ratio,
    FUNCTION = @extschema@.kpi_ratio_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = @extschema@.kpi_ratio, RIGHTARG = @extschema@.kpi_ratio,
    FUNCTION = @extschema@.kpi_ratio_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR @extschema@.< (
    LEFTARG = @extschema@.kpi_ratio, RIGHTARG = @extschema@.kpi_ratio,
    FUNCTION = @extschema@.kpi_ratio_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR @extschema@.<= (
    LEFTARG = @extschema@.kpi_ratio, RIGHTARG = @extschema@.kpi_ratio,
    FUNCTION = @extschema@.kpi_ratio_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR @extschema@.> (
    LEFTARG = @extschema@.kpi_ratio, RIGHTARG = @extschema@.kpi_ratio,
    FUNCTION = @extschema@.kpi_ratio_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR @extschema@.>= (
    LEFTARG = @extschema@.kpi_ratio, RIGHTARG = @extschema@.kpi_ratio,
    FUNCTION = @extschema@.kpi_ratio_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'equal by exact value';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'not equal by exact value';
COMMENT ON OPERATOR @extschema@.< (@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'less than by exact value';
COMMENT ON OPERATOR @extschema@.<= (@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'less than or equal by exact value';
COMMENT ON OPERATOR @extschema@.> (@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'greater than by exact value';
COMMENT ON OPERATOR @extschema@.>= (@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'greater than or equal by exact value';

CREATE OPERATOR CLASS @extschema@.kpi_ratio_ops
DEFAULT FOR TYPE @extschema@.kpi_ratio USING btree AS
    OPERATOR 1 @extschema@.<,
    OPERATOR 2 @extschema@.<=,
    OPERATOR 3 @extschema@.=,
    OPERATOR 4 @extschema@.>=,
    OPERATOR 5 @extschema@.>,
    FUNCTION 1 @extschema@.kpi_ratio_cmp(@extschema@.kpi_ratio, @extschema@.kpi_ratio);

CREATE OPERATOR CLASS @extschema@.kpi_ratio_hash_ops
DEFAULT FOR TYPE @extschema@.kpi_ratio USING hash AS
    OPERATOR 1 @extschema@.=,
    FUNCTION 1 @extschema@.kpi_ratio_hash(@extschema@.kpi_ratio),
    FUNCTION 2 @extschema@.kpi_ratio_hash_extended(@extschema@.kpi_ratio, bigint);

-- rollup: sum numerators and denominators of stored figures
CREATE FUNCTION @extschema@.kpi_ratio_rollup_trans(@extschema@.kpi_ratio, @extschema@.kpi_ratio)
RETURNS @extschema@.kpi_ratio
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.kpi_ratio_rollup_trans(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS
'Transition function of rollup(kpi_ratio): adds numerators and denominators (22003 on bigint overflow).';

CREATE FUNCTION @extschema@.kpi_ratio_rollup_combine(@extschema@.kpi_ratio, @extschema@.kpi_ratio)
RETURNS @extschema@.kpi_ratio
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.kpi_ratio_rollup_combine(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS
'Combine function of rollup(kpi_ratio): merges two partial sums; either may be NULL.';

CREATE AGGREGATE @extschema@.rollup(@extschema@.kpi_ratio) (
    SFUNC = @extschema@.kpi_ratio_rollup_trans,
    STYPE = @extschema@.kpi_ratio,
    COMBINEFUNC = @extschema@.kpi_ratio_rollup_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.kpi_ratio) IS
'Sum of numerators over sum of denominators of stored kpi_ratios (never an average of shares). Counts memberships, not distinct people: see the counting-unit rule.';

--------------------------------------------------------------------------------
-- Weekly-activity aggregates, roster form: one row per member
--------------------------------------------------------------------------------

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

--------------------------------------------------------------------------------
-- Targets (spec §4-§5)
--------------------------------------------------------------------------------

CREATE TABLE @extschema@.target (
    indicator            text     NOT NULL
        CHECK (indicator ~ '^[a-z][a-z0-9_]*$' AND length(indicator) <= 63),
    stage                smallint NOT NULL CHECK (stage >= 1),
    region_code          text     CHECK (length(region_code) BETWEEN 1 AND 63),
    deadline             date     NOT NULL CHECK (deadline > '-infinity' AND deadline < 'infinity'),
    comparison           text     NOT NULL CHECK (comparison IN ('>=', '>')),
    rule                 text     NOT NULL DEFAULT 'fixed' CHECK (rule IN ('fixed', 'baseline_max')),
    threshold            numeric  CHECK (threshold BETWEEN 0 AND 1 AND scale(threshold) <= 15),
    baseline_platform    text     CHECK (baseline_platform IN ('vk', 'national')),
    baseline_school_year integer  CHECK (baseline_school_year BETWEEN 2000 AND 2200),
    in_force             boolean  NOT NULL DEFAULT true,
    kind                 text     NOT NULL DEFAULT 'computed' CHECK (kind IN ('computed', 'milestone')),
    title_ru             text     NOT NULL,
    title_en             text     NOT NULL,
    source_document      text     NOT NULL,
    seeded               boolean  NOT NULL DEFAULT false,
    CONSTRAINT target_key UNIQUE NULLS NOT DISTINCT (indicator, stage, region_code),
    CONSTRAINT target_rule_fixed CHECK (rule <> 'fixed' OR threshold IS NOT NULL),
    CONSTRAINT target_rule_baseline CHECK (rule <> 'baseline_max'
        OR (threshold IS NULL AND baseline_platform IS NOT NULL AND baseline_school_year IS NOT NULL))
);
COMMENT ON TABLE @extschema@.target IS
'Target catalog: one row per indicator stage (spec §4). Seeded by the extension; DBAs edit it for their region, and pg_dump keeps their edits, additions and deletions.';
COMMENT ON COLUMN @extschema@.target.indicator IS 'Indicator code, e.g. active_teachers, staff_weekly_writers.';
COMMENT ON COLUMN @extschema@.target.stage IS 'Stage number within the indicator (1, 2, ...).';
COMMENT ON COLUMN @extschema@.target.region_code IS 'Region the row applies to; NULL = every region. A region row replaces the every-region row of the same stage.';
COMMENT ON COLUMN @extschema@.target.deadline IS 'Date the stage is measured on (по состоянию на). The stage applies to dates up to it; due from that date on.';
COMMENT ON COLUMN @extschema@.target.comparison IS '>= for "not less than X %", > for a strict "> X %".';
COMMENT ON COLUMN @extschema@.target.rule IS 'fixed: compare with threshold; baseline_max: compare with the best weekly value of the same indicator on baseline_platform in baseline_school_year (indicator_history).';
COMMENT ON COLUMN @extschema@.target.threshold IS 'Share between 0 and 1 (0.75 = 75 %) for rule fixed; compared exactly with kpi_ratio values.';
COMMENT ON COLUMN @extschema@.target.baseline_platform IS 'Platform of the baseline weeks (vk) for rule baseline_max.';
COMMENT ON COLUMN @extschema@.target.baseline_school_year IS 'School year of the baseline weeks (2024 = 2024/2025) for rule baseline_max.';
COMMENT ON COLUMN @extschema@.target.in_force IS 'false while the stage awaits its normative acts (spec §4b *); target_met still evaluates it, dashboards show the flag.';
COMMENT ON COLUMN @extschema@.target.kind IS 'computed: measured from activity; milestone: a roadmap result measured from counts a DBA loads.';
COMMENT ON COLUMN @extschema@.target.title_ru IS 'Indicator title in Russian.';
COMMENT ON COLUMN @extschema@.target.title_en IS 'Indicator title in English.';
COMMENT ON COLUMN @extschema@.target.source_document IS 'Document the target comes from.';
COMMENT ON COLUMN @extschema@.target.seeded IS 'true for a row exactly as the extension shipped it; any edit clears it, so pg_dump keeps the edited row.';

CREATE TABLE @extschema@.target_retired (
    indicator   text     NOT NULL,
    stage       smallint NOT NULL,
    region_code text,
    retired_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT target_retired_key UNIQUE NULLS NOT DISTINCT (indicator, stage, region_code)
);
COMMENT ON TABLE @extschema@.target_retired IS
'Seeded targets a DBA deleted. Kept so that a pg_dump restore deletes them again after CREATE EXTENSION re-seeds the catalog.';
COMMENT ON COLUMN @extschema@.target_retired.indicator IS 'Indicator code of the deleted seeded row.';
COMMENT ON COLUMN @extschema@.target_retired.stage IS 'Stage of the deleted seeded row.';
COMMENT ON COLUMN @extschema@.target_retired.region_code IS 'Region of the deleted seeded row (NULL = every region).';
COMMENT ON COLUMN @extschema@.target_retired.retired_at IS 'When the row was deleted.';

CREATE TABLE @extschema@.indicator_history (
    region_code text NOT NULL CHECK (length(region_code) BETWEEN 1 AND 63),
    indicator   text NOT NULL CHECK (length(indicator) BETWEEN 1 AND 63),
    platform    text NOT NULL CHECK (platform IN ('vk', 'national', 'any')),
    week        date NOT NULL CHECK (pg_catalog.date_part('isodow', week) = 1),
    value       @extschema@.kpi_ratio NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (region_code, indicator, platform, week)
);
COMMENT ON TABLE @extschema@.indicator_history IS
'Weekly indicator values already computed, per region and platform. The stage-1 baselines are the best week of school year 2024/2025 on vk.';
COMMENT ON COLUMN @extschema@.indicator_history.region_code IS 'Region code.';
COMMENT ON COLUMN @extschema@.indicator_history.indicator IS 'Indicator code (see sferum_kpi.target).';
COMMENT ON COLUMN @extschema@.indicator_history.platform IS 'vk, national, or any for indicators without a platform.';
COMMENT ON COLUMN @extschema@.indicator_history.week IS 'Monday of the ISO week.';
COMMENT ON COLUMN @extschema@.indicator_history.value IS 'The week''s value as an exact kpi_ratio.';
COMMENT ON COLUMN @extschema@.indicator_history.computed_at IS 'When the value was computed.';

-- Keep the DBA's catalog edits across pg_dump/pg_restore.  CREATE EXTENSION
-- re-seeds `target` before the dumped rows come back, so only rows that
-- differ from the shipped seed are dumped, a dumped row replaces the seed of
-- the same key, and deleted seeds are remembered in target_retired.
CREATE FUNCTION @extschema@.target_before_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT NEW.seeded THEN
        DELETE FROM @extschema@.target t
         WHERE t.seeded
           AND t.indicator = NEW.indicator AND t.stage = NEW.stage
           AND t.region_code IS NOT DISTINCT FROM NEW.region_code;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.target_before_insert() IS
'Trigger: an inserted (or restored) target row replaces the shipped seed row of the same indicator, stage and region.';

CREATE FUNCTION @extschema@.target_before_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.seeded := false;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.target_before_update() IS
'Trigger: an edited seed row becomes the DBA''s row (seeded = false), so pg_dump keeps it.';

CREATE FUNCTION @extschema@.target_after_delete() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- depth 1: the DBA's own DELETE, not a replacement made by a trigger
    IF OLD.seeded AND pg_trigger_depth() = 1 THEN
        INSERT INTO @extschema@.target_retired (indicator, stage, region_code)
        VALUES (OLD.indicator, OLD.stage, OLD.region_code)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.target_after_delete() IS
'Trigger: remembers a deleted seed row in target_retired, so a restore deletes it again.';

CREATE FUNCTION @extschema@.target_retired_before_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM @extschema@.target t
     WHERE t.seeded
       AND t.indicator = NEW.indicator AND t.stage = NEW.stage
       AND t.region_code IS NOT DISTINCT FROM NEW.region_code;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.target_retired_before_insert() IS
'Trigger: a restored target_retired row deletes the re-seeded target row again.';

CREATE TRIGGER target_before_insert BEFORE INSERT ON @extschema@.target
    FOR EACH ROW EXECUTE FUNCTION @extschema@.target_before_insert();
CREATE TRIGGER target_before_update BEFORE UPDATE ON @extschema@.target
    FOR EACH ROW EXECUTE FUNCTION @extschema@.target_before_update();
CREATE TRIGGER target_after_delete AFTER DELETE ON @extschema@.target
    FOR EACH ROW EXECUTE FUNCTION @extschema@.target_after_delete();
CREATE TRIGGER target_retired_before_insert BEFORE INSERT ON @extschema@.target_retired
    FOR EACH ROW EXECUTE FUNCTION @extschema@.target_retired_before_insert();

INSERT INTO @extschema@.target
    (indicator, stage, deadline, comparison, rule, threshold, baseline_platform,
     baseline_school_year, in_force, kind, title_ru, title_en, source_document, seeded)
VALUES
-- 2023 federal targets (protocol of 22.03.2023)
('orgs_connected', 1, '2023-05-01', '>=', 'fixed', 1, NULL, NULL, true, 'computed',
 'Доля образовательных организаций, подключённых к ИКОП «Сферум»',
 'Share of educational organisations connected to Sferum',
 'Протокол совещания от 22.03.2023', true),
('spo_registered', 1, '2023-05-01', '>=', 'fixed', 1, NULL, NULL, true, 'computed',
 'Доля профессиональных образовательных организаций (СПО), зарегистрированных на ИКОП «Сферум»',
 'Share of vocational (SPO) organisations registered in Sferum',
 'Протокол совещания от 22.03.2023', true),
('staff_using', 1, '2023-05-31', '>=', 'fixed', 1, NULL, NULL, true, 'computed',
 'Доля педагогических работников, использующих ИКОП «Сферум» в рамках должностных обязанностей',
 'Share of pedagogical workers using Sferum in their duties',
 'Протокол совещания от 22.03.2023', true),
('chats_10_per_week', 1, '2023-05-31', '>=', 'fixed', 0.25, NULL, NULL, true, 'computed',
 'Доля чатов педагогов государственных и муниципальных организаций с не менее 10 сообщениями в неделю',
 'Share of chats created by teachers of state and municipal organisations with at least 10 messages a week',
 'Протокол совещания от 22.03.2023', true),
('ejournal_connected', 1, '2023-07-01', '>=', 'fixed', 1, NULL, NULL, true, 'computed',
 'Доля общеобразовательных организаций, подключивших электронный журнал и дневник к ИКОП «Сферум» или внедривших ЭЖД ФГИС «Моя школа»',
 'Share of schools whose e-journal is connected to Sferum or that use the «Моя школа» e-journal',
 'Протокол совещания от 22.03.2023', true),
('active_teachers', 1, '2023-05-31', '>', 'fixed', 0.25, NULL, NULL, true, 'computed',
 'Доля педагогов со статусом «Активен»',
 'Share of teachers with status «Активен» (active)',
 'ИКОП «Сферум». Статистическая отчётность', true),
('active_orgs', 1, '2023-05-01', '>=', 'fixed', 1, NULL, NULL, true, 'computed',
 'Доля организаций со статусом «Активна»',
 'Share of organisations with status «Активна» (active)',
 'ИКОП «Сферум». Статистическая отчётность', true),
-- 2025 regional roadmap: moving Sferum to the national messenger
('staff_weekly_writers', 1, '2025-10-01', '>=', 'baseline_max', NULL, 'vk', 2024, true, 'computed',
 'Доля работников образовательных организаций, еженедельно пишущих сообщения',
 'Share of employees of educational organisations writing messages weekly',
 'Дорожная карта перевода коммуникаций Сферума в национальный мессенджер, показатель 1', true),
('staff_weekly_writers', 2, '2025-12-30', '>=', 'fixed', 0.75, NULL, NULL, false, 'computed',
 'Доля работников образовательных организаций, еженедельно пишущих сообщения',
 'Share of employees of educational organisations writing messages weekly',
 'Дорожная карта перевода коммуникаций Сферума в национальный мессенджер, показатель 1 (*)', true),
('learners_parents_weekly', 1, '2025-10-01', '>=', 'baseline_max', NULL, 'vk', 2024, true, 'computed',
 'Доля обучающихся и родителей, еженедельно использующих Сферум (читают / пишут)',
 'Share of pupils and parents using Sferum weekly (reading or writing)',
 'Дорожная карта перевода коммуникаций Сферума в национальный мессенджер, показатель 2', true),
('learners_parents_weekly', 2, '2025-12-30', '>=', 'fixed', 0.30, NULL, NULL, false, 'computed',
 'Доля обучающихся и родителей, еженедельно использующих Сферум (читают / пишут)',
 'Share of pupils and parents using Sferum weekly (reading or writing)',
 'Дорожная карта перевода коммуникаций Сферума в национальный мессенджер, показатель 2 (*)', true),
('national_only_users', 1, '2025-12-30', '>=', 'fixed', 1, NULL, NULL, true, 'computed',
 'Доля пользователей, использующих Сферум только в национальном мессенджере',
 'Share of users active only in the national messenger',
 'Дорожная карта перевода коммуникаций Сферума в национальный мессенджер, показатель 3', true),
('officials_weekly_writers', 1, '2025-12-30', '>=', 'fixed', 1, NULL, NULL, true, 'computed',
 'Доля служащих РОИВ, ОМСУ и подведомственных организаций, еженедельно пишущих сообщения',
 'Share of staff of education authorities and subordinate bodies writing messages weekly',
 'Дорожная карта перевода коммуникаций Сферума в национальный мессенджер, показатель 4', true),
-- roadmap milestones with countable results (loaded counts, not activity)
('official_channels_moved', 1, '2025-10-31', '>=', 'fixed', 1, NULL, NULL, true, 'milestone',
 'Доля официальных каналов, перенесённых в национальный мессенджер',
 'Share of official channels moved to the national messenger',
 'Дорожная карта, мероприятие 7', true),
('staff_trained', 1, '2025-10-31', '>=', 'fixed', 0.90, NULL, NULL, true, 'milestone',
 'Доля сотрудников, принявших участие в обучающих мероприятиях',
 'Share of staff who took part in training',
 'Дорожная карта, мероприятие 9', true),
('dpo_module_included', 1, '2025-12-31', '>=', 'fixed', 1, NULL, NULL, true, 'milestone',
 'Доля организаций ДПО, включивших модуль о Сферуме в курсы повышения квалификации',
 'Share of further-professional (DPO) organisations including the Sferum module in their courses',
 'Дорожная карта, мероприятие 14', true),
('ped_colleges_module_included', 1, '2025-12-31', '>=', 'fixed', 1, NULL, NULL, true, 'milestone',
 'Доля педагогических колледжей, включивших модуль о Сферуме в учебные программы',
 'Share of pedagogical colleges including the Sferum module in their curricula',
 'Дорожная карта, мероприятие 15', true);

SELECT pg_catalog.pg_extension_config_dump('@extschema@.target', 'WHERE NOT seeded');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.target_retired', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.indicator_history', '');

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
'One dashboard row for a share: the stage in force on as_of, its deadline, threshold (or baseline), in_force flag, due/upcoming, met, gap = value - threshold. short_by is NULL for a double value.';

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
