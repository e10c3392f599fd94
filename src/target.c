/*
 * target.c
 *		Target lookup: which stage applies on a date, its threshold, and
 *		whether a value meets it (spec §4-§5).
 *
 * The catalog lives in two tables the DBA owns: sferum_kpi.target (stages,
 * deadlines, thresholds) and sferum_kpi.indicator_history (weekly values, the
 * source of the stage-1 baselines).  A dashboard view calls target_met() once
 * per row, so the rows are read once into a per-backend cache instead of being
 * queried per call.
 *
 * Cache validity.  The cache remembers the MVCC snapshot it was read with
 * (xmin, xmax, in-progress xids, command id).  A call under a snapshot that
 * would see different rows - because another transaction committed, or this
 * one changed a table - reloads it; so does the end of every transaction.
 * That is exact for every isolation level, including a change made earlier in
 * the same transaction, and it costs one small query per statement that
 * actually sees new data; a view over 100 000 rows reads the catalog once.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/snapshot.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "sferum_kpi.h"

/* Longest indicator or region code the catalog tables accept. */
#define MAX_CODE_LEN 63

/* One row of sferum_kpi.target. */
typedef struct TargetStage
{
	char	   *indicator;
	int32		stage;
	char	   *region_code;	/* NULL: every region */
	DateADT		deadline;
	bool		strict;			/* comparison '>' rather than '>=' */
	bool		baseline;		/* rule 'baseline_max' */
	int64		p;				/* fixed threshold as the fraction p/q */
	int64		q;
	double		threshold;		/* the same threshold as a double */
	char	   *baseline_platform;
	int32		baseline_school_year;
	bool		in_force;
} TargetStage;

/*
 * Cache keys: the fields, each prefixed with its byte length ("12:active_orgs"),
 * so that no two different field lists give the same key whatever bytes the
 * fields hold.  A key that does not fit is simply not cached.
 */
#define CACHE_KEY_SIZE 512

/* The stages that apply to one (indicator, region), sorted by deadline. */
typedef struct ResolvedEntry
{
	char		key[CACHE_KEY_SIZE];
	int			nstages;
	const TargetStage **stages;
} ResolvedEntry;

/* The baseline for one (indicator, region, platform, school year). */
typedef struct BaselineEntry
{
	char		key[CACHE_KEY_SIZE];
	KpiRatio	value;			/* 0/0 when there is no history */
} BaselineEntry;

typedef struct SnapshotKey
{
	TransactionId xmin;
	TransactionId xmax;
	CommandId	curcid;
	uint32		xcnt;
	int32		subxcnt;
	bool		suboverflowed;
	TransactionId *xip;
	TransactionId *subxip;
} SnapshotKey;

static MemoryContext cache_cxt = NULL;
static bool cache_valid = false;
static bool xact_callback_registered = false;
static SnapshotKey cache_snap;
static TargetStage *cache_stages;
static int	cache_nstages;
static HTAB *resolved_htab;
static HTAB *baseline_htab;

static Oid	cache_userid = InvalidOid;

static void
target_cache_xact_callback(XactEvent event, void *arg)
{
	(void) event;
	(void) arg;
	cache_valid = false;
}

/*
 * A rolled-back subtransaction un-does rows the cache may have read, while
 * the snapshot of a REPEATABLE READ transaction stays exactly the same: drop
 * the cache.
 */
static void
target_cache_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
							  SubTransactionId parentSubid, void *arg)
{
	(void) mySubid;
	(void) parentSubid;
	(void) arg;
	if (event == SUBXACT_EVENT_ABORT_SUB)
		cache_valid = false;
}

/* Append one length-prefixed field (NULL as "-") to a cache key. */
static bool
cache_key_add(char *key, const char *field)
{
	size_t		used = strlen(key);
	int			n;

	if (field == NULL)
		n = snprintf(key + used, CACHE_KEY_SIZE - used, "-|");
	else
		n = snprintf(key + used, CACHE_KEY_SIZE - used, "%zu:%s|", strlen(field), field);
	return n >= 0 && (size_t) n < CACHE_KEY_SIZE - used;
}

static bool
snapshot_matches(Snapshot snap)
{
	return snap->xmin == cache_snap.xmin &&
		snap->xmax == cache_snap.xmax &&
		snap->curcid == cache_snap.curcid &&
		snap->xcnt == cache_snap.xcnt &&
		snap->subxcnt == cache_snap.subxcnt &&
		snap->suboverflowed == cache_snap.suboverflowed &&
		(snap->xcnt == 0 ||
		 memcmp(snap->xip, cache_snap.xip,
				snap->xcnt * sizeof(TransactionId)) == 0) &&
		(snap->subxcnt <= 0 ||
		 memcmp(snap->subxip, cache_snap.subxip,
				snap->subxcnt * sizeof(TransactionId)) == 0);
}

static void
remember_snapshot(Snapshot snap)
{
	cache_snap.xmin = snap->xmin;
	cache_snap.xmax = snap->xmax;
	cache_snap.curcid = snap->curcid;
	cache_snap.xcnt = snap->xcnt;
	cache_snap.subxcnt = snap->subxcnt;
	cache_snap.suboverflowed = snap->suboverflowed;
	cache_snap.xip = NULL;
	cache_snap.subxip = NULL;
	if (snap->xcnt > 0)
	{
		cache_snap.xip = MemoryContextAlloc(cache_cxt,
											snap->xcnt * sizeof(TransactionId));
		memcpy(cache_snap.xip, snap->xip, snap->xcnt * sizeof(TransactionId));
	}
	if (snap->subxcnt > 0)
	{
		cache_snap.subxip = MemoryContextAlloc(cache_cxt,
											   snap->subxcnt * sizeof(TransactionId));
		memcpy(cache_snap.subxip, snap->subxip,
			   snap->subxcnt * sizeof(TransactionId));
	}
}

/*
 * Parse a threshold numeric's text form ("0.25", "1", "0.750") into an exact
 * fraction p/q with q a power of ten.
 */
static void
parse_threshold(const char *text, const char *indicator, int32 stage,
				int64 *p, int64 *q)
{
	const char *c = text;
	int64		num = 0;
	int64		den = 1;
	bool		frac = false;

	for (; *c; c++)
	{
		if (*c == '.' && !frac)
		{
			frac = true;
			continue;
		}
		if (*c < '0' || *c > '9' || num > PG_INT64_MAX / 100 ||
			(frac && den > PG_INT64_MAX / 100))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid threshold \"%s\" in sferum_kpi.target for indicator \"%s\" stage %d",
							text, indicator, stage),
					 errhint("Thresholds are shares between 0 and 1 with at most 15 decimal places.")));
		num = num * 10 + (*c - '0');
		if (frac)
			den *= 10;
	}
	if (num > den)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("threshold %s in sferum_kpi.target for indicator \"%s\" stage %d is above 1",
						text, indicator, stage)));
	*p = num;
	*q = den;
}

static char *
spi_text(HeapTuple tup, TupleDesc desc, int col)
{
	char	   *v = SPI_getvalue(tup, desc, col);

	return v ? MemoryContextStrdup(cache_cxt, v) : NULL;
}

static void
load_targets(void)
{
	int			ret;
	uint64		i;
	MemoryContext oldcxt;
	HASHCTL		ctl;

	ret = SPI_execute("SELECT t.indicator, t.stage, t.region_code, t.deadline,"
					  " t.comparison, t.rule, t.threshold::pg_catalog.text,"
					  " t.baseline_platform, t.baseline_school_year, t.in_force"
					  " FROM sferum_kpi.target t", true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "reading sferum_kpi.target failed: %s",
			 SPI_result_code_string(ret));

	oldcxt = MemoryContextSwitchTo(cache_cxt);
	cache_nstages = (int) SPI_processed;
	cache_stages = palloc0(sizeof(TargetStage) * Max(cache_nstages, 1));
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		TargetStage *st = &cache_stages[i];
		bool		isnull;
		char	   *comparison;
		char	   *rule;
		char	   *threshold;

		st->indicator = spi_text(tup, desc, 1);
		st->stage = DatumGetInt16(SPI_getbinval(tup, desc, 2, &isnull));
		st->region_code = spi_text(tup, desc, 3);
		st->deadline = DatumGetDateADT(SPI_getbinval(tup, desc, 4, &isnull));
		comparison = spi_text(tup, desc, 5);
		rule = spi_text(tup, desc, 6);
		threshold = spi_text(tup, desc, 7);
		st->baseline_platform = spi_text(tup, desc, 8);
		st->baseline_school_year = DatumGetInt32(SPI_getbinval(tup, desc, 9, &isnull));
		st->in_force = DatumGetBool(SPI_getbinval(tup, desc, 10, &isnull));

		st->strict = comparison != NULL && strcmp(comparison, ">") == 0;
		st->baseline = rule != NULL && strcmp(rule, "baseline_max") == 0;
		if (!st->baseline)
		{
			if (threshold == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("target for indicator \"%s\" stage %d has neither a threshold nor a baseline rule",
								st->indicator, st->stage)));
			parse_threshold(threshold, st->indicator, st->stage, &st->p, &st->q);
			/* numeric_out's plain decimal: strtod gives the nearest double */
			st->threshold = strtod(threshold, NULL);
		}
		else if (st->baseline_platform == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("baseline target for indicator \"%s\" stage %d names no baseline platform",
							st->indicator, st->stage)));
	}

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = CACHE_KEY_SIZE;
	ctl.entrysize = sizeof(ResolvedEntry);
	ctl.hcxt = cache_cxt;
	resolved_htab = hash_create("sferum_kpi resolved targets", 64, &ctl,
								HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	ctl.keysize = CACHE_KEY_SIZE;
	ctl.entrysize = sizeof(BaselineEntry);
	baseline_htab = hash_create("sferum_kpi baselines", 64, &ctl,
								HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	MemoryContextSwitchTo(oldcxt);
}

/* Make sure the cache holds the catalog as the active snapshot sees it. */
static void
ensure_cache(void)
{
	Snapshot	snap;

	if (!ActiveSnapshotSet())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("sferum_kpi target lookup needs an active snapshot")));
	snap = GetActiveSnapshot();

	/*
	 * The user is part of the key: the rows were read with that user's
	 * privileges and row-security policies, and must not serve another role
	 * after SET ROLE or inside a SECURITY DEFINER function.
	 */
	if (cache_valid && cache_userid == GetUserId() && snapshot_matches(snap))
		return;

	if (!xact_callback_registered)
	{
		RegisterXactCallback(target_cache_xact_callback, NULL);
		RegisterSubXactCallback(target_cache_subxact_callback, NULL);
		xact_callback_registered = true;
	}
	if (cache_cxt == NULL)
		cache_cxt = AllocSetContextCreate(TopMemoryContext,
										  "sferum_kpi target cache",
										  ALLOCSET_SMALL_SIZES);
	cache_valid = false;
	MemoryContextReset(cache_cxt);
	resolved_htab = NULL;
	baseline_htab = NULL;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	load_targets();
	SPI_finish();

	remember_snapshot(snap);
	cache_userid = GetUserId();
	cache_valid = true;
}

static int
stage_deadline_cmp(const void *a, const void *b)
{
	const TargetStage *x = *(const TargetStage *const *) a;
	const TargetStage *y = *(const TargetStage *const *) b;

	if (x->deadline != y->deadline)
		return x->deadline < y->deadline ? -1 : 1;
	return x->stage < y->stage ? -1 : (x->stage > y->stage ? 1 : 0);
}

static int
cstring_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static void
unknown_indicator(const char *indicator)
{
	StringInfoData known;
	const char **names = palloc(sizeof(char *) * Max(cache_nstages, 1));
	int			i;

	for (i = 0; i < cache_nstages; i++)
		names[i] = cache_stages[i].indicator;
	qsort(names, cache_nstages, sizeof(char *), cstring_cmp);
	initStringInfo(&known);
	for (i = 0; i < cache_nstages; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
			appendStringInfo(&known, "%s%s", known.len ? ", " : "", names[i]);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown indicator \"%s\"", indicator),
			 known.len ? errhint("Known indicators: %s.", known.data) :
			 errhint("sferum_kpi.target is empty.")));
}

/*
 * The stages that apply to an indicator in a region: a row for that region
 * replaces the every-region row of the same stage.
 */
static const ResolvedEntry *
resolve_stages(const char *indicator, const char *region)
{
	char		key[CACHE_KEY_SIZE];
	ResolvedEntry *entry;
	bool		found;
	int			i,
				j,
				n = 0;
	bool		any = false;
	const TargetStage **list;
	MemoryContext listcxt = cache_cxt;

	/* Catalog codes are at most 63 characters (CHECK): a longer one is unknown. */
	if (pg_mbstrlen(indicator) > MAX_CODE_LEN)
		unknown_indicator(indicator);

	key[0] = '\0';
	if (cache_key_add(key, indicator) && cache_key_add(key, region))
	{
		entry = (ResolvedEntry *) hash_search(resolved_htab, key, HASH_ENTER, &found);
		if (found)
			return entry;
	}
	else
	{
		/* too long to cache: resolve it for this call only, in its memory */
		entry = (ResolvedEntry *) palloc0(sizeof(ResolvedEntry));
		listcxt = CurrentMemoryContext;
	}
	entry->nstages = 0;
	entry->stages = NULL;

	list = MemoryContextAlloc(listcxt, sizeof(TargetStage *) * Max(cache_nstages, 1));
	for (i = 0; i < cache_nstages; i++)
	{
		const TargetStage *st = &cache_stages[i];
		bool		overridden = false;

		if (strcmp(st->indicator, indicator) != 0)
			continue;
		any = true;
		if (st->region_code != NULL)
		{
			if (region == NULL || strcmp(st->region_code, region) != 0)
				continue;
		}
		else if (region != NULL)
		{
			for (j = 0; j < cache_nstages && !overridden; j++)
				overridden = cache_stages[j].region_code != NULL &&
					cache_stages[j].stage == st->stage &&
					strcmp(cache_stages[j].indicator, indicator) == 0 &&
					strcmp(cache_stages[j].region_code, region) == 0;
			if (overridden)
				continue;
		}
		list[n++] = st;
	}
	if (!any)
	{
		if (key[0] != '\0')
			hash_search(resolved_htab, key, HASH_REMOVE, NULL);
		unknown_indicator(indicator);
	}
	qsort(list, n, sizeof(TargetStage *), stage_deadline_cmp);
	entry->stages = list;
	entry->nstages = n;
	return entry;
}

/*
 * Spec §5: the stage with the earliest deadline on or after as_of; after the
 * last deadline, the last stage.  NULL when the region has no stage at all.
 */
static const TargetStage *
choose_stage(const char *indicator, DateADT as_of, const char *region)
{
	const ResolvedEntry *r = resolve_stages(indicator, region);
	int			i;

	if (r->nstages == 0)
		return NULL;
	for (i = 0; i < r->nstages; i++)
		if (r->stages[i]->deadline >= as_of)
			return r->stages[i];
	return r->stages[r->nstages - 1];
}

/*
 * The owner of sferum_kpi.indicator_history: the baseline is read as that role
 * (below), as PostgreSQL's own foreign-key checks read the referenced table as
 * its owner.  A BI role reads the store's views, which judge shares against
 * baselines, but is never granted the history itself (grant_reader); the only
 * thing it learns is the baseline, a region's best weekly share, which the
 * store's views show anyway.
 */
static Oid
history_owner(void)
{
	Oid			relid;
	HeapTuple	tup;
	Oid			owner;

	relid = get_relname_relid("indicator_history", get_namespace_oid("sferum_kpi", false));
	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table sferum_kpi.indicator_history does not exist")));
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/*
 * The baseline: the maximum weekly value of the indicator on the baseline
 * platform over the weeks of the baseline school year (a week belongs to the
 * school year of its Monday).  0/0 when the history has no such week.
 */
static KpiRatio
lookup_baseline(const char *indicator, const char *region,
				const char *platform, int32 school_year)
{
	char		key[CACHE_KEY_SIZE];
	char		year[16];
	BaselineEntry *entry;
	bool		found;
	KpiRatio	result = {0, 0};
	Datum		args[5];
	Oid			argtypes[5] = {TEXTOID, TEXTOID, TEXTOID, DATEOID, DATEOID};
	int			ret;
	bool		cacheable;
	Oid			save_userid;
	int			save_sec_context;

	snprintf(year, sizeof(year), "%d", school_year);
	key[0] = '\0';
	cacheable = cache_key_add(key, indicator) && cache_key_add(key, region) &&
		cache_key_add(key, platform) && cache_key_add(key, year);
	if (cacheable)
	{
		entry = (BaselineEntry *) hash_search(baseline_htab, key, HASH_FIND, NULL);
		if (entry != NULL)
			return entry->value;
	}

	args[0] = CStringGetTextDatum(region);
	args[1] = CStringGetTextDatum(indicator);
	args[2] = CStringGetTextDatum(platform);
	args[3] = DateADTGetDatum(date2j(school_year, 9, 1) - POSTGRES_EPOCH_JDATE);
	args[4] = DateADTGetDatum(date2j(school_year + 1, 8, 31) - POSTGRES_EPOCH_JDATE);

	/*
	 * Read as the history's owner, in a restricted security context (no
	 * temporary objects, no SET ROLE); an error on the way restores the user
	 * with the (sub)transaction's abort.
	 */
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(history_owner(),
						   save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ret = SPI_execute_with_args("SELECT h.value FROM sferum_kpi.indicator_history h"
								" WHERE h.region_code OPERATOR(pg_catalog.=) $1"
								" AND h.indicator OPERATOR(pg_catalog.=) $2"
								" AND h.platform OPERATOR(pg_catalog.=) $3"
								" AND h.week OPERATOR(pg_catalog.>=) $4"
								" AND h.week OPERATOR(pg_catalog.<=) $5"
								" ORDER BY h.value DESC LIMIT 1",
								5, argtypes, args, NULL, true, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "reading sferum_kpi.indicator_history failed: %s",
			 SPI_result_code_string(ret));
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0],
									  SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			result = *DatumGetKpiRatioP(d);
	}
	SPI_finish();
	SetUserIdAndSecContext(save_userid, save_sec_context);

	if (cacheable)
	{
		entry = (BaselineEntry *) hash_search(baseline_htab, key, HASH_ENTER, &found);
		entry->value = result;
	}
	return result;
}

/*
 * The threshold of a stage as an exact fraction p/q (q > 0) and as a double.
 * False when it is unknown: a baseline stage without a region, or without
 * history for that region.
 */
static bool
stage_threshold(const TargetStage *st, const char *region,
				int64 *p, int64 *q, double *t, KpiRatio *baseline)
{
	KpiRatio	b;

	if (!st->baseline)
	{
		*p = st->p;
		*q = st->q;
		*t = st->threshold;
		return true;
	}
	if (region == NULL)
		return false;
	b = lookup_baseline(st->indicator, region, st->baseline_platform,
						st->baseline_school_year);
	if (baseline)
		*baseline = b;
	if (b.den == 0)
		return false;
	*p = b.num;
	*q = b.den;
	*t = (double) b.num / (double) b.den;
	return true;
}

static void
check_share(double v)
{
	if (isnan(v) || v < 0.0 || v > 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("share %.17g is outside [0, 1]", v),
				 errhint("Pass a share as a fraction: 0.75 for 75 %%.")));
}

static bool
ratio_meets(int64 num, int64 den, const TargetStage *st, int64 p, int64 q)
{
	int			c = kpi_ratio_cmp_fraction(num, den, p, q);

	return st->strict ? c > 0 : c >= 0;
}

/* Arguments common to target_met and target_status. */
typedef struct TargetCall
{
	char	   *indicator;
	DateADT		as_of;
	char	   *region;
	const TargetStage *stage;
} TargetCall;

/*
 * Read indicator, as_of and region_code (arguments 0, 2, 3) and pick the
 * stage.  False when indicator or as_of is NULL (the result is NULL then).
 */
static bool
target_call_setup(FunctionCallInfo fcinfo, TargetCall *call)
{
	if (PG_ARGISNULL(0) || PG_ARGISNULL(2))
		return false;
	call->indicator = text_to_cstring(PG_GETARG_TEXT_PP(0));
	call->as_of = PG_GETARG_DATEADT(2);
	call->region = PG_ARGISNULL(3) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(3));
	if (DATE_NOT_FINITE(call->as_of))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("as_of must be a finite date")));
	ensure_cache();
	call->stage = choose_stage(call->indicator, call->as_of, call->region);
	return true;
}

PG_FUNCTION_INFO_V1(sferum_target_met_float8);
Datum
sferum_target_met_float8(PG_FUNCTION_ARGS)
{
	TargetCall	call;
	double		v;
	int64		p,
				q;
	double		t;

	if (!target_call_setup(fcinfo, &call) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	v = PG_GETARG_FLOAT8(1);
	check_share(v);
	if (call.stage == NULL ||
		!stage_threshold(call.stage, call.region, &p, &q, &t, NULL))
		PG_RETURN_NULL();
	PG_RETURN_BOOL(call.stage->strict ? v > t : v >= t);
}

PG_FUNCTION_INFO_V1(sferum_target_met_ratio);
Datum
sferum_target_met_ratio(PG_FUNCTION_ARGS)
{
	TargetCall	call;
	KpiRatio   *r;
	int64		p,
				q;
	double		t;

	if (!target_call_setup(fcinfo, &call) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	r = PG_GETARG_KPI_RATIO_P(1);
	if (r->den == 0 || call.stage == NULL ||
		!stage_threshold(call.stage, call.region, &p, &q, &t, NULL))
		PG_RETURN_NULL();
	PG_RETURN_BOOL(ratio_meets(r->num, r->den, call.stage, p, q));
}

/*
 * The fewest extra people (same denominator) that would make num/den meet
 * the stage; -1 when even den/den would not.
 */
static int64
ratio_short_by(int64 num, int64 den, const TargetStage *st, int64 p, int64 q)
{
	int64		lo = 0,
				hi = den;

	if (!ratio_meets(den, den, st, p, q))
		return -1;
	/* smallest n in [lo, hi] that meets; meeting is monotone in n */
	while (lo < hi)
	{
		int64		mid = lo + (hi - lo) / 2;

		if (ratio_meets(mid, den, st, p, q))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo > num ? lo - num : 0;
}

/*
 * target_status(indicator, value, as_of, region_code): one dashboard row.
 * value is double precision or kpi_ratio (is_ratio).
 */
static Datum
target_status_common(FunctionCallInfo fcinfo, bool is_ratio)
{
	TargetCall	call;
	TupleDesc	tupdesc;
	Datum		values[13];
	bool		nulls[13];
	int64		p = 0,
				q = 1;
	double		t = 0;
	KpiRatio	baseline = {0, 0};
	bool		known;
	bool		have_value;
	double		v = 0;
	KpiRatio   *r = NULL;
	const TargetStage *st;
	bool		due;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "target_status must return a composite type");
	tupdesc = BlessTupleDesc(tupdesc);

	if (!target_call_setup(fcinfo, &call))
		PG_RETURN_NULL();
	st = call.stage;

	have_value = !PG_ARGISNULL(1);
	if (have_value && is_ratio)
	{
		r = PG_GETARG_KPI_RATIO_P(1);
		have_value = r->den > 0;
		if (have_value)
			v = (double) r->num / (double) r->den;
	}
	else if (have_value)
	{
		v = PG_GETARG_FLOAT8(1);
		check_share(v);
	}

	memset(nulls, true, sizeof(nulls));
	values[0] = CStringGetTextDatum(call.indicator);
	nulls[0] = false;
	if (st == NULL)
		PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));

	known = stage_threshold(st, call.region, &p, &q, &t, &baseline);

	/*
	 * Spec §5: the stage is due for the week of as_of when its deadline is on
	 * or before that ISO week's Sunday (as_of is finite: target_call_setup).
	 * The views and the dashboard read this column, so they agree with it.
	 */
	due = st->deadline <= call.as_of + (6 - (j2day(call.as_of + POSTGRES_EPOCH_JDATE) + 6) % 7);

	values[1] = Int32GetDatum(st->stage);
	values[2] = DateADTGetDatum(st->deadline);
	values[3] = CStringGetTextDatum(st->strict ? ">" : ">=");
	values[4] = CStringGetTextDatum(st->baseline ? "baseline_max" : "fixed");
	values[6] = PointerGetDatum(kpi_ratio_make(baseline.num, baseline.den));
	values[7] = BoolGetDatum(st->in_force);
	values[8] = BoolGetDatum(due);
	values[9] = CStringGetTextDatum(due ? "due" : "upcoming");
	nulls[1] = nulls[2] = nulls[3] = nulls[4] = false;
	nulls[7] = nulls[8] = nulls[9] = false;
	nulls[6] = !st->baseline || baseline.den == 0;
	if (known)
	{
		values[5] = Float8GetDatum(t);
		nulls[5] = false;
	}
	if (known && have_value)
	{
		bool		met;

		if (is_ratio)
			met = ratio_meets(r->num, r->den, st, p, q);
		else
			met = st->strict ? v > t : v >= t;
		values[10] = BoolGetDatum(met);
		values[11] = Float8GetDatum(v - t);
		nulls[10] = nulls[11] = false;
		if (is_ratio)
		{
			int64		short_by = ratio_short_by(r->num, r->den, st, p, q);

			values[12] = Int64GetDatum(short_by);
			nulls[12] = short_by < 0;
		}
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

PG_FUNCTION_INFO_V1(sferum_target_status_float8);
Datum
sferum_target_status_float8(PG_FUNCTION_ARGS)
{
	return target_status_common(fcinfo, false);
}

PG_FUNCTION_INFO_V1(sferum_target_status_ratio);
Datum
sferum_target_status_ratio(PG_FUNCTION_ARGS)
{
	return target_status_common(fcinfo, true);
}

/*
 * baseline(indicator, region_code, platform, school_year): the maximum
 * weekly value stored in indicator_history; NULL when there is none.
 */
PG_FUNCTION_INFO_V1(sferum_baseline);
Datum
sferum_baseline(PG_FUNCTION_ARGS)
{
	char	   *indicator = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *region = text_to_cstring(PG_GETARG_TEXT_PP(1));
	char	   *platform = text_to_cstring(PG_GETARG_TEXT_PP(2));
	int32		school_year = PG_GETARG_INT32(3);
	KpiRatio	b;

	if (school_year < 1 || school_year > 9999)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("school year %d is out of range", school_year)));
	ensure_cache();
	b = lookup_baseline(indicator, region, platform, school_year);
	if (b.den == 0)
		PG_RETURN_NULL();
	PG_RETURN_KPI_RATIO_P(kpi_ratio_make(b.num, b.den));
}
