# tap.sh - TAP helpers of the shell-driven unit tests (sourced, not run):
# ok STATUS DESCRIPTION   one TAP line, STATUS 0 is a pass; a failure runs
#                         the caller's on_fail hook, if it defines one
# skip DESCRIPTION REASON a skipped test
# tap_done                the plan line; exits 0 or 1
# The sourcing script keeps n and failed as they are counted here.
n=0
failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
		command -v on_fail >/dev/null && on_fail
	fi
	return 0
}
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
tap_done() {
	echo "1..$n"
	exit $failed
}
