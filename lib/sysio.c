/* SPDX-License-Identifier: BSD-2-Clause */
/* sysio.c - EINTR-retrying system calls; see sysio.h for the convention. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1	/* O_DIRECT */
#endif
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
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

/* res = call, repeated while it fails (< 0) with an EINTR to retry. */
#define RETRY(res, call)			\
	do					\
		(res) = (call);			\
	while ((res) < 0 && again(errno))

int sio_ioctl(int fd, unsigned long req, void *arg)
{
	int res;

	RETRY(res, ioctl(fd, req, arg));
	return res < 0 ? -errno : res;
}

ssize_t sio_read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		RETRY(n, read(fd, (char *)buf + done, len - done));
		if (n < 0)
			return done ? (ssize_t)done : -errno;
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

ssize_t sio_pread_full(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		RETRY(n, pread(fd, (char *)buf + done, len - done,
			       off + (off_t)done));
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

int sio_write_all(int fd, const void *buf, size_t len, size_t *done)
{
	ssize_t n;

	*done = 0;
	while (*done < len) {
		RETRY(n, write(fd, (const char *)buf + *done, len - *done));
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENOSPC;
		*done += n;
	}
	return 0;
}

ssize_t sio_write1(int fd, const void *buf, size_t len)
{
	ssize_t n;

	RETRY(n, write(fd, buf, len));
	return n < 0 ? -errno : n;
}

ssize_t sio_read1(int fd, void *buf, size_t len)
{
	ssize_t n;

	RETRY(n, read(fd, buf, len));
	return n < 0 ? -errno : n;
}

int sio_pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		RETRY(n, pwrite(fd, (const char *)buf + done, len - done,
				off + (off_t)done));
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENOSPC;
		done += n;
	}
	return 0;
}

/* Turn the file status flag fl off on fd: 0 or -errno. */
static int clear_fl(int fd, int fl)
{
	int now = fcntl(fd, F_GETFL);

	if (now < 0 || fcntl(fd, F_SETFL, now & ~fl) < 0)
		return -errno;
	return 0;
}

int sio_set_blocking(int fd)
{
	return clear_fl(fd, O_NONBLOCK);
}

int sio_drop_direct(int fd)
{
	return clear_fl(fd, O_DIRECT);
}

int sio_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			return -(errno ? errno : EBADF);
	}
	return 0;
}

int sio_open(const char *path, int flags, mode_t mode)
{
	int fd;

	RETRY(fd, open(path, flags, mode));
	return fd < 0 ? -errno : fd;
}

int sio_seek(int fd, off_t off)
{
	return lseek(fd, off, SEEK_SET) == (off_t)-1 ? -errno : 0;
}

int sio_fstat(int fd, struct stat *st)
{
	return fstat(fd, st) < 0 ? -errno : 0;
}

int sio_fsync(int fd)
{
	int res;

	RETRY(res, fsync(fd));
	return res < 0 ? -errno : 0;
}

int sio_close(int fd)
{
	return close(fd) < 0 ? -errno : 0;
}
