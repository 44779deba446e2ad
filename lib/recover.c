/* SPDX-License-Identifier: BSD-2-Clause */
/* recover.c - coe: read a failed batch again block by block; see .h. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <scsi/sg_lib.h>
#include <scsi/sg_pr2serr.h>

#include "msg.h"
#include "recover.h"
#include "sysio.h"

/*
 * READ block i of the batch into its place in the buffer.  With mmap IO
 * (c->in_dxferp NULL) every READ lands at the start of the reserve, so the
 * caller goes from the last block to the first and the block is moved to
 * its place; block 0, read last, is already there.  *bad: unreadable.
 */
static int read_block(struct sgm_copy *c, uint32_t i, uint8_t *bad)
{
	uint8_t *dst = c->buf + (size_t)i * c->bs;
	void *p = c->in_dxferp ? dst : NULL;
	struct sgx_result r;
	int res;

	if (sgs_fatal_sig)
		return sg_convert_errno(EINTR);
	res = sgx_rw(&c->in_dev, SGX_READ, c->in_lba + i, 1, p, c->in_flags,
		     &r);
	sgm_count_smmap(c, c->in_flags, &r);
	c->st.retried += r.retried;
	if (res == SG_LIB_CAT_MEDIUM_HARD) {
		*bad = 1;
		memset(dst, 0, (size_t)c->bs);
		c->st.unrecovered++;
		return 0;
	}
	if (res) {
		c->st.unrecovered++;
		return res;
	}
	if (!p && i > 0)
		memcpy(dst, c->buf, (size_t)c->bs);
	return 0;
}

int sgm_coe_account(struct sgm_copy *c, const uint8_t *bad, uint32_t blocks)
{
	uint32_t i;

	for (i = 0; i < blocks; i++) {
		if (!bad[i]) {
			c->coe_run = 0;
			continue;
		}
		c->st.unreadable++;
		c->coe_run++;
		if (!c->worst)
			c->worst = SG_LIB_CAT_MEDIUM_HARD;
		pr2serr(SGM_PFX "if=%s: lba=%" PRIu64 " [0x%" PRIx64 "] "
			"unreadable, zero-filled\n", c->in.name,
			c->in_lba + i, c->in_lba + i);
		if (c->op->coe_limit > 0 && c->coe_run >= c->op->coe_limit) {
			pr2serr(SGM_PFX "coe_limit=%" PRId64 ": as many "
				"consecutive unreadable blocks, stopping\n",
				c->op->coe_limit);
			c->keep = i + 1;
			c->coe_stop = true;
			return SG_LIB_CAT_MEDIUM_HARD;
		}
	}
	return 0;
}

bool sgm_medium_errno(int err)
{
	return err == EIO || err == ENODATA;
}

int sgm_recover_file(struct sgm_copy *c, uint32_t blocks, size_t *nbytes)
{
	uint8_t *bad = calloc(blocks, 1);
	size_t bs = (size_t)c->bs;
	uint32_t i;
	ssize_t n = 0;
	int res = 0;

	if (!bad)
		return sg_convert_errno(ENOMEM);
	*nbytes = 0;
	for (i = 0; i < blocks && !res; i++) {
		if (sgs_fatal_sig) {
			res = sg_convert_errno(EINTR);
			break;
		}
		n = sio_pread_full(c->in.fd, c->buf + i * bs, bs,
				   (off_t)((c->in_lba + i) * bs));
		if (n < 0 && sgm_medium_errno((int)-n)) {
			bad[i] = 1;
			memset(c->buf + i * bs, 0, bs);
			c->st.unrecovered++;
			n = (ssize_t)bs;
		} else if (n < 0) {
			pr2serr(SGM_PFX "reading if=%s at block %" PRIu64
				": %s\n", c->in.name, c->in_lba + i,
				strerror((int)-n));
			res = sg_convert_errno((int)-n);
			break;
		}
		*nbytes += (size_t)n;
		if ((size_t)n < bs)
			break;		/* the input ends here */
	}
	if (!res) {
		int err = sio_seek(c->in.fd, (off_t)(c->in_lba * bs + *nbytes));

		if (err)
			res = sg_convert_errno(-err);
	}
	if (!res)
		res = sgm_coe_account(c, bad, i < blocks ? i + 1 : blocks);
	free(bad);
	return res;
}

int sgm_recover_read(struct sgm_copy *c, uint32_t blocks)
{
	bool mmap_io = c->in_dxferp == NULL;
	uint8_t *bad = calloc(blocks, 1);
	uint32_t n;
	int res = 0;

	if (!bad)
		return sg_convert_errno(ENOMEM);
	c->st.unrecovered++;	/* the batch READ */
	if (c->op->verbose)
		pr2serr(SGM_PFX "READ of %" PRIu32 " blocks at lba=%" PRIu64
			" failed: reading them one by one (coe)\n", blocks,
			c->in_lba);
	for (n = 0; !res && n < blocks; n++)
		res = read_block(c, mmap_io ? blocks - 1 - n : n,
				 &bad[mmap_io ? blocks - 1 - n : n]);
	if (!res)
		res = sgm_coe_account(c, bad, blocks);
	free(bad);
	return res;
}
