#!/bin/bash
# SPDX-License-Identifier: MIT
# Incremental re-harvests against a real nginx (ETag, Last-Modified, 304):
# an unchanged tree costs only conditional requests and changes nothing;
# edits, additions and deletions are reflected; a record deleted upstream
# becomes gone only after --gone-after complete runs, comes back when it
# returns, and a run against a failing server marks nothing gone.
. "$top_srcdir/tests/e2e/lib.sh"
serve_copy "$top_srcdir/seeds/examples"
LOG="$T/nginx/access.log"
DB="$T/db"
M="$T/www/models"
stable() { # records without the per-run fields
    "$STACML" --db "$DB" export "$@" |
        jq -c 'del(.last_seen, .run, .missed, .first_seen, .last_changed)' | LC_ALL=C sort
}
lines() { wc -l <"$LOG"; }

"$STACML" --db "$DB" -q harvest "$BASE/catalog.json"
check_eq "first harvest" "$?" 0
stable >"$T/run1"

access_log_settle
n0=$(lines)
"$STACML" --db "$DB" -q harvest "$BASE/catalog.json"
check_eq "second harvest" "$?" 0
access_log_settle
tail -n "+$((n0 + 1))" "$LOG" | grep -v ' /robots.txt ' >"$T/log2"
check_eq "unchanged tree: only 304s" "$(awk '{print $3}' "$T/log2" | sort -u)" "304"
check_eq "unchanged tree: every document asked" "$(wc -l <"$T/log2")" 11
check "conditional requests sent no body back" sh -c "awk '\$4 != 0' '$T/log2' | grep -q . && exit 1 || exit 0"
stable >"$T/run2"
check_diff "unchanged tree: index unchanged" "$T/run2" "$T/run1"
"$STACML" --db "$DB" runs --format json >"$T/runs2"
check "runs: the second run fetched nothing, 11 unchanged" \
    jq -e '.[1].fetched == 0 and .[1].unchanged == 11 and .[1].models_new == 0' "$T/runs2"

# Edit one model, add one, delete one (file and link).
sleep 1 # a new Last-Modified second for the edited file
jq '.properties.title = "Renamed detector"' \
    "$M/building-detector-faster-rcnn/building-detector-faster-rcnn.json" >"$T/edit.json"
mv "$T/edit.json" "$M/building-detector-faster-rcnn/building-detector-faster-rcnn.json"
mkdir -p "$M/added"
jq '.id = "added-model" | .properties["mlm:name"] = "Added"' \
    "$M/building-segmentation-unet-resnet34/building-segmentation-unet-resnet34.json" \
    >"$M/added/added.json"
jq '.links += [{"rel": "item", "href": "./added/added.json"}] |
    .links |= map(select(.href | test("building-scene-classifier") | not))' \
    "$M/collection.json" >"$T/coll.json"
mv "$T/coll.json" "$M/collection.json"
rm -r "$M/building-scene-classifier-resnet50"

"$STACML" --db "$DB" -q harvest "$BASE/catalog.json"
check_eq "third harvest (edited tree)" "$?" 0
"$STACML" --db "$DB" export >"$T/run3.jsonl"
check "edit reflected" jq -e -s 'any(.[]; .id == "building-detector-faster-rcnn" and .title == "Renamed detector")' "$T/run3.jsonl"
check "addition reflected" jq -e -s 'any(.[]; .id == "added-model")' "$T/run3.jsonl"
check "deletion: not gone after one run (--gone-after 2)" \
    jq -e -s 'any(.[]; .id == "building-scene-classifier-resnet50" and .missed == 1 and .gone == false)' "$T/run3.jsonl"
"$STACML" --db "$DB" runs --format json >"$T/runs3"
# Changed: the edited model, and the model collection whose links changed.
check "runs: one new, two changed" jq -e '.[2].models_new == 1 and .[2].models_changed == 2 and .[2].gone == 0' "$T/runs3"

"$STACML" --db "$DB" -q harvest "$BASE/catalog.json"
check_eq "fourth harvest" "$?" 0
check_eq "deleted record gone after two complete runs" \
    "$("$STACML" --db "$DB" export | jq -r 'select(.id == "building-scene-classifier-resnet50") | .id')" ""
check "--include-gone shows it, flagged" sh -c "'$STACML' --db '$DB' export --include-gone |
    jq -e -s 'any(.[]; .id == \"building-scene-classifier-resnet50\" and .gone == true)'"
check "search leaves it out" sh -c "! '$STACML' --db '$DB' search --format ids | grep -q scene-classifier"
check "search --include-gone: flagged in the table" \
    sh -c "'$STACML' --db '$DB' search --include-gone | grep 'building-scene-classif' | grep -q '\[gone\]'"
check "stats: the gone record counted as such" sh -c "
    '$STACML' --db '$DB' stats | grep -q '^model records: [0-9]* (1 of them gone upstream)' &&
    '$STACML' --db '$DB' stats --format json | jq -e '.records_gone == 1'"
check "runs: one gone" sh -c "'$STACML' --db '$DB' runs --format json | jq -e '.[3].gone == 1'"
check "runs: table" sh -c "'$STACML' --db '$DB' runs | grep -q '^ *4 '"

# It comes back.
cp -R "$top_srcdir/seeds/examples/models/building-scene-classifier-resnet50" "$M/"
jq '.links += [{"rel": "item", "href": "./building-scene-classifier-resnet50/building-scene-classifier-resnet50.json"}]' \
    "$M/collection.json" >"$T/coll.json"
mv "$T/coll.json" "$M/collection.json"
"$STACML" --db "$DB" -q harvest "$BASE/catalog.json"
check "a record that returns comes back" sh -c "'$STACML' --db '$DB' export |
    jq -e -s 'any(.[]; .id == \"building-scene-classifier-resnet50\" and .gone == false)'"

# A server that fails half the time marks nothing gone, even with
# --gone-after 1; the next complete run does. The server is started again
# on its port for each run, with and without its faults, so that the
# three runs are of one source.
mkdir -p "$T/www2"
cp -R "$top_srcdir/seeds/examples/." "$T/www2/"
printf '[{"path": "\\\\.json$", "status": 500, "every": 2}]\n' >"$T/half.json"
start_api H --static "$T/www2"
HPORT=$H_PORT
HSEED="http://127.0.0.1:$HPORT/catalog.json"
"$STACML" --db "$T/h" -q harvest "$HSEED"
check_eq "failing server, first a complete run: every model found" \
    "$("$STACML" --db "$T/h" export | wc -l)" 5
rm -r "$T/www2/models/building-unet-resnet18-dlm"
jq '.links |= map(select(.href | test("building-unet-resnet18-dlm") | not))' \
    "$T/www2/models/collection.json" >"$T/coll2.json"
mv "$T/coll2.json" "$T/www2/models/collection.json"
stop_apis
start_api H --port "$HPORT" --static "$T/www2" --faults "$T/half.json"
"$STACML" --db "$T/h" -q harvest --retries 0 --gone-after 1 "$HSEED"
check "failing server: nothing marked gone" \
    sh -c "'$STACML' --db '$T/h' export --include-gone | jq -e -s 'length == 5 and all(.[]; .gone == false and .missed == 0)'"
stop_apis
start_api H --port "$HPORT" --static "$T/www2"
"$STACML" --db "$T/h" -q harvest --gone-after 1 "$HSEED"
check "failing server, then a complete run: the deleted record gone" \
    sh -c "'$STACML' --db '$T/h' export --include-gone |
        jq -e -s 'length == 5 and (map(select(.gone)) | map(.id)) == [\"building-unet-resnet18-dlm\"]'"

# A run cut short by --max-depth did not see what lies deeper: it marks
# nothing gone, even with --gone-after 1, and says why.
"$STACML" --db "$T/d" -q harvest "$BASE/catalog.json"
n_full=$("$STACML" --db "$T/d" export | wc -l)
"$STACML" --db "$T/d" harvest --max-depth 1 --gone-after 1 "$BASE/catalog.json" 2>"$T/depth.err"
check_eq "--max-depth run: exit 0" "$?" 0
check "--max-depth run: links not followed are reported" grep -q 'past --max-depth not followed' "$T/depth.err"
check_eq "--max-depth run: every record still there" "$("$STACML" --db "$T/d" export | wc -l)" "$n_full"
check "--max-depth run: nothing marked gone" \
    sh -c "'$STACML' --db '$T/d' export --include-gone | jq -e -s 'length > 0 and all(.[]; .gone == false and .missed == 0)'"
check "stats: depth_dropped counted" \
    sh -c "'$STACML' --db '$T/d' stats --format json | jq -e '.last_harvest.depth_dropped > 0'"

# A dead link (404 in this run and when an earlier run fetched it) does
# not keep a catalog's records from being marked gone; a link broken for
# the first time does, and the summary says which.
B="$T/www/broken"
mkdir -p "$B"
cp -R "$top_srcdir/seeds/examples/." "$B/"
coll_edit() { # coll_edit JQ: edit the models collection
    jq "$1" "$B/models/collection.json" >"$T/coll.json" &&
        mv "$T/coll.json" "$B/models/collection.json"
}
bstats() { "$STACML" --db "$T/b" stats --format json | jq -e "$1"; }
coll_edit '.links += [{"rel": "item", "href": "./dead/dead.json"}]'
"$STACML" --db "$T/b" harvest --gone-after 1 "$BASE/broken/catalog.json" 2>"$T/b1.err"
check "dead link, first run: nothing marked gone, and said so" grep -q \
    "^stacml: $BASE/broken/catalog.json: 1 documents failed; nothing of it is marked gone" "$T/b1.err"
check "dead link, first run: source not complete" \
    bstats '.last_harvest.sources[] | .complete == false and .still_broken == 0 and .failed == 1'
coll_edit '.links |= map(select(.href | test("building-scene-classifier") | not))'
rm -r "$B/models/building-scene-classifier-resnet50"
"$STACML" --db "$T/b" harvest --gone-after 1 "$BASE/broken/catalog.json" 2>"$T/b2.err"
check "still-broken link: said so" grep -q \
    "^stacml: $BASE/broken/catalog.json: 1 links still broken (404 or 410" "$T/b2.err"
check "still-broken link: no 'nothing marked gone' line" \
    sh -c "! grep -q 'nothing of it is marked gone' '$T/b2.err'"
check "still-broken link: the deleted record is gone" sh -c "'$STACML' --db '$T/b' export --include-gone |
    jq -e -s 'any(.[]; .id == \"building-scene-classifier-resnet50\" and .gone == true)'"
check "still-broken link: source complete" \
    bstats '.last_harvest.sources[] | .complete == true and .still_broken == 1 and .failed == 1'
coll_edit '.links += [{"rel": "item", "href": "./dead2/dead2.json"}] |
    .links |= map(select(.href | test("building-detector") | not))'
rm -r "$B/models/building-detector-faster-rcnn"
"$STACML" --db "$T/b" harvest --gone-after 1 --log "$T/b3.log" "$BASE/broken/catalog.json" 2>"$T/b3.err"
check "newly broken link: nothing marked gone" sh -c "'$STACML' --db '$T/b' export --include-gone |
    jq -e -s 'any(.[]; .id == \"building-detector-faster-rcnn\" and .gone == false and .missed == 0)'"
check "newly broken link: both lines" sh -c "
    grep -q 'broken/catalog.json: 1 documents failed; nothing of it is marked gone' '$T/b3.err' &&
    grep -q 'broken/catalog.json: 1 links still broken' '$T/b3.err'"
check "newly broken link: the --log summary says both" sh -c "
    grep -q 'summary: .*broken/catalog.json: 1 documents failed; nothing of it is marked gone' '$T/b3.log' &&
    grep -q 'summary: .*broken/catalog.json: 1 links still broken' '$T/b3.log'"
check "newly broken link: source not complete" \
    bstats '.last_harvest.sources[] | .complete == false and .still_broken == 1 and .failed == 2'

# Two sources harvested again, every document answering 304: both are
# still in the per-source summary, with their documents and models.
mkdir -p "$T/www/copy"
cp -R "$top_srcdir/seeds/examples/." "$T/www/copy/"
"$STACML" --db "$T/two" -q harvest "$BASE/catalog.json" "$BASE/copy/catalog.json"
"$STACML" --db "$T/two" harvest "$BASE/catalog.json" "$BASE/copy/catalog.json" 2>"$T/two.err"
check "all-304 run: both sources in the summary" sh -c "
    grep -q 'source $BASE/catalog.json: [1-9][0-9]* documents, [1-9][0-9]* models' '$T/two.err' &&
    grep -q 'source $BASE/copy/catalog.json: [1-9][0-9]* documents, [1-9][0-9]* models' '$T/two.err'"
check "all-304 run: both sources in stats" \
    sh -c "'$STACML' --db '$T/two' stats --format json |
        jq -e '.last_harvest.sources | length == 2 and all(.[]; .documents > 0 and .models > 0)'"
check "all-304 run: the sources' documents add up to the run's, by_source to records" \
    sh -c "'$STACML' --db '$T/two' stats --format json | jq -e '.last_harvest as \$h |
        ([\$h.sources[].documents] | add) ==
            \$h.fetched + \$h.unchanged + \$h.skipped_resumed + \$h.skipped_surveyed and
        \$h.unchanged > 0 and ([.by_source[]] | add) == .records'"
e2e_finish
