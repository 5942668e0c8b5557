#!/bin/bash
# SPDX-License-Identifier: MIT
# A fine-tuned model whose derived_from names its base model: the base is
# read as a model (one record, no dataset record), and its own training
# data is followed as any model's is, on the first run and on a run where
# everything answers 304: which records a model's datasets get must not
# depend on the path that reached it.
. "$top_srcdir/tests/e2e/lib.sh"
mkdir -p "$T/www"
mlm_item base '[{"rel": "derived_from", "href": "./data.json", "ml-aoi:split": "train"}]' >"$T/www/base.json"
mlm_item tuned '[{"rel": "derived_from", "href": "./base.json", "type": "application/geo+json"}]' >"$T/www/tuned.json"
cat >"$T/www/data.json" <<'JSON'
{"type": "Collection", "stac_version": "1.0.0", "id": "data", "description": "d",
 "license": "x", "extent": {"spatial": {"bbox": [[0, 0, 1, 1]]},
 "temporal": {"interval": [[null, null]]}}, "links": []}
JSON
serve_dir "$T/www"
DB="$T/db"

for run in 1 2; do
    "$STACML" --db "$DB" -q harvest --gone-after 1 "$BASE/tuned.json"
    check_eq "run $run: succeeds" "$?" 0
    check_eq "run $run: both models, one record each" \
        "$("$STACML" --db "$DB" export | jq -r .id | sort | tr '\n' ' ')" "base tuned "
    "$STACML" --db "$DB" export --datasets >"$T/ds.jsonl"
    check "run $run: the base model's training data is a dataset, linked to it" \
        jq -e -s --arg b "$BASE" 'length == 1 and .[0].url == $b+"/data.json" and
            .[0].models == [{"role": "train", "url": ($b+"/base.json")}]' "$T/ds.jsonl"
    check_eq "run $run: the base model's trained-on search finds it" \
        "$("$STACML" --db "$DB" search --format ids --trained-on "$BASE/data.json" | cut -f1)" base
done
access_log_settle
check "run 2: every document answered 304" sh -c \
    "tail -n 3 '$T/nginx/access.log' | grep -c ' 304 ' | grep -qx 3"
e2e_finish
