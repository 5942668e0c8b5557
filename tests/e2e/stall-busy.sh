#!/bin/bash
# SPDX-License-Identifier: MIT
# --stall-timeout counts the server's silence, not our own: a document that
# arrived while stacml could not read it (its loop busy with a large
# document, or the process stopped, as here) is not a stall. The answer
# comes 1 s after the request, while stacml is stopped for 3.5 s; after it
# goes on, the answer waiting in the socket is read, not cut as stalled.
. "$top_srcdir/tests/e2e/lib.sh"
mkdir -p "$T/site"
mlm_item late >"$T/site/late.json"
printf '[{"path": "^/late\\\\.json$", "delay_ms": 1000}]\n' >"$T/faults.json"
start_api S --static "$T/site" --faults "$T/faults.json"

"$STACML" --db "$T/db" harvest --ignore-robots --retries 0 --stall-timeout 2 \
    "${S_URL}late.json" 2>"$T/err" &
pid=$!
sleep 0.4
kill -STOP "$pid"
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
