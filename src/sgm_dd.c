/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sgm_dd - copy between sg devices (and files) through mmap-ed sg reserve
 * buffers, sharing one end's buffer with the other end when the sg driver
 * supports SG_FLAG_SHARED_MMAP_IO.  See sgm_dd(8).
 *
 * parse -> open -> copy -> report; the work is in lib/.
 */
#include "config.h"

#include <scsi/sg_lib.h>

#include "copy.h"
#include "operands.h"
#include "stats.h"
#include "sysio.h"

int main(int argc, char *argv[])
{
	struct sgm_opts opts;
	struct sgm_copy copy;
	int res;

	if (sio_std_fds() < 0)	/* no output may become fd 0, 1 or 2 */
		return SG_LIB_FILE_ERROR;
	res = sgm_parse(argc, argv, &opts);
	if (res)
		return res < 0 ? 0 : res;	/* -1: --help or --version */
	sgs_install_signals();	/* before any skip reads a pipe */
	res = sgm_copy_open(&copy, &opts);
	if (!res && !opts.dry_run)
		res = sgm_copy_run(&copy);
	return sgm_copy_close(&copy, res);
}
