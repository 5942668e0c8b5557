#!/bin/bash
# SPDX-License-Identifier: MIT
# A registry's source surveyed again, unchanged upstream: the survey asks
# for each document it knows conditionally, as the harvest does, instead of
# fetching the whole skeleton again every survey period. Its verdict, made
# from what the index holds of the documents answered 304, is the one the
# first survey made, and it still samples a collection's items. Counted at
# the server.
. "$top_srcdir/tests/e2e/lib.sh"

mkdir -p "$T/site/c/sub"
for i in 0 1 2 3 4; do
    mlm_item "m$i" >"$T/site/c/m$i.json"
done
mlm_item deep >"$T/site/c/sub/deep.json"
jq -cn '{type: "Collection", stac_version: "1.0.0", id: "c", description: "d",
    license: "x", extent: {},
    links: ([{rel: "child", href: "./sub/catalog.json"}] +
            [range(5) | {rel: "item", href: "./m\(.).json"}])}' >"$T/site/c/collection.json"
jq -cn '{type: "Catalog", stac_version: "1.0.0", id: "sub", description: "d",
    links: [{rel: "item", href: "./deep.json"}]}' >"$T/site/c/sub/catalog.json"
jq -cn '{type: "Catalog", stac_version: "1.0.0", id: "s", description: "d",
    links: [{rel: "child", href: "./c/collection.json"}]}' >"$T/site/catalog.json"
start_api S --static "$T/site"
jq -cn --arg u "${S_URL}catalog.json" \
    '[{id: "s", title: "S", url: $u, access: "public", isApi: false}]' >"$T/registry.json"
docs_since() {
    tail -n +"$(($1 + 1))" "$S_LOG" | jq -c 'select(.path != "/robots.txt")'
}
survey_of() {
    "$STACML" --db "$T/db" sources --format json |
        jq -c '.[0] | [.verdict, .survey.documents, .survey.models, .survey.model_items]'
}

"$STACML" --db "$T/db" -q harvest --registry "$T/registry.json"
check_eq "first run: exit 0" "$?" 0
first=$(survey_of)
check_eq "first survey: 6 documents (2 of the 5 items sampled), 3 models" \
    "$first" '["holds-models",6,3,3]'

n=$(wc -l <"$S_LOG")
"$STACML" --db "$T/db" -q harvest --registry "$T/registry.json" --survey-every 0s
check_eq "surveyed again: exit 0" "$?" 0
docs_since "$n" >"$T/run2"
check_eq "surveyed again: 9 requests in all, each asked for once" \
    "$(jq -r .path "$T/run2" | sort -u | wc -l) $(wc -l <"$T/run2")" "9 9"
check_eq "surveyed again: every request conditional, every answer 304" \
    "$(jq -c 'select(.headers["If-None-Match"] and .status == 304)' "$T/run2" | wc -l)" 9
check_eq "surveyed again: the same verdict and counts, the same sample" \
    "$(survey_of)" "$first"
check_eq "surveyed again: every model still live" \
    "$("$STACML" --db "$T/db" export | jq -r .id | sort | tr '\n' ' ')" "deep m0 m1 m2 m3 m4 "
e2e_finish
