-- Seeded SQL-level fuzzer of the extension's inputs: test/fuzz/run runs it in a
-- database of its own (CREATE EXTENSION sferum_kpi done).
--
--   psql -v seed=N -v seconds=S [-v trace=1] -f test/fuzz/fuzz.sql
--
-- Targets, round robin, each fed mutations of valid inputs (bit flips, byte or
-- character insertion and deletion, truncation, random bytes, boundary digit
-- strings and integers, very long strings, and for serialized states
-- structure-aware edits of header fields, records and counters):
--   kpi_ratio text      kpi_ratio_in
--   weekly_state text   weekly_state_in
--   kpi_ratio binary    kpi_ratio_recv, through COPY ... (FORMAT binary)
--   weekly_state binary weekly_state_recv, likewise
--   raw deserialize     weekly_raw_deserialize (and serialize), through the
--                       library's test entry point sferum_raw_state_selftest
--   raw combine         weekly_raw_combine of two states, likewise
-- Each attempt ends either as a value, which must round-trip (text out -> in,
-- binary send -> recv, serialize -> deserialize give an equal value), or as an
-- ERROR whose SQLSTATE is allowed (22P02, 22003, 22023, 22P03, 54000).  Where an
-- independent oracle can tell the outcome (the text and binary formats, the
-- header and counters of a serialized state, the result of a combine), the
-- outcome must also be the oracle's.  Anything else is a failure: it is kept in
-- fuzz.failure with the input, and the last statement fails.
--
-- The inputs of a seed are always the same, in the same order; the time limit
-- only decides how many of them run.  With trace=1 every input is printed
-- (as a WARNING) before it runs, to find the one that takes a server down.
\set ON_ERROR_STOP 1
\if :{?seed}
\else
\set seed 1
\endif
\if :{?seconds}
\else
\set seconds 20
\endif
\if :{?trace}
\else
\set trace 0
\endif
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sferum_kpi;
DROP SCHEMA IF EXISTS fuzz CASCADE;
CREATE SCHEMA fuzz;
SET search_path = fuzz, sferum_kpi, public;

CREATE TABLE fuzz.stats (ord integer PRIMARY KEY, target text NOT NULL, iterations bigint, ok bigint,
                         errors bigint, failures bigint, codes jsonb);
CREATE TABLE fuzz.failure (id serial PRIMARY KEY, target text, iteration bigint, got text, problem text,
                           input_length integer, input_hex text);
CREATE TEMP TABLE fuzz_ratio_in (v sferum_kpi.kpi_ratio);
CREATE TEMP TABLE fuzz_state_in (s sferum_kpi.weekly_state);

--------------------------------------------------------------------------------
-- Randomness: random() after setseed(), so a seed gives the same inputs
--------------------------------------------------------------------------------
CREATE FUNCTION fuzz.rint(lo bigint, hi bigint) RETURNS bigint LANGUAGE sql VOLATILE AS
$$ SELECT lo + floor(random() * (hi - lo + 1))::bigint $$;
CREATE FUNCTION fuzz.pick(a text[]) RETURNS text LANGUAGE sql VOLATILE AS
$$ SELECT a[fuzz.rint(1, cardinality(a))] $$;
CREATE FUNCTION fuzz.pickb(a bytea[]) RETURNS bytea LANGUAGE sql VOLATILE AS
$$ SELECT a[fuzz.rint(1, cardinality(a))] $$;
CREATE FUNCTION fuzz.pick8(a bigint[]) RETURNS bigint LANGUAGE sql VOLATILE AS
$$ SELECT a[fuzz.rint(1, cardinality(a))] $$;
CREATE FUNCTION fuzz.pick4(a integer[]) RETURNS integer LANGUAGE sql VOLATILE AS
$$ SELECT a[fuzz.rint(1, cardinality(a))] $$;
CREATE FUNCTION fuzz.rbytes(n bigint) RETURNS bytea LANGUAGE sql VOLATILE AS
$$ SELECT coalesce(decode(string_agg(lpad(to_hex(fuzz.rint(0, 255)), 2, '0'), '' ORDER BY g), 'hex'), ''::bytea)
   FROM generate_series(1, n) g $$;

CREATE FUNCTION fuzz.boundary_digits() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
SELECT ARRAY['0', '-0', '+0', '1', '-1', '7', '10', '255', '256', '65535', '65536',
             '2147483647', '2147483648', '-2147483648', '-2147483649', '4294967295', '4294967296',
             '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809',
             '18446744073709551615', '18446744073709551616', '99999999999999999999999999999',
             '0000000000000000000000000000000000000009223372036854775807', '+9223372036854775807',
             '00', '4611686018427387904', '9223372036854775806']
$$;
CREATE FUNCTION fuzz.boundary_int8() RETURNS bigint[] LANGUAGE sql IMMUTABLE AS $$
SELECT ARRAY[0, 1, -1, 2, 9, 10, 255, 256, 65535, 65536, 2147483647, 2147483648, -2147483648,
             4294967295, 4611686018427387904, 9223372036854775807, -9223372036854775808,
             9223372036854775806, -9223372036854775807]::bigint[]
$$;
CREATE FUNCTION fuzz.boundary_int4() RETURNS integer[] LANGUAGE sql IMMUTABLE AS $$
SELECT ARRAY[0, 1, -1, 2, 9, 10, 11, 254, 255, 256, 65535, 65536, 65537, 2147483647, -2147483648, -2147483647]
$$;

--------------------------------------------------------------------------------
-- Mutations
--------------------------------------------------------------------------------
CREATE FUNCTION fuzz.mutate_text(t text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    alphabet constant text[] := ARRAY['0', '1', '2', '5', '7', '9', '/', '@', '+', '-', ' ', E'\t', E'\n', E'\r',
                                      chr(11), E'\f', '.', 'e', 'x', 'a', '٣', '０', '½', '\', '"', ',', '/', '@'];
    n integer;
    p integer;
    q integer;
    c integer;
    cnt integer;
    op integer;
BEGIN
    FOR k IN 1 .. fuzz.rint(1, 3) LOOP
        n := length(t);
        op := fuzz.rint(0, 11);
        IF op = 0 AND n > 0 THEN                      -- flip one bit of an ASCII character
            p := fuzz.rint(1, n);
            c := ascii(substr(t, p, 1));
            IF c < 128 THEN
                c := c # (1 << fuzz.rint(0, 6)::integer);
                IF c > 0 THEN t := overlay(t PLACING chr(c) FROM p FOR 1); END IF;
            END IF;
        ELSIF op = 1 THEN                             -- insert a character
            p := fuzz.rint(1, n + 1);
            t := overlay(t PLACING fuzz.pick(alphabet) FROM p FOR 0);
        ELSIF op = 2 AND n > 0 THEN                   -- delete characters
            p := fuzz.rint(1, n);
            t := overlay(t PLACING '' FROM p FOR fuzz.rint(1, 3)::integer);
        ELSIF op = 3 THEN                             -- truncate
            t := left(t, fuzz.rint(0, n)::integer);
        ELSIF op = 4 THEN                             -- replace a number by a boundary digit string
            cnt := regexp_count(t, '[+-]?[0-9]+');
            IF cnt > 0 THEN
                t := regexp_replace(t, '[+-]?[0-9]+', fuzz.pick(fuzz.boundary_digits()), 1, fuzz.rint(1, cnt)::integer);
            END IF;
        ELSIF op = 5 THEN                             -- insert a boundary digit string
            t := overlay(t PLACING fuzz.pick(fuzz.boundary_digits()) FROM fuzz.rint(1, n + 1)::integer FOR 0);
        ELSIF op = 6 AND n > 0 THEN                   -- duplicate a piece
            p := fuzz.rint(1, n);
            q := fuzz.rint(1, n - p + 1);
            t := overlay(t PLACING substr(t, p, q) FROM fuzz.rint(1, n + 1)::integer FOR 0);
        ELSIF op = 7 THEN                             -- a random string
            t := (SELECT coalesce(string_agg(fuzz.pick(alphabet), '' ORDER BY g), '')
                  FROM generate_series(1, fuzz.rint(0, 24)) g);
        ELSIF op = 8 THEN                             -- now and then a very long run
            IF fuzz.rint(0, 20) = 0 THEN
                t := overlay(t PLACING repeat(fuzz.pick(ARRAY['0', '9', ' ', '/', '@', '1', '-']), fuzz.rint(1000, 200000)::integer)
                             FROM fuzz.rint(1, n + 1)::integer FOR 0);
            END IF;
        ELSIF op = 9 AND n > 1 THEN                   -- swap two characters
            p := fuzz.rint(1, n);
            q := fuzz.rint(1, n);
            IF p <> q THEN
                t := overlay(overlay(t PLACING substr(t, q, 1) FROM p FOR 1) PLACING substr(t, p, 1) FROM q FOR 1);
            END IF;
        ELSIF op = 10 THEN                            -- separators
            t := CASE fuzz.rint(0, 3) WHEN 0 THEN replace(t, '/', '@') WHEN 1 THEN replace(t, '@', '/')
                                      WHEN 2 THEN split_part(t, '@', 1) ELSE t || '@' || fuzz.pick(fuzz.boundary_digits()) END;
        ELSIF op = 11 THEN                            -- blanks and signs around
            t := fuzz.pick(ARRAY['', ' ', E'\t', E'\n', '+', '-', '0']) || t || fuzz.pick(ARRAY['', ' ', E'\r', E'\n', chr(11), '/']);
        END IF;
    END LOOP;
    RETURN t;
END $$;

CREATE FUNCTION fuzz.mutate_bytes(b bytea) RETURNS bytea LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n integer;
    p integer;
    q integer;
    op integer;
BEGIN
    FOR k IN 1 .. fuzz.rint(1, 3) LOOP
        n := length(b);
        op := fuzz.rint(0, 11);
        IF op = 0 AND n > 0 THEN                      -- flip a bit
            p := fuzz.rint(0, n - 1);
            b := set_byte(b, p, get_byte(b, p) # (1 << fuzz.rint(0, 7)::integer));
        ELSIF op = 1 AND n > 0 THEN                   -- a random byte
            b := set_byte(b, fuzz.rint(0, n - 1)::integer, fuzz.rint(0, 255)::integer);
        ELSIF op = 2 THEN                             -- insert bytes
            b := overlay(b PLACING fuzz.rbytes(fuzz.rint(1, 8)) FROM fuzz.rint(1, n + 1)::integer FOR 0);
        ELSIF op = 3 AND n > 0 THEN                   -- delete bytes
            b := overlay(b PLACING ''::bytea FROM fuzz.rint(1, n)::integer FOR fuzz.rint(1, 8)::integer);
        ELSIF op = 4 THEN                             -- truncate
            b := substr(b, 1, fuzz.rint(0, n)::integer);
        ELSIF op = 5 THEN                             -- append bytes
            b := b || fuzz.rbytes(fuzz.rint(1, 32));
        ELSIF op = 6 AND n >= 8 THEN                  -- a boundary int8, aligned or not
            p := CASE WHEN fuzz.rint(0, 1) = 0 THEN 8 * fuzz.rint(0, (n - 8) / 8) ELSE fuzz.rint(0, n - 8) END;
            b := overlay(b PLACING int8send(fuzz.pick8(fuzz.boundary_int8())) FROM p + 1 FOR 8);
        ELSIF op = 7 AND n >= 4 THEN                  -- a boundary int4
            p := fuzz.rint(0, n - 4);
            b := overlay(b PLACING int4send(fuzz.pick4(fuzz.boundary_int4())) FROM p + 1 FOR 4);
        ELSIF op = 8 AND n > 0 THEN                   -- a boundary byte
            b := set_byte(b, fuzz.rint(0, n - 1)::integer, (ARRAY[0, 1, 2, 127, 128, 254, 255])[fuzz.rint(1, 7)]);
        ELSIF op = 9 AND n > 0 THEN                   -- duplicate a piece
            p := fuzz.rint(1, n);
            q := fuzz.rint(1, n - p + 1);
            b := overlay(b PLACING substr(b, p, q) FROM fuzz.rint(1, n + 1)::integer FOR 0);
        ELSIF op = 10 THEN                            -- random bytes
            b := fuzz.rbytes(fuzz.rint(0, 48));
        ELSIF op = 11 AND fuzz.rint(0, 20) = 0 THEN   -- now and then a very long input
            b := b || CASE WHEN fuzz.rint(0, 1) = 0 THEN decode(repeat('00', fuzz.rint(1000, 1048576)::integer), 'hex')
                           ELSE decode(repeat(encode(fuzz.rbytes(9), 'hex'), fuzz.rint(100, 100000)::integer), 'hex') END;
        END IF;
    END LOOP;
    RETURN b;
END $$;

--------------------------------------------------------------------------------
-- Serialized raw-row states (format of src/rawagg_state.c): uint8 format 1, int32
-- min_messages, uint8 population_is_null, int64 population, int64 n, then n
-- records (int64 id, counter of 1, 2 or 4 bytes) in ascending order of a
-- 64-bit mix of the id.  The mix, for building valid seeds, in numeric.
--------------------------------------------------------------------------------
CREATE FUNCTION fuzz.int_at(b bytea, pos integer, len integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE len WHEN 8 THEN ('x' || encode(substr(b, pos, 8), 'hex'))::bit(64)::bigint
                   WHEN 4 THEN ('x' || encode(substr(b, pos, 4), 'hex'))::bit(32)::integer
                   ELSE ('x' || lpad(encode(substr(b, pos, len), 'hex'), 16, '0'))::bit(64)::bigint END $$;
CREATE FUNCTION fuzz.uint_at(b bytea, pos integer, len integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$$ SELECT ('x' || lpad(encode(substr(b, pos, len), 'hex'), 16, '0'))::bit(64)::bigint $$;
CREATE FUNCTION fuzz.width(min_messages bigint) RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN min_messages <= 255 THEN 1 WHEN min_messages <= 65535 THEN 2 ELSE 4 END $$;
CREATE FUNCTION fuzz.u64(b bit(64)) RETURNS numeric LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN b::bigint < 0 THEN b::bigint + 18446744073709551616 ELSE b::bigint END $$;
CREATE FUNCTION fuzz.b64(n numeric) RETURNS bit(64) LANGUAGE sql IMMUTABLE AS
$$ SELECT (CASE WHEN n >= 9223372036854775808 THEN n - 18446744073709551616 ELSE n END)::bigint::bit(64) $$;
CREATE FUNCTION fuzz.mix(id bigint) RETURNS numeric LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    h bit(64) := id::bit(64);
BEGIN
    h := h # (h >> 33);
    h := fuzz.b64(fuzz.u64(h) * 18397679294719823053 % 18446744073709551616);
    h := h # (h >> 33);
    h := fuzz.b64(fuzz.u64(h) * 14181476777654086739 % 18446744073709551616);
    h := h # (h >> 33);
    RETURN fuzz.u64(h);
END $$;
CREATE FUNCTION fuzz.raw_header(min_messages integer, population bigint, n bigint) RETURNS bytea LANGUAGE sql IMMUTABLE AS
$$ SELECT '\x01'::bytea || int4send(min_messages) || CASE WHEN population IS NULL THEN '\x01'::bytea ELSE '\x00'::bytea END
          || int8send(coalesce(population, 0)) || int8send(n) $$;
CREATE FUNCTION fuzz.raw_record(id bigint, c bigint, width integer) RETURNS bytea LANGUAGE sql IMMUTABLE AS
$$ SELECT int8send(id) || substr(int8send(c), 9 - width, width) $$;
CREATE FUNCTION fuzz.raw_state(min_messages integer, population bigint, ids bigint[], counts bigint[]) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
SELECT fuzz.raw_header(min_messages, population, cardinality(ids))
       || coalesce((SELECT string_agg(fuzz.raw_record(id, c, fuzz.width(min_messages)), ''::bytea ORDER BY fuzz.mix(id))
                    FROM unnest(ids, counts) u(id, c)), ''::bytea)
$$;
-- the records of a state whose header and length are consistent
CREATE FUNCTION fuzz.raw_records(b bytea) RETURNS TABLE (id bigint, c bigint) LANGUAGE sql IMMUTABLE AS $$
SELECT fuzz.int_at(b, 23 + i * (8 + w), 8), fuzz.uint_at(b, 31 + i * (8 + w), w)
FROM (SELECT fuzz.width(fuzz.int_at(b, 2, 4)) AS w) h, generate_series(0, (length(b) - 22) / (8 + w) - 1) i
$$;
-- Why deserializing must refuse these bytes, or NULL if only the order of the
-- records (not checked here) can make them invalid.
CREATE FUNCTION fuzz.raw_must_reject(b bytea) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    m bigint;
    flag integer;
    pop bigint;
    n bigint;
    rs integer;
BEGIN
    IF length(b) < 22 THEN RETURN 'header cut short'; END IF;
    IF get_byte(b, 0) <> 1 THEN RETURN 'format'; END IF;
    m := fuzz.int_at(b, 2, 4);
    flag := get_byte(b, 5);
    pop := fuzz.int_at(b, 7, 8);
    n := fuzz.int_at(b, 15, 8);
    IF m < 1 THEN RETURN 'min_messages'; END IF;
    IF flag NOT IN (0, 1) THEN RETURN 'population flag'; END IF;
    IF pop < 0 THEN RETURN 'population'; END IF;
    IF flag = 1 AND pop <> 0 THEN RETURN 'population of a NULL population'; END IF;
    rs := 8 + fuzz.width(m);
    IF n < 0 OR n::numeric * rs <> length(b) - 22 THEN RETURN 'length'; END IF;
    IF EXISTS (SELECT 1 FROM fuzz.raw_records(b) r WHERE r.c > m) THEN RETURN 'counter above min_messages'; END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION fuzz.raw_min(b bytea) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN length(b) >= 5 THEN fuzz.int_at(b, 2, 4) END $$;

-- edits that know the format
CREATE FUNCTION fuzz.mutate_raw(b bytea) RETURNS bytea LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    m bigint;
    w integer;
    rs integer;
    nrec integer;
    i integer;
    j integer;
    op integer;
BEGIN
    IF length(b) < 22 THEN RETURN fuzz.mutate_bytes(b); END IF;
    m := fuzz.int_at(b, 2, 4);
    w := fuzz.width(m);
    rs := 8 + w;
    nrec := (length(b) - 22) / rs;
    op := fuzz.rint(0, 11);
    IF op = 0 THEN
        b := set_byte(b, 0, (ARRAY[0, 1, 1, 2, 255])[fuzz.rint(1, 5)]);
    ELSIF op = 1 THEN
        b := overlay(b PLACING int4send(CASE WHEN fuzz.rint(0, 1) = 0 THEN fuzz.pick4(fuzz.boundary_int4())
                                             ELSE greatest(least(m + fuzz.rint(-2, 2), 2147483647), -2147483648)::integer END)
                     FROM 2 FOR 4);
    ELSIF op = 2 THEN
        b := set_byte(b, 5, (ARRAY[0, 1, 2, 255])[fuzz.rint(1, 4)]);
    ELSIF op = 3 THEN
        b := overlay(b PLACING int8send(CASE WHEN fuzz.rint(0, 1) = 0 THEN fuzz.pick8(fuzz.boundary_int8())
                                             ELSE fuzz.rint(0, 100) END) FROM 7 FOR 8);
    ELSIF op = 4 THEN
        b := overlay(b PLACING int8send(CASE WHEN fuzz.rint(0, 2) = 0 THEN fuzz.pick8(fuzz.boundary_int8())
                                             ELSE nrec + fuzz.rint(-2, 2) END) FROM 15 FOR 8);
    ELSIF op = 5 AND nrec >= 2 THEN                   -- swap two records: out of order
        i := fuzz.rint(0, nrec - 1);
        j := fuzz.rint(0, nrec - 1);
        IF i <> j THEN
            b := overlay(overlay(b PLACING substr(b, 23 + j * rs, rs) FROM 23 + i * rs FOR rs)
                         PLACING substr(b, 23 + i * rs, rs) FROM 23 + j * rs FOR rs);
        END IF;
    ELSIF op = 6 AND nrec >= 1 THEN                   -- a person twice
        i := fuzz.rint(0, nrec - 1);
        b := overlay(b PLACING substr(b, 23 + i * rs, rs) FROM 23 + i * rs FOR 0);
        b := overlay(b PLACING int8send(nrec + 1) FROM 15 FOR 8);
    ELSIF op = 7 AND nrec >= 1 THEN                   -- drop a person: still valid
        i := fuzz.rint(0, nrec - 1);
        b := overlay(b PLACING ''::bytea FROM 23 + i * rs FOR rs);
        b := overlay(b PLACING int8send(nrec - 1) FROM 15 FOR 8);
    ELSIF op = 8 AND nrec >= 1 AND m >= 1 THEN        -- a counter: mostly valid, sometimes just above
        i := fuzz.rint(0, nrec - 1);
        b := overlay(b PLACING substr(int8send(CASE fuzz.rint(0, 5) WHEN 0 THEN m + 1 WHEN 1 THEN (1::bigint << (8 * w)) - 1
                                                                    ELSE fuzz.rint(0, m) END), 9 - w, w)
                     FROM 31 + i * rs FOR w);
    ELSIF op = 9 THEN                                 -- a new person at the end: usually out of order
        b := b || fuzz.raw_record(fuzz.rint(-100, 100), fuzz.rint(0, greatest(m, 0)), w);
        b := overlay(b PLACING int8send(nrec + 1) FROM 15 FOR 8);
    ELSE
        b := fuzz.mutate_bytes(b);
    END IF;
    RETURN b;
END $$;

--------------------------------------------------------------------------------
-- The targets.  Each returns (got, problem, keep): got is 'ok' or the SQLSTATE,
-- problem is NULL or why the outcome is wrong, keep says the input is a new
-- valid seed worth keeping.
--------------------------------------------------------------------------------
CREATE TYPE fuzz.outcome AS (got text, problem text, keep boolean);
CREATE FUNCTION fuzz.allowed() RETURNS text[] LANGUAGE sql IMMUTABLE AS
$$ SELECT ARRAY['22P02', '22003', '22023', '22P03', '54000'] $$;
-- the outcome of an ERROR: an allowed SQLSTATE, and one the oracle expects
CREATE FUNCTION fuzz.error_outcome(got text, msg text, expect text[]) RETURNS fuzz.outcome LANGUAGE sql IMMUTABLE AS $$
SELECT ROW(got,
           CASE WHEN NOT got = ANY (fuzz.allowed()) THEN format('SQLSTATE %s is not allowed: %s', got, left(msg, 300))
                WHEN expect IS NOT NULL AND NOT got = ANY (expect)
                THEN format('expected %s, got %s: %s', array_to_string(expect, ' or '), got, left(msg, 300)) END,
           false)::fuzz.outcome
$$;

-- text input: the grammar, independently: blanks, optional sign, digits
CREATE FUNCTION fuzz.numbers(t text, parts integer) RETURNS numeric[] LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    ws constant text := E'[ \t\n\r]*';
    num constant text := '([+-]?[0-9]+)';
    m text[];
BEGIN
    IF parts = 2 THEN
        m := regexp_match(t, '^' || ws || num || ws || '/' || ws || num || ws || '$');
    ELSE
        m := regexp_match(t, '^' || ws || num || ws || '/' || ws || num || ws || '@' || ws || num || ws || '$');
    END IF;
    IF m IS NULL THEN
        RETURN NULL;
    END IF;
    -- a number too long for numeric is out of range anyway
    RETURN ARRAY(SELECT CASE WHEN length(ltrim(ltrim(x, '+-'), '0')) > 40
                             THEN CASE WHEN left(x, 1) = '-' THEN -1e40 ELSE 1e40 END
                             ELSE x::numeric END
                 FROM unnest(m) WITH ORDINALITY u(x, o) ORDER BY o);
END $$;
CREATE FUNCTION fuzz.in_int8(x numeric) RETURNS boolean LANGUAGE sql IMMUTABLE AS
$$ SELECT x BETWEEN -9223372036854775808 AND 9223372036854775807 $$;

CREATE FUNCTION fuzz.try_ratio_text(input text) RETURNS fuzz.outcome LANGUAGE plpgsql AS $$
DECLARE
    v sferum_kpi.kpi_ratio;
    v2 sferum_kpi.kpi_ratio;
    p numeric[] := fuzz.numbers(input, 2);
    expect text[];
BEGIN
    IF p IS NULL THEN
        expect := ARRAY['22P02', '22003'];    -- 22003 when a number overflows before the bad syntax
    ELSIF NOT (fuzz.in_int8(p[1]) AND fuzz.in_int8(p[2])) THEN
        expect := ARRAY['22003'];
    ELSIF p[1] < 0 OR p[2] < 0 OR p[1] > p[2] THEN
        expect := ARRAY['22023'];
    ELSE
        expect := ARRAY['ok'];
    END IF;
    BEGIN
        v := input::sferum_kpi.kpi_ratio;
    EXCEPTION WHEN OTHERS THEN
        RETURN fuzz.error_outcome(SQLSTATE, SQLERRM, expect);
    END;
    IF expect <> ARRAY['ok'] THEN
        RETURN ROW('ok', format('accepted as %s, expected %s', v, array_to_string(expect, ' or ')), false)::fuzz.outcome;
    END IF;
    IF numerator(v) <> p[1] OR denominator(v) <> p[2] THEN
        RETURN ROW('ok', format('read as %s, the text says %s/%s', v, p[1], p[2]), false)::fuzz.outcome;
    END IF;
    BEGIN
        v2 := v::text::sferum_kpi.kpi_ratio;
    EXCEPTION WHEN OTHERS THEN
        RETURN ROW('ok', format('its output %s does not read back: %s %s', v, SQLSTATE, SQLERRM), false)::fuzz.outcome;
    END;
    IF v2::text <> v::text OR NOT v2 OPERATOR(sferum_kpi.=) v OR kpi_ratio_send(v2) <> kpi_ratio_send(v) THEN
        RETURN ROW('ok', format('round trip %s -> %s', v, v2), false)::fuzz.outcome;
    END IF;
    RETURN ROW('ok', NULL, length(input) <= 80)::fuzz.outcome;
END $$;

CREATE FUNCTION fuzz.try_state_text(input text) RETURNS fuzz.outcome LANGUAGE plpgsql AS $$
DECLARE
    s sferum_kpi.weekly_state;
    s2 sferum_kpi.weekly_state;
    p numeric[] := fuzz.numbers(input, 3);
    expect text[];
BEGIN
    IF p IS NULL THEN
        expect := ARRAY['22P02', '22003'];
    ELSIF NOT (fuzz.in_int8(p[1]) AND fuzz.in_int8(p[2]) AND fuzz.in_int8(p[3])) THEN
        expect := ARRAY['22003'];
    ELSIF p[3] < 0 THEN
        expect := ARRAY['22023'];        -- a negative part is invalid, like the others
    ELSIF p[3] > 2147483647 THEN
        expect := ARRAY['22003'];
    ELSIF p[1] < 0 OR p[2] < 0 OR p[1] > p[2] OR (p[3] = 0 AND p[2] <> 0) THEN
        expect := ARRAY['22023'];
    ELSE
        expect := ARRAY['ok'];
    END IF;
    BEGIN
        s := input::sferum_kpi.weekly_state;
    EXCEPTION WHEN OTHERS THEN
        RETURN fuzz.error_outcome(SQLSTATE, SQLERRM, expect);
    END;
    IF expect <> ARRAY['ok'] THEN
        RETURN ROW('ok', format('accepted as %s, expected %s', s, array_to_string(expect, ' or ')), false)::fuzz.outcome;
    END IF;
    IF s::text <> format('%s/%s@%s', p[1], p[2], p[3]) THEN
        RETURN ROW('ok', format('read as %s, the text says %s/%s@%s', s, p[1], p[2], p[3]), false)::fuzz.outcome;
    END IF;
    BEGIN
        s2 := s::text::sferum_kpi.weekly_state;
    EXCEPTION WHEN OTHERS THEN
        RETURN ROW('ok', format('its output %s does not read back: %s %s', s, SQLSTATE, SQLERRM), false)::fuzz.outcome;
    END;
    IF s2::text <> s::text OR weekly_state_send(s2) <> weekly_state_send(s) THEN
        RETURN ROW('ok', format('round trip %s -> %s', s, s2), false)::fuzz.outcome;
    END IF;
    RETURN ROW('ok', NULL, length(input) <= 80)::fuzz.outcome;
END $$;

-- binary input through COPY: a bytea field of a binary COPY file is raw bytes
CREATE FUNCTION fuzz.copy_path() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT current_setting('data_directory') || '/sferum_kpi_fuzz_' || pg_backend_pid() || '.bin' $$;

CREATE FUNCTION fuzz.try_ratio_bin(b bytea) RETURNS fuzz.outcome LANGUAGE plpgsql AS $$
DECLARE
    v sferum_kpi.kpi_ratio;
    n bigint;
    d bigint;
    expect text[] := ARRAY['22P03'];
BEGIN
    IF length(b) = 16 THEN
        n := fuzz.int_at(b, 1, 8);
        d := fuzz.int_at(b, 9, 8);
        IF n >= 0 AND d >= 0 AND n <= d THEN expect := ARRAY['ok']; END IF;
    END IF;
    EXECUTE format('COPY (SELECT %L::bytea) TO %L WITH (FORMAT binary)', b, fuzz.copy_path());
    BEGIN
        DELETE FROM fuzz_ratio_in;
        EXECUTE format('COPY fuzz_ratio_in FROM %L WITH (FORMAT binary)', fuzz.copy_path());
        SELECT r.v INTO v FROM fuzz_ratio_in r;
    EXCEPTION WHEN OTHERS THEN
        RETURN fuzz.error_outcome(SQLSTATE, SQLERRM, expect);
    END;
    IF expect <> ARRAY['ok'] THEN
        RETURN ROW('ok', format('accepted as %s, expected 22P03', v), false)::fuzz.outcome;
    END IF;
    IF v::text <> format('%s/%s', n, d) OR kpi_ratio_send(v) <> b THEN
        RETURN ROW('ok', format('read as %s, sent back as %s', v, kpi_ratio_send(v)), false)::fuzz.outcome;
    END IF;
    IF v::text::sferum_kpi.kpi_ratio::text <> v::text THEN
        RETURN ROW('ok', format('text round trip of %s', v), false)::fuzz.outcome;
    END IF;
    RETURN ROW('ok', NULL, true)::fuzz.outcome;
END $$;

CREATE FUNCTION fuzz.try_state_bin(b bytea) RETURNS fuzz.outcome LANGUAGE plpgsql AS $$
DECLARE
    s sferum_kpi.weekly_state;
    a bigint;
    m bigint;
    t bigint;
    expect text[] := ARRAY['22P03'];
BEGIN
    IF length(b) = 20 THEN
        a := fuzz.int_at(b, 1, 8);
        m := fuzz.int_at(b, 9, 8);
        t := fuzz.int_at(b, 17, 4);
        IF a >= 0 AND m >= 0 AND a <= m AND t >= 0 AND NOT (t = 0 AND m <> 0) THEN expect := ARRAY['ok']; END IF;
    END IF;
    EXECUTE format('COPY (SELECT %L::bytea) TO %L WITH (FORMAT binary)', b, fuzz.copy_path());
    BEGIN
        DELETE FROM fuzz_state_in;
        EXECUTE format('COPY fuzz_state_in FROM %L WITH (FORMAT binary)', fuzz.copy_path());
        SELECT r.s INTO s FROM fuzz_state_in r;
    EXCEPTION WHEN OTHERS THEN
        RETURN fuzz.error_outcome(SQLSTATE, SQLERRM, expect);
    END;
    IF expect <> ARRAY['ok'] THEN
        RETURN ROW('ok', format('accepted as %s, expected 22P03', s), false)::fuzz.outcome;
    END IF;
    IF s::text <> format('%s/%s@%s', a, m, t) OR weekly_state_send(s) <> b THEN
        RETURN ROW('ok', format('read as %s, sent back as %s', s, weekly_state_send(s)), false)::fuzz.outcome;
    END IF;
    IF s::text::sferum_kpi.weekly_state::text <> s::text THEN
        RETURN ROW('ok', format('text round trip of %s', s), false)::fuzz.outcome;
    END IF;
    RETURN ROW('ok', NULL, true)::fuzz.outcome;
END $$;

-- the library's test entry point: deserialize, combine, serialize (see test/sql/rawagg.sql)
CREATE FUNCTION fuzz.raw_selftest(bytea, bytea, left_as_table boolean DEFAULT false) RETURNS bytea
AS '$libdir/sferum_kpi', 'sferum_raw_state_selftest' LANGUAGE C;

CREATE FUNCTION fuzz.try_raw(b bytea) RETURNS fuzz.outcome LANGUAGE plpgsql AS $$
DECLARE
    reason text := fuzz.raw_must_reject(b);
    r bytea;
BEGIN
    BEGIN
        r := fuzz.raw_selftest(b, NULL);
    EXCEPTION WHEN OTHERS THEN
        RETURN fuzz.error_outcome(SQLSTATE, SQLERRM, ARRAY['22P03', '54000']);
    END;
    IF reason IS NOT NULL THEN
        RETURN ROW('ok', 'accepted, although: ' || reason, false)::fuzz.outcome;
    END IF;
    IF r <> b THEN
        RETURN ROW('ok', 'deserialize -> serialize changed the bytes to ' || left(encode(r, 'hex'), 200), false)::fuzz.outcome;
    END IF;
    BEGIN
        r := fuzz.raw_selftest(b, NULL, true);
    EXCEPTION WHEN OTHERS THEN
        RETURN ROW('ok', format('the table form of a valid state fails: %s %s', SQLSTATE, SQLERRM), false)::fuzz.outcome;
    END;
    IF r <> b THEN
        RETURN ROW('ok', 'deserialize -> hash table -> serialize changed the bytes to ' || left(encode(r, 'hex'), 200), false)::fuzz.outcome;
    END IF;
    RETURN ROW('ok', NULL, length(b) <= 2000)::fuzz.outcome;
END $$;

CREATE FUNCTION fuzz.try_raw_combine(a bytea, b bytea, as_table boolean) RETURNS fuzz.outcome LANGUAGE plpgsql AS $$
DECLARE
    expect text[];
    r bytea;
    r2 bytea;
    m bigint;
    bad bigint;
BEGIN
    IF fuzz.raw_must_reject(a) IS NOT NULL OR fuzz.raw_must_reject(b) IS NOT NULL THEN
        expect := ARRAY['22P03'];
    ELSIF substr(a, 1, 14) <> substr(b, 1, 14) THEN
        expect := ARRAY['22023', '22P03'];    -- other parameters (22P03 if a record is out of order)
    ELSE
        expect := ARRAY['ok', '22P03'];
    END IF;
    BEGIN
        r := fuzz.raw_selftest(a, b, as_table);
    EXCEPTION WHEN OTHERS THEN
        RETURN fuzz.error_outcome(SQLSTATE, SQLERRM, expect);
    END;
    IF NOT 'ok' = ANY (expect) THEN
        RETURN ROW('ok', format('combined, expected %s', array_to_string(expect, ' or ')), false)::fuzz.outcome;
    END IF;
    -- the merge, worked out here: every person of either side, counters added up to min_messages
    m := fuzz.int_at(a, 2, 4);
    SELECT count(*) INTO bad
    FROM (SELECT coalesce(x.id, y.id) AS id, least(coalesce(x.c, 0) + coalesce(y.c, 0), m) AS c
          FROM fuzz.raw_records(a) x FULL JOIN fuzz.raw_records(b) y ON x.id = y.id) e
         FULL JOIN fuzz.raw_records(r) z ON z.id = e.id
    WHERE z.id IS NULL OR e.id IS NULL OR z.c <> e.c;
    IF bad > 0 OR substr(r, 1, 14) <> substr(a, 1, 14)
       OR fuzz.int_at(r, 15, 8) <> (SELECT count(*) FROM fuzz.raw_records(r)) THEN
        RETURN ROW('ok', format('%s persons wrong in the combined state %s', bad, left(encode(r, 'hex'), 200)), false)::fuzz.outcome;
    END IF;
    -- the other order and the other form of the left side give the same bytes
    BEGIN
        r2 := fuzz.raw_selftest(b, a, NOT as_table);
    EXCEPTION WHEN OTHERS THEN
        RETURN ROW('ok', format('combining the other way round fails: %s %s', SQLSTATE, SQLERRM), false)::fuzz.outcome;
    END;
    IF r2 <> r THEN
        RETURN ROW('ok', 'combining the other way round gives other bytes', false)::fuzz.outcome;
    END IF;
    RETURN ROW('ok', NULL, length(r) <= 2000)::fuzz.outcome;
END $$;

--------------------------------------------------------------------------------
-- Seeds
--------------------------------------------------------------------------------
CREATE FUNCTION fuzz.raw_seeds() RETURNS bytea[] LANGUAGE sql VOLATILE AS $$
WITH skewed AS (   -- ids whose mix falls in the last quarter: a small table wraps them around
    SELECT array_agg(id ORDER BY id) AS ids
    FROM (SELECT id FROM generate_series(1, 150) id WHERE fuzz.mix(id) >= 13835058055282163712 ORDER BY id LIMIT 20) s)
SELECT ARRAY[
    fuzz.raw_state(10, NULL, '{}', '{}'),
    fuzz.raw_state(10, NULL, '{1,2,3}', '{10,3,0}'),
    fuzz.raw_state(10, 50, '{1,5}', '{10,10}'),
    fuzz.raw_state(1, NULL, '{-9223372036854775808,9223372036854775807,0,-1}', '{1,1,0,1}'),
    fuzz.raw_state(255, NULL, ids, (SELECT array_agg((i * 37) % 256) FROM generate_series(1, 20) i)),
    fuzz.raw_state(256, 1000, ids[1:10], (SELECT array_agg((i * 53) % 257) FROM generate_series(1, 10) i)),
    fuzz.raw_state(65535, NULL, ids[1:17], (SELECT array_agg((i * 7919) % 65536) FROM generate_series(1, 17) i)),
    fuzz.raw_state(65536, NULL, ids[1:14], (SELECT array_agg(i * 4681) FROM generate_series(1, 14) i)),
    fuzz.raw_state(2147483647, 9223372036854775807, '{9223372036854775807,-5,77}', '{2147483647,0,5}'),
    fuzz.raw_state(3, NULL, (SELECT array_agg(i * 1000003) FROM generate_series(-30, 29) i),
                            (SELECT array_agg(abs(i) % 4) FROM generate_series(-30, 29) i)),
    fuzz.raw_state(10, NULL, (SELECT array_agg(i::bigint) FROM generate_series(1, 40) i),
                             (SELECT array_agg(i % 11) FROM generate_series(1, 40) i)),
    fuzz.raw_state(10, 0, '{}', '{}'),
    -- big enough that a table form resizes while states are merged
    fuzz.raw_state(5, NULL, (SELECT array_agg(i * 7919 - 4000000) FROM generate_series(1, 1000) i),
                            (SELECT array_agg(i % 6) FROM generate_series(1, 1000) i)),
    fuzz.raw_state(300, 10000, (SELECT array_agg(i * 104729) FROM generate_series(-150, 149) i),
                               (SELECT array_agg(abs(i) % 301) FROM generate_series(-150, 149) i))]
FROM skewed
$$;

--------------------------------------------------------------------------------
-- The loop
--------------------------------------------------------------------------------
CREATE PROCEDURE fuzz.run(seed integer, seconds integer, trace boolean) LANGUAGE plpgsql AS $$
DECLARE
    targets constant text[] := ARRAY['kpi_ratio text', 'weekly_state text', 'kpi_ratio binary',
                                     'weekly_state binary', 'raw deserialize', 'raw combine'];
    deadline timestamptz := clock_timestamp() + make_interval(secs => seconds);
    ratio_text text[] := ARRAY['0/0', '1/2', '37/120', '3/4', E' 3 /\t4 ', '+3/4', '-0/0', '1/1', '00001/00002',
                               '9223372036854775807/9223372036854775807', '0/9223372036854775807'];
    state_text text[] := ARRAY['0/0@0', '3/4@10', '1/2@3', E' 1 / 2 @\n3 ', '0/5@1', '5/5@2147483647',
                               '9223372036854775807/9223372036854775807@2147483647'];
    ratio_bin bytea[];
    state_bin bytea[];
    raw bytea[] := fuzz.raw_seeds();
    iterations bigint[] := '{0,0,0,0,0,0}';
    oks bigint[] := '{0,0,0,0,0,0}';
    errors bigint[] := '{0,0,0,0,0,0}';
    failures bigint[] := '{0,0,0,0,0,0}';
    codes jsonb[] := ARRAY['{}', '{}', '{}', '{}', '{}', '{}']::jsonb[];
    i bigint := 0;
    k integer;
    t text;
    b bytea;
    b2 bytea;
    o fuzz.outcome;
    w integer;
    m bigint;
    input_hex text;
BEGIN
    PERFORM setseed(seed::float8 / 2147483648);
    SELECT array_agg(int8send(numerator(x::sferum_kpi.kpi_ratio)) || int8send(denominator(x::sferum_kpi.kpi_ratio)))
      INTO ratio_bin FROM unnest(ratio_text) x;
    SELECT array_agg(weekly_state_send(x::sferum_kpi.weekly_state)) INTO state_bin FROM unnest(state_text) x;
    LOOP
        EXIT WHEN clock_timestamp() >= deadline;
        i := i + 1;
        k := 1 + ((i - 1) % 6)::integer;
        t := NULL;
        b := NULL;
        b2 := NULL;
        IF k = 1 THEN
            t := fuzz.mutate_text(fuzz.pick(ratio_text));
        ELSIF k = 2 THEN
            t := fuzz.mutate_text(fuzz.pick(state_text));
        ELSIF k = 3 THEN
            b := fuzz.mutate_bytes(fuzz.pickb(ratio_bin));
        ELSIF k = 4 THEN
            b := fuzz.mutate_bytes(fuzz.pickb(state_bin));
        ELSIF k = 5 THEN
            b := fuzz.pickb(raw);
            FOR n IN 1 .. fuzz.rint(1, 2) LOOP
                b := CASE WHEN fuzz.rint(0, 4) = 0 THEN fuzz.mutate_bytes(b) ELSE fuzz.mutate_raw(b) END;
            END LOOP;
        ELSE
            -- a pair: mostly two states of the same parameters (the left one's
            -- records thinned, counters changed, persons added), sometimes any
            -- two seeds, sometimes a corrupted right side
            b := fuzz.pickb(raw);
            IF fuzz.rint(0, 3) = 0 THEN
                b2 := fuzz.pickb(raw);
            ELSE
                b2 := b;
                IF fuzz.raw_must_reject(b2) IS NULL THEN
                    m := fuzz.int_at(b2, 2, 4);
                    w := fuzz.width(m);
                    FOR n IN 1 .. fuzz.rint(0, 3) LOOP
                        b2 := fuzz.mutate_raw(b2);
                        EXIT WHEN fuzz.raw_must_reject(b2) IS NOT NULL;
                    END LOOP;
                    FOR n IN 1 .. fuzz.rint(0, 3) LOOP      -- add one person through a valid one-person state
                        BEGIN
                            b2 := fuzz.raw_selftest(b2, substr(b2, 1, 14) || int8send(1)
                                                    || fuzz.raw_record(fuzz.rint(-50, 50), fuzz.rint(0, m), w));
                        EXCEPTION WHEN OTHERS THEN
                            NULL;
                        END;
                    END LOOP;
                END IF;
            END IF;
            IF fuzz.rint(0, 5) = 0 THEN
                b2 := fuzz.mutate_raw(b2);
            END IF;
        END IF;
        IF trace THEN
            input_hex := coalesce(encode(convert_to(t, 'UTF8'), 'hex'), encode(b, 'hex') || coalesce(' ' || encode(b2, 'hex'), ''));
            RAISE WARNING 'fuzz % #% input %', targets[k], i, left(input_hex, 4000);
        END IF;

        BEGIN
            o := CASE k WHEN 1 THEN fuzz.try_ratio_text(t)
                        WHEN 2 THEN fuzz.try_state_text(t)
                        WHEN 3 THEN fuzz.try_ratio_bin(b)
                        WHEN 4 THEN fuzz.try_state_bin(b)
                        WHEN 5 THEN fuzz.try_raw(b)
                        ELSE fuzz.try_raw_combine(b, b2, fuzz.rint(0, 1) = 1) END;
        EXCEPTION WHEN OTHERS THEN
            o := ROW('harness', format('the harness failed: %s %s', SQLSTATE, SQLERRM), false)::fuzz.outcome;
        END;

        iterations[k] := iterations[k] + 1;
        IF o.got = 'ok' THEN
            oks[k] := oks[k] + 1;
        ELSE
            errors[k] := errors[k] + 1;
        END IF;
        codes[k] := jsonb_set(codes[k], ARRAY[o.got], to_jsonb(coalesce((codes[k] ->> o.got)::bigint, 0) + 1));
        IF o.problem IS NOT NULL THEN
            failures[k] := failures[k] + 1;
            input_hex := coalesce(encode(convert_to(t, 'UTF8'), 'hex'), encode(b, 'hex') || coalesce(' ' || encode(b2, 'hex'), ''));
            INSERT INTO fuzz.failure (target, iteration, got, problem, input_length, input_hex)
            VALUES (targets[k], i, o.got, o.problem, coalesce(length(t), length(b) + coalesce(length(b2), 0)), left(input_hex, 20000));
        ELSIF o.keep THEN
            -- valid inputs become seeds (a bounded number of them)
            IF k = 1 AND cardinality(ratio_text) < 300 AND NOT t = ANY (ratio_text) THEN ratio_text := ratio_text || t;
            ELSIF k = 2 AND cardinality(state_text) < 300 AND NOT t = ANY (state_text) THEN state_text := state_text || t;
            ELSIF k = 3 AND cardinality(ratio_bin) < 300 AND NOT b = ANY (ratio_bin) THEN ratio_bin := ratio_bin || b;
            ELSIF k = 4 AND cardinality(state_bin) < 300 AND NOT b = ANY (state_bin) THEN state_bin := state_bin || b;
            ELSIF k = 5 AND cardinality(raw) < 300 AND NOT b = ANY (raw) THEN raw := raw || b;
            END IF;
        END IF;

        IF i % 64 = 0 THEN
            DELETE FROM fuzz.stats;
            INSERT INTO fuzz.stats
            SELECT j, targets[j], iterations[j], oks[j], errors[j], failures[j], codes[j] FROM generate_series(1, 6) j;
            TRUNCATE fuzz_ratio_in, fuzz_state_in;
            COMMIT;
        END IF;
    END LOOP;
    DELETE FROM fuzz.stats;
    INSERT INTO fuzz.stats
    SELECT j, targets[j], iterations[j], oks[j], errors[j], failures[j], codes[j] FROM generate_series(1, 6) j;
END $$;

SELECT :'seed'::integer AS seed, :'seconds'::integer AS seconds \gset
\echo fuzzing for :seconds s with seed :seed
CALL fuzz.run(:seed, :seconds, :trace::integer <> 0);

SELECT target, iterations, ok, errors, failures,
       (SELECT string_agg(key || ':' || value, ' ' ORDER BY key) FROM jsonb_each_text(codes)) AS outcomes
FROM fuzz.stats ORDER BY ord;
SELECT target, iteration, got, left(problem, 200) AS problem, input_length, left(input_hex, 120) AS input_hex
FROM fuzz.failure ORDER BY id LIMIT 20;
-- make psql fail when anything failed
DO $$
DECLARE
    n bigint := (SELECT count(*) FROM fuzz.failure);
BEGIN
    IF n > 0 THEN
        RAISE EXCEPTION '% fuzzing failure(s)', n USING HINT = 'See fuzz.failure; rerun with the same FUZZ_SEED (and FUZZ_TRACE=1) to replay.';
    END IF;
END $$;
