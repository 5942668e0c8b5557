#!/bin/bash
# SPDX-License-Identifier: MIT
# A 5xx (or 408) without Retry-After holds its host for the backoff, not
# only the document that met it: the host's other documents wait with the
# retry. They used to take the freed slot at once, so a host answering 503
# to everything got request after request (162 for 40 documents in 3.3 s
# at --per-host 4, one every 20 ms): the backoff spared it nothing.
# Asserted on order alone: with --per-host 1 and --retry-delay 1000 the
# retry waits at least 500 ms, which every other item of the host would
# have used.
. "$top_srcdir/tests/e2e/lib.sh"

flat_catalog "$T/site" 1 6 1

# first_retry STATUS: serve the first item asked for with STATUS once;
# check that no other item of the host was asked for before its retry.
first_retry() {
    printf '[{"path": "^/c0/i[0-9]+\\\\.json$", "status": %s, "times": 1}]' "$1" \
        >"$T/faults-$1.json"
    start_api "S$1" --static "$T/site" --faults "$T/faults-$1.json"
    local url log
    eval "url=\$S$1_URL log=\$S$1_LOG"
    "$STACML" --db "$T/db-$1" -q harvest --per-host 1 --retry-delay 1000 \
        "${url}catalog.json"
    check_eq "$1: harvest succeeds" "$?" 0
    check_eq "$1: 6 models" "$("$STACML" --db "$T/db-$1" export | wc -l)" 6
    jq -r 'select(.path | test("^/c0/i")) | .path' "$log" >"$T/items-$1"
    check_eq "$1: 7 item requests" "$(wc -l <"$T/items-$1")" 7
    check_eq "$1: no other item asked for before the retry" \
        "$(awk 'NR == 1 {first = $0; next} $0 == first {print NR - 2; exit}' \
            "$T/items-$1")" 0
}

for status in 503 500 408; do
    first_retry "$status"
done
e2e_finish
