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

#include "number.h"
#include "operands.h"

#define PFX "sgm_dd: "		/* start of every error line */
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
	{ "dio",    FL(dio),    false },
	{ "direct", FL(direct), true },
	{ "dpo",    FL(dpo),    true },
	{ "dsync",  FL(dsync),  true },
	{ "excl",   FL(excl),   true },
	{ "fua",    FL(fua),    true },
	{ "null",   FL(null),   true },
	{ "smmap",  FL(smmap),  true },
};
#undef FL

#define IFLAG_LIST "direct,dpo,dsync,excl,fua,null,smmap"
#define OFLAG_LIST "append,dio,direct,dpo,dsync,excl,fua,null,smmap"

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
		pr2serr(PFX "%s=%s: must not be negative\n", name, val);
		return SG_LIB_SYNTAX_ERROR;
	}
	err = sgm_num(val, &v);
	if (err) {
		pr2serr(PFX "%s=%s: %s\n", name, val, sgm_num_str(err));
		return SG_LIB_SYNTAX_ERROR;
	}
	if (v < min || v > max) {
		pr2serr(PFX "%s=%s: must be %" PRId64 " to %" PRId64 "\n",
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

/* num_range() for a 0|1 switch into a bool. */
static int num_bool(const char *name, const char *val, bool *out)
{
	int v;
	int ret = num_int(name, val, 0, 1, &v);

	if (ret == 0)
		*out = v;
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
	ps->op->bs_given = true;
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
		pr2serr(PFX "%s=%s: must be 6, 10, 12 or 16\n", name, val);
		return SG_LIB_SYNTAX_ERROR;
	}
	ps->op->cdbsz_in = ps->op->cdbsz_out = v;
	ps->op->cdbsz_given = true;
	return 0;
}

/* count=: -1 (derive it) or 0 and above. */
static int st_count(struct pstate *ps, const char *name, const char *val)
{
	if (strcmp(val, "-1") == 0) {
		ps->op->count = -1;
		return 0;
	}
	if (val[0] == '-') {
		pr2serr(PFX "%s=%s: must be -1 (derive) or 0 and above\n",
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

/* fua=0..3: bit 0 sets oflag=fua, bit 1 iflag=fua. */
static int st_fua(struct pstate *ps, const char *name, const char *val)
{
	int v = 0;
	int ret = num_int(name, val, 0, 3, &v);

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
		pr2serr(PFX "%s=: missing file name\n", name);
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
		pr2serr(PFX "%s=-: the second output cannot be stdout\n",
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
		pr2serr(PFX "%s=: missing flag list (known: %s)\n", name,
			known);
		return SG_LIB_SYNTAX_ERROR;
	}
	for (;; p += n + 1) {
		n = strcspn(p, ",");
		if (n == 0) {
			pr2serr(PFX "%s=%s: empty flag in list\n", name, val);
			return SG_LIB_SYNTAX_ERROR;
		}
		if (!flag_set(p, n, is_in, f)) {
			pr2serr(PFX "%s=%s: '%.*s' is not an %s (known: %s)\n",
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

/*
 * time=0|1[,TO], as sg_dd: TO is the timeout of each READ and WRITE in
 * seconds (default 60).
 */
static int st_time(struct pstate *ps, const char *name, const char *val)
{
	const char *comma = strchr(val, ',');
	char to_name[16];

	if (!comma)
		return num_bool(name, val, &ps->op->do_time);
	if (comma - val != 1 || (val[0] != '0' && val[0] != '1')) {
		pr2serr(PFX "%s=%s: must be 0 or 1, then ,TO\n", name, val);
		return SG_LIB_SYNTAX_ERROR;
	}
	ps->op->do_time = val[0] == '1';
	snprintf(to_name, sizeof(to_name), "%s=%c,TO", name, val[0]);
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
	{ "seek",    st_seek,    OP_SEEK,    OP_SEEK },
	{ "skip",    st_skip,    OP_SKIP,    OP_SKIP },
	{ "sync",    st_sync,    OP_SYNC,    OP_SYNC },
	{ "time",    st_time,    OP_TIME,    OP_TIME },
	{ "verbose", st_verbose, OP_VERBOSE, OP_VERBOSE },
};

/* bsearch() comparison: the name KEY against a table entry. */
static int operand_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct operand *)elem)->name);
}

/* The table entry named by the N characters at S, or NULL. */
static const struct operand *operand_find(const char *s, size_t n)
{
	char name[16];

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
		pr2serr(PFX "unknown operand '%.*s'; try --help\n",
			eq ? (int)(eq - arg) : (int)strlen(arg), arg);
		return SG_LIB_SYNTAX_ERROR;
	}
	if (eq == NULL) {
		pr2serr(PFX "operand '%s' needs a value, as %s=VALUE\n",
			o->name, o->name);
		return SG_LIB_SYNTAX_ERROR;
	}
	clash = ps->seen & o->noset;
	if (clash & o->bit) {
		pr2serr(PFX "%s= given twice\n", o->name);
		return SG_LIB_CONTRADICT;
	} else if (clash) {
		pr2serr(PFX "%s= conflicts with %s=\n", o->name,
			operand_name(clash));
		return SG_LIB_CONTRADICT;
	}
	ps->seen |= o->bit;
	return o->store(ps, o->name, eq + 1);
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
		ps->op->progress = true;
		return 0;
	case 'v':
		if (ps->op->verbose < SGM_MAX_VERBOSE)
			ps->op->verbose++;
		return 0;
	case 'V':
		ps->version = true;
		return 0;
	default:
		if (strlen(arg) == 2)
			pr2serr(PFX "unknown option '%s'; try --help\n", arg);
		else
			pr2serr(PFX "unknown option '-%c' in '%s'; try --help\n",
				c, arg);
		return SG_LIB_SYNTAX_ERROR;
	}
}

/* Handle one "-..." or "--..." argument ARG.  0 or an exit status. */
static int option(struct pstate *ps, const char *arg)
{
	static const struct {
		const char *name;	/* long form ('_' also taken for '-') */
		char c;			/* the short form it acts as */
	} longs[] = {
		{ "--dry-run", 'd' }, { "--help", 'h' }, { "--progress", 'p' },
		{ "--verbose", 'v' }, { "--version", 'V' },
	};
	char name[16];
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
		for (i = 0; i < sizeof(longs) / sizeof(longs[0]); i++)
			if (strcmp(name, longs[i].name) == 0)
				return short_opt(ps, longs[i].c, arg);
	}
	pr2serr(PFX "unknown option '%s'; try --help\n", arg);
	return SG_LIB_SYNTAX_ERROR;
}

/* True when N blocks of BS bytes from block START stay below 2^63. */
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
	int64_t n = op->count > 0 ? op->count : 0;

	if (ps->ibs && ps->ibs != op->bs) {
		pr2serr(PFX "ibs=%d must equal bs=%d\n", ps->ibs, op->bs);
		return SG_LIB_CONTRADICT;
	}
	if (ps->obs && ps->obs != op->bs) {
		pr2serr(PFX "obs=%d must equal bs=%d\n", ps->obs, op->bs);
		return SG_LIB_CONTRADICT;
	}
	if ((int64_t)op->bs * op->bpt > INT_MAX) {
		pr2serr(PFX "bs=%d times bpt=%d is over %d bytes per "
			"transfer\n", op->bs, op->bpt, INT_MAX);
		return SG_LIB_CONTRADICT;
	}
	if (!offset_fits(op->skip, n, op->bs)) {
		pr2serr(PFX "skip=%" PRId64 " plus count at bs=%d is past a "
			"64-bit byte offset\n", op->skip, op->bs);
		return SG_LIB_CONTRADICT;
	}
	if (!offset_fits(op->seek, n, op->bs)) {
		pr2serr(PFX "seek=%" PRId64 " plus count at bs=%d is past a "
			"64-bit byte offset\n", op->seek, op->bs);
		return SG_LIB_CONTRADICT;
	}
	return 0;
}

/* Conflicts of files and flags.  0 or SG_LIB_CONTRADICT. */
static int validate_ends(const struct sgm_opts *op)
{
	const char *sm = op->oflag.smmap ? "oflag=smmap" : "iflag=smmap";

	if (sgm_is_stdio(op->inf) && sgm_is_stdio(op->outf)) {
		pr2serr(PFX "if= and of= cannot both be stdin/stdout; name a "
			"file or device\n");
		return SG_LIB_CONTRADICT;
	}
	if (op->out2f && op->outf && strcmp(op->out2f, op->outf) == 0) {
		pr2serr(PFX "of2= names the same file as of=\n");
		return SG_LIB_CONTRADICT;
	}
	if (op->oflag.append && op->seek > 0) {
		pr2serr(PFX "oflag=append and seek= conflict\n");
		return SG_LIB_CONTRADICT;
	}
	if (op->iflag.smmap && op->oflag.smmap) {
		pr2serr(PFX "iflag=smmap and oflag=smmap conflict: one reserve "
			"buffer is shared per copy\n");
		return SG_LIB_CONTRADICT;
	}
	if ((op->iflag.smmap || op->oflag.smmap) && op->oflag.dio) {
		pr2serr(PFX "%s and oflag=dio (or dio=1) conflict\n", sm);
		return SG_LIB_CONTRADICT;
	}
	if ((op->iflag.smmap || op->oflag.smmap) &&
	    (sgm_is_stdio(op->inf) || sgm_is_stdio(op->outf) ||
	     sgm_is_dot(op->outf))) {
		pr2serr(PFX "%s needs sg devices as if= and of=\n", sm);
		return SG_LIB_CONTRADICT;
	}
	if (op->cdbsz_in == 6 && (op->iflag.dpo || op->iflag.fua ||
				  op->oflag.dpo || op->oflag.fua)) {
		pr2serr(PFX "cdbsz=6 has no DPO or FUA bit; drop dpo/fua or "
			"use cdbsz=10\n");
		return SG_LIB_CONTRADICT;
	}
	return 0;
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
	ret = validate_sizes(ps);
	if (ret == 0)
		ret = validate_ends(op);
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
}

int sgm_parse(int argc, char *argv[], struct sgm_opts *op)
{
	struct pstate ps = { .op = op };
	const char *a;
	int k, ret;

	defaults(op);
	if (argc < 2) {
		pr2serr(PFX "no operands; try --help\n");
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

int sgm_check_ends(const struct sgm_opts *op, bool in_sg, bool out_sg)
{
	const char *sm = op->oflag.smmap ? "oflag=smmap" : "iflag=smmap";

	if (!op->iflag.smmap && !op->oflag.smmap)
		return 0;
	if (!in_sg) {
		pr2serr(PFX "%s needs if= to be an sg device: %s is not\n",
			sm, op->inf ? op->inf : "stdin");
		return SG_LIB_CONTRADICT;
	}
	if (!out_sg) {
		pr2serr(PFX "%s needs of= to be an sg device: %s is not\n",
			sm, op->outf ? op->outf : "stdout");
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
	      "              [bpt=BPT] [cdbsz=6|10|12|16] [dio=0|1] "
	      "[fua=0|1|2|3]\n"
	      "              [sync=0|1] [time=0|1[,TO]] [verbose=VERB]\n"
	      "              [--dry-run] [--progress] [--verbose]\n"
	      "  where:\n"
	      "    bpt      blocks per transfer (default: 128, or 32 when "
	      "BS >= 2048)\n"
	      "    bs       logical block size of the devices (default: "
	      "512)\n"
	      "    cdbsz    READ/WRITE cdb size (default: 10; raised when "
	      "needed)\n"
	      "    count    blocks to copy (default or -1: derived from the "
	      "sizes, else\n"
	      "             until the end of IFILE)\n"
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
	      "    oflag    comma separated list of: " OFLAG_LIST "\n"
	      "    seek     blocks skipped at the start of OFILE (and "
	      "OFILE2)\n"
	      "    skip     blocks skipped at the start of IFILE\n"
	      "    sync     1: flush OFILE (and OFILE2) after the copy: "
	      "SYNCHRONIZE CACHE\n"
	      "             on sg, fsync on a file or block device "
	      "(default: 0)\n"
	      "    time     1: report elapsed time and throughput (default: "
	      "0);\n"
	      "             ,TO: timeout of each READ and WRITE in seconds "
	      "(default: 60)\n"
	      "    verbose  0: quiet (default), 1: more, 2 and up: "
	      "debugging output\n"
	      "    --dry-run|-d     check and open everything, copy "
	      "nothing\n"
	      "    --help|-h        print this usage message, then exit\n"
	      "    --progress|-p    report progress periodically on "
	      "stderr\n"
	      "    --verbose|-v     increase verbosity (repeatable: -vvv)\n"
	      "    --version|-V     print the version, then exit\n\n"
	      "Copy IFILE to OFILE like dd(1), with mmap-ed IO on sg "
	      "devices.  smmap\n"
	      "shares one sg device's reserve buffer with the other's "
	      "commands (needs\n"
	      "the patched sg driver; falls back to indirect IO).\n", fp);
}
