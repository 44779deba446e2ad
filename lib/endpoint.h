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
#include <sys/types.h>

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
	bool missing;		/* an output that does not exist yet: made
				   by sge_create(), after every check */
	bool direct;		/* opened with O_DIRECT */
	bool has_id;		/* dev and ino are known */
	dev_t dev;		/* st_dev of the open file */
	ino_t ino;		/* st_ino of the open file */
	char *abs;		/* a missing output's absolute path (to tell
				   two names of one new file apart), or NULL */
};

/* A short human name of a type, e.g. "SCSI generic (sg) device". */
const char *sge_type_str(enum sge_type type);

/*
 * Open name (NULL or "-": stdin/stdout) for reading or (is_out) writing
 * with the O_* flags fl asks for, then classify what was opened (fstat of
 * the open file, never a second lookup of the name).  Refuses a SCSI tape
 * and a directory.  An output that does not exist is not created here:
 * e->missing is set (SGE_REG, fd -1) for sge_create() to make it once
 * every check has passed, or with fl->nocreat it is an error.  On success
 * e->fd is open (or -1 for a null or missing output).
 */
int sge_open(struct sge_end *e, const char *role, const char *name,
	     bool is_out, const struct sgm_flags *fl, int verbose);

/* Create a missing output (O_CREAT|O_EXCL: it must still be missing). */
int sge_create(struct sge_end *e, const struct sgm_flags *fl, int verbose);

/* Whether a and b are one file: same device and inode when both are
 * open, same absolute path when both are still missing.  Pure. */
bool sge_same(const struct sge_end *a, const struct sge_end *b);

/*
 * Learn e->nblocks in bs-byte blocks: READ CAPACITY (10, then 16 when
 * needed) on sg, BLKGETSIZE64 and BLKSSZGET on a block device.  Others stay
 * -1: a regular file is read to its end, whatever st_size says (/proc and
 * sysfs files say 0).
 * A device whose logical block size is not bs is an error.  A failed
 * READ CAPACITY (retried as sgx_retry() says, up to retries times) is an
 * error only when need is set (count must be derived).
 */
int sge_capacity(struct sge_end *e, int bs, bool need, int retries,
		 int verbose);

/*
 * Put a non-sg end at block blocks (bs bytes each; sgm_parse() made sure
 * blocks * bs fits in off_t): lseek, or for a non-seekable input read and
 * discard.  sg ends address LBAs per command and are left alone.  A
 * non-seekable output cannot seek: an error.  An input that ends before
 * the block is not an error: the copy reads nothing and says so.
 */
int sge_position(struct sge_end *e, int64_t blocks, int bs, int verbose);

/*
 * Close e (never stdin/stdout), leaving e->fd -1.  Returns 0, or for an
 * output whose close(2) failed (NFS reports late write errors there) an
 * exit status after one line naming it.
 */
int sge_close(struct sge_end *e);

#endif /* SGSMMAP_ENDPOINT_H */
