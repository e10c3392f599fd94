-- render(template, args): the template mechanism of every view builder.
SET search_path = public, sferum_kpi;

-- identifiers: quoted only when needed; an array is a qualified name
SELECT render('SELECT * FROM {{s:I}}.{{t:I}}', '{"s": "kpi", "t": "Store Of Weeks"}');
SELECT render('SELECT * FROM {{rel:I}}', '{"rel": ["My Schema", "store"]}');
SELECT render('SELECT 1 AS {{c:I}}', '{"c": "select"}');   -- a keyword is quoted
SELECT render('{{x:I}}', jsonb_build_object('x', 'a"b'));   -- a quote doubled
-- literals: strings quoted, numbers as they are, negatives in parentheses, null
SELECT render('WHERE w = {{w:L}} AND n > {{n:L}} AND d = x -{{d:L}} AND f = {{f:L}} AND z IS {{z:L}}',
              '{"w": "2025-12-22", "n": 10, "d": -7, "f": false, "z": null}');
SELECT render('{{s:L}}', jsonb_build_object('s', E'it''s a \\ back'));
-- SQL text inserted as it is, never scanned again
SELECT render('SELECT {{cols:S}} FROM t WHERE {{cond:S}}', '{"cols": "a, b", "cond": "a = ''{{x:S}}''"}');
-- the same placeholder twice, and keys no placeholder uses
SELECT render('{{a:I}} {{a:L}} {{a:I}}', '{"a": "kpi", "unused": 1}');
-- text without placeholders, lone and paired braces outside placeholders
SELECT render('SELECT ''{1,2}''::int[], jsonb ''{}'' -- }}', '{}');
SELECT render('', '{}') = '' AS empty_template;
-- STRICT: NULL in, NULL out
SELECT render(NULL, '{}') IS NULL AS null_template, render('x', NULL) IS NULL AS null_args;

-- errors name the placeholder
SELECT render('SELECT {{week:L}}', '{"monday": "2025-12-22"}');
SELECT render('SELECT {{week:X}}', '{"week": 1}');
SELECT render('SELECT {{Week:L}}', '{"Week": 1}');
SELECT render('SELECT {{week}}', '{"week": 1}');
SELECT render('SELECT {{week:L}', '{"week": 1}');
SELECT render('SELECT {{', '{}');
SELECT render('{{{a:S}}', '{"a": "x"}');
SELECT render('{{a:I}}', '{"a": 5}');
SELECT render('{{a:I}}', '{"a": ""}');
SELECT render('{{a:I}}', '{"a": []}');
SELECT render('{{a:I}}', '{"a": ["kpi", 1]}');
SELECT render('{{a:L}}', '{"a": [1]}');
SELECT render('{{a:L}}', '{"a": {"b": 1}}');
SELECT render('{{a:S}}', '{"a": null}');
SELECT render('{{a:S}}', '{"a": 1}');
SELECT render('x', '[1]');
SELECT render('x', '"a"');
