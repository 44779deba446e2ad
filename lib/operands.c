/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * operands.c - sgm_dd's operands: one sorted table, one symbol-list parser
 * for iflag=/oflag=, and every conflict check in validate() (plus the
 * checks that need the file types, in sgm_check_ends()).
 *
 * Each bad input yields exactly one line on stderr, "sgm_dd: ..." naming
 * the operand and the problem, and an sg3_utils exit status:
 * SG_LIB_SYNTAX_ERROR (1) for a bad operand on its own,
 * SG_LIB_CONTRADICT (31) for operands that cannot go together.
 */
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scsi/sg_lib.h>
#include <scsi/sg_pr2serr.h>

#include "msg.h"
#include "number.h"
#include "operands.h"


#define SGM_MAX_VERBOSE 99	/* largest verbose level */

extern const char sgsmmap_version[];	/* lib/version.c */

/* One bit per operand: to refuse repeats and exclusive pairs. */
enum {
	OP_BPT = 1u << 0, OP_BS = 1u << 1, OP_CDBSZ = 1u << 2,
	OP_COUNT = 1u << 3, OP_DIO = 1u << 4, OP_FUA = 1u << 5,
	OP_IBS = 1u << 6, OP_IF = 1u << 7, OP_IFLAG = 1u << 8,
	OP_OBS = 1u << 9, OP_OF = 1u << 10, OP_OF2 = 1u << 11,
	OP_OFLAG = 1u << 12, OP_SEEK = 1u << 13, OP_SKIP = 1u << 14,
	OP_SYNC = 1u << 15, OP_TIME = 1u << 16, OP_VERBOSE = 1u << 17,
	OP_COE = 1u << 18, OP_COE_LIMIT = 1u << 19, OP_RETRIES = 1u << 20,
	OP_THR = 1u << 21,
};

/* What the parse has gathered beyond struct sgm_opts. */
struct pstate {
	struct sgm_opts *op;	/* the options being filled */
	unsigned int seen;	/* OP_* bits of the operands given */
	int ibs;		/* ibs= value, 0 if not given */
	int obs;		/* obs= value, 0 if not given */
	bool help;		/* --help / -h seen */
	bool version;		/* --version / -V seen */
};

/* One NAME=VALUE operand, OpenBSD dd style. */
struct operand {
	const char *name;	/* before the '=' */
	int (*store)(struct pstate *, const char *name, const char *val);
				/* stores VAL; 0 or an exit status */
	unsigned int bit;	/* OP_* bit set once it is seen */
	unsigned int noset;	/* OP_* bits that must not be set yet */
};

/* One iflag=/oflag= symbol. */
struct flagsym {
	const char *name;	/* as written in the list */
	size_t off;		/* offset of its bool in struct sgm_flags */
	bool in_ok;		/* valid in iflag= */
};

#define FL(f) offsetof(struct sgm_flags, f)
static const struct flagsym flagsyms[] = {
	{ "append", FL(append), false },
	{ "coe",    FL(coe),    true },
	{ "dio",    FL(dio),    false },
	{ "direct", FL(direct), true },
	{ "dpo",    FL(dpo),    true },
	{ "dsync",  FL(dsync),  true },
	{ "excl",   FL(excl),   true },
	{ "fua",    FL(fua),    true },
	{ "nocreat", FL(nocreat), false },
	{ "null",   FL(null),   true },
	{ "smmap",  FL(smmap),  true },
	{ "verify", FL(verify), false },
};
#undef FL

#define IFLAG_LIST "coe,direct,dpo,dsync,excl,fua,null,smmap"
#define OFLAG_LIST1 "append,coe,dio,direct,dpo,dsync,"	/* --help wraps */
#define OFLAG_LIST2 "excl,fua,nocreat,null,smmap,verify"
#define OFLAG_LIST OFLAG_LIST1 OFLAG_LIST2

/*
 * Parse VAL, the value of operand NAME, into *OUT within [MIN, MAX].
 * Returns 0 or SG_LIB_SYNTAX_ERROR after one line on stderr.
 */
static int num_range(const char *name, const char *val, int64_t min,
		     int64_t max, int64_t *out)
{
	int64_t v = 0;
	int err;

	if (val[0] == '-') {
		pr2serr(SGM_PFX "%s=%s: must not be negative\n", name, val);
		return SG_LIB_SYNTAX_ERROR;
	}
	err = sgm_num(val, &v);
	if (err) {
		pr2serr(SGM_PFX "%s=%s: %s\n", name, val, sgm_num_str(err));
		return SG_LIB_SYNTAX_ERROR;
	}
	if (v < min || v > max) {
		pr2serr(SGM_PFX "%s=%s: must be %" PRId64 " to %" PRId64 "\n",
			name, val, min, max);
		return SG_LIB_SYNTAX_ERROR;
	}
	*out = v;
	return 0;
}

/* num_range() into an int. */
static int num_int(const char *name, const char *val, int min, int max,
		   int *out)
{
	int64_t v;
	int ret = num_range(name, val, min, max, &v);

	if (ret == 0)
		*out = (int)v;
	return ret;
}

/* num_range() for a switch into a bool: 0 is off, any other number on
 * (stock sg3_utils takes !!N, so scripts may say dio=2 or sync=5). */
static int num_bool(const char *name, const char *val, bool *out)
{
	int64_t v;
	int ret = num_range(name, val, 0, INT64_MAX, &v);

	if (ret == 0)
		*out = v != 0;
	return ret;
}

/*
 * The operand handlers (struct operand.store): each stores VAL, the value
 * of operand NAME, in the parse state.  Each returns 0, or an exit status
 * (SG_LIB_SYNTAX_ERROR) after one line on stderr.
 *
 * bpt=: 1 to SGM_MAX_BS blocks per transfer.
 */
static int st_bpt(struct pstate *ps, const char *name, const char *val)
{
	ps->op->bpt_given = true;
	return num_int(name, val, 1, SGM_MAX_BS, &ps->op->bpt);
}

/* bs=: 1 to SGM_MAX_BS bytes. */
static int st_bs(struct pstate *ps, const char *name, const char *val)
{
	return num_int(name, val, 1, SGM_MAX_BS, &ps->op->bs);
}

/* cdbsz=: 6, 10, 12 or 16, for READ and WRITE alike. */
static int st_cdbsz(struct pstate *ps, const char *name, const char *val)
{
	int v = 0;
	int ret = num_int(name, val, 0, INT_MAX, &v);

	if (ret)
		return ret;
	if (v != 6 && v != 10 && v != 12 && v != 16) {
		pr2serr(SGM_PFX "%s=%s: must be 6, 10, 12 or 16\n", name, val);
		return SG_LIB_SYNTAX_ERROR;
	}
	ps->op->cdbsz_in = ps->op->cdbsz_out = v;
	return 0;
}

/* coe=N: 0 off, any other number on (sg_dd's 2 and 3, READ LONG, are
 * taken as 1). */
static int st_coe(struct pstate *ps, const char *name, const char *val)
{
	bool on = false;
	int ret = num_bool(name, val, &on);

	ps->op->coe |= on;
	return ret;
}

/* coe_limit=N: 0 (no limit) and above. */
static int st_coe_limit(struct pstate *ps, const char *name, const char *val)
{
	return num_range(name, val, 0, INT64_MAX, &ps->op->coe_limit);
}

/* count=: -1 (derive it) or 0 and above. */
static int st_count(struct pstate *ps, const char *name, const char *val)
{
	if (strcmp(val, "-1") == 0) {
		ps->op->count = -1;
		return 0;
	}
	if (val[0] == '-') {
		pr2serr(SGM_PFX "%s=%s: must be -1 (derive) or 0 and above\n",
			name, val);
		return SG_LIB_SYNTAX_ERROR;
	}
	return num_range(name, val, 0, INT64_MAX, &ps->op->count);
}

/* dio=0|1: 1 is oflag=dio. */
static int st_dio(struct pstate *ps, const char *name, const char *val)
{
	bool on = false;
	int ret = num_bool(name, val, &on);

	ps->op->oflag.dio |= on;
	return ret;
}

/* fua=N: bit 0 sets oflag=fua, bit 1 iflag=fua (other bits ignored, as
 * sg3_utils does). */
static int st_fua(struct pstate *ps, const char *name, const char *val)
{
	int v = 0;
	int ret = num_int(name, val, 0, INT_MAX, &v);

	ps->op->oflag.fua |= (v & 1) != 0;	/* 1: OFILE, as sg3_utils */
	ps->op->iflag.fua |= (v & 2) != 0;	/* 2: IFILE */
	return ret;
}

/* ibs=: kept for validate_sizes(), which wants it equal to bs. */
static int st_ibs(struct pstate *ps, const char *name, const char *val)
{
	return num_int(name, val, 1, SGM_MAX_BS, &ps->ibs);
}

/* obs=: kept for validate_sizes(), which wants it equal to bs. */
static int st_obs(struct pstate *ps, const char *name, const char *val)
{
	return num_int(name, val, 1, SGM_MAX_BS, &ps->obs);
}

/* A file name operand: not empty.  0 or SG_LIB_SYNTAX_ERROR. */
static int file_name(const char *name, const char *val, const char **out)
{
	if (val[0] == '\0') {
		pr2serr(SGM_PFX "%s=: missing file name\n", name);
		return SG_LIB_SYNTAX_ERROR;
	}
	*out = val;
	return 0;
}

/* if=: a file name. */
static int st_if(struct pstate *ps, const char *name, const char *val)
{
	return file_name(name, val, &ps->op->inf);
}

/* of=: a file name. */
static int st_of(struct pstate *ps, const char *name, const char *val)
{
	return file_name(name, val, &ps->op->outf);
}

/* of2=: a file name, never "-" (stdout). */
static int st_of2(struct pstate *ps, const char *name, const char *val)
{
	if (strcmp(val, "-") == 0) {
		pr2serr(SGM_PFX "%s=-: the second output cannot be stdout\n",
			name);
		return SG_LIB_SYNTAX_ERROR;
	}
	return file_name(name, val, &ps->op->out2f);
}

/* Set in *F the flag of the N-character symbol SYM; false if unknown. */
static bool flag_set(const char *sym, size_t n, bool is_in,
		     struct sgm_flags *f)
{
	size_t i;

	for (i = 0; i < sizeof(flagsyms) / sizeof(flagsyms[0]); i++) {
		const struct flagsym *fs = &flagsyms[i];

		if (strlen(fs->name) == n && strncmp(fs->name, sym, n) == 0 &&
		    (fs->in_ok || !is_in)) {
			*(bool *)((char *)f + fs->off) = true;
			return true;
		}
	}
	return false;
}

/*
 * The one symbol-list parser: VAL is a comma separated list of flags for
 * operand NAME (iflag when IS_IN, else oflag), each set in *F.
 * Returns 0 or SG_LIB_SYNTAX_ERROR after one line on stderr.
 */
static int flag_list(const char *name, const char *val, bool is_in,
		     struct sgm_flags *f)
{
	const char *known = is_in ? IFLAG_LIST : OFLAG_LIST;
	const char *p = val;
	size_t n;

	if (*val == '\0') {
		pr2serr(SGM_PFX "%s=: missing flag list (known: %s)\n", name,
			known);
		return SG_LIB_SYNTAX_ERROR;
	}
	for (;; p += n + 1) {
		n = strcspn(p, ",");
		if (n == 0) {
			pr2serr(SGM_PFX "%s=%s: empty flag in list\n", name, val);
			return SG_LIB_SYNTAX_ERROR;
		}
		if (!flag_set(p, n, is_in, f)) {
			pr2serr(SGM_PFX "%s=%s: '%.*s' is not an %s (known: %s)\n",
				name, val, (int)n, p, name, known);
			return SG_LIB_SYNTAX_ERROR;
		}
		if (p[n] == '\0')
			return 0;
	}
}

/* iflag=: a flag list (flag_list()). */
static int st_iflag(struct pstate *ps, const char *name, const char *val)
{
	return flag_list(name, val, true, &ps->op->iflag);
}

/* oflag=: a flag list (flag_list()). */
static int st_oflag(struct pstate *ps, const char *name, const char *val)
{
	return flag_list(name, val, false, &ps->op->oflag);
}

/* retries=N: 0 to SGM_MAX_RETRIES. */
static int st_retries(struct pstate *ps, const char *name, const char *val)
{
	return num_int(name, val, 0, SGM_MAX_RETRIES, &ps->op->retries);
}

/* seek=: output blocks to skip, 0 and above. */
static int st_seek(struct pstate *ps, const char *name, const char *val)
{
	return num_range(name, val, 0, INT64_MAX, &ps->op->seek);
}

/* skip=: input blocks to skip, 0 and above. */
static int st_skip(struct pstate *ps, const char *name, const char *val)
{
	return num_range(name, val, 0, INT64_MAX, &ps->op->skip);
}

/* sync=0|1. */
static int st_sync(struct pstate *ps, const char *name, const char *val)
{
	return num_bool(name, val, &ps->op->do_sync);
}

/* thr=N: 1 to SGM_MAX_THR batches in flight. */
static int st_thr(struct pstate *ps, const char *name, const char *val)
{
	return num_int(name, val, 1, SGM_MAX_THR, &ps->op->thr);
}

/*
 * time=0|1[,TO], as sg_dd: TO is the timeout of each READ and WRITE in
 * seconds (default 60).
 */
static int st_time(struct pstate *ps, const char *name, const char *val)
{
	const char *comma = strchr(val, ',');
	char to_name[40];

	char first[24];
	size_t n = comma ? (size_t)(comma - val) : strlen(val);
	int ret;

	if (n >= sizeof(first)) {
		pr2serr(SGM_PFX "%s=%s: must be a number, then ,TO\n", name,
			val);
		return SG_LIB_SYNTAX_ERROR;
	}
	memcpy(first, val, n);
	first[n] = '\0';
	ret = num_bool(name, first, &ps->op->do_time);
	if (ret || !comma)
		return ret;
	snprintf(to_name, sizeof(to_name), "%s=%s,TO", name, first);
	return num_int(to_name, comma + 1, 1, SGM_MAX_TIMEOUT,
		       &ps->op->cmd_timeout);
}

/* verbose=0..99, added to the -v count. */
static int st_verbose(struct pstate *ps, const char *name, const char *val)
{
	int v = 0;
	int ret = num_int(name, val, 0, SGM_MAX_VERBOSE, &v);

	ps->op->verbose += v;	/* plus any -v, kept within the range */
	if (ps->op->verbose > SGM_MAX_VERBOSE)
		ps->op->verbose = SGM_MAX_VERBOSE;
	return ret;
}

/* The operands, sorted by name for bsearch(). */
static const struct operand operands[] = {
	{ "bpt",     st_bpt,     OP_BPT,     OP_BPT },
	{ "bs",      st_bs,      OP_BS,      OP_BS },
	{ "cdbsz",   st_cdbsz,   OP_CDBSZ,   OP_CDBSZ },
	{ "coe",     st_coe,     OP_COE,     OP_COE },
	{ "coe_limit", st_coe_limit, OP_COE_LIMIT, OP_COE_LIMIT },
	{ "count",   st_count,   OP_COUNT,   OP_COUNT },
	{ "dio",     st_dio,     OP_DIO,     OP_DIO },
	{ "fua",     st_fua,     OP_FUA,     OP_FUA },
	{ "ibs",     st_ibs,     OP_IBS,     OP_IBS },
	{ "if",      st_if,      OP_IF,      OP_IF },
	{ "iflag",   st_iflag,   OP_IFLAG,   OP_IFLAG },
	{ "obs",     st_obs,     OP_OBS,     OP_OBS },
	{ "of",      st_of,      OP_OF,      OP_OF },
	{ "of2",     st_of2,     OP_OF2,     OP_OF2 },
	{ "oflag",   st_oflag,   OP_OFLAG,   OP_OFLAG },
	{ "retries", st_retries, OP_RETRIES, OP_RETRIES },
	{ "seek",    st_seek,    OP_SEEK,    OP_SEEK },
	{ "skip",    st_skip,    OP_SKIP,    OP_SKIP },
	{ "sync",    st_sync,    OP_SYNC,    OP_SYNC },
	{ "thr",     st_thr,     OP_THR,     OP_THR },
	{ "time",    st_time,    OP_TIME,    OP_TIME },
	{ "verbose", st_verbose, OP_VERBOSE, OP_VERBOSE },
};

/* bsearch() comparison: the name KEY against a table entry. */
static int operand_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct operand *)elem)->name);
}

/* The table entry named by the N characters at S, or NULL.  Any name
 * starting "verb" is verbose=, as stock sgm_dd takes it. */
static const struct operand *operand_find(const char *s, size_t n)
{
	char name[16];

	if (n >= 4 && strncmp(s, "verb", 4) == 0)
		s = "verbose", n = 7;
	if (n >= sizeof(name))
		return NULL;
	memcpy(name, s, n);
	name[n] = '\0';
	return bsearch(name, operands, sizeof(operands) / sizeof(operands[0]),
		       sizeof(operands[0]), operand_cmp);
}

/* The name of the first operand whose bit is in BITS (for messages). */
static const char *operand_name(unsigned int bits)
{
	size_t i;

	for (i = 0; i < sizeof(operands) / sizeof(operands[0]); i++)
		if (bits & operands[i].bit)
			return operands[i].name;
	return "?";
}

/* Handle one NAME=VALUE argument ARG.  0 or an exit status. */
static int operand(struct pstate *ps, const char *arg)
{
	const char *eq = strchr(arg, '=');
	const struct operand *o;
	unsigned int clash;

	o = operand_find(arg, eq ? (size_t)(eq - arg) : strlen(arg));
	if (o == NULL) {
		pr2serr(SGM_PFX "unknown operand '%.*s'; try --help\n",
			eq ? (int)(eq - arg) : (int)strlen(arg), arg);
		return SG_LIB_SYNTAX_ERROR;
	}
	if (eq == NULL) {
		pr2serr(SGM_PFX "operand '%s' needs a value, as %s=VALUE\n",
			o->name, o->name);
		return SG_LIB_SYNTAX_ERROR;
	}
	clash = ps->seen & o->noset;
	if (clash & o->bit) {
		pr2serr(SGM_PFX "%s= given twice\n", o->name);
		return SG_LIB_CONTRADICT;
	} else if (clash) {
		pr2serr(SGM_PFX "%s= conflicts with %s=\n", o->name,
			operand_name(clash));
		return SG_LIB_CONTRADICT;
	}
	ps->seen |= o->bit;
	return o->store(ps, o->name, eq + 1);
}

/* -p repeated: every SGM_PROGRESS_SEC, then half as long each time. */
static void more_progress(struct sgm_opts *op)
{
	if (op->progress == 0)
		op->progress = SGM_PROGRESS_SEC;
	else if (op->progress > SGM_PROGRESS_SEC / 4)
		op->progress /= 2;
}

/* Handle one short option letter C (from ARG).  0 or an exit status. */
static int short_opt(struct pstate *ps, char c, const char *arg)
{
	switch (c) {
	case 'd':
		ps->op->dry_run = true;
		return 0;
	case 'h':
	case '?':
		ps->help = true;
		return 0;
	case 'p':
		more_progress(ps->op);
		return 0;
	case 'v':
		if (ps->op->verbose < SGM_MAX_VERBOSE)
			ps->op->verbose++;
		return 0;
	case 'V':
		ps->version = true;
		return 0;
	case 'x':
		ps->op->do_verify = true;
		return 0;
	default:
		if (strlen(arg) == 2)
			pr2serr(SGM_PFX "unknown option '%s'; try --help\n", arg);
		else
			pr2serr(SGM_PFX "unknown option '-%c' in '%s'; try "
				"--help\n", c, arg);
		return SG_LIB_SYNTAX_ERROR;
	}
}

/* --progress=SECS: report every SECS seconds. */
static int progress_secs(struct pstate *ps, const char *val)
{
	return num_int("--progress", val, 1, SGM_MAX_PROGRESS,
		       &ps->op->progress);
}

/*
 * Handle one "-..." or "--..." argument ARG.  0 or an exit status.
 * Long options are matched as stock sg3_utils 1.46 matches them, so its
 * scripts run unchanged: by a leading part ("--verb" is --verbose, "--vers"
 * --version, "--help..." --help), '_' taken for '-'.
 */
static int option(struct pstate *ps, const char *arg)
{
	static const struct {
		const char *lead;	/* what the option must start with */
		char c;			/* the short form it acts as */
	} longs[] = {
		{ "--dry-run", 'd' }, { "--help", 'h' }, { "--verb", 'v' },
		{ "--veri", 'x' }, { "--vers", 'V' },
	};
	char name[32];
	size_t i, n = strlen(arg);
	int ret;

	if (arg[1] != '-') {
		for (i = 1; i < n; i++)
			if ((ret = short_opt(ps, arg[i], arg)) != 0)
				return ret;
		return 0;
	}
	if (n < sizeof(name)) {
		for (i = 0; i <= n; i++)
			name[i] = (i > 1 && arg[i] == '_') ? '-' : arg[i];
		if (strcmp(name, "--progress") == 0) {
			more_progress(ps->op);
			return 0;
		}
		if (strncmp(name, "--progress=", 11) == 0)
			return progress_secs(ps, arg + 11);
		for (i = 0; i < sizeof(longs) / sizeof(longs[0]); i++)
			if (strncmp(name, longs[i].lead,
				    strlen(longs[i].lead)) == 0 &&
			    !strchr(name, '='))
				return short_opt(ps, longs[i].c, arg);
	}
	pr2serr(SGM_PFX "unknown option '%s'; try --help\n", arg);
	return SG_LIB_SYNTAX_ERROR;
}

/*
 * True when N blocks of BS bytes from block START stay below 2^63.  Only
 * skip= and seek= are checked (with N 0): a count past the end is just
 * an end the input or a device will reach first.
 */
static bool offset_fits(int64_t start, int64_t n, int bs)
{
	int64_t end, bytes;

	return !__builtin_add_overflow(start, n, &end) &&
	       !__builtin_mul_overflow(end, (int64_t)bs, &bytes);
}

/* Conflicts of sizes and positions.  0 or SG_LIB_CONTRADICT. */
static int validate_sizes(const struct pstate *ps)
{
	const struct sgm_opts *op = ps->op;

	if (ps->ibs && ps->ibs != op->bs) {
		pr2serr(SGM_PFX "ibs=%d must equal bs=%d\n", ps->ibs, op->bs);
		return SG_LIB_CONTRADICT;
	}
	if (ps->obs && ps->obs != op->bs) {
		pr2serr(SGM_PFX "obs=%d must equal bs=%d\n", ps->obs, op->bs);
		return SG_LIB_CONTRADICT;
	}
	if ((int64_t)op->bs * op->bpt > INT_MAX) {
		pr2serr(SGM_PFX "bs=%d times bpt=%d is over %d bytes per "
			"transfer\n", op->bs, op->bpt, INT_MAX);
		return SG_LIB_CONTRADICT;
	}
	if (!offset_fits(op->skip, 0, op->bs)) {
		pr2serr(SGM_PFX "skip=%" PRId64 " at bs=%d is past the largest "
			"byte offset (2^63-1)\n", op->skip, op->bs);
		return SG_LIB_CONTRADICT;
	}
	if (!offset_fits(op->seek, 0, op->bs)) {
		pr2serr(SGM_PFX "seek=%" PRId64 " at bs=%d is past the largest "
			"byte offset (2^63-1)\n", op->seek, op->bs);
		return SG_LIB_CONTRADICT;
	}
	return 0;
}

/* Conflicts of files and flags.  0 or SG_LIB_CONTRADICT. */
static int validate_ends(const struct sgm_opts *op)
{
	const char *sm = op->oflag.smmap ? "oflag=smmap" : "iflag=smmap";

	if (sgm_is_stdio(op->inf) && sgm_is_stdio(op->outf)) {
		pr2serr(SGM_PFX "if= and of= cannot both be stdin/stdout; name a "
			"file or device\n");
		return SG_LIB_CONTRADICT;
	}
	if (op->do_verify && op->out2f) {
		pr2serr(SGM_PFX "--verify and of2= conflict: one output is "
			"compared\n");
		return SG_LIB_CONTRADICT;
	}
	if (op->do_verify && op->oflag.verify) {
		pr2serr(SGM_PFX "--verify and oflag=verify conflict: --verify "
			"writes nothing\n");
		return SG_LIB_CONTRADICT;
	}
	if (op->do_verify && (sgm_is_stdio(op->outf) || sgm_is_dot(op->outf))) {
		pr2serr(SGM_PFX "--verify needs of= to name the copy to "
			"compare\n");
		return SG_LIB_CONTRADICT;
	}
	if (op->oflag.append && op->seek > 0) {
		pr2serr(SGM_PFX "oflag=append and seek= conflict\n");
		return SG_LIB_CONTRADICT;
	}
	if (op->iflag.smmap && op->oflag.smmap) {
		pr2serr(SGM_PFX "iflag=smmap and oflag=smmap conflict: one reserve "
			"buffer is shared per copy\n");
		return SG_LIB_CONTRADICT;
	}
	if ((op->iflag.smmap || op->oflag.smmap) && op->oflag.dio) {
		pr2serr(SGM_PFX "%s and oflag=dio (or dio=1) conflict\n", sm);
		return SG_LIB_CONTRADICT;
	}
	if ((op->iflag.smmap || op->oflag.smmap) &&
	    (sgm_is_stdio(op->inf) || sgm_is_stdio(op->outf) ||
	     sgm_is_dot(op->outf))) {
		pr2serr(SGM_PFX "%s needs sg devices as if= and of=\n", sm);
		return SG_LIB_CONTRADICT;
	}
	return 0;
}

/*
 * What thr>1 cannot do: coe_limit counts runs of bad blocks in block
 * order, and batches complete in any order; dio and a block output's
 * O_DIRECT would pin pages of an sg mapping, which cannot be pinned
 * (VM_IO); excl would let only the first slot open the device.  Returns
 * 0 or SG_LIB_CONTRADICT.
 */
static int validate_thr(const struct sgm_opts *op)
{
	const char *what = NULL;

	if (op->thr <= 1)
		return 0;
	if (op->coe_limit > 0)
		what = "coe_limit";
	else if (op->oflag.dio)
		what = "oflag=dio (or dio=1)";
	else if (op->oflag.direct)
		what = "oflag=direct";
	else if (op->iflag.excl || op->oflag.excl)
		what = "excl (each slot opens the devices again)";
	if (!what)
		return 0;
	pr2serr(SGM_PFX "thr=%d and %s conflict: use thr=1\n", op->thr, what);
	return SG_LIB_CONTRADICT;
}

/*
 * Apply the defaults that depend on other operands, then every conflict
 * check that needs no file opened.  0 or SG_LIB_CONTRADICT.
 */
static int validate(const struct pstate *ps)
{
	struct sgm_opts *op = ps->op;
	int ret;

	if (!op->bpt_given)
		op->bpt = op->bs >= 2048 ? SGM_DEF_BPT_2048 : SGM_DEF_BPT;
	op->coe |= op->iflag.coe || op->oflag.coe;
	ret = validate_sizes(ps);
	if (ret == 0)
		ret = validate_ends(op);
	if (ret == 0)
		ret = validate_thr(op);
	return ret;
}

/* Fill *op with the values of operands not given. */
static void defaults(struct sgm_opts *op)
{
	memset(op, 0, sizeof(*op));
	op->bs = SGM_DEF_BS;
	op->bpt = SGM_DEF_BPT;
	op->cdbsz_in = op->cdbsz_out = SGM_DEF_CDBSZ;
	op->count = -1;
	op->retries = SGM_DEF_RETRIES;
	op->thr = 1;
}

int sgm_parse(int argc, char *argv[], struct sgm_opts *op)
{
	struct pstate ps = { .op = op };
	const char *a;
	int k, ret;

	defaults(op);
	if (argc < 2) {
		pr2serr(SGM_PFX "no operands; try --help\n");
		return SG_LIB_SYNTAX_ERROR;
	}
	for (k = 1; k < argc; k++) {
		a = argv[k];
		if (a == NULL || a[0] == '\0')
			continue;	/* as sg3_utils: skip empty arguments */
		if (a[0] == '-' && (a[1] == '-' ||
				    (a[1] != '\0' && strchr(a, '=') == NULL)))
			ret = option(&ps, a);
		else
			ret = operand(&ps, a);
		if (ret)
			return ret;
	}
	if (ps.help) {
		sgm_usage(stdout);
		return -1;
	}
	if (ps.version) {
		printf("sgm_dd (sg-smmap) %s\n", sgsmmap_version);
		return -1;
	}
	return validate(&ps);
}

int sgm_check_ends(const struct sgm_opts *op, const struct sgm_kinds *k)
{
	const char *sm = op->oflag.smmap ? "oflag=smmap" : "iflag=smmap";

	if ((op->iflag.smmap || op->oflag.smmap) && !k->in_sg) {
		pr2serr(SGM_PFX "%s needs if= to be an sg device: %s is not\n",
			sm, op->inf ? op->inf : "stdin");
		return SG_LIB_CONTRADICT;
	}
	if ((op->iflag.smmap || op->oflag.smmap) && !k->out_sg) {
		pr2serr(SGM_PFX "%s needs of= to be an sg device: %s is not\n",
			sm, op->outf ? op->outf : "stdout");
		return SG_LIB_CONTRADICT;
	}
	if (op->cdbsz_in == 6 &&
	    (((op->iflag.dpo || op->iflag.fua) && k->in_sg) ||
	     ((op->oflag.dpo || op->oflag.fua) && (k->out_sg || k->out2_sg)))) {
		pr2serr(SGM_PFX "cdbsz=6 has no DPO or FUA bit; drop dpo/fua or "
			"use cdbsz=10\n");
		return SG_LIB_CONTRADICT;
	}
	if (op->thr > 1 && !k->in_sg) {
		pr2serr(SGM_PFX "thr=%d needs if= to be an sg device: %s is "
			"not\n", op->thr, op->inf ? op->inf : "stdin");
		return SG_LIB_SYNTAX_ERROR;
	}
	if (op->thr > 1 && k->unordered && !op->do_verify) {
		pr2serr(SGM_PFX "thr=%d needs %s= to take writes out of order "
			"(an sg or block device, or /dev/null): use thr=1\n",
			op->thr, k->unordered);
		return SG_LIB_SYNTAX_ERROR;
	}
	if ((op->do_verify || op->oflag.verify) && !k->out_sg &&
	    !k->out_readable) {
		pr2serr(SGM_PFX "%s needs of= to be an sg device, a regular file "
			"or a block device\n", op->do_verify ? "--verify"
							      : "oflag=verify");
		return SG_LIB_CONTRADICT;
	}
	return 0;
}

bool sgm_is_stdio(const char *name)
{
	return name == NULL || strcmp(name, "-") == 0;
}

bool sgm_is_dot(const char *name)
{
	return name != NULL && strcmp(name, ".") == 0;
}

void sgm_usage(FILE *fp)
{
	fputs("Usage: sgm_dd [bs=BS] [count=COUNT] [ibs=BS] [if=IFILE] "
	      "[iflag=FLAGS]\n"
	      "              [obs=BS] [of=OFILE] [of2=OFILE2] [oflag=FLAGS] "
	      "[seek=SEEK]\n"
	      "              [skip=SKIP] [--help] [--version]\n\n"
	      "              [bpt=BPT] [cdbsz=6|10|12|16] [coe=0|1] "
	      "[coe_limit=CL]\n"
	      "              [dio=0|1] [fua=0|1|2|3] [retries=RETR] "
	      "[sync=0|1]\n"
	      "              [thr=THR] [time=0|1[,TO]] [verbose=VERB] "
	      "[--dry-run]\n"
	      "              [--progress[=SECS]] [--verbose] [--verify]\n"
	      "  where:\n"
	      "    bpt      blocks per transfer (default: 128, or 32 when "
	      "BS >= 2048)\n"
	      "    bs       logical block size of the devices (default: "
	      "512)\n"
	      "    cdbsz    READ/WRITE cdb size (default: 10; raised when "
	      "needed)\n"
	      "    coe      1: continue on error: a batch whose READ fails "
	      "with a medium\n"
	      "             or hardware error (EIO) is read again block by "
	      "block, unreadable\n"
	      "             blocks are zero-filled and listed; with --verify, "
	      "every\n"
	      "             miscompare is listed (default: 0, stop)\n"
	      "    coe_limit  with coe: stop after CL consecutive unreadable "
	      "blocks\n"
	      "             (default: 0, no limit)\n"
	      "    count    blocks to copy (default or -1: derived from the "
	      "sizes of the\n"
	      "             sg and block devices, else until the end of "
	      "IFILE)\n"
	      "    dio      1: direct IO on OFILE, as oflag=dio (default: "
	      "0)\n"
	      "    fua      force unit access: 0: none (default), 1: OFILE, "
	      "2: IFILE,\n"
	      "             3: both\n"
	      "    ibs      if given, must equal BS\n"
	      "    if       file or device to read (default or '-': "
	      "stdin)\n", fp);
	fputs("    iflag    comma separated list of: " IFLAG_LIST "\n"
	      "    obs      if given, must equal BS\n"
	      "    of       file or device to write (default or '-': "
	      "stdout;\n"
	      "             '.': /dev/null)\n"
	      "    of2      second output, written from the same buffer, "
	      "with oflag and\n"
	      "             seek as OFILE (not stdout)\n"
	      "    oflag    comma separated list of: " OFLAG_LIST1 "\n"
	      "             " OFLAG_LIST2 "\n"
	      "    retries  retry an sg command RETR times when it may "
	      "succeed again: unit\n"
	      "             attention, aborted command, busy, not ready "
	      "in progress,\n"
	      "             timeout (default: a unit attention or aborted "
	      "command once)\n"
	      "    seek     blocks skipped at the start of OFILE (and "
	      "OFILE2)\n"
	      "    skip     blocks skipped at the start of IFILE\n"
	      "    sync     1: flush OFILE (and OFILE2) after the copy: "
	      "SYNCHRONIZE CACHE\n"
	      "             on sg, fsync on a file or block device "
	      "(default: 0)\n"
	      "    thr      batches in flight at once, 1 to 1024, each with "
	      "its own sg fds\n"
	      "             and reserve buffer; >1 needs sg or block "
	      "outputs (default: 1)\n"
	      "    time     1: report elapsed time and throughput (default: "
	      "0);\n"
	      "             ,TO: timeout of each READ and WRITE in seconds "
	      "(default: 60)\n"
	      "    verbose  0: quiet (default), 1: more, 2 and up: "
	      "debugging output\n", fp);
	fputs("    --dry-run|-d     check and open everything, copy "
	      "nothing\n"
	      "    --help|-h        print this usage message, then exit\n"
	      "    --progress|-p    report progress every 120 s on stderr "
	      "(-pp: 60 s,\n"
	      "                     -ppp: 30 s; --progress=SECS: every "
	      "SECS)\n"
	      "    --verbose|-v     increase verbosity (repeatable: -vvv)\n"
	      "    --verify|-x      compare OFILE with IFILE instead of "
	      "writing it: VERIFY\n"
	      "                     with BYTCHK=1 on sg, read back "
	      "otherwise; exit 14 at\n"
	      "                     a miscompare\n"
	      "    --version|-V     print the version, then exit\n\n"
	      "Copy IFILE to OFILE like dd(1), with mmap-ed IO on sg "
	      "devices.  smmap\n"
	      "shares one sg device's reserve buffer with the other's "
	      "commands (needs\n"
	      "the patched sg driver; falls back to indirect IO).\n", fp);
}
