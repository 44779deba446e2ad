/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_xfer.c - the pure part of lib/sg_xfer: READ/WRITE CDB building
 * (every size, both directions, DPO/FUA, the field limits) and the cdbsz
 * upgrade, sgx_fit_cdbsz().  Expected CDBs are written out byte by byte
 * from SBC-4, not computed with the code under test.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>

#include <scsi/sg_lib.h>

#include "sg_xfer.h"
#include "tap.h"

/* One sgx_build_rw_cdb() call and the bytes it must produce. */
struct cdb_case {
	const char *what;	/* description */
	int cdbsz;		/* 6, 10, 12, 16 (or bad) */
	bool is_write;		/* WRITE, else READ */
	uint64_t lba;		/* first block */
	uint32_t blocks;	/* number of blocks */
	bool dpo, fua;		/* bits asked for */
	int ret;		/* expected return */
	uint8_t cdb[16];	/* expected bytes when ret == 0 */
};

static const struct cdb_case cdb_cases[] = {
	{ "READ(6) lba 0x12345 128 blocks", 6, false, 0x12345, 128,
	  false, false, 0, { 0x08, 0x01, 0x23, 0x45, 0x80, 0 } },
	{ "WRITE(6) 256 blocks encoded as 0", 6, true, 0x1fff00, 256,
	  false, false, 0, { 0x0a, 0x1f, 0xff, 0x00, 0x00, 0 } },
	{ "READ(6) last LBA 0x1fffff", 6, false, 0x1fffff, 1,
	  false, false, 0, { 0x08, 0x1f, 0xff, 0xff, 0x01, 0 } },
	{ "READ(10) lba 0x01020304 0x0506 blocks", 10, false, 0x01020304,
	  0x0506, false, false, 0,
	  { 0x28, 0, 0x01, 0x02, 0x03, 0x04, 0, 0x05, 0x06, 0 } },
	{ "WRITE(10) with DPO and FUA", 10, true, 7, 1, true, true, 0,
	  { 0x2a, 0x18, 0, 0, 0, 7, 0, 0, 1, 0 } },
	{ "WRITE(10) FUA only", 10, true, 0, 65535, false, true, 0,
	  { 0x2a, 0x08, 0, 0, 0, 0, 0, 0xff, 0xff, 0 } },
	{ "READ(10) DPO only, last LBA 0xffffffff", 10, false, 0xfffffffe, 2,
	  true, false, 0,
	  { 0x28, 0x10, 0xff, 0xff, 0xff, 0xfe, 0, 0, 2, 0 } },
	{ "READ(12) 0x10000 blocks", 12, false, 0x10, 0x10000, false, false,
	  0, { 0xa8, 0, 0, 0, 0, 0x10, 0, 1, 0, 0, 0, 0 } },
	{ "WRITE(12) FUA", 12, true, 0xa0b0c0d0, 3, false, true, 0,
	  { 0xaa, 0x08, 0xa0, 0xb0, 0xc0, 0xd0, 0, 0, 0, 3, 0, 0 } },
	{ "READ(16) 64-bit LBA", 16, false, UINT64_C(0x0102030405060708),
	  0x0a0b0c0d, false, false, 0,
	  { 0x88, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0x0a, 0x0b, 0x0c, 0x0d, 0, 0 } },
	{ "WRITE(16) DPO FUA", 16, true, 0x100000000ULL, 128, true, true, 0,
	  { 0x8a, 0x18, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0 } },
	{ "READ(16) last LBA 2^64-1", 16, false, UINT64_MAX, 1, false, false,
	  0, { 0x88, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	       0, 0, 0, 1, 0, 0 } },
	/* refused */
	{ "cdbsz 8", 8, false, 0, 1, false, false, -EINVAL, { 0 } },
	{ "cdbsz 32", 32, false, 0, 1, false, false, -EINVAL, { 0 } },
	{ "0 blocks", 10, false, 0, 0, false, false, -EINVAL, { 0 } },
	{ "6 with DPO", 6, false, 0, 1, true, false, -EINVAL, { 0 } },
	{ "6 with FUA", 6, true, 0, 1, false, true, -EINVAL, { 0 } },
	{ "6 past LBA 0x1fffff", 6, false, 0x1fffff, 2, false, false,
	  -ERANGE, { 0 } },
	{ "6 with 257 blocks", 6, false, 0, 257, false, false, -ERANGE,
	  { 0 } },
	{ "10 with 65536 blocks", 10, false, 0, 65536, false, false, -ERANGE,
	  { 0 } },
	{ "10 past LBA 0xffffffff", 10, true, 0xffffffff, 2, false, false,
	  -ERANGE, { 0 } },
	{ "12 at LBA 2^32", 12, false, 0x100000000ULL, 1, false, false,
	  -ERANGE, { 0 } },
	{ "10 at LBA 2^64-1 (end wraps to 0)", 10, false, UINT64_MAX, 1,
	  false, false, -ERANGE, { 0 } },
	{ "6 at LBA 2^64-2, 2 blocks (end wraps to 0)", 6, false,
	  UINT64_MAX - 1, 2, false, false, -ERANGE, { 0 } },
	{ "16 past LBA 2^64-1", 16, false, UINT64_MAX, 2, false, false,
	  -ERANGE, { 0 } },
};

/* sgx_build_rw_cdb() on one case: its return, and the bytes on success. */
static void check_cdb(const struct cdb_case *c)
{
	uint8_t cdb[SGX_MAX_CDBSZ + 4];
	int ret, i, n = c->cdbsz <= SGX_MAX_CDBSZ ? c->cdbsz : SGX_MAX_CDBSZ;
	bool same = true;

	memset(cdb, 0x5a, sizeof(cdb));
	ret = sgx_build_rw_cdb(cdb, c->cdbsz, c->is_write, c->lba, c->blocks,
			       c->dpo, c->fua);
	if (ret == 0 && c->ret == 0) {
		same = memcmp(cdb, c->cdb, n) == 0 && cdb[n] == 0x5a;
	}
	if (!tap_ok(ret == c->ret && same, "sgx_build_rw_cdb: %s -> %s",
		    c->what, c->ret == 0 ? "bytes as SBC-4" :
		    c->ret == -EINVAL ? "-EINVAL" : "-ERANGE")) {
		char hex[3 * 20 + 1] = "";

		for (i = 0; i < n && ret == 0; i++)
			sprintf(hex + 3 * i, "%02x ", cdb[i]);
		tap_diag("got %d %s", ret, hex);
	}
}

/* The upgrade: the smallest size not below cdbsz that carries it all. */
static void fit_cdbsz(void)
{
	static const struct {
		int cdbsz;		/* asked for */
		uint64_t end;		/* end LBA of the copy (exclusive) */
		uint32_t bpt;		/* blocks per command */
		bool dpo_fua;		/* DPO or FUA wanted */
		int exp;		/* expected */
	} cases[] = {
		{ 10, 1000, 128, false, 10 },		/* default stays */
		{ 10, 0x100000000ULL, 128, false, 10 },	/* last LBA 2^32-1 */
		{ 10, 0x100000001ULL, 128, false, 16 },	/* LBA needs 64 bits */
		{ 10, 1000, 65535, false, 10 },
		{ 10, 1000, 65536, false, 12 },		/* bpt needs 32 bits */
		{ 10, 0x100000001ULL, 65536, false, 16 },
		{ 6, 0x200000, 256, false, 6 },		/* 6 at its limits */
		{ 6, 0x200001, 1, false, 10 },
		{ 6, 1000, 257, false, 10 },
		{ 6, 1000, 128, true, 10 },		/* DPO/FUA rule out 6 */
		{ 6, 1000, 70000, false, 12 },
		{ 12, 1000, 1, false, 12 },		/* never lowered */
		{ 12, 0x100000001ULL, 1, false, 16 },
		{ 16, 1, 1, false, 16 },
		{ 16, UINT64_MAX, 1u << 24, true, 16 },
		{ 8, 1, 1, false, -EINVAL },
		{ 0, 1, 1, false, -EINVAL },
	};
	size_t i;
	int got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = sgx_fit_cdbsz(cases[i].cdbsz, cases[i].end, cases[i].bpt,
				    cases[i].dpo_fua);
		tap_ok(got == cases[i].exp,
		       "sgx_fit_cdbsz(%d, end 0x%" PRIx64 ", bpt %" PRIu32
		       "%s) -> %d (got %d)", cases[i].cdbsz, cases[i].end,
		       cases[i].bpt, cases[i].dpo_fua ? ", dpo/fua" : "",
		       cases[i].exp, got);
	}
}

/* Every fitted size must then build every command of that copy. */
static void fit_then_build(void)
{
	static const uint64_t ends[] = { 1, 0x200000, 0x200001, 0xffffffff,
					 0x100000000ULL, 0x100000001ULL };
	static const uint32_t bpts[] = { 1, 256, 257, 65535, 65536 };
	uint8_t cdb[SGX_MAX_CDBSZ];
	size_t i, j;
	bool all = true;

	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
		for (j = 0; j < sizeof(bpts) / sizeof(bpts[0]); j++) {
			uint32_t n = ends[i] < bpts[j] ? (uint32_t)ends[i]
						       : bpts[j];
			int sz = sgx_fit_cdbsz(6, ends[i], bpts[j], false);

			/* the last command of the copy, and a full one */
			if (sgx_build_rw_cdb(cdb, sz, false, ends[i] - n, n,
					     false, false) != 0) {
				all = false;
				tap_diag("end 0x%" PRIx64 " bpt %" PRIu32
					 ": size %d fails", ends[i], bpts[j],
					 sz);
			}
		}
	tap_ok(all, "a size from sgx_fit_cdbsz() builds the copy's last "
	       "command");
}

/* sgx_retry(): retryable errors up to the maximum, one line each; never
 * medium error, illegal request, data protect, miscompare. */
static void retries(void)
{
	static const char sg[] = "/dev/sg9";	/* a name for the messages */
	/* fixed sense: NOT READY, 04/01 becoming ready; then 04/02 (needs
	 * START UNIT: retrying cannot help) */
	static const uint8_t becoming[18] = { 0x70, 0, 0x02, 0, 0, 0, 0, 10,
					      0, 0, 0, 0, 0x04, 0x01 };
	static const uint8_t stopped[18] = { 0x70, 0, 0x02, 0, 0, 0, 0, 10,
					     0, 0, 0, 0, 0x04, 0x02 };
	struct tap_capture c;
	char err[512];
	bool r1, r2, r3, r4, r5;
	int tries = 0, tries2 = 0, tries3 = 0;

	tap_capture_begin(&c, stderr);
	r1 = sgx_retry(SG_LIB_CAT_UNIT_ATTENTION, NULL, 0, &tries, 2, "READ",
		       sg);
	r2 = sgx_retry(SG_LIB_CAT_UNIT_ATTENTION, NULL, 0, &tries, 2, "READ",
		       sg);
	r3 = sgx_retry(SG_LIB_CAT_UNIT_ATTENTION, NULL, 0, &tries, 2, "READ",
		       sg);
	r4 = sgx_retry(SG_LIB_CAT_MEDIUM_HARD, NULL, 0, &tries2, 5, "WRITE",
		       sg);
	r5 = sgx_retry(SG_LIB_CAT_ABORTED_COMMAND, NULL, 0, &tries3, 0,
		       "WRITE", sg);
	tap_capture_end(&c, err, sizeof(err));
	tap_ok(r1 && r2 && !r3 && tries == 2,
	       "unit attention: retried twice with max 2, then no more");
	tap_ok(!r4 && tries2 == 0, "medium error: never retried");
	tap_ok(!r5 && tries3 == 0, "retries=0: no retry at all");
	if (!tap_ok(strcmp(err, "sgm_dd: Unit attention on READ of /dev/sg9, "
			   "retry 1 of 2\nsgm_dd: Unit attention on READ of "
			   "/dev/sg9, retry 2 of 2\n") == 0,
		    "one line on stderr per retry"))
		tap_diag("got \"%s\"", err);
	tries = tries2 = 0;
	tap_capture_begin(&c, stderr);
	r1 = sgx_retry(SG_LIB_CAT_ABORTED_COMMAND, NULL, 0, &tries, -1, "READ",
		       sg);
	r2 = sgx_retry(SG_LIB_CAT_ABORTED_COMMAND, NULL, 0, &tries, -1, "READ",
		       sg);
	r3 = sgx_retry(SG_LIB_CAT_TIMEOUT, NULL, 0, &tries2, -1, "READ", sg);
	tap_capture_end(&c, err, sizeof(err));
	tap_ok(r1 && !r2 && !r3 && tries == 1 && tries2 == 0,
	       "retries= not given: aborted command once, a timeout never");
	tap_capture_begin(&c, stderr);
	r3 = sgx_retry(SG_LIB_CAT_TIMEOUT, NULL, 0, &tries2, 1, "READ", sg);
	tap_capture_end(&c, err, sizeof(err));
	tap_ok(r3 && tries2 == 1, "retries=1: a timeout once");
	tap_ok(sgx_retryable(SG_LIB_CAT_ABORTED_COMMAND, NULL, 0) &&
	       sgx_retryable(SG_LIB_CAT_TIMEOUT, NULL, 0) &&
	       sgx_retryable(SG_LIB_CAT_BUSY, NULL, 0),
	       "aborted command, timeout, busy: retryable");
	tap_ok(!sgx_retryable(SG_LIB_CAT_ILLEGAL_REQ, NULL, 0) &&
	       !sgx_retryable(SG_LIB_CAT_DATA_PROTECT, NULL, 0) &&
	       !sgx_retryable(SG_LIB_CAT_MISCOMPARE, NULL, 0) &&
	       !sgx_retryable(SG_LIB_LBA_OUT_OF_RANGE, NULL, 0),
	       "illegal request, data protect, miscompare, LBA out of range: "
	       "not retryable");
	tap_ok(sgx_retryable(SG_LIB_CAT_NOT_READY, becoming, 18) &&
	       !sgx_retryable(SG_LIB_CAT_NOT_READY, stopped, 18) &&
	       !sgx_retryable(SG_LIB_CAT_NOT_READY, NULL, 0),
	       "not ready: retried only while becoming ready / in progress");
}

/* sgx_build_verify_cdb(): VERIFY(10/12/16) with BYTCHK=1; 6 gives 10. */
static void verify_cdb(void)
{
	uint8_t cdb[16];
	int n;

	n = sgx_build_verify_cdb(cdb, 10, 0x12345678, 0x20, true);
	tap_ok(n == 10 && cdb[0] == 0x2f && cdb[1] == 0x12 &&
	       cdb[2] == 0x12 && cdb[5] == 0x78 && cdb[7] == 0 &&
	       cdb[8] == 0x20, "VERIFY(10): opcode 2f, DPO, BYTCHK=1, lba, "
	       "length");
	n = sgx_build_verify_cdb(cdb, 6, 7, 1, false);
	tap_ok(n == 10 && cdb[0] == 0x2f && cdb[1] == 0x02 && cdb[5] == 7,
	       "cdbsz=6: VERIFY(10), there is no VERIFY(6)");
	n = sgx_build_verify_cdb(cdb, 16, 0x100000000ULL, 300, false);
	tap_ok(n == 16 && cdb[0] == 0x8f && cdb[1] == 0x02 && cdb[5] == 1 &&
	       cdb[12] == 1 && cdb[13] == 44, "VERIFY(16): opcode 8f, 64-bit "
	       "lba");
	n = sgx_build_verify_cdb(cdb, 12, 5, 2, false);
	tap_ok(n == 12 && cdb[0] == 0xaf && cdb[9] == 2, "VERIFY(12): af");
	tap_ok(sgx_build_verify_cdb(cdb, 10, 0x100000000ULL, 1, false) ==
	       -ERANGE, "VERIFY(10) past 2^32: -ERANGE");
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cdb_cases) / sizeof(cdb_cases[0]); i++)
		check_cdb(&cdb_cases[i]);
	fit_cdbsz();
	fit_then_build();
	retries();
	verify_cdb();
	return tap_done();
}
