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
e2e_finish
