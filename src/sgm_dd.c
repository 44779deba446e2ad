/* SPDX-License-Identifier: BSD-2-Clause */
/* placeholder: replaced by the real thin main */
#include <stdio.h>
int main(void) { return 0; }
