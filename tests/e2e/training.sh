#!/bin/bash
# SPDX-License-Identifier: MIT
# Models and their training data: a tdml dataset shared by two models and
# also part of the tree, one on a second host name (127.0.0.2) that is read
# but not walked, a dead one, plain collections (one only linked, one also
# in the tree), and an inference product whose derived_from points at a
# model. Checked through export, export --datasets, show and every search
# filter.
. "$top_srcdir/tests/e2e/lib.sh"
serve_fixture training
DB="$T/db"
R="http://127.0.0.2:$PORT"
ids() { "$STACML" --db "$DB" search --format ids "$@" | cut -f1 | sort | tr '\n' ' '; }

"$STACML" --db "$DB" harvest "$BASE/catalog.json" 2>"$T/err"
check_eq "a dead dataset link does not fail the harvest" "$?" 0
check "datasets summarised" grep -q "datasets: 5 recorded, 1 unreachable" "$T/err"
access_log_settle
LOG="$T/nginx/access.log"
check "the dataset on the second host is read" grep -q "GET /remote/collection.json 200" "$LOG"
check "a dataset reached only by a training link is not walked" \
    sh -c "! grep -q 'huge-1.json\|/remote/items\|scene-1.json' '$LOG'"
check "the shared tdml dataset in the tree is walked" grep -q "GET /datasets/shared/item-1.json 200" "$LOG"
check "an inference product's derived_from is not training data" \
    sh -c "! grep -q '/datasets/never/' '$LOG'"
check_eq "plain-in-tree read twice (walk, then as dataset)" \
    "$(grep -c 'GET /datasets/plain-in-tree/collection.json' "$LOG")" 2

"$STACML" --db "$DB" export >"$T/models.jsonl"
m() { jq -c --arg id "$1" 'select(.id == $id)' "$T/models.jsonl"; }
check_eq "three models" "$(jq -r .id "$T/models.jsonl" | sort | tr '\n' ' ')" \
    "cls-gamma det-beta seg-alpha "
check "seg-alpha links train and test" jq -e --arg b "$BASE" --arg r "$R" \
    '.train_data == [$b+"/datasets/shared/collection.json"]
     and .test_data == [$r+"/remote/collection.json"] and .issues == []' \
    <<<"$(m seg-alpha)"
check "derived_from without split is training data" jq -e --arg b "$BASE" \
    '(.train_data | index($b+"/datasets/plain/collection.json")) != null' \
    <<<"$(m cls-gamma)"
check "validate split" jq -e --arg r "$R" \
    '.validation_data == [$r+"/remote/collection.json"]' \
    <<<"$(m cls-gamma)"
check "the dead link is an issue of the model" jq -e \
    'any(.issues[]; test("dead/collection.json is unreachable: HTTP 404"))' \
    <<<"$(m det-beta)"
check "datasets listed on the model with roles" jq -e \
    '[.datasets[].role] == ["train", "test"]' \
    <<<"$(m det-beta)"

"$STACML" --db "$DB" export --datasets >"$T/datasets.jsonl"
check_eq "export --datasets --source: none from elsewhere" \
    "$("$STACML" --db "$DB" export --datasets --source http://nowhere.invalid/ | wc -l)" 0
check_eq "export --datasets --source: all from the seed" \
    "$("$STACML" --db "$DB" export --datasets --source "$(jq -r '.source' "$T/datasets.jsonl" | head -n 1)" | wc -l)" \
    "$(jq -r '.source' "$T/datasets.jsonl" | grep -cxF "$(jq -r '.source' "$T/datasets.jsonl" | head -n 1)")"
"$STACML" --db "$DB" export --datasets --task segmentation >/dev/null 2>"$T/dstask.err"
check_eq "export --datasets --task: usage error" "$?" 2
check "export --datasets --task: says why" grep -q -- "--task selects models" "$T/dstask.err"
check_eq "export --datasets WORDS: the words select datasets" \
    "$("$STACML" --db "$DB" export --datasets SHARED building | jq -r .id | tr '\n' ' ')" \
    "shared-buildings "
check_eq "export WORDS: the words select models, as in search" \
    "$("$STACML" --db "$DB" export ALPHA | jq -r .id | tr '\n' ' ')" "seg-alpha "
dsline() { jq -c --arg u "$1" 'select(.url == $u)' "$T/datasets.jsonl"; }
check "shared dataset: tdml, two models" jq -e --arg b "$BASE" \
    '.tdml == true and .amount_of_training_data == 5000 and
     ([.models[] | .role + " " + (.url | sub(".*/"; ""))] | sort) == ["train a.json", "train b.json"]' \
    <<<"$(dsline "$BASE/datasets/shared/collection.json")"
check "remote dataset: tdml fields from Collection.properties, doi" jq -e \
    '.tdml == true and .amount_of_training_data == 42 and .doi == "10.5281/zenodo.0000000" and
     ([.models[].role] | sort) == ["test", "validation"]' \
    <<<"$(dsline "$R/remote/collection.json")"
check "dead dataset: unreachable, its model listed" jq -e \
    '.reachable == false and (.reason | test("404")) and .models[0].role == "test"' \
    <<<"$(dsline "$BASE/datasets/dead/collection.json")"
check "dead dataset: the fields every dataset record has, empty" jq -e \
    '.tdml == false and .label_classes == [] and .label_tasks == [] and .versions == [] and
     .issues == [] and .stac == null and .stac_type == null and .id == ""' \
    <<<"$(dsline "$BASE/datasets/dead/collection.json")"
check "plain dataset: tdml false, label classes" jq -e \
    '.tdml == false and .reachable == true and (.label_classes | length) == 1' \
    <<<"$(dsline "$BASE/datasets/plain/collection.json")"
check "plain dataset in the tree recorded too" jq -e '.tdml == false and .models[0].role == "test"' \
    <<<"$(dsline "$BASE/datasets/plain-in-tree/collection.json")"
check "tdml item in the tree is a dataset without models" jq -e '.models == []' \
    <<<"$(dsline "$BASE/datasets/shared/item-1.json")"

"$STACML" --db "$DB" show shared-buildings >"$T/show"
check "show a dataset lists its models" jq -e '(.models | length) == 2' "$T/show"
"$STACML" --db "$DB" show "$BASE/datasets/dead/collection.json" >"$T/show2"
check "show a dead dataset by URL" jq -e '.reachable == false' "$T/show2"
"$STACML" --db "$DB" show seg-alpha >"$T/show3"
check "show a model" jq -e '.name == "Alpha segmenter" and .tasks == ["semantic-segmentation"]' "$T/show3"

check_eq "--task" "$(ids --task semantic-segmentation)" "seg-alpha "
check_eq "--task from ml-model prediction_type" "$(ids --task object-detection)" "det-beta "
check_eq "--framework, case-insensitive" "$(ids --framework PYTORCH)" "seg-alpha "
check_eq "--architecture folds punctuation" "$(ids --architecture unet)" "seg-alpha "
check_eq "--architecture Faster R-CNN" "$(ids --architecture 'faster rcnn')" "det-beta "
check_eq "--extension" "$(ids --extension ml-model)" "det-beta "
check_eq "--extension mlm" "$(ids --extension mlm)" "cls-gamma seg-alpha "
check_eq "--bbox intersects" "$(ids --bbox 4,44,20,60)" "seg-alpha "
check_eq "--bbox elsewhere" "$(ids --bbox -115,35,-100,45)" "cls-gamma "
check_eq "--bbox nowhere" "$(ids --bbox 50,50,60,60)" ""
check_eq "--datetime instant in an interval" "$(ids --datetime 2021-06-01T00:00:00Z)" "seg-alpha "
check_eq "--datetime interval" "$(ids --datetime 2019-01-01T00:00:00Z/2021-01-01T00:00:00Z)" \
    "det-beta seg-alpha "
check_eq "--datetime open interval" "$(ids --datetime 2022-01-01T00:00:00Z/..)" "cls-gamma "
check_eq "--trained-on URL" "$(ids --trained-on "$BASE/datasets/shared/collection.json")" \
    "det-beta seg-alpha "
check_eq "--trained-on id" "$(ids --trained-on remote-dataset)" "cls-gamma seg-alpha "
check_eq "--source" "$(ids --source "$BASE/catalog.json")" "cls-gamma det-beta seg-alpha "
check_eq "--source other" "$(ids --source "$BASE/other.json")" ""
check_eq "filters combine" "$(ids --extension mlm --trained-on remote-dataset --task classification)" \
    "cls-gamma "
check_eq "filters and words" "$(ids --trained-on remote-dataset gamma)" "cls-gamma "
check_eq "export takes the filters" \
    "$("$STACML" --db "$DB" export --task classification | jq -r .id)" "cls-gamma"
check_eq "bad --bbox" "$("$STACML" --db "$DB" search --bbox 1,2,3 >/dev/null 2>&1; echo $?)" 2
check_eq "bad --datetime" "$("$STACML" --db "$DB" search --datetime yesterday >/dev/null 2>&1; echo $?)" 2
check_eq "bad --extension" "$("$STACML" --db "$DB" search --extension foo >/dev/null 2>&1; echo $?)" 2

# A second harvest: same records, same links, no duplicate model links.
"$STACML" --db "$DB" -q harvest "$BASE/catalog.json"
check_eq "re-harvest exit status" "$?" 0
check_eq "re-harvest: unchanged datasets counted, as unchanged models are" \
    "$("$STACML" --db "$DB" stats --format json | jq -c '.last_harvest | [.models, .datasets]')" "[3,5]"
"$STACML" --db "$DB" export --datasets >"$T/datasets2.jsonl"
check "re-harvest: dataset links unchanged" jq -e '(.models | length) == 2' \
    <<<"$(jq -c --arg u "$BASE/datasets/shared/collection.json" 'select(.url == $u)' "$T/datasets2.jsonl")"
check_eq "re-harvest: one issue for the dead link" \
    "$("$STACML" --db "$DB" show det-beta | jq '[.issues[] | select(test("unreachable"))] | length')" 1

# The dead link comes back: the model, unchanged upstream (a 304), loses
# its issue; dead again, it gets it back, once.
mkdir -p "$T/www/datasets/dead"
jq '.id = "back-again"' "$T/www/datasets/plain/collection.json" >"$T/www/datasets/dead/collection.json"
"$STACML" --db "$DB" -q harvest "$BASE/catalog.json"
check_eq "harvest with the dead dataset back" "$?" 0
check "the dataset is reachable again" jq -e '.reachable == true and .id == "back-again"' \
    <<<"$("$STACML" --db "$DB" show "$BASE/datasets/dead/collection.json")"
check_eq "its model, unchanged upstream, no longer says it is unreachable" \
    "$("$STACML" --db "$DB" show det-beta | jq '[.issues[] | select(test("unreachable"))] | length')" 0
rm "$T/www/datasets/dead/collection.json"
"$STACML" --db "$DB" -q harvest "$BASE/catalog.json"
check_eq "dead again: the model says so, once" \
    "$("$STACML" --db "$DB" show det-beta | jq '[.issues[] | select(test("dead/collection.json is unreachable: HTTP 404"))] | length')" 1

# --dataset-items: the remote dataset's items (its item link and the first
# page of its items link) are read as datasets, and nothing below them.
access_log_clear
"$STACML" --db "$T/db2" -q harvest --dataset-items "$BASE/catalog.json"
access_log_settle
check "--dataset-items reads a dataset's item links" \
    grep -q "GET /remote/huge-1.json 200" "$T/nginx/access.log"
check "--dataset-items reads the first items page" \
    grep -q "GET /remote/items 200" "$T/nginx/access.log"
check "--dataset-items never follows next" \
    sh -c "! grep -q items-page-2 '$T/nginx/access.log'"
check_eq "--dataset-items: the items are dataset records" \
    "$("$STACML" --db "$T/db2" export --datasets | jq -r 'select(.url | test("/remote/")) | .id' | sort | tr '\n' ' ')" \
    "huge-1 page-1-a page-1-b remote-dataset "
check_eq "without --dataset-items none of them" \
    "$("$STACML" --db "$DB" export --datasets | jq -r 'select(.url | test("/remote/")) | .id' | sort | tr '\n' ' ')" \
    "remote-dataset "

# A model with several dead training-data links gets an issue for each
# (the record was written once per dataset, each write starting again
# from the committed one: only the last issue stayed).
mkdir -p "$T/dead2"
cat >"$T/dead2/catalog.json" <<'JSON'
{"type":"Catalog","stac_version":"1.0.0","id":"d2","description":"d",
 "links":[{"rel":"item","href":"./m.json"}]}
JSON
cat >"$T/dead2/m.json" <<'JSON'
{"type":"Feature","stac_version":"1.0.0","id":"two-dead",
 "stac_extensions":["https://stac-extensions.github.io/ml-model/v1.0.0/schema.json"],
 "geometry":null,"bbox":null,
 "properties":{"datetime":"2024-01-01T00:00:00Z","ml-model:type":"ml-model",
   "ml-model:learning_approach":"supervised","ml-model:prediction_type":"classification",
   "ml-model:architecture":"ResNet-18"},
 "assets":{},
 "links":[{"rel":"ml-model:train-data","href":"./nope0.json"},
          {"rel":"ml-model:train-data","href":"./nope1.json"},
          {"rel":"ml-model:test-data","href":"./nope2.json"}]}
JSON
"$STACML" --db "$T/dead2db" -q harvest "$T/dead2/catalog.json"
check_eq "three dead training links: three issues" \
    "$("$STACML" --db "$T/dead2db" show two-dead | jq '[.issues[] | select(test("nope[0-2].json is unreachable"))] | length')" 3

# A model derived_from another model was fine-tuned from it: the base is
# one model record, not also a dataset.
mkdir -p "$T/ft"
mlm_item base >"$T/ft/base.json"
mlm_item tuned '[{"rel":"derived_from","href":"./base.json","type":"application/geo+json"}]' >"$T/ft/tuned.json"
printf '{"type":"Catalog","stac_version":"1.0.0","id":"ft","description":"d","links":[{"rel":"item","href":"./tuned.json"},{"rel":"item","href":"./base.json"}]}' >"$T/ft/catalog.json"
"$STACML" --db "$T/ftdb" -q harvest "$T/ft/catalog.json"
check_eq "a base model of a derived_from link: no dataset record" \
    "$("$STACML" --db "$T/ftdb" export --datasets | wc -l)" 0
check_eq "both models recorded" \
    "$("$STACML" --db "$T/ftdb" export | jq -r .id | sort | tr '\n' ' ')" "base tuned "
# The base, read as a model already, is not fetched again as a dataset.
"$STACML" --db "$T/ftdb-once" harvest "$T/ft/catalog.json" 2>"$T/ft.err"
check "a base model read in the walk is fetched once" \
    grep -q "harvest: 3 documents fetched" "$T/ft.err"

# A base model reached only through the derived_from link of the model
# fine-tuned from it is still a model: its own training data is followed
# and recorded, and a dead link of it is an issue of it.
mkdir -p "$T/ft2"
mlm_item base2 '[{"rel":"derived_from","href":"./base-data.json"},{"rel":"derived_from","href":"./gone.json","ml-aoi:split":"test"}]' >"$T/ft2/base.json"
mlm_item tuned2 '[{"rel":"derived_from","href":"./base.json","type":"application/geo+json"}]' >"$T/ft2/tuned.json"
printf '{"type":"Collection","stac_version":"1.0.0","id":"base-data","description":"d","license":"MIT","extent":{"spatial":{"bbox":[[0,0,1,1]]},"temporal":{"interval":[[null,null]]}},"links":[]}' >"$T/ft2/base-data.json"
"$STACML" --db "$T/ft2db" -q harvest "$T/ft2/tuned.json"
check_eq "the base model's training data is a dataset of the base" \
    "$("$STACML" --db "$T/ft2db" export --datasets | jq -c '[.id, .reachable, [.models[] | (.url | sub(".*/"; "")), .role]]' | sort | tr '\n' ' ')" \
    '["",false,["base.json","test"]] ["base-data",true,["base.json","train"]] '
check "the base model's dead link is an issue of the base" \
    jq -e 'any(.issues[]; test("gone.json is unreachable"))' \
    <<<"$("$STACML" --db "$T/ft2db" show base2)"
# Served, the base is not fetched again (304) in later runs: its data
# links are followed from those stored, and nothing of it goes.
cp -R "$T/ft2" "$T/www/ft2"
for run in 1 2 3; do
    "$STACML" --db "$T/ft3db" -q harvest "$BASE/ft2/tuned.json"
done
check_eq "unchanged base model: its datasets stay, reached" \
    "$("$STACML" --db "$T/ft3db" export --datasets --include-gone | jq -c '[.id, .gone, .missed, (.models | length)]' | sort | tr '\n' ' ')" \
    '["",false,0,1] ["base-data",false,0,1] '
check "unchanged base model: its dead link stays an issue" \
    jq -e 'any(.issues[]; test("gone.json is unreachable"))' \
    <<<"$("$STACML" --db "$T/ft3db" show base2)"
access_log_settle
check "unchanged base model: asked for with a validator" \
    grep -q "GET /ft2/base.json 304" "$LOG"

# --task names tasks as the records do: dlm's schema task "object
# segmentation" is recorded as instance-segmentation, and a search in the
# document's own words finds it.
mkdir -p "$T/dlmtask"
printf '%s' '{"type":"Feature","stac_version":"1.0.0","id":"objseg","stac_extensions":["dl-model"],"geometry":null,"bbox":[0,0,1,1],"properties":{"datetime":"2020-01-01T00:00:00Z","dlm:outputs":{"task":"object segmentation"}},"links":[],"assets":{}}' >"$T/dlmtask/item.json"
"$STACML" --db "$T/dlmtaskdb" -q harvest "$T/dlmtask/item.json"
check_eq "dlm object segmentation recorded as instance-segmentation" \
    "$("$STACML" --db "$T/dlmtaskdb" export | jq -c .tasks)" '["instance-segmentation"]'
check_eq "--task in dlm's words finds it" \
    "$("$STACML" --db "$T/dlmtaskdb" search --format ids --task 'object segmentation' | cut -f1)" objseg
check_eq "--task in mlm's words finds it" \
    "$("$STACML" --db "$T/dlmtaskdb" search --format ids --task instance-segmentation | cut -f1)" objseg
# A collection that is a child in the tree and also a model's training
# data is walked, then read again as a dataset. Its links are kept with
# its crawl state either way: a re-harvest where it answers 304 walks on
# below it from them. The dataset read used to store it with no links,
# and the model below it was missed by every later run, then marked gone.
W="$T/www/intree"
mkdir -p "$W/m" "$W/d"
printf '%s' '{"type":"Catalog","stac_version":"1.0.0","id":"it","description":"d","links":[{"rel":"child","href":"./m/catalog.json"},{"rel":"child","href":"./d/collection.json"}]}' >"$W/catalog.json"
printf '%s' '{"type":"Catalog","stac_version":"1.0.0","id":"itm","description":"d","links":[{"rel":"item","href":"./m.json"}]}' >"$W/m/catalog.json"
mlm_item trained-on-d '[{"rel":"derived_from","href":"../d/collection.json","type":"application/json"}]' >"$W/m/m.json"
printf '%s' '{"type":"Collection","stac_version":"1.0.0","id":"itd","description":"d","license":"x","extent":{},"links":[{"rel":"item","href":"./in-d.json"}]}' >"$W/d/collection.json"
mlm_item model-in-d >"$W/d/in-d.json"
for run in 1 2 3; do
    "$STACML" --db "$T/intreedb" -q harvest --gone-after 1 "$BASE/intree/catalog.json"
    check_eq "dataset in the tree, run $run: both models" \
        "$("$STACML" --db "$T/intreedb" export | jq -r .id | sort | tr '\n' ' ')" \
        "model-in-d trained-on-d "
done
check_eq "dataset in the tree: re-harvests answered by 304s" \
    "$("$STACML" --db "$T/intreedb" runs --format json | jq -c '[.[] | .unchanged]')" "[0,5,5]"
# A training link that redirects (an http link to a dataset now served
# elsewhere): the dataset record is made at the URL the redirects end at,
# and the model names that URL, with an issue saying so, so that the
# dataset's models, --trained-on and a second run agree. It used to keep
# the old URL: the dataset listed no model and --trained-on found none.
MV="$T/moved"
mkdir -p "$MV/m" "$MV/new"
printf '%s' '{"type":"Catalog","stac_version":"1.0.0","id":"mv","description":"d","links":[{"rel":"item","href":"./m/m.json"}]}' >"$MV/catalog.json"
mlm_item moved-trained '[{"rel":"derived_from","href":"../old/collection.json","type":"application/json"},
  {"rel":"derived_from","href":"../new/collection.json","ml-aoi:split":"test","type":"application/json"}]' >"$MV/m/m.json"
printf '%s' '{"type":"Collection","stac_version":"1.0.0","id":"moved-ds","description":"d","license":"x","extent":{},"links":[]}' >"$MV/new/collection.json"
printf '[{"path": "^/old/collection\\\\.json$", "redirect": "/mid/collection.json", "status": 301}, {"path": "^/mid/collection\\\\.json$", "redirect": "/new/collection.json", "status": 308}]' >"$T/moved.json"
start_api MV --static "$MV" --faults "$T/moved.json"
NEW="${MV_URL}new/collection.json"
for run in 1 2 3; do
    # The third run reads the model afresh, with the old link again.
    [ "$run" = 3 ] && sleep 1 &&
        jq -c '.properties.title = "Edited"' "$MV/m/m.json" >"$T/m3.json" && mv "$T/m3.json" "$MV/m/m.json"
    "$STACML" --db "$T/mvdb" -q harvest "${MV_URL}catalog.json"
    "$STACML" --db "$T/mvdb" export | jq -c 'select(.id == "moved-trained")' >"$T/mv.json"
    check "moved training link, run $run: the model names where it ends" \
        jq -e --arg n "$NEW" '.train_data == [$n] and .test_data == [$n] and
            (.datasets | map(.url) | unique) == [$n]' "$T/mv.json"
    check "moved training link, run $run: an issue says so" \
        jq -e --arg n "$NEW" 'any(.issues[]; test("training data .*/old/collection.json redirects to " + $n))' "$T/mv.json"
    check_eq "moved training link, run $run: --trained-on finds the model" \
        "$("$STACML" --db "$T/mvdb" search --format ids --trained-on "$NEW" | cut -f1)" moved-trained
    # The link as the model's document gives it finds the model too: the
    # record keeps where it led. It found nothing.
    check_eq "moved training link, run $run: --trained-on the link as given finds it" \
        "$("$STACML" --db "$T/mvdb" search --format ids --trained-on "${MV_URL}old/collection.json" | cut -f1)" \
        moved-trained
    check "moved training link, run $run: the record says where the link led" \
        jq -e --arg o "${MV_URL}old/collection.json" --arg n "$NEW" \
        '.data_redirects == [{from: $o, to: $n}]' "$T/mv.json"
    check "moved training link, run $run: the dataset lists the model" sh -c "
        '$STACML' --db '$T/mvdb' show '$NEW' | jq -e -s --arg m '${MV_URL}m/m.json' 'length == 1 and (.[0].models | map(select(.role == \"train\") | .url)) == [\$m]'"
done

# The same, where the walk read the dataset already as a child of the
# tree, and one redirect leads there: the redirect's end is read again as
# a dataset, as a link to it would be (it used to get no dataset record).
MV2="$T/moved2"
mkdir -p "$MV2/m" "$MV2/new"
printf '%s' '{"type":"Catalog","stac_version":"1.0.0","id":"mv2","description":"d","links":[{"rel":"child","href":"./new/collection.json"},{"rel":"item","href":"./m/m.json"}]}' >"$MV2/catalog.json"
mlm_item moved-in-tree '[{"rel":"derived_from","href":"../old/collection.json","type":"application/json"}]' >"$MV2/m/m.json"
cp "$MV/new/collection.json" "$MV2/new/collection.json"
printf '[{"path": "^/old/collection\\\\.json$", "redirect": "/new/collection.json", "status": 301}]' >"$T/moved2.json"
start_api MV2 --static "$MV2" --faults "$T/moved2.json"
NEW2="${MV2_URL}new/collection.json"
"$STACML" --db "$T/mv2db" -q harvest "${MV2_URL}catalog.json"
check "moved link to a dataset in the tree: its dataset record lists the model" sh -c "
    '$STACML' --db '$T/mv2db' show '$NEW2' | jq -e -s --arg m '${MV2_URL}m/m.json' 'length == 1 and (.[0].models | map(.url)) == [\$m]'"


# Several links that redirect to one dataset: two aliases of it (/old,
# /old2), one of them also as test data, and a link to a hop of another
# model's chain (/mid, where /older leads on its way to /new). Each
# link is recorded as where it ends. Only the last link to reach an end
# used to be moved: the others kept their old URL, and the dataset's
# models lacked their roles.
MV3="$T/moved3"
mkdir -p "$MV3/m" "$MV3/new"
printf '%s' '{"type":"Catalog","stac_version":"1.0.0","id":"mv3","description":"d","links":[{"rel":"item","href":"./m/a.json"},{"rel":"item","href":"./m/b.json"}]}' >"$MV3/catalog.json"
mlm_item aliases '[{"rel":"derived_from","href":"../old/c.json","ml-aoi:split":"validate","type":"application/json"},
  {"rel":"derived_from","href":"../old2/c.json","ml-aoi:split":"validate","type":"application/json"},
  {"rel":"derived_from","href":"../old/c.json","ml-aoi:split":"test","type":"application/json"}]' >"$MV3/m/a.json"
mlm_item via-hop '[{"rel":"derived_from","href":"../older/c.json","type":"application/json"},
  {"rel":"derived_from","href":"../mid/c.json","ml-aoi:split":"test","type":"application/json"}]' >"$MV3/m/b.json"
cp "$MV/new/collection.json" "$MV3/new/c.json"
printf '[{"path": "^/old2?/c\\\\.json$", "redirect": "/new/c.json", "status": 301}, {"path": "^/older/c\\\\.json$", "redirect": "/mid/c.json", "status": 301}, {"path": "^/mid/c\\\\.json$", "redirect": "/new/c.json", "status": 302}]' >"$T/moved3.json"
start_api MV3 --static "$MV3" --faults "$T/moved3.json"
NEW3="${MV3_URL}new/c.json"
"$STACML" --db "$T/mv3db" -q harvest "${MV3_URL}catalog.json"
"$STACML" --db "$T/mv3db" export >"$T/mv3.jsonl"
mv3() { jq -c --arg id "$1" 'select(.id == $id)' "$T/mv3.jsonl"; }
check "two aliases of a dataset: both links recorded as where they end" \
    jq -e --arg n "$NEW3" '.validation_data == [$n] and .test_data == [$n] and
        ([.data_redirects[].from | sub(".*/(?<d>[^/]+)/c.json"; "\(.d)")] | sort) == ["old", "old2"]' \
    <<<"$(mv3 aliases)"
check "a link to a hop of another link's chain: recorded as the end" \
    jq -e --arg n "$NEW3" '.train_data == [$n] and .test_data == [$n]' <<<"$(mv3 via-hop)"
check_eq "the dataset lists every model with every role, once" \
    "$("$STACML" --db "$T/mv3db" show "$NEW3" | jq -r '.models[] | (.url | sub(".*/"; "")) + " " + .role' | sort | tr '\n' ' ')" \
    "a.json test a.json validation b.json test b.json train "
check_eq "--trained-on each alias finds its model" \
    "$(for p in old old2 older mid; do "$STACML" --db "$T/mv3db" search --format ids --trained-on "${MV3_URL}$p/c.json" | cut -f1 | tr '\n' ' '; done)" \
    "aliases aliases via-hop via-hop "
"$STACML" --db "$T/mv3db" -q harvest "${MV3_URL}catalog.json"
check_eq "a second run, the models unchanged (304): the same models and roles" \
    "$("$STACML" --db "$T/mv3db" show "$NEW3" | jq -r '.models[] | (.url | sub(".*/"; "")) + " " + .role' | sort | tr '\n' ' ')" \
    "a.json test a.json validation b.json test b.json train "
# A collection of the tree that a model starts naming as its training
# data in a later run: read again as a dataset, it answered 304 to the
# conditional request its crawl state (a plain child's) gave, and no
# dataset record was made of it, run after run.
LT="$T/later"
mkdir -p "$LT/d"
printf '%s' '{"type":"Catalog","stac_version":"1.0.0","id":"lt","description":"d","links":[{"rel":"child","href":"./d/collection.json"},{"rel":"item","href":"./m.json"}]}' >"$LT/catalog.json"
printf '%s' '{"type":"Collection","stac_version":"1.0.0","id":"later-ds","description":"d","license":"x","extent":{},"links":[]}' >"$LT/d/collection.json"
mlm_item later-trained >"$LT/m.json"
start_api LT --static "$LT"
"$STACML" --db "$T/ltdb" -q harvest "${LT_URL}catalog.json"
check_eq "a collection of the tree, run 1: no dataset" \
    "$("$STACML" --db "$T/ltdb" export --datasets | wc -l)" 0
sleep 1 # a new Last-Modified second for the model's document
mlm_item later-trained '[{"rel":"derived_from","href":"./d/collection.json","type":"application/json"}]' >"$LT/m.json"
for run in 2 3; do
    "$STACML" --db "$T/ltdb" -q harvest "${LT_URL}catalog.json"
    check_eq "named as training data from run 2, run $run: its dataset record lists the model" \
        "$("$STACML" --db "$T/ltdb" export --datasets | jq -c '[.id, [.models[].url]]')" \
        "[\"later-ds\",[\"${LT_URL}m.json\"]]"
done

e2e_finish
