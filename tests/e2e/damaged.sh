#!/bin/bash
# SPDX-License-Identifier: MIT
# A record whose bytes were zeroed on disk (a crash of the disk, a bad
# copy; LMDB keeps no checksums): export and search skip it, name it and
# exit 4 instead of writing NUL bytes as JSON, and a harvest replaces it.
. "$top_srcdir/tests/e2e/lib.sh"
mkdir -p "$T/www"
cp -R "$top_srcdir/seeds/examples/." "$T/www/"
DB="$T/db"
"$STACML" --db "$DB" -q harvest "$T/www"
check_eq "five models to begin with" "$("$STACML" --db "$DB" export | wc -l)" 5

# Zero every copy of a phrase only that model's record holds (stale pages
# too, so the live one is among them).
zero_phrase "$DB/data.mdb" "Building detector (Faster R-CNN)" || fail "damage data.mdb"
URL="file://$T/www/models/building-detector-faster-rcnn/building-detector-faster-rcnn.json"

"$STACML" --db "$DB" export >"$T/export.jsonl" 2>"$T/export.err"
check_eq "export exits 4" "$?" 4
check_eq "and writes no NUL byte" "$(tr -cd '\000' <"$T/export.jsonl" | wc -c)" 0
check "every line it writes is JSON" jq -e . "$T/export.jsonl"
check_eq "the other four are there" "$(wc -l <"$T/export.jsonl")" 4
check "it names the damaged record" grep -qF \
    "damaged record in the index, skipped: $URL" "$T/export.err"
"$STACML" --db "$DB" search >/dev/null 2>"$T/search.err"
check_eq "search exits 4" "$?" 4
check "and names it too" grep -qF "$URL" "$T/search.err"
# A word that only the zeroed bytes held: the record cannot match it now,
# but the damage is still named, not passed over as 'no matching records'.
for cmd in search export; do
    "$STACML" --db "$DB" $cmd "(faster" >/dev/null 2>"$T/word.err"
    check_eq "$cmd of a word the damage took exits 4" "$?" 4
    check "and names the record" grep -qF "$URL" "$T/word.err"
done
for arg in building-detector-faster-rcnn "$URL"; do
    "$STACML" --db "$DB" show "$arg" >/dev/null 2>"$T/show.err"
    check_eq "show $arg exits 4" "$?" 4
    check "and says the record is damaged" grep -qF \
        "the record of $URL in the index is damaged" "$T/show.err"
done

"$STACML" --db "$DB" -q harvest "$T/www"
check_eq "a harvest replaces the record" \
    "$("$STACML" --db "$DB" export 2>/dev/null | jq -r .id | grep -c faster-rcnn)" 1
"$STACML" --db "$DB" export >/dev/null
check_eq "and export exits 0 again" "$?" 0
e2e_finish
