#!/bin/bash
# SPDX-License-Identifier: MIT
# The same models reached from two seeds, then one seed dropped from the
# command line: a run that finds a record unchanged (304) takes it under
# the seed whose crawl reached it, so that the seed left can mark it gone
# when it vanishes there; otherwise it kept the dropped seed as source and
# was never marked gone. A seed given twice counts its gone records once.
. "$top_srcdir/tests/e2e/lib.sh"
serve_copy "$top_srcdir/seeds/examples"
DB="$T/db"
M="$T/www/models"
mkdir -p "$T/www/other"
cat >"$T/www/other/catalog.json" <<'JSON'
{"type": "Catalog", "stac_version": "1.1.0", "id": "other",
 "description": "a second way to the example models",
 "links": [{"rel": "child", "href": "../models/collection.json",
            "type": "application/json"}]}
JSON
A="$BASE/catalog.json"
B="$BASE/other/catalog.json"

"$STACML" --db "$DB" -q harvest "$A" "$B"
check_eq "both seeds" "$?" 0
"$STACML" --db "$DB" export >"$T/run1.jsonl"
check "run 1: five models, all under the second catalog" \
    jq -e -s --arg b "$B" 'length == 5 and all(.[]; .source == $b)' "$T/run1.jsonl"

# Drop seed B: the models are now reached only from A, unchanged.
"$STACML" --db "$DB" -q harvest "$A"
check_eq "seed A alone" "$?" 0
"$STACML" --db "$DB" export >"$T/run2.jsonl"
check "run 2: five models, now under the seed that reached them" \
    jq -e -s --arg a "$A" 'length == 5 and all(.[]; .source == $a)' "$T/run2.jsonl"

# One model vanishes; two complete runs of A mark it gone.
jq '.links |= map(select(.href | test("building-scene-classifier") | not))' \
    "$M/collection.json" >"$T/coll.json"
mv "$T/coll.json" "$M/collection.json"
rm -r "$M/building-scene-classifier-resnet50"
"$STACML" --db "$DB" -q harvest "$A"
check_eq "seed A, model removed (1)" "$?" 0
"$STACML" --db "$DB" -q harvest "$A"
check_eq "seed A, model removed (2)" "$?" 0
"$STACML" --db "$DB" export --include-gone >"$T/run4.jsonl"
check "the vanished model is gone after two complete runs" \
    jq -e -s 'length == 5 and any(.[]; .id == "building-scene-classifier-resnet50" and .gone == true)' "$T/run4.jsonl"
"$STACML" --db "$DB" export >"$T/run4v.jsonl"
check "search and export leave it out" \
    jq -e -s 'length == 4 and all(.[]; .id != "building-scene-classifier-resnet50")' "$T/run4v.jsonl"
"$STACML" --db "$DB" runs --format json >"$T/runs"
check "runs: the last run marked one gone" jq -e '.[-1].gone == 1' "$T/runs"

# A seed given twice is one source: a model that vanishes is counted gone
# once, not once per copy of the seed.
jq '.links |= map(select(.href | test("building-detector") | not))' \
    "$M/collection.json" >"$T/coll.json"
mv "$T/coll.json" "$M/collection.json"
"$STACML" --db "$DB" -q harvest --gone-after 1 "$A" "$A"
check_eq "seed A twice, another model removed" "$?" 0
"$STACML" --db "$DB" export --include-gone >"$T/run5.jsonl"
check "two models gone in all" \
    jq -e -s 'length == 5 and ([.[] | select(.gone)] | length) == 2' "$T/run5.jsonl"
"$STACML" --db "$DB" runs --format json >"$T/runs5"
check "runs: the run with the seed twice marked one gone" jq -e '.[-1].gone == 1' "$T/runs5"

# A seed given twice that fails is every seed failing: exit 3, not 1.
"$STACML" --db "$DB" -q harvest --retries 0 "$BASE/missing.json" "$BASE/missing.json"
check_eq "a missing seed given twice: nothing harvested" "$?" 3
"$STACML" --db "$DB" runs --format json >"$T/runs6"
check "runs: the seed is listed once" jq -e '.[-1].seeds | length == 1' "$T/runs6"

e2e_finish
