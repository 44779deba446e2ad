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
 *   sgbench-floor [-v] copy|scopy SGIN SGOUT BS BPT COUNT
 *   sgbench-floor [-v] nodata SGDEV NCMDS
 *
 * read/write move COUNT blocks of BS bytes, BPT blocks per command,
 * starting at LBA (default 0).  A WRITE sends whatever the reserve holds
 * (zeros after open).
 *
 * copy and scopy are the smallest possible sg-to-sg copy loops, for
 * counting the work per command without a copy tool's own overhead: READ
 * with mmap IO into SGIN's mmap-ed reserve, then WRITE on SGOUT with
 * dxferp pointing into that mapping, as indirect IO (copy) or with
 * SG_FLAG_SHARED_MMAP_IO (scopy; on a driver without it: indirect IO).
 *
 * nodata issues NCMDS READ(10) commands of 0 blocks (no data phase): the
 * cost of a command's round trip through sg, the block layer and the
 * device, without any buffer.
 *
 * -v: report the commands issued, for scopy how many were shared, and the
 * loop's own time on stderr (the bench instead times whole runs of N and
 * 2N blocks and takes the difference, which also removes start-up, open
 * and mmap costs).  Exits 0, or 1 with a message on any error.
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

#ifndef SG_FLAG_SHARED_MMAP_IO
#define SG_FLAG_SHARED_MMAP_IO 8	/* include/sg_smmap.h */
#endif
#ifndef SG_INFO_SHARED_MMAP_IO
#define SG_INFO_SHARED_MMAP_IO 8
#endif
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

struct sgdev {
	const char *name;
	int fd;
	int cdbsz;
	uint8_t sense[32];
};

/* Open an sg device with a reserve of at least len bytes; map it if asked. */
static int open_sg(struct sgdev *d, const char *name, size_t len,
		   void **map)
{
	int vnum, rsz;

	d->name = name;
	d->fd = open(name, O_RDWR);
	if (d->fd < 0)
		return die(name);
	if (ioctl(d->fd, SG_GET_VERSION_NUM, &vnum) < 0 || vnum < 30000) {
		fprintf(stderr, "sgbench-floor: %s is not an sg v3 device\n",
			name);
		return 1;
	}
	rsz = (int)len;
	if (ioctl(d->fd, SG_SET_RESERVED_SIZE, &rsz) < 0)
		return die("SG_SET_RESERVED_SIZE");
	if (ioctl(d->fd, SG_GET_RESERVED_SIZE, &rsz) < 0)
		return die("SG_GET_RESERVED_SIZE");
	if ((size_t)rsz < len) {
		fprintf(stderr, "sgbench-floor: %s: reserve is %d bytes, need "
				"%zu (lower BPT)\n", name, rsz, len);
		return 1;
	}
	if (map) {
		*map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			    d->fd, 0);
		if (*map == MAP_FAILED)
			return die("mmap");
	}
	return 0;
}

/* One READ or WRITE of n blocks at lba; returns 0, or 1 after a message. */
static int rw(struct sgdev *d, int is_write, long long lba, long long n,
	      long long bs, void *dxferp, unsigned int flags,
	      unsigned int *info)
{
	struct sg_io_hdr h;
	uint8_t cdb[16];

	memset(cdb, 0, sizeof(cdb));
	if (d->cdbsz == 10) {
		cdb[0] = is_write ? 0x2a : 0x28;
		put_be(cdb + 2, lba, 4);
		put_be(cdb + 7, n, 2);
	} else {
		cdb[0] = is_write ? 0x8a : 0x88;
		put_be(cdb + 2, lba, 8);
		put_be(cdb + 10, n, 4);
	}
	memset(&h, 0, sizeof(h));
	h.interface_id = 'S';
	h.dxfer_direction = is_write ? SG_DXFER_TO_DEV : SG_DXFER_FROM_DEV;
	h.cmd_len = d->cdbsz;
	h.cmdp = cdb;
	h.mx_sb_len = sizeof(d->sense);
	h.sbp = d->sense;
	h.dxfer_len = (unsigned int)(n * bs);
	h.dxferp = dxferp;
	h.timeout = 60000;
	h.flags = flags;
	if (ioctl(d->fd, SG_IO, &h) < 0)
		return die("SG_IO");
	if (h.status || h.host_status || h.driver_status) {
		fprintf(stderr, "sgbench-floor: %s: %s at lba %lld: status "
				"0x%x host 0x%x driver 0x%x\n", d->name,
			is_write ? "WRITE" : "READ", lba, h.status,
			h.host_status, h.driver_status);
		return 1;
	}
	*info = h.info;
	return 0;
}

/* NCMDS READ(10) commands of 0 blocks, no data phase. */
static int nodata(const char *name, long long ncmds, int verbose)
{
	struct sgdev d = { 0 };
	struct timespec t0, t1;
	struct sg_io_hdr h;
	uint8_t cdb[10];
	long long i;

	d.name = name;
	d.fd = open(name, O_RDWR);
	if (d.fd < 0)
		return die(name);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < ncmds; i++) {
		memset(cdb, 0, sizeof(cdb));
		cdb[0] = 0x28;
		memset(&h, 0, sizeof(h));
		h.interface_id = 'S';
		h.dxfer_direction = SG_DXFER_NONE;
		h.cmd_len = sizeof(cdb);
		h.cmdp = cdb;
		h.mx_sb_len = sizeof(d.sense);
		h.sbp = d.sense;
		h.timeout = 60000;
		if (ioctl(d.fd, SG_IO, &h) < 0)
			return die("SG_IO");
		if (h.status || h.host_status || h.driver_status) {
			fprintf(stderr, "sgbench-floor: %s: READ of 0 blocks: "
					"status 0x%x host 0x%x driver 0x%x\n",
				name, h.status, h.host_status,
				h.driver_status);
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (verbose)
		fprintf(stderr, "sgbench-floor: nodata %lld commands, loop "
				"%.6f s\n", ncmds, (double)(t1.tv_sec - t0.tv_sec) +
			(t1.tv_nsec - t0.tv_nsec) / 1e9);
	close(d.fd);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "Usage: sgbench-floor [-v] read|write SGDEV BS BPT "
			"COUNT [LBA]\n"
			"       sgbench-floor [-v] copy|scopy SGIN SGOUT BS BPT "
			"COUNT\n"
			"       sgbench-floor [-v] nodata SGDEV NCMDS\n");
}

int main(int argc, char *argv[])
{
	int verbose = 0, mode, a;
	long long bs, bpt, count, lba = 0, done = 0, cmds = 0, shared = 0;
	struct sgdev in = { 0 }, out = { 0 };
	struct timespec t0, t1;
	unsigned int info;
	size_t len;
	void *buf = NULL;

	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = 1;
		argv++;
		argc--;
	}
	if (argc < 2) {
		usage();
		return 1;
	}
	if (!strcmp(argv[1], "nodata")) {
		if (argc != 4) {
			usage();
			return 1;
		}
		return nodata(argv[2], num(argv[3], "NCMDS"), verbose);
	}
	/* 0 read, 1 write, 2 copy, 3 scopy */
	mode = !strcmp(argv[1], "read") ? 0 : !strcmp(argv[1], "write") ? 1 :
	       !strcmp(argv[1], "copy") ? 2 : !strcmp(argv[1], "scopy") ? 3 : -1;
	if (mode < 0 || (mode < 2 && (argc < 6 || argc > 7)) ||
	    (mode >= 2 && argc != 7)) {
		usage();
		return 1;
	}
	a = mode < 2 ? 3 : 4;	/* index of BS */
	bs = num(argv[a], "BS");
	bpt = num(argv[a + 1], "BPT");
	count = num(argv[a + 2], "COUNT");
	if (mode < 2 && argc > 6)
		lba = num(argv[6], "LBA");
	if (bs < 1 || bpt < 1 || bpt > 0xffff || bs * bpt > (1LL << 30)) {
		fprintf(stderr, "sgbench-floor: BS*BPT out of range\n");
		return 1;
	}
	len = (size_t)(bs * bpt);
	in.cdbsz = out.cdbsz = lba + count > 0xffffffffLL ? 16 : 10;

	if (mode < 2) {
		if (open_sg(&in, argv[2], len, &buf))
			return 1;
	} else {
		if (open_sg(&in, argv[2], len, &buf) ||
		    open_sg(&out, argv[3], len, NULL))
			return 1;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (done < count) {
		long long n = count - done < bpt ? count - done : bpt;

		switch (mode) {
		case 0:
		case 1:
			if (rw(&in, mode, lba + done, n, bs, NULL,
			       SG_FLAG_MMAP_IO, &info))
				return 1;
			break;
		default:
			if (rw(&in, 0, done, n, bs, NULL, SG_FLAG_MMAP_IO,
			       &info))
				return 1;
			if (rw(&out, 1, done, n, bs, buf, mode == 3 ?
			       SG_FLAG_SHARED_MMAP_IO : 0, &info))
				return 1;
			if (info & SG_INFO_SHARED_MMAP_IO)
				shared++;
			cmds++;
		}
		done += n;
		cmds++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (verbose) {
		fprintf(stderr, "sgbench-floor: %s %lld blocks of %lld bytes in "
				"%lld commands, loop %.6f s\n", argv[1], done,
			bs, cmds, (double)(t1.tv_sec - t0.tv_sec) +
			(t1.tv_nsec - t0.tv_nsec) / 1e9);
		if (mode == 3)
			fprintf(stderr, "sgbench-floor: shared mmap IO done "
					"on %lld of %lld WRITEs\n", shared,
				cmds / 2);
	}
	munmap(buf, len);
	close(in.fd);
	if (mode >= 2)
		close(out.fd);
	return 0;
}
