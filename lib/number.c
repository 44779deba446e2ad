/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * number.c - the one checked number parser (grammar in number.h).
 *
 * Every step that can overflow goes through __builtin_*_overflow, so a
 * value that does not fit in int64_t is reported as SGM_NUM_RANGE instead
 * of wrapping into a small or negative number.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "number.h"

#define MAX_OPERATORS 16	/* 'x' and '+' per number: bounds recursion */

/* One multiplier suffix; names are compared case-insensitively. */
struct suffix {
	const char *name;	/* as written after the digits */
	int64_t mult;		/* what the number is multiplied by */
};

static const struct suffix suffixes[] = {
	{ "b",   512 },
	{ "c",   1 },
	{ "e",   INT64_C(1) << 60 },
	{ "eb",  INT64_C(1000000000000000000) },
	{ "eib", INT64_C(1) << 60 },
	{ "g",   INT64_C(1) << 30 },
	{ "gb",  INT64_C(1000000000) },
	{ "gib", INT64_C(1) << 30 },
	{ "k",   INT64_C(1) << 10 },
	{ "kb",  INT64_C(1000) },
	{ "kib", INT64_C(1) << 10 },
	{ "m",   INT64_C(1) << 20 },
	{ "mb",  INT64_C(1000000) },
	{ "mib", INT64_C(1) << 20 },
	{ "p",   INT64_C(1) << 50 },
	{ "pb",  INT64_C(1000000000000000) },
	{ "pib", INT64_C(1) << 50 },
	{ "t",   INT64_C(1) << 40 },
	{ "tb",  INT64_C(1000000000000) },
	{ "tib", INT64_C(1) << 40 },
	{ "w",   2 },
};

/* The value of the hexadecimal (or decimal) digit c. */
static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return tolower(c) - 'a' + 10;
}

/* Accumulate the N digits at S in BASE into *V.  0 or SGM_NUM_RANGE. */
static int digits(const char *s, size_t n, int base, int64_t *v)
{
	int64_t acc = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (__builtin_mul_overflow(acc, base, &acc) ||
		    __builtin_add_overflow(acc, hexval((unsigned char)s[i]), &acc))
			return SGM_NUM_RANGE;
	}
	*v = acc;
	return SGM_NUM_OK;
}

/* Look up the N-character suffix at S: its multiplier, or 0 if unknown. */
static int64_t suffix_mult(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (strlen(suffixes[i].name) == n &&
		    strncasecmp(suffixes[i].name, s, n) == 0)
			return suffixes[i].mult;
	}
	return 0;
}

/* Length of the suffix at S: letters up to an 'x' operator. */
static size_t suffix_len(const char *s)
{
	size_t n = 0;

	while (isalpha((unsigned char)s[n]) && s[n] != 'x' && s[n] != 'X')
		n++;
	return n;
}

/*
 * Parse one term at S into *V and set *END past it.  The caller checks
 * what follows.  Returns an sgm_num_err.
 */
static int term(const char *s, const char **end, int64_t *v)
{
	size_t nd, nx = 0;
	int64_t mult;
	int err;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		while (isxdigit((unsigned char)s[2 + nx]))
			nx++;
		if (nx == 0)
			return SGM_NUM_SYNTAX;
		*end = s + 2 + nx;
		return digits(s + 2, nx, 16, v);
	}
	while (isxdigit((unsigned char)s[nx]))
		nx++;
	if (nx > 0 && (s[nx] == 'h' || s[nx] == 'H')) {
		*end = s + nx + 1;
		return digits(s, nx, 16, v);
	}
	nd = strspn(s, "0123456789");
	if (nd == 0)
		return SGM_NUM_SYNTAX;
	err = digits(s, nd, 10, v);
	if (err)
		return err;
	s += nd;
	nx = suffix_len(s);
	*end = s + nx;
	if (nx == 0)
		return SGM_NUM_OK;
	mult = suffix_mult(s, nx);
	if (mult == 0)
		return SGM_NUM_SUFFIX;
	return __builtin_mul_overflow(*v, mult, v) ? SGM_NUM_RANGE : SGM_NUM_OK;
}

/* Parse S to its end; DEPTH counts the operators seen so far. */
static int expr(const char *s, int depth, int64_t *v)
{
	const char *end = s;
	int64_t left, right;
	int err;

	err = term(s, &end, &left);
	if (err)
		return err;
	if (*end == '\0') {
		*v = left;
		return SGM_NUM_OK;
	}
	if (*end != 'x' && *end != 'X' && *end != '+')
		return SGM_NUM_SYNTAX;
	if (depth >= MAX_OPERATORS || end[1] == '\0')
		return SGM_NUM_SYNTAX;
	err = expr(end + 1, depth + 1, &right);
	if (err)
		return err;
	if (*end == '+')
		return __builtin_add_overflow(left, right, v) ?
			SGM_NUM_RANGE : SGM_NUM_OK;
	return __builtin_mul_overflow(left, right, v) ?
		SGM_NUM_RANGE : SGM_NUM_OK;
}

int sgm_num(const char *s, int64_t *val)
{
	int64_t v;
	int err;

	if (s == NULL || *s == '\0')
		return SGM_NUM_EMPTY;
	err = expr(s, 0, &v);
	if (err == SGM_NUM_OK)
		*val = v;
	return err;
}

const char *sgm_num_str(int err)
{
	switch (err) {
	case SGM_NUM_OK:
		return "ok";
	case SGM_NUM_EMPTY:
		return "missing number";
	case SGM_NUM_SYNTAX:
		return "not a number";
	case SGM_NUM_SUFFIX:
		return "unknown multiplier suffix";
	case SGM_NUM_RANGE:
		return "number too large";
	default:
		return "unknown error";
	}
}
