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

-- The statement a builder makes its views with: CREATE VIEW on a first build
-- (an existing view is an error, never taken over), CREATE OR REPLACE VIEW
-- when rebuild_views re-creates a set in place.
CREATE FUNCTION @extschema@.create_view_sql(or_replace boolean)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN or_replace THEN 'CREATE OR REPLACE VIEW' ELSE 'CREATE VIEW' END;
COMMENT ON FUNCTION @extschema@.create_view_sql(boolean) IS
'Internal: CREATE OR REPLACE VIEW when or_replace (rebuild_views re-creates a set in place), else CREATE VIEW (a first build: an existing view of that name is an error); the view builders fill {{create_view:S}} with it.';
