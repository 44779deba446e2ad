/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sysio.h - system calls that retry EINTR, with one return convention:
 * a count or 0 on success, -errno on failure.  errno is never the channel.
 * (mmap of an sg reserve is sg_reserve.h's sgr_map(), in the same
 * convention; mmap never fails with EINTR.)
 *
 * A wrapper stops retrying EINTR, and returns -EINTR, once the stop flag
 * given to sio_set_stop_flag() is non-zero: that is how SIGINT/SIGTERM get
 * a blocked read() on a pipe to return to the copy loop.
 */
#ifndef SGSMMAP_SYSIO_H
#define SGSMMAP_SYSIO_H

#include <signal.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Make EINTR final while *flag is non-zero (NULL: always retry). */
void sio_set_stop_flag(const volatile sig_atomic_t *flag);

/* ioctl(fd, req, arg): 0 (or the ioctl's non-negative value) or -errno. */
int sio_ioctl(int fd, unsigned long req, void *arg);

/*
 * Read until len bytes, end of file, or an error.  Returns the bytes read
 * (0..len), or -errno when the error came before any byte.  A short count
 * means end of file, or an error after some bytes: the caller reads again
 * and gets 0 (end of file) or the error then.
 */
ssize_t sio_read_full(int fd, void *buf, size_t len);

/* pread(2) until len bytes or end of file from offset off: the bytes
 * read, or -errno. */
ssize_t sio_pread_full(int fd, void *buf, size_t len, off_t off);

/*
 * Write all len bytes, looping over short writes.  Returns 0, or -errno of
 * the write that failed (-ENOSPC for a write that moved nothing); in both
 * cases *done is the count of bytes that were written before it.
 */
int sio_write_all(int fd, const void *buf, size_t len, size_t *done);

/*
 * One write(2) or read(2) of len bytes, never looped: for the sg v3
 * asynchronous interface, where a request header goes in (or a response
 * comes out) whole or not at all.  The count, or -errno.
 */
ssize_t sio_write1(int fd, const void *buf, size_t len);
ssize_t sio_read1(int fd, void *buf, size_t len);

/* pwrite(2) all len bytes at off, looping over short writes: 0 or -errno
 * (-ENOSPC for a write that moved nothing). */
int sio_pwrite_all(int fd, const void *buf, size_t len, off_t off);

/* Turn O_NONBLOCK off on fd, so that read(2) waits: 0 or -errno. */
int sio_set_blocking(int fd);

/* Turn O_DIRECT off on fd (for an unaligned tail): 0 or -errno. */
int sio_drop_direct(int fd);

/*
 * Open /dev/null onto whichever of descriptors 0, 1 and 2 is closed, so
 * that no file opened later takes their place (and gets the messages
 * meant for stderr).  Returns 0 or -errno.
 */
int sio_std_fds(void);

/* open(2) with EINTR retry: the fd or -errno. */
int sio_open(const char *path, int flags, mode_t mode);

/* lseek(fd, off, SEEK_SET): 0 or -errno. */
int sio_seek(int fd, off_t off);

/* fstat(2) into *st: 0 or -errno. */
int sio_fstat(int fd, struct stat *st);

/* fsync(2) with EINTR retry: 0 or -errno. */
int sio_fsync(int fd);

/*
 * close(2): 0 or -errno.  Never retried: on Linux the descriptor is gone
 * even when close() reports EINTR, and it may already be reused.
 */
int sio_close(int fd);

#endif /* SGSMMAP_SYSIO_H */
