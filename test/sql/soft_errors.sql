-- Soft errors in type input.  PostgreSQL 16+ calls an input function with an
-- ErrorSaveContext for pg_input_is_valid and pg_input_error_info, and 17 for
-- COPY ... WITH (ON_ERROR ignore): kpi_ratio and weekly_state must then report
-- a bad value without raising, with the SQLSTATE, message, detail and hint of
-- the error that a plain cast raises.
-- Expected output: soft_errors.out (17); soft_errors_1.out (15, which has
-- neither pg_input_is_valid nor ON_ERROR: those statements fail there, while
-- the hard errors and the plain COPY give the same output as on 17).
SET search_path = public, sferum_kpi;

CREATE FUNCTION pg_temp.hard(v text, typ text, OUT code text, OUT msg text, OUT det text, OUT hnt text)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT %L::%s', v, typ);
    code := 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                            det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
END $$;

CREATE TEMP TABLE cases (n int, typ text, v text);
INSERT INTO cases VALUES
    (1, 'sferum_kpi.kpi_ratio', '37/120'),
    (2, 'sferum_kpi.kpi_ratio', '1/0'),                      -- numerator above denominator: 22023
    (3, 'sferum_kpi.kpi_ratio', '-1/2'),                     -- negative: 22023
    (4, 'sferum_kpi.kpi_ratio', '1/2/3'),                    -- syntax: 22P02
    (5, 'sferum_kpi.kpi_ratio', ''),                         -- syntax: 22P02
    (6, 'sferum_kpi.kpi_ratio', '1/99999999999999999999'),   -- out of range: 22003
    (7, 'sferum_kpi.kpi_ratio', '99999999999999999999/x'),   -- out of range before the syntax error
    (8, 'sferum_kpi.weekly_state', '3/4@10'),
    (9, 'sferum_kpi.weekly_state', '5/4@10'),                -- active above members: 22023
    (10, 'sferum_kpi.weekly_state', '1/2@0'),                -- min_messages 0 in a non-empty state: 22023
    (11, 'sferum_kpi.weekly_state', '3/4@-1'),               -- negative min_messages: 22023
    (12, 'sferum_kpi.weekly_state', '3/4@3000000000'),       -- min_messages beyond int: 22003
    (13, 'sferum_kpi.weekly_state', '3/4@'),                 -- syntax: 22P02
    (14, 'sferum_kpi.weekly_state', '3/99999999999999999999@1'); -- out of range: 22003

-- the hard errors (every version)
SELECT c.n, c.v, h.code, h.msg, h.det, h.hnt
FROM cases c, pg_temp.hard(c.v, c.typ) h ORDER BY c.n;

-- a plain COPY stops at the first bad row with the same error (every version)
CREATE TEMP TABLE loaded (id int, r kpi_ratio, s weekly_state);
COPY loaded FROM STDIN;
1	1/2	1/2@10
2	1/0	1/2@10
\.
SELECT count(*) AS loaded_after_error FROM loaded;

-- the soft errors (16+): the same SQLSTATE, message, detail and hint, not raised
SELECT pg_input_is_valid('1/0', 'sferum_kpi.kpi_ratio') AS one_over_zero_valid,
       pg_input_is_valid('1/2', 'sferum_kpi.kpi_ratio') AS one_half_valid;
SELECT c.n, c.v, pg_input_is_valid(c.v, c.typ) AS valid, e.sql_error_code,
       -- GET DIAGNOSTICS gives '' where pg_input_error_info gives NULL
       e.sql_error_code IS NOT DISTINCT FROM nullif(h.code, 'ok')
       AND coalesce(e.message, '') = coalesce(h.msg, '') AND coalesce(e.detail, '') = coalesce(h.det, '')
       AND coalesce(e.hint, '') = coalesce(h.hnt, '') AS same_as_hard
FROM cases c, pg_input_error_info(c.v, c.typ) e, pg_temp.hard(c.v, c.typ) h ORDER BY c.n;
SELECT * FROM pg_input_error_info('2/1', 'sferum_kpi.kpi_ratio');
SELECT * FROM pg_input_error_info('3/4@-1', 'sferum_kpi.weekly_state');

-- COPY ... WITH (ON_ERROR ignore) (17+) skips the bad rows and loads the rest
-- (on 15: option "on_error" not recognized).  The rows come from a file, so
-- that on 15 no data line is read as SQL.
\copy loaded FROM 'test/fixtures/soft_errors.tsv' WITH (ON_ERROR ignore, LOG_VERBOSITY verbose)
SELECT * FROM loaded ORDER BY id;
