/*
 * weekly.c
 *		Roster-form weekly-activity aggregates.
 *
 *	weekly_active_share(messages [, min_messages]) -> double precision
 *	weekly_active_ratio(messages [, min_messages]) -> kpi_ratio
 *
 * Input is one row per member of the population (the roster LEFT JOIN the
 * week's activity), so a NULL message count is a member who did nothing.
 *
 * The state is a real fixed-size type, weekly_state (active, members,
 * min_messages), rather than `internal`: a fixed-size state needs no
 * serialize/deserialize for parallel aggregation, and Citus or a continuous
 * aggregate can ship or store it.  min_messages = 0 in a state means "no row
 * seen yet"; every row fixes it, and a group must use one threshold only.
 */
#include "postgres.h"

#include "common/int.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "sferum_kpi.h"

typedef struct WeeklyState
{
	int64		active;			/* members with messages >= min_messages */
	int64		members;		/* rows seen */
	int32		min_messages;	/* threshold; 0 until the first row */
	int32		pad;			/* always 0; keeps the layout explicit */
} WeeklyState;

StaticAssertDecl(sizeof(WeeklyState) == 24, "weekly_state must be 24 bytes");

#define PG_GETARG_WEEKLY_STATE_P(n) ((WeeklyState *) PG_GETARG_POINTER(n))

/*
 * Validate a state; code is the SQLSTATE to report.  With an ErrorSaveContext
 * (soft text input, PostgreSQL 16+) the error is saved and false returned;
 * with NULL it is thrown.
 */
static bool
weekly_state_check(const WeeklyState *s, int code, struct Node *escontext)
{
	if (s->active < 0 || s->members < 0 || s->active > s->members ||
		s->min_messages < 0 || (s->min_messages == 0 && s->members != 0))
		ereturn(escontext, false,
				(errcode(code),
				 errmsg("invalid weekly_state: %lld active of %lld members with min_messages %d",
						(long long) s->active, (long long) s->members,
						s->min_messages),
				 errhint("0 <= active <= members; min_messages >= 1, or 0 only in an empty state.")));
	return true;
}

PG_FUNCTION_INFO_V1(weekly_state_in);
Datum
weekly_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	struct Node *escontext = fcinfo->context;
	const char *p = str;
	WeeklyState *s = (WeeklyState *) palloc0(sizeof(WeeklyState));
	int64		min_messages;

	/* canonical form: active/members@min_messages, e.g. 3/4@10 */
	if (!sferum_parse_int64(&p, &s->active, str, "weekly_state", escontext) || *p++ != '/' ||
		!sferum_parse_int64(&p, &s->members, str, "weekly_state", escontext) || *p++ != '@' ||
		!sferum_parse_int64(&p, &min_messages, str, "weekly_state", escontext) || *p != '\0')
	{
		if (SOFT_ERROR_OCCURRED(escontext))
			return (Datum) 0;
		ereturn(escontext, (Datum) 0,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type weekly_state: \"%s\"", str),
				 errhint("Write active/members@min_messages, for example '3/4@10'.")));
	}
	/* a negative part is invalid like the others (22023); too big is out of range */
	if (min_messages < 0)
		ereturn(escontext, (Datum) 0,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid weekly_state \"%s\": min_messages must not be negative", str)));
	if (min_messages > PG_INT32_MAX)
		ereturn(escontext, (Datum) 0,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("min_messages in weekly_state \"%s\" is out of range", str)));
	s->min_messages = (int32) min_messages;
	if (!weekly_state_check(s, ERRCODE_INVALID_PARAMETER_VALUE, escontext))
		return (Datum) 0;
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(weekly_state_out);
Datum
weekly_state_out(PG_FUNCTION_ARGS)
{
	WeeklyState *s = PG_GETARG_WEEKLY_STATE_P(0);

	PG_RETURN_CSTRING(psprintf(INT64_FORMAT "/" INT64_FORMAT "@%d",
							   s->active, s->members, s->min_messages));
}

PG_FUNCTION_INFO_V1(weekly_state_recv);
Datum
weekly_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	WeeklyState *s;

	if (buf->len - buf->cursor != 20)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary weekly_state: expected 20 bytes, got %d",
						buf->len - buf->cursor)));
	s = (WeeklyState *) palloc0(sizeof(WeeklyState));
	s->active = pq_getmsgint64(buf);
	s->members = pq_getmsgint64(buf);
	s->min_messages = (int32) pq_getmsgint(buf, 4);
	weekly_state_check(s, ERRCODE_INVALID_BINARY_REPRESENTATION, NULL);
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(weekly_state_send);
Datum
weekly_state_send(PG_FUNCTION_ARGS)
{
	WeeklyState *s = PG_GETARG_WEEKLY_STATE_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint64(&buf, s->active);
	pq_sendint64(&buf, s->members);
	pq_sendint32(&buf, s->min_messages);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
check_min_messages(int32 min_messages)
{
	if (min_messages < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_messages must be at least 1"),
				 errdetail("Got %d.", min_messages)));
}

static void
threshold_mismatch(int32 have, int32 got)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("min_messages must be the same for every row of a group"),
			 errdetail("The group started with min_messages %d and then got %d.",
					   have, got)));
}

/*
 * The state to update: in an aggregate the state came from the initial
 * value copied into the aggregate context, so it may be updated in place;
 * called as a plain function, work on a copy.
 */
static WeeklyState *
weekly_state_for_update(FunctionCallInfo fcinfo)
{
	WeeklyState *s = PG_GETARG_WEEKLY_STATE_P(0);
	WeeklyState *copy;

	if (AggCheckCallContext(fcinfo, NULL))
		return s;
	copy = (WeeklyState *) palloc(sizeof(WeeklyState));
	*copy = *s;
	return copy;
}

static Datum
weekly_accum(FunctionCallInfo fcinfo, int32 min_messages)
{
	WeeklyState *s;
	int64		messages = PG_ARGISNULL(1) ? 0 : PG_GETARG_INT64(1);

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("weekly_state must not be NULL"),
				 errhint("Start from the empty state '0/0@0'.")));
	if (messages < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("messages must not be negative"),
				 errdetail("Got %lld.", (long long) messages)));

	s = weekly_state_for_update(fcinfo);
	if (s->min_messages == 0)
		s->min_messages = min_messages;
	else if (s->min_messages != min_messages)
		threshold_mismatch(s->min_messages, min_messages);

	/* a group cannot realistically reach 2^63 rows; the check costs nothing */
	if (pg_add_s64_overflow(s->members, 1, &s->members))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("weekly_state member count is out of range for type bigint")));
	if (messages >= min_messages)
		s->active++;
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(weekly_state_accum);
Datum
weekly_state_accum(PG_FUNCTION_ARGS)
{
	return weekly_accum(fcinfo, 1);
}

PG_FUNCTION_INFO_V1(weekly_state_accum_min);
Datum
weekly_state_accum_min(PG_FUNCTION_ARGS)
{
	int32		min_messages;

	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("min_messages must not be NULL")));
	min_messages = PG_GETARG_INT32(2);
	check_min_messages(min_messages);
	return weekly_accum(fcinfo, min_messages);
}

/*
 * Combine two partial states.  Either side may be NULL; a NULL left side is
 * replaced by a copy of the right one in the aggregate context.  States with
 * different thresholds cannot be merged.
 */
PG_FUNCTION_INFO_V1(weekly_state_combine);
Datum
weekly_state_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	WeeklyState *state;
	WeeklyState *other;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	other = PG_GETARG_WEEKLY_STATE_P(1);

	if (PG_ARGISNULL(0))
	{
		if (AggCheckCallContext(fcinfo, &aggcontext))
			state = (WeeklyState *) MemoryContextAlloc(aggcontext, sizeof(WeeklyState));
		else
			state = (WeeklyState *) palloc(sizeof(WeeklyState));
		*state = *other;
		PG_RETURN_POINTER(state);
	}
	state = weekly_state_for_update(fcinfo);

	if (other->min_messages != 0)
	{
		if (state->min_messages == 0)
			state->min_messages = other->min_messages;
		else if (state->min_messages != other->min_messages)
			threshold_mismatch(state->min_messages, other->min_messages);
	}
	if (pg_add_s64_overflow(state->active, other->active, &state->active) ||
		pg_add_s64_overflow(state->members, other->members, &state->members))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("weekly_state counts are out of range for type bigint")));
	PG_RETURN_POINTER(state);
}

/* The state the final functions read: NULL for no rows or no members. */
static WeeklyState *
weekly_state_final(FunctionCallInfo fcinfo)
{
	WeeklyState *s;

	if (PG_ARGISNULL(0))
		return NULL;
	s = PG_GETARG_WEEKLY_STATE_P(0);
	return s->members == 0 ? NULL : s;
}

PG_FUNCTION_INFO_V1(weekly_state_share);
Datum
weekly_state_share(PG_FUNCTION_ARGS)
{
	WeeklyState *s = weekly_state_final(fcinfo);

	if (s == NULL)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) s->active / (double) s->members);
}

PG_FUNCTION_INFO_V1(weekly_state_ratio);
Datum
weekly_state_ratio(PG_FUNCTION_ARGS)
{
	WeeklyState *s = weekly_state_final(fcinfo);

	if (s == NULL)
		PG_RETURN_NULL();
	PG_RETURN_KPI_RATIO_P(kpi_ratio_make(s->active, s->members));
}
