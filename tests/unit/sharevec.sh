#!/bin/sh
# sharevec.sh PATCH: print, without their leading '+', the driver's vector
# arithmetic as PATCH adds it to sg.c: sg_share_vec_len() and
# sg_share_nr_vecs(), verbatim, for test_sharevec.c to compile on the host.
# Exit 1 if PATCH has no such functions.
awk '/^\+static unsigned long sg_share_vec_len\(/ { on = 1 }
     on { sub(/^\+/, ""); print }
     on && /^}$/ && ++n == 2 { found = 1; exit }
     END { exit !found }' "$1"
