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

