/* SPDX-License-Identifier: BSD-2-Clause */
/* verify.c - VERIFY with BYTCHK=1, or read back and compare; see .h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <scsi/sg_lib.h>
#include <scsi/sg_io_linux.h>
#include <scsi/sg_pr2serr.h>

#include "msg.h"
#include "sg_reserve.h"
#include "sysio.h"
#include "verify.h"

/* Whether destination d is compared by reading it back. */
static bool reads_back(const struct sgm_dest *d)
{
	return d->end.type == SGE_REG || d->end.type == SGE_BLOCK;
}

int sgv_open(struct sgm_copy *c)
{
	bool need = false;
	void *p;
	int k, fd;

	for (k = 0; k < c->nout; k++) {
		struct sgm_dest *d = &c->out[k];

		if (!reads_back(d) || !(c->op->do_verify || c->oflag.verify))
			continue;
		need = true;
		if (c->op->do_verify || d->end.missing)
			continue;	/* of= itself is open for reading, or
					   not made (--dry-run) */
		fd = sio_open(d->end.name, O_RDONLY | O_CLOEXEC, 0);
		if (fd < 0) {
			pr2serr(SGM_PFX "%s=%s: cannot open to read back: %s\n",
				d->end.role, d->end.name, strerror(-fd));
			return sg_convert_errno(-fd);
		}
		d->back_fd = fd;
	}
	if (!need)
		return 0;
	if (posix_memalign(&p, sgr_page_size(), c->buf_len)) {
		pr2serr(SGM_PFX "no memory for a %zu byte compare buffer\n",
			c->buf_len);
		return sg_convert_errno(ENOMEM);
	}
	c->cmp = p;
	for (k = 0; k < c->nout; k++)
		if (reads_back(&c->out[k]))
			pr2serr(SGM_PFX "%s=%s is compared by reading it back: "
				"the page cache may answer for the medium\n",
				c->out[k].end.role, c->out[k].end.name);
	return 0;
}

/* Count blocks blocks of destination d as done (before a stop). */
static void count_good(struct sgm_copy *c, struct sgm_dest *d,
		       uint32_t blocks)
{
	c->st.out[d - c->out].full += blocks;
	d->lba += blocks;
}

/* One miscomparing block, at index i of the batch: list it.  Returns 0 to
 * go on (coe), else SG_LIB_CAT_MISCOMPARE after counting the blocks
 * before it. */
static int miscompared(struct sgm_copy *c, struct sgm_dest *d, uint32_t i)
{
	c->st.miscompares++;
	c->worst = SG_LIB_CAT_MISCOMPARE;	/* worse than an unreadable
						   block: it may be one */
	pr2serr(SGM_PFX "%s=%s: miscompare at %s=%" PRIu64 "\n", d->end.role,
		d->end.name, d->end.type == SGE_SG ? "lba" : "block",
		d->lba + i);
	if (c->op->coe)
		return 0;
	count_good(c, d, i);
	return SG_LIB_CAT_MISCOMPARE;
}

int sgv_miscompare(struct sgm_copy *c, struct sgm_dest *d, uint32_t blocks)
{
	uint8_t *one = NULL;
	struct sgx_result r;
	bool found = false;
	uint32_t i;
	int res = 0;

	if (posix_memalign((void **)&one, sgr_page_size(), (size_t)c->bs))
		return sg_convert_errno(ENOMEM);
	/* block by block, indirect from a copy: with mmap IO every command
	 * would send the start of the reserve */
	for (i = 0; i < blocks && !res; i++) {
		if (sgs_fatal_sig) {
			res = sg_convert_errno(EINTR);
			break;
		}
		memcpy(one, c->buf + (size_t)i * c->bs, (size_t)c->bs);
		res = sgx_rw(&d->dev, SGX_VERIFY, d->lba + i, 1, one, 0, &r);
		c->st.retried += r.retried;
		if (res == SG_LIB_CAT_MISCOMPARE) {
			found = true;
			res = miscompared(c, d, i);
		}
	}
	if (!found && !res)	/* the batch miscompared, no block alone */
		res = miscompared(c, d, 0);
	free(one);
	return res;
}

int sgv_after_write(struct sgm_copy *c, struct sgm_dest *d, uint32_t blocks)
{
	struct sgx_result r;
	int res;

	res = sgx_rw(&d->dev, SGX_VERIFY, d->lba, blocks, d->dxferp,
		     d->flags & ~SG_FLAG_DIRECT_IO, &r);
	sgm_count_smmap(c, d->flags, &r);
	c->st.retried += r.retried;
	if (res == SG_LIB_CAT_MISCOMPARE)
		return sgv_miscompare(c, d, blocks);
	if (!res)
		c->st.verified_after += blocks;
	return res;
}

int sgv_compare_file(struct sgm_copy *c, struct sgm_dest *d, size_t nbytes)
{
	int fd = c->op->do_verify ? d->end.fd : d->back_fd;
	size_t off, len;
	ssize_t n;
	uint32_t i;
	int res;

	if (fd < 0 || !c->cmp)
		return 0;
	n = sio_pread_full(fd, c->cmp, nbytes, (off_t)d->lba * c->bs);
	if (n < 0) {
		pr2serr(SGM_PFX "%s=%s: reading back block %" PRIu64 ": %s\n",
			d->end.role, d->end.name, d->lba, strerror((int)-n));
		return sg_convert_errno((int)-n);
	}
	for (i = 0, off = 0; off < nbytes; i++, off += len) {
		len = nbytes - off < (size_t)c->bs ? nbytes - off
						   : (size_t)c->bs;
		if (off + len <= (size_t)n &&
		    memcmp(c->buf + off, c->cmp + off, len) == 0)
			continue;
		res = miscompared(c, d, i);
		if (res)
			return res;
	}
	if (!c->op->do_verify)
		c->st.verified_after += (int64_t)((nbytes + c->bs - 1) / c->bs);
	return 0;
}
