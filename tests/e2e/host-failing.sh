#!/bin/bash
# SPDX-License-Identifier: MIT
# A host whose documents fail one after the other after their retries (a
# 5xx, a timeout, a refused connection) is not asked for its others this
# run: each would cost its retries' backoff, which the host now waits for
# too, and a host that is down or overloaded took hours of them. The
# documents not asked for are failures that say why, so nothing behind
# them is marked gone; a document that succeeds starts the count again.
. "$top_srcdir/tests/e2e/lib.sh"

flat_catalog "$T/site" 1 20 1
echo '[{"path": "^/c0/i[0-9]+\\.json$", "status": 503}]' >"$T/all.json"
start_api A --static "$T/site" --faults "$T/all.json"
"$STACML" --db "$T/db" harvest --per-host 1 --retries 0 "${A_URL}catalog.json" \
    2>"$T/err"
check_eq "every item failing: exit 1" "$?" 1
check_eq "8 items asked for, then no more" \
    "$(requests "$A_LOG" '^/c0/i')" 8
check "the others failed, saying why" \
    grep -qF "not fetched: its host failed 8 documents in a row after their retries (the last: HTTP 503)" "$T/err"
check_eq "20 failures counted" \
    "$("$STACML" --db "$T/db" stats --format json | jq '.last_harvest.failed')" 20

# Seven failures, a success, then seven more: the host is asked for all.
for i in 0 1 2 3 4 5 6 8 9 10 11 12 13 14; do echo "/c0/i$i.json"; done |
    jq -R . | jq -s 'map({path: ("^" + . + "$"), status: 503})' >"$T/some.json"
start_api B --static "$T/site" --faults "$T/some.json"
"$STACML" --db "$T/db-b" -q harvest --per-host 1 --retries 0 \
    "${B_URL}catalog.json" 2>/dev/null
check_eq "failures broken by successes: exit 1" "$?" 1
check_eq "every item asked for" "$(requests "$B_LOG" '^/c0/i')" 20
e2e_finish
