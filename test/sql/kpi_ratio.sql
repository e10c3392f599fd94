-- kpi_ratio: exact shares, text and binary I/O, exact ordering, rollup
SET search_path = public, sferum_kpi;

SELECT '37/120'::kpi_ratio AS text_in, kpi_ratio(37, 120) AS built, ' 3 /	4 '::kpi_ratio AS blanks,
       '+3/4'::kpi_ratio AS plus, '0/0'::kpi_ratio AS empty;
SELECT share('1/3'::kpi_ratio), share('0/5'::kpi_ratio), share('5/5'::kpi_ratio), share('0/0'::kpi_ratio) AS unknown,
       numerator('37/120'), denominator('37/120');
SELECT kpi_ratio(9223372036854775807, 9223372036854775807) AS bigint_max,
       share(kpi_ratio(9223372036854775806, 9223372036854775807)) AS near_one;
SELECT kpi_ratio(NULL, 5), kpi_ratio(5, NULL);

-- malformed text: each a clear error, never a crash
SELECT ''::kpi_ratio;
SELECT '/'::kpi_ratio;
SELECT '3'::kpi_ratio;
SELECT '3/'::kpi_ratio;
SELECT '/4'::kpi_ratio;
SELECT '3/4/5'::kpi_ratio;
SELECT '3.5/4'::kpi_ratio;
SELECT '3/4x'::kpi_ratio;
SELECT '0x10/20'::kpi_ratio;
SELECT '- 3/4'::kpi_ratio;
SELECT '5/4'::kpi_ratio;
SELECT '-1/4'::kpi_ratio;
SELECT '1/-4'::kpi_ratio;
SELECT '9223372036854775808/9223372036854775808'::kpi_ratio;
SELECT '1/99999999999999999999999'::kpi_ratio;
SELECT '-9223372036854775808/1'::kpi_ratio;
SELECT kpi_ratio(5, 4);
SELECT kpi_ratio(-1, 4);

-- exact comparison: equal values in different terms, neighbours a double cannot tell apart
SELECT '1/2'::kpi_ratio = '2/4' AS half, '74/100'::kpi_ratio < '3/4' AS below, '3/4'::kpi_ratio >= '75/100' AS at,
       '0/3'::kpi_ratio = '0/7' AS zeros, '0/0'::kpi_ratio = '0/0' AS empty_eq, '0/0'::kpi_ratio = '0/1' AS empty_vs_zero,
       '0/0'::kpi_ratio < '0/1' AS empty_lowest;
SELECT kpi_ratio(99999999999999999, 100000000000000000) > kpi_ratio(99999999999999998, 99999999999999999) AS exact,
       share(kpi_ratio(99999999999999999, 100000000000000000)) = share(kpi_ratio(99999999999999998, 99999999999999999)) AS float_blurs;
SELECT v FROM (VALUES ('1/2'::kpi_ratio), ('0/0'), ('2/3'), ('2/4'), ('0/9'), ('9/9'), ('1/3')) t(v) ORDER BY v, numerator(v);
-- hash and btree agree: DISTINCT and GROUP BY on equal values in different terms
SET enable_sort = off;
SELECT count(DISTINCT v) AS distinct_values FROM (VALUES ('1/2'::kpi_ratio), ('2/4'), ('3/6'), ('0/1'), ('0/5'), ('0/0'), ('0/0')) t(v);
SELECT v, count(*) FROM (VALUES ('1/2'::kpi_ratio), ('2/4'), ('3/6'), ('0/1'), ('0/5'), ('0/0')) t(v) GROUP BY v ORDER BY v;
RESET enable_sort;
SELECT kpi_ratio_hash('1/2') = kpi_ratio_hash('50/100') AS hash_eq,
       kpi_ratio_hash_extended('1/2', 7) = kpi_ratio_hash_extended('4/8', 7) AS hash_ext_eq;
CREATE TEMP TABLE ratios (v kpi_ratio PRIMARY KEY);
INSERT INTO ratios VALUES ('1/2'), ('1/3');
INSERT INTO ratios VALUES ('2/4');   -- duplicate by value
CREATE INDEX ON ratios USING hash (v);
SET enable_seqscan = off;
SELECT * FROM ratios WHERE v = '3/9';
RESET enable_seqscan;

-- binary I/O: round trip, then crafted bytes through COPY BINARY into kpi_ratio
-- (server-side COPY needs an absolute path: a file in the data directory)
CREATE FUNCTION pg_temp.copy_file(direction text, target text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY %s %s %L WITH (FORMAT binary)', target, direction,
                   current_setting('data_directory') || '/sferum_kpi_regress.bin');
END $$;
CREATE TEMP TABLE bin_src (v kpi_ratio);
INSERT INTO bin_src VALUES ('0/0'), ('37/120'), ('9223372036854775807/9223372036854775807');
SELECT pg_temp.copy_file('TO', 'bin_src');
CREATE TEMP TABLE bin_dst (v kpi_ratio);
SELECT pg_temp.copy_file('FROM', 'bin_dst');
SELECT v FROM bin_dst;
-- a bytea column in a binary COPY file carries raw bytes: feed them to kpi_ratio_recv
CREATE FUNCTION pg_temp.recv_crafted(bytes bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_temp.copy_file('TO', format('(SELECT %L::bytea)', bytes));
    TRUNCATE bin_dst;
    PERFORM pg_temp.copy_file('FROM', 'bin_dst');
    RETURN (SELECT v::text FROM bin_dst);
EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT label, pg_temp.recv_crafted(bytes) FROM (VALUES
  ('valid 3/4',          '\x00000000000000030000000000000004'::bytea),
  ('empty',              '\x'::bytea),
  ('one byte',           '\x01'::bytea),
  ('numerator only',     '\x0000000000000003'::bytea),
  ('15 bytes',           '\x000000000000000300000000000004'::bytea),
  ('17 bytes',           '\x0000000000000003000000000000000400'::bytea),
  ('numerator > denom',  '\x00000000000000050000000000000004'::bytea),
  ('negative numerator', '\xffffffffffffffff0000000000000004'::bytea),
  ('negative denom',     '\x0000000000000000ffffffffffffffff'::bytea),
  ('all ones',           '\xffffffffffffffffffffffffffffffff'::bytea)) t(label, bytes);

-- rollup: sums of numerators and denominators, never an average of shares
SELECT rollup(v), share(rollup(v)) FROM (VALUES ('1/2'::kpi_ratio), ('3/4'), (NULL), ('0/0')) t(v);
SELECT rollup(v) FROM (VALUES (NULL::kpi_ratio)) t(v);
SELECT rollup(v) FROM ratios WHERE false;
SELECT rollup(v) FROM (VALUES ('9223372036854775807/9223372036854775807'::kpi_ratio), ('1/1')) t(v);
-- the combine function's four NULL cases, and plain (non-aggregate) calls leave arguments intact
SELECT kpi_ratio_rollup_combine(NULL, NULL) AS null_null, kpi_ratio_rollup_combine('1/2', NULL) AS x_null,
       kpi_ratio_rollup_combine(NULL, '1/2') AS null_x, kpi_ratio_rollup_combine('1/2', '3/4') AS x_y,
       kpi_ratio_rollup_trans('1/2', '1/4') AS trans;
SELECT kpi_ratio_rollup_combine('9223372036854775807/9223372036854775807', '1/1');
