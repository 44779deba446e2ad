/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sg_smmap_test.h - what the parts of sg_smmap_test share: the
 * configuration, the TAP reporting, data patterns, v3 requests on the
 * scratch disks and the scsi_debug delay.  sg_smmap_test.c has the rules'
 * checks and main(); sg_smmap_review.c the regressions of the review.
 */
#ifndef SG_SMMAP_TEST_H
#define SG_SMMAP_TEST_H

#include <stddef.h>
#include <sys/types.h>
#include <scsi/sg.h>


#define PAGE 4096u
#define OWNER_RESERVE (1024u * 1024u)	/* asked of the owner fd */
#define DELAY_JIFFIES 125		/* 0.5 s at Debian's HZ=250 */
#define TIMEOUT_MS 60000

struct cfg {
	const char *dev_a;	/* owner's device */
	const char *dev_b;	/* sharers' device */
	const char *delay_knob;	/* scsi_debug delay attribute */
	int expect;		/* -1 auto, 0 stock, 1 patched */
	int iterations;		/* mixed loop length */
	int unplug;		/* run t_unplug() only: deletes SG_A */
	unsigned int probe_off;	/* --probe: offset into SG_A's reserve */
	unsigned int probe_len;	/* --probe: bytes, 0 when not probing */
	int probe_share;	/* --probe: the WRITE must share */
	int verbose;		/* print progress notes */
	int no_mem_bound;	/* report, do not bound, memory after the loop */
};

/* One v3 request and the storage its header points at. */
struct sgreq {
	sg_io_hdr_t h;
	unsigned char cdb[10];
	unsigned char sense[32];
};

extern struct cfg cfg;
extern int patched;		/* driver honours the flag */
extern unsigned int bs;		/* logical block size of both disks */
extern int ca, cb;		/* checker fds: plain indirect IO on A, B */

/* TAP: check() prints one ok/not ok line for COND and returns COND. */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int check(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void skip(const char *why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void die(const char *what) __attribute__((noreturn));

unsigned long long new_seed(void);
void fill(void *buf, size_t len, unsigned long long seed);
void *xalloc(size_t len);

void sgreq_init(struct sgreq *r, int dir, unsigned int lba,
		unsigned int nblk, void *buf, unsigned int len,
		unsigned int flags);
int sg_io(int fd, struct sgreq *r);
int sg_submit(int fd, struct sgreq *r);
int sg_collect(int fd, struct sgreq *r);
int rw(int fd, int dir, unsigned int lba, unsigned int nblk, void *buf,
       unsigned int flags, unsigned int *info);
int dev_equals(int fd, unsigned int lba, unsigned int nblk, const void *buf);
void *dev_fill(int fd, unsigned int lba, unsigned int nblk);
int open_sg(const char *dev);
int open_reserve(const char *dev, unsigned int *size, int prot, int flags,
		 unsigned char **map);
int open_owner(const char *dev, unsigned int size, int prot, int flags,
	       unsigned char **map);
int bit_ok(unsigned int info, int should);
const char *bit_word(int should);
int set_delay(int jiffies);
int delay_usable(void);
double now(void);
int checker(int fd);
int sdebug_disk(const char *dev);
pid_t fork_child(void);
int child_status(pid_t pid);

/*
 * A sharing WRITE of LEN bytes from SRC to LBA, issued with SG_IO by a
 * thread (sig_req_run), for a signal to interrupt.
 */
struct sig_req {
	int fd;			/* sharer */
	unsigned char *src;	/* in the owner's mapping */
	unsigned int lba, len;	/* where and how much */
	int rc;			/* the SG_IO ioctl: 0 or -errno, once */
	unsigned int info;	/* its info bits */
	pid_t tid;		/* the thread, once it runs */
	volatile int done;	/* the ioctl has returned */
};
void *sig_req_run(void *arg);
void on_signal_noop(int sig);

/* sg_smmap_review.c: one test per point of the review */
int review_exec_child(int argc, char **argv);
void t_review(int sb, unsigned char *map, int oa, const char *self);

#endif
