/*
 * sferum_kpi.h
 *		Shared declarations of the sferum_kpi extension.
 *
 * The kpi_ratio type is an exact share: a count of people (numerator) out of
 * a population (denominator), both non-negative bigints with
 * numerator <= denominator.  0/0 is allowed and means "no population": its
 * share is unknown (SQL NULL), never 0 and never 100 %.
 */
#ifndef SFERUM_KPI_H
#define SFERUM_KPI_H

#include "postgres.h"
#include "fmgr.h"

/*
 * PostgreSQL 16 moved the varlena macros (VARDATA_ANY, VARSIZE_ANY_EXHDR ...)
 * out of postgres.h into varatt.h.
 */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/*
 * Soft errors in type input.  Since PostgreSQL 16 an input function may be
 * called with an ErrorSaveContext in fcinfo->context (pg_input_is_valid,
 * COPY ... ON_ERROR ignore): errsave() and ereturn() then record the error
 * and return instead of throwing.  PostgreSQL 15 has neither; there the same
 * calls throw the same error (same SQLSTATE and message) as before, and
 * SOFT_ERROR_OCCURRED() is never true.
 */
#if PG_VERSION_NUM >= 160000
#include "nodes/miscnodes.h"
#else
#define errsave(context, ...) \
	do { \
		(void) (context); \
		ereport(ERROR, __VA_ARGS__); \
	} while (0)
#define ereturn(context, dummy_value, ...) \
	do { \
		errsave(context, __VA_ARGS__); \
		return dummy_value; \
	} while (0)
#define SOFT_ERROR_OCCURRED(escontext) ((void) (escontext), false)
#endif

typedef struct KpiRatio
{
	int64		num;			/* people counted (0 <= num <= den) */
	int64		den;			/* population */
} KpiRatio;

#define DatumGetKpiRatioP(X)	((KpiRatio *) DatumGetPointer(X))
#define KpiRatioPGetDatum(X)	PointerGetDatum(X)
#define PG_GETARG_KPI_RATIO_P(n) DatumGetKpiRatioP(PG_GETARG_DATUM(n))
#define PG_RETURN_KPI_RATIO_P(x) return KpiRatioPGetDatum(x)

/* kpi_ratio.c */
extern KpiRatio *kpi_ratio_make(int64 num, int64 den);
extern bool kpi_ratio_check(int64 num, int64 den, int errcode_on_fail,
							struct Node *escontext);
extern int	kpi_ratio_cmp_internal(const KpiRatio *a, const KpiRatio *b);
extern int	kpi_ratio_cmp_fraction(int64 num, int64 den, int64 p, int64 q);
extern bool sferum_parse_int64(const char **ptr, int64 *result,
							   const char *input, const char *typname,
							   struct Node *escontext);

#endif							/* SFERUM_KPI_H */
