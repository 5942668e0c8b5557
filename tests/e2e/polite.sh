#!/bin/bash
# SPDX-License-Identifier: MIT
# A good citizen: per-host connection limit (counted on the server side),
# --rate and robots.txt Crawl-delay as request spacing, the User-Agent,
# credentials only for the hosts they were given for (not across hosts, not
# across a redirect), --no-private, and SIGINT/SIGTERM handling.
. "$top_srcdir/tests/e2e/lib.sh"

# A catalog of 30 items on host A; item 0 is on host B (127.0.0.2), and
# /away.json on A redirects to B.
mkdir -p "$T/site"
{
    printf '{"type":"Catalog","stac_version":"1.0.0","id":"p","description":"d","links":['
    printf '{"rel":"item","href":"http://127.0.0.2:{{port}}/i0.json"},'
    printf '{"rel":"item","href":"./away.json"}'
    for i in $(seq 1 29); do printf ',{"rel":"item","href":"./i%d.json"}' "$i"; done
    printf ']}\n'
} >"$T/site/catalog.json"
for i in $(seq 0 29) moved; do
    printf '{"type":"Feature","stac_version":"1.0.0","id":"i%s","geometry":null,"properties":{"datetime":null,"mlm:name":"m%s"},"links":[],"assets":{}}\n' "$i" "$i" >"$T/site/i$i.json"
done
cat >"$T/faults.json" <<'JSON'
[{"path": "^/away\\.json$", "redirect": "http://127.0.0.2:{{port}}/imoved.json"},
 {"path": "^/i[0-9]+\\.json$", "delay_ms": 150}]
JSON
start_api A --host 0.0.0.0 --static "$T/site" --faults "$T/faults.json"
# The server binds every loopback address: 127.0.0.2 reaches it too.
A="http://127.0.0.1:$A_PORT"

# spacing FILE: "N SPAN MEDIAN" of the sorted request times (seconds) in
# FILE: their count, the ms from first to last, the median ms between
# two. Measured where the server reads them, one read late on a loaded
# machine brings the next request closer than the spacing asked for
# (44 ms for 100 seen under load) without any burst; the span and the
# median are what such a read hardly moves and a burst does.
spacing() {
    local n span median
    n=$(wc -l <"$1")
    span=$(awk 'NR == 1 {f = $1} {l = $1} END {printf "%d\n", (l - f) * 1000}' "$1")
    median=$(awk 'NR > 1 {printf "%d\n", ($1 - p) * 1000} {p = $1}' "$1" | sort -n |
        awk '{g[NR] = $1} END {print g[int((NR + 1) / 2)] + 0}')
    echo "$n $span $median"
}

# Per-host concurrency: never more than --per-host in flight on the host.
curl -s "$A/__stats?reset=1" >/dev/null
"$STACML" --db "$T/d1" -q harvest --per-host 3 --concurrency 16 "$A/catalog.json"
check_eq "harvest succeeds" "$?" 0
# Counted for host A alone: the same server answers host B (127.0.0.2),
# whose requests may be in flight beside A's.
max=$(curl -s "$A/__stats" | jq '.max_concurrent_by_addr["127.0.0.1"]')
check "at most --per-host 3 in flight per host, and in parallel (max $max)" \
    test "$max" -ge 2 -a "$max" -le 3
check_eq "31 models" "$("$STACML" --db "$T/d1" export | wc -l)" 31

# --rate: request starts on a host at least 1/R apart.
before=$(wc -l <"$A_LOG")
"$STACML" --db "$T/d2" -q harvest --rate 10 --per-host 8 "$A/catalog.json"
tail -n "+$((before + 1))" "$A_LOG" | jq -r 'select(.path | test("^/i[1-9][0-9]*[.]json$")) | .t' |
    sort -n >"$T/starts"
read -r n span median <<<"$(spacing "$T/starts")"
check "--rate 10: $n requests to one host over $span ms, at most 10 a second" \
    test "$n" -ge 20 -a "$span" -ge $(((n - 1) * 95))
check "--rate 10: median gap ~100 ms ($median ms)" test "$median" -ge 90

# logged_run OUT ARGS...: stacml ARGS, and the requests A saw meanwhile
# in OUT.
logged_run() {
    local out=$1 before
    shift
    before=$(wc -l <"$A_LOG")
    "$STACML" "$@"
    tail -n "+$((before + 1))" "$A_LOG" >"$out"
}

# User-Agent: names stacml by default, overridable.
check "default User-Agent names stacml, its version and URL" \
    jq -e -s 'any(.[]; .headers["User-Agent"] | test("^stacml/[0-9.]+ \\(\\+https?://"))' "$A_LOG"
"$STACML" --db "$T/d3" -q harvest --max-docs 1 --user-agent "probe/1.0" "$A/i1.json"
check "--user-agent sent" jq -e -s 'any(.[]; .headers["User-Agent"] == "probe/1.0")' "$A_LOG"
check "User-Agent and Accept-Encoding sent once, gzip offered" \
    jq -e -s 'length > 0 and all(.[]; (.headers["User-Agent"] | type == "string") and
        (.headers["Accept-Encoding"] | type == "string" and test("gzip")))' "$A_LOG"
check_eq "--user-agent with a line break refused" \
    "$("$STACML" --db "$T/d3" harvest --user-agent "$(printf 'a\r\nX-Evil: 1')" "$A/i1.json" \
        >/dev/null 2>&1; echo $?)" 2
logged_run "$T/ua.jsonl" --db "$T/d3b" -q harvest --header "User-Agent: mine/2" \
    "$A/catalog.json"
check "--header User-Agent replaces ours on the seed's host, sent once" \
    jq -e -s '[.[] | select(.path == "/i5.json")][0].headers["User-Agent"] == "mine/2"' "$T/ua.jsonl"
check "and another host hears the default User-Agent" \
    jq -e -s '[.[] | select(.path == "/i0.json")][0].headers["User-Agent"] | test("^stacml/")' "$T/ua.jsonl"
check "and so does the host a redirect leads to" \
    jq -e -s '[.[] | select(.path == "/imoved.json")][0].headers["User-Agent"] | test("^stacml/")' "$T/ua.jsonl"

# An empty --header User-Agent: libcurl sends no header given with an
# empty value, so it took the User-Agent away from every request to the
# seed's hosts, which an empty --user-agent may not do. Refused alike.
for ua in "User-Agent:" "user-agent:  "; do
    logged_run "$T/noua.jsonl" --db "$T/d3c" -q harvest --header "$ua" \
        "$A/catalog.json" 2>"$T/noua.err"
    check "--header '$ua': a usage error" grep -q "an empty User-Agent" "$T/noua.err"
    check "--header '$ua': no request without a User-Agent" \
        jq -e -s 'all(.[]; .headers["User-Agent"] | type == "string")' "$T/noua.jsonl"
done

# Credentials: only to the seed's host, never to B, never across the
# redirect from A to B; --header-host chooses the host instead.
logged_run "$T/creds.jsonl" --db "$T/d4" -q harvest \
    --header "Authorization: Bearer sekrit" "$A/catalog.json"
check "the token goes to the seed's host" \
    jq -e -s '[.[] | select(.path == "/i5.json")][0].headers.Authorization == "Bearer sekrit"' "$T/creds.jsonl"
check "the token never reaches another host" \
    jq -e -s '[.[] | select(.path == "/i0.json" or .path == "/imoved.json")] |
        length == 2 and all(.[]; .headers.Authorization == null)' "$T/creds.jsonl"
logged_run "$T/creds2.jsonl" --db "$T/d5" -q harvest --header "X-Api-Key: k" \
    --header-host "127.0.0.2:$A_PORT" --header "Authorization: Bearer other" \
    "$A/catalog.json"
check "--header-host: the header goes there" \
    jq -e -s '[.[] | select(.path == "/i0.json")][0].headers.Authorization == "Bearer other"' "$T/creds2.jsonl"
check "--header-host: and not to the seed's host" \
    jq -e -s '[.[] | select(.path == "/i5.json")][0].headers.Authorization == null' "$T/creds2.jsonl"
# The environment's proxies, as libcurl reads them: A serves the site to
# a request for any host, so it stands in for a proxy. Port 9 on loopback
# refuses: a request that went there directly finds nothing.
proxied() { # proxied DB URL VAR=VALUE...: the models harvested
    local db=$1 url=$2
    shift 2
    env -u http_proxy -u https_proxy -u all_proxy -u no_proxy "$@" \
        "$STACML" --db "$db" -q harvest --ignore-robots "$url" 2>/dev/null
    "$STACML" --db "$db" export | wc -l
}
check_eq "http_proxy is used" \
    "$(proxied "$T/px1" http://stac.invalid/i1.json http_proxy="$A")" 1
check_eq "all_proxy is used when there is no http_proxy" \
    "$(proxied "$T/px2" http://stac.invalid/i2.json all_proxy="$A")" 1
check_eq "HTTP_PROXY is not (as in curl)" \
    "$(proxied "$T/px3" http://127.0.0.1:9/i3.json HTTP_PROXY="$A")" 0
check_eq "no_proxy sends the host's requests directly" \
    "$(proxied "$T/px4" http://127.0.0.1:9/i4.json http_proxy="$A" \
        no_proxy=127.0.0.1)" 0
check_eq "NO_PROXY too, when there is no no_proxy" \
    "$(proxied "$T/px5" http://127.0.0.1:9/i5.json http_proxy="$A" \
        NO_PROXY=127.0.0.1)" 0
check_eq "an empty http_proxy is none, all_proxy then counts" \
    "$(proxied "$T/px6" http://stac.invalid/i6.json http_proxy= all_proxy="$A")" 1

check_eq "bad --header refused" \
    "$("$STACML" --db "$T/d6" harvest --header "no colon" "$A/i1.json" >/dev/null 2>&1; echo $?)" 2

# --no-private refuses loopback addresses.
"$STACML" --db "$T/d7" harvest --no-private "$A/catalog.json" 2>"$T/np.err"
check_eq "--no-private: nothing harvested" "$?" 3
check "--no-private: reason given" grep -q "private or loopback address" "$T/np.err"

# Crawl-delay from robots.txt spaces the requests.
printf 'User-agent: stacml\nCrawl-delay: 0.3\n\nUser-agent: *\nDisallow: /\n' >"$T/robots.txt"
start_api R --static "$T/site" --robots "$T/robots.txt"
"$STACML" --db "$T/d8" -q harvest --max-docs 6 "http://127.0.0.1:$R_PORT/catalog.json"
jq -r 'select(.path | test("^/(i[0-9]+|catalog)")) | .t' "$R_LOG" | sort -n >"$T/starts2"
read -r n span median <<<"$(spacing "$T/starts2")"
check "Crawl-delay 0.3 s honoured for our group ($n requests over $span ms, median gap $median ms)" \
    test "$n" -eq 6 -a "$span" -ge $(((n - 1) * 285)) -a "$median" -ge 280

# under_way BEFORE N: wait (up to 20 s) until A has logged N requests
# after its first BEFORE: the harvest has started, however slowly.
under_way() {
    local i=0
    while [ "$(wc -l <"$A_LOG")" -lt $(($1 + $2)) ] && [ $i -lt 400 ]; do
        sleep 0.05
        i=$((i + 1))
    done
}

# SIGINT: stop taking work, finish, commit, summary, status 130; the index
# is valid. A second signal exits at once.
before=$(wc -l <"$A_LOG")
"$STACML" --db "$T/d9" harvest --per-host 1 --rate 5 "$A/catalog.json" 2>"$T/int.err" &
pid=$!
under_way "$before" 4
kill -INT "$pid"
wait "$pid"
check_eq "SIGINT: exit status 130" "$?" 130
check "SIGINT: summary printed" grep -q "stacml: harvest: " "$T/int.err"
check "SIGINT: unfetched work reported" grep -q "left unfetched" "$T/int.err"
check "SIGINT: index valid and readable" sh -c "'$STACML' --db '$T/d9' stats --format json | jq -e '.last_harvest.outcome == \"interrupted\"'"
check "SIGINT: runs lists the run, interrupted, exit 130" \
    sh -c "'$STACML' --db '$T/d9' runs --format json | jq -e 'length == 1 and .[0].outcome == \"interrupted\" and .[0].exit_status == 130'"

# A transfer that never ends (the server stalls it) does not hold an
# interrupted harvest: after a signal it gets five seconds, then it is
# aborted. What was done before the signal is committed at once, so a
# second signal loses none of it.
mkdir -p "$T/sig"
{
    printf '{"type":"Catalog","stac_version":"1.0.0","id":"s","description":"d","links":['
    for i in $(seq 0 5); do printf '%s{"rel":"item","href":"./i%d.json"}' "$([ "$i" = 0 ] || echo ,)" "$i"; done
    printf ']}\n'
} >"$T/sig/catalog.json"
for i in $(seq 0 5); do
    printf '{"type":"Feature","stac_version":"1.0.0","id":"s%s","geometry":null,"properties":{"datetime":null,"mlm:name":"s%s"},"links":[],"assets":{}}\n' "$i" "$i" >"$T/sig/i$i.json"
done
cat >"$T/sig-faults.json" <<'JSON'
[{"path": "^/i5\\.json$", "stall_after_bytes": 10}]
JSON
start_api G --static "$T/sig" --faults "$T/sig-faults.json"
# settled ERR: until the harvest (-v, its stderr in ERR) has stored the
# models of i0-i4 and the server is stalling i5. The server logs a
# request before it answers: the answers may still be on their way, and
# a time to wait for them was too short on a loaded machine.
settled() {
    local i=0
    while [ $i -lt 400 ] && ! { grep -q '"/i5.json"' "$G_LOG" &&
        [ "$(grep -c 'info: model: .*/i[0-4][.]json$' "$1")" -ge 5 ]; }; do
        sleep 0.05
        i=$((i + 1))
    done
}
"$STACML" --db "$T/d14" -v harvest --stall-timeout 300 "$G_URL/catalog.json" 2>"$T/grace.err" &
pid=$!
settled "$T/grace.err"
t0=$(date +%s)
kill -INT "$pid"
wait "$pid"
rc=$?
t1=$(date +%s)
check_eq "stalled transfer: SIGINT exit status 130" "$rc" 130
check "stalled transfer: aborted after the grace period ($((t1 - t0)) s)" test $((t1 - t0)) -le 15
check "stalled transfer: the abort is reported" grep -q "transfer(s) still running, aborted" "$T/grace.err"
check_eq "stalled transfer: the five models fetched are kept" "$("$STACML" --db "$T/d14" export | wc -l)" 5
: >"$G_LOG"
"$STACML" --db "$T/d15" -v harvest --stall-timeout 300 "$G_URL/catalog.json" 2>"$T/grace2.err" &
pid=$!
settled "$T/grace2.err"
t0=$(date +%s%N)
kill -INT "$pid"
sleep 0.5
kill -TERM "$pid" 2>/dev/null # SIGTERM counts as SIGINT does
wait "$pid"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
# The stalled transfer keeps the harvest in its five seconds of grace: only
# the second signal ends it sooner.
check_eq "second signal during the grace period: exit 130" "$rc" 130
check "second signal: said so" grep -q "interrupted again, exiting" "$T/grace2.err"
check "second signal: exits at once, not after the grace period ($ms ms)" \
    test "$ms" -lt 4000
check "after a second signal the index still opens" "$STACML" --db "$T/d15" stats
check_eq "second signal: what was done before the first is committed" \
    "$("$STACML" --db "$T/d15" export | wc -l)" 5

# A robots.txt that fails once (503) is asked for again, not read as
# "disallow all" for the rest of the run.
cat >"$T/robots-503.json" <<'JSON'
[{"path": "^/robots\\.txt$", "status": 503, "times": 1}]
JSON
printf 'User-agent: *\nAllow: /\n' >"$T/robots-ok.txt"
start_api RB --static "$T/sig" --faults "$T/robots-503.json" --robots "$T/robots-ok.txt"
"$STACML" --db "$T/d16" -q harvest "$RB_URL/catalog.json"
check_eq "robots.txt 503 once: retried, harvest exit 0" "$?" 0
check_eq "robots.txt 503 once: asked twice" "$(requests "$RB_LOG" '^/robots.txt$')" 2
check_eq "robots.txt 503 once: every item fetched" "$("$STACML" --db "$T/d16" export | wc -l)" 6

# Every redirect hop is a request of its own: robots.txt judges its
# target, and --rate spaces the hops.
mkdir -p "$T/rd/private"
printf '{"type":"Catalog","stac_version":"1.0.0","id":"r","description":"d","links":[{"rel":"item","href":"./go.json"},{"rel":"item","href":"./hop1.json"}]}' >"$T/rd/catalog.json"
printf '{"type":"Feature","stac_version":"1.0.0","id":"x","geometry":null,"properties":{"datetime":null,"mlm:name":"x"},"links":[],"assets":{}}' >"$T/rd/private/x.json"
printf '{"type":"Feature","stac_version":"1.0.0","id":"y","geometry":null,"properties":{"datetime":null,"mlm:name":"y"},"links":[],"assets":{}}' >"$T/rd/y.json"
cat >"$T/rd-faults.json" <<'JSON'
[{"path": "^/go\\.json$", "redirect": "{{base}}/private/x.json"},
 {"path": "^/hop1\\.json$", "redirect": "{{base}}/hop2.json", "status": 307},
 {"path": "^/hop2\\.json$", "redirect": "{{base}}/hop3.json", "status": 308},
 {"path": "^/hop3\\.json$", "redirect": "{{base}}/y.json", "status": 301}]
JSON
printf 'User-agent: *\nDisallow: /private/\n' >"$T/rd-robots.txt"
start_api RD --static "$T/rd" --faults "$T/rd-faults.json" --robots "$T/rd-robots.txt"
"$STACML" --db "$T/d17" harvest --rate 5 "$RD_URL/catalog.json" 2>"$T/rd.err"
check_eq "redirect into a disallowed path: not fetched" "$(requests "$RD_LOG" '^/private/')" 0
check "redirect into a disallowed path: reported as robots.txt's" \
    grep -q "private/x.json: blocked by robots.txt" "$T/rd.err"
check "a chain of redirects is followed to its end" \
    sh -c "'$STACML' --db '$T/d17' export | jq -e -s 'any(.[]; .id == \"y\" and (.url | endswith(\"/y.json\")))'"
jq -r 'select(.path | test("^/(hop[0-9]|y)\\.json$")) | .t' "$RD_LOG" | sort -n >"$T/hops"
read -r n span median <<<"$(spacing "$T/hops")"
check "--rate 5 spaces the redirect hops ($n over $span ms, median gap $median ms)" \
    test "$n" -ge 4 -a "$span" -ge $(((n - 1) * 190)) -a "$median" -ge 180

# A robots.txt larger than --max-doc-size is read for its first 512 KiB
# (RFC 9309 asks for at least 500 KiB), not taken for "disallow all".
{
    printf 'User-agent: *\nDisallow: /i5\n'
    head -c 600000 /dev/zero | tr '\0' '#'
    printf '\n'
} >"$T/robots-big.txt"
start_api RG --static "$T/sig" --robots "$T/robots-big.txt"
"$STACML" --db "$T/d18" harvest --max-doc-size 100k "$RG_URL/catalog.json" 2>"$T/rg.err"
check_eq "big robots.txt: the allowed items harvested" "$("$STACML" --db "$T/d18" export | wc -l)" 5
check "big robots.txt: its rules read (i5 refused)" grep -q "i5.json: blocked by robots.txt" "$T/rg.err"

# A host that cannot be reached: its robots.txt fails, and the documents
# are reported as not fetched for that reason, not as "blocked by
# robots.txt". A cron job's -q run leaves its outcome in --log.
port=$(free_port)
"$STACML" --db "$T/d11" -q harvest --retries 0 --log "$T/cron.log" \
    "http://127.0.0.1:$port/catalog.json"
check_eq "dead host: exit status 3" "$?" 3
check "dead host: the reason is the unreachable robots.txt" \
    grep -q "failed: http://127.0.0.1:$port/catalog.json: not fetched: robots.txt unreachable (" "$T/cron.log"
check "--log with -q: the run's outcome is in the log" \
    grep -q "stacml: summary: run 1: failed (exit 3): 0 documents fetched" "$T/cron.log"
# A file that is not there is not retried, and a control character that
# a document's escape put in a message does not reach the terminal.
mkdir -p "$T/disk"
printf '{"type":"Catalog","id":"x","stac_version":"1.0.0","description":"d","links":[{"rel":"child","href":"gone.json"},{"rel":"child","href":"bad.json"}]}' >"$T/disk/catalog.json"
printf '{"a":\033[2J}' >"$T/disk/bad.json"
"$STACML" --db "$T/d12" -v harvest "$T/disk/catalog.json" 2>"$T/disk.err"
check_eq "missing file: exit status 1 (some documents failed)" "$?" 1
check "missing file: reported" grep -q "failed: file://.*/gone.json" "$T/disk.err"
check "missing file: not retried" sh -c "! grep -q 'gone.json.*retry' '$T/disk.err'"
check "no raw control character in the messages" sh -c "! grep -q \"\$(printf '\\033')\" '$T/disk.err'"
# A link to a FIFO would block the event loop in open(): refused, as is a
# link to a directory.
mkfifo "$T/disk/pipe"
mkdir -p "$T/disk/adir"
printf '{"type":"Catalog","id":"f","stac_version":"1.0.0","description":"d","links":[{"rel":"child","href":"pipe"},{"rel":"child","href":"adir"}]}' >"$T/disk/fifo.json"
timeout 60 "$STACML" --db "$T/d13" harvest "$T/disk/fifo.json" 2>"$T/fifo.err"
check_eq "FIFO link: no hang, exit status 1" "$?" 1
check "FIFO link: refused, said why" grep -q "pipe: not a regular file" "$T/fifo.err"
check "directory link: refused, said why" grep -q "adir: a directory, not a document" "$T/fifo.err"
"$STACML" --db "$T/d11" -q harvest --log "$T/cron.jsonl" --log-format json "$top_srcdir/seeds/examples/catalog.json"
check "--log-format json: the summary is a JSON line" \
    sh -c "tail -n 1 '$T/cron.jsonl' | jq -e '.level == \"summary\" and (.message | test(\"^run 2: \"))'"

# Many hosts: a connection is kept for each host between its turns (the
# frontier serves the hosts in turn), not closed to make room for the
# next host's. 24 hosts (127.0.0.1-24 reach the same server), 4 items each.
mkdir -p "$T/hosts"
{
    printf '{"type":"Catalog","stac_version":"1.0.0","id":"h","description":"d","links":['
    sep=
    for i in $(seq 1 4); do
        for h in $(seq 1 24); do
            printf '%s{"rel":"item","href":"http://127.0.0.%d:{{port}}/h%d-%d.json"}' "$sep" "$h" "$h" "$i"
            sep=,
        done
    done
    printf ']}\n'
} >"$T/hosts/catalog.json"
for h in $(seq 1 24); do
    for i in $(seq 1 4); do
        printf '{"type":"Feature","stac_version":"1.0.0","id":"h%d-%d","geometry":null,"properties":{"datetime":null},"links":[],"assets":{}}\n' "$h" "$i" >"$T/hosts/h$h-$i.json"
    done
done
start_api MH --host 0.0.0.0 --static "$T/hosts"
"$STACML" --db "$T/dmh" -q harvest --concurrency 4 --ignore-robots "http://127.0.0.1:$MH_PORT/catalog.json"
check_eq "many hosts: harvest succeeds" "$?" 0
check_eq "many hosts: every item asked for" "$(requests "$MH_LOG" '^/h[0-9]+-[0-9]+[.]json$')" 96
conns=$(jq -r 'select(.path | test("^/h[0-9]+-")) | .conn' "$MH_LOG" | sort -u | wc -l)
check "many hosts: a connection per host kept between its turns ($conns for 96 requests to 24 hosts)" \
    test "$conns" -le 28

e2e_finish
