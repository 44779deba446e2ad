/* SPDX-License-Identifier: BSD-2-Clause */
/* endpoint.c - open, classify, size and position the ends; see the .h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1	/* O_DIRECT */
#endif
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/major.h>

#include <scsi/sg_lib.h>
#include <scsi/sg_cmds_basic.h>
#include <scsi/sg_pr2serr.h>
#include <scsi/sg_unaligned.h>

#include "endpoint.h"
#include "msg.h"
#include "sg_reserve.h"
#include "sg_xfer.h"
#include "sysio.h"

#define DEV_NULL_MINOR 3	/* /dev/null is char 1:3 */
#define SG_V3_MIN_VERSION 30000	/* sg_io_hdr and SG_IO need sg 3.x */
#define DISCARD_CHUNK 65536	/* skip on a pipe reads this much at a time */

const char *sge_type_str(enum sge_type type)
{
	switch (type) {
	case SGE_REG:    return "regular file";
	case SGE_SG:     return "SCSI generic (sg) device";
	case SGE_BLOCK:  return "block device";
	case SGE_NULL:   return "null device";
	case SGE_STDIO:  return "standard stream";
	case SGE_STREAM: return "character device or pipe";
	}
	return "unknown";
}

/*
 * What the open file st is: e->type.  Returns 0, or an exit status for a
 * directory or a SCSI tape (its READ/WRITE CDBs differ).
 */
static int classify(struct sge_end *e, const struct stat *st)
{
	if (S_ISCHR(st->st_mode)) {
		unsigned int maj = major(st->st_rdev);

		if (maj == MEM_MAJOR && minor(st->st_rdev) == DEV_NULL_MINOR)
			e->type = SGE_NULL;
		else if (maj == SCSI_GENERIC_MAJOR)
			e->type = SGE_SG;
		else if (maj == SCSI_TAPE_MAJOR) {
			pr2serr(SGM_PFX "%s=%s: SCSI tape devices are not "
				"supported\n", e->role, e->name);
			return SG_LIB_FILE_ERROR;
		} else
			e->type = SGE_STREAM;
	} else if (S_ISBLK(st->st_mode))
		e->type = SGE_BLOCK;
	else if (S_ISREG(st->st_mode))
		e->type = SGE_REG;
	else if (S_ISDIR(st->st_mode)) {
		pr2serr(SGM_PFX "%s=%s: is a directory\n", e->role, e->name);
		return SG_LIB_FILE_ERROR;
	} else
		e->type = SGE_STREAM;
	return 0;
}

/* open(2) flags for an end of type type, with the user's fl. */
static int open_flags(enum sge_type type, bool is_out,
		      const struct sgm_flags *fl)
{
	int flags;

	if (type == SGE_SG)
		flags = O_RDWR | O_NONBLOCK;
	else if (!is_out)
		flags = O_RDONLY;
	else
		flags = O_WRONLY | (fl->append ? O_APPEND : 0);
	if (fl->direct && type != SGE_SG)
		flags |= O_DIRECT;
	if (fl->excl)
		flags |= O_EXCL;
	if (fl->dsync)
		flags |= O_SYNC;
	return flags | O_CLOEXEC;
}

/* Note the identity of the open file st (for sge_same()). */
static void set_id(struct sge_end *e, const struct stat *st)
{
	e->has_id = true;
	e->dev = st->st_dev;
	e->ino = st->st_ino;
}

/*
 * The absolute path a name will have once created: its directory resolved
 * (realpath), then its last component.  NULL when that cannot be told.
 */
static char *abs_path(const char *name)
{
	const char *slash = strrchr(name, '/');
	char *dir, *real, *res = NULL;

	if (!slash)
		dir = strdup(".");
	else if (slash == name)
		dir = strdup("/");
	else
		dir = strndup(name, (size_t)(slash - name));
	real = dir ? realpath(dir, NULL) : NULL;
	if (real && asprintf(&res, "%s/%s", real, slash ? slash + 1 : name) < 0)
		res = NULL;
	free(real);
	free(dir);
	return res;
}

/*
 * The name does not exist: fine for an output (made later by sge_create()
 * unless nocreat), an error for an input.  Remembers the absolute path.
 */
static int missing(struct sge_end *e, const struct sgm_flags *fl, int err)
{
	if (!e->is_out || err != ENOENT) {
		pr2serr(SGM_PFX "%s=%s: cannot open: %s\n", e->role, e->name,
			strerror(err));
		return err == ENOENT ? SG_LIB_FILE_ERROR : sg_convert_errno(err);
	}
	if (fl->nocreat) {
		pr2serr(SGM_PFX "%s=%s: does not exist, and oflag=nocreat\n",
			e->role, e->name);
		return SG_LIB_FILE_ERROR;
	}
	e->type = SGE_REG;
	e->missing = true;
	e->abs = abs_path(e->name);
	return 0;
}

/* An sg end must speak sg v3 (sg_io_hdr); note its version. */
static int check_sg(struct sge_end *e, int verbose)
{
	int res = sgr_version(e->fd, &e->version);

	if (res < 0 || e->version < SG_V3_MIN_VERSION) {
		pr2serr(SGM_PFX "%s=%s: not an sg v3 device (SG_GET_VERSION_NUM: %s)\n",
			e->role, e->name, res < 0 ? strerror(-res) : "too old");
		return SG_LIB_FILE_ERROR;
	}
	if (verbose)
		pr2serr(SGM_PFX "%s=%s: sg driver version %d\n", e->role, e->name,
			e->version);
	return 0;
}

/*
 * Open e->name: a handle that never blocks and never has side effects
 * (O_PATH) tells what it is, then the real open with the flags its type
 * needs must reach the same inode.
 */
static int open_named(struct sge_end *e, const struct sgm_flags *fl,
		      int verbose)
{
	struct stat st, st2;
	int res, fd, probe;

	probe = sio_open(e->name, O_PATH | O_CLOEXEC, 0);
	if (probe < 0)
		return missing(e, fl, -probe);
	res = sio_fstat(probe, &st);
	(void)sio_close(probe);
	if (res < 0) {
		pr2serr(SGM_PFX "%s=%s: fstat: %s\n", e->role, e->name,
			strerror(-res));
		return SG_LIB_FILE_ERROR;
	}
	res = classify(e, &st);
	if (res)
		return res;
	if (verbose)
		pr2serr(SGM_PFX "%s=%s: %s\n", e->role, e->name,
			sge_type_str(e->type));
	if (e->type == SGE_NULL && e->is_out)
		return 0;	/* writes are dropped, never made */
	fd = sio_open(e->name, open_flags(e->type, e->is_out, fl), 0);
	if (fd < 0) {
		pr2serr(SGM_PFX "%s=%s: cannot open: %s\n", e->role, e->name,
			strerror(-fd));
		return sg_convert_errno(-fd);
	}
	e->fd = fd;
	if (sio_fstat(fd, &st2) < 0 || st2.st_dev != st.st_dev ||
	    st2.st_ino != st.st_ino) {
		pr2serr(SGM_PFX "%s=%s: changed while being opened\n", e->role,
			e->name);
		return SG_LIB_FILE_ERROR;
	}
	set_id(e, &st2);
	e->direct = fl->direct && e->type != SGE_SG;
	return e->type == SGE_SG ? check_sg(e, verbose) : 0;
}

int sge_open(struct sge_end *e, const char *role, const char *name,
	     bool is_out, const struct sgm_flags *fl, int verbose)
{
	struct stat st;

	memset(e, 0, sizeof(*e));
	e->role = role;
	e->name = name ? name : "-";
	e->is_out = is_out;
	e->fd = -1;
	e->nblocks = -1;
	if (sgm_is_stdio(name)) {
		e->type = SGE_STDIO;
		e->fd = is_out ? STDOUT_FILENO : STDIN_FILENO;
		if (sio_fstat(e->fd, &st) == 0)
			set_id(e, &st);
	} else if (sgm_is_dot(name)) {
		e->type = SGE_NULL;
		if (!is_out) {	/* "." as input: empty */
			e->fd = sio_open("/dev/null", O_RDONLY | O_CLOEXEC, 0);
			if (e->fd < 0)
				return sg_convert_errno(-e->fd);
		}
	} else
		return open_named(e, fl, verbose);
	if (verbose)
		pr2serr(SGM_PFX "%s=%s: %s\n", role, e->name,
			sge_type_str(e->type));
	return 0;
}

int sge_create(struct sge_end *e, const struct sgm_flags *fl, int verbose)
{
	struct stat st;
	int fd;

	if (!e->missing)
		return 0;
	fd = sio_open(e->name, open_flags(SGE_REG, true, fl) | O_CREAT |
		      O_EXCL, 0666);
	if (fd < 0) {
		pr2serr(SGM_PFX "%s=%s: cannot create: %s\n", e->role, e->name,
			strerror(-fd));
		return sg_convert_errno(-fd);
	}
	e->fd = fd;
	e->missing = false;
	e->direct = fl->direct;
	if (sio_fstat(fd, &st) == 0)
		set_id(e, &st);
	if (verbose)
		pr2serr(SGM_PFX "%s=%s: created\n", e->role, e->name);
	return 0;
}

bool sge_same(const struct sge_end *a, const struct sge_end *b)
{
	if (a->has_id && b->has_id)
		return a->dev == b->dev && a->ino == b->ino;
	return a->missing && b->missing && a->abs && b->abs &&
	       strcmp(a->abs, b->abs) == 0;
}

/* READ CAPACITY (10), or (16) when 10 cannot tell; retried as every
 * command is (sgx_retry).  Returns 0 or an exit status. */
static int read_capacity(struct sge_end *e, int retries, int verbose)
{
	uint8_t r[32];
	int res, tries = 0, v = verbose > 1 ? verbose - 1 : 0;
	bool big = false;

	for (;;) {
		if (!big)
			res = sg_ll_readcap_10(e->fd, false, 0, r, 8, true, v);
		else
			res = sg_ll_readcap_16(e->fd, false, 0, r, 32, true, v);
		if (sgx_retry(res, NULL, 0, &tries, retries, "READ CAPACITY",
			      e->name))
			continue;
		if (res)
			return res < 0 ? SG_LIB_CAT_OTHER : res;
		if (big || sg_get_unaligned_be32(r) != 0xffffffff)
			break;
		big = true;	/* more than 2^32 blocks */
		tries = 0;
	}
	if (big) {
		e->nblocks = (int64_t)sg_get_unaligned_be64(r) + 1;
		e->lbsz = (int)sg_get_unaligned_be32(r + 8);
	} else {
		e->nblocks = (int64_t)sg_get_unaligned_be32(r) + 1;
		e->lbsz = (int)sg_get_unaligned_be32(r + 4);
	}
	return 0;
}

/* BLKGETSIZE64 and BLKSSZGET.  Returns 0 or an exit status. */
static int block_capacity(struct sge_end *e)
{
	uint64_t bytes;
	int res = sio_ioctl(e->fd, BLKSSZGET, &e->lbsz);

	if (res >= 0)
		res = sio_ioctl(e->fd, BLKGETSIZE64, &bytes);
	if (res < 0) {
		pr2serr(SGM_PFX "%s=%s: block device size: %s\n", e->role, e->name,
			strerror(-res));
		return SG_LIB_FILE_ERROR;
	}
	e->nblocks = e->lbsz > 0 ? (int64_t)(bytes / (unsigned)e->lbsz) : -1;
	return 0;
}

int sge_capacity(struct sge_end *e, int bs, bool need, int retries,
		 int verbose)
{
	char b[80];
	int res = 0;

	if (e->type == SGE_SG) {
		res = read_capacity(e, retries, verbose);
		if (res && !need) {
			pr2serr(SGM_PFX "%s=%s: READ CAPACITY failed (%s), going on\n",
				e->role, e->name, sg_get_category_sense_str(
					res, sizeof(b), b, verbose));
			return 0;
		}
		if (res)
			pr2serr(SGM_PFX "%s=%s: READ CAPACITY: %s\n", e->role, e->name,
				sg_get_category_sense_str(res, sizeof(b), b,
							  verbose));
	} else if (e->type == SGE_BLOCK)
		res = block_capacity(e);
	if (res)
		return res;
	if (e->lbsz && e->lbsz != bs) {
		pr2serr(SGM_PFX "%s=%s: logical block size is %d bytes but bs=%d\n",
			e->role, e->name, e->lbsz, bs);
		return SG_LIB_FILE_ERROR;
	}
	if (verbose && e->nblocks >= 0)
		pr2serr(SGM_PFX "%s=%s: %" PRId64 " blocks of %d bytes\n", e->role,
			e->name, e->nblocks, e->lbsz);
	return 0;
}

/* Read and throw away bytes bytes of a non-seekable input. */
static int discard(struct sge_end *e, int64_t bytes)
{
	char buf[DISCARD_CHUNK];

	while (bytes > 0) {
		size_t n = bytes < (int64_t)sizeof(buf) ? (size_t)bytes
							 : sizeof(buf);
		ssize_t got = sio_read_full(e->fd, buf, n);

		if (got < 0) {
			pr2serr(SGM_PFX "%s=%s: skipping: %s\n", e->role, e->name,
				strerror((int)-got));
			return sg_convert_errno((int)-got);
		}
		if (got == 0)
			break;	/* skip past the end: nothing to copy */
		bytes -= got;
	}
	return 0;
}

int sge_position(struct sge_end *e, int64_t blocks, int bs, int verbose)
{
	int res;

	if (blocks == 0 || e->type == SGE_SG || e->fd < 0)
		return 0;
	res = sio_seek(e->fd, (off_t)(blocks * bs));
	if (res == -ESPIPE && !e->is_out)
		return discard(e, blocks * bs);
	if (res < 0) {
		pr2serr(SGM_PFX "%s=%s: cannot %s to block %" PRId64 ": %s\n", e->role,
			e->name, e->is_out ? "seek" : "skip", blocks,
			strerror(-res));
		return sg_convert_errno(-res);
	}
	if (verbose)
		pr2serr(SGM_PFX "%s=%s: at byte offset %" PRId64 "\n", e->role,
			e->name, blocks * bs);
	return 0;
}

int sge_close(struct sge_end *e)
{
	int res = 0;

	if (e->fd >= 0 && e->type != SGE_STDIO)
		res = sio_close(e->fd);
	e->fd = -1;
	free(e->abs);
	e->abs = NULL;
	if (res < 0 && e->is_out) {
		pr2serr(SGM_PFX "%s=%s: close: %s\n", e->role, e->name,
			strerror(-res));
		return sg_convert_errno(-res);
	}
	return 0;
}
