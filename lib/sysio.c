/* SPDX-License-Identifier: BSD-2-Clause */
/* sysio.c - EINTR-retrying system calls; see sysio.h for the convention. */
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

/*
 * The loop of sio_read_full() and sio_write_full(): move len bytes
 * between fd and buf (which a write only reads).  A call that moves
 * nothing ends it: end of file for a read, a full device for a write.
 */
static ssize_t move_full(int fd, char *buf, size_t len, bool is_write)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		RETRY(n, is_write ? write(fd, buf + done, len - done)
				  : read(fd, buf + done, len - done));
		if (n < 0)
			return done ? (ssize_t)done : -errno;
		if (n == 0)
			return done || !is_write ? (ssize_t)done : -ENOSPC;
		done += n;
	}
	return done;
}

ssize_t sio_read_full(int fd, void *buf, size_t len)
{
	return move_full(fd, buf, len, false);
}

ssize_t sio_write_full(int fd, const void *buf, size_t len)
{
	return move_full(fd, (char *)buf, len, true);
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

int sio_stat(const char *path, struct stat *st)
{
	int res;

	RETRY(res, stat(path, st));
	return res < 0 ? -errno : 0;
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
