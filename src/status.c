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

/* acc AND the boolean argument argno (NULL: unknown). */
static inline TriValue
tv_and_flag(TriValue acc, FunctionCallInfo fcinfo, int argno)
{
	return tv_and(acc, PG_ARGISNULL(argno), !PG_ARGISNULL(argno) && PG_GETARG_BOOL(argno));
}

/*
 * A count argument (bigint when wide, integer otherwise): false when NULL;
 * a negative count is a data error.
 */
static bool
count_arg(FunctionCallInfo fcinfo, int argno, bool wide, const char *argname, int64 *value)
{
	if (PG_ARGISNULL(argno))
	{
		*value = 0;
		return false;
	}
	*value = wide ? PG_GETARG_INT64(argno) : (int64) PG_GETARG_INT32(argno);
	check_nonnegative(*value, argname);
	return true;
}

/*
 * acc AND "the count argument countno is at least the threshold argument
 * minno" (both integer, the count bigint when wide); both are checked for
 * negative values first, whatever acc is.
 */
static TriValue
tv_and_at_least(TriValue acc, FunctionCallInfo fcinfo, int countno, bool wide,
				const char *countname, int minno, const char *minname)
{
	int64		count;
	int64		min;
	bool		count_known = count_arg(fcinfo, countno, wide, countname, &count);
	bool		min_known = count_arg(fcinfo, minno, false, minname, &min);

	return tv_and(acc, !count_known || !min_known, count >= min);
}

/*
 * profile_is_verified(teacher_role_confirmed, in_org_community): the teacher
 * role is confirmed and the person is in their organisation's community.
 */
PG_FUNCTION_INFO_V1(sferum_profile_is_verified);
Datum
sferum_profile_is_verified(PG_FUNCTION_ARGS)
{
	TriValue	tv = TV_TRUE;

	tv = tv_and_flag(tv, fcinfo, 0);
	tv = tv_and_flag(tv, fcinfo, 1);
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
	/* the counts first: a negative one is an error whatever the flag says */
	TriValue	tv = tv_and_at_least(TV_TRUE, fcinfo, 1, true, "messages_in_week",
									 2, "min_messages");

	tv = tv_and_flag(tv, fcinfo, 0);
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
	TriValue	tv = tv_and_at_least(TV_TRUE, fcinfo, 2, false, "teachers_added",
									 3, "min_teachers");

	tv = tv_and_flag(tv, fcinfo, 0);
	tv = tv_and_flag(tv, fcinfo, 1);
	PG_RETURN_TRIVALUE(tv);
}
