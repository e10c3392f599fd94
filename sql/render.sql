--------------------------------------------------------------------------------
-- The template mechanism of every view builder (src/render.c): named, typed
-- placeholders, quoting done in one place.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.render(template text, args jsonb)
RETURNS text
AS 'MODULE_PATHNAME', 'sferum_render'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.render(text, jsonb) IS
'Fill the placeholders of an SQL template from args (a JSON object): {{name:I}} an identifier (a string, or an array of strings for a qualified name), {{name:L}} a literal (string, number, boolean or null), {{name:S}} SQL text inserted as it is. An unfilled or malformed placeholder, or a value of the wrong JSON type, is an error naming it (22023); keys no placeholder uses are allowed; inserted text is not scanned again.';
