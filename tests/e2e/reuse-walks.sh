#!/bin/bash
# SPDX-License-Identifier: MIT
# A document answered 304 is walked on from what is stored of it, as far
# as its full read would have taken the walk: a list of collections met
# outside an API (its collections come inline, not as links; with a root
# link, the root is walked instead), and a training dataset read with
# --dataset-items (its item links and its first items page). Without that,
# the second run of an unchanged site reads none of what lies below them,
# and the third marks it all gone. Counted at the server (nginx).
. "$top_srcdir/tests/e2e/lib.sh"

W="$T/www"
mkdir -p "$W/a" "$W/b" "$W/r/c" "$W/ds"
item_collection a ma >"$W/a/collection.json"
item_collection b mb >"$W/b/collection.json"
mlm_item ma >"$W/a/ma.json"
mlm_item mb >"$W/b/mb.json"
# A list of collections (an API's /collections, met as a plain document)
# with no root link: each collection's self link is walked.
collection_list a b >"$W/list.json"
# One with a root link: the root is walked.
jq -cn '{collections: [], links: [{rel: "root", href: "./r/catalog.json"}]}' >"$W/rooted.json"
jq -cn '{type: "Catalog", stac_version: "1.0.0", id: "r", description: "d",
    links: [{rel: "child", href: "./c/collection.json"}]}' >"$W/r/catalog.json"
item_collection c mr >"$W/r/c/collection.json"
# A model trained on a dataset with an item: read with --dataset-items.
mlm_item mr '[{"rel": "ml-model:train-data", "href": "../../ds/collection.json"}]' >"$W/r/c/mr.json"
jq -cn '{type: "Collection", stac_version: "1.0.0", id: "ds", description: "d",
    license: "x", extent: {}, links: [{rel: "item", href: "./d1.json"}]}' >"$W/ds/collection.json"
jq -cn '{type: "Feature", stac_version: "1.0.0", id: "d1", geometry: null,
    properties: {datetime: "2024-01-01T00:00:00Z"}, links: [], assets: {}}' >"$W/ds/d1.json"
serve_dir "$W"

harvest() {
    access_log_clear
    "$STACML" --db "$T/db" -q harvest --dataset-items "$BASE/list.json" "$BASE/rooted.json"
    check_eq "run $1: exit 0" "$?" 0
    access_log_settle
}
# The documents asked for, as "PATH STATUS", sorted.
asked() { awk '$2 != "/robots.txt" {print $2, $3}' "$T/nginx/access.log" | sort; }

harvest 1
asked >"$T/run1"
check_eq "run 1: the 11 documents, each in full" \
    "$(awk '$2 == 200' "$T/run1" | wc -l) $(wc -l <"$T/run1")" "11 11"
check_eq "run 1: the models" \
    "$("$STACML" --db "$T/db" export | jq -r .id | sort | tr '\n' ' ')" "ma mb mr "
check_eq "run 1: the dataset and its item" \
    "$("$STACML" --db "$T/db" export --datasets | jq -r .id | sort | tr '\n' ' ')" "d1 ds "
for run in 2 3; do
    harvest $run
    asked >"$T/run$run"
    check_eq "run $run: the same 11 documents, each answered 304" \
        "$(tr '\n' ' ' <"$T/run$run")" "$(awk '{print $1, 304}' "$T/run1" | tr '\n' ' ')"
    check_eq "run $run: the collections of the list (no root) still walked" \
        "$(grep -c '^/[ab]/' "$T/run$run")" 4
    check_eq "run $run: the root of the rooted list still walked" \
        "$(grep -c '^/r/' "$T/run$run")" 3
    check_eq "run $run: the dataset's item still read" \
        "$(grep -c '^/ds/d1.json ' "$T/run$run")" 1
done
check_eq "after three runs: no model gone" \
    "$("$STACML" --db "$T/db" export | jq -r .id | sort | tr '\n' ' ')" "ma mb mr "
check_eq "after three runs: no dataset gone" \
    "$("$STACML" --db "$T/db" export --datasets | jq -r .id | sort | tr '\n' ' ')" "d1 ds "
e2e_finish
