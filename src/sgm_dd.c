/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sgm_dd - copy between sg devices (and files) through mmap-ed sg reserve
 * buffers, sharing one end's buffer with the other end when the sg driver
 * supports SG_FLAG_SHARED_MMAP_IO.  See sgm_dd(8).
 *
 * parse -> open -> copy -> report; the work is in lib/.
 */
#include "config.h"

#include "copy.h"
#include "operands.h"

int main(int argc, char *argv[])
{
	struct sgm_opts opts;
	struct sgm_copy copy;
	int res;

	res = sgm_parse(argc, argv, &opts);
	if (res)
		return res < 0 ? 0 : res;	/* -1: --help or --version */
	res = sgm_copy_open(&copy, &opts);
	if (res)
		return res;
	if (!opts.dry_run)
		res = sgm_copy_run(&copy);
	return sgm_copy_close(&copy, res);
}
