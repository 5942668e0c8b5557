#!/bin/bash
# SPDX-License-Identifier: MIT
# A run that surveys a registry source before it harvests it marks the
# records gone upstream as a run without a survey does: the survey reads a
# sample (4 levels deep, 200 documents a source), and what it could not
# read does not make the harvest of the source incomplete; nor does a
# link still broken that the survey met first.
. "$top_srcdir/tests/e2e/lib.sh"

# catalog DIR ID HREF...: a Catalog in DIR/catalog.json, each HREF a
# child link (a catalog.json) or an item link.
catalog() {
    local dir=$1 id=$2
    shift 2
    mkdir -p "$dir"
    jq -cn --arg id "$id" --args '{type: "Catalog", stac_version: "1.0.0",
        id: $id, description: "d", links: [$ARGS.positional[] |
        {rel: (if endswith("catalog.json") then "child" else "item" end),
         href: .}]}' "$@" >"$dir/catalog.json"
}
# A model five levels down: deeper than a survey reads.
D="$T/deep"
catalog "$D" s ./c/catalog.json
catalog "$D/c" c ./m0.json ./m1.json ./s1/catalog.json
catalog "$D/c/s1" s1 ./s2/catalog.json
catalog "$D/c/s1/s2" s2 ./s3/catalog.json
catalog "$D/c/s1/s2/s3" s3 ./deep.json
for m in m0 m1; do mlm_item $m >"$D/c/$m.json"; done
mlm_item deep >"$D/c/s1/s2/s3/deep.json"
start_api S --static "$D"
jq -cn --arg u "${S_URL}catalog.json" \
    '[{id: "s", title: "S", url: $u, access: "public", isApi: false}]' >"$T/deep.json"

# harvest DB REGISTRY: a run that surveys every source again, and marks
# gone what one complete run no longer reaches.
harvest() {
    "$STACML" --db "$1" -q harvest --registry "$2" --survey-every 0s --gone-after 1
}
models() { "$STACML" --db "$1" export | jq -r .id | sort | tr '\n' ' '; }
complete() {
    "$STACML" --db "$1" runs --format json | jq -r '.[-1].sources[].complete'
}

harvest "$T/db" "$T/deep.json"
check_eq "deep source, run 1: exit 0" "$?" 0
check_eq "deep source, run 1: every model" "$(models "$T/db")" "deep m0 m1 "
check_eq "deep source, run 1: harvested completely" "$(complete "$T/db")" true
catalog "$D/c" c ./m1.json ./s1/catalog.json
rm "$D/c/m0.json"
harvest "$T/db" "$T/deep.json"
check_eq "deep source, run 2: exit 0" "$?" 0
check_eq "deep source, run 2: harvested completely" "$(complete "$T/db")" true
check_eq "deep source, run 2: m0, gone upstream, marked gone" \
    "$(models "$T/db")" "deep m1 "

# A dead link (404), dead the same way in the run before: "still broken",
# which does not make the crawl incomplete (one dead link would otherwise
# keep every record of a catalog from being marked gone). The survey
# reads it first, with no run of its own (its crawl states say run 0).
B="$T/broken"
catalog "$B" b ./m0.json ./m1.json ./dead.json
for m in m0 m1; do mlm_item $m >"$B/$m.json"; done
start_api B --static "$B"
jq -cn --arg u "${B_URL}catalog.json" \
    '[{id: "b", title: "B", url: $u, access: "public", isApi: false}]' >"$T/broken.json"
harvest "$T/bdb" "$T/broken.json"
check_eq "dead link, run 1: exit 1 (a link broken)" "$?" 1
check_eq "dead link, run 1: not complete (the link broke this run)" \
    "$(complete "$T/bdb")" false
catalog "$B" b ./m1.json ./dead.json
rm "$B/m0.json"
harvest "$T/bdb" "$T/broken.json"
check_eq "dead link, run 2: exit 1" "$?" 1
check_eq "dead link, run 2: still broken, counted so" \
    "$("$STACML" --db "$T/bdb" runs --format json | jq -r '.[-1].sources[].still_broken')" 1
check_eq "dead link, run 2: complete" "$(complete "$T/bdb")" true
check_eq "dead link, run 2: m0, gone upstream, marked gone" \
    "$(models "$T/bdb")" "m1 "
e2e_finish
