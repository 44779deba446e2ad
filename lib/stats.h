/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stats.h - what a copy has really done, the summary and progress reports,
 * and the signal flags that ask for them.
 *
 * Signal handlers only set the volatile sig_atomic_t flags below; the copy
 * loop calls sgs_poll() between batches to act on them.  Reports are
 * formatted with snprintf() and written with write(2) to stderr.
 */
#ifndef SGSMMAP_STATS_H
#define SGSMMAP_STATS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define SGS_MAX_OUT 2		/* of= and of2= */

/* Counts for one destination. */
struct sgs_out {
	const char *label;	/* "" for of=, " (of2)" for of2= */
	int64_t full;		/* whole blocks written */
	int partial;		/* blocks written from a partial input block */
};

struct sgs_stats {
	int bs;			/* block size, for throughput */
	int verbose;		/* verbose=: 1 adds the smmap line */
	bool do_time;		/* time=1: print elapsed time, throughput */
	int progress;		/* --progress: seconds between reports, 0 none */
	bool verified;		/* --verify: "records verified", not "out" */
	int64_t skip;		/* skip= of the copy, for the resume line */
	int64_t seek;		/* seek= of the copy, for the resume line */
	int64_t req_count;	/* blocks asked for; -1: until end of input */
	int64_t in_full;	/* whole blocks read */
	int in_partial;		/* partial blocks read (end of a file) */
	int nout;		/* destinations: 1 or 2 */
	struct sgs_out out[SGS_MAX_OUT]; /* per destination */
	bool smmap;		/* shared mmap IO was asked for */
	int64_t smmap_req;	/* commands sent with SG_FLAG_SHARED_MMAP_IO */
	int64_t smmap_done;	/* of those, the info bit said shared */
	int64_t dio_not_done;	/* dio asked for, indirect IO done */
	int64_t sum_resid;	/* residual bytes reported by sg READs */
	int64_t retried;	/* commands sent again (retries=) */
	int64_t unrecovered;	/* commands that failed after their retries */
	int64_t unreadable;	/* blocks coe zero-filled */
	int64_t miscompares;	/* blocks VERIFY or a read-back found different */
	int64_t verified_after;	/* blocks oflag=verify checked after writing */
	struct timespec start;	/* when the copy loop started */
	struct timespec last;	/* when progress was last reported */
	bool started;		/* start is valid */
};

/* Set by the handlers: the fatal signal's number, SIGUSR1 seen. */
extern volatile sig_atomic_t sgs_fatal_sig;
extern volatile sig_atomic_t sgs_info_req;

/* Initialise st for a copy of req_count blocks of bs bytes. */
void sgs_init(struct sgs_stats *st, int bs, int64_t req_count, int nout);

/*
 * Install the handlers, before anything is opened or skipped: SIGINT,
 * SIGTERM, SIGQUIT and SIGPIPE set sgs_fatal_sig (and make EINTR final in
 * sysio); SIGUSR1 sets sgs_info_req.  Signals ignored at start (nohup)
 * stay ignored.  SIGXFSZ is ignored: a write past RLIMIT_FSIZE then fails
 * with EFBIG, which is reported like any write error.
 */
void sgs_install_signals(void);

/* The copy loop begins now (for time= and --progress). */
void sgs_start(struct sgs_stats *st);

/*
 * Between batches: print progress if SIGUSR1 came or the --progress
 * interval passed.  Returns true when a fatal signal is pending and the
 * loop must stop.
 */
bool sgs_poll(struct sgs_stats *st);

/* Blocks the copy still owes: req_count minus blocks out (-1 if open). */
int64_t sgs_remaining(const struct sgs_stats *st);

/*
 * The closing report: records in/out, smmap, dio, recovery counts, time.
 * When the copy stopped early (status non-zero or a signal) it starts with
 * the remaining block count and a line "sgm_dd: to resume: skip=N seek=N
 * [count=N]" computed from the blocks every output really got.
 */
void sgs_summary(const struct sgs_stats *st, int status);

/* After the summary of an interrupted copy: die by the pending signal
 * with its default action.  Returns only if that did not kill us. */
void sgs_reraise(void);

#endif /* SGSMMAP_STATS_H */
