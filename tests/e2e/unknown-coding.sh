#!/bin/bash
# SPDX-License-Identifier: MIT
# A Content-Encoding that names no content coding: "UTF-8", as S3 objects
# uploaded with that metadata are served, or "binary". Browsers and most
# HTTP clients ignore it and read the body as it is; libcurl refuses it
# ("Unrecognized content encoding type"), which lost the document. It is
# asked for once more, offering and decoding no coding, and read. A real
# gzip body that follows on the same handle is still decoded, and a body
# that is not the gzip it claims still fails (faults.sh).
. "$top_srcdir/tests/e2e/lib.sh"
mkdir -p "$T/site"
for n in s3 binary after; do mlm_item "$n" >"$T/site/$n.json"; done
mlm_item zipped | gzip -c >"$T/zipped.gz"
printf '{"rel":"item","href":"./%s.json"}\n' s3 binary zipped after |
    jq -cs '{type: "Catalog", stac_version: "1.0.0", id: "c", description: "d",
        links: .}' >"$T/site/catalog.json"
jq -cn --arg gz "$(base64 -w0 "$T/zipped.gz")" '[
    {path: "^/s3\\.json$", headers: {"Content-Encoding": "UTF-8"}},
    {path: "^/binary\\.json$", headers: {"Content-Encoding": "binary"}},
    {path: "^/zipped\\.json$", body_base64: $gz,
     headers: {"Content-Encoding": "gzip"}}]' >"$T/faults.json"
start_api S --static "$T/site" --faults "$T/faults.json"

# One transfer at a time: each document is read on the handle the one
# before used, the raw reads included.
"$STACML" --db "$T/db" harvest --ignore-robots --concurrency 1 --per-host 1 \
    "${S_URL}catalog.json" 2>"$T/err"
check_eq "exit status 0" "$?" 0
check_eq "every model is read" \
    "$("$STACML" --db "$T/db" export | jq -r .id | sort | tr '\n' ' ')" \
    "after binary s3 zipped "
asked() { requests "$S_LOG" "^/$1\\.json\$"; }
check_eq "UTF-8: asked for twice" "$(asked s3)" 2
check_eq "binary: asked for twice" "$(asked binary)" 2
check_eq "the others once" "$(asked zipped) $(asked after)" "1 1"
check "the second request offers no coding" \
    jq -e -s '[.[] | select(.path == "/s3.json")] | length == 2 and
        (.[0].headers["Accept-Encoding"] | test("gzip")) and
        (.[1].headers["Accept-Encoding"] // "identity" | test("gzip") | not)' "$S_LOG"
check "the requests after it offer gzip again" \
    jq -e -s '[.[] | select(.path == "/after.json" or .path == "/zipped.json")] |
        length == 2 and all(.headers["Accept-Encoding"] | test("gzip"))' "$S_LOG"
e2e_finish
