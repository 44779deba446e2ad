/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * msg.h - the one prefix of sgm_dd's run-time lines on stderr.
 *
 * Every line the suite writes on stderr starts with SGM_PFX, errors,
 * warnings and verbose notes alike; only the summary block (records
 * in/out and what follows it, as sg3_utils prints them) and libsgutils2's
 * decoded sense lines, which follow a prefixed lead line, do not.
 */
#ifndef SGSMMAP_MSG_H
#define SGSMMAP_MSG_H

#define SGM_PFX "sgm_dd: "	/* start of every run-time line */

#endif /* SGSMMAP_MSG_H */
