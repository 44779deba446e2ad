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

#define SGX_MAX_CDBSZ 16

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
};

/* What one command (after any retry) came back with. */
struct sgx_result {
	unsigned int info;	/* sg_io_hdr.info: SG_INFO_* bits */
	int resid;		/* residual byte count */
	int os_err;		/* errno when SG_IO itself failed, else 0 */
	bool lba_valid;		/* bad_lba holds the sense information field */
	uint64_t bad_lba;	/* first failing LBA of a medium error */
	bool retried;		/* a unit attention / aborted command was retried */
};

/*
 * The retry rule of the commands sent to sg devices: a unit attention or
 * an aborted command is retried once.  Returns true, after one line on
 * stderr ("<category> on CMD of NAME, retrying once"), when cat calls for
 * that retry and *tries counts none yet; the retry is counted in *tries.
 */
bool sgx_retry_once(int cat, int *tries, const char *cmd, const char *name);

/*
 * READ (is_write false) or WRITE blocks blocks at lba on d.  buf becomes
 * dxferp (NULL with SG_FLAG_MMAP_IO), flags goes into sg_io_hdr.flags.
 * Retries EINTR (see sysio.h), EBUSY for a while (the reserve buffer of an
 * interrupted command is still in use), and once a unit attention or an
 * aborted command.  Decodes and prints sense with libsgutils2 on failure,
 * naming the medium error LBA; says why when SG_IO itself fails (quiet
 * for EINTR, and for EFAULT on a SG_FLAG_DIRECT_IO request, which the
 * caller may retry without dio).  Returns as described at the top.
 */
int sgx_rw(const struct sgx_dev *d, bool is_write, uint64_t lba,
	   uint32_t blocks, void *buf, unsigned int flags,
	   struct sgx_result *res);

#endif /* SGSMMAP_SG_XFER_H */
