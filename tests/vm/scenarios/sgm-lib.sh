# sgm-lib.sh - helpers for the sgm-*.sh scenarios (sourced, not a scenario).
#
# sgm_vs_sg_dd BPT COUNT SKIP SEEK [OPERAND...]
#   Copy SG_IN to SG_OUT with sgm_dd and, onto a re-zeroed output, with
#   stock sg_dd, both with bs=SECTOR and these operands (COUNT "-": not
#   given, derived from the capacities).  Passes when sgm_dd's copy equals
#   the source, the two tools left the same output image, and they printed
#   the same records in/out lines.  sgm_dd's stderr stays in ./sgm.err.
#   SGM_EXTRA: operands for sgm_dd only (e.g. oflag=smmap).
# records FILE: the "records in/out" lines of a dd tool's stderr.
# expect_line FILE TEXT: FILE has a line equal to TEXT, else fail.
# expect_grep FILE PATTERN: FILE has a line matching PATTERN, else fail.
# sgm_status CMD...: run CMD, print its exit status, never fail.
# expect_rc WANT FILE CMD...: CMD exits WANT (stderr in FILE), else fail.

records() {
	grep -E '^[0-9]+\+[0-9]+ records (in|out)$' "$1"
}

expect_line() {
	grep -qxF "$2" "$1" || { sed 's/^/# | /' "$1"; fail "no line '$2'"; }
}

expect_grep() {
	grep -qE "$2" "$1" || { sed 's/^/# | /' "$1"; fail "no line like '$2'"; }
}

sgm_status() {
	"$@"
	echo $?
}

expect_rc() {
	_want=$1 _f=$2
	shift 2
	_rc=$(sgm_status "$@" 2>"$_f")
	[ "$_rc" = "$_want" ] || { sed 's/^/# | /' "$_f"; fail "$*: exit $_rc, wanted $_want"; }
}

# The blocks a derived count covers: the smaller room of in and out.
_sgm_derived() {
	_a=$(($(nblocks "$SD_IN") - $1))
	_b=$(($(nblocks "$SD_OUT") - $2))
	[ "$_a" -lt "$_b" ] && echo "$_a" || echo "$_b"
}

sgm_vs_sg_dd() {
	_bpt=$1 _cnt=$2 _skip=$3 _seek=$4
	shift 4
	_n=$_cnt
	_count="count=$_cnt"
	if [ "$_cnt" = - ]; then
		_n=$(_sgm_derived "$_skip" "$_seek")
		_count=
	fi
	# the output region compared: the copy and 8 blocks either side
	_lo=$((_seek > 8 ? _seek - 8 : 0))
	_hi=$((_seek + _n + 8))
	[ "$_hi" -le "$(nblocks "$SD_OUT")" ] || _hi=$(nblocks "$SD_OUT")
	_ops="bs=$SECTOR bpt=$_bpt $_count skip=$_skip seek=$_seek $*"
	note "sgm_dd vs sg_dd: $_ops ${SGM_EXTRA:-}($_n blocks)"

	fill_zero "$SD_OUT" $((_hi - _lo)) "$_lo"
	# shellcheck disable=SC2086
	sgm_dd if="$SG_IN" of="$SG_OUT" $_ops ${SGM_EXTRA:-} 2>sgm.err
	_rc=$?
	[ "$_rc" = 0 ] || { sed 's/^/# | /' sgm.err
		fail "sgm_dd $_ops ${SGM_EXTRA:-}: exit $_rc"; }
	expect_same "$SD_IN" "$SD_OUT" "$_n" "$_skip" "$_seek"
	read_blocks "$SD_OUT" $((_hi - _lo)) "$_lo" sgm.img ||
		fail "reading sgm_dd image"

	fill_zero "$SD_OUT" $((_hi - _lo)) "$_lo"
	# shellcheck disable=SC2086
	/opt/sg3/bin/sg_dd if="$SG_IN" of="$SG_OUT" $_ops 2>sg_dd.err
	_rc=$?
	[ "$_rc" = 0 ] || { sed 's/^/# | /' sg_dd.err
		fail "stock sg_dd $_ops: exit $_rc"; }
	read_blocks "$SD_OUT" $((_hi - _lo)) "$_lo" sg_dd.img ||
		fail "reading sg_dd image"
	cmp sgm.img sg_dd.img >/dev/null ||
		fail "sgm_dd and sg_dd images differ for $_ops"
	records sgm.err >sgm.rec
	records sg_dd.err >sg_dd.rec
	cmp sgm.rec sg_dd.rec >/dev/null || {
		sed 's/^/# sgm_dd | /' sgm.err
		sed 's/^/# sg_dd  | /' sg_dd.err
		fail "records in/out differ from sg_dd for $_ops"
	}
	expect_line sgm.err "$_n+0 records in"
	expect_line sgm.err "$_n+0 records out"
	rm -f sgm.img sg_dd.img
}

# fill_work [HEAD]: random data in the first HEAD (default 1200) and the
# last 400 blocks of the input disk, the regions the sgm scenarios read,
# so that a boot costs the same whatever the disk size.  Sets cap.
fill_work() {
	cap=$(nblocks "$SD_IN")
	_h=${1:-1200}
	[ "$_h" -le "$cap" ] || _h=$cap
	fill_random "$SD_IN" "$_h"
	_t=$((cap - _h < 400 ? cap - _h : 400))
	[ "$_t" -le 0 ] || fill_random "$SD_IN" "$_t" $((cap - _t))
}

# batches COUNT BPT: commands a copy of COUNT blocks needs per end.
batches() {
	echo $((($1 + $2 - 1) / $2))
}

# sg_shares: the loaded sg driver honours SG_FLAG_SHARED_MMAP_IO
# (version 3.5.37 or later).
sg_shares() {
	_v=$(cat /sys/module/sg/version)
	_o=$IFS
	IFS=.
	# shellcheck disable=SC2086
	set -- $_v
	IFS=$_o
	[ $(($1 * 10000 + $2 * 100 + $3)) -ge 30537 ]
}

# SG_3: a third sg disk (groups with --hosts 3), or empty.
# shellcheck disable=SC2086
SG_3=$(set -- $SG_DEVS; echo "${3:-}")
# shellcheck disable=SC2086
SD_3=$(set -- $SD_DEVS; echo "${3:-}")

# sdebug_set NAME VALUE: a writable scsi_debug driver attribute.
sdebug_set() {
	echo "$2" >"/sys/bus/pseudo/drivers/scsi_debug/$1" ||
		fail "cannot set scsi_debug $1=$2"
}
