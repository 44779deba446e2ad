/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rel_hold - hold sg fds and/or mappings of their reserve buffers open
 * until killed, so that a scenario can check what the kernel refuses
 * meanwhile (rmmod sg, SG_SET_RESERVED_SIZE, ...).
 *
 *   rel_hold [-m] [-c] READY DEV...
 *     -m  mmap each DEV's whole reserve buffer (MAP_SHARED, read/write)
 *     -c  close each fd after the mmap (only the mapping is left)
 *   READY is created once everything is held; then the program sleeps
 *   until a signal ends it.  Exit 0 on SIGTERM/SIGINT, 2 on a setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <scsi/sg.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char *argv[])
{
	int do_mmap = 0, do_close = 0, opt, i, fd;
	struct sigaction sa;

	while ((opt = getopt(argc, argv, "mc")) != -1) {
		if (opt == 'm')
			do_mmap = 1;
		else if (opt == 'c')
			do_close = 1;
		else
			goto usage;
	}
	if (argc - optind < 2)
		goto usage;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (i = optind + 1; i < argc; i++) {
		int rsz = 0;
		void *p;

		fd = open(argv[i], O_RDWR);
		if (fd < 0) {
			fprintf(stderr, "rel_hold: open %s: %s\n", argv[i],
				strerror(errno));
			return 2;
		}
		if (do_mmap) {
			if (ioctl(fd, SG_GET_RESERVED_SIZE, &rsz) < 0 || rsz <= 0) {
				fprintf(stderr, "rel_hold: reserve of %s: %s\n",
					argv[i], strerror(errno));
				return 2;
			}
			p = mmap(NULL, (size_t)rsz, PROT_READ | PROT_WRITE,
				 MAP_SHARED, fd, 0);
			if (p == MAP_FAILED) {
				fprintf(stderr, "rel_hold: mmap %s: %s\n",
					argv[i], strerror(errno));
				return 2;
			}
			((volatile char *)p)[0] = 1;	/* fault a page in */
		}
		if (do_close)
			close(fd);
	}
	fd = open(argv[optind], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fprintf(stderr, "rel_hold: %s: %s\n", argv[optind],
			strerror(errno));
		return 2;
	}
	close(fd);
	while (!stop)
		pause();
	return 0;
usage:
	fprintf(stderr, "usage: rel_hold [-m] [-c] READY DEV...\n");
	return 2;
}
