/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

/* The suite's version, shown by every tool's --version. */
const char sgsmmap_version[] = PACKAGE_VERSION;
