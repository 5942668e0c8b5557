#!/bin/bash
# SPDX-License-Identifier: MIT
# Replies that break HTTP itself, written byte for byte by the fixture
# server ("raw" faults): each is a failure named for its URL, retried when
# another try may bring the document, and never costs another document.
# Headers cut off by a closed connection, bytes written past the end of a
# reply on a kept connection (which the next reply on it starts with),
# chunk sizes that are no numbers or promise more than comes, a
# Content-Length that promises more than comes, headers with no body after
# them, a reply that is no HTTP, a redirect to itself and one without a
# Location, Retry-After values
# of 0, below 0 and not a number, and replies that are fine though unusual
# (HTTP/1.0 without keep-alive, a 100 Continue first, a chunked body).
# And a Last-Modified in the future, which is no validator.
. "$top_srcdir/tests/e2e/lib.sh"

mkdir -p "$T/site"
# raw NAME STATUS-LINE HEADERS BODY: a fault rule answering /NAME.json
# with exactly these bytes (header lines joined by CR LF).
raw() {
    jq -cn --arg p "^/$1\\.json\$" --arg r "$2"$'\r\n'"$3"$'\r\n\r\n'"$4" \
        '{path: $p, raw: $r}'
}
body=$(mlm_item fine | jq -c .)
len=${#body}
crlf=$'\r\n'
one=$(mlm_item chunked | jq -c .)
chunked="$(printf '%x' "${#one}")${crlf}${one}${crlf}0${crlf}${crlf}"
two=$(mlm_item continue | jq -c .)

{
    echo '['
    raw cut-headers "HTTP/1.1 200 OK" "Content-Type: application/json" "" |
        jq -c '.raw |= rtrimstr("\r\n")'
    echo ,
    jq -cn '{path: "^/junk-after\\.json$", junk_after: "JUNK"}'
    echo ,
    raw bad-chunk "HTTP/1.1 200 OK" "Transfer-Encoding: chunked" "zz${crlf}${body}${crlf}0${crlf}${crlf}"
    echo ,
    raw short-chunk "HTTP/1.1 200 OK" "Transfer-Encoding: chunked" \
        "$(printf '%x' $((len + 100)))${crlf}${body}"
    echo ,
    raw long-length "HTTP/1.1 200 OK" "Content-Length: $((len + 50))" "$body"
    echo ,
    raw headers-only "HTTP/1.1 200 OK" "Content-Length: 300" ""
    echo ,
    raw not-http "SSH-2.0-OpenSSH_9.2" "" ""
    echo ,
    jq -cn '{path: "^/self\\.json$", redirect: "/self.json", status: 301}'
    for ra in 0 -5 soon; do
        echo ,
        jq -cn --arg p "^/ra$ra\\.json\$" --arg ra "$ra" \
            '{path: $p, status: 503, retry_after: $ra, times: 1}'
    done
    echo ,
    raw http10 "HTTP/1.0 200 OK" "Content-Type: application/json" "$(mlm_item http10 | jq -c .)"
    echo ,
    raw continue "HTTP/1.1 100 Continue${crlf}${crlf}HTTP/1.1 200 OK" \
        "Content-Length: ${#two}" "$two"
    echo ,
    raw chunked "HTTP/1.1 200 OK" "Transfer-Encoding: chunked" "$chunked"
    echo ,
    raw no-location "HTTP/1.1 302 Found" "Content-Length: 0" ""
    echo ']'
} >"$T/faults.json"
# catalog NAME ITEMS...: a Catalog of these items, each an mlm model.
catalog() {
    local name=$1 n
    shift
    for n in "$@"; do
        mlm_item "$n" >"$T/site/$n.json"
    done
    for n in "$@"; do printf '{"rel":"item","href":"./%s.json"}\n' "$n"; done |
        jq -cs '{type: "Catalog", stac_version: "1.0.0", id: "h", description: "d",
            links: .}' >"$T/site/$name.json"
}
catalog catalog cut-headers bad-chunk short-chunk long-length headers-only \
    not-http self ra0 ra-5 rasoon http10 continue chunked no-location
# The victim is asked for right after junk-after, on its connection
# (--per-host 1; a host's links are taken last first).
catalog junk victim junk-after
start_api H --static "$T/site" --faults "$T/faults.json"

timeout 120 "$STACML" --db "$T/db" harvest --ignore-robots --per-host 1 \
    --retries 2 --retry-delay 10 --stall-timeout 2 "${H_URL}catalog.json" 2>"$T/err"
check_eq "exit status 1: some documents failed" "$?" 1
asked() { requests "$H_LOG" "^/$1\\.json\$"; }
failed() { grep -q "failed: ${H_URL}$1.json: $2" "$T/err"; }
models() { "$STACML" --db "$T/db" export | jq -r .id | sort | tr '\n' ' '; }

check "headers cut off: named as such" failed cut-headers \
    "connection closed before the end of the response headers"
check_eq "headers cut off: retried like a truncated body" "$(asked cut-headers)" 3
check "a chunk size that is no number: named" failed bad-chunk \
    "Illegal or missing hexadecimal sequence in chunked-encoding"
check "a chunk cut short: named" failed short-chunk \
    "transfer closed with outstanding read data remaining"
check "a Content-Length that promises more: named" failed long-length \
    "transfer closed with 50 bytes remaining to read"
check_eq "a Content-Length that promises more: retried" "$(asked long-length)" 3
check "headers and no body: named" failed headers-only \
    "transfer closed with 300 bytes remaining to read"
check "a reply that is not HTTP: named" failed not-http "Received HTTP/0.9"
# Once on the connection kept from the reply before, once on a new one.
check "a reply that is not HTTP: not asked again on a new connection" \
    test "$(asked not-http)" -le 2
check "a redirect to itself: ends, named" failed self "too many redirects (more than 10)"
check_eq "a redirect to itself: 11 requests" "$(asked self)" 11
check "a redirect without a Location: named as such" failed no-location \
    "HTTP 302 (a redirect without a Location)"
for ra in 0 -5 soon; do
    check_eq "Retry-After: $ra: retried once, then read" "$(asked "ra$ra")" 2
done
check_eq "every document that could be read is indexed" "$(models)" \
    "chunked continue http10 ra-5 ra0 rasoon "

"$STACML" --db "$T/dj" harvest --ignore-robots --per-host 1 --retries 2 \
    --retry-delay 10 "${H_URL}junk.json" 2>"$T/junk.err"
check_eq "bytes past a reply: exit status 0" "$?" 0
check_eq "bytes past a reply: the next document on that connection is read" \
    "$("$STACML" --db "$T/dj" export | jq -r .id | sort | tr '\n' ' ')" "junk-after victim "

# A Last-Modified in the future (files dated ahead, here ten years) from a
# server without ETags that answers 304 to every If-Modified-Since at or
# after the file's date: sent back, that date would hide an edit made
# before it, for ten years.
mkdir -p "$T/future"
mlm_item ahead >"$T/future/ahead.json"
touch -d '+10 years' "$T/future/ahead.json"
start_api F --static "$T/future" --no-etag
"$STACML" --db "$T/df" -q harvest --ignore-robots "${F_URL}ahead.json"
jq -c '.properties["mlm:architecture"] = "ResNet"' "$T/future/ahead.json" >"$T/edit.json"
cat "$T/edit.json" >"$T/future/ahead.json" # dated now
"$STACML" --db "$T/df" -q harvest --ignore-robots "${F_URL}ahead.json"
check_eq "Last-Modified in the future: the edit is seen" \
    "$("$STACML" --db "$T/df" export | jq -r .architecture)" ResNet
check "Last-Modified in the future: not sent back as If-Modified-Since" \
    sh -c "! jq -e 'select(.headers[\"If-Modified-Since\"])' '$F_LOG' | grep -q ."

e2e_finish
