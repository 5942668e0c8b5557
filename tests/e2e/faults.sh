#!/bin/bash
# SPDX-License-Identifier: MIT
# Faults: 503s retried until they pass, 429 and 503 with Retry-After in
# seconds and as an HTTP-date waited for, 4xx not retried, 500 given up
# after --retries, a stalled body cut by --stall-timeout, truncation and
# resets retried then reported, JSON nested too deep, invalid UTF-8, a gzip
# bomb, an absurdly long href, a document with 150,000 links, and a
# robots.txt Disallow. Every reachable model is still indexed.
. "$top_srcdir/tests/e2e/lib.sh"
cp -R "$top_srcdir/tests/fixtures/faults" "$T/site"
# {{date+3}} in the fixture becomes an HTTP-date 3 s after the server's
# answer (it used to be set here, at the start: a slow machine reached
# the request too late for the wait to show).
cp "$top_srcdir/tests/fixtures/faults/faults.json" "$T/faults.json"
printf 'User-agent: *\nDisallow: /private/\n' >"$T/robots.txt"
# The 429 lives on a host of its own: a 429 slows its host down for the
# rest of the run, which would slow every other case here.
start_api S2 --static "$T/site" --faults "$T/faults.json"
sed -i "s/{{port2}}/$S2_PORT/" "$T/site/catalog.json"
start_api S --static "$T/site" --faults "$T/faults.json" --robots "$T/robots.txt"
B="http://127.0.0.1:$S_PORT"

"$STACML" --db "$T/db" harvest --retries 2 --retry-delay 100 --stall-timeout 1 \
    "$B/catalog.json" 2>"$T/err"
check_eq "exit status 1: some documents failed" "$?" 1
n() { cat "$S_LOG" "$S2_LOG" | jq -r '.path' | grep -cx "$1" || true; }
t() { cat "$S_LOG" "$S2_LOG" | jq -r --arg p "$1" 'select(.path == $p) | .t'; }
gap() { t "$1" | awk 'NR == 1 {a = $1} NR == 2 {printf "%.0f\n", ($1 - a) * 1000}'; }

check "rejected links (the absurdly long href) counted in the summary" \
    grep -Eq "^stacml: [1-9][0-9]* links rejected" "$T/err"
check_eq "503 twice then OK: three requests" "$(n /retry-503.json)" 3
check_eq "429: retried once" "$(n /retry-429.json)" 2
check "429: Retry-After (1 s) honoured" test "$(gap /retry-429.json)" -ge 950
check_eq "503 with an HTTP-date Retry-After: retried once" "$(n /retry-date.json)" 2
check "HTTP-date Retry-After honoured" test "$(gap /retry-date.json)" -ge 1500
check_eq "404 not retried" "$(n /gone-404.json)" 1
check_eq "500 given up after --retries 2" "$(n /always-500.json)" 3
check_eq "stalled body: retried, then given up" "$(n /stall.json)" 3
check_eq "truncated body: retried, then given up" "$(n /truncated.json)" 3
# libcurl itself re-sends a request once when the reused connection it went
# out on turns out dead, so the server may see up to two per attempt; the
# three attempts are stacml's (--retries 2), counted in its summary.
resets=$(n /reset.json)
check "connection reset: retried, then given up ($resets requests)" \
    test "$resets" -ge 3 -a "$resets" -le 6
check_eq "too deep JSON not retried" "$(n /deep.json)" 1
check_eq "invalid UTF-8 not retried" "$(n /badutf8.json)" 1
check_eq "gzip bomb not retried" "$(n /bomb.json)" 1
check_eq "robots.txt read once per host" "$(n /robots.txt)" 2
check_eq "robots.txt Disallow honoured" "$(jq -r .path "$S_LOG" | grep -c '^/private/' || true)" 0

check "404 reported" grep -q "gone-404.json: HTTP 404" "$T/err"
check "500 reported" grep -q "always-500.json: HTTP 500" "$T/err"
check "stall reported" grep -q "stall.json: stalled: no data for 1 s" "$T/err"
check "truncation reported" grep -q "truncated.json: " "$T/err"
check "reset reported as a reset" grep -Eq "reset.json: .*(reset by peer|Connection reset|reset or closed)" "$T/err"
check "deep JSON reported for its URL" grep -q "deep.json: invalid JSON" "$T/err"
check "invalid UTF-8 reported" grep -q "badutf8.json: invalid JSON" "$T/err"
check "gzip bomb cut off" grep -q "bomb.json: document larger than" "$T/err"
check "robots.txt refusal reported" grep -q "private/catalog.json: blocked by robots.txt" "$T/err"
check "every retry counted: 2+1+1+2+2+2+2" grep -q "stacml: 12 retries; 1 documents refused by robots.txt" "$T/err"
check_eq "every reachable model indexed" \
    "$("$STACML" --db "$T/db" export | jq -r .id | sort | tr '\n' ' ')" \
    "longhref ok-1 ok-2 retry-429 retry-503 retry-date "

# A document with 150,000 links: read, links capped, nothing crashes.
"$STACML" --db "$T/db2" harvest --max-depth 0 --max-doc-size 64M "$B/manylinks.json" 2>"$T/err2"
check_eq "150,000 links: harvest ends" "$?" 0
check "150,000 links: capped with a warning" grep -q "more than 100000 links" "$T/err2"

# --ignore-robots fetches what robots.txt forbids, and no robots.txt.
before=$(wc -l <"$S_LOG")
"$STACML" --db "$T/db3" -q harvest --ignore-robots --max-depth 1 --retries 0 "$B/private/catalog.json"
after() { tail -n "+$((before + 1))" "$S_LOG" | jq -r .path | grep -cx "$1" || true; }
check_eq "--ignore-robots: no robots.txt asked" "$(after /robots.txt)" 0
check_eq "--ignore-robots: disallowed path fetched" "$(after /private/secret.json)" 1

mkdir -p "$T/big"
# A byte order mark and a \u0000 inside a string are valid JSON.
printf '\357\273\277%s' '{"type":"Feature","stac_version":"1.0.0","id":"bom","geometry":null,"properties":{"datetime":null,"mlm:name":"bom","description":"a\u0000b"},"links":[],"assets":{}}' >"$T/big/bom.json"
"$STACML" --db "$T/dbom" -q harvest "$T/big/bom.json"
check_eq "BOM and NUL: exit 0" "$?" 0
check "BOM and NUL: the model is indexed, the NUL kept" \
    sh -c "'$STACML' --db '$T/dbom' export | jq -e 'select(.name == \"bom\") | .description == \"a\\u0000b\"'"

# An integer past 64 bits (here the id, and a uint64 nodata) does not make
# a document invalid: those integers are read as reals, every other number
# as it is, and the model is indexed.
printf '%s' '{"type":"Feature","stac_version":"1.0.0","stac_extensions":["https://stac-extensions.github.io/mlm/v1.5.2/schema.json"],"id":12345678901234567890123,"geometry":null,"properties":{"datetime":"2020-01-01T00:00:00Z","mlm:name":"big","mlm:architecture":"UNet","mlm:tasks":["segmentation"],"mlm:total_parameters":86000000,"note":"digits 99999999999999999999999 in a string","raster:bands":[{"nodata":18446744073709551615,"n":-99999999999999999999}]},"links":[],"assets":{}}' >"$T/big/item.json"
"$STACML" --db "$T/dbig" -q harvest "$T/big/item.json"
check_eq "integer past 64 bits: exit 0" "$?" 0
check "integer past 64 bits: the model is indexed" \
    sh -c "'$STACML' --db '$T/dbig' export | jq -e 'select(.name == \"big\") | .total_parameters == 86000000'"
check "integer past 64 bits: the other integers stay integers" \
    sh -c "'$STACML' --db '$T/dbig' export | grep -q '\"mlm:total_parameters\":86000000[,}]'"
check "integer past 64 bits: no issue about integers read as reals" \
    sh -c "! '$STACML' --db '$T/dbig' export | jq -e '.issues[] | select(test(\"integer\"))'"
check "integer past 64 bits: digits in a string left alone" \
    sh -c "'$STACML' --db '$T/dbig' export | grep -q 'digits 99999999999999999999999 in a string'"

# A number past a double's range is no reason to lose a document either:
# .NET and others print the largest double rounded to 15 digits
# (-1.79769313486232E+308, a float64 nodata), which is past it. It is
# read as the largest double of its sign, every other number as it is.
BIGINT=$(printf '1%.0s' $(seq 400))
printf '%s' '{"type":"Feature","stac_version":"1.0.0","stac_extensions":["https://stac-extensions.github.io/mlm/v1.5.2/schema.json"],"id":"huge","geometry":null,"properties":{"datetime":"2020-01-01T00:00:00Z","mlm:name":"huge","mlm:architecture":"UNet","mlm:tasks":["segmentation"],"raster:bands":[{"nodata":-1.79769313486232E+308,"max":1e400,"big":'"$BIGINT"',"tiny":1e-400,"n":0.5}]},"links":[],"assets":{}}' >"$T/big/huge.json"
"$STACML" --db "$T/dhuge" -q harvest "$T/big/huge.json"
check_eq "number past a double: exit 0" "$?" 0
check "number past a double: the model is indexed, with the largest doubles" \
    sh -c "'$STACML' --db '$T/dhuge' export | jq -e -c '.stac.properties[\"raster:bands\"][0] |
        .nodata == -1.7976931348623157e308 and .max == 1.7976931348623157e308 and
        .big == 1.7976931348623157e308 and .tiny == 0 and .n == 0.5'"

# A 304 to a request that was not conditional has nothing to reuse: a
# failure that says so, not "invalid JSON".
mkdir -p "$T/s304"
printf '{"type":"Catalog","stac_version":"1.0.0","id":"c","description":"d","links":[{"rel":"item","href":"./i1.json"}]}' >"$T/s304/catalog.json"
printf '{"type":"Feature","stac_version":"1.0.0","id":"i1","geometry":null,"properties":{"datetime":null},"links":[],"assets":{}}' >"$T/s304/i1.json"
cat >"$T/f304.json" <<'JSON'
[{"path": "^/i1\\.json$", "status": 304},
 {"path": "^/i2\\.json$", "headers": {"Content-Encoding": "gzip"}}]
JSON
printf '{"type":"Feature","stac_version":"1.0.0","id":"i2","geometry":null,"properties":{"datetime":null},"links":[],"assets":{}}' >"$T/s304/i2.json"
sed -i 's|"./i1.json"}|"./i1.json"},{"rel":"item","href":"./i2.json"}|' "$T/s304/catalog.json"
start_api N3 --static "$T/s304" --faults "$T/f304.json"
"$STACML" --db "$T/d304" harvest --retries 2 --ignore-robots "$N3_URL/catalog.json" 2>"$T/304.err"
check "unconditional 304: reported as such" grep -q "i1.json: HTTP 304 Not Modified, but nothing was stored" "$T/304.err"
check_eq "a body that is not the gzip it claims: not retried" \
    "$(requests "$N3_LOG" '^/i2.json$')" 1
check "a body that is not the gzip it claims: reported" grep -q "i2.json: " "$T/304.err"

# A redirect to a URL that carries credentials is refused as such a link
# is: the server's user:pw is neither sent as Basic auth nor kept.
mkdir -p "$T/scred"
mlm_item cred-target >"$T/scred/target.json"
cat >"$T/fcred.json" <<'JSON'
[{"path": "^/cred\\.json$", "status": 302,
  "headers": {"Location": "http://user:pw@127.0.0.1:{{port}}/target.json"}}]
JSON
start_api NC --static "$T/scred" --faults "$T/fcred.json"
"$STACML" --db "$T/dcred" harvest --retries 0 --ignore-robots "${NC_URL}cred.json" 2>"$T/cred.err"
check_eq "redirect with credentials: exit 3" "$?" 3
check "redirect with credentials: reported" \
    grep -q "cred.json: redirect to a URL that carries credentials (user@host) refused" "$T/cred.err"
check_eq "redirect with credentials: target never asked" "$(requests "$NC_LOG" '^/target.json$')" 0
check "redirect with credentials: no Authorization sent" \
    sh -c "! jq -e 'select(.headers.Authorization)' '$NC_LOG' | grep -q ."

# A redirect to a location that is no URL says so, and shows it.
cat >"$T/fbadloc.json" <<'JSON'
[{"path": "^/badloc\\.json$", "status": 302,
  "headers": {"Location": "http://127.0.0.1:99999/target.json"}}]
JSON
start_api NL --static "$T/scred" --faults "$T/fbadloc.json"
"$STACML" --db "$T/dbadloc" harvest --retries 0 --ignore-robots "${NL_URL}badloc.json" 2>"$T/badloc.err"
check_eq "redirect to no URL: exit 3" "$?" 3
check "redirect to no URL: reported with the location" \
    grep -q "badloc.json: redirect to a location that is not a valid URL (34 bytes): http://127.0.0.1:99999/target.json" "$T/badloc.err"

# A header line longer than libcurl takes is named as such, not as the
# "Out of memory" libcurl says.
big=$(head -c 150000 /dev/zero | tr '\0' a)
printf '[{"path": "^/bighdr\\\\.json$", "headers": {"X-Big": "%s"}}]\n' "$big" >"$T/fbig.json"
start_api NB --static "$T/scred" --faults "$T/fbig.json"
"$STACML" --db "$T/dbig2" harvest --retries 2 --retry-delay 10 --ignore-robots "${NB_URL}bighdr.json" 2>"$T/big.err"
check "an over-long header line named as such" \
    grep -q "bighdr.json: a response header line too long" "$T/big.err"
check_eq "an over-long header line: not asked again" "$(requests "$NB_LOG" '^/bighdr.json$')" 1
# Headers past libcurl's total are refused the same way every time.
"${PYTHON3:-python3}" -c '
import json
print(json.dumps([{"path": "^/manyhdr\\.json$",
                   "headers": {f"X-H{i}": "v" * 200 for i in range(3000)}}]))' >"$T/fmany.json"
start_api NM --static "$T/scred" --faults "$T/fmany.json"
"$STACML" --db "$T/dmany" harvest --retries 2 --retry-delay 10 --ignore-robots "${NM_URL}manyhdr.json" 2>"$T/many.err"
check_eq "too many header bytes: exit 3" "$?" 3
check "too many header bytes: named" grep -qi "manyhdr.json: .*too large" "$T/many.err"
check_eq "too many header bytes: not asked again" "$(requests "$NM_LOG" '^/manyhdr.json$')" 1

# A Retry-After in seconds past 64 bits asks for a very long wait: the
# longest stacml waits (the two-minute cap), not ignored for the short
# backoff. The wait is read from the -v log; the harvest is then
# interrupted rather than waited for.
mkdir -p "$T/slong"
mlm_item long >"$T/slong/long.json"
cat >"$T/flong.json" <<'JSON'
[{"path": "^/long\\.json$", "status": 503,
  "retry_after": "99999999999999999999999", "times": 1}]
JSON
start_api NR --static "$T/slong" --faults "$T/flong.json"
"$STACML" --db "$T/dlong" -v harvest --retries 1 --retry-delay 10 \
    --ignore-robots "${NR_URL}long.json" 2>"$T/long.err" &
pid=$!
i=0
while ! grep -q "long.json: .*; retry 1 in" "$T/long.err" && [ $i -lt 200 ]; do
    sleep 0.05
    i=$((i + 1))
done
kill -INT "$pid" 2>/dev/null
wait "$pid"
check "Retry-After past 64 bits: the wait is the cap" \
    grep -q "long.json: .*; retry 1 in 120000 ms" "$T/long.err"
check_eq "Retry-After past 64 bits: not asked again meanwhile" \
    "$(requests "$NR_LOG" '^/long.json$')" 1

# --retries 0: a document answered 429 is not tried again, but its host
# still waits as told and then gets one request a second, as after a 429
# that is retried (the other documents used to go out at once).
mkdir -p "$T/s429"
printf '{"type":"Catalog","stac_version":"1.0.0","id":"c","description":"d","links":[%s]}' \
    "$(for i in 0 1 2 3 4 5; do printf '{"rel":"item","href":"./i%d.json"}' $i; done | sed 's/}{/},{/g')" \
    >"$T/s429/catalog.json"
printf '[{"path": "^/i[0-9]\\\\.json$", "status": 429, "retry_after": "1"}]' >"$T/f429.json"
start_api N9 --static "$T/s429" --faults "$T/f429.json"
"$STACML" --db "$T/d429" -q harvest --retries 0 --per-host 1 --ignore-robots \
    "${N9_URL}catalog.json"
check_eq "--retries 0, 429: every item asked once" "$(requests "$N9_LOG" '^/i[0-9].json$')" 6
span=$(jq -r 'select(.path | test("^/i[0-9].json$")) | .t' "$N9_LOG" | sort -n |
    awk 'NR == 1 {a = $1} {b = $1} END {printf "%.0f\n", (b - a) * 1000}')
check "--retries 0, 429: the host slowed down ($span ms for six requests)" \
    test "$span" -ge 4500

# A robots.txt that redirects in a loop is unavailable (RFC 9309
# 2.3.1.2), which allows all, as a missing one does. It used to be read
# as "disallow all", reported as "robots.txt unreachable (HTTP 301)".
printf '[{"path": "^/robots\\\\.txt$", "redirect": "/robots.txt", "status": 301}]' >"$T/floop.json"
start_api RL --static "$T/s429" --faults "$T/floop.json"
"$STACML" --db "$T/dloop" harvest --retries 0 "${RL_URL}catalog.json" 2>"$T/loop.err"
check_eq "robots.txt redirect loop: the catalog is read" "$(requests "$RL_LOG" '^/catalog.json$')" 1
check "robots.txt redirect loop: said why" \
    grep -q "robots.txt: too many redirects.*read as unavailable, which allows all" "$T/loop.err"

e2e_finish
