/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_sharevec.c - host test of the driver's vector arithmetic.
 *
 * A shared request's bios are cut from the owner's reserve chunks by
 * sg_share_vec_len() and counted, with the virtual-boundary check, by
 * sg_share_nr_vecs().  Both are pure arithmetic on a few queue limits, so
 * they are compiled here as each kernel line's patch adds them
 * (sharevec-LINE.h, extracted by sharevec.sh from
 * kernel/lines/LINE/sg-smmap.patch), with the kernel helpers they call
 * defined below, and checked against what the queue limits demand: every
 * vector within one chunk, one segment-boundary unit and the maximum
 * segment size, the vectors covering the transfer, and the maximum segment
 * size used whole even when it is not a power of two (0xffff: the review
 * found 32 KiB vectors there).  No scsi_debug queue has such limits, so the
 * VM cannot show this.
 */
#include <stdbool.h>
#include <stdio.h>

#include "tap.h"

#define PAGE_SIZE 4096UL
#define min(a, b) ((a) < (b) ? (a) : (b))
#define min3(a, b, c) min(min(a, b), c)

/* The queue limits the functions read. */
struct request_queue {
	unsigned long seg_boundary;	/* segment boundary mask */
	unsigned long virt_boundary;	/* virtual boundary mask, 0: none */
	unsigned int max_seg_size;	/* maximum segment size */
};

static unsigned long queue_segment_boundary(const struct request_queue *q)
{
	return q->seg_boundary;
}

static unsigned long queue_virt_boundary(const struct request_queue *q)
{
	return q->virt_boundary;
}

static unsigned int queue_max_segment_size(const struct request_queue *q)
{
	return q->max_seg_size;
}

typedef unsigned long (*vec_len_fn)(struct request_queue *, unsigned long,
				    unsigned long, unsigned int);
typedef unsigned long (*nr_vecs_fn)(struct request_queue *, unsigned long,
				    unsigned long, unsigned int);

#define sg_share_vec_len vec_len_6_1
#define sg_share_nr_vecs nr_vecs_6_1
#include "sharevec-6.1.h"
#undef sg_share_vec_len
#undef sg_share_nr_vecs
#define sg_share_vec_len vec_len_6_12
#define sg_share_nr_vecs nr_vecs_6_12
#include "sharevec-6.12.h"
#undef sg_share_vec_len
#undef sg_share_nr_vecs
#define sg_share_vec_len vec_len_7_3
#define sg_share_nr_vecs nr_vecs_7_3
#include "sharevec-7.3.h"
#undef sg_share_vec_len
#undef sg_share_nr_vecs

static const struct line {
	const char *name;
	vec_len_fn vec_len;
	nr_vecs_fn nr_vecs;
} lines[] = {
	{ "6.1", vec_len_6_1, nr_vecs_6_1 },
	{ "6.12", vec_len_6_12, nr_vecs_6_12 },
	{ "7.3", vec_len_7_3, nr_vecs_7_3 },
};

/* One case: limits, chunk size 1 << SHIFT, [POS, END), vectors expected. */
struct vcase {
	const char *what;
	struct request_queue q;
	unsigned int shift;
	unsigned long pos, end;
	unsigned long want;	/* sg_share_nr_vecs(); 0: refused */
};

static const struct vcase cases[] = {
	{ "512 KiB in 32 KiB chunks, no limits", { ~0UL >> 32, 0, ~0U },
	  15, 0, 512 * 1024, 16 },
	{ "512 KiB in 128 KiB chunks, max segment 0xffff (not a power of two)",
	  { ~0UL >> 32, 0, 0xffff }, 17, 0, 512 * 1024, 12 },
	{ "512 KiB in 128 KiB chunks, segment boundary 64 KiB",
	  { 0xffff, 0, ~0U }, 17, 0, 512 * 1024, 8 },
	{ "64 KiB at offset 512 in 32 KiB chunks: one vector more",
	  { ~0UL >> 32, 0, ~0U }, 15, 512, 512 + 64 * 1024, 3 },
	{ "128 KiB in 32 KiB chunks, virtual boundary 4 KiB - 1: cuts aligned",
	  { ~0UL >> 32, 4095, ~0U }, 15, 0, 128 * 1024, 4 },
	{ "128 KiB in 128 KiB chunks, max segment 0xffff, virtual boundary 4 KiB - 1: a cut inside a page, refused",
	  { ~0UL >> 32, 4095, 0xffff }, 17, 0, 128 * 1024, 0 },
	{ "64 KiB in 32 KiB chunks, virtual boundary 64 KiB - 1: refused",
	  { ~0UL >> 32, 0xffff, ~0U }, 15, 0, 64 * 1024, 0 },
	{ "8 KiB in one chunk, virtual boundary 64 KiB - 1: one vector, shared",
	  { ~0UL >> 32, 0xffff, ~0U }, 15, 4096, 12288, 1 },
};

/*
 * vectors_ok: walk [pos, end) with L's vec_len() and check every vector
 * against C's limits; returns the number of vectors, or 0 on a violation.
 */
static unsigned long vectors_ok(const struct line *l, const struct vcase *c)
{
	struct request_queue q = c->q;
	unsigned long chunk = 1UL << c->shift;
	unsigned long bmask = c->q.seg_boundary;
	unsigned long pos, len, n = 0;

	for (pos = c->pos; pos < c->end; pos += len, n++) {
		len = l->vec_len(&q, pos, c->end, c->shift);
		if (!len || len > c->q.max_seg_size ||
		    pos / chunk != (pos + len - 1) / chunk ||
		    (pos & ~bmask) != ((pos + len - 1) & ~bmask) ||
		    pos + len > c->end)
			return 0;
	}
	return n;
}

int main(void)
{
	unsigned int i, j;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		for (j = 0; j < sizeof(cases) / sizeof(cases[0]); j++) {
			const struct vcase *c = &cases[j];
			struct request_queue q = c->q;
			unsigned long walked = vectors_ok(&lines[i], c);
			unsigned long got = lines[i].nr_vecs(&q, c->pos,
							     c->end, c->shift);

			tap_ok(walked && got == c->want &&
			       (!got || got == walked),
			       "sharevec %s: %s: %lu vectors (want %lu), %lu within the limits",
			       lines[i].name, c->what, got, c->want, walked);
		}
	}
	return tap_done();
}
