/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rel_soak - abuse the sg driver's shared mmap IO with random requests.
 *
 *   rel_soak [-n ITERATIONS] [-s SEED] [-r REGION_BLOCKS] [-v] DEV...
 *   rel_soak -x DEV     the self-alias probe (see self_alias_probe())
 *
 * Keeps NSLOT sg fds open on the DEVs (sg nodes of disks with 512- or
 * 4096-byte blocks), some with their reserve buffer mmap-ed (shared
 * read/write, shared read-only, private, partly unmapped).  Each iteration
 * does one random thing:
 *  - a READ or WRITE with SG_FLAG_SHARED_MMAP_IO (sometimes with forbidden
 *    flag combinations, a NULL dxferp, unaligned or out-of-mapping ranges,
 *    lengths past the reserve), synchronously with SG_IO or asynchronously
 *    with write(); an async request is then read back, or its fd closed,
 *    or the owner's mapping unmapped, or the owner fd closed while it is
 *    in flight;
 *  - remap, partly unmap, or close and reopen a slot with a new reserve
 *    size;
 *  - fork a child that tries to share a mapping it inherited (never
 *    allowed: the info bit must stay clear).
 * Every so often a WRITE's data is verified by reading it back with plain
 * indirect IO, and a shared READ's data against what was written.
 *
 * Invariants checked (any violation is a failure): SCSI status of every
 * completed command is good; the info bit SG_INFO_SHARED_MMAP_IO is never
 * set unless the request asked for it from a MAP_SHARED mapping with the
 * right protection; forbidden combinations get EINVAL (patched driver);
 * verified data is right.  Prints throughput per tenth of the run.
 * Exit 0 when no invariant failed, 1 otherwise, 2 on a setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <scsi/sg.h>

#include "sg_smmap.h"


#define NSLOT 6
#define MAXDEV 4
#define MAXPEND 3
#define PAGE 4096

enum kind { K_NONE, K_SHARED_RW, K_SHARED_RO, K_PRIVATE, K_NKIND };

struct slot {
	int fd;
	int dev;
	int rsv;		/* reserve size */
	uint8_t *map;		/* mapping base as mmap returned it */
	size_t maplen;
	size_t cut;		/* bytes unmapped at the front */
	enum kind kind;
	int pending;		/* async requests not read back */
};

static const char *devs[MAXDEV];
static int ndev, bsz[MAXDEV], vfd[MAXDEV];
static struct slot sl[NSLOT];
static uint64_t rng;
static bool patched, verbose, alias_probe;
static long region = 2048;
static uint8_t *heap;		/* never freed: async READs may land late */	/* blocks used on each device */

static struct {
	unsigned long ios, sync, async, shared_req, shared_done, einval,
		efault, efault_reap, enomem, ebusy, edom, other_err, verify, inflight_close,
		inflight_unmap, inflight_owner_close, forks, remaps, reopens,
		cuts, failures;
} st;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned int rndn(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

#define FAIL(...) do { st.failures++; fprintf(stderr, "rel_soak: FAIL: " \
	__VA_ARGS__); fputc('\n', stderr); } while (0)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void unmap_slot(struct slot *s)
{
	if (s->map)
		munmap(s->map + s->cut, s->maplen - s->cut);
	s->map = NULL;
	s->maplen = s->cut = 0;
	s->kind = K_NONE;
}

static void map_slot(struct slot *s, enum kind k)
{
	int prot = PROT_READ | (k == K_SHARED_RO ? 0 : PROT_WRITE);
	int fl = k == K_PRIVATE ? MAP_PRIVATE : MAP_SHARED;
	void *p;

	unmap_slot(s);
	if (k == K_NONE || s->fd < 0)
		return;
	s->maplen = (size_t)s->rsv;
	p = mmap(NULL, s->maplen, prot, fl, s->fd, 0);
	if (p == MAP_FAILED) {
		/* EBUSY-free: mmap of a reserve never fails for size <= rsv */
		FAIL("mmap slot fd %d len %zu: %s", s->fd, s->maplen,
		     strerror(errno));
		s->maplen = 0;
		return;
	}
	s->map = p;
	s->kind = k;
}

static void close_slot(struct slot *s)
{
	unmap_slot(s);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->pending = 0;
}

static void open_slot(struct slot *s)
{
	static const int sizes[] = { 32768, 65536, 131072, 262144 };
	int got = 0;

	close_slot(s);
	s->dev = (int)rndn((unsigned int)ndev);
	s->fd = open(devs[s->dev], O_RDWR);
	if (s->fd < 0) {
		fprintf(stderr, "rel_soak: open %s: %s\n", devs[s->dev],
			strerror(errno));
		exit(2);
	}
	s->rsv = sizes[rndn(4)];
	ioctl(s->fd, SG_SET_RESERVED_SIZE, &s->rsv);
	if (ioctl(s->fd, SG_GET_RESERVED_SIZE, &got) == 0)
		s->rsv = got;
	map_slot(s, (enum kind)rndn(K_NKIND));
}

/* Read back one async response of slot s; check it. */
static void reap(struct slot *s)
{
	struct sg_io_hdr h;

	memset(&h, 0, sizeof(h));
	h.interface_id = 'S';
	if (read(s->fd, &h, sizeof(h)) < 0) {
		/* EFAULT: an indirect READ's buffer was unmapped or is
		 * read-only by now; the request itself is gone */
		if (errno == EFAULT) {
			st.efault_reap++;
			s->pending--;
			return;
		}
		FAIL("read response: %s", strerror(errno));
		s->pending = 0;
		return;
	}
	s->pending--;
	if (h.info & SG_INFO_SHARED_MMAP_IO)
		st.shared_done++;
	if (h.status || h.host_status || h.driver_status)
		FAIL("async: status %#x host %#x driver %#x", h.status,
		     h.host_status, h.driver_status);
}

static void drain(void)
{
	for (int i = 0; i < NSLOT; i++)
		while (sl[i].fd >= 0 && sl[i].pending > 0)
			reap(&sl[i]);
}

static void count_err(int e)
{
	switch (e) {
	case EINVAL: st.einval++; break;
	case EFAULT: st.efault++; break;
	case ENOMEM: st.enomem++; break;
	case EBUSY: st.ebusy++; break;
	case EDOM: st.edom++; break;
	default:
		st.other_err++;
		if (verbose)
			fprintf(stderr, "rel_soak: errno %d (%s)\n", e,
				strerror(e));
	}
}

static void fill(uint8_t *p, size_t n, uint64_t seed)
{
	for (size_t i = 0; i + 8 <= n; i += 8) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		memcpy(p + i, &seed, 8);
	}
}

/* Plain indirect IO on the verify fd of device d. */
static int plain_io(int d, bool wr, uint32_t lba, uint32_t nblk, void *buf)
{
	uint8_t cdb[10] = { wr ? 0x2a : 0x28 }, sense[32];
	struct sg_io_hdr h;

	cdb[2] = lba >> 24; cdb[3] = lba >> 16; cdb[4] = lba >> 8;
	cdb[5] = lba; cdb[7] = nblk >> 8; cdb[8] = nblk;
	memset(&h, 0, sizeof(h));
	h.interface_id = 'S';
	h.cmd_len = 10;
	h.cmdp = cdb;
	h.dxfer_direction = wr ? SG_DXFER_TO_DEV : SG_DXFER_FROM_DEV;
	h.dxfer_len = nblk * (uint32_t)bsz[d];
	h.dxferp = buf;
	h.sbp = sense;
	h.mx_sb_len = sizeof(sense);
	h.timeout = 60000;
	if (ioctl(vfd[d], SG_IO, &h) < 0 || h.status || h.host_status ||
	    h.driver_status)
		return -1;
	return 0;
}

/*
 * Whether user space may touch [p, p+len) of slot o's mapping.  Stock sg's
 * sg_vma_fault() measures the offset (which includes vm_pgoff) against
 * lengths counted from vm_start, so after the first CUT bytes of a mapping
 * are munmap-ed, touching its last CUT bytes raises SIGBUS.  The kernel's
 * own use of those pages (sharing) is unaffected; only CPU access is kept
 * out of that tail.
 */
static bool cpu_ok(const struct slot *o, const uint8_t *p, size_t len)
{
	if (!o)
		return true;
	return p + len <= o->map + o->maplen - o->cut;
}

/* One random shared-mmap request. */
static void do_io(long it)
{
	struct slot *s = &sl[rndn(NSLOT)], *o = &sl[rndn(NSLOT)];
	int d, bs, e;
	bool wr = rndn(5) < 3, async = rndn(5) < 2, bad = false, verify;
	bool null_dxferp = false;
	unsigned int flags = SG_FLAG_SHARED_MMAP_IO, r;
	uint32_t nblk, lba;
	size_t off, avail;
	uint8_t cdb[10], sense[32], *p, *buf = NULL;
	struct sg_io_hdr h;

	if (s->fd < 0)
		open_slot(s);
	if (o->fd < 0)
		open_slot(o);
	if (s->pending >= MAXPEND)
		reap(s);
	d = s->dev;
	bs = bsz[d];
	/* length: usually within the owner's mapping, sometimes past it */
	avail = o->map ? o->maplen - o->cut : (size_t)s->rsv;
	nblk = 1 + rndn((unsigned int)(avail / (size_t)bs > 0 ?
				       avail / (size_t)bs : 1));
	if (rndn(20) == 0)
		nblk += 1 + rndn(64);	/* past the reserve: fallback */
	if (nblk > 128)
		nblk = 128;
	lba = (uint32_t)rndn((unsigned int)(region - nblk));
	/* where: inside the mapping at a block offset, or a stray place */
	r = rndn(100);
	if (o->map && r < 90) {
		size_t room = o->maplen - o->cut;
		size_t len = (size_t)nblk * (size_t)bs;

		off = len < room ? (size_t)rndn((unsigned int)
					((room - len) / 512 + 1)) * 512 : 0;
		if (rndn(20) == 0)
			off += 1 + rndn(3);	/* unaligned: fallback */
		p = o->map + o->cut + off;
		if (off + len > room)
			/* past the mapping: fallback, maybe EFAULT */
			p = o->map + o->cut;
		if (off + len > room && len > room)
			nblk = (uint32_t)(room / (size_t)bs), nblk = nblk ? nblk : 1;
	} else {
		if (!heap)
			heap = aligned_alloc(PAGE, 128 * 4096);
		buf = heap;
		p = buf;		/* heap memory: fallback */
	}
	/* flags: mostly legal, sometimes forbidden combinations */
	r = rndn(100);
	if (r < 4) {
		flags |= SG_FLAG_MMAP_IO;
		bad = true;
	} else if (r < 7) {
		flags |= SG_FLAG_DIRECT_IO;
		bad = true;
	} else if (r < 9) {
		null_dxferp = true;
		bad = true;
	} else if (r < 14) {
		flags |= rndn(2) ? SG_FLAG_Q_AT_TAIL : SG_FLAG_Q_AT_HEAD;
	}
	verify = !async && !bad && rndn(10) == 0 && wr &&
		 cpu_ok(buf ? NULL : o, p, (size_t)nblk * (size_t)bs);
	if (verify) {
		drain();
		if (o->kind == K_SHARED_RW || o->kind == K_PRIVATE || buf)
			fill(p, (size_t)nblk * (size_t)bs, (uint64_t)it * 7);
		else
			verify = false;
	}
	memset(cdb, 0, sizeof(cdb));
	cdb[0] = wr ? 0x2a : 0x28;
	cdb[2] = lba >> 24; cdb[3] = lba >> 16; cdb[4] = lba >> 8; cdb[5] = lba;
	cdb[7] = nblk >> 8; cdb[8] = nblk;
	memset(&h, 0, sizeof(h));
	h.interface_id = 'S';
	h.cmd_len = 10;
	h.cmdp = cdb;
	h.dxfer_direction = wr ? SG_DXFER_TO_DEV : SG_DXFER_FROM_DEV;
	h.dxfer_len = nblk * (uint32_t)bs;
	h.dxferp = null_dxferp ? NULL : p;
	h.sbp = sense;
	h.mx_sb_len = sizeof(sense);
	h.timeout = 60000;
	h.flags = flags;
	h.pack_id = (int)it;
	st.ios++;
	st.shared_req++;
	if (async) {
		st.async++;
		if (write(s->fd, &h, sizeof(h)) < 0) {
			e = errno;
			if (bad && e != EINVAL && patched)
				FAIL("forbidden flags %#x%s: errno %d, not EINVAL",
				     flags, null_dxferp ? " NULL dxferp" : "", e);
			count_err(e);
			goto out;
		}
		if (bad && patched)
			FAIL("forbidden flags %#x%s accepted (async)", flags,
			     null_dxferp ? " NULL dxferp" : "");
		s->pending++;
		r = rndn(100);
		if (r < 15) {
			st.inflight_close++;
			close_slot(s);		/* response dropped in flight */
		} else if (r < 30 && o->map) {
			st.inflight_unmap++;
			map_slot(o, rndn(2) ? K_NONE : (enum kind)rndn(K_NKIND));
		} else if (r < 38 && o != s) {
			st.inflight_owner_close++;
			close_slot(o);		/* owner gone while in flight */
		} else if (r < 70) {
			reap(s);
		}			/* else: read back later */
		goto out;
	}
	st.sync++;
	if (ioctl(s->fd, SG_IO, &h) < 0) {
		e = errno;
		if (bad && e != EINVAL && patched)
			FAIL("forbidden flags %#x%s: errno %d, not EINVAL", flags,
			     null_dxferp ? " NULL dxferp" : "", e);
		count_err(e);
		goto out;
	}
	if (bad && patched)
		FAIL("forbidden flags %#x%s accepted", flags,
		     null_dxferp ? " NULL dxferp" : "");
	if (h.status || h.host_status || h.driver_status) {
		FAIL("sync: status %#x host %#x driver %#x", h.status,
		     h.host_status, h.driver_status);
		goto out;
	}
	if (h.info & SG_INFO_SHARED_MMAP_IO) {
		st.shared_done++;
		if (buf || o->kind == K_PRIVATE || o->kind == K_NONE ||
		    (!wr && o->kind == K_SHARED_RO))
			FAIL("shared with a %s buffer (%s)", buf ? "heap" :
			     o->kind == K_PRIVATE ? "MAP_PRIVATE" :
			     o->kind == K_NONE ? "unmapped" : "read-only",
			     wr ? "WRITE" : "READ");
		if (((uintptr_t)p & 3) != 0)
			FAIL("shared at an unaligned address");
	}
	if (verify) {
		uint8_t *chk = aligned_alloc(PAGE, (size_t)nblk * (size_t)bs);

		st.verify++;
		if (plain_io(d, false, lba, nblk, chk) < 0)
			FAIL("verify READ failed");
		else if (memcmp(chk, p, (size_t)nblk * (size_t)bs))
			FAIL("WRITE data differ at lba %u x%u (info %#x), "
			     "%s mapping, offset %zu", lba, nblk, h.info,
			     buf ? "no" : o == s ? "its own fd's" :
			     "another fd's", buf ? 0 : (size_t)(p - o->map));
		free(chk);
	} else if (!wr && !bad && o->kind == K_SHARED_RW && !buf &&
		   rndn(10) == 0 && cpu_ok(o, p, (size_t)nblk * (size_t)bs)) {
		/* check the READ landed in the mapping: write known data
		 * plainly, read it shared again */
		uint8_t *ref = aligned_alloc(PAGE, (size_t)nblk * (size_t)bs);

		drain();
		fill(ref, (size_t)nblk * (size_t)bs, (uint64_t)it * 13);
		h.info = 0;
		if (plain_io(d, true, lba, nblk, ref) == 0 &&
		    ioctl(s->fd, SG_IO, &h) == 0 && !h.status) {
			st.verify++;
			if (memcmp(ref, p, (size_t)nblk * (size_t)bs)) {
				size_t k = 0;

				while (ref[k] == p[k])
					k++;
				FAIL("READ data differ at lba %u x%u (info %#x), "
				     "%s fd's mapping, offset %zu, first "
				     "difference at byte %zu",
				     lba, nblk, h.info, o == s ? "its own" :
				     "another", (size_t)(p - o->map), k);
			}
		}
		free(ref);
	}
out:
	return;
}

/*
 * -x: the self-alias probe.  A request with SG_FLAG_SHARED_MMAP_IO whose
 * dxferp lies in its own fd's mapping at an offset the queue cannot share
 * (not 4-byte aligned) falls back to indirect IO; that fallback must still
 * move the right data, as the flag's contract says.  One READ and one
 * WRITE, 16 blocks at offset 4097 of the mapping.  Returns failures.
 */
static int self_alias_probe(void)
{
	int d = 0, fd, rsv = 262144, bad = 0, bs = bsz[0];
	size_t len = 16 * (size_t)bs, off = 4097;
	uint8_t *map, *ref = aligned_alloc(PAGE, len), *chk = aligned_alloc(PAGE, len);
	uint8_t cdb[10] = { 0 }, sense[32];
	struct sg_io_hdr h;

	/* the kernel may grant less (max_sectors_kb: 128 KiB on megasas) */
	fd = open(devs[d], O_RDWR);
	if (fd < 0 || ioctl(fd, SG_SET_RESERVED_SIZE, &rsv) < 0 ||
	    ioctl(fd, SG_GET_RESERVED_SIZE, &rsv) < 0 || (size_t)rsv < off + len)
		return 1;
	map = mmap(NULL, (size_t)rsv, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return 1;
	for (int dir = 0; dir < 2; dir++) {
		bool wr = dir == 1;

		fill(ref, len, 77 + (uint64_t)dir);
		if (wr)
			memcpy(map + off, ref, len);
		else if (plain_io(d, true, 100, 16, ref))
			return 1;
		memset(cdb, 0, sizeof(cdb));
		cdb[0] = wr ? 0x2a : 0x28;
		cdb[5] = 100;
		cdb[8] = 16;
		memset(&h, 0, sizeof(h));
		h.interface_id = 'S';
		h.cmd_len = 10;
		h.cmdp = cdb;
		h.dxfer_direction = wr ? SG_DXFER_TO_DEV : SG_DXFER_FROM_DEV;
		h.dxfer_len = (unsigned int)len;
		h.dxferp = map + off;
		h.sbp = sense;
		h.mx_sb_len = sizeof(sense);
		h.timeout = 60000;
		h.flags = SG_FLAG_SHARED_MMAP_IO;
		if (ioctl(fd, SG_IO, &h) < 0 || h.status) {
			printf("rel_soak: self-alias %s: SG_IO failed\n",
			       wr ? "WRITE" : "READ");
			bad++;
			continue;
		}
		if (wr && plain_io(d, false, 100, 16, chk))
			return 1;
		if (memcmp(ref, map + off, len) ||
		    (wr && memcmp(ref, chk, len))) {
			size_t k = 0;
			const uint8_t *got = wr && memcmp(ref, chk, len) ? chk : map + off;

			while (k < len && ref[k] == got[k])
				k++;
			printf("rel_soak: self-alias %s at offset %zu (info %#x): "
			       "%s differs from byte %zu on\n",
			       wr ? "WRITE" : "READ", off, h.info,
			       got == chk ? "the device's data" : "the mapping",
			       k);
			bad++;
		} else {
			printf("rel_soak: self-alias %s at offset %zu (info %#x): data right\n",
			       wr ? "WRITE" : "READ", off, h.info);
		}
	}
	munmap(map, (size_t)rsv);
	close(fd);
	free(ref);
	free(chk);
	return bad;
}

/* A child inherits the mappings: sharing them must not happen. */
static void do_fork(void)
{
	int status;
	pid_t pid;

	drain();
	st.forks++;
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < NSLOT; i++) {
			struct slot *o = &sl[i], *s = &sl[(i + 1) % NSLOT];
			uint8_t cdb[10] = { 0x2a }, sense[32];
			struct sg_io_hdr h;

			if (o->kind != K_SHARED_RW || s->fd < 0)
				continue;
			cdb[8] = 1;
			memset(&h, 0, sizeof(h));
			h.interface_id = 'S';
			h.cmd_len = 10;
			h.cmdp = cdb;
			h.dxfer_direction = SG_DXFER_TO_DEV;
			h.dxfer_len = (unsigned int)bsz[s->dev];
			h.dxferp = o->map + o->cut;
			h.sbp = sense;
			h.mx_sb_len = sizeof(sense);
			h.timeout = 60000;
			h.flags = SG_FLAG_SHARED_MMAP_IO;
			if (ioctl(s->fd, SG_IO, &h) == 0 &&
			    (h.info & SG_INFO_SHARED_MMAP_IO))
				_exit(1);
		}
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		FAIL("fork/wait: %s", strerror(errno));
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		FAIL("a forked child shared an inherited mapping");
}

static long cur_it;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	fprintf(stderr, "rel_soak: signal %d at %p, iteration %ld\n", sig,
		si->si_addr, cur_it);
	for (int i = 0; i < NSLOT; i++)
		fprintf(stderr, "  slot %d: fd %d rsv %d map %p len %zu cut %zu kind %d\n",
			i, sl[i].fd, sl[i].rsv, (void *)sl[i].map, sl[i].maplen,
			sl[i].cut, (int)sl[i].kind);
	_exit(3);
}

int main(int argc, char *argv[])
{
	struct sigaction sa;
	long n = 100000, it, tenth;
	double t0, tprev, dec[10];
	int opt, ver = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	rng = (uint64_t)time(NULL) * 2654435761ULL | 1;
	while ((opt = getopt(argc, argv, "n:s:r:vx")) != -1) {
		switch (opt) {
		case 'n': n = atol(optarg); break;
		case 's': rng = strtoull(optarg, NULL, 0) | 1; break;
		case 'r': region = atol(optarg); break;
		case 'v': verbose = true; break;
		case 'x': alias_probe = true; break;
		default: goto usage;
		}
	}
	if (optind >= argc || n < 10 || region < 256)
		goto usage;
	for (; optind < argc && ndev < MAXDEV; optind++) {
		int d = ndev++;

		devs[d] = argv[optind];
		vfd[d] = open(devs[d], O_RDWR);
		if (vfd[d] < 0) {
			fprintf(stderr, "rel_soak: %s: %s\n", devs[d],
				strerror(errno));
			return 2;
		}
		if (ioctl(vfd[d], SG_GET_VERSION_NUM, &ver) < 0)
			return 2;
		/* block size: READ CAPACITY(10) */
		{
			uint8_t cdb[10] = { 0x25 }, rsp[8], sense[32];
			struct sg_io_hdr h;

			memset(&h, 0, sizeof(h));
			h.interface_id = 'S';
			h.cmd_len = 10;
			h.cmdp = cdb;
			h.dxfer_direction = SG_DXFER_FROM_DEV;
			h.dxfer_len = 8;
			h.dxferp = rsp;
			h.sbp = sense;
			h.mx_sb_len = sizeof(sense);
			h.timeout = 60000;
			if (ioctl(vfd[d], SG_IO, &h) < 0 || h.status) {
				/* a pending unit attention: once more */
				if (ioctl(vfd[d], SG_IO, &h) < 0 || h.status)
					return 2;
			}
			bsz[d] = rsp[4] << 24 | rsp[5] << 16 | rsp[6] << 8 |
				 rsp[7];
		}
	}
	patched = ver >= SG_SMMAP_MIN_VERSION_NUM;
	if (alias_probe)
		return self_alias_probe() ? 1 : 0;
	printf("rel_soak: %ld iterations on %d device(s), sg version %d (%s), seed %#" PRIx64 "\n",
	       n, ndev, ver, patched ? "patched" : "stock", rng);
	for (int i = 0; i < NSLOT; i++) {
		sl[i].fd = -1;
		open_slot(&sl[i]);
	}
	tenth = n / 10;
	t0 = tprev = now();
	for (it = 0; it < n; it++) {
		unsigned int r = rndn(1000);

		cur_it = it;

		if (r < 880) {
			do_io(it);
		} else if (r < 930) {
			struct slot *s = &sl[rndn(NSLOT)];

			st.remaps++;
			if (s->fd < 0)
				open_slot(s);
			else
				map_slot(s, (enum kind)rndn(K_NKIND));
		} else if (r < 950) {
			struct slot *s = &sl[rndn(NSLOT)];

			/* unmap the first pages: a vma with vm_pgoff != 0 */
			if (s->map && s->maplen - s->cut > 2 * PAGE) {
				size_t c = PAGE * (1 + rndn(2));

				munmap(s->map + s->cut, c);
				s->cut += c;
				st.cuts++;
			}
		} else if (r < 998) {
			st.reopens++;
			open_slot(&sl[rndn(NSLOT)]);
		} else {
			do_fork();
		}
		if ((it + 1) % tenth == 0 && (it + 1) / tenth <= 10) {
			double t = now();

			dec[(it + 1) / tenth - 1] = tenth / (t - tprev);
			tprev = t;
		}
		if (st.failures > 20)
			break;
	}
	drain();
	for (int i = 0; i < NSLOT; i++)
		close_slot(&sl[i]);
	for (int d = 0; d < ndev; d++)
		close(vfd[d]);
	printf("rel_soak: done %ld iterations in %.1f s\n", it, now() - t0);
	printf("rel_soak: ios %lu (sync %lu, async %lu), shared requested %lu, done %lu\n",
	       st.ios, st.sync, st.async, st.shared_req, st.shared_done);
	printf("rel_soak: EFAULT reading back an async READ whose buffer went: %lu\n",
	       st.efault_reap);
	printf("rel_soak: errno EINVAL %lu, EFAULT %lu, ENOMEM %lu, EBUSY %lu, EDOM %lu, other %lu\n",
	       st.einval, st.efault, st.enomem, st.ebusy, st.edom, st.other_err);
	printf("rel_soak: in flight: fd closed %lu, owner unmapped %lu, owner closed %lu; remaps %lu, partial unmaps %lu, reopens %lu, forks %lu, verified %lu\n",
	       st.inflight_close, st.inflight_unmap, st.inflight_owner_close,
	       st.remaps, st.cuts, st.reopens, st.forks, st.verify);
	if (it == n) {
		printf("rel_soak: iterations/s per tenth:");
		for (int k = 0; k < 10; k++)
			printf(" %.0f", dec[k]);
		printf("\nrel_soak: throughput last tenth / first tenth = %.3f\n",
		       dec[9] / dec[0]);
	}
	printf("rel_soak: failures %lu\n", st.failures);
	return st.failures ? 1 : 0;
usage:
	fprintf(stderr, "usage: rel_soak [-n ITER>=10] [-s SEED] [-r REGION>=256] [-v] [-x] DEV...\n");
	return 2;
}
