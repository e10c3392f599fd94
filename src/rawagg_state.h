/*
 * rawagg_state.h
 *		The state of the weekly-activity aggregates over raw rows: an
 *		open-addressing hash table of persons (the table form, built by the
 *		transitions) or a sorted array of serialized records (the records
 *		form, deserialized or combined), and its wire format.
 *
 * rawagg_state.c implements it and describes the layout; rawagg.c holds the
 * SQL entry points.  Functions that can fail raise ERROR: 54000 when a
 * group is too large, 22P03 when serialized bytes are malformed.
 */
#ifndef SFERUM_RAWAGG_STATE_H
#define SFERUM_RAWAGG_STATE_H

#include "lib/stringinfo.h"

#define RAW_BATCH			16	/* rows buffered before their buckets are prefetched */
#define RAW_MIN_BUCKETS		4	/* the smallest table */

typedef struct RawPending
{
	int64		person;
	uint32		add;			/* messages, capped at min_messages */
	uint32		hash;			/* raw_hash(person), set when prefetched */
} RawPending;

typedef struct RawState
{
	MemoryContext ctx;			/* where the table is allocated */
	int32		min_messages;	/* >= 1 */
	int			width;			/* counter bytes: 1, 2 or 4 */
	bool		population_null;
	int64		population;		/* 0 when population_null */
	int64		nentries;		/* persons stored */
	int64		nactive;		/* persons whose counter reached min_messages */

	/* the table form (transition): NULL in the records form */
	uint32		nbuckets;
	int64		grow_at;		/* resize before nentries exceeds this */
	char	   *buckets;		/* nbuckets * 64 bytes, 64-byte aligned */
	void	   *alloc;			/* the allocation that buckets points into */

	/*
	 * The records form (deserialized or combined): nentries records as
	 * serialized, distinct and in ascending mix order.  records_alloc is NULL
	 * when they are a deserialized bytea's.
	 */
	const char *records;
	void	   *records_alloc;

	/* rows not applied yet: batch[cur] is filling, batch[1 - cur] is prefetched */
	int			cur;
	int			npending;
	int			nready;
	RawPending	batch[2][RAW_BATCH];
} RawState;

/* a state of no person in ctx, in neither form (see raw_state_alloc_buckets) */
extern RawState *raw_state_new(MemoryContext ctx, int32 min_messages,
							   bool population_null, int64 population);
/* give a new state an empty table of nbuckets buckets */
extern void raw_state_alloc_buckets(RawState *st, uint32 nbuckets);
/* the smallest bucket count that holds n persons below the load limit */
extern uint32 raw_state_buckets_for(int64 n, int width);
/* apply the batch of buffered rows (raw_push calls it when a batch is full) */
extern void raw_state_advance(RawState *st);
/* apply every buffered row (the state's meaning is unchanged) */
extern void raw_state_flush(RawState *st);
/* add every person of src (either form) to the table dst */
extern void raw_state_merge(RawState *dst, const RawState *src);
/* merge the records of src into those of dst, both in the records form */
extern void raw_state_merge_records(RawState *dst, const RawState *src);
/* a copy of src, in the same form, in ctx */
extern RawState *raw_state_copy(const RawState *src, MemoryContext ctx);
/* turn a state of the records form into the table form, in place */
extern void raw_state_make_table(RawState *st);
/* the serialized state (flushes st first) */
extern bytea *raw_state_encode(RawState *st);
/* check serialized bytes and return a records-form state pointing into them */
extern RawState *raw_state_decode(StringInfo buf, MemoryContext ctx);
/* a read-only StringInfo over a bytea, without copying it */
extern void raw_state_bytea_reader(StringInfo buf, bytea *bytes);

/* buffer one row: a person and their messages, capped at min_messages */
static inline void
raw_push(RawState *st, int64 person, uint32 add)
{
	RawPending *row = &st->batch[st->cur][st->npending];

	row->person = person;
	row->add = add;
	if (++st->npending == RAW_BATCH)
		raw_state_advance(st);
}

#endif							/* SFERUM_RAWAGG_STATE_H */
