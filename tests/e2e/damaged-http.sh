#!/bin/bash
# SPDX-License-Identifier: MIT
# A record damaged on disk (bytes zeroed) is replaced by the next harvest,
# as search and export say, also when its document is served with
# validators: it is asked for in full, not conditionally (a 304 would keep
# the damaged record for good).
. "$top_srcdir/tests/e2e/lib.sh"
serve_copy "$top_srcdir/seeds/examples"
DB="$T/db"
"$STACML" --db "$DB" -q harvest "$BASE/catalog.json"
check_eq "five models to begin with" "$("$STACML" --db "$DB" export | wc -l)" 5

zero_phrase "$DB/data.mdb" "Building detector (Faster R-CNN)" || fail "damage data.mdb"
"$STACML" --db "$DB" export >/dev/null 2>&1
check_eq "export exits 4 on the damaged record" "$?" 4

"$STACML" --db "$DB" harvest "$BASE/catalog.json" 2>"$T/harvest.err"
check_eq "the harvest succeeds" "$?" 0
check "the others answer 304" grep -q "10 unchanged (304)" "$T/harvest.err"
check "it says why the damaged one is fetched in full" grep -qF \
    "building-detector-faster-rcnn.json in the index is damaged" "$T/harvest.err"
"$STACML" --db "$DB" export >"$T/export.jsonl" 2>"$T/export.err"
check_eq "export exits 0 again" "$?" 0
check_eq "with all five models" "$(wc -l <"$T/export.jsonl")" 5
e2e_finish
