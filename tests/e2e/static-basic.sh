#!/bin/bash
# SPDX-License-Identifier: MIT
# Harvest a static catalog served by a real nginx: cycles, several parents,
# ../ links, an absolute link to the same server, a stale self link, a 404,
# invalid JSON, a non-STAC document, links that must never be fetched, and
# every identifier form of the three model extensions.
. "$top_srcdir/tests/e2e/lib.sh"
serve_fixture static
DB="$T/db"

"$STACML" --db "$DB" harvest "$BASE/catalog.json" >"$T/out" 2>"$T/err"
check_eq "exit status 1 when some documents failed" "$?" 1
export_tsv "$DB" >"$T/got"
check_diff "exported model set" "$T/got" "$top_srcdir/tests/e2e/static-basic.expected"

check "404 reported with URL" grep -q "missing/catalog.json: HTTP 404" "$T/err"
check "invalid JSON reported with line and column" \
    grep -q "broken.json: invalid JSON at line 3 column" "$T/err"
check "non-STAC JSON reported" grep -q "notstac.json: not a STAC document" "$T/err"
check "summary counts" grep -q "9 model records, 3 failed" "$T/err"
# The child link typed image/png is not followed: the summary's reason
# for the rejected links names link types, not only URLs.
check "summary: rejected links include those of a type that is not JSON" \
    grep -q "links rejected (.*types that are not JSON" "$T/err"

access_log_settle
LOG="$T/nginx/access.log"
dups=$(awk '$2 != "/robots.txt" {print $2}' "$LOG" | sort | uniq -d)
check_eq "every document fetched once (cycles, several parents)" "$dups" ""
check "never fetches a non-JSON link" sh -c "! grep -q preview.png '$LOG'"
check "never follows license links" sh -c "! grep -q LICENSE '$LOG'"
check "stale self link not used as base" \
    sh -c "! grep -q '/stale/' '$LOG'"
check "registry reference not fetched" sh -c "! grep -q docker '$LOG'"
check "JSON served as application/octet-stream accepted" \
    grep -q "GET /other/items/s3-object 200" "$LOG"
check "no file:// URL reached from the network" \
    sh -c "! \"$STACML\" --db \"$DB\" export | grep -q passwd"
check "gzip negotiated" sh -c "grep ' /catalog.json ' '$LOG' | grep -q 'gzip'"
check "User-Agent names stacml" grep -q '|stacml/' "$LOG"
fetched=$(grep -vc ' /robots.txt ' "$LOG")
check_eq "documents requested" "$fetched" 17
check_eq "robots.txt asked once, before anything else" \
    "$(grep -c ' /robots.txt ' "$LOG") $(head -1 "$LOG" | awk '{print $2}')" "1 /robots.txt"

# The exported document is the one served, and the fields are all there.
"$STACML" --db "$DB" export >"$T/export.jsonl"
check "export lines carry url id stac_type extensions source stac" \
    jq -e -s 'length > 0 and all(.[]; has("url") and (.id|type=="string") and
        (.stac_type=="Item" or .stac_type=="Collection") and
        (.extensions|type=="array") and (.source|type=="string") and
        (.stac|type=="object"))' "$T/export.jsonl"
jq -S '.stac' <<<"$(grep '"unet-landcover"' "$T/export.jsonl")" >"$T/stac.got"
jq -S . "$T/www/models/deep/items/mlm-new.json" >"$T/stac.want"
check_diff "stac is the document as fetched" "$T/stac.got" "$T/stac.want"

"$STACML" --db "$DB" stats >"$T/stats"
check "stats counts by extension" grep -Eq '^ +5 +mlm$' "$T/stats"
check "stats lists the failures" grep -q "failed: .*broken.json" "$T/stats"
check "stats shows the outcome" grep -q "outcome partial" "$T/stats"
# models/deep/items/plain.json is the one Item with no model marker and no
# link to follow: read without a JSON tree, yet counted like the others.
check_eq "plain items prescanned" \
    "$("$STACML" --db "$DB" stats --format json | jq .last_harvest.plain_items)" 1
# catalog.json is the one container that names nothing like an extension
# of ours (other/collection.json links to dl-beta3.json, and "dl-" is
# enough to be parsed): its links (non-JSON types, registry references,
# file:// and all, checked above) were taken apart by the byte scan.
check_eq "plain catalogs and collections prescanned" \
    "$("$STACML" --db "$DB" stats --format json | jq .last_harvest.plain_containers)" 1

# A second harvest of the same catalog yields the same records, no more.
"$STACML" --db "$DB" -q harvest "$BASE/catalog.json" >"$T/out2" 2>"$T/err2"
check_eq "second harvest exit status" "$?" 1
export_tsv "$DB" >"$T/got2"
check_diff "re-harvest: same records, no duplicates" "$T/got2" \
    "$top_srcdir/tests/e2e/static-basic.expected"
check_eq "quiet harvest prints nothing on stdout" "$(cat "$T/out2")" ""

e2e_finish
