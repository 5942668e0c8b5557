#!/bin/bash
# SPDX-License-Identifier: MIT
# A dataset record that vanishes upstream becomes gone like a model, but
# is counted as a dataset: the run's models gone (summary, runs) stay at
# 0 while every model is still there, and the dataset is counted apart.
. "$top_srcdir/tests/e2e/lib.sh"
serve_copy "$top_srcdir/seeds/examples"
DB="$T/db"
A="$BASE/catalog.json"
D="$T/www/datasets/building-footprints-tdml/collection.json"

"$STACML" --db "$DB" -q harvest "$A"
check_eq "first harvest" "$?" 0
"$STACML" --db "$DB" export --datasets >"$T/ds1.jsonl"
check "two dataset records" jq -e -s 'length == 2' "$T/ds1.jsonl"

# The tile drops out of its collection's links (the file stays).
jq '.links |= map(select(.href | test("tile-0001") | not))' "$D" >"$T/d.json"
mv "$T/d.json" "$D"
"$STACML" --db "$DB" harvest --gone-after 1 "$A" 2>"$T/err"
check_eq "harvest with the tile unlinked" "$?" 0
"$STACML" --db "$DB" export --datasets --include-gone >"$T/ds2.jsonl"
check "the tile's dataset record is gone" \
    jq -e -s 'length == 2 and ([.[] | select(.gone)] | length) == 1' "$T/ds2.jsonl"
"$STACML" --db "$DB" export >"$T/m2.jsonl"
check "every model is still there" jq -e -s 'length == 5' "$T/m2.jsonl"
"$STACML" --db "$DB" runs --format json >"$T/runs"
check "runs: no model gone, one dataset gone" \
    jq -e '.[-1].gone == 0 and .[-1].datasets_gone == 1' "$T/runs"
check "summary: no model gone" sh -c "! grep -q 'models .* [1-9][0-9]* gone' '$T/err'"
check "summary: one dataset gone" grep -q "datasets: 1 recorded, 0 unreachable, 1 gone" "$T/err"
# stats counts the gone dataset apart, as it counts gone models: its
# datasets less the gone ones are what export --datasets lists.
"$STACML" --db "$DB" stats --format json >"$T/stats2"
check "stats: two dataset records, one of them gone" \
    jq -e '.datasets == 2 and .datasets_gone == 1' "$T/stats2"
check_eq "stats: datasets less the gone ones is what export --datasets lists" \
    "$(jq '.datasets - .datasets_gone' "$T/stats2")" \
    "$("$STACML" --db "$DB" export --datasets | wc -l)"
check "stats table: the gone dataset said" sh -c \
    "'$STACML' --db '$DB' stats | grep -q '^dataset records: 2 (0 unreachable, 1 gone upstream)$'"

# A model that vanishes upstream leaves the models of the dataset it was
# trained on, as it leaves search --trained-on; --include-gone lists it,
# saying so.
DSU="$BASE/datasets/building-footprints-tdml/collection.json"
M="$T/www/models/collection.json"
jq '.links |= map(select(.href | test("faster-rcnn") | not))' "$M" >"$T/m.json"
mv "$T/m.json" "$M"
"$STACML" --db "$DB" -q harvest --gone-after 1 "$A"
check_eq "harvest with the detector unlinked" "$?" 0
check_eq "search --trained-on leaves the gone model out" \
    "$("$STACML" --db "$DB" search --format ids --trained-on "$DSU" | cut -f1 | sort | tr '\n' ' ')" \
    "building-scene-classifier-resnet50 building-segmentation-unet-resnet34 "
"$STACML" --db "$DB" export --datasets >"$T/ds3.jsonl"
check "export --datasets: the dataset's models leave the gone model out" \
    jq -e -s --arg u "$DSU" '[.[] | select(.url == $u)] | length == 1 and
     (.[0].models | length) == 2 and all(.[0].models[]; (.url | test("faster-rcnn")) | not)' "$T/ds3.jsonl"
"$STACML" --db "$DB" show "$DSU" >"$T/show3"
check "show: the dataset's models leave the gone model out" \
    jq -e '(.models | length) == 2 and all(.models[]; .gone != true)' "$T/show3"
"$STACML" --db "$DB" export --datasets --include-gone >"$T/ds4.jsonl"
check "export --datasets --include-gone: the gone model listed, marked" \
    jq -e -s --arg u "$DSU" '[.[] | select(.url == $u)] | length == 1 and
     (.[0].models | length) == 3 and
     ([.[0].models[] | select(.gone == true) | .url | test("faster-rcnn")] == [true])' "$T/ds4.jsonl"
e2e_finish
