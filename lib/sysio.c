/* SPDX-License-Identifier: BSD-2-Clause */
/* sysio.c - EINTR-retrying system calls; see sysio.h for the convention. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sysio.h"

static const volatile sig_atomic_t *stop_flag;	/* see sio_set_stop_flag */

void sio_set_stop_flag(const volatile sig_atomic_t *flag)
{
	stop_flag = flag;
}

/* True when a failed call with this errno should simply be repeated. */
static int again(int err)
{
	return err == EINTR && !(stop_flag && *stop_flag);
}

int sio_ioctl(int fd, unsigned long req, void *arg)
{
	int res;

	do
		res = ioctl(fd, req, arg);
	while (res < 0 && again(errno));
	return res < 0 ? -errno : res;
}

ssize_t sio_read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);

		if (n < 0) {
			if (again(errno))
				continue;
			return done ? (ssize_t)done : -errno;
		}
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

ssize_t sio_write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0) {
			if (again(errno))
				continue;
			return done ? (ssize_t)done : -errno;
		}
		if (n == 0)
			return done ? (ssize_t)done : -ENOSPC;
		done += n;
	}
	return done;
}

int sio_open(const char *path, int flags, mode_t mode)
{
	int fd;

	do
		fd = open(path, flags, mode);
	while (fd < 0 && again(errno));
	return fd < 0 ? -errno : fd;
}

int sio_seek(int fd, off_t off)
{
	return lseek(fd, off, SEEK_SET) == (off_t)-1 ? -errno : 0;
}
