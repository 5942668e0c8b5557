#!/bin/bash
# SPDX-License-Identifier: MIT
# A server that closes its connection after every answer (Connection:
# close) still gets --per-host requests at once over plain HTTP, as a
# server that keeps them alive does. Every transfer asked libcurl to wait
# for a connection it could multiplex on (CURLOPT_PIPEWAIT, which only
# HTTP/2 over TLS can use): once the host's only connection closed, each
# new transfer waited for the single one being opened, so --per-host 4
# gave one request at a time, a crawl four times slower than asked.
. "$top_srcdir/tests/e2e/lib.sh"

flat_catalog "$T/site" 1 12 1
cat >"$T/faults.json" <<'JSON'
[{"path": "^/c0/i[0-9]+\\.json$", "delay_ms": 300, "headers": {"Connection": "close"}},
 {"path": ".", "headers": {"Connection": "close"}}]
JSON
start_api A --static "$T/site" --faults "$T/faults.json"

"$STACML" --db "$T/db" -q harvest --per-host 4 "${A_URL}catalog.json"
check_eq "harvest succeeds" "$?" 0
check_eq "12 models" "$("$STACML" --db "$T/db" export | wc -l)" 12
max=$(curl -s "${A_URL}__stats" | jq '.max_concurrent_by_addr["127.0.0.1"]')
check "the closing server sees requests in parallel, at most 4 (max $max)" \
    test "$max" -ge 2 -a "$max" -le 4
check_eq "robots.txt, the catalog, the collection and 12 items asked for" \
    "$(requests "$A_LOG" '^/(robots[.]txt|catalog[.]json|c0/)')" 15
e2e_finish
