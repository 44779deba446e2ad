/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * verify.h - compare instead of (--verify) or after (oflag=verify)
 * writing.
 *
 * On an sg output the compare is the device's: VERIFY with BYTCHK=1 and
 * the batch as data-out, issued like the WRITE would be (so with
 * oflag=smmap the data-out shares the input's reserve).  A MISCOMPARE
 * batch is verified again block by block to name each miscomparing LBA.
 * On a regular file or block device the output is read back with
 * pread(2) and compared in memory: the page cache may answer for data
 * written moments ago.
 *
 * Without coe the first miscompare stops the copy with
 * SG_LIB_CAT_MISCOMPARE (14), the blocks before it counted; with coe
 * every miscompare is listed and the copy goes on (c->worst records 14).
 */
#ifndef SGSMMAP_VERIFY_H
#define SGSMMAP_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "copy.h"

/* Get what the compares need once the outputs exist: the read-back
 * buffer, and for oflag=verify on a file a read-only fd on it. */
int sgv_open(struct sgm_copy *c);

/* A VERIFY (or the VERIFY after a WRITE) of blocks blocks at d->lba came
 * back MISCOMPARE: find and list the blocks, count, decide (see above). */
int sgv_miscompare(struct sgm_copy *c, struct sgm_dest *d, uint32_t blocks);

/* oflag=verify on sg: VERIFY the batch just written from the same
 * buffer. */
int sgv_after_write(struct sgm_copy *c, struct sgm_dest *d, uint32_t blocks);

/* Compare nbytes of the buffer with the file d at block d->lba (--verify:
 * instead of writing; oflag=verify: after writing, through the read-back
 * fd). */
int sgv_compare_file(struct sgm_copy *c, struct sgm_dest *d, size_t nbytes);

#endif /* SGSMMAP_VERIFY_H */
