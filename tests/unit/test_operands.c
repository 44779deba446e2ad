/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_operands.c - sgm_parse() and its helpers.
 *
 * Bad inputs come from golden/bad_operands.txt: for each line, the exit
 * status and the exact single line on stderr must match.  Good inputs
 * are checked field by field below: defaults, bpt from bs, flags, fua=,
 * dio=, verbosity, --help/--version and sgm_check_ends().  (The cdbsz
 * upgrade is sg_xfer's sgx_fit_cdbsz(): see test_xfer.c.)
 */
#include <inttypes.h>
#include <stdint.h>

#include <scsi/sg_lib.h>

#include "operands.h"
#include "tap.h"

#ifndef UNIT_SRCDIR
#define UNIT_SRCDIR "."
#endif
#define GOLDEN UNIT_SRCDIR "/golden/bad_operands.txt"

/* Run sgm_parse on LINE; return its status, its stderr in ERR. */
static int parse_line(const char *line, struct sgm_opts *op, char *err,
		      size_t errsz)
{
	struct tap_capture c;
	struct tap_args a;
	int ret;

	tap_split_args(&a, line);
	tap_capture_begin(&c, stderr);
	ret = sgm_parse(a.argc, a.argv, op);
	tap_capture_end(&c, err, errsz);
	return ret;
}

/* One golden line "EXIT\tARGS\tMESSAGE": check it.  False if malformed. */
static bool golden_case(char *line)
{
	char *args, *msg, err[512], want[512];
	struct sgm_opts op;
	int exp, ret;

	args = strchr(line, '\t');
	msg = args ? strchr(args + 1, '\t') : NULL;
	if (msg == NULL)
		return false;
	*args++ = '\0';
	*msg++ = '\0';
	msg[strcspn(msg, "\n")] = '\0';
	exp = atoi(line);
	snprintf(want, sizeof(want), "%s\n", msg);
	ret = parse_line(args, &op, err, sizeof(err));
	if (!tap_ok(ret == exp && strcmp(err, want) == 0,
		    "bad input '%s' -> exit %d, \"%s\"", args, exp, msg))
		tap_diag("got exit %d, stderr \"%s\"", ret, err);
	return true;
}

/* Every line of the golden file of bad inputs, and at least 40 of them. */
static void golden_file(void)
{
	char line[1024];
	FILE *fp = fopen(GOLDEN, "r");
	int n = 0;

	if (!tap_ok(fp != NULL, "open %s", GOLDEN))
		return;
	while (fgets(line, sizeof(line), fp)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!golden_case(line))
			tap_ok(false, "malformed golden line: %s", line);
		n++;
	}
	fclose(fp);
	tap_ok(n >= 40, "at least 40 bad inputs in the golden file (%d)", n);
}

/* Parse LINE expecting success (status 0, nothing on stderr). */
static bool parse_good(const char *line, struct sgm_opts *op)
{
	char err[512];
	int ret = parse_line(line, op, err, sizeof(err));

	if (ret != 0 || err[0] != '\0')
		tap_diag("'%s': got exit %d, stderr \"%s\"", line, ret, err);
	return ret == 0 && err[0] == '\0';
}

/* Defaults, bpt from bs, ibs/obs, cdbsz. */
static void defaults(void)
{
	struct sgm_opts o;
	bool ok = parse_good("if=/dev/sg0 of=/dev/sg1", &o);

	tap_ok(ok && o.bs == 512 && o.bpt == 128 &&
	       !o.bpt_given && o.cdbsz_in == 10 && o.cdbsz_out == 10 &&
	       o.count == -1 && o.skip == 0 &&
	       o.seek == 0 && o.out2f == NULL && !o.do_sync && !o.do_time &&
	       o.verbose == 0 && !o.dry_run && !o.progress && !o.coe &&
	       o.coe_limit == 0 && o.retries == -1 && !o.do_verify &&
	       o.thr == 1,
	       "defaults: bs 512, bpt 128, cdbsz 10, count -1, retries -1, "
	       "thr 1");
	tap_ok(ok && strcmp(o.inf, "/dev/sg0") == 0 &&
	       strcmp(o.outf, "/dev/sg1") == 0, "if= and of= kept");
	ok = parse_good("if=a of=b thr=1k", &o);
	tap_ok(ok && o.thr == 1024, "thr=1k is 1024, the largest");
	ok = parse_good("if=a", &o);
	tap_ok(ok && o.outf == NULL && sgm_is_stdio(o.outf),
	       "of= defaults to stdout");
	ok = parse_good("of=b", &o);
	tap_ok(ok && sgm_is_stdio(o.inf), "if= defaults to stdin");
	ok = parse_good("if=a of=b bs=2048", &o);
	tap_ok(ok && o.bpt == 32, "bs=2048: bpt 32");
	ok = parse_good("if=a of=b bs=2047", &o);
	tap_ok(ok && o.bpt == 128, "bs=2047: bpt 128");
	ok = parse_good("if=a of=b bs=4k", &o);
	tap_ok(ok && o.bs == 4096 && o.bpt == 32, "bs=4k: bpt 32");
	ok = parse_good("if=a of=b bpt=7 bs=4k", &o);
	tap_ok(ok && o.bpt == 7 && o.bpt_given, "bpt= given wins over bs");
	ok = parse_good("if=a of=b bs=4096 ibs=4096 obs=4k", &o);
	tap_ok(ok, "ibs= and obs= equal to bs= are accepted");
	ok = parse_good("if=a of=b ibs=512", &o);
	tap_ok(ok, "ibs=512 equals the default bs");
	ok = parse_good("if=a of=b cdbsz=16", &o);
	tap_ok(ok && o.cdbsz_in == 16 && o.cdbsz_out == 16,
	       "cdbsz=16 sets both directions");
	ok = parse_good("if=a of=b cdbsz=6", &o);
	tap_ok(ok && o.cdbsz_in == 6, "cdbsz=6 without dpo/fua");
}

/* Numeric operands through the checked parser. */
static void numbers(void)
{
	struct sgm_opts o;
	bool ok;

	ok = parse_good("if=a of=b skip=2x3+1 seek=0x10 count=1k", &o);
	tap_ok(ok && o.skip == 8 && o.seek == 16 && o.count == 1024,
	       "skip/seek/count take suffixes, x, + and hex");
	ok = parse_good("if=a of=b count=-1", &o);
	tap_ok(ok && o.count == -1, "count=-1 means derive");
	ok = parse_good("if=a of=b count=0", &o);
	tap_ok(ok && o.count == 0, "count=0");
	ok = parse_good("if=a of=b count=10h", &o);
	tap_ok(ok && o.count == 16, "count=10h is hex");
	ok = parse_good("if=a of=b bs=1 skip=4E count=3E", &o);
	tap_ok(ok && o.skip == INT64_C(4) << 60,
	       "skip+count just below 2^63 bytes is accepted");
	ok = parse_good("if=a of=b bs=16M bpt=127", &o);
	tap_ok(ok && o.bpt == 127, "bs*bpt just under 2 GiB is accepted");
}

/* iflag=, oflag=, fua=, dio=, sync=, time=, of2=. */
static void flags(void)
{
	struct sgm_opts o;
	bool ok;

	ok = parse_good("if=a of=b iflag=direct,dpo,dsync,excl,fua,null", &o);
	tap_ok(ok && o.iflag.direct && o.iflag.dpo && o.iflag.dsync &&
	       o.iflag.excl && o.iflag.fua && o.iflag.null && !o.iflag.smmap &&
	       !o.oflag.fua, "iflag= list sets only iflag");
	ok = parse_good("if=/dev/sg0 of=/dev/sg1 iflag=smmap", &o);
	tap_ok(ok && o.iflag.smmap && !o.oflag.smmap, "iflag=smmap");
	ok = parse_good("if=/dev/sg0 of=/dev/sg1 oflag=smmap", &o);
	tap_ok(ok && o.oflag.smmap && !o.iflag.smmap, "oflag=smmap");
	ok = parse_good("if=a of=b oflag=append,dio,direct,dpo,dsync,excl,"
			"fua,null", &o);
	tap_ok(ok && o.oflag.append && o.oflag.dio && o.oflag.direct &&
	       o.oflag.dpo && o.oflag.dsync && o.oflag.excl && o.oflag.fua &&
	       o.oflag.null && !o.iflag.fua, "oflag= list sets only oflag");
	ok = parse_good("if=a of=b iflag=fua,fua", &o);
	tap_ok(ok && o.iflag.fua, "a flag repeated in one list is harmless");
	ok = parse_good("if=a of=b fua=1", &o);
	tap_ok(ok && o.oflag.fua && !o.iflag.fua, "fua=1: OFILE");
	ok = parse_good("if=a of=b fua=2", &o);
	tap_ok(ok && !o.oflag.fua && o.iflag.fua, "fua=2: IFILE");
	ok = parse_good("if=a of=b fua=3", &o);
	tap_ok(ok && o.oflag.fua && o.iflag.fua, "fua=3: both");
	ok = parse_good("if=a of=b fua=0 dio=0", &o);
	tap_ok(ok && !o.oflag.fua && !o.iflag.fua && !o.oflag.dio,
	       "fua=0 dio=0: nothing");
	ok = parse_good("if=a of=b dio=1", &o);
	tap_ok(ok && o.oflag.dio && !o.iflag.dio, "dio=1 is oflag=dio");
	ok = parse_good("if=a of=b sync=1 time=1", &o);
	tap_ok(ok && o.do_sync && o.do_time && o.cmd_timeout == 0,
	       "sync=1 time=1: default command timeout");
	ok = parse_good("if=a of=b time=0,5", &o);
	tap_ok(ok && !o.do_time && o.cmd_timeout == 5, "time=0,5: 5 s per command");
	ok = parse_good("if=a of=b time=1,2147483", &o);
	tap_ok(ok && o.do_time && o.cmd_timeout == 2147483, "time=1,2147483");
	ok = parse_good("if=a of=b of2=c seek=3", &o);
	tap_ok(ok && strcmp(o.out2f, "c") == 0 && o.seek == 3, "of2=");
	ok = parse_good("if=a of=b oflag=append", &o);
	tap_ok(ok && o.oflag.append, "oflag=append without seek");
}

/* -v/--verbose with verbose=, -d, -p, long forms, clusters. */
static void options(void)
{
	struct sgm_opts o;
	bool ok;

	ok = parse_good("-vvv if=a of=b verbose=2", &o);
	tap_ok(ok && o.verbose == 5, "-vvv plus verbose=2 is 5");
	ok = parse_good("-v if=a of=b verbose=99", &o);
	tap_ok(ok && o.verbose == 99, "-v plus verbose=99 stays 99");
	ok = parse_good("if=a of=b --verbose -v", &o);
	tap_ok(ok && o.verbose == 2, "--verbose -v is 2");
	ok = parse_good("if=a of=b -d -p", &o);
	tap_ok(ok && o.dry_run && o.progress, "-d -p");
	ok = parse_good("if=a of=b --dry-run --progress", &o);
	tap_ok(ok && o.dry_run && o.progress, "--dry-run --progress");
	ok = parse_good("if=a of=b --dry_run", &o);
	tap_ok(ok && o.dry_run, "--dry_run (underscore) as sg3_utils");
	ok = parse_good("if=a of=b -dpv", &o);
	tap_ok(ok && o.dry_run && o.progress && o.verbose == 1,
	       "short options cluster: -dpv");
	ok = parse_good("if=a of=b -p", &o);
	tap_ok(ok && o.progress == 120, "-p: every 120 s, as sg_dd");
	ok = parse_good("if=a of=b -pp", &o);
	tap_ok(ok && o.progress == 60, "-pp: every 60 s");
	ok = parse_good("if=a of=b -ppp -p", &o);
	tap_ok(ok && o.progress == 30, "-ppp and more: every 30 s");
	ok = parse_good("if=a of=b --progress=5", &o);
	tap_ok(ok && o.progress == 5, "--progress=5: every 5 s");
	ok = parse_good("if=a of=b -x", &o);
	tap_ok(ok && o.do_verify, "-x is --verify");
	ok = parse_good("if=a of=b --verify", &o);
	tap_ok(ok && o.do_verify, "--verify");
}

/*
 * Stock sgm_dd 1.46 command lines run unchanged, with the same meaning:
 * verb*= for verbose=, --verb*, --vers*, --help*, --dry-run*, switches
 * taking any number (!!N), coe= (ignored by stock, meant here).
 */
static void stock_lines(void)
{
	char out[8192], err[512];
	struct tap_capture c;
	struct sgm_opts o;
	bool ok;
	int ret;

	ok = parse_good("if=a of=b verb=3", &o);
	tap_ok(ok && o.verbose == 3, "verb=3 is verbose=3 (stock: \"verb\")");
	ok = parse_good("if=a of=b verbosity=2", &o);
	tap_ok(ok && o.verbose == 2, "verbosity=2 is verbose=2");
	ok = parse_good("if=a of=b --verb --verbose", &o);
	tap_ok(ok && o.verbose == 2, "--verb is --verbose");
	ok = parse_good("if=a of=b dio=2 sync=5 time=3", &o);
	tap_ok(ok && o.oflag.dio && o.do_sync && o.do_time,
	       "dio=2 sync=5 time=3: any non-zero number is on");
	ok = parse_good("if=a of=b time=2,7", &o);
	tap_ok(ok && o.do_time && o.cmd_timeout == 7, "time=2,7");
	ok = parse_good("if=a of=b fua=7", &o);
	tap_ok(ok && o.oflag.fua && o.iflag.fua, "fua=7: bits 0 and 1");
	ok = parse_good("if=a of=b coe=1", &o);
	tap_ok(ok && o.coe, "coe=1 continues on error");
	ok = parse_good("if=a of=b coe=0", &o);
	tap_ok(ok && !o.coe, "coe=0");
	ok = parse_good("if=a of=b iflag=coe", &o);
	tap_ok(ok && o.coe, "iflag=coe is coe=1");
	ok = parse_good("if=a of=b oflag=coe coe_limit=5 retries=3", &o);
	tap_ok(ok && o.coe && o.coe_limit == 5 && o.retries == 3,
	       "oflag=coe coe_limit=5 retries=3");
	ok = parse_good("if=a of=b retries=0", &o);
	tap_ok(ok && o.retries == 0, "retries=0: no retry at all");
	ok = parse_good("if=a of=b oflag=nocreat,verify", &o);
	tap_ok(ok && o.oflag.nocreat && o.oflag.verify,
	       "oflag=nocreat,verify");
	ok = parse_good("if=a of=b count=9223372036854775807", &o);
	tap_ok(ok && o.count == INT64_MAX, "count=2^63-1 (\"infinity\")");
	ok = parse_good("if=a of=b count=1e", &o);
	tap_ok(ok, "count=1e: bounded by the ends, not refused");
	ok = parse_good("if=a of=b cdbsz=6 oflag=fua", &o);
	tap_ok(ok, "cdbsz=6 oflag=fua: checked only once an sg end uses it");
	tap_capture_begin(&c, stdout);
	ret = parse_line("--helpme", &o, err, sizeof(err));
	tap_capture_end(&c, out, sizeof(out));
	tap_ok(ret == -1 && strncmp(out, "Usage: ", 7) == 0, "--helpme is --help");
	tap_capture_begin(&c, stdout);
	ret = parse_line("--vers", &o, err, sizeof(err));
	tap_capture_end(&c, out, sizeof(out));
	tap_ok(ret == -1 && strncmp(out, "sgm_dd ", 7) == 0,
	       "--vers is --version");
	ok = parse_good("if=a of=b --dry-run-please", &o);
	tap_ok(ok && o.dry_run, "--dry-run... as stock matches it");
}

/* parse_line() with stdout captured too, into OUT. */
static int parse_line_out(const char *line, char *out, size_t outsz,
			  char *err, size_t errsz)
{
	struct tap_capture c;
	struct sgm_opts o;
	int ret;

	tap_capture_begin(&c, stdout);
	ret = parse_line(line, &o, err, errsz);
	tap_capture_end(&c, out, outsz);
	return ret;
}

/* --help and --version: status -1, text on stdout, nothing on stderr. */
static void help_version(void)
{
	static const char *const helps[] = { "--help", "-h", "-vh", "-?" };
	char out[8192], err[512];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(helps) / sizeof(helps[0]); i++) {
		ret = parse_line_out(helps[i], out, sizeof(out), err,
				     sizeof(err));
		tap_ok(ret == -1 && err[0] == '\0' &&
		       strncmp(out, "Usage: sgm_dd ", 14) == 0,
		       "%s: usage on stdout, status -1 (exit 0)", helps[i]);
	}
	ret = parse_line_out("if=a of=b --version", out, sizeof(out), err,
			     sizeof(err));
	tap_ok(ret == -1 && err[0] == '\0' &&
	       strncmp(out, "sgm_dd (sg-smmap) ", 18) == 0 &&
	       strchr(out, '\n') == out + strlen(out) - 1,
	       "--version: one line on stdout, status -1");
	ret = parse_line_out("-V", out, sizeof(out), err, sizeof(err));
	tap_ok(ret == -1 && strncmp(out, "sgm_dd ", 7) == 0, "-V");
	ret = parse_line_out("--help if=a if=b", out, sizeof(out), err,
			     sizeof(err));
	tap_ok(ret == SG_LIB_CONTRADICT, "an error after --help still wins");
	ret = parse_line_out("--help of=-", out, sizeof(out), err,
			     sizeof(err));
	tap_ok(ret == -1 && err[0] == '\0',
	       "--help skips the cross-operand checks");
}

/* Empty arguments are skipped. */
static void empty_args(void)
{
	char *argv[] = { (char *)"sgm_dd", (char *)"", (char *)"if=a",
			 (char *)"", (char *)"of=b", NULL };
	struct sgm_opts o;

	tap_ok(sgm_parse(5, argv, &o) == 0 && strcmp(o.outf, "b") == 0,
	       "empty arguments are skipped, as sg3_utils");
}

/* sgm_check_ends(): smmap needs sg at both ends, dpo/fua with cdbsz=6
 * only where sg ends send CDBs, --verify a comparable output (one line,
 * exit 31); thr>1 an sg input and outputs that take writes out of order
 * (one line, exit 1). */
static void check_ends(void)
{
	static const struct {
		const char *line;	/* operands */
		struct sgm_kinds k;	/* what the opener found: in sg, out
					   sg, of2 sg, out readable */
		int exp;		/* expected status */
		const char *msg;	/* expected stderr */
	} cases[] = {
		{ "if=a of=b", { false, false, false, true }, 0, "" },
		{ "if=a of=b oflag=dio", { false, true, false, false }, 0, "" },
		{ "if=a of=b oflag=smmap", { true, true, false, false }, 0, "" },
		{ "if=a of=b iflag=smmap", { true, true, false, false }, 0, "" },
		{ "if=a of=b oflag=smmap", { false, true, false, false },
		  SG_LIB_CONTRADICT,
		  "sgm_dd: oflag=smmap needs if= to be an sg device: a is not\n" },
		{ "if=a of=b oflag=smmap", { true, false, false, true },
		  SG_LIB_CONTRADICT,
		  "sgm_dd: oflag=smmap needs of= to be an sg device: b is not\n" },
		{ "if=a of=b iflag=smmap", { false, true, false, false },
		  SG_LIB_CONTRADICT,
		  "sgm_dd: iflag=smmap needs if= to be an sg device: a is not\n" },
		{ "if=a of=b iflag=smmap", { true, false, false, true },
		  SG_LIB_CONTRADICT,
		  "sgm_dd: iflag=smmap needs of= to be an sg device: b is not\n" },
		{ "if=a of=b of2=c oflag=smmap", { true, true, false, true }, 0,
		  "" },
		{ "if=a of=b cdbsz=6 oflag=fua", { false, false, false, true },
		  0, "" },
		{ "if=a of=b cdbsz=6 iflag=dpo", { false, true, false, false },
		  0, "" },
		{ "if=a of=b cdbsz=6 oflag=fua", { false, true, false, false },
		  SG_LIB_CONTRADICT, "sgm_dd: cdbsz=6 has no DPO or FUA bit; "
		  "drop dpo/fua or use cdbsz=10\n" },
		{ "if=a of=b of2=c cdbsz=6 oflag=dpo", { false, false, true,
		  true }, SG_LIB_CONTRADICT, "sgm_dd: cdbsz=6 has no DPO or "
		  "FUA bit; drop dpo/fua or use cdbsz=10\n" },
		{ "if=a of=b cdbsz=6 iflag=fua", { true, false, false, true },
		  SG_LIB_CONTRADICT, "sgm_dd: cdbsz=6 has no DPO or FUA bit; "
		  "drop dpo/fua or use cdbsz=10\n" },
		{ "if=a of=b --verify", { true, false, false, false },
		  SG_LIB_CONTRADICT, "sgm_dd: --verify needs of= to be an sg "
		  "device, a regular file or a block device\n" },
		{ "if=a of=b oflag=verify", { true, false, false, false },
		  SG_LIB_CONTRADICT, "sgm_dd: oflag=verify needs of= to be an "
		  "sg device, a regular file or a block device\n" },
		{ "if=a of=b --verify", { true, false, false, true }, 0, "" },
		/* thr>1: sg input, outputs that take writes out of order */
		{ "if=a of=b thr=4", { true, true, false, false, NULL }, 0, "" },
		{ "if=a of=b thr=1", { false, false, false, true, "of" }, 0, "" },
		{ "if=a of=b thr=4", { false, true, false, false, NULL },
		  SG_LIB_SYNTAX_ERROR, "sgm_dd: thr=4 needs if= to be an sg "
		  "device: a is not\n" },
		{ "if=a of=b thr=4", { true, false, false, true, "of" },
		  SG_LIB_SYNTAX_ERROR, "sgm_dd: thr=4 needs of= to take writes "
		  "out of order (an sg or block device, or /dev/null): use "
		  "thr=1\n" },
		{ "if=a of=b of2=c thr=2", { true, true, false, false, "of2" },
		  SG_LIB_SYNTAX_ERROR, "sgm_dd: thr=2 needs of2= to take writes "
		  "out of order (an sg or block device, or /dev/null): use "
		  "thr=1\n" },
		{ "if=a of=b thr=4 --verify", { true, false, false, true, "of" },
		  0, "" },
	};
	struct tap_capture c;
	struct sgm_opts o;
	char err[512];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!parse_good(cases[i].line, &o)) {
			tap_ok(false, "parse '%s'", cases[i].line);
			continue;
		}
		tap_capture_begin(&c, stderr);
		ret = sgm_check_ends(&o, &cases[i].k);
		tap_capture_end(&c, err, sizeof(err));
		if (!tap_ok(ret == cases[i].exp && strcmp(err, cases[i].msg) == 0,
			    "sgm_check_ends('%s', in %s, out %s) -> %d",
			    cases[i].line, cases[i].k.in_sg ? "sg" : "not sg",
			    cases[i].k.out_sg ? "sg" : "not sg", cases[i].exp))
			tap_diag("got %d, \"%s\"", ret, err);
	}
	tap_ok(sgm_is_stdio(NULL) && sgm_is_stdio("-") && !sgm_is_stdio("a") &&
	       !sgm_is_stdio("--"), "sgm_is_stdio()");
	tap_ok(sgm_is_dot(".") && !sgm_is_dot(NULL) && !sgm_is_dot("./"),
	       "sgm_is_dot()");
}

int main(void)
{
	golden_file();
	defaults();
	stock_lines();
	numbers();
	flags();
	options();
	help_version();
	empty_args();
	check_ends();
	return tap_done();
}
