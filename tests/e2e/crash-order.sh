#!/bin/bash
# SPDX-License-Identifier: MIT
# A kill between two commits loses no record: a resumed run takes a
# document whose crawl state names the run as done, so that crawl state
# must never be committed before the records made of the document. Every
# item here is a model, and batches of 37 writes put commit boundaries
# between a document's writes; each harvest is killed four times, then
# resumed, and must end with every model.
. "$top_srcdir/tests/e2e/lib.sh"
flat_catalog "$T/www" 2 400 1 || fail "generate the catalog"
serve_dir "$T/www"
LOG="$T/nginx/access.log"

for trial in 1 2; do
    rm -rf "$T/db"
    for at in 150 300 450 600; do
        start=$(wc -l <"$LOG")
        "$STACML" --db "$T/db" -q harvest --commit-every 37 "$BASE/catalog.json" &
        pid=$!
        i=0
        while [ "$(wc -l <"$LOG")" -lt $((start + at)) ] && kill -0 "$pid" 2>/dev/null &&
            [ $i -lt 20000 ]; do
            i=$((i + 1))
        done
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    "$STACML" --db "$T/db" -q harvest "$BASE/catalog.json"
    check_eq "trial $trial: resumed run completes" "$?" 0
    check_eq "trial $trial: every model there after four kills" \
        "$("$STACML" --db "$T/db" export | wc -l)" 800
done
e2e_finish
