#!/bin/bash
# SPDX-License-Identifier: MIT
# A registry's source surveyed again, unchanged upstream: the survey asks
# for each document it knows conditionally, as the harvest does, instead of
# fetching the whole skeleton again every survey period. Its verdict, made
# from what the index holds of the documents answered 304, is the one the
# first survey made, and it still samples a collection's items. Counted at
# the server.
. "$top_srcdir/tests/e2e/lib.sh"

survey_site
survey_of() {
    "$STACML" --db "$T/db" sources --format json |
        jq -c '.[0] | [.verdict, .survey.documents, .survey.models, .survey.model_items]'
}

"$STACML" --db "$T/db" -q harvest --registry "$T/registry.json"
check_eq "first run: exit 0" "$?" 0
first=$(survey_of)
check_eq "first survey: 6 documents (2 of the 5 items sampled), 3 models" \
    "$first" '["holds-models",6,3,3]'

n=$(wc -l <"$S_LOG")
"$STACML" --db "$T/db" -q harvest --registry "$T/registry.json" --survey-every 0s
check_eq "surveyed again: exit 0" "$?" 0
docs_since "$n" >"$T/run2"
check_eq "surveyed again: 9 requests in all, each asked for once" \
    "$(jq -r .path "$T/run2" | sort -u | wc -l) $(wc -l <"$T/run2")" "9 9"
check_eq "surveyed again: every request conditional, every answer 304" \
    "$(jq -c 'select(.headers["If-None-Match"] and .status == 304)' "$T/run2" | wc -l)" 9
check_eq "surveyed again: the same verdict and counts, the same sample" \
    "$(survey_of)" "$first"
check_eq "surveyed again: every model still live" \
    "$("$STACML" --db "$T/db" export | jq -r .id | sort | tr '\n' ' ')" "deep m0 m1 m2 m3 m4 "
e2e_finish
