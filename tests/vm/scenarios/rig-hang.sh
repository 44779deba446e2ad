# The rig's self-test: a guest that stops answering must be killed (run with
# --expect-timeout).  The heartbeat is stopped first, so that the guest's
# console goes silent and run.sh's stall limit is what must fire.
kill "$(cat /rig/heartbeat.pid)" || fail "no heartbeat to stop"
sleep 100000
