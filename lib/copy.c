/* SPDX-License-Identifier: BSD-2-Clause */
/* copy.c - plan and run the batches of a copy; see copy.h. */
#include "msg.h"
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <scsi/sg_lib.h>
#include <scsi/sg_cmds_basic.h>
#include <scsi/sg_pr2serr.h>

#include "copy.h"
#include "inflight.h"
#include "recover.h"
#include "verify.h"
#include "sg_reserve.h"
#include "sg_smmap.h"
#include "sysio.h"

static const char *const out_role[SGM_NOUT] = { "of", "of2" }; /* role names */

uint32_t sgm_batch_blocks(int64_t remaining, int bpt)
{
	if (remaining >= 0 && remaining < bpt)
		return (uint32_t)remaining;
	return bpt > 0 ? (uint32_t)bpt : 0;
}

int64_t sgm_derive_count(const int64_t *caps, const int64_t *offs, int n)
{
	int64_t least = -1;
	int k;

	for (k = 0; k < n; k++) {
		int64_t avail;

		if (caps[k] < 0)
			continue;
		avail = caps[k] > offs[k] ? caps[k] - offs[k] : 0;
		if (least < 0 || avail < least)
			least = avail;
	}
	return least;
}

/* Whether e is an sg device (read and written with SCSI commands). */
static bool is_sg(const struct sge_end *e)
{
	return e->type == SGE_SG;
}

/*
 * Open if=, of= and of2= (sgm_parse refused stdin and stdout both); a
 * missing output is only noted.  --verify reads of= unless it is sg.
 */
static int open_ends(struct sgm_copy *c)
{
	const struct sgm_opts *op = c->op;
	struct sgm_flags vfl = op->oflag;
	int k, res;

	res = sge_open(&c->in, "if", op->inf, false, &op->iflag, op->verbose);
	for (k = 0; !res && k < c->nout; k++) {
		bool as_out = !op->do_verify;

		vfl.nocreat = true;
		res = sge_open(&c->out[k].end, out_role[k],
			       k ? op->out2f : op->outf, as_out,
			       as_out ? &op->oflag : &vfl, op->verbose);
	}
	return res;
}

/* of2= must not be of= or if= (by device and inode, whatever the
 * spelling).  0 or SG_LIB_CONTRADICT. */
static int check_same(const struct sgm_copy *c)
{
	const struct sge_end *o2 = &c->out[1].end;

	if (c->nout < 2)
		return 0;
	if (sge_same(o2, &c->out[0].end) || sge_same(o2, &c->in)) {
		pr2serr(SGM_PFX "of2=%s is the same file as %s=%s\n", o2->name,
			sge_same(o2, &c->in) ? "if" : "of",
			sge_same(o2, &c->in) ? c->in.name : c->out[0].end.name);
		return SG_LIB_CONTRADICT;
	}
	return 0;
}

/*
 * The operand checks that need the ends' types (sgm_check_ends), then
 * drop dio where it cannot apply, saying so, as sg3_utils does.
 */
static int check_flags(struct sgm_copy *c)
{
	const struct sge_end *o = &c->out[0].end;
	struct sgm_kinds k = {
		.in_sg = is_sg(&c->in),
		.out_sg = is_sg(o),
		.out2_sg = c->nout > 1 && is_sg(&c->out[1].end),
		.out_readable = (o->type == SGE_REG || o->type == SGE_BLOCK),
	};
	int n, res = check_same(c);

	for (n = c->nout - 1; n >= 0; n--)	/* the first one named */
		if (!is_sg(&c->out[n].end) && c->out[n].end.type != SGE_BLOCK &&
		    c->out[n].end.type != SGE_NULL)
			k.unordered = out_role[n];

	if (!res)
		res = sgm_check_ends(c->op, &k);
	if (!res && c->oflag.dio && !is_sg(&c->in)) {
		pr2serr(SGM_PFX "oflag=dio dropped: direct IO needs if= to be "
			"an sg device\n");
		c->oflag.dio = false;
	}
	return res;
}

/* Capacities of all ends, then count: given, or derived from them. */
static int size_ends(struct sgm_copy *c)
{
	const struct sgm_opts *op = c->op;
	int64_t caps[1 + SGM_NOUT], offs[1 + SGM_NOUT];
	bool need = op->count < 0;
	int k, res;

	res = sge_capacity(&c->in, c->bs, need, op->retries, op->verbose);
	caps[0] = c->in.nblocks;
	offs[0] = op->skip;
	for (k = 0; !res && k < c->nout; k++) {
		res = sge_capacity(&c->out[k].end, c->bs, need, op->retries,
				   op->verbose);
		caps[k + 1] = c->out[k].end.nblocks;
		offs[k + 1] = op->seek;
	}
	if (res)
		return res;
	c->count = need ? sgm_derive_count(caps, offs, 1 + c->nout)
			: op->count;
	if (c->count < 0 && (is_sg(&c->in) || c->in.type == SGE_BLOCK)) {
		pr2serr(SGM_PFX "count= needed: the size of if= is unknown\n");
		return SG_LIB_SYNTAX_ERROR;
	}
	if (c->in.nblocks >= 0 && op->skip > c->in.nblocks)
		pr2serr(SGM_PFX "if=%s: cannot skip to block %" PRId64 ": it "
			"has %" PRId64 " blocks\n", c->in.name, op->skip,
			c->in.nblocks);
	if (op->verbose)
		pr2serr(SGM_PFX "count=%" PRId64 "%s\n", c->count,
			c->count < 0 ? " (until end of input)" : "");
	return 0;
}

/* Skip on the input (non-sg only). */
static int position_in(struct sgm_copy *c)
{
	c->in_lba = (uint64_t)c->op->skip;
	return sge_position(&c->in, c->op->skip, c->bs, c->op->verbose);
}

/* Create a missing output (not with --dry-run), then seek on each (non-sg
 * ends only); the last step of sgm_copy_open(): nothing left to refuse
 * the copy. */
static int create_outputs(struct sgm_copy *c)
{
	int k, res = 0;

	for (k = 0; !res && k < c->nout; k++) {
		if (!c->op->dry_run)
			res = sge_create(&c->out[k].end, &c->oflag,
					 c->op->verbose);
		if (!res)
			res = sge_position(&c->out[k].end, c->op->seek, c->bs,
					   c->op->verbose);
		c->out[k].lba = (uint64_t)c->op->seek;
	}
	return res;
}

/* Fill in an sg end's CDB settings; raise cdbsz if its LBAs need it. */
static void setup_dev(struct sgm_copy *c, struct sgx_dev *d,
		      const struct sge_end *e, const struct sgm_flags *fl,
		      int cdbsz, int64_t start)
{
	int64_t n = c->count >= 0 ? c->count : e->nblocks - start;
	uint64_t end = (uint64_t)start + (uint64_t)(n > 0 ? n : 0);
	int fit = sgx_fit_cdbsz(cdbsz, end, (uint32_t)c->bpt,
				fl->dpo || fl->fua);

	if (fit != cdbsz && fit > 0)
		pr2serr(SGM_PFX "%s=%s: cdbsz raised from %d to %d, as the copy's "
			"LBAs or bpt need\n", e->role, e->name, cdbsz, fit);
	d->fd = e->fd;
	d->name = e->name;
	d->cdbsz = fit > 0 ? fit : cdbsz;
	d->dpo = fl->dpo;
	d->fua = fl->fua;
	d->bs = c->bs;
	d->verbose = c->op->verbose;
	d->timeout_ms = (unsigned int)c->op->cmd_timeout * 1000;
	d->retries = c->op->retries;
	d->quiet_medium = c->op->coe;
}

/*
 * Size the reserve of one sg end to bs*bpt.  The driver clamps the size
 * to the queue's max transfer without an error: lower bpt to what it gave
 * (page-rounded down, since a mapping is whole pages).
 */
static int size_reserve(struct sgm_copy *c, const struct sge_end *e)
{
	size_t got, want = (size_t)c->bs * (size_t)c->bpt;
	int fit, res = sgr_size(e->fd, want, &got);

	if (res < 0) {
		pr2serr(SGM_PFX "%s=%s: SG_SET_RESERVED_SIZE: %s\n", e->role, e->name,
			strerror(-res));
		return sg_convert_errno(-res);
	}
	fit = sgr_fit_bpt(got / sgr_page_size() * sgr_page_size(), c->bs,
			  c->bpt);
	if (fit == c->bpt)
		return 0;
	if (fit == 0) {
		pr2serr(SGM_PFX "%s=%s: reserve buffer of %zu bytes holds no block of "
			"%d bytes\n", e->role, e->name, got, c->bs);
		return SG_LIB_FILE_ERROR;
	}
	pr2serr(SGM_PFX "%s=%s: reserve buffer clamped by the kernel to %zu bytes "
		"(max transfer), below bs*bpt=%zu; lowering bpt\n", e->role,
		e->name, got, want);
	if (c->op->verbose)
		pr2serr(SGM_PFX "bpt lowered from %d to %d\n", c->bpt, fit);
	c->bpt = fit;
	return 0;
}

/* Size every sg end's reserve; all must hold a whole batch. */
static int size_reserves(struct sgm_copy *c)
{
	int k, res = 0;

	if (is_sg(&c->in))
		res = size_reserve(c, &c->in);
	for (k = 0; !res && k < c->nout; k++)
		if (is_sg(&c->out[k].end))
			res = size_reserve(c, &c->out[k].end);
	return res;
}

/*
 * Whether a non-sg end does O_DIRECT: its read(2) or write(2) cannot use
 * an sg mapping (VM_IO: the pages cannot be pinned, EFAULT).
 */
static bool direct_file(const struct sgm_copy *c)
{
	int k;

	if (!is_sg(&c->in) && c->op->iflag.direct)
		return true;
	for (k = 0; k < c->nout; k++)
		if (!is_sg(&c->out[k].end) && c->oflag.direct)
			return true;
	return false;
}

/*
 * The batch buffer: the input's reserve (input sg, no iflag=smmap), else
 * the output's (output sg), else heap memory aligned for O_DIRECT; heap
 * memory too when a non-sg end does O_DIRECT (and no smmap needs a
 * reserve), the sg ends then doing indirect IO from it.
 */
static int map_buffer(struct sgm_copy *c)
{
	const struct sge_end *owner = NULL;
	void *p;
	int res;

	c->buf_len = sgr_page_round((size_t)c->bs * c->bpt);
	if (direct_file(c) && !c->op->iflag.smmap && !c->op->oflag.smmap)
		owner = NULL;
	else if (is_sg(&c->in) && !c->op->iflag.smmap)
		owner = &c->in;
	else if (is_sg(&c->out[0].end))
		owner = &c->out[0].end;
	c->buf_fd = owner ? owner->fd : -1;
	if (!owner) {
		res = posix_memalign(&p, sgr_page_size(), c->buf_len);
		if (res) {
			pr2serr(SGM_PFX "no memory for a %zu byte buffer\n", c->buf_len);
			return sg_convert_errno(res);
		}
		c->heap = p;
		c->buf = p;
		return 0;
	}
	res = sgr_map(owner->fd, c->buf_len, &p);
	if (res < 0) {
		pr2serr(SGM_PFX "%s=%s: mmap of %zu bytes of the reserve buffer: %s\n",
			owner->role, owner->name, c->buf_len, strerror(-res));
		return sg_convert_errno(-res);
	}
	c->buf = p;
	if (c->op->verbose)
		pr2serr(SGM_PFX "batch buffer: %zu bytes of %s=%s's reserve, "
			"mmap-ed\n", c->buf_len, owner->role, owner->name);
	return 0;
}

/* How each sg end moves its data, given where the buffer lives. */
static void choose_io(struct sgm_copy *c)
{
	int k;

	if (is_sg(&c->in)) {
		bool own = c->buf_fd == c->in.fd;

		c->in_flags = own ? SG_FLAG_MMAP_IO : c->buf_fd >= 0 ?
			      SG_FLAG_SHARED_MMAP_IO : 0;
		c->in_dxferp = own ? NULL : c->buf;
	}
	for (k = 0; k < c->nout; k++) {
		struct sgm_dest *d = &c->out[k];

		if (!is_sg(&d->end))
			continue;
		d->dxferp = c->buf;
		if (c->buf_fd == d->end.fd) {
			d->flags = SG_FLAG_MMAP_IO;
			d->dxferp = NULL;
		} else if (c->oflag.smmap && c->buf_fd >= 0)
			d->flags = SG_FLAG_SHARED_MMAP_IO;
		else if (c->oflag.dio) {
			d->flags = SG_FLAG_DIRECT_IO;
			d->want_dio = true;
		}
	}
}

/* Name the IO of one sg end, for the verbose plan. */
static const char *io_str(unsigned int flags)
{
	if (flags & SG_FLAG_SHARED_MMAP_IO)
		return "shared mmap IO";
	if (flags & SG_FLAG_MMAP_IO)
		return "mmap IO";
	if (flags & SG_FLAG_DIRECT_IO)
		return "direct IO";
	return "indirect IO";
}

/* Say once whether the driver can share; print the plan at verbose. */
static void probe_sharing(struct sgm_copy *c)
{
	const struct sge_end *sharer = c->op->iflag.smmap ? &c->in
							  : &c->out[0].end;
	int k;

	c->st.smmap = c->op->iflag.smmap || c->op->oflag.smmap;
	if (c->st.smmap && c->op->verbose) {
		if (sgr_version_shares(sharer->version))
			pr2serr(SGM_PFX "sg driver %d supports shared mmap IO\n",
				sharer->version);
		else
			pr2serr(SGM_PFX "sg driver %d does not support shared mmap IO "
				"(needs %d): falling back to indirect IO\n",
				sharer->version, SG_SMMAP_MIN_VERSION_NUM);
	}
	if (c->op->verbose < 1)
		return;
	if (is_sg(&c->in))
		pr2serr(SGM_PFX "READs from %s: %s, bpt=%d, cdbsz=%d\n", c->in.name,
			io_str(c->in_flags), c->bpt, c->in_dev.cdbsz);
	for (k = 0; k < c->nout; k++)
		if (is_sg(&c->out[k].end))
			pr2serr(SGM_PFX "WRITEs to %s: %s, cdbsz=%d\n",
				c->out[k].end.name, io_str(c->out[k].flags),
				c->out[k].dev.cdbsz);
}

/* Close and unmap whatever sgm_copy_open() got to.  Returns 0, or the
 * status of an output whose close failed. */
static int release(struct sgm_copy *c)
{
	int k, res, status = 0;

	sgm_inflight_close(c);
	if (c->buf_fd >= 0)
		sgr_unmap(c->buf, c->buf_len);
	free(c->heap);
	free(c->cmp);
	c->buf = NULL;
	c->heap = NULL;
	c->cmp = NULL;
	c->buf_fd = -1;
	(void)sge_close(&c->in);
	for (k = 0; k < c->nout; k++) {
		res = sge_close(&c->out[k].end);
		if (res && !status)
			status = res;
		if (c->out[k].back_fd >= 0)
			(void)sio_close(c->out[k].back_fd);
		c->out[k].back_fd = -1;
	}
	return status;
}

int sgm_copy_open(struct sgm_copy *c, const struct sgm_opts *op)
{
	int k, res;

	memset(c, 0, sizeof(*c));
	c->op = op;
	c->oflag = op->oflag;
	c->bs = op->bs;
	c->bpt = op->bpt;
	c->buf_fd = -1;
	c->in.fd = -1;
	c->nout = op->out2f ? 2 : 1;
	for (k = 0; k < SGM_NOUT; k++) {
		c->out[k].end.fd = -1;
		c->out[k].back_fd = -1;
	}
	sgs_init(&c->st, c->bs, -1, c->nout);
	res = open_ends(c);
	if (!res)
		res = check_flags(c);
	if (!res)
		res = size_ends(c);
	if (!res)
		res = position_in(c);
	if (!res)
		res = size_reserves(c);
	if (!res)
		res = map_buffer(c);
	if (!res)
		res = sgm_inflight_open(c);
	if (!res)
		res = create_outputs(c);
	if (!res)
		res = sgv_open(c);
	if (res) {
		(void)release(c);
		return res;
	}
	if (is_sg(&c->in))
		setup_dev(c, &c->in_dev, &c->in, &op->iflag, op->cdbsz_in,
			  op->skip);
	for (k = 0; k < c->nout; k++)
		if (is_sg(&c->out[k].end))
			setup_dev(c, &c->out[k].dev, &c->out[k].end, &c->oflag,
				  op->cdbsz_out, op->seek);
	choose_io(c);
	sgs_init(&c->st, c->bs, c->count, c->nout);
	c->st.verbose = op->verbose;
	c->st.do_time = op->do_time;
	c->st.progress = op->progress;
	c->st.verified = op->do_verify;
	c->st.skip = op->skip;
	c->st.seek = op->seek;
	probe_sharing(c);
	c->opened = true;
	return 0;
}

/*
 * Count a shared mmap request and whether the driver shared.  Called for
 * failed commands too: a request that was asked for counts as requested
 * whatever its outcome (r is zeroed when the command never ran).
 */
void sgm_count_smmap(struct sgm_copy *c, unsigned int flags,
		     const struct sgx_result *r)
{
	if (!(flags & SG_FLAG_SHARED_MMAP_IO))
		return;
	c->st.smmap_req++;
	if (r->info & SG_INFO_SHARED_MMAP_IO)
		c->st.smmap_done++;
}

/* READ one batch of blocks into the buffer; *nbytes: bytes that came,
 * 0 at end of input. */
static int read_batch(struct sgm_copy *c, uint32_t blocks, size_t *nbytes)
{
	size_t want = (size_t)blocks * c->bs;
	struct sgx_result r;
	ssize_t n;
	int res;

	*nbytes = 0;
	if (!is_sg(&c->in)) {
		n = sio_read_full(c->in.fd, c->buf, want);
		if (sgm_medium_errno((int)-n) && c->op->coe &&
		    (c->in.type == SGE_BLOCK || c->in.type == SGE_REG)) {
			c->st.unrecovered++;
			return sgm_recover_file(c, blocks, nbytes);
		}
		if (n < 0) {
			pr2serr(SGM_PFX "reading if=%s at block %" PRIu64 ": %s\n",
				c->in.name, c->in_lba, strerror((int)-n));
			return sg_convert_errno((int)-n);
		}
		*nbytes = (size_t)n;
		return 0;
	}
	res = sgx_rw(&c->in_dev, SGX_READ, c->in_lba, blocks, c->in_dxferp,
		     c->in_flags, &r);
	sgm_count_smmap(c, c->in_flags, &r);
	c->st.retried += r.retried;
	if (res == SG_LIB_CAT_MEDIUM_HARD && c->op->coe) {
		res = sgm_recover_read(c, blocks);
		if (!res)
			*nbytes = want;
		return res;
	}
	if (res) {
		c->st.unrecovered += res != sg_convert_errno(EINTR);
		return res;
	}
	*nbytes = want;
	if (r.resid > 0) {
		c->st.sum_resid += r.resid;
		*nbytes = (size_t)r.resid < want ? want - r.resid : 0;
		*nbytes -= *nbytes % c->bs;
		c->short_read = true;
		pr2serr(SGM_PFX "READ from %s at lba=%" PRIu64 " came back %d bytes "
			"short\n", c->in.name, c->in_lba, r.resid);
	}
	return 0;
}

/* Count n bytes written to destination k: whole blocks and a tail. */
static void count_out(struct sgm_copy *c, int k, size_t n)
{
	c->st.out[k].full += (int64_t)(n / c->bs);
	if (n % c->bs)
		c->st.out[k].partial++;
}

/*
 * WRITE blocks blocks to an sg destination.  dio that the kernel refuses
 * (EFAULT: an sg mapping is VM_IO, so it cannot be pinned) falls back to
 * indirect IO for the rest of the copy; every WRITE whose dio was not done
 * is counted.
 */
static int write_sg(struct sgm_copy *c, struct sgm_dest *d, uint32_t blocks)
{
	enum sgx_cmd cmd = c->op->do_verify ? SGX_VERIFY : SGX_WRITE;
	struct sgx_result r;
	int res;

	res = sgx_rw(&d->dev, cmd, d->lba, blocks, d->dxferp, d->flags, &r);
	if (res && r.os_err == EFAULT && (d->flags & SG_FLAG_DIRECT_IO)) {
		pr2serr(SGM_PFX "dio to %s refused (EFAULT), falling back to "
			"indirect IO\n", d->end.name);
		d->dio_failed = true;
		d->flags &= ~SG_FLAG_DIRECT_IO;
		res = sgx_rw(&d->dev, cmd, d->lba, blocks, d->dxferp,
			     d->flags, &r);
	}
	sgm_count_smmap(c, d->flags, &r);
	c->st.retried += r.retried;
	if (res == SG_LIB_CAT_MISCOMPARE)
		return sgv_miscompare(c, d, blocks);
	c->st.unrecovered += res && res != sg_convert_errno(EINTR);
	if (!res && c->oflag.verify)
		res = sgv_after_write(c, d, blocks);
	if (res)
		return res;
	if (d->want_dio && (d->dio_failed ||
	    (r.info & SG_INFO_DIRECT_IO_MASK) != SG_INFO_DIRECT_IO))
		c->st.dio_not_done++;
	return 0;
}

/*
 * write(2) nbytes of the buffer to a file or device.  With O_DIRECT, a
 * tail that is not a whole block is written after turning O_DIRECT off,
 * as GNU dd does.  Returns 0 or -errno; *done: bytes written.
 */
static int write_file(struct sgm_copy *c, struct sgm_dest *d, size_t nbytes,
		      size_t *done)
{
	size_t head = nbytes, tail = 0;
	int res;

	if (d->end.direct && nbytes % c->bs)
		head = nbytes - nbytes % c->bs;
	res = sio_write_all(d->end.fd, c->buf, head, done);
	if (res || head == nbytes)
		return res;
	res = sio_drop_direct(d->end.fd);
	d->end.direct = false;
	if (!res)
		res = sio_write_all(d->end.fd, c->buf + head, nbytes - head,
				    &tail);
	*done += tail;
	return res;
}

/* Write nbytes of the buffer to destination k.  A partial last block goes
 * to an sg device zero-padded, to a file as it is. */
static int write_one(struct sgm_copy *c, int k, size_t nbytes)
{
	struct sgm_dest *d = &c->out[k];
	uint32_t blocks = (uint32_t)((nbytes + c->bs - 1) / c->bs);
	size_t done;
	int res;

	if (d->end.type == SGE_SG) {
		res = write_sg(c, d, blocks);
		if (res)
			return res;
	} else if (c->op->do_verify) {
		res = sgv_compare_file(c, d, nbytes);
		if (res)
			return res;
	} else if (d->end.fd >= 0) {
		res = write_file(c, d, nbytes, &done);
		if (res) {
			count_out(c, k, done);
			pr2serr(SGM_PFX "writing %s=%s at block %" PRIu64 ": %s\n",
				d->end.role, d->end.name,
				d->lba + done / c->bs, strerror(-res));
			d->lba += done / c->bs;
			return sg_convert_errno(-res);
		}
		if (c->oflag.verify) {
			res = sgv_compare_file(c, d, nbytes);
			if (res)
				return res;
		}
	}
	count_out(c, k, nbytes);
	d->lba += blocks;
	return 0;
}

/* An error status that only says a fatal signal cut a call short. */
static bool interrupted(int res)
{
	return sgs_fatal_sig && res == sg_convert_errno(EINTR);
}

int sgm_copy_run(struct sgm_copy *c)
{
	size_t nbytes;
	uint32_t blocks;
	int64_t rem;
	int k, res = 0;

	if (c->fl)
		return sgm_inflight_run(c);
	sgs_start(&c->st);
	while (!c->eof && !sgs_poll(&c->st)) {
		rem = c->count < 0 ? -1
		      : c->count - c->st.in_full - c->st.in_partial;
		blocks = sgm_batch_blocks(rem, c->bpt);
		if (blocks == 0)
			break;
		res = read_batch(c, blocks, &nbytes);
		if (res && c->coe_stop) {
			nbytes = (size_t)c->keep * c->bs;	/* coe_limit */
			blocks = c->keep;
			c->eof = true;
			c->worst = res;
			res = 0;
		} else if (res)
			break;
		if (nbytes == 0 && c->in_lba == (uint64_t)c->op->skip &&
		    c->op->skip > 0 && !is_sg(&c->in))
			pr2serr(SGM_PFX "if=%s: cannot skip to block %" PRId64
				": the input ends before it\n", c->in.name,
				c->op->skip);
		if (nbytes == 0)
			break;
		c->st.in_full += (int64_t)(nbytes / c->bs);
		if (nbytes % c->bs) {
			c->st.in_partial++;
			memset(c->buf + nbytes, 0, c->bs - nbytes % c->bs);
		}
		c->in_lba += blocks;
		/* short: end of input, or an error the next read returns */
		c->eof |= c->short_read;
		for (k = 0; !res && k < c->nout; k++)
			res = write_one(c, k, nbytes);
		if (res)
			break;
	}
	if (interrupted(res))
		res = 0;
	if (!res && c->short_read)
		res = SG_LIB_CAT_OTHER;
	return res ? res : c->worst;
}

/* SYNCHRONIZE CACHE (10) on an sg output, retried as every command is
 * (sgx_retry); fsync(2) on a file or block device. */
static int sync_out(const struct sgm_dest *d, int retries, int verbose)
{
	int res, tries = 0;
	char b[80];

	if (d->end.type != SGE_SG) {
		if (d->end.type != SGE_REG && d->end.type != SGE_BLOCK)
			return 0;
		res = sio_fsync(d->end.fd);
		if (res < 0) {
			pr2serr(SGM_PFX "%s=%s: fsync: %s\n", d->end.role, d->end.name,
				strerror(-res));
			return sg_convert_errno(-res);
		}
		return 0;
	}
	pr2serr(SGM_PFX "SYNCHRONIZE CACHE to %s\n", d->end.name);
	do
		res = sg_ll_sync_cache_10(d->end.fd, false, false, 0, 0, 0,
					  true, verbose > 1 ? verbose - 1 : 0);
	while (sgx_retry(res, NULL, 0, &tries, retries, "SYNCHRONIZE CACHE",
			 d->end.name));
	if (res) {
		if (res < 0)
			res = SG_LIB_CAT_OTHER;
		pr2serr(SGM_PFX "SYNCHRONIZE CACHE on %s: %s\n", d->end.name,
			sg_get_category_sense_str(res, sizeof(b), b, verbose));
	}
	return res;
}

int sgm_copy_close(struct sgm_copy *c, int status)
{
	int k, res;

	if (!c->opened) {	/* sgm_copy_open() failed and released */
		if (sgs_fatal_sig)
			sgs_summary(&c->st, status);
		sgs_reraise();
		return status;
	}
	if (!status && c->op->do_sync && !sgs_fatal_sig && !c->op->dry_run &&
	    !c->op->do_verify)
		for (k = 0; k < c->nout; k++) {
			res = sync_out(&c->out[k], c->op->retries,
				       c->op->verbose);
			if (res && !status)
				status = res;
		}
	res = release(c);
	if (res && !status)
		status = res;
	sgs_summary(&c->st, status);
	sgs_reraise();
	return status;
}
