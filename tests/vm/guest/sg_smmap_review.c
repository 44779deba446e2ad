/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sg_smmap_review.c - part of sg_smmap_test: one check (or a few) per point
 * of the kernel review of the patch, each of which failed on the driver
 * before its fix:
 *   1. a request with the flag that falls back is set up as without it;
 *   2. the old (v1/v2) write() interface is unchanged;
 *   3. exec keeps the process: a fresh mmap() after exec shares;
 *   4. a length the DMA alignment or pad does not divide falls back;
 *   5. an interrupted sharing SG_IO leaves an orphan that holds the claim
 *      until it completes, and a restarted call falls back silently
 *      (doc/sg_smmap.4, LIFETIME).
 * The smaller points of the review (GFP flags, the killable lock, marked
 * accesses, nth_page(), untagged_addr(), segment sizes that are no power of
 * two) change nothing that scsi_debug lets user space see.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <scsi/sg.h>

#include "sg_smmap.h"
#include "sg_smmap_test.h"

#define REVIEW_LEN (16u * 1024u)	/* fits every fd's default reserve */
#define ORPHAN_JIFFIES 1250		/* 5 s at HZ=250: time to signal */
/* LBAs of the checks, apart from each other and from sg_smmap_test.c's */
enum { LBA_R1 = 1000, LBA_BUSY = 1100, LBA_EXEC = 1200, LBA_PAD = 1300,
       LBA_ORPHAN = 1400, LBA_OWNER = 1500 };

/* mmap_io_busy: 1 if an MMAP_IO WRITE on FD is refused with EBUSY, 0 if it
 * was accepted (then its response is collected), -1 on any other result. */
static int mmap_io_busy(int fd, unsigned int lba)
{
	struct sgreq m;
	int rc;

	sgreq_init(&m, SG_DXFER_TO_DEV, lba, REVIEW_LEN / bs, NULL, REVIEW_LEN,
		   SG_FLAG_MMAP_IO);
	rc = sg_submit(fd, &m);
	if (rc == -EBUSY)
		return 1;
	if (rc == 0 && sg_collect(fd, &m) == 0)
		return 0;
	return -1;
}

/*
 * Point 1: a WRITE with the flag from a heap buffer cannot share; it must
 * take the issuing fd's free reserve like any indirect request, so an
 * MMAP_IO request on that fd finds the reserve in use until the response
 * is read (the stock driver, which ignores the flag, behaves so too).
 */
static void t_fallback_own_reserve(int sb)
{
	unsigned char *buf = xalloc(REVIEW_LEN);
	struct sgreq r;
	int rc, busy;

	fill(buf, REVIEW_LEN, new_seed());
	sgreq_init(&r, SG_DXFER_TO_DEV, LBA_R1, REVIEW_LEN / bs, buf, REVIEW_LEN,
		   SG_FLAG_SHARED_MMAP_IO);
	rc = sg_submit(sb, &r);
	if (check(rc == 0, "review 1: WRITE with the flag from a heap buffer queued: rc=%d",
		  rc)) {
		busy = mmap_io_busy(sb, LBA_BUSY);
		check(busy == 1,
		      "review 1: the fallback holds its fd's own reserve, as without the flag (MMAP_IO on that fd: %s)",
		      busy == 1 ? "EBUSY" : busy ? "error" : "accepted");
		rc = sg_collect(sb, &r);
		check(rc == 0 && bit_ok(r.h.info, 0) &&
		      dev_equals(cb, LBA_R1, REVIEW_LEN / bs, buf),
		      "review 1: the fallback completes: rc=%d, bit clear, data ok",
		      rc);
	}
	free(buf);
}

/*
 * Point 2: the old interface's write() keeps the data length in the flags
 * field; 520 has bit 3 set, the value of SG_FLAG_SHARED_MMAP_IO.  Such a
 * request must still use the fd's reserve.  The command, a WRITE(10) of no
 * blocks, takes no data from the buffer.
 */
static void t_old_interface(int sb)
{
	const unsigned int dlen = 520;
	size_t n = sizeof(struct sg_header) + 10 + dlen;
	unsigned char *pkt = xalloc(n);
	struct sg_header *oh = (struct sg_header *)pkt;
	ssize_t w;
	int busy;

	oh->reply_len = sizeof(*oh);
	oh->pack_id = 7;
	pkt[sizeof(*oh)] = 0x2a;
	memset(pkt + sizeof(*oh) + 10, 0x3c, dlen);
	do
		w = write(sb, pkt, n);
	while (w < 0 && errno == EINTR);
	if (check(w == (ssize_t)n, "review 2: old-interface write() of %u data bytes: %zd",
		  dlen, w)) {
		busy = mmap_io_busy(sb, LBA_BUSY);
		check(busy == 1,
		      "review 2: the old interface uses the fd's reserve whatever its length (MMAP_IO on that fd: %s)",
		      busy == 1 ? "EBUSY" : busy ? "error" : "accepted");
		do
			w = read(sb, pkt, sizeof(*oh));
		while (w < 0 && errno == EINTR);
		check(w == (ssize_t)sizeof(*oh) && oh->pack_id == 7 &&
		      oh->result == 0,
		      "review 2: its old-interface read(): %zd, pack_id %d, result %d",
		      w, oh->pack_id, oh->result);
	}
	free(pkt);
}

/*
 * Point 3, the part after exec: argv is "--exec-child FD_A SG_B BS".  FD_A
 * was opened and mmap()-ed before exec by this same process; map it afresh
 * and share it for a WRITE on SG_B (block size BS); the parent checks the
 * data.  Exit status: 0 as expected, 1 wrong info bit, 3 setup or IO error.
 */
int review_exec_child(int argc, char **argv)
{
	unsigned char *map;
	unsigned int info = 0;
	int fa, fb, v = 0;

	if (argc != 5)
		return 3;
	fa = atoi(argv[2]);
	fb = open(argv[3], O_RDWR);
	bs = (unsigned int)atoi(argv[4]);
	if (fb < 0 || !bs || ioctl(fa, SG_GET_VERSION_NUM, &v) < 0)
		return 3;
	patched = v >= SG_SMMAP_MIN_VERSION_NUM;
	map = mmap(NULL, REVIEW_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fa, 0);
	if (map == MAP_FAILED)
		return 3;
	fill(map, REVIEW_LEN, 0xe8ec);
	if (rw(fb, SG_DXFER_TO_DEV, LBA_EXEC, REVIEW_LEN / bs, map,
	       SG_FLAG_SHARED_MMAP_IO, &info))
		return 3;
	return bit_ok(info, 1) ? 0 : 1;
}

/*
 * Point 3: a child process opens and mmap()s an owner fd, then execs this
 * program, which maps the inherited fd afresh and must share it.
 */
static void t_exec(const char *self)
{
	unsigned char *map, *want = xalloc(REVIEW_LEN);
	unsigned int size = REVIEW_LEN;
	char fd_str[16], bs_str[16];
	int status = 0;
	pid_t pid;

	pid = fork_child();
	if (pid == 0) {
		int fa = open_reserve(cfg.dev_a, &size, PROT_READ | PROT_WRITE,
				      MAP_SHARED, &map);

		munmap(map, size);
		snprintf(fd_str, sizeof(fd_str), "%d", fa);
		snprintf(bs_str, sizeof(bs_str), "%u", bs);
		execl(self, self, "--exec-child", fd_str, cfg.dev_b, bs_str,
		      (char *)NULL);
		_exit(3);
	}
	status = child_status(pid);
	fill(want, REVIEW_LEN, 0xe8ec);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	      dev_equals(cb, LBA_EXEC, REVIEW_LEN / bs, want),
	      "review 3: after exec, a fresh mmap() of the fd this process mapped before shares: %s, data ok (status 0x%x)",
	      bit_word(1), status);
	free(want);
}

/*
 * Point 4: a READ of 510 bytes meets the offset's alignment but not the
 * length's (scsi_debug's DMA alignment is 4): the block layer would pad the
 * transfer past the range, so it must fall back; the bytes after the range
 * stay as they were.  scsi_debug moves the 510 bytes; a host adapter's disk
 * sends the whole block, which the adapter reports as an error (EIO, as for
 * any indirect READ that short): the fallback is then still exact.
 */
static void t_pad(int sb, unsigned char *map)
{
	const unsigned int len = 510;
	unsigned char *want = dev_fill(cb, LBA_PAD, 1);
	struct sgreq r;
	int rc;

	memset(map, 0xa5, 2 * len);
	sgreq_init(&r, SG_DXFER_FROM_DEV, LBA_PAD, 1, map, len,
		   SG_FLAG_SHARED_MMAP_IO);
	rc = sg_io(sb, &r);
	if (rc == -EIO && !sdebug_disk(cfg.dev_b))
		check(bit_ok(r.h.info, 0) && map[len] == 0xa5 &&
		      map[len + 1] == 0xa5,
		      "review 4: READ of %u bytes (length not DMA-aligned) falls back: EIO from the adapter (overrun), %s, bytes after it untouched",
		      len, bit_word(0));
	else
		check(rc == 0 && bit_ok(r.h.info, 0) &&
		      memcmp(map, want, len) == 0 && map[len] == 0xa5 &&
		      map[len + 1] == 0xa5,
		      "review 4: READ of %u bytes (length not DMA-aligned) falls back: rc=%d %s, data ok, bytes after it untouched",
		      len, rc, bit_word(0));
	free(want);
}

/* ---- point 5: orphans ---- */

/* thread_sleeps: thread TID of this process is in an interruptible sleep. */
static int thread_sleeps(pid_t tid)
{
	char path[64], buf[256], *p;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'S';
}

/*
 * Point 5: one signal (SA_RESTART) reaches a sharing SG_IO that waits for
 * its command (held 5 s by the scsi_debug delay).  The request becomes an
 * orphan that keeps the owner's reserve claimed: the owner's MMAP_IO gets
 * EBUSY, and the restarted call cannot share and falls back silently.
 */
static void t_orphan(int sb, unsigned char *map, int oa)
{
	struct sig_req t = { .fd = sb, .src = map, .lba = LBA_ORPHAN,
			     .len = REVIEW_LEN, .rc = 1 };
	unsigned char *want = xalloc(REVIEW_LEN);
	struct sigaction sa;
	pthread_t th;
	double t0;
	int busy;

	if (!delay_usable() || set_delay(ORPHAN_JIFFIES)) {
		skip("no writable scsi_debug delay", "review 5: orphans");
		free(want);
		return;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal_noop;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR2, &sa, NULL);
	fill(want, REVIEW_LEN, new_seed());
	memcpy(map, want, REVIEW_LEN);
	if (pthread_create(&th, NULL, sig_req_run, &t))
		die("pthread_create");
	/* the thread sleeps once it waits in SG_IO, for 5 s */
	while (!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE) &&
	       !(__atomic_load_n(&t.tid, __ATOMIC_ACQUIRE) &&
		 thread_sleeps(t.tid)))
		usleep(10 * 1000);
	t0 = now();
	pthread_kill(th, SIGUSR2);
	busy = mmap_io_busy(oa, LBA_OWNER);
	/* on a stock driver the MMAP_IO itself takes the 5 s delay */
	if (busy != 1 && (__atomic_load_n(&t.done, __ATOMIC_ACQUIRE) ||
			  (patched && now() - t0 >= 2.5)))
		skip("the VM was too slow to catch the orphan in flight",
		     "review 5: the orphan holds the owner's reserve");
	else
		check(busy == (patched ? 1 : 0),
		      "review 5: while the orphan runs, the owner's MMAP_IO gets %s",
		      busy == 1 ? "EBUSY" : busy ? "an error" : "accepted");
	pthread_join(th, NULL);
	check(t.rc == 0 && bit_ok(t.info, 0) &&
	      dev_equals(cb, LBA_ORPHAN, REVIEW_LEN / bs, want),
	      "review 5: the restarted SG_IO falls back silently: rc=%d, %s, data ok",
	      t.rc, bit_word(0));
	if (set_delay(0))
		die("resetting the scsi_debug delay");
	signal(SIGUSR2, SIG_DFL);
	/* the orphan completed before its restarted twin: the claim is free */
	fill(want, REVIEW_LEN, new_seed());
	memcpy(map, want, REVIEW_LEN);
	check(rw(sb, SG_DXFER_TO_DEV, LBA_ORPHAN, REVIEW_LEN / bs, map,
		 SG_FLAG_SHARED_MMAP_IO, &t.info) == 0 && bit_ok(t.info, 1) &&
	      dev_equals(cb, LBA_ORPHAN, REVIEW_LEN / bs, want),
	      "review 5: once the orphan completed, sharing works again (%s)",
	      bit_word(1));
	free(want);
}

/* t_review: every review regression; SELF is this program, for exec. */
void t_review(int sb, unsigned char *map, int oa, const char *self)
{
	t_fallback_own_reserve(sb);
	t_old_interface(sb);
	t_exec(self);
	t_pad(sb, map);
	t_orphan(sb, map, oa);
}
