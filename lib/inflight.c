/* SPDX-License-Identifier: BSD-2-Clause */
/* inflight.c - thr=N: many batches in flight; see inflight.h. */
#include "msg.h"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <scsi/sg_lib.h>
#include <scsi/sg_pr2serr.h>

#include "inflight.h"
#include "recover.h"
#include "sg_reserve.h"
#include "sg_smmap.h"
#include "sysio.h"
#include "verify.h"

#define WIN_PER_SLOT 4		/* prefix window: batches per slot that may
				   be done past the oldest one not done */

int sgm_prefix_init(struct sgm_prefix *p, uint32_t win)
{
	p->low = 0;
	p->win = win ? win : 1;
	p->done = calloc(p->win, 1);
	return p->done ? 0 : -ENOMEM;
}

void sgm_prefix_free(struct sgm_prefix *p)
{
	free(p->done);
	p->done = NULL;
}

bool sgm_prefix_room(const struct sgm_prefix *p, uint64_t i)
{
	return i - p->low < p->win || i < p->low;
}

bool sgm_prefix_done(struct sgm_prefix *p, uint64_t i)
{
	if (i < p->low || i - p->low >= p->win)
		return false;
	p->done[i % p->win] = 1;
	while (p->done[p->low % p->win]) {
		p->done[p->low % p->win] = 0;
		p->low++;
	}
	return true;
}

int64_t sgm_prefix_blocks(uint64_t n, int bpt, int64_t count)
{
	if (bpt <= 0 || count <= 0)
		return 0;
	if (n >= (uint64_t)count / (uint64_t)bpt + 1)
		return count;
	return (int64_t)n * bpt < count ? (int64_t)n * bpt : count;
}

enum slot_stage {
	SLOT_IDLE,		/* no batch */
	SLOT_READ,		/* its READ is in flight */
	SLOT_WRITE,		/* its WRITE to destination k is in flight */
};

struct slot {
	int in_fd;		/* its fd on if= */
	int out_fd[SGM_NOUT];	/* its fd on each sg destination, else -1 */
	uint8_t *buf;		/* its batch buffer: a reserve, mmap-ed */
	int buf_fd;		/* which of its fds owns that reserve */
	bool own;		/* fds and mapping opened here (not slot 0) */
	enum slot_stage stage;	/* what is in flight */
	int k;			/* the destination being written */
	uint64_t batch;		/* its batch: 0 is the copy's first */
	uint32_t blocks;	/* blocks in the batch */
	struct sgx_dev dev;	/* the fd and CDB settings of the command */
	struct sgx_req req;	/* the command in flight */
	int64_t batches;	/* batches it copied (verbose) */
	int64_t smmap_req;	/* its shared mmap requests (verbose) */
	int64_t smmap_done;	/* of those, shared (verbose) */
};

struct sgm_inflight {
	int n;			/* slots */
	struct slot *slot;	/* slot[0..n-1] */
	int *fifo;		/* slots with a command in flight, oldest
				   first: a ring of n from head */
	int head;		/* the oldest's place in fifo */
	int queued;		/* commands in flight: one per live slot */
	int *idle;		/* idle[0..nidle-1]: the slots without a
				   batch, the next to start last */
	int nidle;
	struct sgm_prefix in;	/* batches read */
	struct sgm_prefix out[SGM_NOUT];	/* batches written, per dest */
	uint64_t nbatches;	/* batches in the copy */
	uint64_t next;		/* next batch to hand out */
	uint64_t fail_batch;	/* lowest failed batch, UINT64_MAX none */
	bool stop;		/* hand out nothing more */
	int status;		/* the first error's exit status, or 0 */
	int live;		/* slots not idle */
};

/* Whether e is an sg device. */
static bool is_sg(const struct sge_end *e)
{
	return e->type == SGE_SG;
}

/*
 * Open the device of end e again for a slot: the same device (st_rdev)
 * as e's fd, its reserve sized to bs*bpt.  Returns the fd, or -1 after
 * one line on stderr (*status set).
 */
static int reopen(const struct sgm_copy *c, const struct sge_end *e,
		  int *status)
{
	struct stat a, b;
	size_t got, want = (size_t)c->bs * (size_t)c->bpt;
	int fd = sio_open(e->name, O_RDWR, 0), res;

	if (fd < 0) {
		pr2serr(SGM_PFX "thr: opening %s=%s again: %s\n", e->role,
			e->name, strerror(-fd));
		*status = sg_convert_errno(-fd);
		return -1;
	}
	res = sio_fstat(fd, &b);
	if (!res)
		res = sio_fstat(e->fd, &a);
	if (!res && a.st_rdev != b.st_rdev)
		res = -ENXIO;	/* the name now leads elsewhere */
	if (!res)
		res = sgr_size(fd, want, &got);
	if (!res && got < want)
		res = -ENOMEM;	/* clamped below what slot 0 got */
	if (res) {
		pr2serr(SGM_PFX "thr: %s=%s again: %s\n", e->role, e->name,
			strerror(-res));
		(void)sio_close(fd);
		*status = sg_convert_errno(-res);
		return -1;
	}
	return fd;
}

/* Close a slot's own fds and mapping. */
static void close_slot(struct sgm_copy *c, struct slot *s)
{
	int k;

	if (!s->own)
		return;
	if (s->buf)
		sgr_unmap(s->buf, c->buf_len);
	if (s->in_fd >= 0)
		(void)sio_close(s->in_fd);
	for (k = 0; k < c->nout; k++)
		if (s->out_fd[k] >= 0)
			(void)sio_close(s->out_fd[k]);
	s->buf = NULL;
	s->own = false;
}

/* Open slot s (not slot 0): its fds, then its buffer's mapping. */
static int open_slot(struct sgm_copy *c, struct slot *s)
{
	int k, res = 0;

	s->own = true;
	s->in_fd = reopen(c, &c->in, &res);
	for (k = 0; !res && k < c->nout; k++)
		if (is_sg(&c->out[k].end))
			s->out_fd[k] = reopen(c, &c->out[k].end, &res);
	if (res)
		return res;
	s->buf_fd = c->buf_fd == c->in.fd ? s->in_fd : s->out_fd[0];
	res = sgr_map(s->buf_fd, c->buf_len, (void **)&s->buf);
	if (res) {
		s->buf = NULL;
		pr2serr(SGM_PFX "thr: mmap of %zu bytes of a reserve buffer: "
			"%s\n", c->buf_len, strerror(-res));
		return sg_convert_errno(-res);
	}
	return 0;
}

/*
 * Slot 0: the copy's own fds and buffer.  endpoint.c opened its sg fds
 * O_NONBLOCK; a slot's read(2) must wait for its response, so that goes
 * (SG_IO, as recover.c and verify.c use them, ignores it).
 */
static int first_slot(struct sgm_copy *c, struct slot *s)
{
	int k, res;

	s->in_fd = c->in.fd;
	for (k = 0; k < c->nout; k++)
		s->out_fd[k] = is_sg(&c->out[k].end) ? c->out[k].end.fd : -1;
	s->buf = c->buf;
	s->buf_fd = c->buf_fd;
	res = sio_set_blocking(s->in_fd);
	for (k = 0; !res && k < c->nout; k++)
		if (s->out_fd[k] >= 0)
			res = sio_set_blocking(s->out_fd[k]);
	if (res)
		pr2serr(SGM_PFX "thr: fcntl(F_SETFL) on an sg fd: %s\n",
			strerror(-res));
	return res ? sg_convert_errno(-res) : 0;
}

/* Allocate the slots, the ring and the prefixes for n slots. */
static int alloc_fl(struct sgm_copy *c, struct sgm_inflight *f, int n)
{
	uint32_t win = (uint32_t)n * WIN_PER_SLOT;
	int i, k, res;

	f->n = n;
	f->fail_batch = UINT64_MAX;
	f->slot = calloc((size_t)n, sizeof(*f->slot));
	f->fifo = calloc((size_t)n, sizeof(*f->fifo));
	f->idle = calloc((size_t)n, sizeof(*f->idle));
	res = f->slot && f->fifo && f->idle ? 0 : -ENOMEM;
	if (!res)
		res = sgm_prefix_init(&f->in, win);
	for (k = 0; !res && k < c->nout; k++)
		res = sgm_prefix_init(&f->out[k], win);
	for (i = 0; f->idle && i < n; i++)	/* slot 0 starts first */
		f->idle[f->nidle++] = n - 1 - i;
	for (i = 0; f->slot && i < n; i++) {
		f->slot[i].in_fd = -1;
		for (k = 0; k < SGM_NOUT; k++)
			f->slot[i].out_fd[k] = -1;
	}
	if (res)
		pr2serr(SGM_PFX "thr: no memory for %d slots\n", n);
	return res ? sg_convert_errno(-res) : 0;
}

/* Say how the slots are set up (verbose). */
static void print_slots(const struct sgm_copy *c, const struct sgm_inflight *f)
{
	int i;

	pr2serr(SGM_PFX "thr=%d: %d slots in flight, each with its own fds "
		"and a %zu-byte reserve of %s mmap-ed\n", c->op->thr, f->n,
		c->buf_len, c->buf_fd == c->in.fd ? "if=" : "of=");
	for (i = 0; c->op->verbose > 1 && i < f->n; i++)
		pr2serr(SGM_PFX "slot %d: if fd %d, of fd %d, buffer fd %d\n", i,
			f->slot[i].in_fd, f->slot[i].out_fd[0],
			f->slot[i].buf_fd);
}

int sgm_inflight_open(struct sgm_copy *c)
{
	struct sgm_inflight *f;
	uint64_t nb = c->count > 0 ? ((uint64_t)c->count + c->bpt - 1) /
				     (uint64_t)c->bpt : 0;
	int i, n = c->op->thr, res;

	if (n <= 1)
		return 0;
	if ((uint64_t)n > nb)	/* no more slots than batches */
		n = nb > 1 ? (int)nb : 1;
	f = calloc(1, sizeof(*f));
	if (!f) {
		pr2serr(SGM_PFX "thr: no memory\n");
		return sg_convert_errno(ENOMEM);
	}
	c->fl = f;
	f->nbatches = nb;
	res = alloc_fl(c, f, n);
	if (!res)
		res = first_slot(c, &f->slot[0]);
	for (i = 1; !res && i < n; i++)
		res = open_slot(c, &f->slot[i]);
	if (res) {
		sgm_inflight_close(c);
		return res;
	}
	if (c->op->verbose)
		print_slots(c, f);
	return 0;
}

void sgm_inflight_close(struct sgm_copy *c)
{
	struct sgm_inflight *f = c->fl;
	int i, k;

	if (!f)
		return;
	for (i = 0; f->slot && i < f->n; i++)
		close_slot(c, &f->slot[i]);
	sgm_prefix_free(&f->in);
	for (k = 0; k < SGM_NOUT; k++)
		sgm_prefix_free(&f->out[k]);
	free(f->slot);
	free(f->fifo);
	free(f->idle);
	free(f);
	c->fl = NULL;
}

/* Move the claimed counts to the prefixes: what is contiguous. */
static void account(struct sgm_copy *c)
{
	struct sgm_inflight *f = c->fl;
	int k;

	c->st.in_full = sgm_prefix_blocks(f->in.low, c->bpt, c->count);
	for (k = 0; k < c->nout; k++)
		c->st.out[k].full = sgm_prefix_blocks(f->out[k].low, c->bpt,
						      c->count);
}

/* s's batch failed with status res: stop handing out.  A command that
 * failed is counted (recover.c and verify.c count their own). */
static void stop_at(struct sgm_copy *c, struct slot *s, int res, bool count)
{
	struct sgm_inflight *f = c->fl;

	if (!f->status)
		f->status = res;
	if (s->batch < f->fail_batch)
		f->fail_batch = s->batch;
	f->stop = true;
	c->st.unrecovered += count && res != sg_convert_errno(EINTR);
}

/* A command of s's batch failed with status res. */
static void fail(struct sgm_copy *c, struct slot *s, int res)
{
	stop_at(c, s, res, true);
}

/* The copy's one-batch fields, saved while they point at a slot. */
struct borrowed {
	uint8_t *buf;		/* c->buf */
	void *in_dxferp;	/* c->in_dxferp */
	uint64_t in_lba;	/* c->in_lba */
	int in_fd;		/* c->in_dev.fd */
	struct sgm_dest out[SGM_NOUT];	/* c->out[] */
};

/* The sg_io_hdr.flags and dxferp of s's WRITE (or VERIFY) to dest k. */
static unsigned int out_io(const struct sgm_copy *c, const struct slot *s,
			   int k, void **dxferp)
{
	bool own = s->buf_fd == s->out_fd[k];

	*dxferp = own ? NULL : s->buf;
	return own ? SG_FLAG_MMAP_IO : c->out[k].flags;
}

/* First LBA of batch b on the outputs. */
static uint64_t out_lba(const struct sgm_copy *c, uint64_t b)
{
	return (uint64_t)c->op->seek + b * (uint64_t)c->bpt;
}

/*
 * Point the copy's one-batch fields (buffer, input fd and LBA, each
 * destination's fd, LBA and IO) at slot s's batch, so that recover.c and
 * verify.c, written for the one-batch loop, work on it unchanged.
 */
static void borrow(struct sgm_copy *c, struct slot *s, struct borrowed *b)
{
	int k;

	b->buf = c->buf;
	b->in_dxferp = c->in_dxferp;
	b->in_lba = c->in_lba;
	b->in_fd = c->in_dev.fd;
	memcpy(b->out, c->out, sizeof(b->out));
	c->buf = s->buf;
	c->in_dxferp = s->buf_fd == s->in_fd ? NULL : s->buf;
	c->in_lba = (uint64_t)c->op->skip + s->batch * (uint64_t)c->bpt;
	c->in_dev.fd = s->in_fd;
	for (k = 0; k < c->nout; k++) {
		struct sgm_dest *d = &c->out[k];

		d->lba = out_lba(c, s->batch);
		if (d->end.type != SGE_SG)
			continue;
		d->dev.fd = s->out_fd[k];
		d->flags = out_io(c, s, k, &d->dxferp);
	}
}

/* Undo borrow(). */
static void give_back(struct sgm_copy *c, const struct borrowed *b)
{
	c->buf = b->buf;
	c->in_dxferp = b->in_dxferp;
	c->in_lba = b->in_lba;
	c->in_dev.fd = b->in_fd;
	memcpy(c->out, b->out, sizeof(b->out));
}

/* coe: s's READ failed with a medium error; read it block by block. */
static int recover(struct sgm_copy *c, struct slot *s)
{
	struct borrowed b;
	int res;

	borrow(c, s, &b);
	res = sgm_recover_read(c, s->blocks);
	give_back(c, &b);
	return res;
}

/*
 * What verify.c does after s's batch reached destination k: with k sg,
 * miscompare (the VERIFY of --verify came back MISCOMPARE: list the
 * blocks) or oflag=verify's VERIFY after the WRITE; with k a file or a
 * block device, the read-back compare.  Returns 0 or an exit status.
 */
static int verify_dest(struct sgm_copy *c, struct slot *s, int k,
		       bool miscompare)
{
	struct sgm_dest *d = &c->out[k];
	struct borrowed b;
	int res;

	borrow(c, s, &b);
	if (miscompare)
		res = sgv_miscompare(c, d, s->blocks);
	else if (d->end.type == SGE_SG)
		res = sgv_after_write(c, d, s->blocks);
	else
		res = sgv_compare_file(c, d, (size_t)s->blocks * c->bs);
	give_back(c, &b);
	return res;
}

/* Slot s has a command in flight, the newest: it goes last in the ring. */
static void enqueue(struct sgm_inflight *f, struct slot *s)
{
	f->fifo[(f->head + f->queued) % f->n] = (int)(s - f->slot);
	f->queued++;
}

/* Queue a command of slot s on fd; the slot then waits for it. */
static int issue(struct sgm_copy *c, struct slot *s, const struct sgx_dev *d,
		 int fd, enum sgx_cmd cmd, uint64_t lba, void *buf,
		 unsigned int flags)
{
	int res;

	s->dev = *d;
	s->dev.fd = fd;
	res = sgx_prep(&s->dev, cmd, lba, s->blocks, buf, flags, &s->req);
	if (!res)
		res = sgx_submit(&s->dev, &s->req);
	if (res)
		fail(c, s, res);
	else
		enqueue(c->fl, s);
	return res;
}

/* The slot is done with its batch (or gave it up): it may start again. */
static void idle(struct sgm_inflight *f, struct slot *s)
{
	s->stage = SLOT_IDLE;
	f->live--;
	f->idle[f->nidle++] = (int)(s - f->slot);
}

/*
 * Write s's batch to destination k and on: an sg one gets a WRITE queued
 * (the slot then waits), a block device a pwrite(2) now, /dev/null
 * nothing.  After the last destination the slot is idle.
 */
static void write_from(struct sgm_copy *c, struct slot *s, int k)
{
	struct sgm_inflight *f = c->fl;
	size_t len = (size_t)s->blocks * c->bs;
	uint64_t off = out_lba(c, s->batch);
	int res;

	for (; k < c->nout; k++) {
		struct sgm_dest *d = &c->out[k];
		void *dxferp;

		if (is_sg(&d->end)) {
			unsigned int flags = out_io(c, s, k, &dxferp);

			s->stage = SLOT_WRITE;
			s->k = k;
			if (issue(c, s, &d->dev, s->out_fd[k], c->op->do_verify ?
				  SGX_VERIFY : SGX_WRITE, off, dxferp, flags))
				break;
			return;
		}
		if (d->end.fd >= 0 && !c->op->do_verify) {
			res = sio_pwrite_all(d->end.fd, s->buf, len,
					     (off_t)(off * (uint64_t)c->bs));
			if (res) {
				pr2serr(SGM_PFX "writing %s=%s at block %" PRIu64
					": %s\n", d->end.role, d->end.name, off,
					strerror(-res));
				fail(c, s, sg_convert_errno(-res));
				break;
			}
		}
		if (d->end.fd >= 0 && (c->op->do_verify || c->oflag.verify)) {
			res = verify_dest(c, s, k, false);
			if (res) {
				stop_at(c, s, res, false);
				break;
			}
		}
		sgm_prefix_done(&f->out[k], s->batch);
	}
	if (k == c->nout)
		s->batches++;
	idle(f, s);
}

/* Hand slot s the next batch: its READ goes out. */
static void start(struct sgm_copy *c, struct slot *s)
{
	struct sgm_inflight *f = c->fl;
	bool own = s->buf_fd == s->in_fd;
	int64_t rem;

	s->batch = f->next++;
	rem = c->count - (int64_t)s->batch * c->bpt;
	s->blocks = sgm_batch_blocks(rem, c->bpt);
	s->stage = SLOT_READ;
	f->live++;
	if (issue(c, s, &c->in_dev, s->in_fd, SGX_READ,
		  (uint64_t)c->op->skip + s->batch * (uint64_t)c->bpt,
		  own ? NULL : s->buf,
		  own ? SG_FLAG_MMAP_IO : SG_FLAG_SHARED_MMAP_IO))
		idle(f, s);
}

/* Whether another batch may go out now. */
static bool can_start(const struct sgm_copy *c)
{
	const struct sgm_inflight *f = c->fl;
	int k;

	if (f->stop || f->next >= f->nbatches)
		return false;
	for (k = 0; k < c->nout; k++)
		if (!sgm_prefix_room(&f->out[k], f->next))
			return false;
	return true;
}

/* Count s's shared mmap request, for the summary and for the slot. */
static void count_smmap(struct sgm_copy *c, struct slot *s)
{
	int64_t done = c->st.smmap_done;

	if (!(s->req.hdr.flags & SG_FLAG_SHARED_MMAP_IO))
		return;
	sgm_count_smmap(c, s->req.hdr.flags, &s->req.res);
	s->smmap_req++;
	s->smmap_done += c->st.smmap_done - done;
}

/* A READ came back clean: check it is whole, then write the batch. */
static void read_done(struct sgm_copy *c, struct slot *s)
{
	struct sgm_inflight *f = c->fl;
	int resid = s->req.res.resid;

	if (resid > 0) {
		c->st.sum_resid += resid;
		pr2serr(SGM_PFX "READ from %s at lba=%" PRIu64 " came back %d "
			"bytes short\n", c->in.name, s->req.lba, resid);
		fail(c, s, SG_LIB_CAT_OTHER);
		idle(f, s);
		return;
	}
	sgm_prefix_done(&f->in, s->batch);
	if (s->batch > f->fail_batch) {	/* past the error: of no use */
		idle(f, s);
		return;
	}
	write_from(c, s, 0);
}

/*
 * Slot s's command failed with res (after its retries): coe recovers a
 * READ's medium error, --verify lists a MISCOMPARE's blocks.  Returns 0
 * when the batch goes on, -1 when it stops (stopped here), or res for
 * the caller to count and stop on.
 */
static int after_error(struct sgm_copy *c, struct slot *s, int res)
{
	if (s->stage == SLOT_READ && res == SG_LIB_CAT_MEDIUM_HARD &&
	    c->op->coe) {
		s->req.res.resid = 0;
		res = recover(c, s);
	} else if (s->stage == SLOT_WRITE && res == SG_LIB_CAT_MISCOMPARE) {
		res = verify_dest(c, s, s->k, true);
	} else
		return res;
	if (!res)
		return 0;
	stop_at(c, s, res, false);
	return -1;
}

/*
 * Slot s's response was collected with res (sgx_collect): judge it and
 * move the slot on.
 */
static void complete(struct sgm_copy *c, struct slot *s, int res)
{
	struct sgm_inflight *f = c->fl;
	bool again = false;

	if (!res) {
		res = sgx_finish(&s->dev, &s->req, &again);
		c->st.retried += again;
	}
	if (!again)	/* counted once per command, as with thr=1 */
		count_smmap(c, s);
	if (again && !sgs_fatal_sig) {	/* retried even after a stop */
		res = sgx_submit(&s->dev, &s->req);
		if (!res) {
			enqueue(f, s);
			return;
		}
	}
	if (res)
		res = after_error(c, s, res);
	else if (s->stage == SLOT_WRITE && c->oflag.verify) {
		res = verify_dest(c, s, s->k, false);
		if (res) {	/* verify.c counted it */
			stop_at(c, s, res, false);
			res = -1;
		}
	}
	if (res) {
		if (res > 0)
			fail(c, s, res);
		idle(f, s);
		return;
	}
	if (s->stage == SLOT_READ) {
		read_done(c, s);
		return;
	}
	sgm_prefix_done(&f->out[s->k], s->batch);
	write_from(c, s, s->k + 1);
}

/*
 * Wait for the oldest command in flight and complete it.  One blocking
 * read(2) on its slot's fd does both: per command a write(2) and a
 * read(2), where poll(2) over every slot cost a third call whenever the
 * device was slower than the loop (doc/performance.md, "thr=").  Devices
 * complete about in the order sg queued the commands; on one that does
 * not, a finished slot waits until the older commands are done, and the
 * depth is that much lower meanwhile.  A fatal signal ends the read
 * (-EINTR): it stops the handing out, never the waiting.
 */
static void wait_some(struct sgm_copy *c)
{
	struct sgm_inflight *f = c->fl;
	struct slot *s;
	int res;

	if (!f->queued) {	/* cannot be: each live slot has one queued */
		f->live = 0;
		return;
	}
	s = &f->slot[f->fifo[f->head]];
	res = sgx_collect(&s->dev, &s->req);
	if (res == -EINTR)
		return;
	f->head = (f->head + 1) % f->n;
	f->queued--;
	complete(c, s, res);
}

/* Each slot's share of the work (verbose). */
static void print_tally(const struct sgm_copy *c)
{
	const struct sgm_inflight *f = c->fl;
	int i;

	for (i = 0; i < f->n; i++) {
		const struct slot *s = &f->slot[i];

		pr2serr(SGM_PFX "slot %d: %" PRId64 " batches", i, s->batches);
		if (c->st.smmap)
			pr2serr(", shared mmap IO requested %" PRId64 ", done %"
				PRId64, s->smmap_req, s->smmap_done);
		pr2serr("\n");
	}
}

int sgm_inflight_run(struct sgm_copy *c)
{
	struct sgm_inflight *f = c->fl;

	sgs_start(&c->st);
	for (;;) {
		if (sgs_poll(&c->st))
			f->stop = true;
		/* no scan of the slots: a loop turn per command at depth */
		while (f->nidle && can_start(c))
			start(c, &f->slot[f->idle[--f->nidle]]);
		if (f->live == 0)
			break;
		wait_some(c);
		account(c);
	}
	account(c);
	if (c->op->verbose)
		print_tally(c);
	if (sgs_fatal_sig && f->status == sg_convert_errno(EINTR))
		return 0;	/* the signal, not an error: see the summary */
	return f->status ? f->status : c->worst;
}
