/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tap.h - the shared helpers of the host unit tests: TAP output
 * ("ok N - what" / "not ok N - what", the lines tests/run-tests.sh counts)
 * and capture of what the code under test writes to a stdio stream.
 *
 * Header-only on purpose: each test_*.c is one program and includes it
 * once.  Exit with tap_done(): 0 when every check passed, else 1.
 */
#ifndef SGSMMAP_TAP_H
#define SGSMMAP_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int tap_count;		/* checks reported so far */
static int tap_failed;		/* of which failed */

/* Report one check: COND passed or not, described by FMT. */
__attribute__((format(printf, 2, 3)))
static inline bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

/* Print a TAP diagnostic line ("# ..."), e.g. what was got instead. */
__attribute__((format(printf, 1, 2)))
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Print the plan and return the exit status of the test program. */
static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

/* A redirection of FP (stdout or stderr) into a temporary file. */
struct tap_capture {
	FILE *fp;		/* the stream captured */
	int saved_fd;		/* its descriptor before the capture */
	FILE *tmp;		/* where its output goes meanwhile */
};

/* Start sending what FP's descriptor receives to a temporary file. */
static inline void tap_capture_begin(struct tap_capture *c, FILE *fp)
{
	c->fp = fp;
	fflush(fp);
	c->tmp = tmpfile();
	c->saved_fd = dup(fileno(fp));
	if (c->tmp == NULL || c->saved_fd < 0 ||
	    dup2(fileno(c->tmp), fileno(fp)) < 0) {
		perror("tap_capture_begin");
		exit(99);
	}
}

/*
 * Restore the stream and copy what it received, NUL-terminated and
 * truncated to SZ - 1 bytes, into BUF.
 */
static inline void tap_capture_end(struct tap_capture *c, char *buf, size_t sz)
{
	size_t n;

	fflush(c->fp);
	dup2(c->saved_fd, fileno(c->fp));
	close(c->saved_fd);
	rewind(c->tmp);
	n = fread(buf, 1, sz - 1, c->tmp);
	buf[n] = '\0';
	fclose(c->tmp);
}

/* An argv made from a space separated string, argv[0] = "sgm_dd". */
struct tap_args {
	char buf[1024];		/* the words, NUL-separated */
	char *argv[34];		/* pointers into buf, NULL-terminated */
	int argc;		/* words + 1 */
};

/* Split LINE at spaces into A (at most 32 words; the rest is dropped). */
static inline void tap_split_args(struct tap_args *a, const char *line)
{
	char *p, *save = NULL;

	snprintf(a->buf, sizeof(a->buf), "%s", line);
	a->argv[0] = (char *)"sgm_dd";
	a->argc = 1;
	for (p = strtok_r(a->buf, " ", &save); p && a->argc < 33;
	     p = strtok_r(NULL, " ", &save))
		a->argv[a->argc++] = p;
	a->argv[a->argc] = NULL;
}

#endif /* SGSMMAP_TAP_H */
