--------------------------------------------------------------------------------
-- kpi_ratio: an exact share numerator/denominator
--------------------------------------------------------------------------------

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

