/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sgbench-uring - the mainline alternative to sgm_dd thr=N, for the queued
 * benchmark of issue 12: copy COUNT blocks between two SCSI devices through
 * bsg + io_uring passthrough (IORING_OP_URING_CMD on /dev/bsg/H:C:T:L,
 * Linux 7.1 and later), DEPTH batches in flight.
 *
 *   sgbench-uring [-v] BSGIN BSGOUT BS BPT COUNT DEPTH
 *
 * Each slot owns one registered (fixed) buffer of BPT blocks of BS bytes:
 * READ(10) from BSGIN into it, then WRITE(10) from it to BSGOUT at the same
 * LBA, then the next batch not yet taken.  All commands go through one
 * ring from one thread; completions may come in any order, so WRITEs are
 * not ordered, which suits block devices only.
 *
 * It checks that every command completed with GOOD status and no residue,
 * and nothing else: the data are compared by the bench after the copy.
 * -v reports the commands issued on stderr.  Exits 0, or 1 with a message
 * on any error (2: bad arguments).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <liburing.h>

#include "sgbench-bsg-uring.h"

#define SGB_SENSE_LEN	32		/* sense bytes kept per slot */
#define SGB_TIMEOUT_MS	60000		/* per command */

struct slot {
	unsigned char cdb[10];		/* the command in flight */
	unsigned char sense[SGB_SENSE_LEN]; /* its sense data, if any */
	uint32_t lba;			/* first block of the slot's batch */
	unsigned int nblk;		/* blocks in the batch */
	int writing;			/* 0: READ in flight, 1: WRITE */
	unsigned char *data;		/* the slot's registered buffer */
};

struct copy {
	struct io_uring ring;		/* SQE128 + CQE32, DEPTH entries */
	int fd[2];			/* BSGIN, BSGOUT (O_RDWR) */
	unsigned int bs;		/* bytes per block */
	unsigned int bpt;		/* blocks per batch */
	unsigned int depth;		/* slots */
	uint64_t count;			/* blocks to copy */
	uint64_t next;			/* first block no slot has taken */
	unsigned int busy;		/* slots with a command in flight */
	uint64_t ncmd;			/* commands completed */
	struct slot *slot;		/* depth slots */
};

static int verbose;			/* -v */

/* Parse a decimal number in [lo, hi] into *v; 0, or -1 with a message. */
static int number(const char *s, const char *what, uint64_t lo, uint64_t hi,
		  uint64_t *v)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || x < lo || x > hi) {
		fprintf(stderr, "sgbench-uring: bad %s '%s' (%llu..%llu)\n",
			what, s, (unsigned long long)lo, (unsigned long long)hi);
		return -1;
	}
	*v = x;
	return 0;
}

/* Fill the slot's CDB: READ(10) or WRITE(10) of its batch. */
static void slot_cdb(struct slot *s)
{
	memset(s->cdb, 0, sizeof(s->cdb));
	s->cdb[0] = s->writing ? 0x2a : 0x28;
	s->cdb[2] = s->lba >> 24;
	s->cdb[3] = s->lba >> 16;
	s->cdb[4] = s->lba >> 8;
	s->cdb[5] = s->lba;
	s->cdb[7] = s->nblk >> 8;
	s->cdb[8] = s->nblk;
}

/*
 * Queue slot I's next command (not yet submitted).  An SQE is always free:
 * the ring has DEPTH entries and each slot has at most one command queued
 * or in flight.
 */
static void slot_queue(struct copy *c, unsigned int i)
{
	struct slot *s = &c->slot[i];
	struct io_uring_sqe *sqe = io_uring_get_sqe(&c->ring);
	struct sgb_bsg_uring_cmd *cmd;
	uint32_t len = s->nblk * c->bs;

	slot_cdb(s);
	memset(sqe, 0, 2 * sizeof(*sqe));	/* SQE128: two slots' worth */
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = c->fd[s->writing];
	sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
	sqe->buf_index = i;
	sqe->user_data = i;
	cmd = (struct sgb_bsg_uring_cmd *)sqe->cmd;
	cmd->request = (uintptr_t)s->cdb;
	cmd->request_len = sizeof(s->cdb);
	cmd->protocol = SGB_BSG_PROTOCOL_SCSI;
	cmd->subprotocol = SGB_BSG_SUB_PROTOCOL_SCSI_CMD;
	cmd->response = (uintptr_t)s->sense;
	cmd->max_response_len = sizeof(s->sense);
	cmd->timeout_ms = SGB_TIMEOUT_MS;
	if (s->writing) {
		cmd->dout_xferp = (uintptr_t)s->data;
		cmd->dout_xfer_len = len;
	} else {
		cmd->din_xferp = (uintptr_t)s->data;
		cmd->din_xfer_len = len;
	}
}

/* Give slot I the next batch and queue its READ; 0 if none was left. */
static int slot_take(struct copy *c, unsigned int i)
{
	struct slot *s = &c->slot[i];
	uint64_t left = c->count - c->next;

	if (!left)
		return 0;
	s->lba = c->next;
	s->nblk = left < c->bpt ? left : c->bpt;
	s->writing = 0;
	c->next += s->nblk;
	slot_queue(c, i);
	return 1;
}

/* Say why slot I's command failed; always -1. */
static int slot_failed(struct copy *c, unsigned int i, int res, uint64_t res2)
{
	struct slot *s = &c->slot[i];
	const char *op = s->writing ? "WRITE(10)" : "READ(10)";

	if (res < 0)
		fprintf(stderr, "sgbench-uring: %s lba %u: %s\n", op, s->lba,
			strerror(-res));
	else
		fprintf(stderr, "sgbench-uring: %s lba %u: status 0x%x host 0x%x "
			"driver 0x%x resid %u sense key 0x%x asc 0x%02x ascq 0x%02x\n",
			op, s->lba, sgb_res2_status(res2), sgb_res2_host(res2),
			sgb_res2_driver(res2), sgb_res2_resid(res2),
			sgb_res2_sense_len(res2) > 2 ? s->sense[2] & 0xf : 0,
			sgb_res2_sense_len(res2) > 12 ? s->sense[12] : 0,
			sgb_res2_sense_len(res2) > 13 ? s->sense[13] : 0);
	return -1;
}

/*
 * Handle one completion: a READ done queues the slot's WRITE, a WRITE done
 * gives the slot the next batch (or frees it).  0, or -1 on a failed
 * command.
 */
static int complete(struct copy *c, const struct io_uring_cqe *cqe)
{
	unsigned int i = cqe->user_data;
	struct slot *s = &c->slot[i];
	uint64_t res2 = cqe->big_cqe[0];

	if (cqe->res < 0 || sgb_res2_status(res2) || sgb_res2_host(res2) ||
	    sgb_res2_driver(res2) || sgb_res2_resid(res2))
		return slot_failed(c, i, cqe->res, res2);
	c->ncmd++;
	if (!s->writing) {
		s->writing = 1;
		slot_queue(c, i);
	} else if (!slot_take(c, i)) {
		c->busy--;
	}
	return 0;
}

/* Run the copy: fill every slot, then submit and reap until all are done. */
static int run(struct copy *c)
{
	struct io_uring_cqe *cqe;
	unsigned int i;
	int ret;

	for (i = 0; i < c->depth; i++)
		c->busy += slot_take(c, i);
	while (c->busy) {
		ret = io_uring_submit_and_wait(&c->ring, 1);
		if (ret < 0) {
			fprintf(stderr, "sgbench-uring: io_uring_submit_and_wait: %s\n",
				strerror(-ret));
			return -1;
		}
		while (io_uring_peek_cqe(&c->ring, &cqe) == 0) {
			ret = complete(c, cqe);
			io_uring_cqe_seen(&c->ring, cqe);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/*
 * Open both nodes, map one buffer per slot and register them, and set up
 * the ring.  0, or -1 with a message (the process exits then; nothing is
 * undone).
 */
static int setup(struct copy *c, const char *in, const char *out)
{
	size_t blen = (size_t)c->bpt * c->bs;
	struct iovec *iov;
	unsigned char *buf;
	unsigned int i;
	int ret;

	c->fd[0] = open(in, O_RDWR);
	c->fd[1] = open(out, O_RDWR);
	if (c->fd[0] < 0 || c->fd[1] < 0) {
		fprintf(stderr, "sgbench-uring: %s: %s\n",
			c->fd[0] < 0 ? in : out, strerror(errno));
		return -1;
	}
	c->slot = calloc(c->depth, sizeof(*c->slot));
	iov = calloc(c->depth, sizeof(*iov));
	buf = mmap(NULL, blen * c->depth, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (!c->slot || !iov || buf == MAP_FAILED) {
		fprintf(stderr, "sgbench-uring: out of memory\n");
		return -1;
	}
	for (i = 0; i < c->depth; i++) {
		c->slot[i].data = buf + i * blen;
		iov[i].iov_base = c->slot[i].data;
		iov[i].iov_len = blen;
	}
	ret = io_uring_queue_init(c->depth, &c->ring,
				  IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	if (!ret)
		ret = io_uring_register_buffers(&c->ring, iov, c->depth);
	free(iov);
	if (ret) {
		fprintf(stderr, "sgbench-uring: io_uring set-up: %s\n",
			strerror(-ret));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct copy c = { .fd = { -1, -1 } };
	uint64_t bs, bpt, count, depth;
	int a = 1;

	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = 1;
		a++;
	}
	if (argc - a != 6) {
		fprintf(stderr, "usage: sgbench-uring [-v] BSGIN BSGOUT BS BPT COUNT DEPTH\n");
		return 2;
	}
	if (number(argv[a + 2], "BS", 512, 65536, &bs) ||
	    number(argv[a + 3], "BPT", 1, 65535, &bpt) ||
	    number(argv[a + 4], "COUNT", 1, UINT32_MAX, &count) ||
	    number(argv[a + 5], "DEPTH", 1, 1024, &depth))
		return 2;
	if (bs * bpt > (1U << 30)) {
		fprintf(stderr, "sgbench-uring: BS x BPT above 1 GiB\n");
		return 2;
	}
	c.bs = bs;
	c.bpt = bpt;
	c.count = count;
	c.depth = depth;
	if (setup(&c, argv[a], argv[a + 1]) || run(&c))
		return 1;
	if (verbose)
		fprintf(stderr, "sgbench-uring: %llu commands, depth %u\n",
			(unsigned long long)c.ncmd, c.depth);
	return 0;
}
