/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * copy.h - the copy: plan it (which buffer, which IO on each end), then
 * move it batch by batch: READ up to bpt blocks into the buffer, WRITE
 * them to of= and of2=.
 *
 * The batch buffer is one of:
 *  - the input's sg reserve, mmap-ed: READs use SG_FLAG_MMAP_IO; WRITEs
 *    to sg outputs are indirect from it, SG_FLAG_SHARED_MMAP_IO with
 *    oflag=smmap, or dio (falling back to indirect where the kernel
 *    refuses to pin a VM_IO mapping);
 *  - the output's sg reserve, mmap-ed, when the input is not sg (read(2)
 *    into it) or with iflag=smmap (READs shared into it): WRITEs to the
 *    output use SG_FLAG_MMAP_IO;
 *  - page-aligned heap memory when no end is an sg device.
 *
 * With coe, recover.c reads a failed batch again block by block; with
 * --verify or oflag=verify, verify.c compares instead of (or after)
 * writing.
 *
 * Functions returning int return 0 or an sg3_utils exit status.
 */
#ifndef SGSMMAP_COPY_H
#define SGSMMAP_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "endpoint.h"
#include "operands.h"
#include "sg_xfer.h"
#include "stats.h"

#define SGM_NOUT SGS_MAX_OUT	/* of= and of2= */

struct sgm_inflight;		/* thr>1: the slots (inflight.h) */

/* One destination and how its WRITEs are issued. */
struct sgm_dest {
	struct sge_end end;	/* the open file or device */
	struct sgx_dev dev;	/* CDB settings when end is sg */
	unsigned int flags;	/* sg_io_hdr.flags of its WRITEs */
	void *dxferp;		/* dxferp of its WRITEs (NULL: mmap IO) */
	bool want_dio;		/* oflag=dio applies to this sg end */
	bool dio_failed;	/* dio refused (EFAULT): indirect from now */
	uint64_t lba;		/* next block to write */
	int back_fd;		/* oflag=verify on a non-sg output: read-back
				   fd, else -1 */
};

struct sgm_copy {
	const struct sgm_opts *op;	/* the parsed operands */
	struct sgm_flags oflag;	/* oflag= as applied (dio may be dropped) */
	int bs;			/* block size */
	int bpt;		/* blocks per transfer, after the clamp */
	int64_t count;		/* blocks to copy; -1: until end of input */
	struct sge_end in;	/* if= */
	struct sgx_dev in_dev;	/* CDB settings when if= is sg */
	unsigned int in_flags;	/* sg_io_hdr.flags of READs */
	void *in_dxferp;	/* dxferp of READs (NULL: mmap IO) */
	uint64_t in_lba;	/* next block to read */
	int nout;		/* destinations: 1, or 2 with of2= */
	struct sgm_dest out[SGM_NOUT];	/* of=, of2= */
	uint8_t *buf;		/* the batch buffer */
	size_t buf_len;		/* its length (bs*bpt, page rounded) */
	int buf_fd;		/* sg fd whose reserve buf maps, or -1 */
	void *heap;		/* buf when it is heap memory, to free */
	bool eof;		/* the input ended */
	bool short_read;	/* an sg READ came back short: an error */
	bool opened;		/* sgm_copy_open() succeeded */
	int worst;		/* the worst error coe went on after (14, a
				   miscompare, over 3, unreadable), or 0 */
	int64_t coe_run;	/* consecutive unreadable blocks so far */
	bool coe_stop;		/* coe_limit reached: write keep blocks of
				   the batch, then stop */
	uint32_t keep;		/* blocks of the batch to write then */
	uint8_t *cmp;		/* read-back buffer of a non-sg compare */
	struct sgm_inflight *fl;	/* thr>1: the other slots; NULL with
					   thr=1, the loop of one batch */
	struct sgs_stats st;	/* what has been done */
};

/*
 * Open every end, size them, derive the count, choose the buffer and each
 * end's IO, size the reserves (lowering bpt if the kernel clamps) and map
 * the buffer; only then create a missing output, so that a refused copy
 * leaves nothing behind.  On failure everything opened is closed again.
 */
int sgm_copy_open(struct sgm_copy *c, const struct sgm_opts *op);

/* Run the batches until the count is done, the input ends, an error or a
 * fatal signal.  Returns the status of the first error, or 0. */
int sgm_copy_run(struct sgm_copy *c);

/*
 * Flush the outputs if sync=1 asked (and the copy did not fail): SYNCHRONIZE
 * CACHE on sg, fsync(2) on a regular file or block device.  Print the
 * summary, release everything (a failed close of an output is an error).
 * status is sgm_copy_run()'s, or sgm_copy_open()'s when that failed (then
 * only a signal's summary is printed); returns the final exit status.
 * After an interrupting signal it dies by it.
 */
int sgm_copy_close(struct sgm_copy *c, int status);

/* Count a command's shared mmap request, and whether the driver shared
 * (for copy, recover and verify). */
void sgm_count_smmap(struct sgm_copy *c, unsigned int flags,
		     const struct sgx_result *r);

/* Blocks in the next batch: bpt, or fewer when remaining (-1: unbounded)
 * is smaller.  Pure. */
uint32_t sgm_batch_blocks(int64_t remaining, int bpt);

/*
 * count=-1 derived: the least of caps[k] - offs[k] over the n ends whose
 * capacity is known (caps[k] >= 0), never below 0; -1 when none is known.
 * Pure.
 */
int64_t sgm_derive_count(const int64_t *caps, const int64_t *offs, int n);

#endif /* SGSMMAP_COPY_H */
