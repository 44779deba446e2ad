#!/bin/sh
# dmesg-check.sh [--context N] FILE: the kernel's reports in a guest's
# dmesg (and the kmemleak report init appends to it), one line for each
# kind found:
#   KIND: the first line of that kind (N lines)
# in the order below; nothing when the log is clean.  With --context N,
# instead, the N lines of FILE from the first report on (the registers,
# the code bytes and the call trace that make it diagnosable once the
# guest is gone).  Exit 0 clean, 1 when something was found, 2 usage.
#
# Kinds, each line counted once, in the first kind it matches: the
# checkers' reports by name first (a lockdep splat starts with "WARNING:",
# a KASAN report with "BUG:"), then the generic ones.
#   kasan         BUG: KASAN: ...
#   kfence        BUG: KFENCE: ...
#   lockdep       possible circular / recursive locking, inconsistent lock
#                 state, irq lock inversion, bad unlock balance, held lock
#                 freed, lock held when returning to user space
#   rcu           suspicious RCU usage
#   atomic-sleep  sleeping function called from invalid context,
#                 scheduling while atomic
#   list          list_add / list_del corruption, list_add double add
#   sg            a BUG in include/linux/scatterlist.h (DEBUG_SG)
#   odebug        ODEBUG: ...
#   ubsan         UBSAN: ...
#   kmemleak      unreferenced object ..., N new suspected memory leaks
#   bug           BUG (a word: "BUG:", "kernel BUG at", SLUB's "BUG
#                 kmalloc-64 (...): Redzone overwritten"; not "DEBUG")
#   warning       WARNING:
#   oops          Oops
#   gpf           general protection fault
#   trace         Call Trace / call trace
set -u
context=0
if [ $# -eq 3 ] && [ "$1" = --context ]; then
	case $2 in
	'' | *[!0-9]*) set -- ;;
	*) context=$2; shift 2 ;;
	esac
fi
[ $# -eq 1 ] && [ -r "$1" ] || {
	echo "usage: dmesg-check.sh [--context N] FILE" >&2
	exit 2
}
LC_ALL=C awk -v context="$context" '
BEGIN {
	n = 0
	k[++n] = "kasan";        p[n] = "BUG: KASAN:"
	k[++n] = "kfence";       p[n] = "BUG: KFENCE:"
	k[++n] = "lockdep";      p[n] = "possible (circular|recursive) locking|inconsistent lock state|irq lock inversion|bad unlock balance|held lock freed|lock held when returning to user space"
	k[++n] = "rcu";          p[n] = "suspicious RCU usage"
	k[++n] = "atomic-sleep"; p[n] = "sleeping function called from invalid context|scheduling while atomic"
	k[++n] = "list";         p[n] = "list_(add|del) corruption|list_add double add"
	k[++n] = "sg";           p[n] = "BUG at include/linux/scatterlist\\.h"
	k[++n] = "odebug";       p[n] = "ODEBUG:"
	k[++n] = "ubsan";        p[n] = "UBSAN:"
	k[++n] = "kmemleak";     p[n] = "unreferenced object 0x|new suspected memory leaks"
	k[++n] = "bug";          p[n] = "(^|[^A-Za-z0-9_])BUG([: ]|$)"
	k[++n] = "warning";      p[n] = "WARNING:"
	k[++n] = "oops";         p[n] = "Oops"
	k[++n] = "gpf";          p[n] = "general protection"
	k[++n] = "trace";        p[n] = "Call Trace|call trace"
}
{
	if (shown && shown < context + 0) {
		print
		shown++
	}
	for (i = 1; i <= n; i++) {
		if ($0 ~ p[i]) {
			if (!shown && context > 0) {
				print
				shown = 1
			}
			if (!(i in first))
				first[i] = $0
			count[i]++
			break
		}
	}
}
END {
	found = 0
	for (i = 1; i <= n; i++) {
		if (!(i in first))
			continue
		found = 1
		if (context > 0)
			continue
		line = first[i]
		sub(/^[ \t]+/, "", line)
		printf "%s: %s (%d line%s)\n", k[i], line, count[i], count[i] == 1 ? "" : "s"
	}
	exit found
}' "$1"
