/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sgbench-floor - the cost of sg READ or WRITE commands by themselves: a
 * loop of SG_IO commands with SG_FLAG_MMAP_IO on one sg device, the data
 * staying in that fd's mmap-ed reserve buffer.  Nothing is copied through
 * user space, no page is pinned and no buffer is built per command, so a
 * READ-only loop plus a WRITE-only loop of the same transfer size is the
 * floor under any sg-to-sg copy.
 *
 *   sgbench-floor [-v] read|write SGDEV BS BPT COUNT [LBA]
 *
 * Moves COUNT blocks of BS bytes, BPT blocks per command, starting at LBA
 * (default 0).  A WRITE sends whatever the reserve holds (zeros after
 * open).  -v: report the commands issued and the loop's own time on
 * stderr (the bench instead times whole runs of N and 2N blocks and takes
 * the difference, which also removes start-up, open and mmap costs).
 * Exits 0, or 1 with a message on any error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <scsi/sg.h>

#ifndef SG_FLAG_MMAP_IO
#define SG_FLAG_MMAP_IO 4	/* glibc's <scsi/sg.h> lacks it; the kernel's value */
#endif

static int die(const char *what)
{
	fprintf(stderr, "sgbench-floor: %s: %s\n", what, strerror(errno));
	return 1;
}

static long long num(const char *s, const char *what)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < 0) {
		fprintf(stderr, "sgbench-floor: bad %s '%s'\n", what, s);
		exit(1);
	}
	return v;
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = v & 0xff;
		v >>= 8;
	}
}

int main(int argc, char *argv[])
{
	int verbose = 0, is_write, fd, rsz, cdbsz, vnum;
	long long bs, bpt, count, lba, done = 0, cmds = 0;
	uint8_t cdb[16], sense[32];
	struct timespec t0, t1;
	struct sg_io_hdr h;
	size_t len;
	void *buf;

	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = 1;
		argv++;
		argc--;
	}
	if (argc < 6 || argc > 7 ||
	    (strcmp(argv[1], "read") && strcmp(argv[1], "write"))) {
		fprintf(stderr, "Usage: sgbench-floor [-v] read|write SGDEV BS "
				"BPT COUNT [LBA]\n");
		return 1;
	}
	is_write = !strcmp(argv[1], "write");
	bs = num(argv[3], "BS");
	bpt = num(argv[4], "BPT");
	count = num(argv[5], "COUNT");
	lba = argc > 6 ? num(argv[6], "LBA") : 0;
	if (bs < 1 || bpt < 1 || bpt > 0xffff || bs * bpt > (1LL << 30)) {
		fprintf(stderr, "sgbench-floor: BS*BPT out of range\n");
		return 1;
	}
	len = (size_t)(bs * bpt);
	cdbsz = lba + count > 0xffffffffLL ? 16 : 10;

	fd = open(argv[2], O_RDWR);
	if (fd < 0)
		return die(argv[2]);
	if (ioctl(fd, SG_GET_VERSION_NUM, &vnum) < 0 || vnum < 30000) {
		fprintf(stderr, "sgbench-floor: %s is not an sg v3 device\n",
			argv[2]);
		return 1;
	}
	rsz = (int)len;
	if (ioctl(fd, SG_SET_RESERVED_SIZE, &rsz) < 0)
		return die("SG_SET_RESERVED_SIZE");
	if (ioctl(fd, SG_GET_RESERVED_SIZE, &rsz) < 0)
		return die("SG_GET_RESERVED_SIZE");
	if ((size_t)rsz < len) {
		fprintf(stderr, "sgbench-floor: reserve is %d bytes, need %zu "
				"(lower BPT)\n", rsz, len);
		return 1;
	}
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (buf == MAP_FAILED)
		return die("mmap");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (done < count) {
		long long n = count - done < bpt ? count - done : bpt;

		memset(cdb, 0, sizeof(cdb));
		if (cdbsz == 10) {
			cdb[0] = is_write ? 0x2a : 0x28;
			put_be(cdb + 2, lba + done, 4);
			put_be(cdb + 7, n, 2);
		} else {
			cdb[0] = is_write ? 0x8a : 0x88;
			put_be(cdb + 2, lba + done, 8);
			put_be(cdb + 10, n, 4);
		}
		memset(&h, 0, sizeof(h));
		h.interface_id = 'S';
		h.dxfer_direction = is_write ? SG_DXFER_TO_DEV : SG_DXFER_FROM_DEV;
		h.cmd_len = cdbsz;
		h.cmdp = cdb;
		h.mx_sb_len = sizeof(sense);
		h.sbp = sense;
		h.dxfer_len = (unsigned int)(n * bs);
		h.dxferp = NULL;
		h.timeout = 60000;
		h.flags = SG_FLAG_MMAP_IO;
		if (ioctl(fd, SG_IO, &h) < 0)
			return die("SG_IO");
		if (h.status || h.host_status || h.driver_status) {
			fprintf(stderr, "sgbench-floor: %s at lba %lld: status "
					"0x%x host 0x%x driver 0x%x\n",
				is_write ? "WRITE" : "READ", lba + done,
				h.status, h.host_status, h.driver_status);
			return 1;
		}
		done += n;
		cmds++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (verbose)
		fprintf(stderr, "sgbench-floor: %s %lld blocks of %lld bytes in "
				"%lld commands, loop %.6f s\n",
			is_write ? "wrote" : "read", done, bs, cmds,
			(double)(t1.tv_sec - t0.tv_sec) +
			(t1.tv_nsec - t0.tv_nsec) / 1e9);
	munmap(buf, len);
	close(fd);
	return 0;
}
