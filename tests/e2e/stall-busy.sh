#!/bin/bash
# SPDX-License-Identifier: MIT
# --stall-timeout counts the server's silence, not our own: a document that
# arrived while stacml could not read it (its loop busy with a large
# document, or the process stopped, as here) is not a stall. stacml is
# stopped once its request is at the server, the answer is let go after
# that, and stacml stays stopped for 3.5 s more; after it goes on, the
# answer waiting in the socket is read, not cut as stalled.
. "$top_srcdir/tests/e2e/lib.sh"
mkdir -p "$T/site"
mlm_item late >"$T/site/late.json"
printf '[{"path": "^/late\\\\.json$", "after": "^/go$"}]\n' >"$T/faults.json"
start_api S --static "$T/site" --faults "$T/faults.json" --arrivals "$T/arrivals"

"$STACML" --db "$T/db" harvest --ignore-robots --retries 0 --stall-timeout 2 \
    "${S_URL}late.json" 2>"$T/err" &
pid=$!
# Stopped once the request is at the server, stacml has had 0.5 s to go
# idle (libcurl's own timers of a new transfer run out: one firing after
# the stop would read the answer first), and it is inside a system call:
# its event loop's wait for the answer, which returns EINTR on SIGCONT, so
# that the loop's timers run before it reads the socket. Not after a guess
# at how long stacml takes to start: stopped before sending the request,
# it sends it after the stop, and the test checks nothing.
i=0
while ! grep -qx 'GET /late.json' "$T/arrivals" 2>/dev/null && [ $i -lt 400 ]; do
    sleep 0.05
    i=$((i + 1))
done
check "the request reached the server" grep -qx 'GET /late.json' "$T/arrivals"
sleep 0.5
# stop_where PID: SIGSTOP PID; once it is stopped, the number of the system
# call it was stopped in, -1 in user space (/proc/PID/syscall; an empty
# answer where that cannot be read).
stop_where() {
    local j=0
    kill -STOP "$1" || return
    while [ "$(cut -d' ' -f3 "/proc/$1/stat")" != T ] && [ $j -lt 500 ]; do
        sleep 0.01
        j=$((j + 1))
    done
    cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null
}
i=0
while [ "$(stop_where "$pid")" = -1 ] && [ $i -lt 100 ]; do
    kill -CONT "$pid"
    sleep 0.01
    i=$((i + 1))
done
check "stopped in a system call" test "$(cut -d' ' -f1 "/proc/$pid/syscall" 2>/dev/null)" != -1
http_get "$S_PORT" /go # the answer to late.json may go now
i=0
while [ "$(requests "$S_LOG" '^/late.json$')" = 0 ] && [ $i -lt 400 ]; do
    sleep 0.05
    i=$((i + 1))
done
check "the answer was sent while stacml was stopped" \
    test "$(requests "$S_LOG" '^/late.json$')" = 1
sleep 3.5
kill -CONT "$pid"
wait "$pid"
check_eq "exit 0: the document was read" "$?" 0
check "not reported as stalled" sh -c "! grep -q stalled '$T/err'"
check_eq "the model is indexed" "$("$STACML" --db "$T/db" export | jq -r .id)" late
check_eq "one request" "$(requests "$S_LOG" '^/late.json$')" 1

# A server that does go silent is still cut by the stall timeout.
printf '[{"path": "^/late\\\\.json$", "stall_after_bytes": 10}]\n' >"$T/faults2.json"
start_api S2 --static "$T/site" --faults "$T/faults2.json"
"$STACML" --db "$T/db2" harvest --ignore-robots --retries 0 --stall-timeout 1 \
    "${S2_URL}late.json" 2>"$T/err2"
check_eq "a real stall: exit 3" "$?" 3
check "a real stall is reported" grep -q "late.json: stalled: no data for 1 s" "$T/err2"
e2e_finish
