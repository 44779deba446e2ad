/* SPDX-License-Identifier: BSD-2-Clause */
/* sg_xfer.c - READ/WRITE CDBs and the SG_IO wrapper; see sg_xfer.h. */
#include "msg.h"
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <scsi/sg_lib.h>
#include <scsi/sg_io_linux.h>
#include <scsi/sg_pr2serr.h>
#include <scsi/sg_unaligned.h>

#include "sg_smmap.h"
#include "sg_xfer.h"
#include "sysio.h"

#define SGX_BUSY_TRIES 500	/* EBUSY retries, SGX_BUSY_NS apart */
#define SGX_BUSY_NS 10000000L	/* 10 ms: 5 s in all */

/* Opcodes of READ and WRITE, indexed by size class 6, 10, 12, 16. */
static const uint8_t rd_op[4] = { 0x08, 0x28, 0xa8, 0x88 };
static const uint8_t wr_op[4] = { 0x0a, 0x2a, 0xaa, 0x8a };

/* Index into the opcode tables, or -1 for a size that does not exist. */
static int size_class(int cdbsz)
{
	switch (cdbsz) {
	case 6:  return 0;
	case 10: return 1;
	case 12: return 2;
	case 16: return 3;
	}
	return -1;
}

/* Whether a cdbsz-byte CDB can carry blocks blocks whose last is last. */
static bool fits(int cdbsz, uint64_t last, uint32_t blocks, bool dpo_fua)
{
	switch (cdbsz) {
	case 6:
		return !dpo_fua && blocks <= 256 && last <= 0x1fffff;
	case 10:
		return blocks <= 0xffff && last <= 0xffffffffULL;
	case 12:
		return last <= 0xffffffffULL;
	}
	return true;
}

int sgx_build_rw_cdb(uint8_t *cdb, int cdbsz, bool is_write, uint64_t lba,
		     uint32_t blocks, bool dpo, bool fua)
{
	int k = size_class(cdbsz);

	if (k < 0 || blocks == 0 || (k == 0 && (dpo || fua)))
		return -EINVAL;
	/* the last LBA, lba + blocks - 1, must exist (no wrap past 2^64) */
	if (lba > UINT64_MAX - (blocks - 1) ||
	    !fits(cdbsz, lba + (blocks - 1), blocks, false))
		return -ERANGE;
	memset(cdb, 0, cdbsz);
	cdb[0] = is_write ? wr_op[k] : rd_op[k];
	if (k > 0)
		cdb[1] = (dpo ? 0x10 : 0) | (fua ? 0x08 : 0);
	switch (k) {
	case 0:
		sg_put_unaligned_be24((uint32_t)lba, cdb + 1);
		cdb[4] = (uint8_t)blocks;	/* 256 is encoded as 0 */
		break;
	case 1:
		sg_put_unaligned_be32((uint32_t)lba, cdb + 2);
		sg_put_unaligned_be16((uint16_t)blocks, cdb + 7);
		break;
	case 2:
		sg_put_unaligned_be32((uint32_t)lba, cdb + 2);
		sg_put_unaligned_be32(blocks, cdb + 6);
		break;
	default:
		sg_put_unaligned_be64(lba, cdb + 2);
		sg_put_unaligned_be32(blocks, cdb + 10);
		break;
	}
	return 0;
}

int sgx_build_verify_cdb(uint8_t *cdb, int cdbsz, uint64_t lba,
			 uint32_t blocks, bool dpo)
{
	static const uint8_t vr_op[4] = { 0x2f, 0x2f, 0xaf, 0x8f };
	int res, k = size_class(cdbsz);

	if (k == 0)
		cdbsz = 10, k = 1;
	res = sgx_build_rw_cdb(cdb, cdbsz, false, lba, blocks, dpo, false);
	if (res)
		return res;
	cdb[0] = vr_op[k];
	cdb[1] |= 0x02;		/* BYTCHK=1: compare with the data-out */
	return cdbsz;
}

int sgx_fit_cdbsz(int cdbsz, uint64_t end_lba, uint32_t bpt, bool dpo_fua)
{
	static const int sizes[] = { 6, 10, 12, 16 };
	int k = size_class(cdbsz);

	if (k < 0)
		return -EINVAL;
	for (; k < 3; k++)	/* no command at all (end 0): any size fits */
		if (fits(sizes[k], end_lba ? end_lba - 1 : 0, bpt, dpo_fua))
			break;
	return sizes[k];
}

/*
 * One SG_IO, repeated while the driver says EBUSY (an interrupted command
 * may still hold the reserve buffer).  Returns 0 or -errno.
 */
static int sg_io_busy(int fd, struct sg_io_hdr *h)
{
	struct timespec ts = { 0, SGX_BUSY_NS };
	int res, tries = 0;

	while ((res = sio_ioctl(fd, SG_IO, h)) == -EBUSY &&
	       ++tries < SGX_BUSY_TRIES)
		nanosleep(&ts, NULL);
	return res < 0 ? res : 0;
}

const char *sgx_cmd_str(enum sgx_cmd cmd)
{
	return cmd == SGX_READ ? "READ" : cmd == SGX_WRITE ? "WRITE"
							    : "VERIFY";
}

/* "READ from", "WRITE to", "VERIFY on": the lead of a message. */
static const char *lead_str(enum sgx_cmd cmd)
{
	return cmd == SGX_READ ? "READ from" : cmd == SGX_WRITE ? "WRITE to"
								 : "VERIFY on";
}

/*
 * Note the LBA the sense names (medium error, miscompare); print the sense
 * through libsgutils2 unless the caller lists such errors itself.
 */
static void report(const struct sgx_dev *d, enum sgx_cmd cmd, uint64_t lba,
		   struct sg_io_hdr *h, int cat, struct sgx_result *res)
{
	bool listed = cat == SG_LIB_CAT_MEDIUM_HARD ||
		      cat == SG_LIB_CAT_MISCOMPARE;
	char lead[96];
	uint64_t info;

	if (listed && sg_get_sense_info_fld(h->sbp, h->sb_len_wr, &info)) {
		res->lba_valid = true;
		res->bad_lba = info;
	}
	if (listed && d->quiet_medium)
		return;
	snprintf(lead, sizeof(lead), SGM_PFX "%s %s, lba=%" PRIu64,
		 lead_str(cmd), d->name, lba);
	sg_chk_n_print3(lead, h, d->verbose > 1);
	if (res->lba_valid && cat == SG_LIB_CAT_MEDIUM_HARD)
		pr2serr(SGM_PFX "medium error at lba=%" PRIu64 " [0x%" PRIx64
			"] on %s\n", res->bad_lba, res->bad_lba, d->name);
	if (d->verbose && cat == SG_LIB_CAT_ILLEGAL_REQ)
		sg_print_command_len(h->cmdp, h->cmd_len);
}

/*
 * Say why SG_IO itself failed.  Quiet for EINTR (a fatal signal stopped
 * the copy: the summary says so) and for EFAULT on a dio request (the
 * caller falls back to indirect IO and says that).
 */
static void os_report(const struct sgx_dev *d, enum sgx_cmd cmd,
		      uint64_t lba, int err, unsigned int flags)
{
	if (err == EINTR || (err == EFAULT && (flags & SG_FLAG_DIRECT_IO)))
		return;
	pr2serr(SGM_PFX "%s %s, lba=%" PRIu64 ": SG_IO failed: %s\n",
		lead_str(cmd), d->name, lba, strerror(err));
}

/* Fill h for one command (a fresh pack_id each time: it tags commands
 * in driver traces). */
static void fill_hdr(const struct sgx_dev *d, bool is_write, uint8_t *cdb,
		     int cdb_len, uint32_t len, void *buf, unsigned int flags,
		     uint8_t *sense, struct sg_io_hdr *h)
{
	static unsigned int pack_id;	/* one thread issues commands */

	memset(h, 0, sizeof(*h));
	h->interface_id = 'S';
	h->cmd_len = (unsigned char)cdb_len;
	h->cmdp = cdb;
	h->dxfer_direction = is_write ? SG_DXFER_TO_DEV : SG_DXFER_FROM_DEV;
	h->dxfer_len = len;
	h->dxferp = buf;
	h->mx_sb_len = SGX_SENSE_LEN;
	h->sbp = sense;
	h->timeout = d->timeout_ms ? d->timeout_ms : SGX_TIMEOUT_MS;
	h->flags = flags;
	h->pack_id = (int)++pack_id;
}

/* One attempt: build the header, run it, categorise.  Convention above. */
static int attempt(const struct sgx_dev *d, bool is_write, uint8_t *cdb,
		   int cdb_len, uint32_t len, void *buf, unsigned int flags,
		   uint8_t *sense, struct sg_io_hdr *h)
{
	int err;

	fill_hdr(d, is_write, cdb, cdb_len, len, buf, flags, sense, h);
	err = sg_io_busy(d->fd, h);
	if (err)
		return err;
	return sg_err_category3(h);
}

bool sgx_retryable(int cat, const uint8_t *sense, int sense_len)
{
	struct sg_scsi_sense_hdr ssh;

	switch (cat) {
	case SG_LIB_CAT_UNIT_ATTENTION:
	case SG_LIB_CAT_ABORTED_COMMAND:
	case SG_LIB_CAT_BUSY:
	case SG_LIB_CAT_TIMEOUT:
		return true;
	case SG_LIB_CAT_NOT_READY:
		if (!sense || !sg_scsi_normalize_sense(sense, sense_len, &ssh))
			return false;
		/* 04/01 becoming ready, 04/07 operation in progress,
		 * 04/1a start stop unit in progress, 04/1b sanitize ... */
		return ssh.asc == 0x04 && (ssh.ascq == 0x01 || ssh.ascq == 0x07 ||
					   ssh.ascq == 0x1a || ssh.ascq == 0x1b);
	}
	return false;
}

bool sgx_retry(int cat, const uint8_t *sense, int sense_len, int *tries,
	       int max, const char *cmd, const char *name)
{
	char b[80];

	if (max < 0)
		max = cat == SG_LIB_CAT_UNIT_ATTENTION ||
		      cat == SG_LIB_CAT_ABORTED_COMMAND;
	if (!sgx_retryable(cat, sense, sense_len) || *tries >= max)
		return false;
	++*tries;
	pr2serr(SGM_PFX "%s on %s of %s, retry %d of %d\n",
		sg_get_category_sense_str(cat, sizeof(b), b, 0), cmd, name,
		*tries, max);
	return true;
}

/*
 * Build the CDB of cmd for blocks blocks at lba into cdb, printing it at
 * verbose > 2.  Returns its length, or -1 after one line on stderr.
 */
static int build_cdb(const struct sgx_dev *d, enum sgx_cmd cmd,
		     uint64_t lba, uint32_t blocks, uint8_t *cdb)
{
	int len = d->cdbsz;
	char b[128];

	if (cmd == SGX_VERIFY)
		len = sgx_build_verify_cdb(cdb, d->cdbsz, lba, blocks, d->dpo);
	else if (sgx_build_rw_cdb(cdb, d->cdbsz, cmd != SGX_READ, lba, blocks,
				  d->dpo, d->fua))
		len = -EINVAL;
	if (len < 0) {
		pr2serr(SGM_PFX "cannot build a %d-byte %s CDB for lba=%"
			PRIu64 ", blocks=%" PRIu32 "\n", d->cdbsz,
			sgx_cmd_str(cmd), lba, blocks);
		return -1;
	}
	if (d->verbose > 2)
		pr2serr(SGM_PFX "%s cdb: %s\n", cmd == SGX_READ ? "Read" :
			cmd == SGX_WRITE ? "Write" : "Verify",
			sg_get_command_str(cdb, len, false, sizeof(b), b));
	return len;
}

int sgx_rw(const struct sgx_dev *d, enum sgx_cmd cmd, uint64_t lba,
	   uint32_t blocks, void *buf, unsigned int flags,
	   struct sgx_result *res)
{
	uint8_t cdb[SGX_MAX_CDBSZ], sense[SGX_SENSE_LEN];
	bool is_write = cmd != SGX_READ;
	struct sg_io_hdr h;
	int cat, len;

	memset(res, 0, sizeof(*res));
	len = build_cdb(d, cmd, lba, blocks, cdb);
	if (len < 0)
		return SG_LIB_SYNTAX_ERROR;
	for (;;) {
		cat = attempt(d, is_write, cdb, len, blocks * (uint32_t)d->bs,
			      buf, flags, sense, &h);
		if (cat < 0) {
			res->os_err = -cat;
			os_report(d, cmd, lba, -cat, flags);
			return sg_convert_errno(-cat);
		}
		res->info = h.info;
		res->resid = h.resid;
		if (!sgx_retry(cat, sense, h.sb_len_wr, &res->retried,
			       d->retries, sgx_cmd_str(cmd), d->name))
			break;
	}
	if (cat == SG_LIB_CAT_RECOVERED) {
		if (d->verbose)
			sg_chk_n_print3(SGM_PFX "recovered error, continuing",
					&h, d->verbose > 1);
		return 0;
	}
	if (cat != SG_LIB_CAT_CLEAN)
		report(d, cmd, lba, &h, cat, res);
	return cat;
}

int sgx_prep(const struct sgx_dev *d, enum sgx_cmd cmd, uint64_t lba,
	     uint32_t blocks, void *buf, unsigned int flags,
	     struct sgx_req *q)
{
	int len = build_cdb(d, cmd, lba, blocks, q->cdb);

	memset(&q->res, 0, sizeof(q->res));
	q->cmd = cmd;
	q->lba = lba;
	if (len < 0)
		return SG_LIB_SYNTAX_ERROR;
	fill_hdr(d, cmd != SGX_READ, q->cdb, len, blocks * (uint32_t)d->bs,
		 buf, flags, q->sense, &q->hdr);
	return 0;
}

/* Why a write(2) or read(2) of the v3 interface failed (as os_report). */
static int v3_failed(const struct sgx_dev *d, struct sgx_req *q, int err)
{
	q->res.os_err = err;
	os_report(d, q->cmd, q->lba, err, q->hdr.flags);
	return sg_convert_errno(err);
}

int sgx_submit(const struct sgx_dev *d, struct sgx_req *q)
{
	struct timespec ts = { 0, SGX_BUSY_NS };
	ssize_t n;
	int tries = 0;

	/* EBUSY: the reserve of an earlier command may still be in use */
	while ((n = sio_write1(d->fd, &q->hdr, sizeof(q->hdr))) == -EBUSY &&
	       ++tries < SGX_BUSY_TRIES)
		nanosleep(&ts, NULL);
	if (n < 0)
		return v3_failed(d, q, (int)-n);
	return 0;
}

int sgx_collect(const struct sgx_dev *d, struct sgx_req *q)
{
	ssize_t n = sio_read1(d->fd, &q->hdr, sizeof(q->hdr));

	if (n == -EINTR)
		return -EINTR;	/* still in flight: nothing to report */
	if (n < 0)
		return v3_failed(d, q, (int)-n);
	return 0;
}

int sgx_finish(const struct sgx_dev *d, struct sgx_req *q, bool *again)
{
	struct sg_io_hdr *h = &q->hdr;
	int cat = sg_err_category3(h);

	q->res.info = h->info;
	q->res.resid = h->resid;
	*again = sgx_retry(cat, q->sense, h->sb_len_wr, &q->res.retried,
			   d->retries, sgx_cmd_str(q->cmd), d->name);
	if (*again) {
		h->pack_id++;	/* a new try: a new tag */
		return cat;
	}
	if (cat == SG_LIB_CAT_RECOVERED) {
		if (d->verbose)
			sg_chk_n_print3(SGM_PFX "recovered error, continuing",
					h, d->verbose > 1);
		return 0;
	}
	if (cat != SG_LIB_CAT_CLEAN)
		report(d, q->cmd, q->lba, h, cat, &q->res);
	return cat;
}
