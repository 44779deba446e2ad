/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * recover.h - continue on error (coe=1): a batch whose sg READ failed
 * with a medium or hardware error is read again one block at a time,
 * into the same buffer with the same IO (so iflag=smmap and oflag=smmap
 * copies still share); the blocks that stay unreadable are zero-filled,
 * listed by LBA and counted, and the copy goes on.  coe_limit=N stops it
 * at the Nth consecutive unreadable block.
 */
#ifndef SGSMMAP_RECOVER_H
#define SGSMMAP_RECOVER_H

#include <stdbool.h>
#include <stdint.h>

#include "copy.h"

/*
 * Recover the batch of blocks blocks at c->in_lba whose READ just failed
 * with SG_LIB_CAT_MEDIUM_HARD.  Returns 0 with the whole batch in the
 * buffer (unreadable blocks zeroed, c->worst set); SG_LIB_CAT_MEDIUM_HARD
 * with c->coe_stop and c->keep (the blocks to write) when coe_limit was
 * reached; or
 * the status of another error that ends the copy.
 */
int sgm_recover_read(struct sgm_copy *c, uint32_t blocks);

/* Whether a read(2) errno says the medium failed: EIO, or ENODATA (the
 * block layer's BLK_STS_MEDIUM, an unrecovered read error). */
bool sgm_medium_errno(int err);

/*
 * The same for a block device or regular file input whose read(2) of the
 * batch at c->in_lba failed so (sgm_medium_errno): pread(2) block by block
 * (with O_DIRECT if the input has it), zero-filling what fails so, then
 * the file offset is put after the batch.  *nbytes: the bytes of the
 * batch (fewer when the input ends inside it).  Returns as
 * sgm_recover_read().
 */
int sgm_recover_file(struct sgm_copy *c, uint32_t blocks, size_t *nbytes);

/*
 * The bookkeeping of coe for one batch, pure but for its messages and
 * counters: bad[i] non-zero marks block i unreadable.  Lists each, counts
 * them in c->st.unreadable and c->coe_run (a good block resets the run).
 * Returns 0, or SG_LIB_CAT_MEDIUM_HARD with c->coe_stop set and c->keep =
 * i + 1 when block i makes coe_limit consecutive unreadable blocks.
 */
int sgm_coe_account(struct sgm_copy *c, const uint8_t *bad, uint32_t blocks);

#endif /* SGSMMAP_RECOVER_H */
