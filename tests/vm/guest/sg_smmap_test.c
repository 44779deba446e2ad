/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sg_smmap_test.c - driver test of SG_FLAG_SHARED_MMAP_IO, run in the test VM.
 *
 *   sg_smmap_test [--expect-stock | --expect-patched] [--iterations N]
 *                 [--delay-knob PATH] [--unplug] [--verbose] [--no-mem-bound]
 *                 [--probe OFF LEN SHARE] SG_A SG_B
 *
 * SG_A and SG_B are sg nodes of two scratch disks (scsi_debug, or a host
 * adapter's): their contents are overwritten.  Checks that depend on SG_B's
 * queue read its limits (dma_alignment: which offsets share); the segment
 * limit check needs scsi_debug disks.  The owner of the shared reserve buffer is an fd
 * on SG_A; requests that share it are issued on SG_B (and on SG_A).
 *
 * Without --expect-*, the driver's SG_GET_VERSION_NUM decides: >= 30537
 * means patched.  On a patched driver every request that may share must
 * report SG_INFO_SHARED_MMAP_IO and every fallback must not; on a stock
 * driver the bit is never set and the EINVAL checks are skipped (a stock
 * driver ignores the flag).  Data is verified by every check either way.
 *
 * Tests that need a request to stay in flight slow scsi_debug down through
 * PATH (default /sys/bus/pseudo/drivers/scsi_debug/delay, in jiffies) and
 * are skipped when it is not writable.
 *
 * --probe runs one check only: a shared WRITE of LEN bytes at offset OFF of
 * a reserve on SG_A, issued on SG_B, which must share iff SHARE is 1 (the
 * caller states the rule), with the device's data verified.
 *
 * --no-mem-bound reports the memory figures after the mixed loop but does
 * not bound them: on a KASAN kernel freed objects wait in its quarantine
 * and still count as Slab, and kmemleak is the leak check there.
 *
 * --unplug runs one test only: SG_A, the owner's disk, is deleted through
 * sysfs while a request on SG_B shares its reserve.  Run it last in a boot.
 *
 * Output: one "ok N - ..." or "not ok N - ..." line per check, a "1..N"
 * plan, and exit status 0 when every check passed, 1 otherwise, 2 on a
 * usage or setup error.  Needs nothing but libc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <scsi/sg.h>

#include "sg_smmap.h"
#include "sg_smmap_test.h"


struct cfg cfg = {
	.delay_knob = "/sys/bus/pseudo/drivers/scsi_debug/delay",
	.expect = -1,
	.iterations = 10000,
};

int patched;		/* driver honours the flag */
unsigned int bs;		/* logical block size of both disks */
static unsigned int rsv;	/* owner reserve size actually granted */
static unsigned int max_segs;	/* max_segments of SG_B's queue */
static unsigned int dma_align;	/* dma_alignment of SG_B's queue (a mask) */
int ca, cb;		/* checker fds: plain indirect IO on A, B */
static int n_checks, n_failed;
static unsigned long long seed_ctr = 0x5eed;
static int stray_bits;		/* info bit seen on a request without flag */

/* ---- reporting ---- */

void note(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* check: print one ok/not ok line for COND; returns COND. */
int check(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++n_checks);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!cond)
		n_failed++;
	return cond;
}

void skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("ok %d - ", ++n_checks);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
	fflush(stdout);
}

void die(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(2);
}

/* ---- data patterns ---- */

unsigned long long new_seed(void)
{
	return ++seed_ctr * 0x9e3779b97f4a7c15ull;
}

/* fill: LEN bytes of pseudo-random data determined by SEED. */
void fill(void *buf, size_t len, unsigned long long seed)
{
	unsigned char *p = buf;
	uint64_t x = seed | 1;
	size_t i;

	for (i = 0; i < len; i++) {
		if ((i & 7) == 0) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
		p[i] = (unsigned char)(x >> ((i & 7) * 8));
	}
}

void *xalloc(size_t len)
{
	void *p = NULL;

	if (posix_memalign(&p, PAGE, len ? len : PAGE))
		die("posix_memalign");
	memset(p, 0, len);
	return p;
}

/* ---- sg requests ---- */


/*
 * sgreq_init: a READ(10) (dir SG_DXFER_FROM_DEV) or WRITE(10) of NBLK blocks
 * at LBA, data at BUF (LEN bytes, normally NBLK * bs), with FLAGS.
 */
void sgreq_init(struct sgreq *r, int dir, unsigned int lba,
		       unsigned int nblk, void *buf, unsigned int len,
		       unsigned int flags)
{
	memset(r, 0, sizeof(*r));
	r->cdb[0] = dir == SG_DXFER_TO_DEV ? 0x2a : 0x28;
	r->cdb[2] = lba >> 24;
	r->cdb[3] = lba >> 16;
	r->cdb[4] = lba >> 8;
	r->cdb[5] = lba;
	r->cdb[7] = nblk >> 8;
	r->cdb[8] = nblk;
	r->h.interface_id = 'S';
	r->h.dxfer_direction = dir;
	r->h.cmd_len = sizeof(r->cdb);
	r->h.cmdp = r->cdb;
	r->h.mx_sb_len = sizeof(r->sense);
	r->h.sbp = r->sense;
	r->h.dxferp = buf;
	r->h.dxfer_len = len;
	r->h.flags = flags;
	r->h.timeout = TIMEOUT_MS;
}

/* sgreq_status: 0 if the completed request R is clean, else -EIO. */
static int sgreq_status(const struct sgreq *r)
{
	if (r->h.status || r->h.host_status || r->h.driver_status) {
		note("scsi status 0x%x host 0x%x driver 0x%x sense key 0x%x",
		     r->h.status, r->h.host_status, r->h.driver_status,
		     r->h.sb_len_wr > 2 ? r->sense[2] & 0xf : 0);
		return -EIO;
	}
	if (!(r->h.flags & SG_FLAG_SHARED_MMAP_IO) &&
	    (r->h.info & SG_INFO_SHARED_MMAP_IO))
		stray_bits++;
	return 0;
}

/* sg_io: issue R with the SG_IO ioctl; 0 or -errno (-EIO: SCSI error). */
int sg_io(int fd, struct sgreq *r)
{
	int rc;

	do
		rc = ioctl(fd, SG_IO, &r->h);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	return sgreq_status(r);
}

/* sg_submit: queue R with write(); 0 or -errno. */
int sg_submit(int fd, struct sgreq *r)
{
	ssize_t n;

	do
		n = write(fd, &r->h, sizeof(r->h));
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

/* sg_collect: read() the response of R (matched by pack_id); 0 or -errno. */
int sg_collect(int fd, struct sgreq *r)
{
	ssize_t n;

	do
		n = read(fd, &r->h, sizeof(r->h));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return sgreq_status(r);
}

/* rw: plain (or FLAGS) SG_IO of NBLK blocks at LBA; 0 or -errno. */
int rw(int fd, int dir, unsigned int lba, unsigned int nblk, void *buf,
	      unsigned int flags, unsigned int *info)
{
	struct sgreq r;
	int rc;

	sgreq_init(&r, dir, lba, nblk, buf, nblk * bs, flags);
	rc = sg_io(fd, &r);
	if (info)
		*info = r.h.info;
	return rc;
}

/* dev_equals: the NBLK blocks at LBA of the checker fd FD hold BUF. */
int dev_equals(int fd, unsigned int lba, unsigned int nblk,
		      const void *buf)
{
	size_t len = (size_t)nblk * bs;
	void *tmp = xalloc(len);
	int same;

	same = rw(fd, SG_DXFER_FROM_DEV, lba, nblk, tmp, 0, NULL) == 0 &&
	       memcmp(tmp, buf, len) == 0;
	free(tmp);
	return same;
}

/* dev_fill: write fresh pattern to NBLK blocks at LBA; returns it (malloc). */
void *dev_fill(int fd, unsigned int lba, unsigned int nblk)
{
	size_t len = (size_t)nblk * bs;
	void *buf = xalloc(len);

	fill(buf, len, new_seed());
	if (rw(fd, SG_DXFER_TO_DEV, lba, nblk, buf, 0, NULL))
		die("dev_fill");
	return buf;
}

int open_sg(const char *dev)
{
	int fd = open(dev, O_RDWR);

	if (fd < 0)
		die(dev);
	return fd;
}

/*
 * open_reserve: an fd on DEV with a reserve of up to SIZE bytes (the driver
 * caps it at the queue's max_sectors_kb), mapped at *MAP; *SIZE becomes the
 * mapped size, a multiple of the page size.
 */
int open_reserve(const char *dev, unsigned int *size, int prot,
			int flags, unsigned char **map)
{
	int fd = open_sg(dev);
	int got = 0;

	if (ioctl(fd, SG_SET_RESERVED_SIZE, size) < 0 ||
	    ioctl(fd, SG_GET_RESERVED_SIZE, &got) < 0)
		die("reserve size");
	if ((unsigned int)got < *size)
		*size = got & ~(PAGE - 1);
	*map = mmap(NULL, *size, prot, flags, fd, 0);
	if (*map == MAP_FAILED)
		die("mmap of the owner's reserve");
	return fd;
}

/* open_owner: open_reserve() that must get all of SIZE. */
int open_owner(const char *dev, unsigned int size, int prot,
		      int flags, unsigned char **map)
{
	unsigned int got = size;
	int fd = open_reserve(dev, &got, prot, flags, map);

	if (got < size) {
		errno = ENOMEM;
		die("owner reserve smaller than asked");
	}
	return fd;
}

/* bit_ok: the info bit is as required: set iff SHOULD and the driver is patched. */
int bit_ok(unsigned int info, int should)
{
	return !!(info & SG_INFO_SHARED_MMAP_IO) == (patched && should);
}

const char *bit_word(int should)
{
	return patched && should ? "bit set" : "bit clear";
}

/* ---- scsi_debug delay, for requests that must stay in flight ---- */

/*
 * set_delay: scsi_debug's response delay in jiffies; 0 or -errno.  The
 * attribute refuses (EBUSY) while commands are queued, so retry for 20 s.
 */
int set_delay(int jiffies)
{
	char s[16];
	int fd, len, rc, tries;

	len = snprintf(s, sizeof(s), "%d\n", jiffies);
	for (tries = 0; tries < 200; tries++) {
		fd = open(cfg.delay_knob, O_WRONLY);
		if (fd < 0)
			return -errno;
		rc = write(fd, s, len) == len ? 0 : -errno;
		close(fd);
		if (rc != -EBUSY)
			return rc;
		usleep(100 * 1000);
	}
	return -EBUSY;
}

int delay_usable(void)
{
	return access(cfg.delay_knob, W_OK) == 0;
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* checker: the checker fd for the device of sg fd FD (ca or cb). */
int checker(int fd)
{
	struct stat a, b;

	if (fstat(fd, &a) || fstat(ca, &b))
		die("fstat");
	return a.st_rdev == b.st_rdev ? ca : cb;
}

/* ---- sysfs ---- */

/* read_uint: the unsigned number in sysfs file PATH; 0 when unreadable. */
static unsigned int read_uint(const char *path)
{
	unsigned int v = 0;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%u", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

/* queue_attr: queue/ATTR of the disk behind sg node DEV; 0 when unknown. */
static unsigned int queue_attr(const char *dev, const char *attr)
{
	const char *name = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	char path[512];
	struct dirent *e;
	unsigned int v = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/class/scsi_generic/%s/device/block",
		 name);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL && !v) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path),
			 "/sys/class/scsi_generic/%s/device/block/%s/queue/%s",
			 name, e->d_name, attr);
		v = read_uint(path);
	}
	closedir(d);
	return v;
}

/* sdebug_disk: sg node DEV is a scsi_debug disk (its model says so). */
int sdebug_disk(const char *dev)
{
	const char *name = strrchr(dev, '/');
	char path[256], model[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/scsi_generic/%s/device/model",
		 name ? name + 1 : dev);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%31s", model) != 1)
			model[0] = 0;
		fclose(f);
	}
	return !strcmp(model, "scsi_debug");
}

/*
 * sdebug_clustering: scsi_debug merges pages into segments only with
 * clustering=Y; true too when SG_B is not a scsi_debug disk, as nothing
 * is known then of how its pages merge.
 */
static int sdebug_clustering(void)
{
	char c = 'N';
	FILE *f;

	if (!sdebug_disk(cfg.dev_b))
		return 1;
	f = fopen("/sys/module/scsi_debug/parameters/clustering", "r");

	if (f) {
		if (fscanf(f, " %c", &c) != 1)
			c = 'N';
		fclose(f);
	}
	return c == 'Y' || c == '1';
}

/* ---- the checks ---- */

/*
 * shared_write: SHARED WRITE of LEN bytes at MAP + OFF to LBA on sg fd FD,
 * which must share iff SHOULD (and the driver is patched).  The mapping
 * gets fresh data first; the device must hold it after.
 */
static void shared_write(int fd, unsigned char *map, unsigned int off,
			 unsigned int len, unsigned int lba, int should,
			 const char *what)
{
	unsigned char *want = xalloc(len);
	unsigned int info = 0;
	struct sgreq r;
	int rc;

	/*
	 * A snapshot: indirect IO on the owner's own fd copies the data into
	 * its reserve, which may overlap MAP + OFF.
	 */
	fill(want, len, new_seed());
	memcpy(map + off, want, len);
	sgreq_init(&r, SG_DXFER_TO_DEV, lba, len / bs, map + off, len,
		   SG_FLAG_SHARED_MMAP_IO);
	rc = sg_io(fd, &r);
	info = r.h.info;
	check(rc == 0 && bit_ok(info, should) &&
	      dev_equals(checker(fd), lba, len / bs, want),
	      "%s: WRITE off=%u len=%u: rc=%d %s, data ok", what, off, len,
	      rc, bit_word(should));
	free(want);
}

/*
 * shared_read: SHARED READ of LEN bytes from LBA on sg fd FD into MAP + OFF,
 * sharing iff SHOULD.  The device gets fresh data and the mapping a poison
 * first; the mapping must hold the device's data after.
 */
static void shared_read(int fd, unsigned char *map, unsigned int off,
			unsigned int len, unsigned int lba, int should,
			const char *what)
{
	unsigned char *want = dev_fill(checker(fd), lba, len / bs);
	struct sgreq r;
	int rc;

	memset(map + off, 0xa5, len);
	sgreq_init(&r, SG_DXFER_FROM_DEV, lba, len / bs, map + off, len,
		   SG_FLAG_SHARED_MMAP_IO);
	rc = sg_io(fd, &r);
	check(rc == 0 && bit_ok(r.h.info, should) &&
	      memcmp(map + off, want, len) == 0,
	      "%s: READ off=%u len=%u: rc=%d %s, data ok", what, off, len, rc,
	      bit_word(should));
	free(want);
}

static void t_version(int fd)
{
	int v = 0;

	if (ioctl(fd, SG_GET_VERSION_NUM, &v) < 0)
		die("SG_GET_VERSION_NUM");
	patched = v >= SG_SMMAP_MIN_VERSION_NUM;
	if (cfg.expect < 0)
		check(1, "driver version %d: %s", v,
		      patched ? "supports shared mmap IO" : "stock, expect fallback");
	else
		check(patched == cfg.expect, "driver version %d is %s as expected",
		      v, cfg.expect ? "patched" : "stock");
}

/* Sharing both ways, at several offsets, and a copy A->B->A through it. */
static void t_share(int sb, unsigned char *map, int oa)
{
	static const unsigned int offs[] = { 0, 512, PAGE, 4, PAGE + 1024 };
	unsigned int i, len = 64 * 1024;
	unsigned char *src;
	struct sgreq r;
	int rc1, rc2;

	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		int should = !(offs[i] & dma_align);

		shared_write(sb, map, offs[i], len, 0, should,
			     should ? "share" : "offset breaks DMA alignment");
		shared_read(sb, map, offs[i], len, 0, should,
			    should ? "share" : "offset breaks DMA alignment");
	}
	{
		unsigned int small = 128 * 1024;
		unsigned char *m;
		int fd = open_owner(cfg.dev_a, small, PROT_READ | PROT_WRITE,
				    MAP_SHARED, &m);

		shared_write(sb, m, 0, small, 0, 1, "whole 128 KiB reserve");
		shared_read(sb, m, 0, small, 0, 1, "whole 128 KiB reserve");
		munmap(m, small);
		close(fd);
	}
	shared_write(sb, map, rsv - bs, bs, 0, 1, "last block of reserve");
	shared_write(oa, map, 0, len, 64, 1, "owner fd shares its own reserve");

	/* copy A -> B: MMAP_IO READ on the owner, SHARED WRITE on SG_B */
	src = dev_fill(ca, 0, len / bs);
	sgreq_init(&r, SG_DXFER_FROM_DEV, 0, len / bs, NULL, len,
		   SG_FLAG_MMAP_IO);
	rc1 = sg_io(oa, &r);
	sgreq_init(&r, SG_DXFER_TO_DEV, 0, len / bs, map, len,
		   SG_FLAG_SHARED_MMAP_IO);
	rc2 = sg_io(sb, &r);
	check(rc1 == 0 && rc2 == 0 && bit_ok(r.h.info, 1) &&
	      dev_equals(cb, 0, len / bs, src),
	      "copy A->B: owner MMAP_IO READ, SHARED WRITE: %s, B == A",
	      bit_word(1));
	free(src);

	/* copy B -> A: SHARED READ on SG_B, MMAP_IO WRITE on the owner */
	src = dev_fill(cb, 0, len / bs);
	sgreq_init(&r, SG_DXFER_FROM_DEV, 0, len / bs, map, len,
		   SG_FLAG_SHARED_MMAP_IO);
	rc1 = sg_io(sb, &r);
	rc2 = bit_ok(r.h.info, 1);
	sgreq_init(&r, SG_DXFER_TO_DEV, 0, len / bs, NULL, len,
		   SG_FLAG_MMAP_IO);
	check(rc1 == 0 && rc2 && sg_io(oa, &r) == 0 &&
	      dev_equals(ca, 0, len / bs, src),
	      "copy B->A: SHARED READ, owner MMAP_IO WRITE: %s, A == B",
	      bit_word(1));
	free(src);
}

/* Fallback: dxferp not in a (shared, suitable) sg reserve mapping. */
static void t_fallback_mapping(int sb, int oa)
{
	unsigned int len = 32 * 1024;
	unsigned char *heap = xalloc(len), *priv, *ro;

	shared_write(sb, heap, 0, len, 8, 0, "not an sg mapping (heap)");
	shared_read(sb, heap, 0, len, 8, 0, "not an sg mapping (heap)");
	free(heap);

	priv = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, oa, 0);
	if (priv == MAP_FAILED)
		die("MAP_PRIVATE mmap");
	shared_write(sb, priv, 0, len, 8, 0, "MAP_PRIVATE sg mapping");
	shared_read(sb, priv, 0, len, 8, 0, "MAP_PRIVATE sg mapping");
	munmap(priv, len);

	ro = mmap(NULL, len, PROT_READ, MAP_SHARED, oa, 0);
	if (ro == MAP_FAILED)
		die("PROT_READ mmap");
	{
		unsigned int info = 0;
		unsigned char *want = xalloc(len);
		int rc;

		memcpy(want, ro, len);
		rc = rw(sb, SG_DXFER_TO_DEV, 8, len / bs, ro,
			SG_FLAG_SHARED_MMAP_IO, &info);
		check(rc == 0 && bit_ok(info, 1) && dev_equals(cb, 8, len / bs, want),
		      "read-only sg mapping: WRITE rc=%d %s, data ok", rc,
		      bit_word(1));
		rc = rw(sb, SG_DXFER_FROM_DEV, 8, len / bs, ro,
			SG_FLAG_SHARED_MMAP_IO, &info);
		check(rc == -EFAULT,
		      "read-only sg mapping: READ not shared, fails like indirect IO: rc=%d (EFAULT)",
		      rc);
		free(want);
	}
	munmap(ro, len);

	/*
	 * An owner opened O_RDONLY: its MAP_SHARED mapping can never be
	 * written, so a WRITE may share it (the kernel drops VM_SHARED but
	 * keeps VM_MAYSHARE).
	 */
	{
		int rfd = open(cfg.dev_a, O_RDONLY);
		unsigned char *want = dev_fill(ca, 200, len / bs);
		unsigned int info = 0;
		int rc;

		if (rfd < 0)
			die("O_RDONLY open");
		ro = mmap(NULL, len, PROT_READ, MAP_SHARED, rfd, 0);
		if (ro == MAP_FAILED)
			die("PROT_READ mmap of an O_RDONLY fd");
		rc = rw(rfd, SG_DXFER_FROM_DEV, 200, len / bs, NULL,
			SG_FLAG_MMAP_IO, NULL);
		rc = rc ? rc : rw(sb, SG_DXFER_TO_DEV, 200, len / bs, ro,
				  SG_FLAG_SHARED_MMAP_IO, &info);
		check(rc == 0 && bit_ok(info, 1) &&
		      dev_equals(cb, 200, len / bs, want),
		      "owner opened O_RDONLY, MAP_SHARED PROT_READ: WRITE rc=%d %s, data ok",
		      rc, bit_word(1));
		munmap(ro, len);
		close(rfd);
		free(want);
	}
}

/*
 * Fallback: the queue limits of the issuing device refuse the owner's pages.
 * The DMA alignment (queue/dma_alignment, 3 on scsi_debug) is checked before
 * mapping; the segment limit only when the pages are added to the request:
 * max_segments pages fit at offset 0 but need one segment more at 512 (with
 * scsi_debug's clustering=N every page is a segment).  That needs a reserve
 * of max_segments pages and more, so the scenario raises max_sectors_kb.
 */
static void t_fallback_limits(int sb, unsigned char *map)
{
	unsigned int len = 32 * 1024, segs_len, size, want;
	unsigned char *m;
	int fd;

	shared_write(sb, map, 1, len, 16, 0, "offset 1 breaks DMA alignment");
	shared_read(sb, map, 2, len, 16, 0, "offset 2 breaks DMA alignment");
	shared_write(sb, map, 4, len, 16, !(4 & dma_align),
		     4 & dma_align ? "offset 4 breaks DMA alignment" :
				     "offset 4 meets DMA alignment");

	segs_len = max_segs * PAGE;
	want = size = segs_len + PAGE;
	if (!max_segs || segs_len / bs > 0xffff || sdebug_clustering()) {
		skip("needs scsi_debug disks, clustering=N and a known max_segments",
		     "segment limit");
		return;
	}
	fd = open_reserve(cfg.dev_a, &size, PROT_READ | PROT_WRITE, MAP_SHARED,
			  &m);
	if (size < want) {
		char why[128];

		snprintf(why, sizeof(why),
			 "reserve of %u bytes granted, %u needed (max_sectors_kb)",
			 size, want);
		skip(why, "segment limit (max_segments %u)", max_segs);
	} else {
		shared_write(sb, m, 0, segs_len, 0, 1,
			     "max_segments pages at offset 0 fit the segment limit");
		shared_write(sb, m, 512, segs_len, 0, 0,
			     "max_segments pages at offset 512 exceed the segment limit");
		shared_read(sb, m, 512, segs_len, 0, 0,
			    "max_segments pages at offset 512 exceed the segment limit");
	}
	munmap(m, size);
	close(fd);
}

/* Fallback: the range runs past the end of the mapped reserve. */
static void t_fallback_range(int sb)
{
	unsigned int maplen = 64 * 1024, len = 8192, off = maplen - 4096;
	unsigned char *area, *m;
	int fd;

	/* an anonymous area with the sg mapping laid over its first part */
	area = mmap(NULL, 2 * maplen, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		die("anonymous mmap");
	fd = open_owner(cfg.dev_a, maplen, PROT_READ | PROT_WRITE,
			MAP_SHARED, &m);
	munmap(m, maplen);
	m = mmap(area, maplen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 fd, 0);
	if (m != area)
		die("MAP_FIXED sg mmap");
	shared_write(sb, area, off, len, 24, 0, "range runs past the reserve");
	shared_read(sb, area, off, len, 24, 0, "range runs past the reserve");
	shared_write(sb, area, off, 4096, 24, 1, "range ends at the reserve's end");
	munmap(area, 2 * maplen);
	close(fd);
}

/* A partial munmap leaves a vma with vm_pgoff != 0: offsets must follow it. */
static void t_split(int sb)
{
	unsigned int maplen = 128 * 1024, half = maplen / 2;
	unsigned char *m;
	int fd = open_owner(cfg.dev_a, maplen, PROT_READ | PROT_WRITE,
			    MAP_SHARED, &m);

	memset(m, 0, maplen);	/* fault every page in before the split */
	if (munmap(m, half))
		die("partial munmap");
	shared_write(sb, m + half, 512, 16 * 1024, 32, 1,
		     "second half of a split mapping");
	shared_read(sb, m + half, 4096, 16 * 1024, 32, 1,
		    "second half of a split mapping");
	munmap(m + half, half);
	close(fd);
}

/* fork_child: fork() with stdout flushed first; dies if it fails. */
pid_t fork_child(void)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	return pid;
}

/* child_status: wait for the child PID; its wait status. */
int child_status(pid_t pid)
{
	int status = 0;

	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	return status;
}

/* Fallback: mapping inherited over fork; the parent still shares after. */
static void t_fork(int sb, unsigned char *map)
{
	unsigned int len = 32 * 1024;
	int status = 0;
	pid_t pid;

	pid = fork_child();
	if (pid == 0) {
		unsigned int info = 0;
		int bad = 0;

		fill(map, len, 0xc41d);
		if (rw(sb, SG_DXFER_TO_DEV, 40, len / bs, map,
		       SG_FLAG_SHARED_MMAP_IO, &info) ||
		    (info & SG_INFO_SHARED_MMAP_IO) ||
		    !dev_equals(cb, 40, len / bs, map))
			bad |= 1;
		memset(map, 0x5a, len);
		if (rw(sb, SG_DXFER_FROM_DEV, 40, len / bs, map,
		       SG_FLAG_SHARED_MMAP_IO, &info) ||
		    (info & SG_INFO_SHARED_MMAP_IO) ||
		    !dev_equals(cb, 40, len / bs, map))
			bad |= 2;
		_exit(bad);
	}
	status = child_status(pid);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "forked child: inherited mapping falls back, WRITE and READ bit clear, data ok (status 0x%x)",
	      status);
	shared_write(sb, map, 0, len, 40, 1, "parent after fork");
}

/* EINVAL, with no fallback, for every header the flag does not allow. */
static void t_einval(int sb, unsigned char *map)
{
	static const struct {
		const char *what;
		int dir;
		unsigned int flags;
		int iovec, null_buf;
	} cases[] = {
		{ "with SG_FLAG_MMAP_IO", SG_DXFER_TO_DEV, SG_FLAG_MMAP_IO, 0, 0 },
		{ "with SG_FLAG_DIRECT_IO", SG_DXFER_TO_DEV, SG_FLAG_DIRECT_IO, 0, 0 },
		{ "with iovec_count 1", SG_DXFER_TO_DEV, 0, 1, 0 },
		{ "with SG_DXFER_NONE", SG_DXFER_NONE, 0, 0, 0 },
		{ "with SG_DXFER_TO_FROM_DEV", SG_DXFER_TO_FROM_DEV, 0, 0, 0 },
		{ "with NULL dxferp", SG_DXFER_FROM_DEV, 0, 0, 1 },
	};
	sg_iovec_t iov = { map, 4096 };
	unsigned int i;
	struct sgreq r;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!patched) {
			skip("the stock driver ignores the flag", "EINVAL %s",
			     cases[i].what);
			continue;
		}
		sgreq_init(&r, cases[i].dir, 0, 4096 / bs, map, 4096,
			   SG_FLAG_SHARED_MMAP_IO | cases[i].flags);
		if (cases[i].dir == SG_DXFER_NONE) {
			r.h.dxfer_len = 0;
			r.cdb[0] = 0;	/* TEST UNIT READY */
			r.h.cmd_len = 6;
		}
		if (cases[i].iovec) {
			r.h.iovec_count = 1;
			r.h.dxferp = &iov;
		}
		if (cases[i].null_buf)
			r.h.dxferp = NULL;
		rc = sg_io(sb, &r);
		check(rc == -EINVAL, "EINVAL %s: rc=%d", cases[i].what, rc);
	}
	if (!patched) {
		skip("the stock driver ignores the flag",
		     "EINVAL on the write() interface");
		return;
	}
	sgreq_init(&r, SG_DXFER_TO_DEV, 0, 4096 / bs, map, 4096,
		   SG_FLAG_SHARED_MMAP_IO | SG_FLAG_MMAP_IO);
	rc = sg_submit(sb, &r);
	check(rc == -EINVAL, "EINVAL on the write() interface: rc=%d", rc);
}

/* Fallback: the owner's own request holds its reserve (until read()). */
static void t_busy_owner(int sb, unsigned char *map, int oa)
{
	unsigned int len = 32 * 1024;
	struct sgreq own;
	int rc;

	unsigned char *want = xalloc(len);

	fill(map, len, new_seed());
	memcpy(want, map, len);
	sgreq_init(&own, SG_DXFER_TO_DEV, 48, len / bs, NULL, len,
		   SG_FLAG_MMAP_IO);
	rc = sg_submit(oa, &own);
	if (check(rc == 0, "owner's MMAP_IO WRITE queued with write(): rc=%d",
		  rc)) {
		/* the owner's reserve stays claimed until its response is read */
		shared_write(sb, map, len, len, 56, 0,
			     "reserve in use by its owner's request");
		rc = sg_collect(oa, &own);
		check(rc == 0 && dev_equals(ca, 48, len / bs, want),
		      "owner's MMAP_IO WRITE completes: rc=%d, data ok", rc);
	}
	free(want);
}

/* ---- a sharing SG_IO interrupted by a signal ---- */

void on_signal_noop(int sig)
{
	(void)sig;
}

void *sig_req_run(void *arg)
{
	struct sig_req *t = arg;
	struct sgreq r;

	__atomic_store_n(&t->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	sgreq_init(&r, SG_DXFER_TO_DEV, t->lba, t->len / bs, t->src, t->len,
		   SG_FLAG_SHARED_MMAP_IO);
	t->rc = ioctl(t->fd, SG_IO, &r.h) < 0 ? -errno : 0;
	t->info = r.h.info;
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * A signal ends the SG_IO wait of a sharing request (EINTR): the driver
 * orphans the request, which must still give the reserve back when it
 * completes.  Needs the scsi_debug delay.
 */
static void t_interrupted(int sb, unsigned char *map)
{
	struct sigaction sa;
	struct sig_req t = { .fd = sb, .src = map, .lba = 104,
			     .len = 32 * 1024, .rc = 1 };
	pthread_t th;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal_noop;	/* no SA_RESTART: EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	fill(map, 32 * 1024, new_seed());
	if (pthread_create(&th, NULL, sig_req_run, &t))
		die("pthread_create");
	/* a signal before the thread is in the ioctl is lost: repeat it */
	while (!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE)) {
		usleep(50 * 1000);
		pthread_kill(th, SIGUSR1);
	}
	pthread_join(th, NULL);
	if (t.rc == 0)
		skip("the request completed before a signal reached it",
		     "sharing SG_IO interrupted by a signal");
	else
		check(t.rc == -EINTR,
		      "sharing SG_IO interrupted by a signal: rc=%d (EINTR)",
		      t.rc);
	usleep(1000 * 1000);	/* the orphan completes */
	shared_write(sb, map, 0, 32 * 1024, 104, 1,
		     "after the orphaned sharing request completed");
	signal(SIGUSR1, SIG_DFL);
}

/*
 * Requests held in flight by the scsi_debug delay: another sharer falls
 * back, the owner's MMAP_IO and SG_SET_RESERVED_SIZE get EBUSY, and the
 * owner may be unmapped and closed under a sharing request.
 */
static void t_in_flight(int sb, unsigned char *map, int oa)
{
	unsigned int len = 32 * 1024, size = 64 * 1024, info;
	struct sgreq a, b;
	unsigned char *want = xalloc(len), *m2;
	int sb2, o2, rc, rc2, late;
	double t0, hold;

	if (!delay_usable() || set_delay(DELAY_JIFFIES)) {
		skip("no writable scsi_debug delay", "requests in flight");
		free(want);
		return;
	}
	sb2 = open_sg(cfg.dev_a);
	/*
	 * A request stays in flight for about the measured round trip; trust
	 * half of it.  A check that needs the first request still in flight
	 * is skipped if the VM was too slow to get there in that time.
	 */
	t0 = now();
	if (rw(sb2, SG_DXFER_FROM_DEV, 64, 1, want, 0, NULL))
		die("timing a delayed request");
	hold = (now() - t0) / 2;

	/* a second sharer while the first holds the reserve */
	fill(map, len, new_seed());
	memcpy(want, map, len);
	sgreq_init(&a, SG_DXFER_TO_DEV, 64, len / bs, map, len,
		   SG_FLAG_SHARED_MMAP_IO);
	t0 = now();
	rc = sg_submit(sb, &a);
	/* the owner while its reserve is lent (both fail at once if patched) */
	rc2 = ioctl(oa, SG_SET_RESERVED_SIZE, &size) < 0 ? -errno : 0;
	check(rc2 == -EBUSY, "owner's SG_SET_RESERVED_SIZE while shared: rc=%d (EBUSY)",
	      rc2);
	late = now() - t0 >= hold;
	rc2 = rw(oa, SG_DXFER_TO_DEV, 72, len / bs, NULL, SG_FLAG_MMAP_IO, NULL);
	if (patched && late)
		skip("the VM was too slow to catch the request in flight",
		     "owner's own MMAP_IO while its reserve is lent");
	else
		check(rc2 == (patched ? -EBUSY : 0),
		      "owner's own MMAP_IO while its reserve is lent: rc=%d (%s)",
		      rc2, patched ? "EBUSY" : "0, nothing lent");
	fill(map + len, len, new_seed());
	late = now() - t0 >= hold;
	rc2 = rw(sb2, SG_DXFER_TO_DEV, 64, len / bs, map + len,
		 SG_FLAG_SHARED_MMAP_IO, &info);
	if (patched && late)
		skip("the VM was too slow to catch the request in flight",
		     "reserve in use by another sharer");
	else
		check(rc == 0 && rc2 == 0 && bit_ok(info, 0) &&
		      dev_equals(ca, 64, len / bs, map + len),
		      "reserve in use by another sharer: second sharer rc=%d bit clear, data ok",
		      rc2);
	rc = rc ? rc : sg_collect(sb, &a);
	check(rc == 0 && bit_ok(a.h.info, 1) && dev_equals(cb, 64, len / bs, want),
	      "first sharer completes after %.2f s: rc=%d %s, data ok",
	      now() - t0, rc, bit_word(1));

	/* close and munmap of the owner while a sharing WRITE is in flight */
	o2 = open_owner(cfg.dev_a, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			&m2);
	fill(m2, len, new_seed());
	memcpy(want, m2, len);
	sgreq_init(&a, SG_DXFER_TO_DEV, 80, len / bs, m2, len,
		   SG_FLAG_SHARED_MMAP_IO);
	rc = sg_submit(sb, &a);
	munmap(m2, size);
	close(o2);
	rc = rc ? rc : sg_collect(sb, &a);
	check(rc == 0 && bit_ok(a.h.info, 1) && dev_equals(cb, 80, len / bs, want),
	      "owner unmapped and closed under an async WRITE: rc=%d %s, data ok",
	      rc, bit_word(1));

	/* close first (the mapping keeps the file), then munmap in flight */
	o2 = open_owner(cfg.dev_a, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			&m2);
	close(o2);
	fill(m2, len, new_seed());
	memcpy(want, m2, len);
	sgreq_init(&a, SG_DXFER_TO_DEV, 88, len / bs, m2, len,
		   SG_FLAG_SHARED_MMAP_IO);
	rc = sg_submit(sb, &a);
	munmap(m2, size);
	rc = rc ? rc : sg_collect(sb, &a);
	check(rc == 0 && bit_ok(a.h.info, 1) && dev_equals(cb, 88, len / bs, want),
	      "owner fd closed, then unmapped under an async WRITE: rc=%d %s, data ok",
	      rc, bit_word(1));

	/* a READ lands in an owner that is gone: nothing may be left behind */
	o2 = open_owner(cfg.dev_a, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			&m2);
	sgreq_init(&a, SG_DXFER_FROM_DEV, 88, len / bs, m2, len,
		   SG_FLAG_SHARED_MMAP_IO);
	rc = sg_submit(sb, &a);
	munmap(m2, size);
	close(o2);
	rc = rc ? rc : sg_collect(sb, &a);
	/* indirect IO copies out at read(), into what is no longer mapped */
	check(rc == (patched ? 0 : -EFAULT),
	      "owner gone under an async shared READ: rc=%d (%s)", rc,
	      patched ? "0" : "EFAULT: indirect, copied out too late");

	/*
	 * Two fds lending each other their reserves, both closed with the
	 * responses unread: the driver must free both (sg refcnt, checked
	 * by the scenario after this program exits).
	 */
	{
		unsigned char *mx, *my;
		int x = open_owner(cfg.dev_a, size, PROT_READ | PROT_WRITE,
				   MAP_SHARED, &mx);
		int y = open_owner(cfg.dev_b, size, PROT_READ | PROT_WRITE,
				   MAP_SHARED, &my);

		sgreq_init(&a, SG_DXFER_TO_DEV, 96, len / bs, my, len,
			   SG_FLAG_SHARED_MMAP_IO);
		sgreq_init(&b, SG_DXFER_TO_DEV, 96, len / bs, mx, len,
			   SG_FLAG_SHARED_MMAP_IO);
		rc = sg_submit(x, &a);
		rc2 = sg_submit(y, &b);
		munmap(mx, size);
		munmap(my, size);
		close(x);
		close(y);
		check(rc == 0 && rc2 == 0,
		      "two fds sharing each other's reserve, closed unread: rc=%d,%d",
		      rc, rc2);
	}
	t_interrupted(sb2, map);
	close(sb2);
	if (set_delay(0))
		die("resetting the scsi_debug delay");
	free(want);
}

/* ---- two threads racing for one reserve ---- */

struct racer {
	int fd;			/* the thread's sharer fd */
	unsigned char *src;	/* its region of the owner's mapping */
	unsigned int lba;	/* its region of the disk */
	unsigned int len;	/* bytes per request */
	int rounds;		/* requests to issue */
	int async;		/* write()+read() with a barrier per round */
	pthread_barrier_t *bar;
	/* results */
	int shared, errors;
	double *t_in, *t_out;	/* per round: before write(), after it */
	unsigned char *bits;	/* per round: the info bit */
};

static void *racer_run(void *arg)
{
	struct racer *rc = arg;
	struct sgreq r;
	int i, e;

	for (i = 0; i < rc->rounds; i++) {
		sgreq_init(&r, SG_DXFER_TO_DEV, rc->lba, rc->len / bs, rc->src,
			   rc->len, SG_FLAG_SHARED_MMAP_IO);
		if (rc->async) {
			pthread_barrier_wait(rc->bar);
			rc->t_in[i] = now();
			e = sg_submit(rc->fd, &r);
			rc->t_out[i] = now();
			e = e ? e : sg_collect(rc->fd, &r);
		} else {
			e = sg_io(rc->fd, &r);
		}
		if (e)
			rc->errors++;
		if (r.h.info & SG_INFO_SHARED_MMAP_IO) {
			rc->shared++;
			if (rc->bits)
				rc->bits[i] = 1;
		}
	}
	return NULL;
}

/*
 * race: two threads, each with its own sg fd (one on each disk), issue
 * ROUNDS shared WRITEs from two regions of the one owner reserve.  ASYNC:
 * per round, both submit at a barrier while scsi_debug holds every request
 * for at least 2 * HOLD seconds; when both submissions fell inside the
 * other's hold, exactly one may share.  Otherwise: free-running SG_IO.
 */
static void race(int async, int rounds, unsigned char *map, double hold)
{
	struct racer t[2];
	pthread_t th[2];
	pthread_barrier_t bar;
	unsigned int len = 32 * 1024;
	int i, k, overlap = 0, exactly = 0, both = 0, errors = 0;

	pthread_barrier_init(&bar, NULL, 2);
	for (k = 0; k < 2; k++) {
		memset(&t[k], 0, sizeof(t[k]));
		t[k].fd = open_sg(k ? cfg.dev_a : cfg.dev_b);
		t[k].src = map + k * 2 * len;
		t[k].lba = 128 + k * 128;
		t[k].len = len;
		t[k].rounds = rounds;
		t[k].async = async;
		t[k].bar = &bar;
		t[k].t_in = calloc(rounds, sizeof(double));
		t[k].t_out = calloc(rounds, sizeof(double));
		t[k].bits = calloc(rounds, 1);
		fill(t[k].src, len, new_seed());
	}
	for (k = 0; k < 2; k++)
		if (pthread_create(&th[k], NULL, racer_run, &t[k]))
			die("pthread_create");
	for (k = 0; k < 2; k++)
		pthread_join(th[k], NULL);
	for (i = 0; i < rounds; i++) {
		int n = t[0].bits[i] + t[1].bits[i];

		/* both claims fell inside the other's minimum hold time */
		if (t[0].t_out[i] < t[1].t_in[i] + hold &&
		    t[1].t_out[i] < t[0].t_in[i] + hold) {
			overlap++;
			exactly += n == 1;
		}
		both += n == 2;
	}
	errors = t[0].errors + t[1].errors;
	for (k = 0; k < 2; k++)
		errors += !dev_equals(k ? ca : cb, t[k].lba, len / bs, t[k].src);
	if (async)
		check(errors == 0 && both == 0 &&
		      exactly == (patched ? overlap : 0) && (!patched || overlap),
		      "two threads race for one reserve, %d rounds: %d overlapping, exactly one shared in %d, both in %d, errors %d",
		      rounds, overlap, exactly, both, errors);
	else
		check(errors == 0 &&
		      (patched ? t[0].shared + t[1].shared > 0 :
				 t[0].shared + t[1].shared == 0),
		      "two threads race freely, %d requests each: shared %d+%d, errors %d, data ok",
		      rounds, t[0].shared, t[1].shared, errors);
	for (k = 0; k < 2; k++) {
		close(t[k].fd);
		free(t[k].t_in);
		free(t[k].t_out);
		free(t[k].bits);
	}
	pthread_barrier_destroy(&bar);
}

static void t_race(unsigned char *map)
{
	unsigned char *tmp = xalloc(PAGE);
	double t0, rtt;

	race(0, 500, map, 0);
	if (!delay_usable() || set_delay(DELAY_JIFFIES)) {
		skip("no writable scsi_debug delay",
		     "two threads race with requests in flight");
		free(tmp);
		return;
	}
	t0 = now();
	if (rw(ca, SG_DXFER_FROM_DEV, 0, 1, tmp, 0, NULL))
		die("timing a delayed request");
	rtt = now() - t0;
	note("a delayed request takes %.3f s; racing with a hold of %.3f s",
	     rtt, rtt / 2);
	race(1, 10, map, rtt / 2);
	if (set_delay(0))
		die("resetting the scsi_debug delay");
	free(tmp);
}

/* ---- mixed iterations and memory ---- */

struct meminfo {
	long free_kb;		/* MemFree */
	long pcp_kb;		/* free pages on per-CPU lists (zoneinfo) */
	long slab_kb;		/* Slab */
	long sunreclaim_kb;	/* SUnreclaim */
};

/*
 * pcp_kb: the free pages held on per-CPU lists, which MemFree leaves out.
 * With 1 GiB they may hold 27 MiB per CPU, so MemFree alone swings by
 * megabytes from run to run; MemFree plus these is steady.
 */
static long pcp_kb(void)
{
	char line[256];
	long n, pages = 0;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &n) == 1)
			pages += n;
	fclose(f);
	return pages * (PAGE / 1024);
}

static void read_meminfo(struct meminfo *m)
{
	char line[128];
	FILE *f;

	sync();
	f = fopen("/proc/sys/vm/drop_caches", "w");
	if (f) {
		fputs("3\n", f);
		fclose(f);
	}
	usleep(200 * 1000);	/* let deferred frees (workqueue, RCU) run */
	memset(m, 0, sizeof(*m));
	f = fopen("/proc/meminfo", "r");
	if (!f)
		die("/proc/meminfo");
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "MemFree: %ld", &m->free_kb);
		sscanf(line, "Slab: %ld", &m->slab_kb);
		sscanf(line, "SUnreclaim: %ld", &m->sunreclaim_kb);
	}
	fclose(f);
	m->pcp_kb = pcp_kb();
}

static unsigned int lcg(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/*
 * mixed: ITER requests of every kind in a fixed pseudo-random order, each
 * verified: shared WRITEs and READs (SG_IO and write()/read()), fallbacks
 * from the heap, the owner sharing its own reserve, copies A->B through
 * one buffer, short-lived owners unmapped and closed under an async
 * request, and new sharer fds.  *SBP may be replaced.  Counts shared and
 * not shared requests in *SHARED and *FELL; returns the number of wrong
 * results (error, data or info bit).
 */
static int mixed(int iter, int *sbp, unsigned char *map, int oa, int *shared,
		 int *fell)
{
	unsigned int s = 12345, blocks = 1024 * 1024 / bs;
	unsigned char *heap = xalloc(256 * 1024), *tmp = xalloc(256 * 1024);
	unsigned char *want = xalloc(256 * 1024);
	int i, bad = 0;

	for (i = 0; i < iter; i++) {
		unsigned int op = lcg(&s) % 10;
		unsigned int nblk = 1 + lcg(&s) % (64 * 1024 / bs);
		unsigned int len = nblk * bs;
		unsigned int off = (lcg(&s) % ((rsv - len) / 512 + 1)) * 512;
		unsigned int lba = lcg(&s) % (blocks - nblk);
		unsigned int info = 0;
		int should = 1, rc = 0, ok = 1;
		struct sgreq r;

		switch (op) {
		case 0:		/* shared WRITE */
		case 1:
			fill(map + off, len, new_seed());
			memcpy(want, map + off, len);
			rc = rw(*sbp, SG_DXFER_TO_DEV, lba, nblk, map + off,
				SG_FLAG_SHARED_MMAP_IO, &info);
			ok = dev_equals(cb, lba, nblk, want);
			break;
		case 2:		/* shared READ */
			memset(map + off, 0x3c, len);
			rc = rw(*sbp, SG_DXFER_FROM_DEV, lba, nblk, map + off,
				SG_FLAG_SHARED_MMAP_IO, &info);
			ok = dev_equals(cb, lba, nblk, map + off);
			break;
		case 3:		/* flag on a heap buffer: falls back */
			should = 0;
			fill(heap, len, new_seed());
			rc = rw(*sbp, SG_DXFER_TO_DEV, lba, nblk, heap,
				SG_FLAG_SHARED_MMAP_IO, &info);
			ok = dev_equals(cb, lba, nblk, heap);
			break;
		case 4:		/* async shared WRITE */
			fill(map + off, len, new_seed());
			memcpy(want, map + off, len);
			sgreq_init(&r, SG_DXFER_TO_DEV, lba, nblk, map + off,
				   len, SG_FLAG_SHARED_MMAP_IO);
			rc = sg_submit(*sbp, &r);
			rc = rc ? rc : sg_collect(*sbp, &r);
			info = r.h.info;
			ok = dev_equals(cb, lba, nblk, want);
			break;
		case 5:		/* the owner shares its own reserve */
			fill(map + off, len, new_seed());
			memcpy(want, map + off, len);
			rc = rw(oa, SG_DXFER_TO_DEV, lba, nblk, map + off,
				SG_FLAG_SHARED_MMAP_IO, &info);
			ok = dev_equals(ca, lba, nblk, want);
			break;
		case 6:		/* owner MMAP_IO READ, then shared WRITE: A->B */
			rc = rw(oa, SG_DXFER_FROM_DEV, lba, nblk, NULL,
				SG_FLAG_MMAP_IO, NULL);
			rc = rc ? rc : rw(*sbp, SG_DXFER_TO_DEV, lba, nblk, map,
					  SG_FLAG_SHARED_MMAP_IO, &info);
			ok = dev_equals(cb, lba, nblk, map) &&
			     dev_equals(ca, lba, nblk, map);
			break;
		case 8:		/* a short-lived owner, gone before completion */
		case 9: {
			unsigned int small = 32 * 1024;
			unsigned char *m;
			int o = open_owner(op == 8 ? cfg.dev_a : cfg.dev_b,
					   small, PROT_READ | PROT_WRITE,
					   MAP_SHARED, &m);
			int dir = op == 8 ? SG_DXFER_TO_DEV : SG_DXFER_FROM_DEV;

			nblk = 1 + nblk % (small / bs);
			len = nblk * bs;
			off = 0;
			fill(m, len, new_seed());
			memcpy(want, m, len);
			sgreq_init(&r, dir, lba, nblk, m, len,
				   SG_FLAG_SHARED_MMAP_IO);
			rc = sg_submit(*sbp, &r);
			munmap(m, small);
			close(o);
			rc = rc ? rc : sg_collect(*sbp, &r);
			info = r.h.info;
			if (dir == SG_DXFER_TO_DEV) {
				ok = dev_equals(cb, lba, nblk, want);
			} else if (!patched && rc == -EFAULT) {
				rc = 0;	/* indirect: copy-out to a gone mapping */
			}
			break;
		}
		default:	/* a new sharer fd, and plain indirect IO */
			close(*sbp);
			*sbp = open_sg(cfg.dev_b);
			should = 0;
			rc = rw(*sbp, SG_DXFER_FROM_DEV, lba, nblk, tmp, 0,
				&info);
			ok = dev_equals(cb, lba, nblk, tmp);
			break;
		}
		if (rc || !ok || !bit_ok(info, should)) {
			if (bad++ < 10)
				note("iteration %d op %u off %u len %u lba %u: rc=%d data %s info 0x%x",
				     i, op, off, len, lba, rc, ok ? "ok" : "WRONG", info);
		}
		if (info & SG_INFO_SHARED_MMAP_IO)
			(*shared)++;
		else
			(*fell)++;
		if (cfg.verbose && i % 1000 == 999)
			note("%d iterations", i + 1);
	}
	free(heap);
	free(tmp);
	free(want);
	return bad;
}

static void t_mixed(int *sbp, unsigned char *map, int oa)
{
	struct meminfo m0, m1;
	int shared = 0, fell = 0, bad;
	long dfree = 0, dslab = 0, dsun;
	int tries;
	double t0;

	/* warm up the caches that the loop will use, then measure */
	mixed(200, sbp, map, oa, &shared, &fell);
	read_meminfo(&m0);
	shared = fell = 0;
	t0 = now();
	bad = mixed(cfg.iterations, sbp, map, oa, &shared, &fell);
	check(bad == 0 && (patched ? shared > 0 : shared == 0),
	      "%d mixed iterations in %.1f s: %d shared, %d not, %d wrong",
	      cfg.iterations, now() - t0, shared, fell, bad);
	/*
	 * Bounds: 1 MiB of Slab is 100 bytes per iteration; 4 MiB of free
	 * memory (MemFree plus the per-CPU lists) is 400 bytes per iteration,
	 * or 128 of the 3,000 32 KiB reserve buffers of the fds the loop
	 * opens.  Deferred frees may lag: re-read up to 5 times, 1 s apart.
	 */
	for (tries = 0; tries < 6; tries++) {
		if (tries)
			sleep(1);
		read_meminfo(&m1);
		dfree = m1.free_kb + m1.pcp_kb - m0.free_kb - m0.pcp_kb;
		dslab = m1.slab_kb - m0.slab_kb;
		if (dslab <= 1024 && dfree >= -4096)
			break;
	}
	dsun = m1.sunreclaim_kb - m0.sunreclaim_kb;
	check(cfg.no_mem_bound || (dslab <= 1024 && dfree >= -4096),
	      "memory after the loop (read %d times): MemFree+pcp %+ld kB (MemFree %ld -> %ld, pcp %ld -> %ld), Slab %+ld kB (%ld -> %ld), SUnreclaim %+ld kB; bound: Slab <= +1024 kB, MemFree+pcp >= -4096 kB",
	      tries + (tries < 6), dfree, m0.free_kb, m1.free_kb, m0.pcp_kb,
	      m1.pcp_kb, dslab, m0.slab_kb, m1.slab_kb, dsun);
}

/* ---- hot unplug of the owner's device ---- */

/* delete_device: remove the SCSI device under sg node DEV; 0 or -errno. */
static int delete_device(const char *dev)
{
	const char *name = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	char path[256];
	int fd, rc;

	snprintf(path, sizeof(path), "/sys/class/scsi_generic/%s/device/delete",
		 name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	rc = write(fd, "1\n", 2) == 2 ? 0 : -errno;
	close(fd);
	return rc;
}

/*
 * SG_A disappears while two requests share reserve buffers across it: one
 * on SG_B from the reserve of an fd on SG_A, one on SG_A from the reserve
 * of an fd on SG_B.  Both complete; the first with its data.  The buffer
 * of the deleted device lives on with its fd and mapping (and can still
 * be shared), its fd gets ENODEV, and the buffer on SG_B is free again.
 * Closing everything frees everything (the scenario checks sg's refcount).
 */
static void t_unplug(void)
{
	unsigned int size = 64 * 1024, len = 32 * 1024;
	unsigned char *m, *m2, *want = xalloc(len), *tmp = xalloc(bs);
	int o, o2, sb, sa, rc, rc2, delayed;
	struct sgreq a, b;

	o = open_owner(cfg.dev_a, size, PROT_READ | PROT_WRITE, MAP_SHARED, &m);
	o2 = open_owner(cfg.dev_b, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			&m2);
	sb = open_sg(cfg.dev_b);
	sa = open_sg(cfg.dev_a);
	delayed = delay_usable() && set_delay(DELAY_JIFFIES) == 0;
	fill(m, len, new_seed());
	memcpy(want, m, len);
	fill(m2, len, new_seed());
	sgreq_init(&a, SG_DXFER_TO_DEV, 112, len / bs, m, len,
		   SG_FLAG_SHARED_MMAP_IO);
	sgreq_init(&b, SG_DXFER_TO_DEV, 112, len / bs, m2, len,
		   SG_FLAG_SHARED_MMAP_IO);
	rc = sg_submit(sb, &a);
	rc2 = sg_submit(sa, &b);
	check(rc == 0 && rc2 == 0,
	      "sharing WRITEs queued both ways across %s: rc=%d,%d",
	      cfg.dev_a, rc, rc2);
	rc2 = delete_device(cfg.dev_a);
	check(rc2 == 0, "%s deleted while they %s: rc=%d", cfg.dev_a,
	      delayed ? "are in flight" : "run", rc2);
	rc = rc ? rc : sg_collect(sb, &a);
	check(rc == 0 && bit_ok(a.h.info, 1) && dev_equals(cb, 112, len / bs, want),
	      "the WRITE on %s from the deleted device's reserve completes: rc=%d %s, data ok",
	      cfg.dev_b, rc, bit_word(1));
	rc = sg_collect(sa, &b);
	note("the WRITE on the deleted device returns rc=%d status 0x%x host 0x%x",
	     rc, b.h.status, b.h.host_status);
	if (delayed && set_delay(0))
		die("resetting the scsi_debug delay");
	rc = rw(o2, SG_DXFER_FROM_DEV, 112, len / bs, NULL, SG_FLAG_MMAP_IO,
		NULL);
	check(rc == 0, "the reserve on %s it shared is free again: owner's MMAP_IO rc=%d",
	      cfg.dev_b, rc);
	shared_write(sb, m, 0, len, 120, 1,
		     "owner's device gone, its fd and mapping open");
	shared_read(sb, m, 4096, len, 120, 1,
		    "owner's device gone, its fd and mapping open");
	rc = rw(o, SG_DXFER_FROM_DEV, 0, 1, tmp, 0, NULL);
	check(rc == -ENODEV, "the owner fd of the deleted device: rc=%d (ENODEV)",
	      rc);
	munmap(m, size);
	munmap(m2, size);
	close(o);
	close(o2);
	close(sa);
	close(sb);
	free(want);
	free(tmp);
}

/* ---- setup ---- */

static unsigned int read_capacity_bs(int fd)
{
	unsigned char cdb[10] = { 0x25 }, resp[8] = { 0 }, sense[32];
	sg_io_hdr_t h;

	memset(&h, 0, sizeof(h));
	h.interface_id = 'S';
	h.dxfer_direction = SG_DXFER_FROM_DEV;
	h.cmd_len = sizeof(cdb);
	h.cmdp = cdb;
	h.dxferp = resp;
	h.dxfer_len = sizeof(resp);
	h.mx_sb_len = sizeof(sense);
	h.sbp = sense;
	h.timeout = TIMEOUT_MS;
	if (ioctl(fd, SG_IO, &h) < 0 || h.status || h.host_status ||
	    h.driver_status)
		die("READ CAPACITY(10)");
	return (unsigned int)resp[4] << 24 | resp[5] << 16 | resp[6] << 8 |
	       resp[7];
}

/*
 * --probe: one shared WRITE of cfg.probe_len bytes at cfg.probe_off of a
 * reserve on SG_A (as large as the driver grants, up to the range's end),
 * issued on SG_B; it must share iff cfg.probe_share.
 */
static void t_probe(void)
{
	unsigned int size = cfg.probe_off + cfg.probe_len;
	unsigned char *m;
	int fd, sb;

	size = (size + PAGE - 1) & ~(PAGE - 1);
	fd = open_reserve(cfg.dev_a, &size, PROT_READ | PROT_WRITE, MAP_SHARED,
			  &m);
	if (size < cfg.probe_off + cfg.probe_len) {
		skip("reserve too small", "probe: %u bytes granted, %u needed",
		     size, cfg.probe_off + cfg.probe_len);
	} else {
		sb = open_sg(cfg.dev_b);
		shared_write(sb, m, cfg.probe_off, cfg.probe_len, 0,
			     cfg.probe_share, "probe");
		close(sb);
	}
	munmap(m, size);
	close(fd);
}

static void usage(FILE *f)
{
	fputs("usage: sg_smmap_test [--expect-stock | --expect-patched] [--iterations N]\n"
	      "                     [--delay-knob PATH] [--unplug] [--verbose]\n"
	      "                     [--probe OFF LEN SHARE] SG_A SG_B\n",
	      f);
}

static void parse(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--expect-stock")) {
			cfg.expect = 0;
		} else if (!strcmp(argv[i], "--expect-patched")) {
			cfg.expect = 1;
		} else if (!strcmp(argv[i], "--iterations") && i + 1 < argc) {
			char *end;

			errno = 0;
			cfg.iterations = (int)strtol(argv[++i], &end, 10);
			if (errno || *end || cfg.iterations < 0) {
				usage(stderr);
				exit(2);
			}
		} else if (!strcmp(argv[i], "--delay-knob") && i + 1 < argc) {
			cfg.delay_knob = argv[++i];
		} else if (!strcmp(argv[i], "--probe") && i + 3 < argc) {
			cfg.probe_off = (unsigned int)strtoul(argv[++i], NULL, 0);
			cfg.probe_len = (unsigned int)strtoul(argv[++i], NULL, 0);
			cfg.probe_share = !strcmp(argv[++i], "1");
			if (!cfg.probe_len) {
				usage(stderr);
				exit(2);
			}
		} else if (!strcmp(argv[i], "--unplug")) {
			cfg.unplug = 1;
		} else if (!strcmp(argv[i], "--no-mem-bound")) {
			cfg.no_mem_bound = 1;
		} else if (!strcmp(argv[i], "--verbose")) {
			cfg.verbose = 1;
		} else if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			exit(0);
		} else {
			usage(stderr);
			exit(2);
		}
	}
	if (argc - i != 2) {
		usage(stderr);
		exit(2);
	}
	cfg.dev_a = argv[i];
	cfg.dev_b = argv[i + 1];
}

int main(int argc, char **argv)
{
	unsigned char *map;
	int oa, sb;

	if (argc > 1 && !strcmp(argv[1], "--exec-child"))
		return review_exec_child(argc, argv);
	parse(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	ca = open_sg(cfg.dev_a);
	cb = open_sg(cfg.dev_b);
	t_version(ca);
	bs = read_capacity_bs(ca);
	if (bs != read_capacity_bs(cb) || bs < 512 || bs > PAGE) {
		errno = EINVAL;
		die("block sizes of SG_A and SG_B");
	}
	dma_align = queue_attr(cfg.dev_b, "dma_alignment");
	if (cfg.unplug) {
		t_unplug();
		goto out;
	}
	if (cfg.probe_len) {
		t_probe();
		goto out;
	}
	rsv = OWNER_RESERVE;
	oa = open_reserve(cfg.dev_a, &rsv, PROT_READ | PROT_WRITE, MAP_SHARED,
			  &map);
	if (rsv < 128 * 1024) {
		errno = ENOMEM;
		die("owner reserve below 128 KiB");
	}
	sb = open_sg(cfg.dev_b);
	max_segs = queue_attr(cfg.dev_b, "max_segments");
	note("%s: %s driver, block size %u, owner reserve %u on %s; %s: max_segments %u, dma_alignment %u, max_hw_sectors_kb %u",
	     cfg.dev_a, patched ? "patched" : "stock", bs, rsv, cfg.dev_a,
	     cfg.dev_b, max_segs, dma_align,
	     queue_attr(cfg.dev_b, "max_hw_sectors_kb"));

	t_share(sb, map, oa);
	t_fallback_mapping(sb, oa);
	t_fallback_limits(sb, map);
	t_fallback_range(sb);
	t_split(sb);
	t_fork(sb, map);
	t_einval(sb, map);
	t_busy_owner(sb, map, oa);
	t_review(sb, map, oa, "/proc/self/exe");
	t_in_flight(sb, map, oa);
	t_race(map);
	t_mixed(&sb, map, oa);
	check(stray_bits == 0, "info bit never set on a request without the flag (%d)",
	      stray_bits);

	munmap(map, rsv);
	close(oa);
	close(sb);
out:
	close(ca);
	close(cb);
	printf("1..%d\n", n_checks);
	printf("# %d of %d checks failed\n", n_failed, n_checks);
	return n_failed ? 1 : 0;
}
