/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sg_reserve.h - an sg fd's reserve buffer: sizing (and the kernel's
 * clamp), mmap, and the probe for shared mmap IO support.
 *
 * Functions that touch a device return 0 or -errno.
 */
#ifndef SGSMMAP_SG_RESERVE_H
#define SGSMMAP_SG_RESERVE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * SG_GET_VERSION_NUM of fd into *version.  Returns 0, or -errno (ENOTTY:
 * not an sg device).
 */
int sgr_version(int fd, int *version);

/* Whether a driver of this version honours SG_FLAG_SHARED_MMAP_IO. */
bool sgr_version_shares(int version);

/* The page size: a mapping, and so a mapped buffer, is whole pages. */
size_t sgr_page_size(void);

/* len rounded up to a whole number of pages. */
size_t sgr_page_round(size_t len);

/*
 * Ask for a reserve buffer of at least want bytes (rounded up to a page)
 * and report in *got what the driver granted: SG_SET_RESERVED_SIZE clamps
 * silently to the queue's max transfer, so *got may be below want.  A
 * reserve already larger is left alone.  Returns 0 or -errno (EBUSY once
 * the buffer has been mmap-ed on 6.1).
 */
int sgr_size(int fd, size_t want, size_t *got);

/*
 * Blocks per transfer that fit in got reserve bytes of bs-byte blocks,
 * never above bpt.  Pure.  Returns 0 when not even one block fits.
 */
int sgr_fit_bpt(size_t got, int bs, int bpt);

/*
 * Map len bytes (at most the reserve size) of fd's reserve buffer,
 * shared and read-write, at offset 0.  Returns 0 with *addr set, or -errno.
 */
int sgr_map(int fd, size_t len, void **addr);

/* Undo sgr_map(); a NULL addr is ignored. */
void sgr_unmap(void *addr, size_t len);

#endif /* SGSMMAP_SG_RESERVE_H */
