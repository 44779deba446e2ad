/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sg_smmap.h - user-space ABI of the sg driver's shared mmap IO extension.
 *
 * Include after <scsi/sg.h>.  Every definition is guarded, so this header
 * works whether or not the system's <scsi/sg.h> already carries them; if it
 * does, the values must agree (a mismatch is a compile-time error).
 */
#ifndef SG_SMMAP_H
#define SG_SMMAP_H

#include <scsi/sg.h>

/* The kernel's sg flags used with this one that glibc's <scsi/sg.h> lacks. */
#ifndef SG_FLAG_MMAP_IO
#define SG_FLAG_MMAP_IO 4
#endif
#ifndef SG_FLAG_Q_AT_TAIL
#define SG_FLAG_Q_AT_TAIL 0x10
#endif
#ifndef SG_FLAG_Q_AT_HEAD
#define SG_FLAG_Q_AT_HEAD 0x20
#endif

/*
 * sg_io_hdr.flags: dxferp points inside an mmap()-ed reserve buffer of
 * another sg fd of this process; use that buffer for this request's data.
 * Falls back to indirect IO when the buffer cannot be shared.
 */
#define SG_SMMAP_FLAG_VALUE 0x8
#ifndef SG_FLAG_SHARED_MMAP_IO
#define SG_FLAG_SHARED_MMAP_IO SG_SMMAP_FLAG_VALUE
#endif

/* sg_io_hdr.info on completion: set exactly when sharing happened. */
#define SG_SMMAP_INFO_VALUE 0x8
#ifndef SG_INFO_SHARED_MMAP_IO
#define SG_INFO_SHARED_MMAP_IO SG_SMMAP_INFO_VALUE
#endif

/*
 * SG_GET_VERSION_NUM of the first driver that honours the flag (3.5.37).
 * A stock 6.1 driver reports 30536 and ignores the flag (plain indirect IO).
 */
#define SG_SMMAP_MIN_VERSION_NUM 30537

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(SG_FLAG_SHARED_MMAP_IO == SG_SMMAP_FLAG_VALUE,
	       "system <scsi/sg.h> disagrees on SG_FLAG_SHARED_MMAP_IO");
_Static_assert(SG_INFO_SHARED_MMAP_IO == SG_SMMAP_INFO_VALUE,
	       "system <scsi/sg.h> disagrees on SG_INFO_SHARED_MMAP_IO");
#endif

#endif /* SG_SMMAP_H */
