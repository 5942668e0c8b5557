#!/bin/bash
# SPDX-License-Identifier: MIT
# A run that surveys a registry source and then harvests it, in one
# process: what the survey met is not counted again by the harvest. A
# link broken in both is one failure of the run, listed once. A source
# the survey alone reads (it could not: its URL is dead) keeps its
# failure, the run's only word on it.
. "$top_srcdir/tests/e2e/lib.sh"

B="$T/broken"
mkdir -p "$B"
jq -cn '{type: "Catalog", stac_version: "1.0.0", id: "b", description: "d",
    links: [{rel: "item", href: "./m0.json"}, {rel: "item", href: "./dead.json"}]}' \
    >"$B/catalog.json"
mlm_item m0 >"$B/m0.json"
start_api B --static "$B"
jq -cn --arg u "${B_URL}catalog.json" --arg n "${B_URL}none/catalog.json" \
    '[{id: "b", title: "B", url: $u, access: "public", isApi: false},
      {id: "n", title: "N", url: $n, access: "public", isApi: false}]' >"$T/reg.json"
"$STACML" --db "$T/db" -q harvest --registry "$T/reg.json" --survey-every 0s 2>"$T/err"
check_eq "dead link: exit 1 (a link broken)" "$?" 1
# last [JQ-ARGS] FILTER: FILTER of the last run's record.
last() { "$STACML" --db "$T/db" runs --format json | jq -c '.[-1]' | jq -c "$@"; }
check_eq "dead link and dead source: two failures in the run" "$(last .failed)" 2
check_eq "dead link and dead source: each listed once" \
    "$(last '[.failures[].url | sub(".*/"; "")] | sort')" '["catalog.json","dead.json"]'
check_eq "dead link: the source's failure, once" \
    "$(last --arg u "${B_URL}catalog.json" '.sources[$u].failed')" 1

# A training link dead to the survey (a 404 once) that the harvest reads:
# the model trained on it has no issue saying it is unreachable, and the
# run counts no dataset unreachable.
R="$T/revived"
mkdir -p "$R"
jq -cn '{type: "Catalog", stac_version: "1.0.0", id: "r", description: "d",
    links: [{rel: "item", href: "./m0.json"}]}' >"$R/catalog.json"
mlm_item m0 '[{"rel": "derived_from", "href": "./ds.json"}]' >"$R/m0.json"
jq -cn '{type: "Feature", stac_version: "1.0.0", id: "ds", geometry: null,
    bbox: null, properties: {datetime: "2024-01-01T00:00:00Z"}, assets: {},
    links: []}' >"$R/ds.json"
echo '[{"path": "^/ds\\.json$", "times": 1, "status": 404}]' >"$T/faults.json"
start_api R --static "$R" --faults "$T/faults.json"
jq -cn --arg u "${R_URL}catalog.json" \
    '[{id: "r", title: "R", url: $u, access: "public", isApi: false}]' >"$T/rreg.json"
"$STACML" --db "$T/rdb" -q harvest --registry "$T/rreg.json" --survey-every 0s
check_eq "revived link: exit 0" "$?" 0
check_eq "revived link: read twice, by the survey and by the harvest" \
    "$(requests "$R_LOG" '^/ds\.json$')" 2
check_eq "revived link: no dataset unreachable in the run" \
    "$("$STACML" --db "$T/rdb" runs --format json | jq '.[-1].datasets_unreachable')" 0
check_eq "revived link: one dataset record" \
    "$("$STACML" --db "$T/rdb" runs --format json | jq '.[-1].datasets')" 1
check_eq "revived link: the model has no issue" \
    "$("$STACML" --db "$T/rdb" export | jq -c .issues)" "[]"
e2e_finish
