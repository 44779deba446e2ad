/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * number.h - the suite's one number parser, overflow-checked, with its
 * status returned apart from its value.
 *
 * Accepted syntax (a strict form of sg3_utils' sg_get_llnum, described in
 * sg3_utils(8) "NUMERIC ARGUMENTS"):
 *
 *   number := term [ ('x' | 'X' | '+') number ]
 *   term   := DIGITS [suffix]          decimal, optional multiplier
 *           | ('0x' | '0X') HEXDIGITS  hexadecimal, no multiplier
 *           | HEXDIGITS ('h' | 'H')    hexadecimal, no multiplier
 *
 * Suffixes (case-insensitive, as sg3_utils compares them):
 *   c *1, w *2, b *512,
 *   k KiB *2^10,  m MiB *2^20, g GiB *2^30, t TiB *2^40, p PiB *2^50,
 *   e EiB *2^60,  kB *10^3, mB *10^6, gB *10^9, tB *10^12, pB *10^15,
 *   eB *10^18.
 *
 * 'x' multiplies and '+' adds; like sg3_utils the right-hand side is the
 * whole rest of the string, so "2x3+1" is 2*(3+1) = 8.  A term starting
 * "0x" is always hexadecimal, so "0x5" is 5, never 0*5.
 *
 * Where this parser is stricter than sg3_utils, on purpose:
 *   - the whole string must be consumed: no leading blanks, and no text
 *     after the number (sg3_utils stops silently at ',', '-', '#', blank);
 *   - the result must fit in int64_t (0 .. INT64_MAX); every multiply and
 *     add is checked, where sg3_utils wraps around;
 *   - a sign is never accepted (count=-1 is the caller's special case).
 */
#ifndef SGSMMAP_NUMBER_H
#define SGSMMAP_NUMBER_H

#include <stdint.h>

/* Status of sgm_num(): 0 on success, else one of these. */
enum sgm_num_err {
	SGM_NUM_OK = 0,		/* *val holds the number */
	SGM_NUM_EMPTY,		/* NULL or "" */
	SGM_NUM_SYNTAX,		/* not a number (garbage, sign, blank) */
	SGM_NUM_SUFFIX,		/* unknown multiplier suffix */
	SGM_NUM_RANGE,		/* does not fit in int64_t */
};

/*
 * Parse the whole of S as a non-negative number per the grammar above.
 * Returns SGM_NUM_OK and sets *VAL, or an sgm_num_err and leaves *VAL
 * unchanged.
 */
int sgm_num(const char *s, int64_t *val);

/* A short English phrase for an sgm_num() status, e.g. "not a number". */
const char *sgm_num_str(int err);

#endif /* SGSMMAP_NUMBER_H */
