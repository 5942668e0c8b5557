#!/bin/bash
# SPDX-License-Identifier: MIT
# What the walk leaves unread of a source keeps its records from being
# marked gone: a record it did not reach may still be there upstream
# ("never silently lost"). Each case: a first harvest reads the model,
# then the catalog changes so that the model is still held but the walk
# no longer reaches it, and a --gone-after 1 harvest must keep it live
# and say why in its summary.
. "$top_srcdir/tests/e2e/lib.sh"
# Over HTTP, so that a document unchanged since is a 304.
mkdir -p "$T/www"
serve_dir "$T/www"

# gone_kept NAME SEED: the model m is live after the second harvest of
# SEED, whose summary (in $T/NAME.err) says the source was held.
gone_kept() {
    "$STACML" --db "$T/$1.db" harvest --gone-after 1 "$2" \
        2>"$T/$1.err"
    check_eq "$1: second harvest" "$?" 0
    "$STACML" --db "$T/$1.db" export --include-gone >"$T/$1.jsonl"
    check "$1: the model is not marked gone" \
        jq -e -s 'map(select(.id == "m")) | length == 1 and
            (.[0].gone | not)' "$T/$1.jsonl"
    check "$1: the summary says the source was left partly unread" \
        grep -q "part of it was left unread" "$T/$1.err"
    # Unchanged since: what was left unread is still unread, though the
    # document may not be fetched again (a 304).
    "$STACML" --db "$T/$1.db" -q harvest --gone-after 1 "$2"
    check_eq "$1: third harvest" "$?" 0
    "$STACML" --db "$T/$1.db" export --include-gone >"$T/$1.jsonl"
    check "$1: the model is still not marked gone" \
        jq -e -s 'map(select(.id == "m")) | length == 1 and
            (.[0].gone | not)' "$T/$1.jsonl"
}

# data_root NAME FILE ROOT: a root document FILE (the jq object ROOT,
# with a child link to the model's collection and a data link to a list
# of collections that names it as root) harvested once; then its child
# link goes, and gone_kept checks the model is held all the same.
data_root() {
    local D="$T/www/$1"
    mkdir -p "$D/c"
    mlm_item m >"$D/c/m.json"
    item_collection c m >"$D/c/collection.json"
    jq -n "$3"' + {links: [{rel: "child", href: "./c/collection.json"},
            {rel: "data", href: "./collections.json"}]}' >"$D/$2"
    jq -n --slurpfile c "$D/c/collection.json" --arg root "./$2" \
        '{collections: [$c[0] |
            .links += [{rel: "self", href: "./c/collection.json"}]],
        links: [{rel: "root", href: $root}]}' >"$D/collections.json"
    "$STACML" --db "$T/$1.db" -q harvest "$BASE/$1/$2"
    check_eq "$1: first harvest" "$?" 0
    jq '.links |= map(select(.rel != "child"))' "$D/$2" >"$T/root.json"
    mv "$T/root.json" "$D/$2"
    gone_kept "$1" "$BASE/$1/$2"
}

# A catalog whose data link leads to a list of collections that names it
# as root: walked as a static catalog, the collections of the list are
# not walked. The model's collection was a child too, and is no longer.
data_root landing catalog.json '{type: "Catalog", stac_version: "1.0.0",
    id: "root", description: "d"}'

# The same with a Collection at the root: its data link alone makes it
# no plainer (the prescan once took it for a plain Collection, so it was
# neither warned of nor held).
data_root clanding collection.json '{type: "Collection",
    stac_version: "1.0.0", id: "root", description: "d",
    license: "CC-BY-4.0", extent: {spatial: {bbox: [[-180, -90, 180, 90]]},
        temporal: {interval: [[null, null]]}}}'

# A list of collections with no root link: each collection is walked by
# its self link, and the model's collection has lost its own.
D="$T/www/noself"
mkdir -p "$D/c"
mlm_item m >"$D/c/m.json"
item_collection c m >"$D/c/collection.json"
jq -n --slurpfile c "$D/c/collection.json" '{collections: [$c[0] |
    .links += [{rel: "self", href: "./c/collection.json"}]]}' \
    >"$D/collections.json"
"$STACML" --db "$T/noself.db" -q harvest "$BASE/noself/collections.json"
check_eq "noself: first harvest" "$?" 0
jq '.collections[0].links |= map(select(.rel != "self"))' \
    "$D/collections.json" >"$T/list.json"
mv "$T/list.json" "$D/collections.json"
gone_kept noself "$BASE/noself/collections.json"

# A static page of features (an ItemCollection) that is empty but points
# on: the pages after it are not read, as in an API's walk (a server that
# pages forever), and the model has moved to the next page.
D="$T/www/empty"
mkdir -p "$D"
page() {
    jq -n --argjson f "$1" --argjson l "$2" \
        '{type: "FeatureCollection", features: $f, links: $l}'
}
M=$(mlm_item m '[{"rel": "self", "href": "./m.json"}]')
jq -n '{type: "Catalog", stac_version: "1.0.0", id: "root", description: "d",
    links: [{rel: "child", href: "./page1.json"}]}' >"$D/catalog.json"
page "[$M]" '[{"rel": "next", "href": "./page2.json"}]' >"$D/page1.json"
page '[]' '[]' >"$D/page2.json"
"$STACML" --db "$T/empty.db" -q harvest "$BASE/empty/catalog.json"
check_eq "empty: first harvest" "$?" 0
page '[]' '[{"rel": "next", "href": "./page2.json"}]' >"$D/page1.json"
page "[$M]" '[]' >"$D/page2.json"
gone_kept empty "$BASE/empty/catalog.json"

# A catalog of more links than are taken (links.h, LINKS_MAX: 100000):
# the rest are not followed, and the model's collection has moved past
# them.
D="$T/www/many"
mkdir -p "$D/c"
mlm_item m >"$D/c/m.json"
item_collection c m >"$D/c/collection.json"
jq -n '{type: "Feature", stac_version: "1.0.0", id: "x", geometry: null,
    properties: {datetime: "2020-01-01T00:00:00Z"}, links: [], assets: {}}' \
    >"$D/x.json"
catalog() {
    jq -nc --argjson n "$1" '{type: "Catalog", stac_version: "1.0.0",
        id: "root", description: "d",
        links: ([range($n) | {rel: "item", href: "./x.json"}] +
            [{rel: "child", href: "./c/collection.json"}])}' >"$D/catalog.json"
}
catalog 0
"$STACML" --db "$T/many.db" -q harvest "$BASE/many/catalog.json"
check_eq "many: first harvest" "$?" 0
catalog 100000
gone_kept many "$BASE/many/catalog.json"

# A run killed after reading such a page, then resumed: the resumed run
# walks on from the links it stored, and the page still holds the source.
D="$T/www/resume"
flat_catalog "$D" 3 150 10 || fail "generate the catalog"
mkdir -p "$D/h"
mlm_item m >"$D/h/m.json"
item_collection h m >"$D/h/collection.json"
jq '.links += [{rel: "data", href: "./collections.json"},
    {rel: "child", href: "./h/collection.json"}]' "$D/catalog.json" >"$T/c.json"
mv "$T/c.json" "$D/catalog.json"
jq -n --slurpfile c "$D/h/collection.json" '{collections: [$c[0] |
        .links += [{rel: "self", href: "./h/collection.json"}]],
    links: [{rel: "root", href: "./catalog.json"}]}' >"$D/collections.json"
"$STACML" --db "$T/resume.db" -q harvest "$BASE/resume/catalog.json"
check_eq "resume: first harvest" "$?" 0
jq '.links |= map(select(.href != "./h/collection.json"))' "$D/catalog.json" \
    >"$T/c.json"
mv "$T/c.json" "$D/catalog.json"
LOG="$T/nginx/access.log"
access_log_settle
n0=$(wc -l <"$LOG")
"$STACML" --db "$T/resume.db" -q harvest --gone-after 1 --rate 100 \
    --commit-every 5 "$BASE/resume/catalog.json" &
pid=$!
wait_lines "$LOG" $((n0 + 60)) "$pid"
check "resume: second harvest killed mid-run" kill -9 "$pid"
wait "$pid" 2>/dev/null
"$STACML" --db "$T/resume.db" harvest --gone-after 1 \
    "$BASE/resume/catalog.json" 2>"$T/resume.err"
check_eq "resume: resumed harvest" "$?" 0
check "resume: it was resumed" grep -q "resuming run 2" "$T/resume.err"
check "resume: the catalog was not fetched again" \
    sh -c "tail -n +$((n0 + 1)) '$LOG' | grep -c ' /resume/catalog.json ' | grep -qx 1"
"$STACML" --db "$T/resume.db" export --include-gone >"$T/resume.jsonl"
check "resume: the model is not marked gone" \
    jq -e -s 'map(select(.id == "m")) | length == 1 and (.[0].gone | not)' \
    "$T/resume.jsonl"
check "resume: the summary says the source was left partly unread" \
    grep -q "part of it was left unread" "$T/resume.err"

# An API collection with neither a self link nor an id has no URL to walk
# it by: its items link aside, it is not walked, and its models are still
# there.
jq -n '{id: "anon", collections: [{id: "d", items: 2,
    declares: "item_assets"}]}' >"$T/anon.json"
start_api A --world "$T/anon.json" --no-filter
"$STACML" --db "$T/anon.db" -q harvest "$A_URL"
check_eq "anon: first harvest" "$?" 0
check "anon: its models found" \
    test "$("$STACML" --db "$T/anon.db" export | grep -c '"d-0')" -gt 0
stop_apis
jq -n --arg base "http://127.0.0.1:$A_PORT" '[{path: "^/collections$",
    body: ({collections: [{type: "Collection", stac_version: "1.0.0",
        description: "d", license: "x", extent: {},
        stac_extensions: [], links: [{rel: "items",
        href: "\($base)/collections/d/items"}]}], links: []} | tojson)}]' \
    >"$T/anon-faults.json"
start_api A --port "$A_PORT" --world "$T/anon.json" --no-filter \
    --faults "$T/anon-faults.json"
"$STACML" --db "$T/anon.db" harvest --gone-after 1 "$A_URL" 2>"$T/anon.err"
check_eq "anon: second harvest" "$?" 0
check "anon: the collection left unwalked is said" \
    grep -q "neither a self link nor an id" "$T/anon.err"
check_eq "anon: no model marked gone" \
    "$("$STACML" --db "$T/anon.db" export --include-gone |
        jq -s '[.[] | select(.gone)] | length')" 0
stop_apis

# ... and what leaves nothing unread holds nothing: an API that refuses a
# page size above its own (a 400, as stac-fastapi's validation once did)
# is asked again without one and read whole, so a model gone from it is
# marked gone.
echo '[{"path": "/items$", "query": "limit=[0-9]{3,}", "status": 400}]' \
    >"$T/limit.json"
jq -n '{id: "lim", collections: [{id: "d", items: 3,
    declares: "item_assets"}]}' >"$T/w3.json"
jq '.collections[0].items = 2' "$T/w3.json" >"$T/w2.json"
start_api L --world "$T/w3.json" --no-filter --faults "$T/limit.json"
"$STACML" --db "$T/limit.db" -q harvest --page-size 500 "$L_URL"
check_eq "limit: first harvest" "$?" 0
stop_apis
start_api L --port "$L_PORT" --world "$T/w2.json" --no-filter \
    --faults "$T/limit.json"
"$STACML" --db "$T/limit.db" harvest --page-size 500 --gone-after 1 \
    "$L_URL" 2>"$T/limit.err"
check_eq "limit: second harvest" "$?" 0
check "limit: the limit refused is said" \
    grep -q "asked again without a limit" "$T/limit.err"
check_eq "limit: the model the API no longer holds is gone" \
    "$("$STACML" --db "$T/limit.db" export --include-gone |
        jq -s '[.[] | select(.gone)] | length')" 1
stop_apis

# Two seeds that share a catalog: the walk reads it once, for the seed
# that reaches it first, though its model is a record of the other seed
# (the one that alone linked it when the model was found). Broken this
# run, the shared catalog leaves both seeds incomplete: the other seed's
# walk met its link too, and what lies behind it is unknown.
D="$T/www/shared"
mkdir -p "$D/a" "$D/b/s1" "$D/x"
cat_links() { # cat_links FILE HREF...: a Catalog of child or item links
    local f=$1
    shift
    jq -cn --args '{type: "Catalog", stac_version: "1.0.0", id: "c",
        description: "d", links: [$ARGS.positional[] |
        {rel: (if endswith("catalog.json") then "child" else "item" end),
         href: .}]}' "$@" >"$f"
}
mlm_item m >"$D/x/m.json"
mlm_item ma >"$D/a/ma.json"
cat_links "$D/x/catalog.json" ./m.json
cat_links "$D/a/catalog.json" ./ma.json
cat_links "$D/b/catalog.json" ./s1/catalog.json
cat_links "$D/b/s1/catalog.json" ../../x/catalog.json
SA="$BASE/shared/a/catalog.json"
SB="$BASE/shared/b/catalog.json"
"$STACML" --db "$T/shared.db" -q harvest --gone-after 1 "$SA" "$SB"
check_eq "shared: first harvest" "$?" 0
check_eq "shared: the model is a record of the seed that reached it" \
    "$("$STACML" --db "$T/shared.db" export | jq -r 'select(.id == "m") | .source')" "$SB"
# Seed a now links the shared catalog too, nearer, and the catalog cannot
# be read (a half-written upload): the model is still there.
cat_links "$D/a/catalog.json" ./ma.json ../x/catalog.json
printf '{"type": "Catalog", ' >"$D/x/catalog.json"
# One transfer at a time, so that a reaches the shared catalog first (b's
# path to it is all 304s, and would win a race as often as not).
"$STACML" --db "$T/shared.db" harvest --gone-after 1 --concurrency 1 \
    "$SB" "$SA" 2>"$T/shared.err"
check_eq "shared: second harvest (one failure)" "$?" 1
check "shared: the failure is a's" \
    grep -q "^stacml: $SA: 1 documents failed" "$T/shared.err"
"$STACML" --db "$T/shared.db" export --include-gone >"$T/shared.jsonl"
check "shared: the model behind the broken catalog is not marked gone" \
    jq -e -s 'map(select(.id == "m")) | length == 1 and (.[0].gone | not)' \
    "$T/shared.jsonl"
check "shared: the run counts no model gone" sh -c \
    "'$STACML' --db '$T/shared.db' runs --format json | jq -e '.[-1].gone == 0'"
check "shared: neither source complete" sh -c \
    "'$STACML' --db '$T/shared.db' stats --format json |
        jq -e '[.last_harvest.sources[].complete] == [false, false]'"
check "shared: the summary says why for the seed without the failure" \
    grep -q "^stacml: $SB: part of it was left unread (.*$SA" "$T/shared.err"
e2e_finish
