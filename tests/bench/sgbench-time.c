/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sgbench-time - run a command and report its real, user and sys time at
 * microsecond resolution (busybox has no GNU date %N and its `time` rounds
 * to 10 ms).
 *
 *   sgbench-time [-t TAG] [-l LOG] COMMAND [ARG...]
 *
 * Without -t: prints `time`-style lines on stderr once COMMAND exits:
 *     real 0m1.234567s
 *     user 0m0.001000s
 *     sys  0m1.100000s
 * With -t TAG: prints one machine-readable line on stdout instead:
 *     @@BENCH TAG REAL USER SYS STATUS
 * (seconds with 6 decimals; STATUS is the exit status, 128+N for signal N).
 * -l LOG sends COMMAND's stdout and stderr to LOG (truncated first).
 *
 * real is CLOCK_MONOTONIC from just before fork to just after wait4;
 * user and sys come from wait4's rusage of the child (and its waited-for
 * descendants).  Exits with COMMAND's status (127 if it cannot be run).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr,
		"Usage: sgbench-time [-t TAG] [-l LOG] COMMAND [ARG...]\n");
}

static double tv_s(const struct timeval *tv)
{
	return (double)tv->tv_sec + tv->tv_usec / 1e6;
}

static void print_time_style(const char *name, double s)
{
	long m = (long)(s / 60);

	fprintf(stderr, "%-4s %ldm%.6fs\n", name, m, s - 60.0 * m);
}

int main(int argc, char *argv[])
{
	const char *tag = NULL, *log = NULL;
	struct timespec t0, t1;
	struct rusage ru;
	int opt, status, rc;
	double real;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+t:l:h")) != -1) {
		switch (opt) {
		case 't':
			tag = optarg;
			break;
		case 'l':
			log = optarg;
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 1;
		}
	}
	if (optind >= argc) {
		usage();
		return 1;
	}
	fflush(NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("sgbench-time: fork");
		return 127;
	}
	if (pid == 0) {
		if (log) {
			int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) {
				perror("sgbench-time: log");
				_exit(127);
			}
			close(fd);
		}
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "sgbench-time: %s: %s\n", argv[optind],
			strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("sgbench-time: wait4");
			return 127;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	real = (double)(t1.tv_sec - t0.tv_sec) +
	       (t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (WIFEXITED(status))
		rc = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		rc = 128 + WTERMSIG(status);
	else
		rc = 127;
	if (tag) {
		printf("@@BENCH %s %.6f %.6f %.6f %d\n", tag, real,
		       tv_s(&ru.ru_utime), tv_s(&ru.ru_stime), rc);
		fflush(stdout);
	} else {
		print_time_style("real", real);
		print_time_style("user", tv_s(&ru.ru_utime));
		print_time_style("sys", tv_s(&ru.ru_stime));
	}
	return rc;
}
