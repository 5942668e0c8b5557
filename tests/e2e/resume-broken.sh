#!/bin/bash
# SPDX-License-Identifier: MIT
# A link still broken (404 as in the run before) does not keep a complete
# crawl from marking records gone, and must not once the run is killed
# after fetching it and resumed: the resumed run fetches it again, and it
# is still broken as when the earlier run fetched it, not a new failure.
. "$top_srcdir/tests/e2e/lib.sh"
flat_catalog "$T/www" 3 150 10 || fail "generate the catalog"
# A dead link, last among the catalog's children (the walk takes them
# from the last).
jq '.links += [{"rel": "child", "href": "dead/collection.json"}]' \
    "$T/www/catalog.json" >"$T/c.json"
mv "$T/c.json" "$T/www/catalog.json"
serve_dir "$T/www"
LOG="$T/nginx/access.log"
DB="$T/db"
C="$BASE/catalog.json"

"$STACML" --db "$DB" -q harvest "$C"
check_eq "run 1: the dead link fails" "$?" 1
"$STACML" --db "$DB" harvest "$C" 2>"$T/run2.err"
check_eq "run 2: the dead link still fails" "$?" 1
check "run 2: the dead link is still broken, which holds nothing back" \
    grep -q "1 links still broken" "$T/run2.err"

# A model leaves its collection; run 3 is killed after the dead link and
# some documents, then resumed.
jq '.links |= map(select(.href != "i0.json"))' "$T/www/c1/collection.json" >"$T/c.json"
mv "$T/c.json" "$T/www/c1/collection.json"
access_log_settle
n0=$(wc -l <"$LOG")
"$STACML" --db "$DB" -q harvest --gone-after 1 --rate 100 --commit-every 5 "$C" &
pid=$!
wait_lines "$LOG" $((n0 + 60)) "$pid"
check "run 3 killed mid-run" kill -9 "$pid"
wait "$pid" 2>/dev/null
check "the dead link was fetched before the kill" \
    sh -c "tail -n +$((n0 + 1)) '$LOG' | grep -q ' /dead/collection.json '"
"$STACML" --db "$DB" harvest --gone-after 1 "$C" 2>"$T/resume.err"
check_eq "run 3 resumed completes, the dead link failing" "$?" 1
check "run 3 was resumed" grep -q "resuming run 3" "$T/resume.err"
"$STACML" --db "$DB" export --include-gone >"$T/all.jsonl"
check "the model that left is gone, as after an uninterrupted run" \
    jq -e -s 'length == 45 and ([.[] | select(.gone)] | map(.id)) == ["i150"]' "$T/all.jsonl"
e2e_finish
