/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sg_fuzz - seeded, reproducible fuzzer of the sg driver's sharing interface
 * (issue 10, part 3).
 *
 *   sg_fuzz [--seed N] [--ops N] [--progress N] [-v] DEV DEV...
 *
 * Keeps NSLOT sg fds (slots) open on the DEVs and a model of every sg
 * reserve mapping of the process (struct vma: start, end, owner Sg_fd,
 * offset into the reserve, protection, shared/private).  Each op does one
 * random thing: open/close a slot, dup or pass it over SCM_RIGHTS,
 * SG_SET_RESERVED_SIZE, mmap (varied length, offset, protection,
 * MAP_SHARED/MAP_PRIVATE), partial munmap, mprotect, mremap (shrink, move,
 * grow), a READ/WRITE with random flags (SHARED, MMAP_IO, DIRECT_IO and
 * their combinations) by SG_IO or by write()/read() with the owner closed or
 * unmapped in flight, SG_IO interrupted by a signal (an orphan), fork with
 * the child issuing requests (and receiving an fd by SCM_RIGHTS), exec,
 * threads racing requests against mmap/munmap, and rmmod attempts.
 *
 * Expectations come from the driver's documented rules (include/sg_smmap.h,
 * the patch's description): sharing happens exactly when the range lies in
 * one MAP_SHARED mapping with the needed permission, first mmap()-ed by this
 * process, aligned, and the reserve is free; the bit is never set without
 * the flag, nor on a stock driver.  Where the model cannot decide (reserve
 * possibly busy, alignment between the DMA alignment and 512), the result
 * is only counted.
 *
 * Deterministic for a given seed: the single-threaded ops.  Not
 * deterministic: thread races, whether a signal interrupts SG_IO, and the
 * time windows after an orphan (they only decide what is asserted).
 *
 * Exit 0 clean, 1 a check failed (seed, op number and what differed are
 * printed), 2 usage or setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <scsi/sg.h>

#include "sg_smmap.h"


#define MAXDEV 4
#define NSLOT 8
#define NSFP 32
#define NVMA 96
#define NSPLIT 4	/* model vmas an op may add (a cut, a move) */
#define PAGE 4096UL
#define MAXXFER 65536U
#define REGION (2U << 20)	/* bytes of each disk the fuzzer uses */
#define HEAPSZ (512UL << 10)
#define WATCHDOG 120		/* seconds an op may take */
#define SETTLE 2.0		/* seconds after an untracked orphan */

enum { FIRST_NONE, FIRST_SELF, FIRST_OTHER };
enum { E_CLEAR, E_EINVAL, E_SHARE, E_FALLBACK, E_UNKNOWN };

struct sfp {			/* one open file description (Sg_fd) */
	bool used;
	int dev;
	int rsv;		/* SG_GET_RESERVED_SIZE */
	bool mmapped;		/* sticky, as mmap_called */
	int first;		/* who mmap()-ed it first */
	bool ro;		/* opened O_RDONLY: write() is EBADF */
	bool held;		/* closed with a request unread, kept by a
				 * mapping: that request may hold the reserve
				 * until the last munmap */
	double settle;		/* an orphan may hold the reserve until then */
};

struct slot {
	int fd;			/* -1: empty */
	int sfp;
};

struct vma {
	bool used;
	uintptr_t start, end;
	int sfp;
	size_t pgoff;		/* bytes into the reserve */
	int prot;
	bool shared;
};

struct io {
	int fd, sfp, dev, dir;
	unsigned int flags, len, lba;
	uint8_t *buf;
	const uint8_t *view;	/* bytes that must equal the device's */
	int exp;
	const char *why;	/* why exp is E_FALLBACK */
	bool check;
	sg_io_hdr_t h;
	uint8_t cdb[10], sense[32];
	uint8_t *snap;
	uint64_t fill;		/* seed of a READ's pre-fill (diagnosis) */
};

static const char *devs[MAXDEV];
static int ndev, bsz[MAXDEV], chk[MAXDEV];
static struct sfp sf[NSFP];
static struct slot sl[NSLOT];
static struct vma vm[NVMA];
static uint8_t *heap, *rbuf, *snapbuf;
static int scm[2] = { -1, -1 };
static bool patched, verbose, in_child;
static unsigned long long seed;
static unsigned long cur_op;
static const char *cur_kind = "setup";
/* WRITEs that went on untracked: those blocks may change until then */
#define NPEND 32
static struct pend {
	int dev;
	unsigned int lba, nblk;
	double until;
} pend[NPEND];
static double settle_dev[MAXDEV];	/* pend was full: the whole disk */
static volatile int failed;
static __thread uint64_t rng;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static struct {
	unsigned long ops, reqs, shared_req, shares, fallbacks, undecided,
		share_ok, fallback_ok, einval_ok, checked, scsi_err, mmaps,
		munmaps, mprotects, mremaps, forks, execs, threads, eintr,
		orphans, rmmod_refused, inflight_close, reserved;
} st;
static unsigned long errs[160];

#define ADD(x) __atomic_add_fetch(&(x), 1, __ATOMIC_RELAXED)

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned int rndn(unsigned int n)
{
	return n ? (unsigned int)(rnd() % n) : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A check failed: say where, with what to replay it. */
static void fail(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	printf("sg_fuzz: FAIL seed=%llu op=%lu kind=%s%s: ", seed, cur_op,
	       cur_kind, in_child ? " (child)" : "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
	failed = 1;
}

static void count_err(int e)
{
	if (e < 0)
		e = -e;
	ADD(errs[e < 160 ? e : 0]);
}

static void on_alarm(int sig)
{
	char m[160];
	int n;

	(void)sig;
	n = snprintf(m, sizeof(m),
		     "sg_fuzz: FAIL seed=%llu op=%lu kind=%s%s: hung for %d s\n",
		     seed, cur_op, cur_kind, in_child ? " (child)" : "",
		     WATCHDOG);
	if (write(1, m, n) < 0)
		_exit(1);
	_exit(1);
}

static int vma_find(uintptr_t a);

/* SIGSEGV/SIGBUS: the address, and the model's vma there, if any */
static void on_segv(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr;
	int v = vma_find(a), n, k, nv = 0;
	char m[320];

	(void)uc;
	for (k = 0; k < NVMA; k++)
		nv += vm[k].used && a >= vm[k].start && a < vm[k].end;
	n = snprintf(m, sizeof(m),
		     "sg_fuzz: FAIL seed=%llu op=%lu kind=%s%s: signal %d at %#lx, model vma %d %#lx-%#lx pgoff %#zx prot %d %s, %d there (model error or driver fault)\n",
		     seed, cur_op, cur_kind, in_child ? " (child)" : "", sig,
		     (unsigned long)a, v, v < 0 ? 0UL : (unsigned long)vm[v].start,
		     v < 0 ? 0UL : (unsigned long)vm[v].end,
		     v < 0 ? (size_t)0 : vm[v].pgoff, v < 0 ? 0 : vm[v].prot,
		     v < 0 || vm[v].shared ? "shared" : "private", nv);
	if (write(1, m, n) < 0)
		_exit(1);
	_exit(1);
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* No untracked WRITE can still change blocks [lba, lba + nblk) of disk d. */
static bool blocks_settled(int d, unsigned int lba, unsigned int nblk)
{
	double t = now();
	int k;

	if (t < settle_dev[d])
		return false;
	for (k = 0; k < NPEND; k++)
		if (pend[k].dev == d && t < pend[k].until &&
		    lba < pend[k].lba + pend[k].nblk && pend[k].lba < lba + nblk)
			return false;
	return true;
}

/* No untracked request can still hold Sg_fd s's reserve. */
static bool rsv_settled(int s)
{
	return now() >= sf[s].settle;
}

static void fill(void *p, size_t len, uint64_t s)
{
	uint8_t *b = p;
	size_t i;

	s |= 1;
	for (i = 0; i + 8 <= len; i += 8) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		memcpy(b + i, &s, 8);
	}
	for (; i < len; i++)
		b[i] = (uint8_t)(s >> (i & 7));
}

/* ---- the model: Sg_fds, slots, reserve mappings ---------------------- */

static int vma_find(uintptr_t a)
{
	int i;

	for (i = 0; i < NVMA; i++)
		if (vm[i].used && a >= vm[i].start && a < vm[i].end)
			return i;
	return -1;
}

static int vma_count(void)
{
	int i, n = 0;

	for (i = 0; i < NVMA; i++)
		n += vm[i].used;
	return n;
}

static int vma_add(uintptr_t start, uintptr_t end, int sfp, size_t pgoff,
		   int prot, bool shared)
{
	int i;

	for (i = 0; i < NVMA; i++)
		if (!vm[i].used) {
			vm[i] = (struct vma){ true, start, end, sfp, pgoff,
					      prot, shared };
			return i;
		}
	fail("model: out of vma entries");
	return -1;
}

/* sfp is gone from the model once no slot and no vma refers to it */
static void sfp_gc(int s)
{
	int i;

	for (i = 0; i < NSLOT; i++)
		if (sl[i].fd >= 0 && sl[i].sfp == s)
			return;
	for (i = 0; i < NVMA; i++)
		if (vm[i].used && vm[i].sfp == s)
			return;
	sf[s].used = false;
}

/* [a, b) was unmapped: cut every vma that overlaps it */
static void vma_cut(uintptr_t a, uintptr_t b)
{
	int i, s;

	for (i = 0; i < NVMA; i++) {
		struct vma v = vm[i];

		if (!v.used || v.end <= a || v.start >= b)
			continue;
		vm[i].used = false;
		if (v.start < a)
			vma_add(v.start, a, v.sfp, v.pgoff, v.prot, v.shared);
		if (v.end > b)
			vma_add(b, v.end, v.sfp, v.pgoff + (b - v.start),
				v.prot, v.shared);
		s = v.sfp;
		sfp_gc(s);
	}
}

/* [a, b) inside vma i got protection prot (no split when unchanged) */
static void vma_protect(int i, uintptr_t a, uintptr_t b, int prot)
{
	struct vma v = vm[i];

	if (v.prot == prot)
		return;
	vm[i].used = false;
	if (v.start < a)
		vma_add(v.start, a, v.sfp, v.pgoff, v.prot, v.shared);
	vma_add(a, b, v.sfp, v.pgoff + (a - v.start), prot, v.shared);
	if (v.end > b)
		vma_add(b, v.end, v.sfp, v.pgoff + (b - v.start), v.prot,
			v.shared);
}

static bool in_heap(const uint8_t *p, size_t len)
{
	return p >= heap && p + len <= heap + HEAPSZ;
}

/*
 * Where the part of vma i that a CPU access can fault in ends: sg's fault
 * handler (stock, untouched by the patch) counts the offset with vm_pgoff
 * but the length from vm_start, so the last pgoff bytes raise SIGBUS
 * (doc/reliability.md, section 3).
 */
static uintptr_t vma_cpu_end(int i)
{
	uintptr_t len = vm[i].end - vm[i].start;

	return vm[i].end - (vm[i].pgoff < len ? vm[i].pgoff : len);
}

/*
 * [a, e) lies in adjacent model vmas, each with protection prot and, for
 * cpu, within the part that a CPU access can fault in.
 */
static bool vmas_cover(uintptr_t a, uintptr_t e, int prot, bool cpu)
{
	int i;

	while (a < e) {
		i = vma_find(a);
		if (i < 0 || (vm[i].prot & prot) != prot ||
		    (cpu && (e < vm[i].end ? e : vm[i].end) > vma_cpu_end(i)))
			return false;
		a = vm[i].end;
	}
	return true;
}

/* Every byte of [p, p + len) is accessible with prot, per the model. */
static bool range_ok(const uint8_t *p, size_t len, int prot)
{
	return p && (in_heap(p, len) ||
		     vmas_cover((uintptr_t)p, (uintptr_t)p + len, prot, true));
}

/*
 * May the kernel write into [p, p + len)?  Only where it lands in memory
 * the fuzzer owns (its heap, reserve mappings of the model) or in none
 * (NULL, 0x10000 below anything mapped, kernel addresses: EFAULT).  A
 * READ running past a mapping's end would copy over whatever is mapped
 * next: malloc's chunks, thread stacks.
 */
static bool safe_dest(const uint8_t *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;

	return a < 0x20000 || a >= 0x800000000000UL || in_heap(p, len) ||
	       vmas_cover(a, a + len, 0, false);
}

/*
 * Can no untracked request write into the reserves that [p, p + len) shows?
 * An orphan still bounces its data through its own fd's reserve.
 */
static bool views_settled(const uint8_t *p, size_t len)
{
	uintptr_t a = (uintptr_t)p, e = a + len;
	int i;

	for (i = 0; i < NVMA; i++)
		if (vm[i].used && vm[i].start < e && vm[i].end > a &&
		    !rsv_settled(vm[i].sfp))
			return false;
	return true;
}

/* The reserve bytes that vma i shows of [a, e): [*r0, *r1). */
static void vma_rsv(int i, uintptr_t a, uintptr_t e, size_t *r0, size_t *r1)
{
	uintptr_t s = vm[i].start > a ? vm[i].start : a;
	uintptr_t t = vm[i].end < e ? vm[i].end : e;

	*r0 = vm[i].pgoff + (s - vm[i].start);
	*r1 = vm[i].pgoff + (t - vm[i].start);
}

/*
 * Does [p, p + len) show some reserve byte twice: two shared mappings of
 * one Sg_fd, both in the range, over the same part of its reserve?  A
 * READ there writes that byte once per place, the later data winning, so
 * what the range then shows is not the device's data in order (seed 7
 * and 10: two adjacent mappings of a reserve from pgoff 0).
 */
static bool views_alias(const uint8_t *p, size_t len)
{
	uintptr_t a = (uintptr_t)p, e = a + len;
	size_t i0, i1, j0, j1;
	int i, j;

	for (i = 0; i < NVMA; i++) {
		if (!vm[i].used || !vm[i].shared || vm[i].end <= a ||
		    vm[i].start >= e)
			continue;
		vma_rsv(i, a, e, &i0, &i1);
		for (j = i + 1; j < NVMA; j++) {
			if (!vm[j].used || !vm[j].shared ||
			    vm[j].sfp != vm[i].sfp || vm[j].end <= a ||
			    vm[j].start >= e)
				continue;
			vma_rsv(j, a, e, &j0, &j1);
			if (i0 < j1 && j0 < i1)
				return true;
		}
	}
	return false;
}

/* Does [p, p + len) touch a mapping of Sg_fd s? */
static bool touches(const uint8_t *p, size_t len, int s)
{
	uintptr_t a = (uintptr_t)p, e = a + len;
	int i;

	for (i = 0; i < NVMA; i++)
		if (vm[i].used && vm[i].sfp == s && vm[i].start < e &&
		    vm[i].end > a)
			return true;
	return false;
}

/*
 * /proc/self/maps agrees with the model: every sg mapping there is a
 * model vma with the same bounds, offset and protection, and back.
 */
static void model_check(void)
{
	char line[512], perm[8], path[256];
	unsigned long a, b, off;
	int n = 0, i;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		path[0] = 0;
		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %255s", &a, &b, perm,
			   &off, path) < 4 || strncmp(path, "/dev/sg", 7))
			continue;
		n++;
		i = vma_find(a);
		if (i < 0 || vm[i].start != a || vm[i].end != b ||
		    vm[i].pgoff != off ||
		    !!(vm[i].prot & PROT_READ) != (perm[0] == 'r') ||
		    !!(vm[i].prot & PROT_WRITE) != (perm[1] == 'w') ||
		    vm[i].shared != (perm[3] == 's')) {
			fail("model: maps line %s is not a model vma", line);
			break;
		}
	}
	fclose(f);
	if (!failed && n != vma_count())
		fail("model: %d sg mappings in maps, %d in the model", n,
		     vma_count());
}

/*
 * io went on in flight untracked (an orphan, or its fd closed): for SETTLE
 * seconds its disk's data and the reserves it may hold (its own Sg_fd's,
 * the owner's it shares) are not asserted.  Call it before the close.
 */
static void unsettle(const struct io *io)
{
	double n = now(), t = n + SETTLE;
	int v = vma_find((uintptr_t)io->buf), k;

	if (io->dir == SG_DXFER_TO_DEV || io->dir == SG_DXFER_TO_FROM_DEV) {
		for (k = 0; k < NPEND && n < pend[k].until; k++)
			;
		if (k < NPEND)
			pend[k] = (struct pend){ io->dev, io->lba,
						 io->len / bsz[io->dev], t };
		else
			settle_dev[io->dev] = t;
	}
	sf[io->sfp].settle = t;
	if (v >= 0)
		sf[vm[v].sfp].settle = t;
}

/* ---- requests --------------------------------------------------------- */

static void put_be(uint8_t *p, uint64_t v, int n)
{
	while (n--) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

static void io_hdr(struct io *io, int pack_id)
{
	sg_io_hdr_t *h = &io->h;

	memset(h, 0, sizeof(*h));
	memset(io->cdb, 0, sizeof(io->cdb));
	h->interface_id = 'S';
	h->dxfer_direction = io->dir;
	h->cmdp = io->cdb;
	h->sbp = io->sense;
	h->mx_sb_len = sizeof(io->sense);
	h->timeout = 20000;
	h->flags = io->flags;
	h->pack_id = pack_id;
	if (io->dir == SG_DXFER_NONE) {
		h->cmd_len = 6;	/* TEST UNIT READY */
		h->dxferp = io->buf;
		return;
	}
	h->cmd_len = 10;
	io->cdb[0] = io->dir == SG_DXFER_TO_DEV ? 0x2a : 0x28;
	put_be(io->cdb + 2, io->lba, 4);
	put_be(io->cdb + 7, io->len / bsz[io->dev], 2);
	h->dxfer_len = io->len;
	h->dxferp = io->buf;
}

static bool good_status(const sg_io_hdr_t *h)
{
	return !h->status && !h->host_status && !h->driver_status &&
	       !h->resid;
}

/* Plain indirect SG_IO on fd; 0 or -errno, -EIO on a bad status. */
static int plain_io(int fd, int dev, int dir, unsigned int lba,
		    unsigned int len, void *buf)
{
	struct io io = { .fd = fd, .dev = dev, .dir = dir, .lba = lba,
			 .len = len, .buf = buf };

	io_hdr(&io, 0);
	if (ioctl(fd, SG_IO, &io.h) < 0)
		return -errno;
	return good_status(&io.h) ? 0 : -EIO;
}

/*
 * What the documented rules say about the info bit of io; *why names the
 * rule that makes a request fall back.
 */
static int expect(const struct io *io, bool racy, const char **why)
{
	uintptr_t a = (uintptr_t)io->buf;
	size_t off;
	int v, need;

	*why = "";
	if (!(io->flags & SG_FLAG_SHARED_MMAP_IO) || !patched)
		return E_CLEAR;
	if ((io->flags & (SG_FLAG_MMAP_IO | SG_FLAG_DIRECT_IO)) || !io->buf ||
	    (io->dir != SG_DXFER_TO_DEV && io->dir != SG_DXFER_FROM_DEV))
		return E_EINVAL;
	v = vma_find(a);
	*why = "not in a reserve mapping";
	if (v < 0)
		return racy && !in_heap(io->buf, 1) ? E_UNKNOWN : E_FALLBACK;
	need = io->dir == SG_DXFER_TO_DEV ? PROT_READ : PROT_WRITE;
	*why = !vm[v].shared ? "MAP_PRIVATE" :
	       !(vm[v].prot & need) ? "protection" :
	       io->len > vm[v].end - a ? "past the mapping's end" : "";
	if (**why)
		return E_FALLBACK;
	off = a - vm[v].start + vm[v].pgoff;
	*why = "misaligned";
	if (off & 3)	/* below any queue's DMA alignment (>= 4) */
		return E_FALLBACK;
	*why = sf[vm[v].sfp].first == FIRST_OTHER ?
	       "mapped first by another process" : "the reserve is not mapped";
	if (sf[vm[v].sfp].first != FIRST_SELF)
		return E_FALLBACK;
	*why = "";
	if (sf[vm[v].sfp].held)
		return E_UNKNOWN;
	if ((off % 512) || racy || !rsv_settled(vm[v].sfp) ||
	    (io->flags & ~(SG_FLAG_SHARED_MMAP_IO | SG_FLAG_Q_AT_HEAD |
			   SG_FLAG_Q_AT_TAIL)))
		return E_UNKNOWN;
	return E_SHARE;
}

/*
 * A shared mapping of s's reserve from offset 0 that shows len bytes with
 * protection prot.
 */
static uint8_t *reserve_view(int s, unsigned int len, int prot)
{
	int i;

	for (i = 0; i < NVMA; i++)
		if (vm[i].used && vm[i].sfp == s && !vm[i].pgoff &&
		    vm[i].shared && (vm[i].prot & prot) == prot &&
		    vm[i].end - vm[i].start >= len)
			return (uint8_t *)vm[i].start;
	return NULL;
}

/*
 * Before io is issued: its expectation, and whether its data can be
 * checked (then the buffer is filled with a pattern and, for a WRITE,
 * what the device must receive is kept in io->snap).
 */
static void io_prepare(struct io *io, bool racy, bool may_check)
{
	bool eff_mmap, shr;
	unsigned int need;

	io->exp = expect(io, racy, &io->why);
	io->check = false;
	io->view = NULL;
	if (racy || !may_check || io->exp == E_EINVAL ||
	    !blocks_settled(io->dev, io->lba, io->len / bsz[io->dev]) ||
	    (io->dir != SG_DXFER_TO_DEV && io->dir != SG_DXFER_FROM_DEV) ||
	    (io->flags & ~(SG_FLAG_SHARED_MMAP_IO | SG_FLAG_MMAP_IO |
			   SG_FLAG_DIRECT_IO | SG_FLAG_Q_AT_HEAD |
			   SG_FLAG_Q_AT_TAIL)))
		return;
	shr = patched && (io->flags & SG_FLAG_SHARED_MMAP_IO);
	eff_mmap = !shr && (io->flags & SG_FLAG_MMAP_IO);
	need = io->dir == SG_DXFER_TO_DEV ? PROT_READ : PROT_READ | PROT_WRITE;
	if (eff_mmap) {
		/* a non-NULL dxferp is still copied (null_mapped = 0) */
		if ((io->flags & SG_FLAG_DIRECT_IO) || io->buf)
			return;
		/* a WRITE's data is put there first, a READ's is read */
		io->view = reserve_view(io->sfp, io->len,
					io->dir == SG_DXFER_TO_DEV ?
					PROT_READ | PROT_WRITE : PROT_READ);
	} else if (range_ok(io->buf, io->len, need) &&
		   (shr || !touches(io->buf, io->len, io->sfp)) &&
		   (io->dir != SG_DXFER_FROM_DEV ||
		    !views_alias(io->buf, io->len))) {
		/* stock indirect IO through the fd's own reserve aliases */
		io->view = io->buf;
	}
	if (!io->view || !views_settled(io->view, io->len))
		return;
	io->check = true;
	if (io->dir == SG_DXFER_FROM_DEV) {
		io->fill = rnd();
		if (!eff_mmap)
			fill(io->buf, io->len, io->fill);
		return;
	}
	if (!eff_mmap && range_ok(io->buf, io->len, PROT_WRITE))
		fill(io->buf, io->len, rnd());
	else if (eff_mmap)
		fill((void *)io->view, io->len, rnd());
	memcpy(io->snap, io->view, io->len);
}

/* ---- diagnosis of a data mismatch (printed once, then the run fails) -- */

/* Where in a[0..n) does b[0..m) first occur?  -1 if nowhere. */
static long find_bytes(const uint8_t *a, size_t n, const uint8_t *b, size_t m)
{
	size_t i;

	for (i = 0; m <= n && i <= n - m; i++)
		if (!memcmp(a + i, b, m))
			return (long)i;
	return -1;
}

/* What the bytes of a READ that differ hold instead: the pre-fill (no
 * copy reached them), or the right data shifted (copied through an
 * aliasing buffer). */
static void diag_bytes(const struct io *io, unsigned int k)
{
	uint8_t *pat = malloc(io->len);
	unsigned int n = io->len - k < 64 ? io->len - k : 64;
	long at;

	if (pat && io->dir == SG_DXFER_FROM_DEV) {
		fill(pat, io->len, io->fill);
		for (at = k; at < io->len && io->view[at] == pat[at]; at++)
			;
		printf("sg_fuzz: diag: bytes %u..%ld hold the pre-fill of the buffer\n",
		       k, at - 1);
	}
	free(pat);
	at = find_bytes(rbuf, io->len, io->view + k, n);
	printf("sg_fuzz: diag: the %u bytes from %u are the device's bytes from %ld\n",
	       n, k, at);
}

/* Which slots share an open file (kcmp), against the model's Sg_fds. */
static void diag_slots(void)
{
	int i, j, same;

	for (i = 0; i < NSLOT; i++)
		if (sl[i].fd >= 0)
			printf("sg_fuzz: diag: slot %d fd %d Sg_fd %d\n", i,
			       sl[i].fd, sl[i].sfp);
	for (i = 0; i < NSLOT; i++)
		for (j = i + 1; j < NSLOT; j++) {
			if (sl[i].fd < 0 || sl[j].fd < 0)
				continue;
			same = (int)syscall(SYS_kcmp, getpid(), getpid(),
					    0 /* KCMP_FILE */, sl[i].fd,
					    sl[j].fd);
			if (same < 0) {
				printf("sg_fuzz: diag: kcmp: %s\n",
				       strerror(errno));
				return;
			}
			same = !same;
			if (same != (sl[i].sfp == sl[j].sfp))
				printf("sg_fuzz: diag: slots %d and %d: kernel says %s open file, model %s\n",
				       i, j, same ? "one" : "two",
				       same ? "two" : "one");
		}
}

static void diag_model(void)
{
	int i;
	double t = now();

	for (i = 0; i < NSFP; i++)
		if (sf[i].used)
			printf("sg_fuzz: diag: Sg_fd %d dev %d rsv %d mmapped %d first %d ro %d held %d settle %+.3f s\n",
			       i, sf[i].dev, sf[i].rsv, sf[i].mmapped,
			       sf[i].first, sf[i].ro, sf[i].held,
			       sf[i].settle - t);
	for (i = 0; i < NVMA; i++)
		if (vm[i].used)
			printf("sg_fuzz: diag: vma %d %#lx-%#lx Sg_fd %d pgoff %#zx prot %d %s\n",
			       i, (unsigned long)vm[i].start,
			       (unsigned long)vm[i].end, vm[i].sfp, vm[i].pgoff,
			       vm[i].prot, vm[i].shared ? "shared" : "private");
}

/*
 * Whose reserve does each mapping show?  Each open slot READs, with mmap
 * IO, a block marked with its number into its own reserve; a mapping at
 * pgoff 0 that then shows a slot's mark maps that slot's reserve.
 */
static void diag_reserves(void)
{
	uint8_t mark[512];
	int i, v, d, done[NSFP] = { 0 };
	struct io io;

	for (i = 0; i < NSLOT; i++) {
		if (sl[i].fd < 0 || done[sl[i].sfp])
			continue;
		done[sl[i].sfp] = 1;
		d = sf[sl[i].sfp].dev;
		memset(mark, 0, sizeof(mark));
		snprintf((char *)mark, sizeof(mark), "sg_fuzz mark slot %d", i);
		io = (struct io){ .fd = sl[i].fd, .dev = d,
				  .dir = SG_DXFER_FROM_DEV,
				  .lba = REGION / bsz[d] + i, .len = bsz[d],
				  .flags = SG_FLAG_MMAP_IO };
		memcpy(rbuf, mark, sizeof(mark));
		memset(rbuf + sizeof(mark), 0, bsz[d] - sizeof(mark));
		if (plain_io(chk[d], d, SG_DXFER_TO_DEV, io.lba, bsz[d], rbuf))
			continue;
		io_hdr(&io, 0);
		if (ioctl(io.fd, SG_IO, &io.h) < 0 || !good_status(&io.h)) {
			printf("sg_fuzz: diag: slot %d: mmap-IO READ failed (errno %d)\n",
			       i, errno);
			continue;
		}
		for (v = 0; v < NVMA; v++)
			if (vm[v].used && !vm[v].pgoff &&
			    (vm[v].prot & PROT_READ) &&
			    vma_cpu_end(v) - vm[v].start >= 64 &&
			    !memcmp((void *)vm[v].start, mark, 32))
				printf("sg_fuzz: diag: vma %d (model Sg_fd %d) shows the reserve of slot %d (model Sg_fd %d)\n",
				       v, vm[v].sfp, i, sl[i].sfp);
	}
}

static void diagnose(const struct io *io, unsigned int k)
{
	if (in_child)
		printf("sg_fuzz: diag: in a fork child\n");
	diag_bytes(io, k);
	diag_slots();
	diag_model();
	diag_reserves();
	fflush(stdout);
}

/* After io ended with rc (0 or -errno): the info bit and the data. */
static void io_verdict(struct io *io, int rc)
{
	bool bit = io->h.info & SG_INFO_SHARED_MMAP_IO;
	const uint8_t *want;
	unsigned int k;
	int e, v;

	ADD(st.reqs);
	if (io->flags & SG_FLAG_SHARED_MMAP_IO)
		ADD(st.shared_req);
	if (rc) {
		count_err(rc);
		if (io->exp == E_EINVAL && rc != -EINVAL && rc != -EDOM)
			fail("forbidden flags %#x dir %d: errno %d, want EINVAL",
			     io->flags, io->dir, -rc);
		else if (io->exp == E_EINVAL)
			ADD(st.einval_ok);
		return;
	}
	if (io->exp == E_EINVAL) {
		fail("forbidden flags %#x dir %d buf %p: success, want EINVAL",
		     io->flags, io->dir, (void *)io->buf);
		return;
	}
	if (bit)
		ADD(st.shares);
	else if (io->flags & SG_FLAG_SHARED_MMAP_IO)
		ADD(st.fallbacks);
	if (bit && (io->exp == E_CLEAR || io->exp == E_FALLBACK)) {
		fail("info bit set, must be clear (flags %#x dir %d buf %p len %u, %s%s)",
		     io->flags, io->dir, (void *)io->buf, io->len,
		     io->exp == E_CLEAR ? "no sharing asked or stock" :
		     "must fall back: ", io->why);
		return;
	}
	if (!bit && io->exp == E_SHARE) {
		fail("info bit clear, sharing required (flags %#x dir %d buf %p len %u)",
		     io->flags, io->dir, (void *)io->buf, io->len);
		return;
	}
	if (io->exp == E_SHARE)
		ADD(st.share_ok);
	else if (io->exp == E_FALLBACK)
		ADD(st.fallback_ok);
	else if (io->exp == E_UNKNOWN)
		ADD(st.undecided);
	if (!good_status(&io->h)) {
		ADD(st.scsi_err);
		return;
	}
	if (!io->check ||
	    !blocks_settled(io->dev, io->lba, io->len / bsz[io->dev]))
		return;
	e = plain_io(chk[io->dev], io->dev, SG_DXFER_FROM_DEV, io->lba,
		     io->len, rbuf);
	if (e) {
		count_err(e);
		return;
	}
	ADD(st.checked);
	want = io->dir == SG_DXFER_TO_DEV ? io->snap : io->view;
	for (k = 0; k < io->len && rbuf[k] == want[k]; k++)
		;
	v = vma_find((uintptr_t)io->buf);
	e = vma_find((uintptr_t)io->buf + k);	/* where it first differs */
	if (k < io->len && !failed)
		diagnose(io, k);
	if (k < io->len)
		fail("data differ from byte %u: %s lba %u len %u flags %#x buf %p (vma %d of Sg_fd %d, issued on %d; byte %u in vma %d of Sg_fd %d, %s, pgoff %#zx), info %#x, expected %d %s",
		     k, io->dir == SG_DXFER_TO_DEV ? "WRITE" : "READ", io->lba,
		     io->len, io->flags, (void *)io->buf, v,
		     v < 0 ? -1 : vm[v].sfp, io->sfp, k, e,
		     e < 0 ? -1 : vm[e].sfp,
		     e < 0 ? "heap" : vm[e].shared ? "shared" : "private",
		     e < 0 ? (size_t)0 : vm[e].pgoff, io->h.info, io->exp,
		     io->why);
}

static int open_slots(int *idx)
{
	int i, n = 0;

	for (i = 0; i < NSLOT; i++)
		if (sl[i].fd >= 0)
			idx[n++] = i;
	return n;
}

static int pick_open_slot(void)
{
	int idx[NSLOT], n = open_slots(idx);

	return n ? idx[rndn(n)] : -1;
}

static int pick_vma(void)
{
	int idx[NVMA], i, n = 0;

	for (i = 0; i < NVMA; i++)
		if (vm[i].used)
			idx[n++] = i;
	return n ? idx[rndn(n)] : -1;
}

/* dxferp inside, outside, straddling or at the edges of mappings */
static uint8_t *pick_buf(unsigned int len, unsigned int bs)
{
	unsigned int r = rndn(100);
	int v = pick_vma();
	uintptr_t s, span, off;

	if (v >= 0 && r < 60) {
		s = vm[v].start;
		span = vm[v].end - s;
		off = span >= len ? rndn((span - len) / bs + 1) * bs : 0;
		switch (rndn(10)) {
		case 6:	/* at the end */
			off = span >= len ? span - len : 0;
			break;
		case 7:	/* straddling the end */
			off = span > len / 2 ? (span - len / 2) & ~511UL : 0;
			break;
		case 8:	/* unaligned */
			off += rndn(2) ? 1 + rndn(3) : 4 * (1 + rndn(127));
			break;
		case 9:	/* just past the end */
			off = span;
			break;
		}
		return (uint8_t *)(s + off);
	}
	if (v >= 0 && r < 65)	/* straddling the start */
		return (uint8_t *)(vm[v].start - len / 2);
	if (r < 88)
		return heap + rndn((HEAPSZ - MAXXFER) / 512) * 512 +
		       (rndn(20) ? 0 : 1 + rndn(3));
	if (r < 94)
		return NULL;
	return rndn(2) ? (uint8_t *)0x10000 : (uint8_t *)0xffff888000000000UL;
}

static unsigned int pick_flags(void)
{
	static const unsigned int f[] = {
		SG_FLAG_SHARED_MMAP_IO, SG_FLAG_SHARED_MMAP_IO,
		SG_FLAG_SHARED_MMAP_IO, SG_FLAG_SHARED_MMAP_IO, 0, 0,
		SG_FLAG_MMAP_IO, SG_FLAG_DIRECT_IO,
		SG_FLAG_SHARED_MMAP_IO | SG_FLAG_MMAP_IO,
		SG_FLAG_SHARED_MMAP_IO | SG_FLAG_DIRECT_IO,
		SG_FLAG_MMAP_IO | SG_FLAG_DIRECT_IO,
		SG_FLAG_SHARED_MMAP_IO | SG_FLAG_MMAP_IO | SG_FLAG_DIRECT_IO,
	};
	unsigned int fl = f[rndn(sizeof(f) / sizeof(f[0]))];

	if (!rndn(20))
		fl |= rndn(2) ? SG_FLAG_Q_AT_HEAD : SG_FLAG_Q_AT_TAIL;
	if (!rndn(50))
		fl |= SG_FLAG_NO_DXFER;
	return fl;
}

/* A random request on slot i (fields only; nothing issued). */
static void pick_io(struct io *io, int i)
{
	unsigned int r = rndn(100), bs, nblk;

	memset(io, 0, sizeof(*io));
	io->fd = sl[i].fd;
	io->sfp = sl[i].sfp;
	io->dev = sf[io->sfp].dev;
	bs = bsz[io->dev];
	nblk = 1 + rndn(MAXXFER / bs);
	if (rndn(3))
		nblk = 1 + rndn(nblk);	/* mostly small */
	io->len = nblk * bs;
	io->lba = rndn(REGION / bs - nblk + 1);
	io->dir = r < 50 ? SG_DXFER_TO_DEV : r < 96 ? SG_DXFER_FROM_DEV :
		  r < 98 ? SG_DXFER_NONE : SG_DXFER_TO_FROM_DEV;
	io->flags = pick_flags();
	io->buf = pick_buf(io->len, bs);
	if ((io->flags & SG_FLAG_MMAP_IO) && rndn(2))
		io->buf = NULL;	/* true mmap IO: no copy at all */
	if ((io->dir == SG_DXFER_FROM_DEV || io->dir == SG_DXFER_TO_FROM_DEV) &&
	    !safe_dest(io->buf, io->len))
		io->dir = SG_DXFER_TO_DEV;	/* never into the unknown */
}

/* ---- ops ---------------------------------------------------------------- */

static void slot_close(int i)
{
	int s = sl[i].sfp;

	close(sl[i].fd);
	sl[i].fd = -1;
	sfp_gc(s);
}

static int free_slot(void)
{
	int i;

	for (i = 0; i < NSLOT; i++)
		if (sl[i].fd < 0)
			return i;
	return -1;
}

static int sfp_new(int dev)
{
	int i;

	for (i = 0; i < NSFP; i++)
		if (!sf[i].used) {
			sf[i] = (struct sfp){ .used = true, .dev = dev,
					      .first = FIRST_NONE };
			return i;
		}
	return -1;
}

static void op_open(void)
{
	static const int sizes[] = { 4096, 8192, 16384, 32768, 49152, 65536,
				     131072, 262144, 12288, 20480 };
	int i = rndn(NSLOT), dev = rndn(ndev), s, fd, v;
	bool ro = !rndn(8);

	if (sl[i].fd >= 0)
		slot_close(i);
	s = sfp_new(dev);
	if (s < 0)
		return;
	fd = open(devs[dev], (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0) {
		count_err(errno);
		sf[s].used = false;
		return;
	}
	sl[i] = (struct slot){ fd, s };
	sf[s].ro = ro;
	if (rndn(10)) {
		v = rndn(4) ? sizes[rndn(10)] : 512 * (1 + (int)rndn(128));
		if (ioctl(fd, SG_SET_RESERVED_SIZE, &v) < 0)
			count_err(errno);
	}
	if (ioctl(fd, SG_GET_RESERVED_SIZE, &sf[s].rsv) < 0)
		count_err(errno);
}

static void op_close(void)
{
	int i = pick_open_slot();

	if (i >= 0)
		slot_close(i);
}

/* dup, or pass the fd to ourselves over SCM_RIGHTS: the same Sg_fd */
static int send_fd(int sock, int fd)
{
	char c = 'f', cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &m, 0) == 1 ? 0 : -errno;
}

static int recv_fd(int sock)
{
	char c, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) != 1)
		return -errno;
	cm = CMSG_FIRSTHDR(&m);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static void op_dup(bool pass)
{
	int i = pick_open_slot(), j = free_slot(), fd;

	if (i < 0 || j < 0)
		return;
	if (pass) {
		fd = send_fd(scm[0], sl[i].fd);
		fd = fd ? fd : recv_fd(scm[1]);
	} else {
		fd = fcntl(sl[i].fd, F_DUPFD_CLOEXEC, 0);
		fd = fd < 0 ? -errno : fd;
	}
	if (fd < 0) {
		count_err(fd);
		return;
	}
	sl[j] = (struct slot){ fd, sl[i].sfp };
}

/* SG_SET_RESERVED_SIZE: must be refused (EBUSY) once mmap()-ed */
static void op_reserve(void)
{
	int i = pick_open_slot(), v, s, r;

	if (i < 0)
		return;
	s = sl[i].sfp;
	r = rndn(20);
	v = r == 0 ? -1 : r == 1 ? 16 << 20 : r == 2 ? sf[s].rsv :
	    512 * (1 + (int)rndn(512));
	ADD(st.reserved);
	if (ioctl(sl[i].fd, SG_SET_RESERVED_SIZE, &v) < 0) {
		count_err(errno);
		if (v < 0 && errno != EINVAL)
			fail("SG_SET_RESERVED_SIZE -1: errno %d, want EINVAL",
			     errno);
		return;
	}
	if (v < 0)
		fail("SG_SET_RESERVED_SIZE -1 succeeded");
	else if (sf[s].mmapped && v != sf[s].rsv && v <= 262144)
		fail("SG_SET_RESERVED_SIZE %d succeeded on an mmap()-ed fd (reserve %d)",
		     v, sf[s].rsv);
	if (ioctl(sl[i].fd, SG_GET_RESERVED_SIZE, &sf[s].rsv) < 0)
		count_err(errno);
}

static void op_mmap(void)
{
	static const int prots[] = { PROT_READ | PROT_WRITE,
				     PROT_READ | PROT_WRITE, PROT_READ,
				     PROT_WRITE, PROT_NONE };
	int i = pick_open_slot(), s, prot = prots[rndn(5)];
	size_t len, rsvp, off = rndn(10) ? 0 : PAGE;
	bool shared = rndn(4);
	void *p;

	if (i < 0 || vma_count() > NVMA - 4 * NSPLIT)
		return;
	s = sl[i].sfp;
	rsvp = (sf[s].rsv + PAGE - 1) / PAGE;
	len = (1 + rndn(rsvp + 1)) * PAGE;
	if (rndn(4) == 0)
		len = rsvp * PAGE;	/* the whole reserve */
	if (rndn(20) == 0)
		len -= 1 + rndn(PAGE - 1);	/* not a page multiple */
	ADD(st.mmaps);
	p = mmap(NULL, len, prot, shared ? MAP_SHARED : MAP_PRIVATE,
		 sl[i].fd, off);
	if (p == MAP_FAILED) {
		count_err(errno);
		return;
	}
	len = (len + PAGE - 1) & ~(PAGE - 1);
	if (off)
		fail("mmap at offset %zu succeeded (sg wants 0)", off);
	if (len > (size_t)sf[s].rsv)
		fail("mmap of %zu bytes succeeded, reserve %d", len,
		     sf[s].rsv);
	vma_add((uintptr_t)p, (uintptr_t)p + len, s, off, prot, shared);
	sf[s].mmapped = true;
	if (sf[s].first == FIRST_NONE)
		sf[s].first = FIRST_SELF;
}

/* partial munmap: front, back, middle, all, or across two adjacent mappings */
static void op_munmap(void)
{
	int v = pick_vma(), w;
	uintptr_t a, b, n;

	if (v < 0)
		return;
	n = (vm[v].end - vm[v].start) / PAGE;
	a = vm[v].start + rndn(n) * PAGE;
	b = a + (1 + rndn(n)) * PAGE;
	if (b > vm[v].end)	/* never into memory the model does not own */
		b = vm[v].end;
	if (!rndn(4) || vma_count() > NVMA - NSPLIT)
		a = vm[v].start;	/* (no split when the model is full) */
	w = vma_find(vm[v].end);
	if (!rndn(8) && w >= 0 && b == vm[v].end)	/* into the neighbour */
		b += (1 + rndn((vm[w].end - vm[w].start) / PAGE)) * PAGE;
	ADD(st.munmaps);
	if (munmap((void *)a, b - a)) {
		count_err(errno);
		return;
	}
	vma_cut(a, b);
}

static void op_mprotect(void)
{
	static const int prots[] = { PROT_READ | PROT_WRITE, PROT_READ,
				     PROT_WRITE, PROT_NONE };
	int v = pick_vma(), prot = prots[rndn(4)];
	uintptr_t a, b, n;

	if (v < 0 || vma_count() > NVMA - NSPLIT)
		return;
	n = (vm[v].end - vm[v].start) / PAGE;
	a = vm[v].start + rndn(n) * PAGE;
	b = a + (1 + rndn((vm[v].end - a) / PAGE)) * PAGE;
	ADD(st.mprotects);
	if (mprotect((void *)a, b - a, prot)) {
		count_err(errno);
		return;
	}
	vma_protect(v, a, b, prot);
}

/* shrink in place, move (MREMAP_FIXED), or grow (must fail: DONTEXPAND) */
static void op_mremap(void)
{
	int v = pick_vma(), r = rndn(3);
	uintptr_t a, ol, nl, n;
	void *p, *t = NULL;
	struct vma o;

	if (v < 0 || vma_count() > NVMA - NSPLIT)
		return;
	n = (vm[v].end - vm[v].start) / PAGE;
	a = vm[v].start + rndn(n) * PAGE;
	ol = vm[v].end - a;
	nl = (1 + rndn(ol / PAGE)) * PAGE;
	ADD(st.mremaps);
	if (r == 0) {
		p = mremap((void *)a, ol, ol + PAGE * (1 + rndn(4)),
			   MREMAP_MAYMOVE);
		if (p != MAP_FAILED) {
			fail("mremap grew an sg mapping (VM_DONTEXPAND)");
			return;
		}
		count_err(errno);
		return;
	}
	if (r == 1) {
		p = mremap((void *)a, ol, nl, 0);
	} else {
		t = mmap(NULL, nl, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			 0);
		if (t == MAP_FAILED) {
			count_err(errno);
			return;
		}
		p = mremap((void *)a, ol, nl, MREMAP_MAYMOVE | MREMAP_FIXED, t);
	}
	if (p == MAP_FAILED) {
		count_err(errno);
		if (t)
			munmap(t, nl);
		return;
	}
	if (r == 1) {
		/* in place: only the tail goes, the vma is not split at a */
		vma_cut(a + nl, a + ol);
		return;
	}
	/* moved: [a, a + nl) leaves its vma, the rest of it is unmapped */
	o = vm[v];
	vma_cut(a, a + ol);
	sf[o.sfp].used = true;	/* the cut may have dropped it */
	vma_add((uintptr_t)p, (uintptr_t)p + nl, o.sfp,
		o.pgoff + (a - o.start), o.prot, o.shared);
}

/*
 * prepare_sync: one SG_IO request on a random open slot, ready to issue,
 * its data snapshot in snapbuf; returns the slot, or -1 when none is open.
 */
static int prepare_sync(struct io *io)
{
	int i = pick_open_slot();

	if (i < 0)
		return -1;
	pick_io(io, i);
	io->snap = snapbuf;
	io_prepare(io, false, true);
	io_hdr(io, (int)cur_op);
	return i;
}

static void op_io_sync(void)
{
	struct io io;
	int rc;

	if (prepare_sync(&io) < 0)
		return;
	rc = ioctl(io.fd, SG_IO, &io.h) < 0 ? -errno : 0;
	io_verdict(&io, rc);
}

/* Wait until fd has no request left (an orphan completed); false on timeout. */
static bool wait_idle(int fd)
{
	sg_req_info_t t[SG_MAX_QUEUE];
	int k, n, busy;

	for (n = 0; n < 10000; n++) {
		memset(t, 0, sizeof(t));
		if (ioctl(fd, SG_GET_REQUEST_TABLE, t) < 0)
			return false;
		for (busy = 0, k = 0; k < SG_MAX_QUEUE; k++)
			busy |= t[k].req_state;
		if (!busy)
			return true;
		usleep(1000);
	}
	return false;
}

/* SG_IO interrupted by a signal: the request becomes an orphan */
static void op_signal(void)
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL,
				.sigev_signo = SIGUSR1 };
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	timer_t tm;
	struct io io;
	int i = prepare_sync(&io), rc;
	bool close_it = !rndn(3);

	if (i < 0)
		return;
	its.it_value.tv_nsec = 20000 + rndn(3000000);
	if (timer_create(CLOCK_MONOTONIC, &sev, &tm))
		return;
	timer_settime(tm, 0, &its, NULL);
	rc = ioctl(io.fd, SG_IO, &io.h) < 0 ? -errno : 0;
	timer_delete(tm);
	if (rc != -EINTR) {
		io_verdict(&io, rc);
		return;
	}
	ADD(st.eintr);
	ADD(st.orphans);
	count_err(EINTR);
	if (close_it) {
		unsettle(&io);
		slot_close(i);
	} else if (!wait_idle(io.fd)) {
		unsettle(&io);
	}
}

/*
 * write()/read(): 1-3 requests in flight on distinct Sg_fds, with the
 * first one's owner closed or unmapped, or an issuing fd closed, in flight.
 */
static void op_io_async(void)
{
	struct io io[3];
	bool live[3] = { 0 };
	int idx[NSLOT], n = open_slots(idx), k, m = 1 + rndn(3), j, rc, v, s;
	int used = 0, d = rndn(8);
	static uint8_t *snaps[3];

	if (!n)
		return;
	if (!snaps[0])
		for (k = 0; k < 3; k++)
			snaps[k] = malloc(MAXXFER);
	for (k = 0; k < m; k++) {
		int i = idx[rndn(n)];

		for (j = 0; j < used; j++)
			if (io[j].sfp == sl[i].sfp)
				break;
		if (j < used)
			continue;
		pick_io(&io[used], i);
		io[used].snap = snaps[used];
		io_prepare(&io[used], false, m == 1);
		if (used && io[used].exp == E_SHARE)
			io[used].exp = E_UNKNOWN;	/* reserves may be busy */
		io_hdr(&io[used], (int)cur_op * 4 + used);
		rc = write(io[used].fd, &io[used].h, sizeof(io[used].h)) < 0 ?
		     -errno : 0;
		if (sf[io[used].sfp].ro && rc != -EBADF)
			fail("write() on a read-only sg fd: errno %d, want EBADF",
			     -rc);
		if (rc == -EBADF && sf[io[used].sfp].ro)
			count_err(EBADF);	/* the VFS refuses, before sg */
		else if (rc)
			io_verdict(&io[used], rc);
		else
			live[used] = true;
		used++;
	}
	if (!used || !live[0])
		goto reap;
	v = vma_find((uintptr_t)io[0].buf);
	s = v >= 0 ? vm[v].sfp : -1;
	for (j = 0; j < used && s >= 0; j++)
		if (io[j].sfp == s)
			s = -1;	/* the owner issues too: leave it */
	if (d == 0 && s >= 0) {	/* owner closed and unmapped in flight */
		for (k = 0; k < NSLOT; k++)
			if (sl[k].fd >= 0 && sl[k].sfp == s)
				slot_close(k);
		for (k = 0; k < NVMA; k++)
			if (vm[k].used && vm[k].sfp == s) {
				munmap((void *)vm[k].start,
				       vm[k].end - vm[k].start);
				vma_cut(vm[k].start, vm[k].end);
			}
		ADD(st.inflight_close);
		if (io[0].dir == SG_DXFER_FROM_DEV)
			io[0].check = false;
	} else if (d == 1 && v >= 0) {	/* the buffer's mapping unmapped */
		uintptr_t a = vm[v].start, b = vm[v].end;

		munmap((void *)a, b - a);
		vma_cut(a, b);
		if (io[0].dir == SG_DXFER_FROM_DEV)
			io[0].check = false;
	} else if (d == 2) {	/* an issuing Sg_fd closed in flight */
		k = used - 1;
		unsettle(&io[k]);
		for (j = 0; j < NSLOT; j++)	/* and its dups: it goes */
			if (sl[j].fd >= 0 && sl[j].sfp == io[k].sfp)
				slot_close(j);
		if (sf[io[k].sfp].used)	/* unless mapped: then it stays */
			sf[io[k].sfp].held = true;
		live[k] = false;
		ADD(st.inflight_close);
	}
reap:
	for (k = 0; k < used; k++) {
		if (!live[k])
			continue;
		rc = read(io[k].fd, &io[k].h, sizeof(io[k].h)) < 0 ? -errno : 0;
		if (!rc && io[k].h.pack_id != (int)cur_op * 4 + k)
			fail("read() returned pack_id %d, want %d",
			     io[k].h.pack_id, (int)cur_op * 4 + k);
		io_verdict(&io[k], rc);
	}
}

/* rmmod sg must be refused while fds are open (the checkers always are) */
static void op_rmmod(void)
{
	if (syscall(SYS_delete_module, "sg", O_NONBLOCK) == 0) {
		fail("delete_module(sg) succeeded with sg fds open");
		return;
	}
	if (errno == EBUSY || errno == EAGAIN)
		ADD(st.rmmod_refused);
	count_err(errno);
}

static void child_ops(int sock, int passed_slot)
{
	int k, fd, n, j;
	unsigned char rep[NSFP];

	in_child = true;
	alarm(WATCHDOG);
	for (k = 0; k < NSFP; k++)
		if (sf[k].first == FIRST_SELF)
			sf[k].first = FIRST_OTHER;
	fd = passed_slot >= 0 ? recv_fd(sock) : -1;
	j = free_slot();
	if (fd >= 0 && j >= 0)
		sl[j] = (struct slot){ fd, sl[passed_slot].sfp };
	n = 4 + rndn(8);
	for (k = 0; k < n && !failed; k++) {
		switch (rndn(4)) {
		case 0:
			op_mmap();
			break;
		default:
			op_io_sync();
		}
	}
	if (!failed)
		model_check();
	for (n = 0, k = 0; k < NSFP; k++)
		if (sf[k].used && sf[k].first == FIRST_SELF)
			rep[n++] = (unsigned char)k;
	if (n && write(sock, rep, n) < 0)
		_exit(1);
	fflush(stdout);
	_exit(failed ? 1 : 0);
}

/* fork: the child issues requests on inherited mappings and a passed fd */
static void op_fork(void)
{
	int sv[2], ps = pick_open_slot(), status, n, k;
	uint64_t cs = rnd() | 1;
	unsigned char rep[NSFP];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return;
	ADD(st.forks);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		count_err(errno);
		close(sv[0]);
		close(sv[1]);
		return;
	}
	if (pid == 0) {
		close(sv[0]);
		rng = cs;
		child_ops(sv[1], ps);
	}
	close(sv[1]);
	if (ps >= 0 && send_fd(sv[0], sl[ps].fd))
		count_err(errno);
	if (waitpid(pid, &status, 0) != pid)
		fail("waitpid: errno %d", errno);
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("fork child ended with status %#x", status);
	n = read(sv[0], rep, sizeof(rep));
	for (k = 0; k < n; k++) {
		sf[rep[k]].mmapped = true;
		if (sf[rep[k]].first == FIRST_NONE)
			sf[rep[k]].first = FIRST_OTHER;
	}
	close(sv[0]);
}

/*
 * The exec'd child: fd a was mmap()-ed before exec by this process, so a
 * WRITE on fd b sharing a's mapping must share (exec keeps the process).
 */
static int exec_child(char **av)
{
	int fa = atoi(av[0]), fb = atoi(av[1]), db = atoi(av[4]);
	unsigned int lba = atoi(av[2]), len = atoi(av[3]);
	bool settled_ok = atoi(av[5]);
	struct io io = { .fd = fb, .dev = 0, .dir = SG_DXFER_TO_DEV,
			 .lba = lba, .len = len,
			 .flags = SG_FLAG_SHARED_MMAP_IO };
	uint8_t *m, *rb;

	in_child = true;
	bsz[0] = db;
	m = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, fa, 0);
	rb = malloc(65536);
	if (m == MAP_FAILED || !rb) {
		printf("sg_fuzz: exec child: mmap: %s\n", strerror(errno));
		return 0;	/* ENOMEM and the like are results */
	}
	fill(m, len, lba + 1);
	io.buf = m;
	io_hdr(&io, 1);
	if (ioctl(fb, SG_IO, &io.h) < 0)
		return 0;
	if (patched && settled_ok && good_status(&io.h) &&
	    !(io.h.info & SG_INFO_SHARED_MMAP_IO)) {
		fail("after exec: sharing a mapping of this process refused");
		return 1;
	}
	if (!patched && (io.h.info & SG_INFO_SHARED_MMAP_IO)) {
		fail("after exec: info bit on a stock driver");
		return 1;
	}
	if (good_status(&io.h) && !plain_io(fb, 0, SG_DXFER_FROM_DEV, lba, len,
					    rb) && memcmp(rb, m, len)) {
		fail("after exec: data differ, lba %u len %u", lba, len);
		return 1;
	}
	return 0;
}

static void op_exec(void)
{
	int a = rndn(ndev), b = rndn(ndev), status, fa, fb, v = 65536;
	unsigned int len = bsz[b] * (1 + rndn(65536 / bsz[b]));
	unsigned int lba = rndn(REGION / bsz[b] - len / bsz[b] + 1);
	char s[6][24];
	pid_t pid;
	void *p;

	ADD(st.execs);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		count_err(errno);
		return;
	}
	if (pid == 0) {
		fa = open(devs[a], O_RDWR);
		fb = open(devs[b], O_RDWR);
		if (fa < 0 || fb < 0 ||
		    ioctl(fa, SG_SET_RESERVED_SIZE, &v) < 0)
			_exit(0);
		p = mmap(NULL, 65536, PROT_READ, MAP_SHARED, fa, 0);
		if (p == MAP_FAILED)
			_exit(0);
		snprintf(s[0], 24, "%d", fa);
		snprintf(s[1], 24, "%d", fb);
		snprintf(s[2], 24, "%u", lba);
		snprintf(s[3], 24, "%u", len);
		snprintf(s[4], 24, "%d", bsz[b]);
		snprintf(s[5], 24, "%d",
			 blocks_settled(b, lba, len / bsz[b]) ? 1 : 0);
		execl("/proc/self/exe", "sg_fuzz", "--exec-child", s[0], s[1],
		      s[2], s[3], s[4], s[5], (char *)NULL);
		_exit(3);
	}
	if (waitpid(pid, &status, 0) != pid)
		fail("waitpid: errno %d", errno);
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("exec child ended with status %#x", status);
}

/* ---- threads racing ------------------------------------------------------ */

struct racer {
	pthread_t t;
	uint64_t seed;
	int n, slot;
	bool mapper, mapped;
};

static uint8_t *volatile tmp_map;

static void *race_thread(void *arg)
{
	struct racer *r = arg;
	struct io io;
	int k, rc;
	size_t len;
	void *p;

	rng = r->seed;
	for (k = 0; k < r->n && !failed; k++) {
		if (r->mapper) {
			len = PAGE * (1 + rndn(2));
			p = mmap(NULL, len, PROT_READ, MAP_SHARED,
				 sl[r->slot].fd, 0);
			if (p == MAP_FAILED)
				continue;
			r->mapped = true;
			tmp_map = p;
			sched_yield();
			tmp_map = NULL;
			munmap(p, len);
			continue;
		}
		pick_io(&io, sl[r->slot].fd >= 0 ? r->slot : pick_open_slot());
		if (!rndn(4) && tmp_map) {	/* racing the mapper: read only */
			io.buf = tmp_map;
			io.dir = SG_DXFER_TO_DEV;
			io.len = bsz[io.dev];
		}
		io_prepare(&io, true, false);
		io_hdr(&io, k);
		rc = ioctl(io.fd, SG_IO, &io.h) < 0 ? -errno : 0;
		io_verdict(&io, rc);
	}
	return NULL;
}

static void op_threads(void)
{
	struct racer r[4];
	int n = 2 + rndn(3), k, ms = pick_open_slot();

	if (ms < 0)
		return;
	ADD(st.threads);
	for (k = 0; k < n; k++) {
		r[k] = (struct racer){ .seed = rnd() | 1, .n = 8 + rndn(24),
				       .slot = pick_open_slot(),
				       .mapper = k == 0 };
		if (k == 0)
			r[k].slot = ms;
	}
	for (k = 0; k < n; k++)
		if (pthread_create(&r[k].t, NULL, race_thread, &r[k]))
			r[k].n = -1;
	for (k = 0; k < n; k++)
		if (r[k].n >= 0)
			pthread_join(r[k].t, NULL);
	if (r[0].mapped) {
		sf[sl[ms].sfp].mmapped = true;
		if (sf[sl[ms].sfp].first == FIRST_NONE)
			sf[sl[ms].sfp].first = FIRST_SELF;
	}
}

/* ---- main ------------------------------------------------------------------ */

/* maps: the op changes this process's mappings (model_check after it) */
static const struct {
	const char *name;
	void (*fn)(void);
	int weight;
	bool maps;
} ops[] = {
	{ "io-sync", op_io_sync, 340, false },
	{ "io-async", op_io_async, 140, true },
	{ "signal", op_signal, 30, false }, { "open", op_open, 60, false },
	{ "close", op_close, 30, false }, { "mmap", op_mmap, 80, true },
	{ "munmap", op_munmap, 40, true },
	{ "mprotect", op_mprotect, 40, true },
	{ "mremap", op_mremap, 30, true },
	{ "reserve", op_reserve, 40, false },
	/* a fork costs 20-30 light ops under emulation, an exec or a
	 * thread race 50-80: kept rare, still hundreds in 100,000 ops */
	{ "rmmod", op_rmmod, 10, false }, { "fork", op_fork, 4, false },
	{ "exec", op_exec, 1, false }, { "threads", op_threads, 4, true },
	{ "dup", NULL, 20, false }, { "scm", NULL, 20, false },
};
#define NOPS (int)(sizeof(ops) / sizeof(ops[0]))
static double op_time[NOPS];	/* seconds spent in each kind, with checks */
static unsigned long check_every = 8, maps_ops;

static void run_op(void)
{
	int total = 0, k, r;

	double t = now();

	for (k = 0; k < NOPS; k++)
		total += ops[k].weight;
	r = rndn(total);
	for (k = 0; r >= ops[k].weight; k++)
		r -= ops[k].weight;
	cur_kind = ops[k].name;
	alarm(WATCHDOG);
	if (ops[k].fn)
		ops[k].fn();
	else
		op_dup(!strcmp(ops[k].name, "scm"));
	alarm(0);
	/* /proc/self/maps costs milliseconds under emulation: every Nth */
	if (!failed && ops[k].maps && ++maps_ops % check_every == 0)
		model_check();
	op_time[k] += now() - t;
}

static void summary(double t0)
{
	int e;

	printf("sg_fuzz: summary seed=%llu ops=%lu kind=%s result=%s requests=%lu shared_requests=%lu shares=%lu fallbacks=%lu share_asserted=%lu fallback_asserted=%lu undecided=%lu einval_ok=%lu checked=%lu scsi_err=%lu mmaps=%lu munmaps=%lu mprotects=%lu mremaps=%lu reserves=%lu forks=%lu execs=%lu threads=%lu eintr=%lu inflight_close=%lu rmmod_refused=%lu time=%.1fs errors=",
	       seed, st.ops, patched ? "patched" : "stock",
	       failed ? "FAIL" : "ok", st.reqs, st.shared_req, st.shares,
	       st.fallbacks, st.share_ok, st.fallback_ok, st.undecided,
	       st.einval_ok, st.checked, st.scsi_err, st.mmaps, st.munmaps,
	       st.mprotects, st.mremaps, st.reserved, st.forks, st.execs,
	       st.threads, st.eintr, st.inflight_close, st.rmmod_refused,
	       now() - t0);
	const char *sep = "";

	for (e = 0; e < 160; e++)
		if (errs[e]) {
			printf("%s%s:%lu", sep, e ? strerrorname_np(e) : "other",
			       errs[e]);
			sep = ",";
		}
	printf("%s", *sep ? "" : "none");
	for (sep = " seconds_by_op=", e = 0; e < NOPS; e++, sep = ",")
		printf("%s%s:%.1f", sep, ops[e].name, op_time[e]);
	putchar('\n');
	fflush(stdout);
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: sg_fuzz [--seed N] [--ops N] [--progress N] [--check N]\n"
		"               [--kind auto|stock|patched] DEV DEV...\n"
		"  Random ops over sg fds on the DEVs (sg nodes; two or more devices),\n"
		"  their reserve mappings, fork/exec/threads; checks the info bit and\n"
		"  the data of every decidable request.  Uses the first 2 MiB of each\n"
		"  disk (overwritten).  --seed N --ops N replays a run: the\n"
		"  single-threaded ops are deterministic; thread races, whether a\n"
		"  signal interrupts SG_IO, and the settle windows after orphans are\n"
		"  not (they only change what is asserted and the counts).\n"
		"  --check N compares the model with /proc/self/maps after every\n"
		"  Nth op that changes mappings (8; 1 finds the op that broke it)\n"
		"  and at the end.\n"
		"  Exit 0 clean, 1 a check failed, 2 usage or setup error.\n");
	exit(2);
}

/* READ CAPACITY(10): the block size of the disk behind fd */
static int block_size(int fd)
{
	uint8_t cdb[10] = { 0x25 }, d[8], sense[32];
	sg_io_hdr_t h = { .interface_id = 'S', .dxfer_direction = SG_DXFER_FROM_DEV,
			  .cmd_len = 10, .mx_sb_len = 32, .dxfer_len = 8,
			  .dxferp = d, .cmdp = cdb, .sbp = sense,
			  .timeout = 20000 };

	if (ioctl(fd, SG_IO, &h) < 0 || !good_status(&h))
		return -1;
	return (d[4] << 24) | (d[5] << 16) | (d[6] << 8) | d[7];
}

static int setup(int n, char **av, const char *kind)
{
	int k, ver = 0;
	unsigned int off;
	struct sigaction sa = { .sa_handler = on_usr1 };

	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: SG_IO gets EINTR */
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = NULL;
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (k = 0; k < n && k < MAXDEV; k++) {
		devs[ndev] = av[k];
		chk[ndev] = open(av[k], O_RDWR | O_CLOEXEC);
		if (chk[ndev] < 0) {
			fprintf(stderr, "sg_fuzz: %s: %s\n", av[k], strerror(errno));
			return 2;
		}
		bsz[ndev] = block_size(chk[ndev]);
		if (bsz[ndev] != 512 && bsz[ndev] != 4096) {
			fprintf(stderr, "sg_fuzz: %s: block size %d\n", av[k],
				bsz[ndev]);
			return 2;
		}
		ndev++;
	}
	if (ioctl(chk[0], SG_GET_VERSION_NUM, &ver) < 0)
		return 2;
	patched = !strcmp(kind, "auto") ? ver >= SG_SMMAP_MIN_VERSION_NUM :
		  !strcmp(kind, "patched");
	heap = mmap(NULL, HEAPSZ, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rbuf = malloc(MAXXFER);
	snapbuf = malloc(MAXXFER);
	if (heap == MAP_FAILED || !rbuf || !snapbuf ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, scm))
		return 2;
	for (k = 0; k < NSLOT; k++)
		sl[k].fd = -1;
	/* random data in every disk's region, written plainly */
	for (k = 0; k < ndev; k++)
		for (off = 0; off < REGION; off += MAXXFER) {
			fill(rbuf, MAXXFER, seed + off + k);
			if (plain_io(chk[k], k, SG_DXFER_TO_DEV, off / bsz[k],
				     MAXXFER, rbuf)) {
				fprintf(stderr, "sg_fuzz: %s: cannot write\n",
					devs[k]);
				return 2;
			}
		}
	printf("sg_fuzz: seed=%llu driver version %d, fuzzing as %s, %d devices\n",
	       seed, ver, patched ? "patched" : "stock", ndev);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long nops = 2000, progress = 0, k;
	const char *kind = "auto";
	double t0 = now();
	int i, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	seed = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 16);
	if (argc > 7 && !strcmp(argv[1], "--exec-child")) {
		struct sigaction sa = { .sa_handler = on_alarm };
		int ver = 0;

		sigaction(SIGALRM, &sa, NULL);
		alarm(WATCHDOG);
		patched = ioctl(atoi(argv[2]), SG_GET_VERSION_NUM, &ver) == 0 &&
			  ver >= SG_SMMAP_MIN_VERSION_NUM;
		return exec_child(argv + 2);
	}
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--ops") && i + 1 < argc)
			nops = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--progress") && i + 1 < argc)
			progress = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--kind") && i + 1 < argc)
			kind = argv[++i];
		else if (!strcmp(argv[i], "--check") && i + 1 < argc)
			check_every = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-v"))
			verbose = true;
		else
			usage();
	}
	if (i >= argc || !check_every ||
	    (strcmp(kind, "auto") && strcmp(kind, "stock") &&
	     strcmp(kind, "patched")))
		usage();
	rng = seed * 2654435761ULL + 0x9e3779b97f4a7c15ULL;
	rc = setup(argc - i, argv + i, kind);
	if (rc)
		return rc;
	if (!progress)
		progress = nops / 10 > 100 ? nops / 10 : 100;
	for (k = 1; k <= nops && !failed; k++) {
		cur_op = k;
		run_op();
		st.ops++;
		if (k % progress == 0)
			printf("sg_fuzz: op %lu/%lu seed=%llu shares=%lu fallbacks=%lu checked=%lu %.1fs\n",
			       k, nops, seed, st.shares, st.fallbacks,
			       st.checked, now() - t0);
	}
	if (!failed)
		model_check();
	summary(t0);
	return failed ? 1 : 0;
}
