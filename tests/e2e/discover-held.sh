#!/bin/bash
# SPDX-License-Identifier: MIT
# A registry source whose records are in the index stays harvested in full
# whatever its survey says, until they are found again or marked gone: a
# survey samples, and one that no longer meets a model (the catalog took
# its models away) must not keep them live for ever. A source that held
# records and was unreachable at its survey is surveyed again on the next
# run, not a survey period later.
. "$top_srcdir/tests/e2e/lib.sh"
# Two collections of ten items, items 0 and 5 of each a model.
flat_catalog "$T/www" 2 10 5 || fail "generate the catalog"
serve_dir "$T/www"
LOG="$T/nginx/access.log"
printf '[{"id": 1, "url": "%s/catalog.json", "access": "public"}]\n' "$BASE" >"$T/reg.json"
DB="$T/db"
verdict() { "$STACML" --db "$1" sources --format json | jq -r '.[0].verdict'; }

"$STACML" --db "$DB" -q harvest --registry "$T/reg.json"
check_eq "run 1: succeeds" "$?" 0
check_eq "run 1: the source holds models" "$(verdict "$DB")" holds-models
check_eq "run 1: its four models indexed" "$("$STACML" --db "$DB" export | wc -l)" 4

# The catalog takes its models away; the survey meets none.
for c in c0 c1; do
    jq '.links |= map(select(.href != "i0.json" and .href != "i5.json"))' \
        "$T/www/$c/collection.json" >"$T/c.json"
    mv "$T/c.json" "$T/www/$c/collection.json"
done
"$STACML" --db "$DB" -q harvest --registry "$T/reg.json" --survey-every 0s --gone-after 1
check_eq "run 2: succeeds" "$?" 0
check_eq "run 2: the survey meets no model" "$(verdict "$DB")" none
check "run 2: the reason says why it is harvested anyway" sh -c \
    "'$STACML' --db '$DB' sources --format json | jq -e '.[0].reason | test(\"records of this source\")'"
check_eq "run 2: harvested in full, the models that left are gone" \
    "$("$STACML" --db "$DB" export | wc -l)" 0
check_eq "run 2: ... and kept, marked gone" \
    "$("$STACML" --db "$DB" export --include-gone | jq -r 'select(.gone) | .id' | wc -l)" 4

# With every record gone, a survey that meets nothing settles it: the
# source is not harvested in full again.
access_log_settle
n0=$(wc -l <"$LOG")
# A bare 0 needs no unit.
"$STACML" --db "$DB" -q harvest --registry "$T/reg.json" --survey-every 0
check_eq "run 3: succeeds" "$?" 0
items=$(tail -n "+$((n0 + 1))" "$LOG" | grep -c ' /c[01]/i[0-9]*\.json ')
check "run 3: surveyed only, not harvested in full ($items item requests)" test "$items" -le 4
check "run 3: no reason left" sh -c \
    "'$STACML' --db '$DB' sources --format json | jq -e '.[0].reason == null'"

# Unreachable at its survey: surveyed again on the next run.
flat_catalog "$T/www" 2 10 5
DB2="$T/db2"
"$STACML" --db "$DB2" -q harvest --registry "$T/reg.json"
check_eq "outage: the source holds models" "$(verdict "$DB2")" holds-models
mv "$T/www/catalog.json" "$T/www/away.json"
"$STACML" --db "$DB2" -q harvest --registry "$T/reg.json" --survey-every 0s 2>/dev/null
check_eq "outage: the source is unreachable" "$(verdict "$DB2")" unreachable
mv "$T/www/away.json" "$T/www/catalog.json"
access_log_settle
n0=$(wc -l <"$LOG")
"$STACML" --db "$DB2" -q harvest --registry "$T/reg.json"
check_eq "after the outage: succeeds" "$?" 0
check "after the outage: surveyed again at once" sh -c \
    "tail -n +$((n0 + 1)) '$LOG' | grep -q ' /catalog.json '"
check_eq "after the outage: the source holds models again" "$(verdict "$DB2")" holds-models
e2e_finish
