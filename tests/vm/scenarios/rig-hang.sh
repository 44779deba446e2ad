# The rig's self-test: a guest that stops answering must be killed at the
# timeout (run with --expect-timeout).
sleep 100000
