/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_number.c - sgm_num(): every suffix, both hex forms, 'x' and '+',
 * the int64_t edges, and garbage.  Each case names its expected status
 * and, on success, its value; on failure the value must be untouched.
 */
#include <inttypes.h>
#include <stdint.h>

#include "number.h"
#include "tap.h"

#define UNTOUCHED INT64_C(-4242)	/* *val before every call */

struct num_case {
	const char *s;		/* input (NULL allowed) */
	int err;		/* expected status */
	int64_t val;		/* expected value when err == 0 */
};

static const struct num_case cases[] = {
	/* plain decimal and the int64_t edge */
	{ "0", 0, 0 },
	{ "512", 0, 512 },
	{ "007", 0, 7 },
	{ "9223372036854775807", 0, INT64_MAX },
	{ "9223372036854775808", SGM_NUM_RANGE, 0 },
	{ "99999999999999999999999", SGM_NUM_RANGE, 0 },
	/* the suffixes of sg3_utils(8), case-insensitive */
	{ "3c", 0, 3 }, { "3C", 0, 3 },
	{ "3w", 0, 6 }, { "3W", 0, 6 },
	{ "3b", 0, 1536 }, { "3B", 0, 1536 },
	{ "1k", 0, 1024 }, { "1K", 0, 1024 }, { "1KiB", 0, 1024 },
	{ "1kib", 0, 1024 }, { "1KB", 0, 1000 }, { "1kB", 0, 1000 },
	{ "1m", 0, 1048576 }, { "1M", 0, 1048576 }, { "1MiB", 0, 1048576 },
	{ "1MB", 0, 1000000 }, { "1mB", 0, 1000000 },
	{ "1g", 0, INT64_C(1) << 30 }, { "1GiB", 0, INT64_C(1) << 30 },
	{ "1GB", 0, 1000000000 },
	{ "1t", 0, INT64_C(1) << 40 }, { "1TiB", 0, INT64_C(1) << 40 },
	{ "1TB", 0, INT64_C(1000000000000) },
	{ "1p", 0, INT64_C(1) << 50 }, { "1PiB", 0, INT64_C(1) << 50 },
	{ "1PB", 0, INT64_C(1000000000000000) },
	{ "1e", 0, INT64_C(1) << 60 }, { "7EiB", 0, INT64_C(7) << 60 },
	{ "1EB", 0, INT64_C(1000000000000000000) },
	{ "9EB", 0, INT64_C(9000000000000000000) },
	/* multiplier overflow */
	{ "8E", SGM_NUM_RANGE, 0 },
	{ "10EB", SGM_NUM_RANGE, 0 },
	{ "8388608T", SGM_NUM_RANGE, 0 },
	{ "8388607T", 0, INT64_C(8388607) << 40 },
	/* hexadecimal, both forms; no multiplier after hex */
	{ "0x10", 0, 16 }, { "0X1f", 0, 31 }, { "0xFF", 0, 255 },
	{ "10h", 0, 16 }, { "ffh", 0, 255 }, { "FFH", 0, 255 },
	{ "1bh", 0, 27 }, { "ch", 0, 12 },
	{ "0x7fffffffffffffff", 0, INT64_MAX },
	{ "7fffffffffffffffh", 0, INT64_MAX },
	{ "0x8000000000000000", SGM_NUM_RANGE, 0 },
	{ "10000000000000000h", SGM_NUM_RANGE, 0 },
	{ "0x", SGM_NUM_SYNTAX, 0 },
	{ "0xg", SGM_NUM_SYNTAX, 0 },
	{ "0x10k", SGM_NUM_SYNTAX, 0 },
	{ "0x10h", SGM_NUM_SYNTAX, 0 },
	{ "10hk", SGM_NUM_SYNTAX, 0 },
	/* 'x' and '+', right-hand side first as sg3_utils */
	{ "2x33", 0, 66 }, { "2X33", 0, 66 },
	{ "0xfx0x2", 0, 30 }, { "3+1k", 0, 1027 }, { "0xf+0x2", 0, 17 },
	{ "2x3+1", 0, 8 }, { "1kx2", 0, 2048 }, { "10hx2", 0, 32 },
	{ "2x2x2x2x2x2x2x2x2x2x2x2x2x2x2x2x2", 0, 131072 },	/* 16 ops */
	{ "2x2x2x2x2x2x2x2x2x2x2x2x2x2x2x2x2x2", SGM_NUM_SYNTAX, 0 },
	{ "4611686018427387904x2", SGM_NUM_RANGE, 0 },
	{ "4611686018427387903x2", 0, INT64_MAX - 1 },
	{ "9223372036854775807+1", SGM_NUM_RANGE, 0 },
	{ "9223372036854775806+1", 0, INT64_MAX },
	{ "1Ex8", SGM_NUM_RANGE, 0 },
	{ "2x", SGM_NUM_SYNTAX, 0 },
	{ "x2", SGM_NUM_SYNTAX, 0 },
	{ "2+", SGM_NUM_SYNTAX, 0 },
	{ "2++3", SGM_NUM_SYNTAX, 0 },
	{ "2xq", SGM_NUM_SYNTAX, 0 },
	{ "2x1q", SGM_NUM_SUFFIX, 0 },
	/* garbage */
	{ NULL, SGM_NUM_EMPTY, 0 },
	{ "", SGM_NUM_EMPTY, 0 },
	{ "abc", SGM_NUM_SYNTAX, 0 },
	{ "-1", SGM_NUM_SYNTAX, 0 },
	{ "+1", SGM_NUM_SYNTAX, 0 },
	{ " 1", SGM_NUM_SYNTAX, 0 },
	{ "1 ", SGM_NUM_SYNTAX, 0 },
	{ "1,2", SGM_NUM_SYNTAX, 0 },
	{ "1#", SGM_NUM_SYNTAX, 0 },
	{ "1-2", SGM_NUM_SYNTAX, 0 },
	{ "1.5", SGM_NUM_SYNTAX, 0 },
	{ "1b5", SGM_NUM_SYNTAX, 0 },
	{ "12q", SGM_NUM_SUFFIX, 0 },
	{ "1kk", SGM_NUM_SUFFIX, 0 },
	{ "1KiBi", SGM_NUM_SUFFIX, 0 },
	{ "1D", SGM_NUM_SUFFIX, 0 },
	{ "1Kx", SGM_NUM_SYNTAX, 0 },
};

/* sgm_num() on one case: its status, and the value only on success. */
static void check_case(const struct num_case *c)
{
	int64_t v = UNTOUCHED;
	int err = sgm_num(c->s, &v);
	bool good = err == c->err &&
		(err ? v == UNTOUCHED : v == c->val);

	const char *s = c->s ? c->s : "(null)";
	bool ok;

	if (c->err)
		ok = tap_ok(good, "sgm_num(\"%s\") -> %s", s,
			    sgm_num_str(c->err));
	else
		ok = tap_ok(good, "sgm_num(\"%s\") -> %" PRId64, s, c->val);
	if (!ok)
		tap_diag("got %s, value %" PRId64, sgm_num_str(err), v);
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
	tap_ok(strcmp(sgm_num_str(SGM_NUM_SYNTAX), "not a number") == 0 &&
	       strcmp(sgm_num_str(SGM_NUM_SUFFIX),
		      "unknown multiplier suffix") == 0 &&
	       strcmp(sgm_num_str(SGM_NUM_RANGE), "number too large") == 0 &&
	       strcmp(sgm_num_str(SGM_NUM_EMPTY), "missing number") == 0,
	       "sgm_num_str() phrases");
	return tap_done();
}
