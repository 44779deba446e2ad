/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_inflight.c - the accounting of thr>1 (lib/inflight): batches that
 * complete in any order claim only their contiguous prefix, the window
 * refuses what it cannot hold, and a prefix of batches is the right count
 * of blocks, the short last batch included.
 */
#include <stdint.h>

#include "inflight.h"
#include "tap.h"

/* In order, out of order, a hole that holds the prefix back. */
static void prefix_order(void)
{
	struct sgm_prefix p;

	tap_ok(sgm_prefix_init(&p, 8) == 0 && p.low == 0, "init: nothing done");
	sgm_prefix_done(&p, 0);
	tap_ok(p.low == 1, "batch 0 done: prefix 1 (%llu)",
	       (unsigned long long)p.low);
	sgm_prefix_done(&p, 2);
	sgm_prefix_done(&p, 3);
	tap_ok(p.low == 1, "2 and 3 done, 1 not: prefix still 1 (%llu)",
	       (unsigned long long)p.low);
	sgm_prefix_done(&p, 1);
	tap_ok(p.low == 4, "1 done: prefix jumps to 4 (%llu)",
	       (unsigned long long)p.low);
	tap_ok(!sgm_prefix_done(&p, 2), "a batch below the prefix: refused");
	tap_ok(p.low == 4, "and the prefix is unchanged");
	sgm_prefix_free(&p);
}

/* The window: low + win is the first batch that may not be handed out. */
static void prefix_window(void)
{
	struct sgm_prefix p;
	uint64_t i;

	sgm_prefix_init(&p, 4);
	tap_ok(sgm_prefix_room(&p, 3) && !sgm_prefix_room(&p, 4),
	       "window 4 at prefix 0: batch 3 may go, 4 not");
	tap_ok(!sgm_prefix_done(&p, 4), "marking past the window: refused");
	for (i = 1; i < 4; i++)
		sgm_prefix_done(&p, i);
	tap_ok(p.low == 0 && !sgm_prefix_room(&p, 4),
	       "1..3 done, 0 stuck: prefix 0, window still closed");
	sgm_prefix_done(&p, 0);
	tap_ok(p.low == 4 && sgm_prefix_room(&p, 7) && !sgm_prefix_room(&p, 8),
	       "0 done: prefix 4, window 4..7");
	/* the ring is reused: slots cleared as the prefix passed them */
	sgm_prefix_done(&p, 5);
	tap_ok(p.low == 4, "5 done after the wrap, 4 not: prefix 4");
	sgm_prefix_done(&p, 4);
	tap_ok(p.low == 6, "4 done: prefix 6 (%llu)", (unsigned long long)p.low);
	sgm_prefix_free(&p);
}

/* A long random-order run: the prefix is always the first gap. */
static void prefix_shuffle(void)
{
	enum { N = 1000, W = 16 };
	static uint8_t mark[N];
	struct sgm_prefix p;
	uint64_t next = 0, low = 0;
	unsigned int seed = 12345, bad = 0;
	uint64_t inflight[W];
	int live = 0, j;

	sgm_prefix_init(&p, W);
	while (low < N) {
		while (live < W / 2 && next < N && sgm_prefix_room(&p, next))
			inflight[live++] = next++;
		seed = seed * 1103515245u + 12345u;
		j = (int)((seed >> 8) % (unsigned int)live);
		sgm_prefix_done(&p, inflight[j]);
		mark[inflight[j]] = 1;
		inflight[j] = inflight[--live];
		while (low < N && mark[low])
			low++;
		bad += p.low != low;
	}
	tap_ok(bad == 0 && p.low == N,
	       "1000 batches done in random order, 8 in flight: the prefix is "
	       "the first not done, every time (%u wrong)", bad);
	sgm_prefix_free(&p);
}

/* Blocks of a prefix of batches. */
static void prefix_blocks(void)
{
	static const struct {
		uint64_t n;	/* batches done */
		int bpt;	/* blocks per batch */
		int64_t count;	/* blocks of the copy */
		int64_t exp;	/* blocks claimed */
	} cases[] = {
		{ 0, 16, 333, 0 }, { 1, 16, 333, 16 }, { 20, 16, 333, 320 },
		{ 21, 16, 333, 333 }, { 22, 16, 333, 333 },
		{ 3, 128, 384, 384 }, { 2, 128, 384, 256 },
		{ UINT64_MAX, 1, 5, 5 }, { 7, 1, 0, 0 },
		{ 1, 1 << 24, INT64_MAX, 1 << 24 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = sgm_prefix_blocks(cases[i].n, cases[i].bpt,
						cases[i].count);

		tap_ok(got == cases[i].exp, "%llu batches of %d, count %lld: "
		       "%lld blocks (got %lld)", (unsigned long long)cases[i].n,
		       cases[i].bpt, (long long)cases[i].count,
		       (long long)cases[i].exp, (long long)got);
	}
}

int main(void)
{
	prefix_order();
	prefix_window();
	prefix_shuffle();
	prefix_blocks();
	return tap_done();
}
