/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sgbench-bsg-uring.h - the bsg io_uring passthrough ABI, for builds whose
 * <linux/bsg.h> predates it (Debian 12's headers: Linux 6.1).
 *
 * The layout is the kernel's: struct bsg_uring_cmd and the packing of the
 * CQE's second result word, as documented in include/uapi/linux/bsg.h of
 * Linux 7.1 and later (read here in Debian's 7.3.4 headers) and consumed by
 * drivers/scsi/scsi_bsg.c.  The names are the project's own (sgb_ prefix),
 * so that this header never collides with a newer <linux/bsg.h>.
 *
 * How the kernel takes a command: IORING_OP_URING_CMD on a /dev/bsg node,
 * in a ring set up with IORING_SETUP_SQE128 and IORING_SETUP_CQE32 (bsg
 * refuses others with EOPNOTSUPP); the 80 bytes of the SQE's command area
 * hold struct sgb_bsg_uring_cmd; IORING_URING_CMD_FIXED in
 * sqe->uring_cmd_flags makes the data address an address inside the
 * registered buffer sqe->buf_index.  The CQE's res is 0 or -errno; its
 * big_cqe[0] carries the SCSI outcome (see sgb_res2_*).
 */
#ifndef SGBENCH_BSG_URING_H
#define SGBENCH_BSG_URING_H

#include <stdint.h>

#define SGB_BSG_PROTOCOL_SCSI		0	/* as BSG_PROTOCOL_SCSI */
#define SGB_BSG_SUB_PROTOCOL_SCSI_CMD	0	/* as BSG_SUB_PROTOCOL_SCSI_CMD */

/* One passthrough command: 80 bytes, the whole SQE128 command area. */
struct sgb_bsg_uring_cmd {
	uint64_t request;		/* user address of the CDB */
	uint32_t request_len;		/* CDB length, bytes */
	uint32_t protocol;		/* SGB_BSG_PROTOCOL_SCSI */
	uint32_t subprotocol;		/* SGB_BSG_SUB_PROTOCOL_SCSI_CMD */
	uint32_t max_response_len;	/* room for sense data at response */
	uint64_t response;		/* user address for sense data */
	uint64_t dout_xferp;		/* data to the device (WRITE) */
	uint32_t dout_xfer_len;		/* its length; nonzero makes a DRV_OUT */
	uint32_t dout_iovec_count;	/* must be 0: flat buffers only */
	uint64_t din_xferp;		/* data from the device (READ) */
	uint32_t din_xfer_len;		/* its length */
	uint32_t din_iovec_count;	/* must be 0 */
	uint32_t timeout_ms;		/* 0: the block layer's default */
	uint8_t reserved[12];		/* must be zero */
};

_Static_assert(sizeof(struct sgb_bsg_uring_cmd) == 80,
	       "bsg uring_cmd payload must fill the SQE128 command area");

/* big_cqe[0] of a completion: bits 0-7 SCSI status, 8-15 driver status,
 * 16-23 host status, 24-31 bytes of sense written, 32-63 residual count. */
static inline unsigned int sgb_res2_status(uint64_t r) { return r & 0xff; }
static inline unsigned int sgb_res2_driver(uint64_t r) { return (r >> 8) & 0xff; }
static inline unsigned int sgb_res2_host(uint64_t r) { return (r >> 16) & 0xff; }
static inline unsigned int sgb_res2_sense_len(uint64_t r) { return (r >> 24) & 0xff; }
static inline uint32_t sgb_res2_resid(uint64_t r) { return r >> 32; }

#endif /* SGBENCH_BSG_URING_H */
