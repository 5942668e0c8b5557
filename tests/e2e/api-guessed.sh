#!/bin/bash
# SPDX-License-Identifier: MIT
# Endpoints of an API that no link of its landing page names are guessed
# at the spec's places ({landing}/collections, /queryables, /search). A
# 404 there says the API has no such endpoint: said, not a failure. NASA's
# CMR-STAC root declares the Features class, has no data or search link,
# and lists its providers (each an API) as child links; its /collections
# is a 404. That 404 was a failed document: exit status 1 on every run,
# and nothing of the source ever marked gone.
. "$top_srcdir/tests/e2e/lib.sh"
SMALL="$top_srcdir/tests/fixtures/api/small.json"
ids() { "$STACML" --db "$1" export | jq -r .id | LC_ALL=C sort; }

# A provider API, and a root that lists it as its one child, in the form
# of CMR-STAC's root catalog (nasa/cmr-stac src/routes/rootCatalog.ts).
start_api P --world "$SMALL" --no-filter
"$STACML" --db "$T/ref" -q harvest "$P_URL"
jq -n --arg p "$P_URL" '
    ((["core", "item-search", "ogcapi-features", "item-search#fields"] |
      map("https://api.stacspec.org/v1.0.0-rc.2/" + .)) +
     ["http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"]) as $c |
    [{path: "^/$", body: ({type: "Catalog", id: "CMR-STAC", stac_version: "1.0.0",
        description: "Each provider link contains a STAC endpoint.", conformsTo: $c,
        links: [{rel: "self", href: "{{base}}/", type: "application/json"},
                {rel: "root", href: "{{base}}/", type: "application/json"},
                {rel: "service-desc", href: "{{base}}/openapi.yaml", type: "application/yaml"},
                {rel: "service-doc", href: "{{base}}/docs.html", type: "text/html"},
                {rel: "child", href: $p, type: "application/json", title: "PROV1"}]}
        | tojson)}]' >"$T/root.json"
start_api R --faults "$T/root.json"
echo '[{"path": "^/collections$", "status": 404}]' >"$T/c404.json"
"$STACML" --db "$T/r" harvest "$R_URL" 2>"$T/r.err"
check_eq "no data link, /collections 404: exit status" "$?" 0
check "no data link, /collections 404: said" \
    grep -q "warning: ${R_URL}: no list of collections at ${R_URL}collections (HTTP 404; no data link names one)" "$T/r.err"
check "no data link, /collections 404: no failed document" \
    grep -q " 0 failed" "$T/r.err"
check "no data link, /collections 404: nothing held back from gone" \
    sh -c "! grep -q 'nothing of it is marked gone' '$T/r.err'"
check "no data link, /collections 404: walked by its links" \
    grep -q "api $R_URL: strategy links only; 0 collections" "$T/r.err"
check_eq "no data link, /collections 404: the provider's models" "$(ids "$T/r")" "$(ids "$T/ref")"
check_eq "no data link, /collections 404: no /search guessed there" \
    "$(requests "$R_LOG" '^/search$')" 0
check_eq "no data link, /collections 404: service-desc and -doc not fetched" \
    "$(requests "$R_LOG" '^/(openapi.yaml|docs.html)$')" 0

# The same, where the landing page links its collections as children: the
# child links into the guessed /collections were left to its walk, and
# with no list there, to nothing (0 records, exit status 0).
start_api CH --world "$SMALL" --no-filter --no-data-link --child-collections \
    --faults "$T/c404.json"
"$STACML" --db "$T/ch" harvest "$CH_URL" 2>"$T/ch.err"
check_eq "no list, collections as children: exit status" "$?" 0
check_eq "no list, collections as children: each child read" \
    "$(requests "$CH_LOG" '^/collections/(deep|mlm-declared)$')" 2
check "no list, collections as children: their models" \
    sh -c "'$STACML' --db '$T/ch' export | jq -r .id | grep -q '^mlm-declared-000024$'"

# The same 404 where a data link names the list is a failure of the API's.
start_api D --world "$SMALL" --no-filter --faults "$T/c404.json"
"$STACML" --db "$T/d" harvest --retries 0 "$D_URL" 2>"$T/d.err"
check_eq "a data link's 404: a failure still" "$?" 1
check "a data link's 404: said as one" \
    grep -q "warning: the list of collections could not be read: HTTP 404 (${D_URL}collections)" "$T/d.err"

# The Filter class declared with no queryables link, and none at
# {landing}/queryables (OGC API Features part 3 puts them per collection):
# decided per collection, no failure.
echo '[{"path": "^/queryables$", "status": 404}]' >"$T/q404.json"
start_api Q --world "$SMALL" --no-queryables-link --faults "$T/q404.json"
"$STACML" --db "$T/q" harvest "$Q_URL" 2>"$T/q.err"
check_eq "no queryables link, /queryables 404: exit status" "$?" 0
check "no queryables link, /queryables 404: said" \
    grep -q "warning: ${Q_URL}: no queryables at ${Q_URL}queryables (HTTP 404; no link names them): deciding per collection" "$T/q.err"
check "no queryables link, /queryables 404: per collection, nothing failed" \
    sh -c "grep -q 'api $Q_URL: strategy per-collection; 2 collections' '$T/q.err' &&
        grep -q ' 0 failed' '$T/q.err'"
check_eq "no queryables link, /queryables 404: the models" "$(ids "$T/q")" "$(ids "$T/ref")"

# An API of core and item search with no search link, and no /search.
jq -n '[{path: "^/$", body: ({type: "Catalog", id: "s", stac_version: "1.0.0",
    description: "d", conformsTo: ["https://api.stacspec.org/v1.0.0/core",
    "https://api.stacspec.org/v1.0.0/item-search"],
    links: [{rel: "self", href: "{{base}}/"}]} | tojson)}]' >"$T/s.json"
start_api S --faults "$T/s.json"
"$STACML" --db "$T/s" harvest "$S_URL" 2>"$T/s.err"
check_eq "no search link, /search 404: exit status" "$?" 0
check "no search link, /search 404: said" \
    grep -q "warning: ${S_URL}: no item search at ${S_URL}search" "$T/s.err"
check "no search link, /search 404: walked by its links" \
    grep -q "api $S_URL: strategy links only" "$T/s.err"
"$STACML" --db "$T/se" -q harvest --exhaustive "$S_URL"
check_eq "no search link, /search 404, --exhaustive: exit status" "$?" 0
check "no search link, /search 404, --exhaustive: nothing counted walked" \
    sh -c "'$STACML' --db '$T/se' stats --format json | jq -e '.last_harvest.apis[0] |
        .strategy == \"links only\" and .walked_all == 0'"

e2e_finish
