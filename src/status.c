/*
 * status.c
 *		Per-person and per-organisation status rules (spec §3).
 *
 * Every rule is a conjunction of conditions evaluated with SQL's three-valued
 * AND: a false condition makes the status false, otherwise an unknown (NULL)
 * input makes it unknown, otherwise it is true.  Counts and thresholds can
 * never be negative; a negative one is a data error, reported whatever the
 * other conditions say, so that bad data cannot hide behind a false flag.
 */
#include "postgres.h"

#include "fmgr.h"

#include "sferum_kpi.h"

/* Three-valued AND accumulator. */
typedef enum
{
	TV_TRUE,
	TV_UNKNOWN,
	TV_FALSE
} TriValue;

static inline TriValue
tv_and(TriValue acc, bool isnull, bool value)
{
	if (acc == TV_FALSE)
		return TV_FALSE;
	if (isnull)
		return TV_UNKNOWN;
	if (!value)
		return TV_FALSE;
	return acc;
}

static void
check_nonnegative(int64 value, const char *argname)
{
	if (value < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative", argname),
				 errdetail("Got %lld.", (long long) value)));
}

#define PG_RETURN_TRIVALUE(tv) \
	do { \
		if ((tv) == TV_UNKNOWN) \
			PG_RETURN_NULL(); \
		PG_RETURN_BOOL((tv) == TV_TRUE); \
	} while (0)

/*
 * profile_is_verified(teacher_role_confirmed, in_org_community): the teacher
 * role is confirmed and the person is in their organisation's community.
 */
PG_FUNCTION_INFO_V1(sferum_profile_is_verified);
Datum
sferum_profile_is_verified(PG_FUNCTION_ARGS)
{
	TriValue	tv = TV_TRUE;

	tv = tv_and(tv, PG_ARGISNULL(0), !PG_ARGISNULL(0) && PG_GETARG_BOOL(0));
	tv = tv_and(tv, PG_ARGISNULL(1), !PG_ARGISNULL(1) && PG_GETARG_BOOL(1));
	PG_RETURN_TRIVALUE(tv);
}

/*
 * teacher_is_active(profile_verified, messages_in_week, min_messages): a
 * verified profile and at least min_messages messages written in the week.
 */
PG_FUNCTION_INFO_V1(sferum_teacher_is_active);
Datum
sferum_teacher_is_active(PG_FUNCTION_ARGS)
{
	TriValue	tv = TV_TRUE;
	bool		msg_null = PG_ARGISNULL(1);
	bool		min_null = PG_ARGISNULL(2);
	int64		messages = msg_null ? 0 : PG_GETARG_INT64(1);
	int32		min_messages = min_null ? 0 : PG_GETARG_INT32(2);

	if (!msg_null)
		check_nonnegative(messages, "messages_in_week");
	if (!min_null)
		check_nonnegative(min_messages, "min_messages");

	tv = tv_and(tv, PG_ARGISNULL(0), !PG_ARGISNULL(0) && PG_GETARG_BOOL(0));
	tv = tv_and(tv, msg_null || min_null, messages >= min_messages);
	PG_RETURN_TRIVALUE(tv);
}

/*
 * org_is_active(admin_logged_in, org_data_filled, teachers_added,
 * min_teachers): the administrator logged in, filled in the organisation's
 * data and added at least min_teachers employees with the teacher role.
 */
PG_FUNCTION_INFO_V1(sferum_org_is_active);
Datum
sferum_org_is_active(PG_FUNCTION_ARGS)
{
	TriValue	tv = TV_TRUE;
	bool		added_null = PG_ARGISNULL(2);
	bool		min_null = PG_ARGISNULL(3);
	int32		added = added_null ? 0 : PG_GETARG_INT32(2);
	int32		min_teachers = min_null ? 0 : PG_GETARG_INT32(3);

	if (!added_null)
		check_nonnegative(added, "teachers_added");
	if (!min_null)
		check_nonnegative(min_teachers, "min_teachers");

	tv = tv_and(tv, PG_ARGISNULL(0), !PG_ARGISNULL(0) && PG_GETARG_BOOL(0));
	tv = tv_and(tv, PG_ARGISNULL(1), !PG_ARGISNULL(1) && PG_GETARG_BOOL(1));
	tv = tv_and(tv, added_null || min_null, added >= min_teachers);
	PG_RETURN_TRIVALUE(tv);
}
