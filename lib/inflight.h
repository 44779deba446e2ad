/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * inflight.h - thr=N: up to N batches of a copy in flight at once.
 *
 * Each slot has its own fd on if= and on every sg output, and its own
 * batch buffer: the reserve of its input fd (or, with iflag=smmap, of its
 * of= fd), mmap-ed, so a reserve has one user at a time.  A slot READs a
 * batch into its buffer (mmap IO, or shared with iflag=smmap), then
 * WRITEs it to of= and of2= (shared with oflag=smmap, as copy.c's plan
 * says for the one-buffer copy); slot 0 is the copy's own fds and buffer.
 *
 * One thread drives every slot through the sg v3 asynchronous interface
 * (write(2) a request; a blocking read(2) of the oldest one's response;
 * sg_xfer.h): in the guest under icount that cost less per command than
 * one thread per slot doing SG_IO, and the counters, the progress reports
 * and the signal flags then need no locking (doc/performance.md, "thr=").
 *
 * Batches complete out of order, so what the copy claims (records in and
 * out, the resume operands) is the contiguous prefix of batches done, per
 * destination (struct sgm_prefix).  After the first error nothing new is
 * issued; the batches in flight finish, and those below the failed one
 * may still extend the prefix.  A fatal signal stops issuing the same way.
 *
 * coe (recover.c) and the compares of --verify and oflag=verify
 * (verify.c) run on a slot's batch as they do on the one batch of thr=1,
 * synchronously, with the copy's one-batch fields pointed at the slot for
 * the while (borrow()); unreadable blocks and miscompares are listed in
 * the order they are found.  sgm_check_ends() and validate_thr()
 * (operands.c) refuse what thr>1 cannot do: a non-sg input, outputs that
 * need ordered writes, coe_limit, dio, direct and excl.  thr=1 never
 * comes here: copy.c's loop runs as it always did.
 */
#ifndef SGSMMAP_INFLIGHT_H
#define SGSMMAP_INFLIGHT_H

#include <stdbool.h>
#include <stdint.h>

#include "copy.h"

/*
 * Completion of numbered items (batches) that finish in any order: low
 * is the count of items 0..low-1, all done.  Items at or above low + win
 * cannot be marked: the issuer keeps within the window (sgm_prefix_room).
 * Pure, but for the allocation.
 */
struct sgm_prefix {
	uint64_t low;		/* items below this are all done */
	uint32_t win;		/* ring size: how far past low may be done */
	uint8_t *done;		/* done[i % win] for low <= i < low + win */
};

/* A prefix of nothing done, window win (>= 1): 0 or -ENOMEM. */
int sgm_prefix_init(struct sgm_prefix *p, uint32_t win);

/* Free the ring. */
void sgm_prefix_free(struct sgm_prefix *p);

/* Whether item i may be handed out (i < low + win). */
bool sgm_prefix_room(const struct sgm_prefix *p, uint64_t i);

/* Item i (low <= i < low + win) is done; low moves past every item done
 * in a row.  Returns false, changing nothing, when i is outside. */
bool sgm_prefix_done(struct sgm_prefix *p, uint64_t i);

/* Blocks in the first n batches of bpt blocks of a copy of count blocks
 * (only the last batch may be short).  Pure. */
int64_t sgm_prefix_blocks(uint64_t n, int bpt, int64_t count);

/*
 * For thr > 1, open the other slots (fds on the same devices, checked to
 * be the same, reserves sized to the copy's bs*bpt and mapped), after
 * sgm_copy_open() has mapped slot 0's buffer and before it creates
 * anything.  Sets c->fl.  Returns 0 or an exit status after one line;
 * on failure what it opened is closed again.
 */
int sgm_inflight_open(struct sgm_copy *c);

/* Run the copy with every slot (c->fl set); returns as sgm_copy_run(). */
int sgm_inflight_run(struct sgm_copy *c);

/* Close what sgm_inflight_open() opened (not slot 0); c->fl NULL again. */
void sgm_inflight_close(struct sgm_copy *c);

#endif /* SGSMMAP_INFLIGHT_H */
