/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sg_xfer.h - READ and WRITE through the sg v3 interface (SG_IO).
 *
 * Return convention of every function here that talks to a device: 0 on
 * success (recovered errors included), else an sg3_utils exit status:
 * an SG_LIB_CAT_* sense category when the device refused, or
 * sg_convert_errno(errno) when the SG_IO ioctl itself failed (the errno is
 * also left in struct sgx_result.os_err so a caller can fall back).
 */
#ifndef SGSMMAP_SG_XFER_H
#define SGSMMAP_SG_XFER_H

#include <stdbool.h>
#include <stdint.h>
#include <scsi/sg.h>

#define SGX_MAX_CDBSZ 16
#define SGX_SENSE_LEN 64	/* room for descriptor sense */

/* glibc's <scsi/sg.h> predates mmap IO; this is the kernel's value. */
#ifndef SG_FLAG_MMAP_IO
#define SG_FLAG_MMAP_IO 4
#endif

/*
 * Build a READ (is_write false) or WRITE CDB of cdbsz bytes for blocks
 * blocks starting at lba into cdb[0..cdbsz-1].  Pure.
 * Returns 0; -EINVAL for a cdbsz other than 6, 10, 12, 16, for blocks == 0,
 * or for dpo/fua with a 6-byte CDB (it has no such bits); -ERANGE when the
 * last LBA or the block count does not fit the CDB's fields
 * (6: last LBA <= 0x1fffff, blocks <= 256; 10: last LBA <= 0xffffffff,
 * blocks <= 0xffff; 12: last LBA <= 0xffffffff; 16: any 64-bit LBA).
 */
int sgx_build_rw_cdb(uint8_t *cdb, int cdbsz, bool is_write, uint64_t lba,
		     uint32_t blocks, bool dpo, bool fua);

/*
 * Build a VERIFY CDB with BYTCHK=1 (the data-out holds the blocks to
 * compare) for blocks blocks at lba: VERIFY(10), (12) or (16) as cdbsz
 * says; cdbsz 6 gives VERIFY(10), as there is no VERIFY(6).  Pure.
 * Returns the CDB's size, or -EINVAL / -ERANGE as sgx_build_rw_cdb().
 */
int sgx_build_verify_cdb(uint8_t *cdb, int cdbsz, uint64_t lba,
			 uint32_t blocks, bool dpo);

/* The commands sgx_rw() sends. */
enum sgx_cmd {
	SGX_READ,		/* READ(6/10/12/16) */
	SGX_WRITE,		/* WRITE(6/10/12/16) */
	SGX_VERIFY,		/* VERIFY(10/12/16), BYTCHK=1: data-out */
};

/*
 * The smallest CDB size, not below cdbsz, whose fields can address every
 * command of a copy whose commands end at or before end_lba (exclusive)
 * and carry at most bpt blocks; dpo_fua rules out 6.  Pure.  Returns 6,
 * 10, 12 or 16 (16 always fits), or -EINVAL when cdbsz itself is not one
 * of those.
 */
int sgx_fit_cdbsz(int cdbsz, uint64_t end_lba, uint32_t bpt, bool dpo_fua);

/* How one sg end issues its READs or WRITEs. */
#define SGX_TIMEOUT_MS 60000	/* per command, as sg3_utils' dd tools */

struct sgx_dev {
	int fd;			/* open sg device */
	const char *name;	/* its path, for messages */
	int cdbsz;		/* 6, 10, 12 or 16 */
	bool dpo;		/* DPO bit in each CDB */
	bool fua;		/* FUA bit in each CDB */
	int bs;			/* logical block size in bytes */
	int verbose;		/* >2: print each CDB; >1: raw sense too */
	unsigned int timeout_ms;	/* per command; 0: SGX_TIMEOUT_MS */
	int retries;		/* retries of a retryable error, -1: the
				   default rule (sgx_retry) */
	bool quiet_medium;	/* no sense print for a medium error or a
				   miscompare: the caller (coe) lists it */
};

/* What one command (after any retry) came back with. */
struct sgx_result {
	unsigned int info;	/* sg_io_hdr.info: SG_INFO_* bits */
	int resid;		/* residual byte count */
	int os_err;		/* errno when SG_IO itself failed, else 0 */
	bool lba_valid;		/* bad_lba holds the sense information field */
	uint64_t bad_lba;	/* the failing LBA a medium error or a
				   miscompare names */
	int retried;		/* retries done (sgx_retry) */
};

/*
 * Whether an error of category cat can succeed when the command is sent
 * again: a unit attention, an aborted command, BUSY, a timeout, or NOT
 * READY with "in progress" additional sense (04/01 becoming ready, 04/07
 * operation in progress, 04/1b sanitize..., as libsgutils2 decodes them;
 * sense may be NULL, then NOT READY is not retried).  Never ILLEGAL
 * REQUEST, DATA PROTECT, MEDIUM ERROR or MISCOMPARE.  Pure.
 */
bool sgx_retryable(int cat, const uint8_t *sense, int sense_len);

/*
 * The retry rule of every command sent to sg devices: a retryable error
 * (sgx_retryable) is retried up to max times.  max -1 (retries= not
 * given) keeps sg_dd's and 0.1.0's rule: a unit attention or an aborted
 * command once, the other retryable errors (a timeout above all, which
 * costs a whole timeout again) never.  Returns true, after one line on
 * stderr ("sgm_dd: <category> on CMD of NAME, retry N of MAX"), when it
 * calls for another try; the try is counted in *tries.
 */
bool sgx_retry(int cat, const uint8_t *sense, int sense_len, int *tries,
	       int max, const char *cmd, const char *name);

/*
 * Send cmd (READ, WRITE or VERIFY) for blocks blocks at lba on d.  buf
 * becomes dxferp (NULL with SG_FLAG_MMAP_IO), flags goes into
 * sg_io_hdr.flags.  Retries EINTR (see sysio.h), EBUSY for a while (the
 * reserve buffer of an interrupted command is still in use), and up to
 * d->retries times a retryable error (sgx_retry).  Decodes and prints
 * sense with libsgutils2 on failure, naming the medium error LBA; says
 * why when SG_IO itself fails (quiet for EINTR, and for EFAULT on a
 * SG_FLAG_DIRECT_IO request, which the caller may retry without dio).
 * Returns as described at the top.
 */
int sgx_rw(const struct sgx_dev *d, enum sgx_cmd cmd, uint64_t lba,
	   uint32_t blocks, void *buf, unsigned int flags,
	   struct sgx_result *res);

/*
 * The same commands through the sg v3 asynchronous interface: write(2)
 * queues a request on d->fd, read(2) collects its response, so one
 * thread keeps many commands in flight (one per fd: an fd's response is
 * then always its one request's).  sgx_prep() fills q (which must stay
 * put until the response is collected: the header points into it);
 * sgx_submit() queues it; sgx_collect() reads the response, waiting for
 * it on a blocking d->fd, and sgx_finish() judges it as sgx_rw() does:
 * retry (*again: submit q again), recovered (0), or a category after the
 * sense is printed.  All return as described at the top (prep: 0 or
 * SG_LIB_SYNTAX_ERROR), but for sgx_collect()'s -EINTR: a fatal signal
 * (sio_set_stop_flag) ended the wait, the request is still in flight and
 * nothing was printed.  q->res accumulates over the tries.
 */
struct sgx_req {
	struct sg_io_hdr hdr;	/* the request, then its response */
	uint8_t cdb[SGX_MAX_CDBSZ];	/* hdr.cmdp */
	uint8_t sense[SGX_SENSE_LEN];	/* hdr.sbp */
	enum sgx_cmd cmd;	/* what it is, for messages */
	uint64_t lba;		/* first block, for messages */
	struct sgx_result res;	/* what it came back with */
};

int sgx_prep(const struct sgx_dev *d, enum sgx_cmd cmd, uint64_t lba,
	     uint32_t blocks, void *buf, unsigned int flags,
	     struct sgx_req *q);
int sgx_submit(const struct sgx_dev *d, struct sgx_req *q);
int sgx_collect(const struct sgx_dev *d, struct sgx_req *q);
int sgx_finish(const struct sgx_dev *d, struct sgx_req *q, bool *again);

/* "READ", "WRITE" or "VERIFY". */
const char *sgx_cmd_str(enum sgx_cmd cmd);

#endif /* SGSMMAP_SG_XFER_H */
