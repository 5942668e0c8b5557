#!/bin/bash
# SPDX-License-Identifier: MIT
# Pagination that cannot run away: a next link equal to the current page,
# a prev token in next, an ever-growing href, empty pages with a next link,
# an endless server, and one that ignores its own page token (the same
# records under ever new next links) each end with a warning for the API,
# the harvest succeeds, and the models found so far are kept.
. "$top_srcdir/tests/e2e/lib.sh"
cat >"$T/world.json" <<'JSON'
{"collections": [{"id": "models", "items": 25, "declares": "item_assets"}]}
JSON
run() { # MODE EXPECTED-WARNING MIN-MODELS
    start_api R --world "$T/world.json" --no-filter --break "$1"
    timeout 120 "$STACML" --db "$T/$1" harvest --page-size 5 --max-pages 40 \
        "$R_URL" 2>"$T/$1.err"
    check_eq "$1: harvest ends and succeeds" "$?" 0
    check "$1: warning names the cause" grep -q "warning: pagination stopped: $2" "$T/$1.err"
    local n
    n=$("$STACML" --db "$T/$1" export | wc -l)
    check "$1: models found so far kept ($n >= $3)" test "$n" -ge "$3"
    check "$1: bounded number of requests" test "$(requests "$R_LOG")" -le 45
    "$STACML" --db "$T/$1" stats --format json >"$T/$1.stats"
    check "$1: warning kept in the harvest record" \
        jq -e '.last_harvest.apis[0].warnings | length >= 1' "$T/$1.stats"
    stop_apis
}
run next-self "next link repeats an earlier request" 11
run prev-in-next "page .* repeats the records of an earlier page" 11
run growing-href "next link longer than" 21
run empty-pages "empty page with a next link" 26
run endless "--max-pages (40) reached" 26
run ignored-token "page .* repeats the records of an earlier page" 6
check "ignored-token: stopped at the first repeated page" \
    test "$(requests "$T/api-R/log.jsonl" '^/collections/models/items$')" -eq 2
# A sample whose page holds nothing ([] or null) yet points on: the
# collection is not called sampled on nothing without a word.
cat >"$T/plain.json" <<'JSON'
{"collections": [{"id": "plain", "items": 25, "declares": null}]}
JSON
for feats in '[]' null; do
    jq -n --argjson f "$feats" '[{path: "^/collections/plain/items$",
        body: ({type: "FeatureCollection", features: $f, links: [{rel: "next",
            href: "{{base}}/collections/plain/items?token=x"}]} | tojson)}]' \
        >"$T/empty-sample.json"
    start_api S --world "$T/plain.json" --no-filter --faults "$T/empty-sample.json"
    "$STACML" --db "$T/es-$feats" harvest "$S_URL" 2>"$T/es-$feats.err"
    check_eq "empty sample page ($feats): harvest succeeds" "$?" 0
    check "empty sample page ($feats): reported" \
        grep -q "warning: pagination stopped: empty page with a next link at ${S_URL}collections/plain/items" \
        "$T/es-$feats.err"
    check_eq "empty sample page ($feats): its next link not followed" \
        "$(requests "$S_LOG" '^/collections/plain/items$')" 1
    stop_apis
done
# Two pages of one search that hold the same item ids in two collections
# (ids are unique within a collection only: versioned or derived
# collections reuse them) are two pages, not one server repeating itself.
start_api P1 --world "$T/world.json" --no-filter
curl -s "${P1_URL}collections/models/items?limit=3" |
    sed -E 's#http://127\.0\.0\.1:[0-9]+#{{base}}#g' >"$T/page-a.json"
stop_apis
jq -n --slurpfile p "$T/page-a.json" '
    ($p[0].features) as $a |
    ($a | map(.collection = "copy" | .links = [{rel: "self",
        href: "{{base}}/collections/copy/items/\(.id)"}])) as $b |
    [{path: "^/search$", query: "^limit=", body: ({type: "FeatureCollection",
        features: $a, links: [{rel: "next", href: "{{base}}/search?token=p2"}]} | tojson)},
     {path: "^/search$", query: "token=p2", body: ({type: "FeatureCollection",
        features: $b, links: [{rel: "next", href: "{{base}}/search?token=p3"}]} | tojson)},
     {path: "^/search$", query: "token=p3", body: ({type: "FeatureCollection",
        features: [], links: []} | tojson)}]' >"$T/same-ids.json"
start_api SI --world "$T/world.json" --no-filter --search-only --faults "$T/same-ids.json"
"$STACML" --db "$T/si" harvest --exhaustive "$SI_URL" 2>"$T/si.err"
check_eq "same ids in two collections: harvest succeeds" "$?" 0
check "same ids in two collections: no repeat seen" sh -c "! grep -q 'repeats the records' '$T/si.err'"
check_eq "same ids in two collections: the page after them asked for" \
    "$(jq -s '[.[] | select(.query.token == "p3")] | length' "$SI_LOG")" 1
check_eq "same ids in two collections: the records of both kept" \
    "$("$STACML" --db "$T/si" export | jq -r .url | grep -c '/collections/copy/items/')" 3
stop_apis
e2e_finish
