/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_copy.c - batching arithmetic: the pure helpers of lib/copy and
 * lib/sg_reserve (batch size, derived count, bpt after a reserve clamp),
 * then whole copies between regular files through the real
 * sgm_parse -> sgm_copy_open -> sgm_copy_run -> sgm_copy_close path,
 * with count not a multiple of bpt, skip, seek, of2, a partial last
 * block and a read error.  Every output byte is checked against the
 * stamped input.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <sys/stat.h>

#include <scsi/sg_lib.h>

#include "copy.h"
#include "operands.h"
#include "recover.h"
#include "sg_reserve.h"
#include "tap.h"

static char dir[64];		/* the temporary directory of the copies */

/* sgm_batch_blocks(): bpt, or what remains when that is less. */
static void batch_blocks(void)
{
	static const struct {
		int64_t remaining;	/* blocks still to copy, -1 open */
		int bpt;		/* blocks per transfer */
		uint32_t exp;		/* blocks in the next batch */
	} cases[] = {
		{ -1, 128, 128 }, { 1000, 128, 128 }, { 129, 128, 128 },
		{ 128, 128, 128 }, { 127, 128, 127 }, { 1, 128, 1 },
		{ 0, 128, 0 }, { 5, 1, 1 }, { INT64_MAX, 1 << 24, 1 << 24 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tap_ok(sgm_batch_blocks(cases[i].remaining, cases[i].bpt) ==
		       cases[i].exp, "sgm_batch_blocks(%" PRId64 ", %d) -> %"
		       PRIu32, cases[i].remaining, cases[i].bpt, cases[i].exp);
}

/* Run the batch loop arithmetic for COUNT blocks in BPT: full batches
 * then one short one, summing to COUNT, LBAs advancing from SKIP. */
static void batch_loop(int64_t count, int bpt, int64_t skip)
{
	int64_t done = 0, batches = 0, lba = skip;
	bool shape = true;
	uint32_t n;

	while ((n = sgm_batch_blocks(count - done, bpt)) > 0) {
		if (n > (uint32_t)bpt || (n < (uint32_t)bpt &&
					  done + n != count))
			shape = false;	/* only the last may be short */
		if (lba != skip + done)
			shape = false;
		lba += n;
		done += n;
		batches++;
	}
	tap_ok(shape && done == count &&
	       batches == (count + bpt - 1) / bpt,
	       "count %" PRId64 ", bpt %d, skip %" PRId64 ": %" PRId64
	       " batches, all full but the last", count, bpt, skip, batches);
}

/* sgm_derive_count(): the least known capacity less its offset. */
static void derive_count(void)
{
	static const struct {
		int64_t caps[3], offs[3];	/* per end: capacity, skip/seek */
		int n;				/* ends */
		int64_t exp;			/* derived count */
	} cases[] = {
		{ { 1000, 800 }, { 0, 0 }, 2, 800 },
		{ { 1000, 800 }, { 300, 0 }, 2, 700 },
		{ { 1000, 800 }, { 0, 100 }, 2, 700 },
		{ { 1000, -1 }, { 10, 5 }, 2, 990 },	/* of size unknown */
		{ { -1, 500 }, { 10, 5 }, 2, 495 },
		{ { -1, -1 }, { 0, 0 }, 2, -1 },	/* nothing known */
		{ { 100, 1000 }, { 200, 0 }, 2, 0 },	/* skip past end */
		{ { 1000, 900, 600 }, { 0, 100, 100 }, 3, 500 },	/* of2 */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tap_ok(sgm_derive_count(cases[i].caps, cases[i].offs,
					cases[i].n) == cases[i].exp,
		       "sgm_derive_count case %zu -> %" PRId64, i + 1,
		       cases[i].exp);
}

/* sgr_fit_bpt(): bpt after the kernel clamps the reserve. */
static void fit_bpt(void)
{
	tap_ok(sgr_fit_bpt(65536, 512, 128) == 128, "reserve 64 KiB: bpt 128");
	tap_ok(sgr_fit_bpt(32768, 512, 128) == 64,
	       "reserve clamped to 32 KiB: bpt lowered to 64");
	tap_ok(sgr_fit_bpt(1000, 512, 128) == 1, "1000 bytes hold 1 block");
	tap_ok(sgr_fit_bpt(100, 512, 128) == 0, "no block fits: 0");
	tap_ok(sgr_fit_bpt(1 << 20, 4096, 32) == 32, "never above bpt");
}

/* The byte at offset OFF of block IDX of a stamped input. */
static uint8_t stamp(int64_t idx, int off)
{
	return off < 8 ? (uint8_t)(idx >> (8 * off)) :
		(uint8_t)(idx * 7 + off);
}

/* Write DIR/NAME: BLOCKS blocks of BS stamped bytes, then TAIL bytes. */
static void make_input(const char *name, int64_t blocks, int bs, int tail)
{
	char path[128];
	FILE *fp;
	int64_t b;
	int k;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	for (b = 0; fp && b <= blocks; b++)
		for (k = 0; k < (b < blocks ? bs : tail); k++)
			fputc(stamp(b, k), fp);
	if (fp == NULL || fclose(fp) != 0) {
		perror(path);
		exit(99);
	}
}

/*
 * Check DIR/NAME: SIZE bytes long, 512-byte blocks [0, AT) zero, and from
 * block AT on, the input's bytes from its 512-byte block FROM on.
 */
static bool check_output(const char *name, int64_t at, int64_t from,
			 int64_t size)
{
	char path[128];
	struct stat sb;
	int64_t b, i;
	FILE *fp;
	int c;
	bool good = true;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (size < 0)		/* must not exist */
		return stat(path, &sb) != 0 && errno == ENOENT;
	if (stat(path, &sb) != 0 || sb.st_size != size) {
		tap_diag("%s: size %jd, want %" PRId64, path,
			 (intmax_t)sb.st_size, size);
		return false;
	}
	fp = fopen(path, "r");
	for (i = 0; fp && (c = fgetc(fp)) != EOF; i++) {
		b = i / 512;
		if (c != (b < at ? 0 : stamp(from + b - at, (int)(i % 512))))
			good = false;
	}
	if (fp)
		fclose(fp);
	if (!good)
		tap_diag("%s: content differs from the input", path);
	return fp && good;
}

/*
 * sgm_coe_account(): the unreadable blocks of a batch listed, counted,
 * the run of consecutive ones carried across batches and reset by a good
 * block, coe_limit stopping at the block that makes the run.
 */
static void coe_account(void)
{
	static const uint8_t b1[8] = { 0, 1, 1, 0, 0, 0, 1, 1 };
	static const uint8_t b2[4] = { 1, 0, 0, 0 };
	struct tap_capture cap;
	struct sgm_opts op;
	struct sgm_copy c;
	char err[1024];
	int r1, r2, r3;

	memset(&op, 0, sizeof(op));
	memset(&c, 0, sizeof(c));
	c.op = &op;
	c.in.name = "/dev/sg9";
	c.in_lba = 100;
	tap_capture_begin(&cap, stderr);
	r1 = sgm_coe_account(&c, b1, 8);	/* no limit */
	tap_capture_end(&cap, err, sizeof(err));
	tap_ok(r1 == 0 && c.st.unreadable == 4 && c.coe_run == 2 &&
	       c.worst == SG_LIB_CAT_MEDIUM_HARD && !c.coe_stop,
	       "coe: 4 of 8 unreadable counted, run of 2 at the end, exit 3 kept");
	if (!tap_ok(strcmp(err, "sgm_dd: if=/dev/sg9: lba=101 [0x65] unreadable, "
			   "zero-filled\nsgm_dd: if=/dev/sg9: lba=102 [0x66] "
			   "unreadable, zero-filled\nsgm_dd: if=/dev/sg9: lba=106 "
			   "[0x6a] unreadable, zero-filled\nsgm_dd: if=/dev/sg9: "
			   "lba=107 [0x6b] unreadable, zero-filled\n") == 0,
		    "coe: one line per unreadable LBA, in order"))
		tap_diag("got \"%s\"", err);
	op.coe_limit = 3;
	c.in_lba = 108;
	tap_capture_begin(&cap, stderr);
	r2 = sgm_coe_account(&c, b2, 4);	/* the run goes on: 3 */
	tap_capture_end(&cap, err, sizeof(err));
	tap_ok(r2 == SG_LIB_CAT_MEDIUM_HARD && c.coe_stop && c.keep == 1 &&
	       strstr(err, "coe_limit=3: as many consecutive") != NULL,
	       "coe_limit=3: the run carried over from the last batch stops "
	       "at its first block (keep 1)");
	c.coe_stop = false;
	c.coe_run = 0;
	c.in_lba = 200;
	tap_capture_begin(&cap, stderr);
	r3 = sgm_coe_account(&c, b1, 8);	/* runs of 2: under the limit */
	tap_capture_end(&cap, err, sizeof(err));
	tap_ok(r3 == 0 && !c.coe_stop && c.coe_run == 2,
	       "coe_limit=3: runs of 2 reset by good blocks go on");
}

/* LINE with each '@' replaced by the temporary directory, into BUF. */
static void expand(char *buf, size_t sz, const char *line)
{
	size_t n = 0;

	for (; *line && n + sizeof(dir) + 1 < sz; line++) {
		if (*line == '@')
			n += (size_t)snprintf(buf + n, sz - n, "%s", dir);
		else
			buf[n++] = *line;
	}
	buf[n] = '\0';
}

/*
 * Copy with the operands LINE (each '@' standing for the temporary
 * directory) through the library, as sgm_dd's main does.  Returns the
 * exit status; ERR gets what was printed on stderr.
 */
static int run_copy(const char *line, char *err, size_t errsz)
{
	char buf[512];
	struct tap_args a;
	struct tap_capture c;
	struct sgm_opts op;
	struct sgm_copy copy;
	int res;

	expand(buf, sizeof(buf), line);
	tap_split_args(&a, buf);
	tap_capture_begin(&c, stderr);
	res = sgm_parse(a.argc, a.argv, &op);
	if (res == 0)
		res = sgm_copy_open(&copy, &op);
	if (res == 0) {
		if (!op.dry_run)
			res = sgm_copy_run(&copy);
		res = sgm_copy_close(&copy, res);
	}
	tap_capture_end(&c, err, errsz);
	return res;
}

/* One copy between regular files and what it must leave behind
 * (AT and FROM count 512-byte blocks, whatever bs= is). */
struct copy_case {
	const char *line;	/* operands; '@' is the directory */
	int exp;		/* exit status */
	const char *out;	/* output file checked */
	int64_t at, from;	/* output block AT holds input block FROM */
	int64_t size;		/* output bytes; -1: must not exist */
	const char *records;	/* must appear on stderr */
};

static const struct copy_case copy_cases[] = {
	{ "if=@/in of=@/o1 bpt=128 count=1000", 0, "o1", 0, 0,
	  1000 * 512, "1000+0 records in\n1000+0 records out\n" },
	{ "if=@/in of=@/o2 bpt=128 skip=3 seek=5 count=300", 0, "o2",
	  5, 3, 305 * 512, "300+0 records in\n300+0 records out\n" },
	{ "if=@/in of=@/o3 bpt=7 skip=10", 0, "o3", 0, 10,
	  990 * 512, "990+0 records in\n990+0 records out\n" },
	{ "if=@/in of=@/o4 bpt=1 count=5 seek=1", 0, "o4", 1, 0,
	  6 * 512, "5+0 records in\n5+0 records out\n" },
	{ "if=@/in of=@/o5 bpt=128 count=0", 0, "o5", 0, 0, 0,
	  "0+0 records in\n0+0 records out\n" },
	{ "if=@/in of=@/o6 bpt=100 count=2000", 0, "o6", 0, 0,
	  1000 * 512, "1000+0 records in\n1000+0 records out\n" },
	{ "if=@/in of=@/o7 of2=@/o7b bpt=64 seek=2 count=130", 0,
	  "o7b", 2, 0, 132 * 512, "130+0 records out (of2)\n" },
	{ "if=@/in of=@/o8 bs=4096 bpt=3 count=10 skip=1", 0, "o8", 0,
	  8, 10 * 4096, "10+0 records in\n10+0 records out\n" },
	{ "if=@/tail of=@/o9 bpt=16", 0, "o9", 0, 0, 100 * 512 + 100,
	  "100+1 records in\n100+1 records out\n" },
	/* --dry-run creates nothing */
	{ "if=@/in of=@/o10 bpt=128 count=1 -d", 0, "o10", 0, 0, -1,
	  "" },
	/* a read error is an error, never the end of the input (reading
	 * /proc/self/mem at address 0 fails with EIO) */
	{ "if=/proc/self/mem of=@/o11 count=4", SG_LIB_OS_BASE_ERR + EIO,
	  "o11", 0, 0, 0, "Input/output error\n  remaining block count=4\n"
	  "sgm_dd: to resume: skip=0 seek=0 count=4\n"
	  "0+0 records in\n0+0 records out\n" },
	/* coe=1 on a file input: the blocks that fail with EIO are read
	 * again one by one, zero-filled, listed and counted; exit 3 */
	{ "if=/proc/self/mem of=@/o12 count=4 bpt=4 coe=1",
	  SG_LIB_CAT_MEDIUM_HARD, "o12", 4, 0, 4 * 512,
	  "sgm_dd: if=/proc/self/mem: lba=3 [0x3] unreadable, zero-filled\n"
	  "4+0 records in\n4+0 records out\n"
	  "4 unreadable blocks zero-filled (coe)\n" },
};

/* Every case of copy_cases, then of= beside of2= of case o7. */
static void copies(void)
{
	char err[4096];
	size_t i;
	int res;

	make_input("in", 1000, 512, 0);
	make_input("tail", 100, 512, 100);
	for (i = 0; i < sizeof(copy_cases) / sizeof(copy_cases[0]); i++) {
		const struct copy_case *c = &copy_cases[i];
		res = run_copy(c->line, err, sizeof(err));
		if (!tap_ok(res == c->exp && strstr(err, c->records) &&
			    check_output(c->out, c->at, c->from, c->size),
			    "copy %s: exit %d, %s", c->line + 0, c->exp,
			    c->records[0] ? "records as expected" : "nothing"))
			tap_diag("exit %d, stderr: %s", res, err);
	}
	tap_ok(check_output("o7", 2, 0, 132 * 512),
	       "of= and of2= both hold the copy");
}

int main(void)
{
	static const int64_t counts[] = { 0, 1, 127, 128, 129, 300, 1000 };
	char cmd[128];
	size_t i;

	batch_blocks();
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		batch_loop(counts[i], 128, 5);
	batch_loop(1000, 7, 0);
	batch_loop(1000, 1, 3);
	derive_count();
	fit_bpt();
	coe_account();
	snprintf(dir, sizeof(dir), "/tmp/sgm_test_copy.XXXXXX");
	if (!tap_ok(mkdtemp(dir) != NULL, "temporary directory"))
		return tap_done();
	copies();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", dir);
	return tap_done();
}
