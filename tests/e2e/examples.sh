#!/bin/bash
# SPDX-License-Identifier: MIT
# The bundled example catalog (seeds/examples), harvested from disk as a
# path and as a file:// URL, and over HTTP from nginx: the same five model
# records each time, every document fetched, no failure.
. "$top_srcdir/tests/e2e/lib.sh"
EX="$top_srcdir/seeds/examples"
WANT="$top_srcdir/tests/e2e/examples.expected"

# url id type extensions, with the URL made relative to the catalog root.
records_below() { # DB ROOT_URL
    "$STACML" --db "$1" export |
        jq -r --arg root "$2" \
            '[(.url | ltrimstr($root)), .id, .stac_type, (.extensions | join(","))] | @tsv' |
        LC_ALL=C sort
}

ROOT_URL="file://$(cd "$EX" && pwd -P)/"
"$STACML" --db "$T/db1" harvest "$EX" 2>"$T/err1"
check_eq "path harvest exit status" "$?" 0
check "summary: 11 documents, 5 models, 0 failed" \
    grep -q "11 documents fetched, 11 STAC documents, 5 model records, 0 failed" "$T/err1"
records_below "$T/db1" "$ROOT_URL" >"$T/got1"
check_diff "models found from a path" "$T/got1" "$WANT"
check "source is the seed" sh -c "'$STACML' --db '$T/db1' export | jq -e -s \
    'all(.[]; .source == \"${ROOT_URL}catalog.json\")'"
check_eq "--source names the seed as it was given (a directory)" \
    "$("$STACML" --db "$T/db1" search --format ids --source "$EX" | wc -l)" 5
check_eq "--source names the seed as a file:// directory" \
    "$("$STACML" --db "$T/db1" export --source "$ROOT_URL" | wc -l)" 5

"$STACML" --db "$T/db2" -q harvest "${ROOT_URL}catalog.json"
check_eq "file:// harvest exit status" "$?" 0
records_below "$T/db2" "$ROOT_URL" >"$T/got2"
check_diff "models found from a file:// URL" "$T/got2" "$WANT"

mkdir -p "$T/www"
cp -R "$EX/." "$T/www/"
serve_dir "$T/www"
"$STACML" --db "$T/db3" harvest --per-host 2 "$BASE/catalog.json" 2>"$T/err3"
check_eq "http harvest exit status" "$?" 0
records_below "$T/db3" "$BASE/" >"$T/got3"
check_diff "models found over HTTP" "$T/got3" "$WANT"
access_log_settle
check_eq "each document requested once" \
    "$(awk '{print $2}' "$T/nginx/access.log" | sort | uniq -d)" ""
check_eq "documents requested" "$(grep -vc ' /robots.txt ' "$T/nginx/access.log")" 11

"$STACML" --db "$T/db3" search building >"$T/search"
check_eq "search finds every building model" "$(grep -c 'building' "$T/search")" 5
"$STACML" --db "$T/db3" search --format ids unet >"$T/unet"
check_eq "search unet" "$(cut -f1 "$T/unet" | sort | tr '\n' ' ')" \
    "building-segmentation-unet-resnet34 building-unet-resnet18-dlm "

e2e_finish
