/*
 * rawagg_state.c
 *		The state of the weekly-activity aggregates over raw rows (rawagg.c):
 *		a hash table of persons and its serialized (wire) form.
 *
 * The state: open addressing over 64-byte buckets
 *	A bucket is one cache line: N int64 person ids, N counters and, in the
 *	last byte, how many of the N slots are in use.  A counter holds
 *	min(messages so far, min_messages): past the threshold more messages
 *	change nothing, so min_messages fixes the counter width for the group:
 *		min_messages <= 255		1-byte counters, 7 persons per bucket
 *		min_messages <= 65535	2-byte counters, 6 persons per bucket
 *		larger					4-byte counters, 5 persons per bucket
 *	Slots fill from the front and are never freed, so the fill count is the
 *	only "empty" marker: no person id is reserved; INT64_MIN, INT64_MAX and 0
 *	are ordinary keys.
 *
 *	The home bucket of an id comes from the top 32 bits of a 64-bit mix of
 *	it, scaled to the number of buckets by a multiply and a shift (so any
 *	bucket count works, and the table grows by 1.5x rather than 2x).  A full
 *	bucket overflows into the next one (linear probing).  The buckets thus
 *	hold the ids in nearly ascending mix order, whatever the table size:
 *	walking one table in order writes another front to back, so growing,
 *	loading and merging run at memory speed, not at a cache miss per person.
 *
 *	Rows are applied in batches of RAW_BATCH.  When a batch is full its
 *	buckets (and the next ones, where a new person lands when the home bucket
 *	is full) are prefetched and the batch before it is applied, so the cache
 *	misses of a whole batch overlap and have had time to complete.
 *
 *	Memory per distinct person: a table grows when 85 % of its slots are in
 *	use, by 1.5x (1.2x from 32 MB on, about 3 million persons), so it stays
 *	between 57 % (71 %) and 85 % full.  With 1-byte counters that is 10.8-16.1
 *	bytes per person (10.8-12.9 in a table of 32 MB or more); 2-byte counters
 *	12.5-18.8 (12.5-15.1), 4-byte 15.1-22.6 (15.1-18.1); plus about 1 kB per
 *	group (the state and its first 4 buckets).  While a resize copies the table the old one is still allocated:
 *	for that moment a big table takes up to 23.7 bytes per person with 1-byte
 *	counters (27.6 and 33.1 with wider ones).  When population is given, rows
 *	with 0 messages are not stored at all.
 *
 * The serialized state (parallel aggregation), big-endian:
 *	uint8 format (1), int32 min_messages, uint8 population_is_null,
 *	int64 population (0 when NULL), int64 n,
 *	n x (int64 person_id, counter of 1, 2 or 4 bytes as above),
 *	in strictly ascending order of the 64-bit mix of person_id.  That is 9
 *	bytes per person for thresholds up to 255.  The order lets the receiver
 *	check for repeated persons in one pass, and lets combine keep states in
 *	this records form: the final phase of a parallel plan merges each partial
 *	state into the running one with a linear merge of two sorted lists, and
 *	never builds a hash table.
 *	Deserializing trusts nothing: every header field, the exact length, every
 *	counter and the order are checked (22P03).  A bytea is at most 1 GB, so a
 *	group that a parallel plan hands between processes holds at most about
 *	110 million persons; weekly_active_ratio in a serial plan has no such
 *	limit, weekly_active_state (which returns the bytes) has.
 *
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "sferum_kpi.h"
#include "rawagg_state.h"

#define RAW_BUCKET_SIZE		64
#define RAW_FILL_BYTE		(RAW_BUCKET_SIZE - 1)
#define RAW_SLOTS(width)	((RAW_BUCKET_SIZE - 1) / (8 + (width)))
#define RAW_MAX_LOAD_PCT	85
#define RAW_BIG_BUCKETS		(32 * 1024 * 1024 / RAW_BUCKET_SIZE)	/* 32 MB */
#define RAW_FORMAT			1
#define RAW_HEADER_BYTES	(1 + 4 + 1 + 8 + 8)

StaticAssertDecl(RAW_SLOTS(1) == 7 && RAW_SLOTS(2) == 6 && RAW_SLOTS(4) == 5,
				 "bucket layout");

#if defined(__GNUC__) || defined(__clang__)
#define raw_prefetch(p)		__builtin_prefetch(p)
#else
#define raw_prefetch(p)		((void) 0)
#endif


static inline int
raw_width(int32 min_messages)
{
	return min_messages <= PG_UINT8_MAX ? 1 : min_messages <= PG_UINT16_MAX ? 2 : 4;
}

/* a 64-bit mix (MurmurHash3's finalizer), a bijection on 64-bit values */
static inline uint64
raw_mix(int64 person)
{
	uint64		h = (uint64) person;

	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64CONST(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

static inline uint32
raw_hash(int64 person)
{
	return (uint32) (raw_mix(person) >> 32);
}

static inline uint32
raw_home(uint32 hash, uint32 nbuckets)
{
	return (uint32) (((uint64) hash * nbuckets) >> 32);
}

static inline char *
raw_bucket(const RawState *st, uint32 b)
{
	return st->buckets + (Size) b * RAW_BUCKET_SIZE;
}

static pg_attribute_always_inline uint32
raw_count_get(const char *bucket, int slot, const int width)
{
	const char *counts = bucket + 8 * RAW_SLOTS(width);

	if (width == 1)
		return ((const uint8 *) counts)[slot];
	if (width == 2)
		return ((const uint16 *) counts)[slot];
	return ((const uint32 *) counts)[slot];
}

static pg_attribute_always_inline void
raw_count_set(char *bucket, int slot, uint32 count, const int width)
{
	char	   *counts = bucket + 8 * RAW_SLOTS(width);

	if (width == 1)
		((uint8 *) counts)[slot] = (uint8) count;
	else if (width == 2)
		((uint16 *) counts)[slot] = (uint16) count;
	else
		((uint32 *) counts)[slot] = count;
}

/*
 * Serialized records: int64 person_id and a counter, big-endian.  The width
 * is a constant wherever these are inlined, so the copies compile to moves.
 */
static pg_attribute_always_inline int64
raw_record_person(const char *rec)
{
	uint64		id;

	memcpy(&id, rec, sizeof(id));
	return (int64) pg_ntoh64(id);
}

static pg_attribute_always_inline uint32
raw_record_count(const char *rec, const int width)
{
	if (width == 1)
		return (uint8) rec[8];
	if (width == 2)
	{
		uint16		c;

		memcpy(&c, rec + 8, sizeof(c));
		return pg_ntoh16(c);
	}
	else
	{
		uint32		c;

		memcpy(&c, rec + 8, sizeof(c));
		return pg_ntoh32(c);
	}
}

static pg_attribute_always_inline void
raw_record_put(char *rec, int64 person, uint32 count, const int width)
{
	uint64		id = pg_hton64((uint64) person);

	memcpy(rec, &id, sizeof(id));
	if (width == 1)
		rec[8] = (char) count;
	else if (width == 2)
	{
		uint16		c = pg_hton16((uint16) count);

		memcpy(rec + 8, &c, sizeof(c));
	}
	else
	{
		uint32		c = pg_hton32(count);

		memcpy(rec + 8, &c, sizeof(c));
	}
}

/* the smallest bucket count that holds n persons below the load limit */
uint32
raw_state_buckets_for(int64 n, int width)
{
	int64		per_bucket_pct = (int64) RAW_SLOTS(width) * RAW_MAX_LOAD_PCT;
	int64		nb;

	if (n > (int64) PG_UINT32_MAX * RAW_SLOTS(width) * RAW_MAX_LOAD_PCT / 100)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct persons in one group of a weekly activity aggregate"),
				 errdetail("The group would hold %lld persons.", (long long) n)));
	nb = (n * 100 + per_bucket_pct - 1) / per_bucket_pct;
	return (uint32) Max(nb, RAW_MIN_BUCKETS);
}

/* a zeroed, 64-byte aligned bucket array; sets buckets, nbuckets, grow_at */
void
raw_state_alloc_buckets(RawState *st, uint32 nbuckets)
{
	Size		bytes = (Size) nbuckets * RAW_BUCKET_SIZE;

	st->alloc = MemoryContextAllocExtended(st->ctx, bytes + RAW_BUCKET_SIZE - 1,
										   MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	st->buckets = (char *) TYPEALIGN(RAW_BUCKET_SIZE, st->alloc);
	st->nbuckets = nbuckets;
	st->grow_at = (int64) nbuckets * RAW_SLOTS(st->width) * RAW_MAX_LOAD_PCT / 100;
}

RawState *
raw_state_new(MemoryContext ctx, int32 min_messages, bool population_null,
			  int64 population)
{
	RawState   *st = (RawState *) MemoryContextAllocZero(ctx, sizeof(RawState));

	st->ctx = ctx;
	st->min_messages = min_messages;
	st->width = raw_width(min_messages);
	st->population_null = population_null;
	st->population = population_null ? 0 : population;
	return st;
}

/*
 * Put a person known to be absent into the first bucket with room, from its
 * home on.  The caller has made room.
 */
static pg_attribute_always_inline void
raw_place(RawState *st, int64 person, uint32 count, const int width)
{
	uint32		b = raw_home(raw_hash(person), st->nbuckets);
	char	   *bucket;
	int			fill;

	for (;;)
	{
		bucket = raw_bucket(st, b);
		fill = (uint8) bucket[RAW_FILL_BYTE];
		if (fill < RAW_SLOTS(width))
			break;
		if (++b == st->nbuckets)
			b = 0;
	}
	((int64 *) bucket)[fill] = person;
	raw_count_set(bucket, fill, count, width);
	bucket[RAW_FILL_BYTE] = (char) (fill + 1);
}

/*
 * Add `add` (<= min_messages) to a person's counter, inserting the person if
 * absent, probing from bucket b.  The caller has made room.
 */
static pg_attribute_always_inline void
raw_add_at(RawState *st, int64 person, uint32 add, uint32 b, const int width)
{
	const uint32 min = (uint32) st->min_messages;

	for (;;)
	{
		char	   *bucket = raw_bucket(st, b);
		int64	   *ids = (int64 *) bucket;
		int			fill = (uint8) bucket[RAW_FILL_BYTE];

		for (int i = 0; i < fill; i++)
		{
			if (ids[i] == person)
			{
				uint32		old = raw_count_get(bucket, i, width);

				if (old < min)
				{
					uint32		sum = old + add;	/* both <= 2^31 - 1 */

					if (sum >= min)
					{
						sum = min;
						st->nactive++;
					}
					raw_count_set(bucket, i, sum, width);
				}
				return;
			}
		}
		if (fill < RAW_SLOTS(width))
		{
			ids[fill] = person;
			raw_count_set(bucket, fill, add, width);
			bucket[RAW_FILL_BYTE] = (char) (fill + 1);
			st->nentries++;
			if (add == min)
				st->nactive++;
			return;
		}
		if (++b == st->nbuckets)
			b = 0;
	}
}

static pg_attribute_always_inline void
raw_rehash_impl(RawState *st, const char *old, uint32 old_nbuckets, const int width)
{
	for (uint32 ob = 0; ob < old_nbuckets; ob++)
	{
		const char *obucket = old + (Size) ob * RAW_BUCKET_SIZE;
		int			ofill = (uint8) obucket[RAW_FILL_BYTE];

		for (int i = 0; i < ofill; i++)
			raw_place(st, ((const int64 *) obucket)[i],
					  raw_count_get(obucket, i, width), width);
	}
}

static void
raw_resize(RawState *st, uint32 nbuckets)
{
	char	   *old = st->buckets;
	void	   *old_alloc = st->alloc;
	uint32		old_nbuckets = st->nbuckets;

	raw_state_alloc_buckets(st, nbuckets);
	switch (st->width)
	{
		case 1:
			raw_rehash_impl(st, old, old_nbuckets, 1);
			break;
		case 2:
			raw_rehash_impl(st, old, old_nbuckets, 2);
			break;
		default:
			raw_rehash_impl(st, old, old_nbuckets, 4);
			break;
	}
	pfree(old_alloc);
}

/*
 * Make room for `more` new persons.  A table grows by 1.5x; from 32 MB on by
 * 1.2x, so that while a big table is copied the old and the new one together
 * stay under 24 bytes per person (2.2 x 64 / (7 x 0.85) = 23.7 with 1-byte
 * counters).  Small tables grow faster: fewer copies, and their transient
 * size does not matter.
 */
static inline void
raw_reserve(RawState *st, int64 more)
{
	uint64		step;
	uint32		nbuckets;

	if (st->nentries + more <= st->grow_at)
		return;
	step = st->nbuckets >= RAW_BIG_BUCKETS ? st->nbuckets / 5 : st->nbuckets / 2;
	nbuckets = raw_state_buckets_for(st->nentries + more, st->width);
	if ((uint64) nbuckets < (uint64) st->nbuckets + step)
		nbuckets = (uint32) Min((uint64) st->nbuckets + step, PG_UINT32_MAX);
	raw_resize(st, nbuckets);
}

static pg_attribute_always_inline void
raw_apply_impl(RawState *st, const RawPending *rows, int n, const int width)
{
	raw_reserve(st, n);
	for (int i = 0; i < n; i++)
		raw_add_at(st, rows[i].person, rows[i].add,
				   raw_home(rows[i].hash, st->nbuckets), width);
}

static void
raw_apply(RawState *st, const RawPending *rows, int n)
{
	switch (st->width)
	{
		case 1:
			raw_apply_impl(st, rows, n, 1);
			break;
		case 2:
			raw_apply_impl(st, rows, n, 2);
			break;
		default:
			raw_apply_impl(st, rows, n, 4);
			break;
	}
}

/* prefetch the filling batch, apply the prefetched one, swap them */
void
raw_state_advance(RawState *st)
{
	RawPending *rows = st->batch[st->cur];

	/* rows never follow a combine in PostgreSQL, but they would be right */
	if (unlikely(st->buckets == NULL))
		raw_state_make_table(st);

	for (int i = 0; i < st->npending; i++)
	{
		char	   *home;

		rows[i].hash = raw_hash(rows[i].person);
		home = raw_bucket(st, raw_home(rows[i].hash, st->nbuckets));
		raw_prefetch(home);
		/* a new person finds the home bucket full often enough to pay */
		raw_prefetch(home + RAW_BUCKET_SIZE);
	}
	if (st->nready > 0)
		raw_apply(st, st->batch[1 - st->cur], st->nready);
	st->nready = st->npending;
	st->npending = 0;
	st->cur = 1 - st->cur;
}

/*
 * Apply every buffered row.  This changes how the state is stored, not what
 * it stands for, so the final functions may call it on a READ_ONLY state.
 */
void
raw_state_flush(RawState *st)
{
	if (st->npending > 0)
		raw_state_advance(st);
	if (st->nready > 0)
		raw_apply(st, st->batch[1 - st->cur], st->nready);
	st->nready = 0;
}


/*
 * Add every person of src (a table or a deserialized state) to the table
 * dst.  src is not changed.  Either way src comes in nearly ascending mix
 * order, so dst is written front to back.
 */
static pg_attribute_always_inline void
raw_merge_impl(RawState *dst, const RawState *src, const int width)
{
	if (src->records != NULL)
	{
		for (int64 i = 0; i < src->nentries; i++)
		{
			const char *rec = src->records + i * (8 + width);
			int64		person = raw_record_person(rec);

			if (dst->nentries >= dst->grow_at)
				raw_reserve(dst, 1);
			raw_add_at(dst, person, raw_record_count(rec, width),
					   raw_home(raw_hash(person), dst->nbuckets), width);
		}
		return;
	}
	for (uint32 sb = 0; sb < src->nbuckets; sb++)
	{
		const char *sbucket = raw_bucket(src, sb);
		int			sfill = (uint8) sbucket[RAW_FILL_BYTE];

		for (int i = 0; i < sfill; i++)
		{
			int64		person = ((const int64 *) sbucket)[i];

			if (dst->nentries >= dst->grow_at)
				raw_reserve(dst, 1);
			raw_add_at(dst, person, raw_count_get(sbucket, i, width),
					   raw_home(raw_hash(person), dst->nbuckets), width);
		}
	}
	for (int k = 0; k < 2; k++)
	{
		int			n = (k == src->cur) ? src->npending : src->nready;

		for (int i = 0; i < n; i++)
			raw_push(dst, src->batch[k][i].person, src->batch[k][i].add);
	}
}

void
raw_state_merge(RawState *dst, const RawState *src)
{
	raw_state_flush(dst);
	switch (dst->width)
	{
		case 1:
			raw_merge_impl(dst, src, 1);
			break;
		case 2:
			raw_merge_impl(dst, src, 2);
			break;
		default:
			raw_merge_impl(dst, src, 4);
			break;
	}
}

/* a copy of src, in the same form, in ctx */
RawState *
raw_state_copy(const RawState *src, MemoryContext ctx)
{
	RawState   *st = (RawState *) MemoryContextAlloc(ctx, sizeof(RawState));

	*st = *src;
	st->ctx = ctx;
	if (src->records == NULL)
	{
		raw_state_alloc_buckets(st, src->nbuckets);
		memcpy(st->buckets, src->buckets, (Size) src->nbuckets * RAW_BUCKET_SIZE);
	}
	else
	{
		Size		bytes = (Size) src->nentries * (8 + src->width);

		st->records_alloc = MemoryContextAllocHuge(ctx, Max(bytes, 1));
		memcpy(st->records_alloc, src->records, bytes);
		st->records = st->records_alloc;
	}
	return st;
}

/* turn a state of the records form into the table form, in place */
void
raw_state_make_table(RawState *st)
{
	const int	rs = 8 + st->width;

	Assert(st->records != NULL);
	raw_state_alloc_buckets(st, raw_state_buckets_for(st->nentries, st->width));
	for (int64 i = 0; i < st->nentries; i++)
	{
		const char *rec = st->records + i * rs;

		switch (st->width)
		{
			case 1:
				raw_place(st, raw_record_person(rec), raw_record_count(rec, 1), 1);
				break;
			case 2:
				raw_place(st, raw_record_person(rec), raw_record_count(rec, 2), 2);
				break;
			default:
				raw_place(st, raw_record_person(rec), raw_record_count(rec, 4), 4);
				break;
		}
	}
	if (st->records_alloc != NULL)
		pfree(st->records_alloc);
	st->records = NULL;
	st->records_alloc = NULL;
}

/*
 * Merge the records of src into those of dst (both in the records form): both
 * are in ascending mix order, so this is a linear merge, summing the counters
 * of a person in both.  This is what the final phase of a parallel plan does
 * with every partial state after the first.
 */
static pg_attribute_always_inline int64
raw_merge_records_impl(const char *a, int64 na, const char *b, int64 nb,
					   char *out, uint32 min, int64 *nactive, const int width)
{
	const int	rs = 8 + width;
	char	   *o = out;
	int64		i = 0;
	int64		j = 0;
	int64		active = 0;
	uint64		ma = na > 0 ? raw_mix(raw_record_person(a)) : 0;
	uint64		mb = nb > 0 ? raw_mix(raw_record_person(b)) : 0;

	while (i < na && j < nb)
	{
		uint32		count;

		if (ma < mb)
		{
			memcpy(o, a + i * rs, rs);
			count = raw_record_count(o, width);
			if (++i < na)
				ma = raw_mix(raw_record_person(a + i * rs));
		}
		else if (mb < ma)
		{
			memcpy(o, b + j * rs, rs);
			count = raw_record_count(o, width);
			if (++j < nb)
				mb = raw_mix(raw_record_person(b + j * rs));
		}
		else
		{
			/* the same mix, so the same person: add the counters */
			count = raw_record_count(a + i * rs, width) + raw_record_count(b + j * rs, width);
			count = Min(count, min);	/* both were <= 2^31 - 1 */
			raw_record_put(o, raw_record_person(a + i * rs), count, width);
			if (++i < na)
				ma = raw_mix(raw_record_person(a + i * rs));
			if (++j < nb)
				mb = raw_mix(raw_record_person(b + j * rs));
		}
		active += (count == min);
		o += rs;
	}
	for (; i < na; i++, o += rs)
	{
		memcpy(o, a + i * rs, rs);
		active += (raw_record_count(o, width) == min);
	}
	for (; j < nb; j++, o += rs)
	{
		memcpy(o, b + j * rs, rs);
		active += (raw_record_count(o, width) == min);
	}
	*nactive = active;
	return (o - out) / rs;
}

void
raw_state_merge_records(RawState *dst, const RawState *src)
{
	const int	rs = 8 + dst->width;
	const uint32 min = (uint32) dst->min_messages;
	Size		bytes = (Size) (dst->nentries + src->nentries) * rs;
	char	   *out = MemoryContextAllocHuge(dst->ctx, Max(bytes, 1));
	int64		n;
	int64		nactive;

	switch (dst->width)
	{
		case 1:
			n = raw_merge_records_impl(dst->records, dst->nentries, src->records, src->nentries,
									   out, min, &nactive, 1);
			break;
		case 2:
			n = raw_merge_records_impl(dst->records, dst->nentries, src->records, src->nentries,
									   out, min, &nactive, 2);
			break;
		default:
			n = raw_merge_records_impl(dst->records, dst->nentries, src->records, src->nentries,
									   out, min, &nactive, 4);
			break;
	}
	if (dst->records_alloc != NULL)
		pfree(dst->records_alloc);
	if ((Size) n * rs < bytes)
		out = repalloc_huge(out, Max((Size) n * rs, 1));
	dst->records = out;
	dst->records_alloc = out;
	dst->nentries = n;
	dst->nactive = nactive;
}


/*
 * Write the table's records in ascending mix order.  Bucket order is nearly
 * that order: a record at most moves back past a few displaced ones
 * (insertion), except for persons that overflowed from the last buckets
 * around to the first ones, which are written last.  Returns the count.
 */
static pg_attribute_always_inline int64
raw_encode_impl(const RawState *st, char *out, const int width)
{
	const int	rs = 8 + width;
	int64		n = 0;
	uint64		last = 0;		/* the mix of the last record written */

	for (int wrapped = 0; wrapped <= 1; wrapped++)
	{
		for (uint32 b = 0; b < st->nbuckets; b++)
		{
			const char *bucket = raw_bucket(st, b);
			int			fill = (uint8) bucket[RAW_FILL_BYTE];

			for (int i = 0; i < fill; i++)
			{
				int64		person = ((const int64 *) bucket)[i];
				uint64		mix = raw_mix(person);
				int64		j = n;

				if ((raw_home((uint32) (mix >> 32), st->nbuckets) > b) != wrapped)
					continue;
				if (n > 0 && mix < last)
				{
					while (j > 0 && raw_mix(raw_record_person(out + (j - 1) * rs)) > mix)
					{
						memcpy(out + j * rs, out + (j - 1) * rs, rs);
						j--;
					}
				}
				else
					last = mix;
				raw_record_put(out + j * rs, person, raw_count_get(bucket, i, width), width);
				n++;
			}
			/* wrapped persons sit in the full buckets at the start and the first with room */
			if (wrapped && fill < RAW_SLOTS(width))
				break;
		}
	}
	return n;
}

bytea *
raw_state_encode(RawState *st)
{
	StringInfoData buf;
	const int	rs = 8 + st->width;
	int64		bytes;
	char	   *out;
	int64		n;

	raw_state_flush(st);
	bytes = RAW_HEADER_BYTES + st->nentries * rs;
	if (bytes > (int64) (MaxAllocSize - VARHDRSZ - 1))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("weekly activity state of %lld persons is too large to serialize",
						(long long) st->nentries),
				 errhint("A serialized state holds at most about 110 million persons. Run weekly_active_ratio without parallel workers (SET max_parallel_workers_per_gather = 0), or take weekly_active_state of smaller groups.")));

	pq_begintypsend(&buf);
	enlargeStringInfo(&buf, (int) bytes);
	pq_sendbyte(&buf, RAW_FORMAT);
	pq_sendint32(&buf, st->min_messages);
	pq_sendbyte(&buf, st->population_null ? 1 : 0);
	pq_sendint64(&buf, st->population);
	pq_sendint64(&buf, st->nentries);
	out = buf.data + buf.len;

	if (st->records != NULL)
	{
		/* already in serialized order */
		memcpy(out, st->records, st->nentries * rs);
		buf.len += (int) (st->nentries * rs);
		buf.data[buf.len] = '\0';
		return pq_endtypsend(&buf);
	}

	switch (st->width)
	{
		case 1:
			n = raw_encode_impl(st, out, 1);
			break;
		case 2:
			n = raw_encode_impl(st, out, 2);
			break;
		default:
			n = raw_encode_impl(st, out, 4);
			break;
	}
	if (n != st->nentries)
		elog(ERROR, "weekly activity state holds " INT64_FORMAT " persons, not " INT64_FORMAT,
			 n, st->nentries);
	buf.len += (int) (n * rs);
	buf.data[buf.len] = '\0';
	return pq_endtypsend(&buf);
}

static void
raw_corrupt(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid serialized weekly activity state: %s", what)));
}

/* check serialized records; returns how many are at the threshold */
static pg_attribute_always_inline int64
raw_check_records(const char *records, int64 n, uint32 min, const int width)
{
	const int	rs = 8 + width;
	uint64		prev = 0;
	int64		nactive = 0;

	for (int64 i = 0; i < n; i++)
	{
		const char *rec = records + i * rs;
		uint64		mix = raw_mix(raw_record_person(rec));
		uint32		count = raw_record_count(rec, width);

		/* strictly ascending: also no person twice (the mix is a bijection) */
		if (i > 0 && mix <= prev)
			raw_corrupt(psprintf("person " INT64_FORMAT " is repeated or out of order",
								 raw_record_person(rec)));
		if (count > min)
			raw_corrupt(psprintf("count %u of person " INT64_FORMAT " is above min_messages %u",
								 count, raw_record_person(rec), min));
		nactive += (count == min);
		prev = mix;
	}
	return nactive;
}

/*
 * Check a serialized state and return it as a deserialized state that points
 * at its records (no table is built: combine merges the records directly).
 * The bytes may come from anywhere, so everything is checked first.
 */
RawState *
raw_state_decode(StringInfo buf, MemoryContext ctx)
{
	int			format;
	int32		min_messages;
	int			population_null;
	int64		population;
	int64		n;
	int			width;
	int			rs;
	int64		rest;
	const char *records;
	int64		nactive;
	RawState   *st;

	if (buf->len - buf->cursor < RAW_HEADER_BYTES)
		raw_corrupt(psprintf("%d bytes, the header alone is %d",
							 buf->len - buf->cursor, RAW_HEADER_BYTES));
	format = pq_getmsgbyte(buf);
	min_messages = (int32) pq_getmsgint(buf, 4);
	population_null = pq_getmsgbyte(buf);
	population = pq_getmsgint64(buf);
	n = pq_getmsgint64(buf);

	if (format != RAW_FORMAT)
		raw_corrupt(psprintf("unknown format %d", format));
	if (min_messages < 1)
		raw_corrupt(psprintf("min_messages %d", min_messages));
	if (population_null != 0 && population_null != 1)
		raw_corrupt(psprintf("population flag %d", population_null));
	if (population < 0)
		raw_corrupt(psprintf("population " INT64_FORMAT, population));
	if (population_null && population != 0)
		raw_corrupt(psprintf("population " INT64_FORMAT " marked NULL", population));
	width = raw_width(min_messages);
	rs = 8 + width;
	rest = buf->len - buf->cursor;
	if (n < 0 || n > rest / rs || n * rs != rest)
		raw_corrupt(psprintf("the header counts " INT64_FORMAT " persons of %d bytes each, but " INT64_FORMAT " bytes follow",
							 n, rs, rest));

	records = pq_getmsgbytes(buf, (int) rest);
	switch (width)
	{
		case 1:
			nactive = raw_check_records(records, n, (uint32) min_messages, 1);
			break;
		case 2:
			nactive = raw_check_records(records, n, (uint32) min_messages, 2);
			break;
		default:
			nactive = raw_check_records(records, n, (uint32) min_messages, 4);
			break;
	}
	pq_getmsgend(buf);

	st = raw_state_new(ctx, min_messages, population_null != 0, population);
	st->records = records;
	st->nentries = n;
	st->nactive = nactive;
	return st;
}

/* a read-only StringInfo over a bytea, without copying it */
void
raw_state_bytea_reader(StringInfo buf, bytea *bytes)
{
	buf->data = VARDATA_ANY(bytes);
	buf->len = VARSIZE_ANY_EXHDR(bytes);
	buf->maxlen = buf->len;
	buf->cursor = 0;
}
