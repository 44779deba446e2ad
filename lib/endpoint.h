/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * endpoint.h - the ends of a copy (if=, of=, of2=): open and classify,
 * capacity and block size, start position.
 *
 * Functions returning int return 0 or an sg3_utils exit status
 * (SG_LIB_FILE_ERROR, a sense category, sg_convert_errno(...)) after
 * printing one line that names the file.
 */
#ifndef SGSMMAP_ENDPOINT_H
#define SGSMMAP_ENDPOINT_H

#include <stdbool.h>
#include <stdint.h>

#include "operands.h"

enum sge_type {
	SGE_REG,	/* regular file: read/write(2), seekable */
	SGE_SG,		/* sg character device: SCSI READ/WRITE */
	SGE_BLOCK,	/* block device: read/write(2), size by ioctl */
	SGE_NULL,	/* /dev/null or ".": output dropped, input empty */
	SGE_STDIO,	/* stdin or stdout ("-" or the operand absent) */
	SGE_STREAM,	/* other char device, fifo, socket: read/write(2) */
};

struct sge_end {
	const char *name;	/* operand as given; "-" for stdin/stdout */
	const char *role;	/* "if", "of" or "of2", for messages */
	enum sge_type type;	/* what the name turned out to be */
	bool is_out;		/* opened for writing */
	int fd;			/* open fd; -1 for a null output */
	int version;		/* sg driver version number (SGE_SG only) */
	int64_t nblocks;	/* capacity in bs blocks, -1 when unknown */
	int lbsz;		/* device's logical block size, 0 unknown */
	bool partial_tail;	/* a regular input ends inside a block */
};

/* A short human name of a type, e.g. "SCSI generic (sg) device". */
const char *sge_type_str(enum sge_type type);

/*
 * Classify name (NULL or "-": stdin/stdout) and open it for reading or
 * (is_out) writing with the O_* flags fl asks for.  Refuses a SCSI tape.
 * On success e->fd is open (or -1 for a null output).
 */
int sge_open(struct sge_end *e, const char *role, const char *name,
	     bool is_out, const struct sgm_flags *fl, int verbose);

/*
 * Learn e->nblocks in bs-byte blocks: READ CAPACITY (10, then 16 when
 * needed) on sg, BLKGETSIZE64 and BLKSSZGET on a block device, the size
 * (rounded up, with partial_tail) of a regular input.  Others stay -1.
 * A device whose logical block size is not bs is an error.  A failed
 * READ CAPACITY is an error only when need is set (count must be derived).
 */
int sge_capacity(struct sge_end *e, int bs, bool need, int verbose);

/*
 * Put a non-sg end at block blocks (bs bytes each): lseek, or for a
 * non-seekable input read and discard.  sg ends address LBAs per command
 * and are left alone.  A non-seekable output cannot seek: an error.
 */
int sge_position(struct sge_end *e, int64_t blocks, int bs, int verbose);

/* Close e (never stdin/stdout), leaving e->fd -1. */
void sge_close(struct sge_end *e);

#endif /* SGSMMAP_ENDPOINT_H */
