#!/bin/bash
# SPDX-License-Identifier: MIT
# A run that surveys a registry source before it harvests it marks the
# records gone upstream as a run without a survey does: the survey reads a
# sample (4 levels deep, 200 documents a source), and what it could not
# read does not make the harvest of the source incomplete.
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
e2e_finish
