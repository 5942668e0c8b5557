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
e2e_finish
