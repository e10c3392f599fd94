/*
 * calendar.c
 *		Weeks and school years (spec §5).
 *
 * A week is the ISO week, Monday to Sunday in the region's local time, named
 * by its Monday.  A school year runs from 1 September to 31 August and is
 * named by the year it starts in.
 */
#include "postgres.h"

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

#include "sferum_kpi.h"

PG_MODULE_MAGIC;

/* The Monday on or before a finite date, as a DateADT. */
static DateADT
monday_of(DateADT d)
{
	int			dow;
	DateADT		monday;

	if (DATE_NOT_FINITE(d))
		return d;				/* +/-infinity has no week; keep it as is */

	/* j2day: 0 = Sunday ... 6 = Saturday; days since Monday = (dow + 6) % 7 */
	dow = j2day(d + POSTGRES_EPOCH_JDATE);
	monday = d - (dow + 6) % 7;

	if (!IS_VALID_DATE(monday))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("week of date is out of range"),
				 errdetail("The Monday of that week falls before the earliest date PostgreSQL supports.")));
	return monday;
}

PG_FUNCTION_INFO_V1(sferum_week_start_date);
Datum
sferum_week_start_date(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATEADT(monday_of(PG_GETARG_DATEADT(0)));
}

/*
 * week_start(timestamptz, tz): the Monday of the local ISO week in zone tz.
 * The conversion is PostgreSQL's own timezone(text, timestamptz), so every
 * zone name, abbreviation and POSIX spec the server accepts works here, and
 * an unknown zone raises its error (SQLSTATE 22023).
 */
PG_FUNCTION_INFO_V1(sferum_week_start_tstz);
Datum
sferum_week_start_tstz(PG_FUNCTION_ARGS)
{
	TimestampTz ts = PG_GETARG_TIMESTAMPTZ(0);
	text	   *zone = PG_GETARG_TEXT_PP(1);
	Timestamp	local;
	DateADT		day;

	/*
	 * timezone() returns an infinite timestamp without looking at the zone:
	 * check the zone on a finite one, so that a bad zone is an error for
	 * every input.
	 */
	if (TIMESTAMP_NOT_FINITE(ts))
		(void) DirectFunctionCall2(timestamptz_zone, PointerGetDatum(zone),
								   TimestampTzGetDatum((TimestampTz) 0));

	local = DatumGetTimestamp(DirectFunctionCall2(timestamptz_zone,
												  PointerGetDatum(zone),
												  TimestampTzGetDatum(ts)));
	day = DatumGetDateADT(DirectFunctionCall1(timestamp_date,
											  TimestampGetDatum(local)));
	PG_RETURN_DATEADT(monday_of(day));
}

PG_FUNCTION_INFO_V1(sferum_school_year);
Datum
sferum_school_year(PG_FUNCTION_ARGS)
{
	DateADT		d = PG_GETARG_DATEADT(0);
	int			year,
				month,
				day;

	if (DATE_NOT_FINITE(d))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("an infinite date has no school year")));

	j2date(d + POSTGRES_EPOCH_JDATE, &year, &month, &day);
	/* j2date gives astronomical years (0 = 1 BC); school years follow them. */
	PG_RETURN_INT32(month >= 9 ? year : year - 1);
}
