#!/bin/bash
# SPDX-License-Identifier: MIT
# A registry run surveys a source, then harvests it in full: the harvest
# walks on from what the survey read moments before instead of asking for
# each of those documents again (a conditional request each, up to the
# survey's budget of 200 per source). Counted at the server. Later runs
# stay incremental (every document asked for conditionally), and records
# that went upstream are still marked gone.
. "$top_srcdir/tests/e2e/lib.sh"

survey_site
lines() { wc -l <"$S_LOG"; }

"$STACML" --db "$T/db" -q harvest --registry "$T/registry.json"
check_eq "first run: exit 0" "$?" 0
check_eq "first run: the source holds models" \
    "$("$STACML" --db "$T/db" sources --format json | jq -r '.[0].verdict')" holds-models
check_eq "first run: every model harvested" \
    "$("$STACML" --db "$T/db" export | jq -r .id | sort | tr '\n' ' ')" "deep m0 m1 m2 m3 m4 "
docs_since 0 >"$T/run1"
check_eq "first run: each of the 9 documents asked for once" \
    "$(jq -r .path "$T/run1" | sort -u | wc -l) $(wc -l <"$T/run1")" "9 9"
check_eq "first run: no conditional request (the survey's reads reused)" \
    "$(jq -c 'select(.headers["If-None-Match"] or .headers["If-Modified-Since"])' "$T/run1" | wc -l)" 0
check "first run: the run's record counts them" \
    sh -c "'$STACML' --db '$T/db' runs --format json | jq -e '.[0].skipped_surveyed >= 4'"

# Second run, nothing due for a survey: incremental as ever, a conditional
# request for every document, each answered 304.
n=$(lines)
"$STACML" --db "$T/db" -q harvest --registry "$T/registry.json"
check_eq "second run: exit 0" "$?" 0
docs_since "$n" >"$T/run2"
check_eq "second run: 9 requests, all conditional, all 304" \
    "$(jq -c 'select(.headers["If-None-Match"] and .status == 304)' "$T/run2" | wc -l) $(wc -l <"$T/run2")" "9 9"

# m0 leaves the collection upstream; every run surveys again and
# harvests. The survey reads the new collection, the harvest walks on
# from it, and two complete runs that no longer reach m0 mark it gone.
survey_collection '["m1", "m2", "m3", "m4"]'
rm "$T/site/c/m0.json"
for run in 3 4; do
    n=$(lines)
    "$STACML" --db "$T/db" -q harvest --registry "$T/registry.json" --survey-every 0s
    check_eq "run $run (surveyed again): exit 0" "$?" 0
    docs_since "$n" >"$T/run$run"
    check_eq "run $run: no document asked for twice" \
        "$(jq -r .path "$T/run$run" | sort | uniq -d | wc -l)" 0
done
check_eq "m0 marked gone after two complete runs" \
    "$("$STACML" --db "$T/db" export | jq -r .id | sort | tr '\n' ' ')" "deep m1 m2 m3 m4 "
check_eq "and the gone record is kept as such" \
    "$("$STACML" --db "$T/db" export --include-gone | jq -r 'select(.gone) | .id')" m0
e2e_finish
