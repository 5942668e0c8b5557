#!/bin/bash
# SPDX-License-Identifier: MIT
# An index written by an older stacml corrects itself on the first harvest
# of this one, though the server answers 304 to all of it: a document
# whose stored state an older stacml made otherwise than a full read does
# now is asked for in full, once; every other one conditionally, as ever.
# The older index is made from one this stacml wrote (tests/lib/old-index
# puts back what an older one stored):
#  - a list of collections kept none of the collections it leads to among
#    its links, so a 304 walked none of them and their models were marked
#    gone two runs later;
#  - a Catalog that declares mlm was a model record (stac_type "Catalog"),
#    which each 304 kept;
#  - the first stacml kept no flags nor links (a 304 walked nothing below
#    a catalog and touched no model record).
# Counted at the server (nginx logs the If-None-Match of each request).
. "$top_srcdir/tests/e2e/lib.sh"

OLD="$top_builddir/tests/lib/old-index"
[ -x "$OLD" ] || skip "tests/lib/old-index not built"

W="$T/www"
mkdir -p "$W/a" "$W/b" "$W/cat/c" "$W/flat"
item_collection a ma >"$W/a/collection.json"
item_collection b mb >"$W/b/collection.json"
mlm_item ma >"$W/a/ma.json"
mlm_item mb >"$W/b/mb.json"
# A list of collections (an API's /collections, met as a plain document):
# each collection's self link is walked.
collection_list a b >"$W/list.json"
# A Catalog that declares mlm for its children: no model record.
jq -cn '{type: "Catalog", stac_version: "1.0.0", id: "root", description: "d",
    stac_extensions: ["https://stac-extensions.github.io/mlm/v1.5.2/schema.json"],
    links: [{rel: "child", href: "./c/collection.json"}]}' >"$W/cat/catalog.json"
item_collection c mc >"$W/cat/c/collection.json"
mlm_item mc >"$W/cat/c/mc.json"
# A catalog whose state the first stacml wrote: no flags, no links.
jq -cn '{type: "Catalog", stac_version: "1.0.0", id: "flat", description: "d",
    links: [{rel: "item", href: "./mf.json"}]}' >"$W/flat/catalog.json"
mlm_item mf >"$W/flat/mf.json"
serve_dir "$W"
SEEDS=("$BASE/list.json" "$BASE/cat/catalog.json" "$BASE/flat/catalog.json")

harvest() {
    access_log_clear
    "$STACML" --db "$T/db" -q harvest "${SEEDS[@]}"
    check_eq "$1: exit 0" "$?" 0
    access_log_settle
}
# The documents asked for, as "PATH STATUS CONDITIONAL", sorted.
asked() {
    awk '$2 != "/robots.txt" {print $2, $3, ($4 == "-" ? "full" : "conditional")}' \
        "$T/nginx/cond.log" | LC_ALL=C sort
}
models() { "$STACML" --db "$T/db" export | jq -r .id | sort | tr '\n' ' '; }

harvest "this stacml's first run"
check_eq "first run: the models" "$(models)" "ma mb mc mf "
asked >"$T/run1"
check_eq "first run: 10 documents, each in full" \
    "$(grep -c ' 200 full$' "$T/run1") $(wc -l <"$T/run1")" "10 10"

# Make it an older stacml's index: every state without CRAWL_F_SOUND,
# the list without its collections, the Catalog a model record (flag 1,
# CRAWL_F_MODEL), the flat catalog as the first stacml kept it.
while read -r path _; do
    "$OLD" "$T/db" state "$BASE$path" = = || fail "old-index state $path"
done <"$T/run1"
"$OLD" "$T/db" state "$BASE/list.json" = "" || fail "old-index list"
"$OLD" "$T/db" state "$BASE/cat/catalog.json" 1 = || fail "old-index catalog"
"$OLD" "$T/db" model "$BASE/cat/catalog.json" "$W/cat/catalog.json" ||
    fail "old-index catalog model"
"$OLD" "$T/db" state "$BASE/flat/catalog.json" 0 "" || fail "old-index flat"
check_eq "older index: the Catalog is a model record" \
    "$("$STACML" --db "$T/db" export | jq -r 'select(.id == "root") | .stac_type')" \
    Catalog
# The query commands read it, as they read this stacml's.
for c in stats runs search export; do
    "$STACML" --db "$T/db" "$c" >"$T/out" 2>"$T/err"
    check_eq "older index: $c exit 0" "$?" 0
    check_eq "older index: $c says nothing on stderr" "$(cat "$T/err")" ""
done
check_eq "older index: stats counts its records, the Catalog's too" \
    "$("$STACML" --db "$T/db" stats --format json | jq '"\(.records) \(.records_gone)"')" \
    '"5 0"'

harvest "upgraded run 1"
asked >"$T/run2"
check_eq "upgraded run 1: the list, the Catalog and the flat catalog in full" \
    "$(grep -v ' 304 conditional$' "$T/run2" | tr '\n' ,)" \
    "/cat/catalog.json 200 full,/flat/catalog.json 200 full,/list.json 200 full,"
check_eq "upgraded run 1: the rest asked conditionally, answered 304" \
    "$(grep -c ' 304 conditional$' "$T/run2")" 7
check_eq "upgraded run 1: the collections of the list walked" \
    "$(grep -c '^/[ab]/' "$T/run2")" 4
check_eq "upgraded run 1: the item of the flat catalog asked" \
    "$(grep -c '^/flat/mf.json ' "$T/run2")" 1

for run in 2 3; do
    harvest "upgraded run $run"
    asked >"$T/run$((run + 1))"
    check_eq "upgraded run $run: the same 10 documents, each conditional, 304" \
        "$(tr '\n' ' ' <"$T/run$((run + 1))")" \
        "$(awk '{print $1, 304, "conditional"}' "$T/run1" | tr '\n' ' ')"
done
check_eq "after three upgraded runs: the models live, none gone" \
    "$(models)" "ma mb mc mf "
check_eq "after three upgraded runs: the Catalog's model record gone" \
    "$("$STACML" --db "$T/db" export --include-gone |
        jq -r 'select(.id == "root") | "\(.stac_type) \(.gone)"')" "Catalog true"
check_eq "after three upgraded runs: stats counts it gone" \
    "$("$STACML" --db "$T/db" stats --format json | jq '"\(.records) \(.records_gone)"')" \
    '"5 1"'
e2e_finish
