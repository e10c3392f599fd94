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
extern void kpi_ratio_check(int64 num, int64 den, int errcode_on_fail);
extern int	kpi_ratio_cmp_internal(const KpiRatio *a, const KpiRatio *b);
extern int	kpi_ratio_cmp_fraction(int64 num, int64 den, int64 p, int64 q);
extern bool sferum_parse_int64(const char **ptr, int64 *result,
							   const char *input, const char *typname);

#endif							/* SFERUM_KPI_H */
