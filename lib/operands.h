/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * operands.h - the options of a copy, as parsed from dd-style operands.
 *
 * Contract: sgm_parse() fills a struct sgm_opts from argv, applies every
 * default and every conflict check in one place, and on error prints one
 * line naming the problem and returns an sg3_utils exit status
 * (SG_LIB_SYNTAX_ERROR 1, SG_LIB_CONTRADICT 31, ...).  Nothing else in the
 * suite validates operands.
 */
#ifndef SGSMMAP_OPERANDS_H
#define SGSMMAP_OPERANDS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define SGM_DEF_BS 512		/* bs= when not given */
#define SGM_DEF_BPT 128		/* bpt= when not given and bs < 2048 */
#define SGM_DEF_BPT_2048 32	/* bpt= when not given and bs >= 2048 */
#define SGM_DEF_CDBSZ 10	/* cdbsz= when not given; the copier raises
				   it as LBAs and bpt need: sgx_fit_cdbsz() */
#define SGM_MAX_BS (1 << 24)	/* largest bs=, ibs=, obs= and bpt= */
#define SGM_MAX_TIMEOUT 2147483	/* largest time=X,TO: seconds that fit in ms */
#define SGM_DEF_RETRIES -1	/* retries= not given: see sgx_retry() */
#define SGM_MAX_RETRIES 1000	/* largest retries= */
#define SGM_PROGRESS_SEC 120	/* --progress or -p: every 2 minutes, as
				   sg_dd; -pp every 60 s, -ppp every 30 s */
#define SGM_MAX_PROGRESS 86400	/* largest --progress=SECS */
#define SGM_MAX_THR 1024	/* largest thr= */

/* Per-end flags from iflag= / oflag= (and dio=, fua=). */
struct sgm_flags {
	bool append;		/* O_APPEND on a non-sg output */
	bool coe;		/* continue on error (as coe=1) */
	bool dio;		/* SG_FLAG_DIRECT_IO on an sg end */
	bool direct;		/* O_DIRECT on a non-sg end */
	bool dpo;		/* DPO bit in READ/WRITE CDBs */
	bool dsync;		/* O_SYNC on a non-sg end */
	bool excl;		/* O_EXCL on open */
	bool fua;		/* FUA bit in READ/WRITE CDBs */
	bool nocreat;		/* never create of= (oflag only) */
	bool null;		/* accepted and ignored, as in sg3_utils */
	bool smmap;		/* shared mmap IO (see sg_reserve) */
	bool verify;		/* WRITE, then VERIFY each batch (oflag only) */
};

struct sgm_opts {
	const char *inf;	/* if=: NULL or "-" means stdin */
	const char *outf;	/* of=: NULL or "-" means stdout */
	const char *out2f;	/* of2=: second destination, or NULL */
	int bs;			/* bs= (ibs= and obs= must equal it) */
	int bpt;		/* blocks per transfer, defaulted from bs */
	bool bpt_given;		/* bpt= was given (else from bs) */
	int cdbsz_in;		/* 6, 10, 12 or 16 for READ */
	int cdbsz_out;		/* 6, 10, 12 or 16 for WRITE */
	int64_t count;		/* blocks to copy; -1: derive from capacities */
	int64_t skip;		/* input blocks skipped */
	int64_t seek;		/* output blocks skipped */
	struct sgm_flags iflag;	/* iflag= */
	struct sgm_flags oflag;	/* oflag= */
	bool do_sync;		/* sync=1: flush the outputs (SYNCHRONIZE
				   CACHE on sg, fsync on file or block) */
	bool do_time;		/* time=1: print elapsed time and throughput */
	int cmd_timeout;	/* time=X,TO: seconds per READ/WRITE; 0: 60 */
	int verbose;		/* verbose= plus -v occurrences */
	bool dry_run;		/* --dry-run: open and size, copy nothing */
	int progress;		/* seconds between progress reports; 0: none */
	bool coe;		/* coe=1 or iflag=coe or oflag=coe: unreadable
				   blocks zeroed, miscompares listed */
	int64_t coe_limit;	/* stop after this many consecutive bad
				   blocks; 0: no limit */
	int retries;		/* retries of a command that may succeed when
				   repeated; -1: not given (sgx_retry) */
	bool do_verify;		/* --verify: compare of= with if=, no WRITE */
	int thr;		/* thr=: batches in flight at once, 1 (the
				   default: one command at a time) to
				   SGM_MAX_THR (see inflight.h) */
};

/*
 * Parse argv into *op.  Returns 0 to go on, -1 when --help or --version was
 * handled (caller exits 0), or an sg3_utils exit status (> 0) after one
 * error line on stderr.
 */
int sgm_parse(int argc, char *argv[], struct sgm_opts *op);

/* Print the usage message (the --help text) to FP. */
void sgm_usage(FILE *fp);

/* What sgm_check_ends() needs to know of the ends, once opened. */
struct sgm_kinds {
	bool in_sg;		/* if= is an sg device */
	bool out_sg;		/* of= is an sg device */
	bool out2_sg;		/* of2= is an sg device */
	bool out_readable;	/* of= can be read back: regular or block */
	const char *unordered;	/* an output that needs its writes in order
				   (regular file, pipe, stdout, other stream)
				   named by its role ("of", "of2"), or NULL */
};

/*
 * The checks that need to know what each end is, so only the opener can
 * call them, right after opening and before creating anything:
 * oflag=smmap and iflag=smmap need if= and of= to be sg devices; dpo and
 * fua with cdbsz=6 matter only where an sg end sends the CDB; --verify
 * and oflag=verify need an output that can be compared; thr>1 needs if=
 * to be sg and every output to take writes out of order (sg, block
 * device, /dev/null).  Returns 0, SG_LIB_SYNTAX_ERROR for thr>1 with an
 * output that needs order, or SG_LIB_CONTRADICT, after one line on
 * stderr.  (of2= may be any kind: a
 * non-sg of2 is written from the buffer.)
 */
int sgm_check_ends(const struct sgm_opts *op, const struct sgm_kinds *k);

/* True when NAME means stdin (as if=) or stdout (as of=): NULL or "-". */
bool sgm_is_stdio(const char *name);

/* True when NAME is ".", which as of= means /dev/null (sg3_utils). */
bool sgm_is_dot(const char *name);

#endif /* SGSMMAP_OPERANDS_H */
