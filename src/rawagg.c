/*
 * rawagg.c
 *		Weekly-activity aggregates over raw rows: several rows per person.
 *
 *	weekly_active_share(person_id, messages, min_messages, population) -> float8
 *	weekly_active_ratio(person_id, messages, min_messages, population) -> kpi_ratio
 *	weekly_active_state(person_id, messages, min_messages, population) -> bytea
 *	merge_active_states(state bytea) -> kpi_ratio
 *
 * A mart keeps activity per person per day.  These aggregates sum each
 * person's messages inside the group and count the persons whose total
 * reaches min_messages, without the GROUP BY person, week that plain SQL
 * needs (a hash aggregate over millions of small groups).
 *
 * Semantics
 *	- A row with a NULL person_id is ignored entirely, the way SQL aggregates
 *	  ignore NULL input: its other columns are not looked at.
 *	- NULL messages count 0; negative messages are an error.
 *	- min_messages (>= 1) and population (>= 0, or NULL) are parameters of the
 *	  group: every row of a group must carry the same values.
 *	- The denominator is population when it is given, else the number of
 *	  distinct persons seen (those with 0 messages included).  A population
 *	  smaller than the persons counted active is an error naming both.
 *	- No rows (or only NULL persons), or a denominator of 0, gives NULL: a
 *	  share of nobody is unknown (spec §5).
 *
 * The state (a hash table of persons, and its serialized form) is in
 * rawagg_state.c; this file holds the SQL entry points: the transition,
 * combine, serialize, deserialize and final functions, the transition of
 * merge_active_states, and a test hook.
 *
 * The same bytes are a value in SQL: weekly_active_state() returns the state
 * of a group, and merge_active_states() aggregates such states into the ratio
 * of the union of their groups, each person once (the KPI store computes the
 * organisations' states once and rolls them up into the municipality, kind
 * and region: a hash insert per person and coarser group, instead of every
 * raw row through every grouping set).  Its input is decoded with the same
 * checks, so crafted bytes raise 22P03 there too.
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"

#include "sferum_kpi.h"
#include "rawagg_state.h"

static char *
raw_population_text(bool population_null, int64 population)
{
	return population_null ? pstrdup("NULL") : psprintf(INT64_FORMAT, population);
}

/* one group, one set of parameters: name what changed */
static void
raw_parameter_mismatch(int32 have_min, bool have_null, int64 have_pop,
					   int32 got_min, bool got_null, int64 got_pop)
{
	if (have_min != got_min)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_messages must be the same for every row of a group"),
				 errdetail("The group started with min_messages %d and then got %d.",
						   have_min, got_min)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("population must be the same for every row of a group"),
			 errdetail("The group started with population %s and then got %s.",
					   raw_population_text(have_null, have_pop),
					   raw_population_text(got_null, got_pop))));
}

PG_FUNCTION_INFO_V1(sferum_weekly_raw_accum);
Datum
sferum_weekly_raw_accum(PG_FUNCTION_ARGS)
{
	RawState   *st = PG_ARGISNULL(0) ? NULL : (RawState *) PG_GETARG_POINTER(0);
	int64		messages;
	int32		min_messages;
	bool		population_null;
	int64		population;

	if (PG_ARGISNULL(1))
	{
		/* no person: the row is ignored */
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("min_messages must not be NULL")));
	min_messages = PG_GETARG_INT32(3);
	population_null = PG_ARGISNULL(4);
	population = population_null ? 0 : PG_GETARG_INT64(4);
	messages = PG_ARGISNULL(2) ? 0 : PG_GETARG_INT64(2);

	if (st == NULL)
	{
		MemoryContext aggcontext;

		if (!AggCheckCallContext(fcinfo, &aggcontext))
			elog(ERROR, "weekly_raw_accum called in non-aggregate context");
		if (min_messages < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("min_messages must be at least 1"),
					 errdetail("Got %d.", min_messages)));
		if (population < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("population must not be negative"),
					 errdetail("Got %lld.", (long long) population)));
		st = raw_state_new(aggcontext, min_messages, population_null, population);
		raw_state_alloc_buckets(st, RAW_MIN_BUCKETS);
	}
	else if (st->min_messages != min_messages || st->population_null != population_null ||
			 st->population != population)
		raw_parameter_mismatch(st->min_messages, st->population_null, st->population,
							   min_messages, population_null, population);

	if (messages < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("messages must not be negative"),
				 errdetail("Got %lld for person %lld.",
						   (long long) messages, (long long) PG_GETARG_INT64(1))));

	/* with a given population, a person with no messages changes nothing */
	if (messages > 0 || population_null)
		raw_push(st, PG_GETARG_INT64(1),
				 messages >= min_messages ? (uint32) min_messages : (uint32) messages);
	PG_RETURN_POINTER(st);
}

/*
 * Combine two partial states; either may be NULL (core's int8_avg_combine
 * pattern: a NULL left side becomes a copy of the right one in the aggregate
 * context).  In a parallel plan both sides are in the records form (the right
 * one deserialized, the left one combined before), and merging is linear.  A
 * left side in the table form takes the right one person by person.  SQL
 * cannot call this function; sferum_raw_state_selftest calls it outside an
 * aggregate, and gets the result in the current context.
 */
PG_FUNCTION_INFO_V1(sferum_weekly_raw_combine);
Datum
sferum_weekly_raw_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	RawState   *st1;
	RawState   *st2;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		aggcontext = CurrentMemoryContext;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	st2 = (RawState *) PG_GETARG_POINTER(1);

	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(raw_state_copy(st2, aggcontext));

	st1 = (RawState *) PG_GETARG_POINTER(0);
	if (st1->min_messages != st2->min_messages ||
		st1->population_null != st2->population_null ||
		st1->population != st2->population)
		raw_parameter_mismatch(st1->min_messages, st1->population_null, st1->population,
							   st2->min_messages, st2->population_null, st2->population);
	if (st1->records != NULL && st2->records != NULL)
		raw_state_merge_records(st1, st2);
	else
	{
		if (st1->records != NULL)
			raw_state_make_table(st1);
		raw_state_merge(st1, st2);
	}
	PG_RETURN_POINTER(st1);
}

PG_FUNCTION_INFO_V1(sferum_weekly_raw_serialize);
Datum
sferum_weekly_raw_serialize(PG_FUNCTION_ARGS)
{
	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "weekly_raw_serialize called in non-aggregate context");
	PG_RETURN_BYTEA_P(raw_state_encode((RawState *) PG_GETARG_POINTER(0)));
}

/*
 * The deserialized state lives in the current (per-input-tuple) context and
 * points into the bytea, which lives as long; combine copies what it keeps.
 */
PG_FUNCTION_INFO_V1(sferum_weekly_raw_deserialize);
Datum
sferum_weekly_raw_deserialize(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "weekly_raw_deserialize called in non-aggregate context");
	raw_state_bytea_reader(&buf, PG_GETARG_BYTEA_PP(0));
	PG_RETURN_POINTER(raw_state_decode(&buf, CurrentMemoryContext));
}

/*
 * The transition of merge_active_states(state bytea): add a state that
 * weekly_active_state() returned to the running one.  It is decoded with the
 * deserialize function's checks (the bytes may come from anywhere), and the
 * running state stays in the table form, so that merging the many small
 * states of the organisations into the large one of the region costs a hash
 * insert per person, not a merge of the whole running list each time.
 */
PG_FUNCTION_INFO_V1(sferum_weekly_raw_merge);
Datum
sferum_weekly_raw_merge(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	RawState   *st = PG_ARGISNULL(0) ? NULL : (RawState *) PG_GETARG_POINTER(0);
	RawState   *in;
	StringInfoData buf;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "weekly_raw_merge called in non-aggregate context");
	if (PG_ARGISNULL(1))
	{
		/* a group of no persons: the state is ignored, as a NULL person is */
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	/* the decoded state points into the bytea: both live for this row only */
	raw_state_bytea_reader(&buf, PG_GETARG_BYTEA_PP(1));
	in = raw_state_decode(&buf, CurrentMemoryContext);
	if (st == NULL)
	{
		st = raw_state_new(aggcontext, in->min_messages, in->population_null, in->population);
		raw_state_alloc_buckets(st, raw_state_buckets_for(in->nentries, st->width));
	}
	else
	{
		if (st->min_messages != in->min_messages ||
			st->population_null != in->population_null ||
			st->population != in->population)
			raw_parameter_mismatch(st->min_messages, st->population_null, st->population,
								   in->min_messages, in->population_null, in->population);
		/* PostgreSQL never passes a combined state here, but it would be right */
		if (st->records != NULL)
			raw_state_make_table(st);
	}
	raw_state_merge(st, in);
	PG_RETURN_POINTER(st);
}

/* active persons and the denominator; false when the share is unknown */
static bool
raw_result(FunctionCallInfo fcinfo, int64 *active, int64 *denominator)
{
	RawState   *st;

	if (PG_ARGISNULL(0))
		return false;
	st = (RawState *) PG_GETARG_POINTER(0);
	raw_state_flush(st);
	*active = st->nactive;
	if (st->population_null)
		*denominator = st->nentries;
	else
	{
		if (st->nactive > st->population)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("population %lld is smaller than the %lld persons counted active",
							(long long) st->population, (long long) st->nactive),
					 errdetail("A person counts as active once their messages in the group reach min_messages (%d).",
							   st->min_messages),
					 errhint("population is the size of the roster or statistical form: it must include every person who can be active.")));
		*denominator = st->population;
	}
	return *denominator > 0;
}

PG_FUNCTION_INFO_V1(sferum_weekly_raw_share);
Datum
sferum_weekly_raw_share(PG_FUNCTION_ARGS)
{
	int64		active;
	int64		denominator;

	if (!raw_result(fcinfo, &active, &denominator))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) active / (double) denominator);
}

PG_FUNCTION_INFO_V1(sferum_weekly_raw_ratio);
Datum
sferum_weekly_raw_ratio(PG_FUNCTION_ARGS)
{
	int64		active;
	int64		denominator;

	if (!raw_result(fcinfo, &active, &denominator))
		PG_RETURN_NULL();
	PG_RETURN_KPI_RATIO_P(kpi_ratio_make(active, denominator));
}

/*
 * Test entry point, deliberately not part of the extension's SQL: the
 * regression test binds it to a temporary function.
 *
 * Serialized states never reach SQL (serialize, deserialize and combine take
 * `internal`, which SQL can only pass as NULL), yet deserializing must
 * withstand crafted bytes and combine must handle every NULL case.  So this
 * decodes each non-NULL argument with the deserialize function's code (the
 * left one is then copied, as combine keeps a first state, and turned into
 * the table form when the third argument is true), passes both to the real
 * combine function with their NULL flags, serializes the result, checks that
 * it decodes to the same counts, and returns it.
 */
PG_FUNCTION_INFO_V1(sferum_raw_state_selftest);
Datum
sferum_raw_state_selftest(PG_FUNCTION_ARGS)
{
	LOCAL_FCINFO(cfcinfo, 2);
	Datum		combined;
	RawState   *st;
	RawState   *again;
	bytea	   *bytes;
	StringInfoData buf;

	InitFunctionCallInfoData(*cfcinfo, NULL, 2, InvalidOid, NULL, NULL);
	for (int i = 0; i < 2; i++)
	{
		cfcinfo->args[i].isnull = PG_ARGISNULL(i);
		cfcinfo->args[i].value = (Datum) 0;
		if (!PG_ARGISNULL(i))
		{
			raw_state_bytea_reader(&buf, PG_GETARG_BYTEA_PP(i));
			st = raw_state_decode(&buf, CurrentMemoryContext);
			if (i == 0)
			{
				/* a running state: combined before, or built by transitions */
				st = raw_state_copy(st, CurrentMemoryContext);
				if (PG_NARGS() > 2 && !PG_ARGISNULL(2) && PG_GETARG_BOOL(2))
					raw_state_make_table(st);
			}
			cfcinfo->args[i].value = PointerGetDatum(st);
		}
	}
	combined = sferum_weekly_raw_combine(cfcinfo);
	if (cfcinfo->isnull)
		PG_RETURN_NULL();
	st = (RawState *) DatumGetPointer(combined);
	bytes = raw_state_encode(st);
	raw_state_bytea_reader(&buf, bytes);
	again = raw_state_decode(&buf, CurrentMemoryContext);
	if (again->nentries != st->nentries || again->nactive != st->nactive)
		elog(ERROR, "serialized state does not decode to itself");
	PG_RETURN_BYTEA_P(bytes);
}
