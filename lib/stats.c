/* SPDX-License-Identifier: BSD-2-Clause */
/* stats.c - counters, reports, signal flags; see stats.h. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "stats.h"
#include "sysio.h"

#define REPORT_MAX 1024		/* one report, formatted before writing */

volatile sig_atomic_t sgs_fatal_sig;	/* SIGINT/TERM/QUIT/PIPE, or 0 */
volatile sig_atomic_t sgs_info_req;	/* SIGUSR1 arrived */

/* SIGINT, SIGTERM, SIGQUIT, SIGPIPE: note which; the loop stops. */
static void on_fatal(int sig)
{
	sgs_fatal_sig = sig;
}

/* SIGUSR1: ask for a progress report between batches. */
static void on_info(int sig)
{
	(void)sig;
	sgs_info_req = 1;
}

/* Set the action of sig to fn (a handler, or SIG_DFL) with sa_flags. */
static void set_action(int sig, void (*fn)(int), int sa_flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = sa_flags;
	sigaction(sig, &sa, NULL);
}

/* Install fn for sig unless sig was ignored when we started. */
static void install(int sig, void (*fn)(int), int sa_flags)
{
	struct sigaction sa;

	if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
		return;
	set_action(sig, fn, sa_flags);
}

void sgs_install_signals(void)
{
	/* no SA_RESTART: a read() blocked on a pipe must come back */
	install(SIGINT, on_fatal, 0);
	install(SIGTERM, on_fatal, 0);
	install(SIGQUIT, on_fatal, 0);
	install(SIGPIPE, on_fatal, 0);	/* stdout reader gone: EPIPE, summary */
	install(SIGUSR1, on_info, SA_RESTART);
	install(SIGXFSZ, SIG_IGN, 0);	/* EFBIG instead of a silent death */
	sio_set_stop_flag(&sgs_fatal_sig);
}

void sgs_reraise(void)
{
	int sig = sgs_fatal_sig;

	if (!sig)
		return;
	set_action(sig, SIG_DFL, 0);
	raise(sig);
}

void sgs_init(struct sgs_stats *st, int bs, int64_t req_count, int nout)
{
	memset(st, 0, sizeof(*st));
	st->bs = bs;
	st->req_count = req_count;
	st->nout = nout;
	st->out[0].label = "";
	st->out[1].label = " (of2)";
}

void sgs_start(struct sgs_stats *st)
{
	clock_gettime(CLOCK_MONOTONIC, &st->start);
	st->last = st->start;
	st->started = true;
}

/* Seconds from a to b. */
static double secs(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Blocks that reached every destination. */
static int64_t blocks_out(const struct sgs_stats *st)
{
	int64_t least = INT64_MAX;
	int k;

	for (k = 0; k < st->nout; k++) {
		int64_t n = st->out[k].full + st->out[k].partial;

		if (n < least)
			least = n;
	}
	return st->nout ? least : 0;
}

int64_t sgs_remaining(const struct sgs_stats *st)
{
	return st->req_count < 0 ? -1 : st->req_count - blocks_out(st);
}

/* Append a formatted line to buf[*off..REPORT_MAX). */
__attribute__((format(printf, 3, 4)))
static void add(char *buf, int *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= REPORT_MAX - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, REPORT_MAX - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off = *off + n < REPORT_MAX ? *off + n : REPORT_MAX - 1;
}

/* Records in and out, the way sg3_utils' dd tools print them. */
static void add_records(const struct sgs_stats *st, char *buf, int *off)
{
	int k;

	add(buf, off, "%" PRId64 "+%d records in\n", st->in_full,
	    st->in_partial);
	for (k = 0; k < st->nout; k++)
		add(buf, off, "%" PRId64 "+%d records %s%s\n",
		    st->out[k].full, st->out[k].partial,
		    st->verified ? "verified" : "out", st->out[k].label);
}

/* Elapsed time and throughput of the blocks out so far. */
static void add_time(const struct sgs_stats *st, char *buf, int *off,
		     bool so_far)
{
	struct timespec now;
	double s, bytes = (double)blocks_out(st) * st->bs;

	if (!st->started)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	s = secs(&st->start, &now);
	add(buf, off, "time to transfer data%s: %.6f secs", so_far ?
	    " so far" : "", s);
	if (s > 0.00001 && bytes > 511)
		add(buf, off, " at %.2f MB/sec\n", bytes / (s * 1e6));
	else
		add(buf, off, "\n");
}

/* write(2) the report to stderr. */
static void emit(const char *buf, int len)
{
	size_t done;

	if (len > 0)
		(void)sio_write_all(STDERR_FILENO, buf, (size_t)len, &done);
}

/* Where a stopped copy goes on: the whole blocks every output got (a
 * partial block is written again). */
static void add_resume(const struct sgs_stats *st, char *buf, int *off)
{
	int64_t done = INT64_MAX, rem = sgs_remaining(st);
	int k;

	for (k = 0; k < st->nout; k++)
		if (st->out[k].full < done)
			done = st->out[k].full;
	if (rem > 0)
		rem = st->req_count - done;

	if (rem == 0)
		return;
	add(buf, off, "sgm_dd: to resume: skip=%" PRId64 " seek=%" PRId64,
	    st->skip + done, st->seek + done);
	if (rem > 0)
		add(buf, off, " count=%" PRId64, rem);
	add(buf, off, "\n");
}

/* The recovery counts, when there is something to count. */
static void add_recovery(const struct sgs_stats *st, char *buf, int *off)
{
	if (st->unreadable)
		add(buf, off, "%" PRId64 " unreadable blocks zero-filled (coe)\n",
		    st->unreadable);
	if (st->retried)
		add(buf, off, "%" PRId64 " retries attempted\n", st->retried);
	if (st->unrecovered)
		add(buf, off, "%" PRId64 " unrecovered error(s)\n",
		    st->unrecovered);
	if (st->miscompares)
		add(buf, off, "%" PRId64 " miscompare error(s)\n",
		    st->miscompares);
	if (st->verified_after)
		add(buf, off, "%" PRId64 " blocks verified after writing\n",
		    st->verified_after);
}

void sgs_summary(const struct sgs_stats *st, int status)
{
	char buf[REPORT_MAX];
	int off = 0;
	int64_t rem = sgs_remaining(st);
	bool stopped = status || sgs_fatal_sig;

	if (sgs_fatal_sig)
		add(buf, &off, "Stopped by signal %d (%s)\n",
		    (int)sgs_fatal_sig, strsignal(sgs_fatal_sig));
	if (stopped && rem > 0)
		add(buf, &off, "  remaining block count=%" PRId64 "\n", rem);
	if (stopped && st->started)
		add_resume(st, buf, &off);
	add_records(st, buf, &off);
	add_recovery(st, buf, &off);
	if (st->smmap && st->verbose >= 1)
		add(buf, &off, "shared mmap IO: requested %" PRId64 ", done %"
		    PRId64 "\n", st->smmap_req, st->smmap_done);
	if (st->dio_not_done)
		add(buf, &off, ">> dio not done, indirect IO instead: %" PRId64
		    " WRITEs\n", st->dio_not_done);
	if (st->sum_resid)
		add(buf, &off, ">> residual bytes reported by READs: %" PRId64
		    "\n", st->sum_resid);
	if (st->do_time)
		add_time(st, buf, &off, false);
	emit(buf, off);
}

/* A progress report: how far, then the records so far. */
static void progress(struct sgs_stats *st)
{
	char buf[REPORT_MAX];
	int off = 0;

	if (st->req_count >= 0)
		add(buf, &off, "Progress: %" PRId64 " of %" PRId64
		    " blocks copied, continuing\n", blocks_out(st),
		    st->req_count);
	else
		add(buf, &off, "Progress: %" PRId64 " blocks copied, "
		    "continuing\n", blocks_out(st));
	add_records(st, buf, &off);
	add_time(st, buf, &off, true);
	emit(buf, off);
}

bool sgs_poll(struct sgs_stats *st)
{
	struct timespec now;
	bool due = false;

	if (sgs_fatal_sig)
		return true;
	if (st->progress && st->started) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		due = secs(&st->last, &now) >= st->progress;
		if (due)
			st->last = now;
	}
	if (sgs_info_req || due) {
		sgs_info_req = 0;
		progress(st);
	}
	return false;
}
