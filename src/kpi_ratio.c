/*
 * kpi_ratio.c
 *		The kpi_ratio type: an exact share, numerator/denominator.
 *
 * Shares are compared by exact value, never through a rounded float: 1/2 and
 * 2/4 are equal, and 74/100 < 3/4 even where a double would blur them.  The
 * products of the cross-multiplication need 126 bits, so the comparison uses
 * PostgreSQL's portable 128-bit helpers.
 *
 * 0/0 (no population, unknown share) equals only itself and sorts below every
 * other value, so that ORDER BY ... DESC (the baseline lookup) picks a real
 * share first.
 *
 * rollup(kpi_ratio) sums numerators and denominators: the two-step
 * aggregation that turns stored per-group figures into a total without ever
 * averaging shares.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "common/int.h"
#include "common/int128.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "sferum_kpi.h"

/*
 * Validate the parts of a ratio.  errcode_on_fail is the SQLSTATE to report:
 * the constructor and text input say 22023, binary input says 22P03.  With an
 * ErrorSaveContext (soft text input, PostgreSQL 16+) the error is saved and
 * false returned; with NULL it is thrown.
 */
bool
kpi_ratio_check(int64 num, int64 den, int errcode_on_fail, struct Node *escontext)
{
	if (num < 0 || den < 0)
		ereturn(escontext, false,
				(errcode(errcode_on_fail),
				 errmsg("kpi_ratio parts must not be negative"),
				 errdetail("Got numerator %lld and denominator %lld.",
						   (long long) num, (long long) den)));
	if (num > den)
		ereturn(escontext, false,
				(errcode(errcode_on_fail),
				 errmsg("kpi_ratio numerator must not exceed its denominator"),
				 errdetail("Got numerator %lld and denominator %lld.",
						   (long long) num, (long long) den),
				 errhint("A kpi_ratio counts members of a population: 0 <= numerator <= denominator.")));
	return true;
}

KpiRatio *
kpi_ratio_make(int64 num, int64 den)
{
	KpiRatio   *r = (KpiRatio *) palloc(sizeof(KpiRatio));

	r->num = num;
	r->den = den;
	return r;
}

/*
 * Compare num/den with p/q exactly; both denominators must be positive.
 * Returns <0, 0, >0.
 */
int
kpi_ratio_cmp_fraction(int64 num, int64 den, int64 p, int64 q)
{
	INT128		lhs = int64_to_int128(0);
	INT128		rhs = int64_to_int128(0);

	int128_add_int64_mul_int64(&lhs, num, q);
	int128_add_int64_mul_int64(&rhs, p, den);
	return int128_compare(lhs, rhs);
}

int
kpi_ratio_cmp_internal(const KpiRatio *a, const KpiRatio *b)
{
	if (a->den == 0 || b->den == 0)
	{
		if (a->den == 0 && b->den == 0)
			return 0;
		return a->den == 0 ? -1 : 1;
	}
	return kpi_ratio_cmp_fraction(a->num, a->den, b->num, b->den);
}

/*
 * Parse one optionally signed decimal bigint starting at *ptr, skipping
 * surrounding blanks, and advance *ptr past it.  Returns false on a syntax
 * error.  On overflow it reports 22003, naming the type and the whole input,
 * through escontext: thrown when that is NULL, else saved (and false
 * returned; the caller tells the two apart with SOFT_ERROR_OCCURRED).
 */
bool
sferum_parse_int64(const char **ptr, int64 *result, const char *input,
				   const char *typname, struct Node *escontext)
{
	const char *p = *ptr;
	bool		neg = false;
	int64		acc = 0;
	bool		any = false;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p == '-' || *p == '+')
		neg = (*p++ == '-');
	while (*p >= '0' && *p <= '9')
	{
		/* accumulate negatively so that the bigint minimum parses too */
		if (pg_mul_s64_overflow(acc, 10, &acc) ||
			pg_sub_s64_overflow(acc, *p - '0', &acc))
			ereturn(escontext, false,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value in %s \"%s\" is out of range for type bigint",
							typname, input)));
		any = true;
		p++;
	}
	if (!any)
		return false;
	if (!neg)
	{
		if (acc == PG_INT64_MIN)
			ereturn(escontext, false,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value in %s \"%s\" is out of range for type bigint",
							typname, input)));
		acc = -acc;
	}
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	*ptr = p;
	*result = acc;
	return true;
}

PG_FUNCTION_INFO_V1(kpi_ratio_in);
Datum
kpi_ratio_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	struct Node *escontext = fcinfo->context;
	const char *p = str;
	int64		num,
				den;

	if (!sferum_parse_int64(&p, &num, str, "kpi_ratio", escontext) || *p++ != '/' ||
		!sferum_parse_int64(&p, &den, str, "kpi_ratio", escontext) || *p != '\0')
	{
		if (SOFT_ERROR_OCCURRED(escontext))
			return (Datum) 0;
		ereturn(escontext, (Datum) 0,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type kpi_ratio: \"%s\"", str),
				 errhint("Write the ratio as numerator/denominator, for example '37/120'.")));
	}
	if (!kpi_ratio_check(num, den, ERRCODE_INVALID_PARAMETER_VALUE, escontext))
		return (Datum) 0;
	PG_RETURN_KPI_RATIO_P(kpi_ratio_make(num, den));
}

PG_FUNCTION_INFO_V1(kpi_ratio_out);
Datum
kpi_ratio_out(PG_FUNCTION_ARGS)
{
	KpiRatio   *r = PG_GETARG_KPI_RATIO_P(0);

	PG_RETURN_CSTRING(psprintf(INT64_FORMAT "/" INT64_FORMAT, r->num, r->den));
}

PG_FUNCTION_INFO_V1(kpi_ratio_recv);
Datum
kpi_ratio_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int64		num,
				den;

	if (buf->len - buf->cursor != 2 * (int) sizeof(int64))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary kpi_ratio: expected %d bytes, got %d",
						2 * (int) sizeof(int64), buf->len - buf->cursor)));
	num = pq_getmsgint64(buf);
	den = pq_getmsgint64(buf);
	kpi_ratio_check(num, den, ERRCODE_INVALID_BINARY_REPRESENTATION, NULL);
	PG_RETURN_KPI_RATIO_P(kpi_ratio_make(num, den));
}

PG_FUNCTION_INFO_V1(kpi_ratio_send);
Datum
kpi_ratio_send(PG_FUNCTION_ARGS)
{
	KpiRatio   *r = PG_GETARG_KPI_RATIO_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint64(&buf, r->num);
	pq_sendint64(&buf, r->den);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* kpi_ratio(numerator bigint, denominator bigint) */
PG_FUNCTION_INFO_V1(kpi_ratio_construct);
Datum
kpi_ratio_construct(PG_FUNCTION_ARGS)
{
	int64		num = PG_GETARG_INT64(0);
	int64		den = PG_GETARG_INT64(1);

	kpi_ratio_check(num, den, ERRCODE_INVALID_PARAMETER_VALUE, NULL);
	PG_RETURN_KPI_RATIO_P(kpi_ratio_make(num, den));
}

PG_FUNCTION_INFO_V1(kpi_ratio_share);
Datum
kpi_ratio_share(PG_FUNCTION_ARGS)
{
	KpiRatio   *r = PG_GETARG_KPI_RATIO_P(0);

	if (r->den == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) r->num / (double) r->den);
}

PG_FUNCTION_INFO_V1(kpi_ratio_numerator);
Datum
kpi_ratio_numerator(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_KPI_RATIO_P(0)->num);
}

PG_FUNCTION_INFO_V1(kpi_ratio_denominator);
Datum
kpi_ratio_denominator(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_KPI_RATIO_P(0)->den);
}

/* Comparison support: operators, btree and hash opclasses. */

#define KPI_RATIO_CMP_FN(name, expr) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	int			c = kpi_ratio_cmp_internal(PG_GETARG_KPI_RATIO_P(0), \
										   PG_GETARG_KPI_RATIO_P(1)); \
	PG_RETURN_BOOL(expr); \
}

KPI_RATIO_CMP_FN(kpi_ratio_eq, c == 0)
KPI_RATIO_CMP_FN(kpi_ratio_ne, c != 0)
KPI_RATIO_CMP_FN(kpi_ratio_lt, c < 0)
KPI_RATIO_CMP_FN(kpi_ratio_le, c <= 0)
KPI_RATIO_CMP_FN(kpi_ratio_gt, c > 0)
KPI_RATIO_CMP_FN(kpi_ratio_ge, c >= 0)

PG_FUNCTION_INFO_V1(kpi_ratio_cmp);
Datum
kpi_ratio_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(kpi_ratio_cmp_internal(PG_GETARG_KPI_RATIO_P(0),
										   PG_GETARG_KPI_RATIO_P(1)));
}

static uint64
gcd_u64(uint64 a, uint64 b)
{
	while (b != 0)
	{
		uint64		t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * Equal ratios must hash alike, so hash the fraction in lowest terms
 * (0/d for any d > 0 becomes 0/1; 0/0 stays 0/0).
 */
static uint64
kpi_ratio_hash_internal(const KpiRatio *r, uint64 seed)
{
	int64		parts[2] = {r->num, r->den};
	uint64		g = gcd_u64((uint64) r->num, (uint64) r->den);

	if (g > 1)
	{
		parts[0] = (int64) ((uint64) r->num / g);
		parts[1] = (int64) ((uint64) r->den / g);
	}
	return DatumGetUInt64(hash_any_extended((const unsigned char *) parts,
											sizeof(parts), seed));
}

PG_FUNCTION_INFO_V1(kpi_ratio_hash);
Datum
kpi_ratio_hash(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32((int32) kpi_ratio_hash_internal(PG_GETARG_KPI_RATIO_P(0), 0));
}

PG_FUNCTION_INFO_V1(kpi_ratio_hash_extended);
Datum
kpi_ratio_hash_extended(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64((int64) kpi_ratio_hash_internal(PG_GETARG_KPI_RATIO_P(0),
													(uint64) PG_GETARG_INT64(1)));
}

/*
 * rollup(kpi_ratio): sum numerators and denominators.
 *
 * The transition function is strict with no initial value, so PostgreSQL
 * copies the first input into the aggregate context as the state; after that
 * the state is ours to update in place.
 */
static void
kpi_ratio_add_into(KpiRatio *acc, const KpiRatio *v)
{
	if (pg_add_s64_overflow(acc->num, v->num, &acc->num) ||
		pg_add_s64_overflow(acc->den, v->den, &acc->den))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("kpi_ratio rollup is out of range for type bigint")));
}

PG_FUNCTION_INFO_V1(kpi_ratio_rollup_trans);
Datum
kpi_ratio_rollup_trans(PG_FUNCTION_ARGS)
{
	KpiRatio   *state = PG_GETARG_KPI_RATIO_P(0);
	KpiRatio   *value = PG_GETARG_KPI_RATIO_P(1);

	if (!AggCheckCallContext(fcinfo, NULL))
	{
		/* called as a plain function: never scribble on the argument */
		KpiRatio   *copy = kpi_ratio_make(state->num, state->den);

		kpi_ratio_add_into(copy, value);
		PG_RETURN_KPI_RATIO_P(copy);
	}
	kpi_ratio_add_into(state, value);
	PG_RETURN_KPI_RATIO_P(state);
}

/*
 * Combine two partial rollups.  Not strict, following core's
 * int8_avg_combine: either side may be NULL (a worker that saw no rows), and
 * a NULL left side must be replaced by a copy of the right one made in the
 * aggregate context.
 */
PG_FUNCTION_INFO_V1(kpi_ratio_rollup_combine);
Datum
kpi_ratio_rollup_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	KpiRatio   *state;
	KpiRatio   *other;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	other = PG_GETARG_KPI_RATIO_P(1);

	if (!AggCheckCallContext(fcinfo, &aggcontext))
	{
		/* plain call: build a fresh result */
		state = PG_ARGISNULL(0) ? kpi_ratio_make(0, 0) :
			kpi_ratio_make(PG_GETARG_KPI_RATIO_P(0)->num,
						   PG_GETARG_KPI_RATIO_P(0)->den);
		kpi_ratio_add_into(state, other);
		PG_RETURN_KPI_RATIO_P(state);
	}

	if (PG_ARGISNULL(0))
	{
		state = (KpiRatio *) MemoryContextAlloc(aggcontext, sizeof(KpiRatio));
		*state = *other;
		PG_RETURN_KPI_RATIO_P(state);
	}
	state = PG_GETARG_KPI_RATIO_P(0);
	kpi_ratio_add_into(state, other);
	PG_RETURN_KPI_RATIO_P(state);
}
