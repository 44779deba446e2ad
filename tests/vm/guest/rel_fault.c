/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rel_fault.so - LD_PRELOAD shim: a medium error on WRITE.
 *
 * scsi_debug in Linux 6.1 injects medium errors on READ only
 * (resp_read_dt0(); resp_write_dt0() has no such check), so a WRITE
 * medium error is emulated at the SG_IO boundary instead: every SG_IO
 * ioctl whose CDB is a WRITE(6/10/12/16) covering the LBA given in
 * REL_FAULT_WRITE_LBA (on the sg node named by REL_FAULT_DEV, if set) is
 * not issued at all; the header comes back as a disk reports an
 * unrecoverable write error: status CHECK CONDITION, fixed sense
 * MEDIUM ERROR / WRITE ERROR (03/0c/00) with the LBA in the information
 * field, resid = dxfer_len.  Nothing reaches the device, as with a real
 * failed WRITE.  Everything else goes to the real ioctl().
 *
 * Build: cc -shared -fPIC -o rel_fault.so rel_fault.c -ldl
 * Use:   REL_FAULT_WRITE_LBA=5000 LD_PRELOAD=/usr/local/bin/rel_fault.so sgm_dd ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <scsi/sg.h>

typedef int (*ioctl_fn)(int, unsigned long, ...);

/* The LBA and block count of a WRITE CDB; false for anything else. */
static int write_range(const uint8_t *c, int len, uint64_t *lba, uint32_t *n)
{
	switch (c[0]) {
	case 0x0a:
		if (len < 6)
			return 0;
		*lba = ((uint64_t)(c[1] & 0x1f) << 16) | (c[2] << 8) | c[3];
		*n = c[4] ? c[4] : 256;
		return 1;
	case 0x2a:
		if (len < 10)
			return 0;
		*lba = (uint64_t)c[2] << 24 | c[3] << 16 | c[4] << 8 | c[5];
		*n = (uint32_t)(c[7] << 8 | c[8]);
		return 1;
	case 0xaa:
		if (len < 12)
			return 0;
		*lba = (uint64_t)c[2] << 24 | c[3] << 16 | c[4] << 8 | c[5];
		*n = (uint32_t)c[6] << 24 | c[7] << 16 | c[8] << 8 | c[9];
		return 1;
	case 0x8a:
		if (len < 16)
			return 0;
		*lba = 0;
		for (int i = 2; i < 10; i++)
			*lba = *lba << 8 | c[i];
		*n = (uint32_t)c[10] << 24 | c[11] << 16 | c[12] << 8 | c[13];
		return 1;
	}
	return 0;
}

/* Whether fd is the sg node named by REL_FAULT_DEV (unset: any). */
static int is_target(int fd)
{
	const char *dev = getenv("REL_FAULT_DEV");
	struct stat a, b;

	if (!dev || !*dev)
		return 1;
	if (fstat(fd, &a) || stat(dev, &b))
		return 0;
	return a.st_rdev == b.st_rdev;
}

int ioctl(int fd, unsigned long req, ...)
{
	static ioctl_fn real;
	const char *lba_s = getenv("REL_FAULT_WRITE_LBA");
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = (ioctl_fn)dlsym(RTLD_NEXT, "ioctl");
	if (req == SG_IO && lba_s && arg) {
		struct sg_io_hdr *h = arg;
		uint64_t bad = strtoull(lba_s, NULL, 0), lba;
		uint32_t n;

		if (h->interface_id == 'S' && h->cmdp &&
		    write_range(h->cmdp, h->cmd_len, &lba, &n) &&
		    bad >= lba && bad < lba + n && is_target(fd)) {
			uint8_t s[18] = { 0 };

			s[0] = 0xf0;		/* valid, fixed, current */
			s[2] = 0x03;		/* MEDIUM ERROR */
			s[3] = (uint8_t)(bad >> 24);
			s[4] = (uint8_t)(bad >> 16);
			s[5] = (uint8_t)(bad >> 8);
			s[6] = (uint8_t)bad;
			s[7] = 10;		/* additional length */
			s[12] = 0x0c;		/* WRITE ERROR */
			h->status = 0x02;	/* CHECK CONDITION */
			h->masked_status = 0x01;
			h->host_status = 0;
			h->driver_status = 0x08;	/* DRIVER_SENSE */
			h->sb_len_wr = 0;
			if (h->sbp && h->mx_sb_len) {
				h->sb_len_wr = h->mx_sb_len < sizeof(s) ?
					       h->mx_sb_len : sizeof(s);
				memcpy(h->sbp, s, h->sb_len_wr);
			}
			h->resid = (int)h->dxfer_len;
			h->info = SG_INFO_CHECK;
			h->duration = 1;
			fprintf(stderr, "rel_fault: WRITE lba=%llu x%u failed with a medium error at %llu (injected)\n",
				(unsigned long long)lba, n,
				(unsigned long long)bad);
			return 0;
		}
	}
	return real(fd, req, arg);
}
