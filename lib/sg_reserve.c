/* SPDX-License-Identifier: BSD-2-Clause */
/* sg_reserve.c - reserve buffer sizing, mmap, sharing probe; see the .h. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sg_smmap.h"
#include "sg_reserve.h"
#include "sysio.h"

int sgr_version(int fd, int *version)
{
	int res = sio_ioctl(fd, SG_GET_VERSION_NUM, version);

	return res < 0 ? res : 0;
}

bool sgr_version_shares(int version)
{
	return version >= SG_SMMAP_MIN_VERSION_NUM;
}

size_t sgr_page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

size_t sgr_page_round(size_t len)
{
	size_t psz = sgr_page_size();

	return (len + psz - 1) / psz * psz;
}

int sgr_size(int fd, size_t want, size_t *got)
{
	int cur, val;
	int res = sio_ioctl(fd, SG_GET_RESERVED_SIZE, &cur);

	if (res < 0)
		return res;
	want = sgr_page_round(want);
	if (want > (size_t)INT32_MAX)
		return -EOVERFLOW;
	if ((size_t)cur < want) {
		val = (int)want;
		res = sio_ioctl(fd, SG_SET_RESERVED_SIZE, &val);
		if (res < 0)
			return res;
		/* the driver clamps without saying so: read back */
		res = sio_ioctl(fd, SG_GET_RESERVED_SIZE, &cur);
		if (res < 0)
			return res;
	}
	*got = (size_t)cur;
	return 0;
}

int sgr_fit_bpt(size_t got, int bs, int bpt)
{
	size_t n;

	if (bs <= 0 || bpt <= 0)
		return 0;
	n = got / (size_t)bs;
	return n < (size_t)bpt ? (int)n : bpt;
}

int sgr_map(int fd, size_t len, void **addr)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	*addr = p;
	return 0;
}

void sgr_unmap(void *addr, size_t len)
{
	if (addr)
		munmap(addr, len);
}
