#!/bin/bash
# SPDX-License-Identifier: MIT
# STAC APIs: the three strategies (filter, per-collection, exhaustive), GET
# and POST search pagination (token in the body, merge with headers),
# conformance version segments, /collections pagination, child links to
# further APIs and static catalogs, and a 100,000-item collection that is
# never walked. Request counts come from the fixture server's own log.
. "$top_srcdir/tests/e2e/lib.sh"
WORLD="$top_srcdir/tests/fixtures/api/world.json"
SMALL="$top_srcdir/tests/fixtures/api/small.json"
ids() { "$STACML" --db "$1" export | jq -r .id | LC_ALL=C sort; }
count() { "$STACML" --db "$1" export | wc -l; }

# 1. Filter strategy: one paged search finds every mlm and ml-model item,
# the dlm items are found by sampling, the 100,000 plain items cost one
# sample request.
start_api F --world "$WORLD"
"$STACML" --db "$T/f" harvest "$F_URL" 2>"$T/f.err"
check_eq "filter: exit status" "$?" 0
check "filter: strategy reported" grep -q "strategy filter" "$T/f.err"
check_eq "filter: every model found" "$(count "$T/f")" 92
check "filter: each model counted once (summary, runs, stats)" sh -c "
    grep -q ' 92 model records' '$T/f.err' &&
    '$STACML' --db '$T/f' runs --format json | jq -e '.[0].models == 92 and .[0].models_new == 92' >/dev/null &&
    '$STACML' --db '$T/f' stats --format json | jq -e '.last_harvest.models == 92'"
check "filter: the deep model is found" sh -c "'$STACML' --db '$T/f' export | grep -q deep-000499"
check_eq "filter: plain collection costs one request" \
    "$(requests "$F_LOG" '^/collections/plain/items')" 1
check "filter: a handful of requests in all" test "$(requests "$F_LOG")" -le 12
check "filter: CQL2 JSON over POST, which the API takes" \
    jq -e -s 'any(.[]; .path == "/search" and .method == "POST" and
        .body."filter-lang" == "cql2-json")' "$F_LOG"
check "filter: no CQL2 text sent when JSON is taken" \
    jq -e -s 'all(.[]; .query.filter == null)' "$F_LOG"

# CQL2 text, when asked for: property names quoted (a bare ml-model:type
# reads as ml - model:type).
start_api G --world "$WORLD"
"$STACML" --db "$T/g" -q harvest --search-method get "$G_URL"
check_eq "filter over GET: every model found" "$(count "$T/g")" 92
check "filter over GET: CQL2 text with quoted names" \
    jq -e -s 'any(.[]; .path == "/search" and .method == "GET" and
        (.query.filter | test("^\"ml-model:type\" = .ml-model. OR \"mlm:name\" IS NOT NULL$")))' "$G_LOG"

# No queryables link on the landing page: {landing}/queryables is asked.
start_api R --world "$WORLD" --no-queryables-link
"$STACML" --db "$T/r" harvest "$R_URL" 2>"$T/r.err"
check "no queryables link: the filter strategy still chosen" grep -q "strategy filter" "$T/r.err"
check_eq "no queryables link: every model found" "$(count "$T/r")" 92

# The filtered search failing (here a 501): the collections left to it are
# decided per collection, as without a filter.
echo '[{"path": "^/search$", "status": 501}]' >"$T/f501.json"
start_api H --world "$WORLD" --faults "$T/f501.json"
"$STACML" --db "$T/h" harvest "$H_URL" 2>"$T/h.err"
check "filter failing: reported, with the reason" \
    grep -q "filtered search failed: HTTP 501; deciding per collection (http" "$T/h.err"
check_eq "filter failing: the models per collection finds" "$(count "$T/h")" 91
# The queryables failing: the API is walked per collection, and the
# warning says why.
echo '[{"path": "^/queryables$", "status": 500}]' >"$T/q500.json"
start_api Q5 --world "$WORLD" --faults "$T/q500.json"
"$STACML" --db "$T/q5" harvest --retries 0 "$Q5_URL" 2>"$T/q5.err"
check "queryables failing: reported, with the reason" \
    grep -q "warning: ${Q5_URL}queryables failed: HTTP 500; deciding per collection" "$T/q5.err"
# ... also when it fails on its third page, after samples were skipped for
# holding only models it was to find (the failure comes late).
echo '[{"path": "^/search$", "query": "token=eyJlIjoic2VhcmNoIiwibyI6MjAs", "delay_ms": 1500, "status": 400}]' >"$T/f400.json"
start_api I --world "$WORLD" --faults "$T/f400.json"
"$STACML" --db "$T/i" -q harvest --page-size 10 --search-method get "$I_URL"
check_eq "filter failing on page 3: the models per collection finds" "$(count "$T/i")" 91
# ... and when it stops short without failing (here its second page is
# empty and points on): the models past that page are looked for per
# collection too, not lost.
jq -n '[{path: "^/search$", query: "token=", body: ({type: "FeatureCollection",
    features: [], links: [{rel: "next", href: "{{base}}/search?token=again"}]} | tojson)}]' \
    >"$T/fcut.json"
start_api J --world "$WORLD" --faults "$T/fcut.json"
"$STACML" --db "$T/j" harvest --page-size 20 "$J_URL" 2>"$T/j.err"
check "filter stopping short: reported" \
    grep -q "filtered search stopped short; deciding per collection (http" "$T/j.err"
check_eq "filter stopping short: the models per collection finds" "$(count "$T/j")" 91
# ... and when the server takes the filter but does not apply it (every
# item comes back): one page of no model tells, not thousands of pages.
start_api IG --world "$WORLD" --ignore-filter
"$STACML" --db "$T/ig" harvest --max-pages 30 "$IG_URL" 2>"$T/ig.err"
check "filter not applied: reported" grep -q "the server does not apply the filter" "$T/ig.err"
check_eq "filter not applied: one search page" "$(requests "$IG_LOG" '^/search$')" 1
check_eq "filter not applied: the models per collection finds" "$(count "$T/ig")" 91
check "filter: dlm collection walked after its sample" \
    sh -c "'$STACML' --db '$T/f' export | grep -q dlm-hidden-000019"

# 2. POST search, token in the body (merge: false) and merged (merge: true,
# with the Search-After header).
for mode in post-body post-merge; do
    start_api P --world "$WORLD" --search-paging "$mode"
    "$STACML" --db "$T/$mode" -q harvest --search-method post --page-size 20 "$P_URL"
    check_eq "$mode: exit status" "$?" 0
    check_eq "$mode: same models as GET" "$(ids "$T/$mode")" "$(ids "$T/f")"
    check "$mode: several POST pages" \
        test "$(jq -s '[.[] | select(.method == "POST" and .status == 200)] | length' "$P_LOG")" -ge 4
    check "$mode: no request refused" \
        jq -e -s 'all(.[]; .status < 400 or .path == "/robots.txt")' "$P_LOG"
    stop_apis
done
check "post-merge: the original body re-sent with the token merged in" \
    jq -e -s '[.[] | select(.method == "POST")][1].body |
        has("filter") and has("token") and .limit == 20 and ."filter-lang" == "cql2-json"' \
    "$T/api-P/log.jsonl"
check "post-merge: the link's header sent" \
    jq -e -s '[.[] | select(.method == "POST")][1].headers["Search-After"] | length > 0' \
    "$T/api-P/log.jsonl"

# The token in a header alone (the spec's Search-After example): the URL
# and body repeat, so the header is part of what makes a page a new one.
start_api Q --world "$WORLD" --search-paging post-header
"$STACML" --db "$T/post-header" -q harvest --search-method post --page-size 20 "$Q_URL"
check_eq "post-header: same models as GET" "$(ids "$T/post-header")" "$(ids "$T/f")"
check "post-header: several POST pages" \
    test "$(jq -s '[.[] | select(.method == "POST" and .status == 200)] | length' "$Q_LOG")" -ge 4
stop_apis

# A next link's headers are sent, GET or POST, but never the ones that
# frame or route the request: a server's Content-Length or
# Transfer-Encoding would smuggle a second request down the connection.
EVIL='{"X-Next": "1", "Host": "evil.example", "Content-Length": "5",
       "Transfer-Encoding": "chunked", "Connection": "close"}'
for mode in get-token post-body; do
    start_api H --world "$WORLD" --search-paging "$mode" --next-headers "$EVIL"
    "$STACML" --db "$T/h-$mode" -q harvest --search-method post --page-size 20 "$H_URL"
    check_eq "next-link headers ($mode): exit status" "$?" 0
    check_eq "next-link headers ($mode): same models" "$(ids "$T/h-$mode")" "$(ids "$T/f")"
    check "next-link headers ($mode): X-Next sent on the pages after the first" \
        jq -e -s '[.[] | select(.query.token != null or (.body // {} | has("token")))] |
            length > 0 and all(.[]; .headers["X-Next"] == "1")' "$H_LOG"
    check "next-link headers ($mode): Host, Content-Length, Transfer-Encoding not taken" \
        jq -e -s 'all(.[]; (.host | all(. != "evil.example")) and .headers["Transfer-Encoding"] == null and .status < 400 or .path == "/robots.txt")' "$H_LOG"
    stop_apis
done

# A link header's value may be a list of strings (STAC links: headers
# Map<string, string | [string]>): sent as one line, the values joined by
# ", ", not dropped (a token in it would be lost, the page asked again).
start_api HA --world "$WORLD" --search-paging post-body --next-headers '{"X-Next": ["1", "2"]}'
"$STACML" --db "$T/ha" -q harvest --search-method post --page-size 20 "$HA_URL"
check_eq "next-link header list: same models" "$(ids "$T/ha")" "$(ids "$T/f")"
check "next-link header list: sent joined on the pages after the first" \
    jq -e -s '[.[] | select(.body // {} | has("token"))] |
        length > 0 and all(.[]; .headers["X-Next"] == "1, 2")' "$HA_LOG"
stop_apis

# 3. Per-collection strategy: declared collections walked, undeclared ones
# sampled; the model deep in an undeclared collection is the documented
# trade-off.
start_api N --world "$WORLD" --no-filter
"$STACML" --db "$T/n" harvest "$N_URL" 2>"$T/n.err"
check_eq "per-collection: exit status" "$?" 0
check "per-collection: summary" grep -q "strategy per-collection; 8 collections: 4 walked (declared), 2 walked (sample held a model), 2 sampled and skipped" "$T/n.err"
check_eq "per-collection: models" "$(count "$T/n")" 91
check "per-collection: sampled items walked again are counted once" \
    sh -c "'$STACML' --db '$T/n' runs --format json | jq -e '.[0].models == 91 and .[0].models_new == 91'"
# A server that answers 1 item whatever the limit: a sample still sees
# --sample items, over several pages.
start_api K --world "$WORLD" --no-filter --max-limit 1
"$STACML" --db "$T/k" harvest "$K_URL" 2>"$T/k.err"
check "pages of one item: the same decisions" grep -q "8 collections: 4 walked (declared), 2 walked (sample held a model), 2 sampled and skipped" "$T/k.err"
check_eq "pages of one item: the same models" "$(count "$T/k")" 91
check "per-collection: the deep model is missed (sampling)" \
    sh -c "! '$STACML' --db '$T/n' export | grep -q deep-000499"
check_eq "per-collection: plain collection costs one request" \
    "$(requests "$N_LOG" '^/collections/plain/items')" 1
# ... unless the landing page links it as an item: an item link into the
# collections is followed, a child link there is the collection walk's.
start_api NI --world "$WORLD" --no-filter --item "{{base}}/collections/deep/items/deep-000499"
"$STACML" --db "$T/ni" -q harvest "$NI_URL"
check "per-collection: an item the landing page links is found" \
    sh -c "'$STACML' --db '$T/ni' export | grep -q deep-000499"
check_eq "per-collection: ... fetched once" \
    "$(requests "$NI_LOG" '^/collections/deep/items/deep-000499$')" 1
check "per-collection: the sample asks for --sample items" \
    jq -e -s '[.[] | select(.path == "/collections/plain/items")][0].query.limit == "10"' "$N_LOG"
check "per-collection: no filter sent" jq -e -s 'all(.[]; .query.filter == null)' "$N_LOG"
# Models found by an exhaustive walk are not called gone by runs that only
# sampled their collections.
"$STACML" --db "$T/nx" -q harvest --exhaustive "$N_URL"
n_all=$("$STACML" --db "$T/nx" export | wc -l)
"$STACML" --db "$T/nx" -q harvest --gone-after 1 "$N_URL"
"$STACML" --db "$T/nx" -q harvest --gone-after 1 "$N_URL"
check_eq "sampling runs after an exhaustive one: nothing gone" "$("$STACML" --db "$T/nx" export | wc -l)" "$n_all"

# A server that refuses a page size above its own maximum (400 or 422,
# as stac-fastapi's validation once did, instead of answering as if given
# its maximum): the first page is asked again without a limit, said once
# per collection, and nothing fails.
for status in 400 422; do
    echo "[{\"path\": \"/items\$\", \"query\": \"limit=[0-9]{3,}\", \"status\": $status}]" \
        >"$T/limit$status.json"
    start_api L --world "$SMALL" --no-filter --faults "$T/limit$status.json"
    "$STACML" --db "$T/l$status" harvest --page-size 500 "$L_URL" 2>"$T/l$status.err"
    check_eq "limit refused ($status): exit status" "$?" 0
    check_eq "limit refused ($status): the walk's models found" \
        "$("$STACML" --db "$T/l$status" export | grep -c mlm-declared-)" 25
    check "limit refused ($status): said" \
        grep -q "HTTP $status to limit=500 at ${L_URL}collections/mlm-declared/items?limit=500: asked again without a limit" \
        "$T/l$status.err"
    check_eq "limit refused ($status): asked again once" \
        "$(jq -s '[.[] | select(.path == "/collections/mlm-declared/items" and .query.limit == null)] | length' "$L_LOG")" 1
    stop_apis
done
# ... and with several collections to walk, the API is remembered to
# refuse it: said once, not once per collection, and the collections
# queued already (a /collections page's) or planned later (the next
# page's) are asked without a limit from the start, not refused first.
jq -n '{id: "lim", collections: [range(4) | {id: "d\(.)", items: 3,
    declares: "item_assets"}]}' >"$T/lim.json"
start_api LM --world "$T/lim.json" --no-filter --collections-page 2 \
    --faults "$T/limit400.json"
"$STACML" --db "$T/lm" harvest --concurrency 1 --page-size 500 "$LM_URL" 2>"$T/lm.err"
check_eq "limit refused, 4 collections: every model found" \
    "$("$STACML" --db "$T/lm" export | grep -c -- '-00000')" 12
check_eq "limit refused, 4 collections: said once" \
    "$(grep -c 'warning: HTTP 400 to limit=500' "$T/lm.err")" 1
check_eq "limit refused, 4 collections: refused once" \
    "$(jq -s '[.[] | select(.status == 400)] | length' "$LM_LOG")" 1
check_eq "limit refused, 4 collections: each asked once without a limit" \
    "$(jq -s '[.[] | select((.path | test("^/collections/d[0-9]/items$")) and .query.limit == null)] | length' "$LM_LOG")" 4
stop_apis

# 4. Queryables without model fields: filter conformance alone is not
# enough.
start_api Q --world "$WORLD" --queryables none --conformance-version v1.0.0-rc.2
"$STACML" --db "$T/q" harvest "$Q_URL" 2>"$T/q.err"
check "queryables without model fields: per-collection" grep -q "strategy per-collection" "$T/q.err"
check "queryables were asked" test "$(requests "$Q_LOG" '^/queryables')" -eq 1

# 5. Older conformance version segments still mean filter.
start_api B --world "$WORLD" --conformance-version v1.0.0-beta.1
"$STACML" --db "$T/b" -q harvest "$B_URL"
check_eq "v1.0.0-beta.1 conformance: filter used, all models" "$(count "$T/b")" 92

# 6. --exhaustive finds the deep model without the filter.
start_api E --world "$SMALL" --no-filter
"$STACML" --db "$T/e" harvest --exhaustive --page-size 50 "$E_URL" 2>"$T/e.err"
check "exhaustive: strategy" grep -q "strategy exhaustive" "$T/e.err"
check "exhaustive: deep model found" sh -c "'$STACML' --db '$T/e' export | grep -q deep-000299"
check_eq "exhaustive: every page of deep walked" \
    "$(requests "$E_LOG" '^/collections/deep/items')" 6

# 7. /collections pagination, child links to a static catalog and to a
# second API, and collections reachable by child links too.
mkdir -p "$T/static"
cp -R "$top_srcdir/seeds/examples/." "$T/static/"
start_api S --world "$SMALL" --collections-page 1 --child-collections \
    --static "$T/static" --child "{{base}}/catalog.json" --child "$E_URL"
"$STACML" --db "$T/s" harvest "$S_URL" 2>"$T/s.err"
check_eq "children: exit status" "$?" 0
check_eq "children: /collections followed page by page" "$(requests "$S_LOG" '^/collections$')" 2
check "children: the static catalog below the API harvested" \
    sh -c "'$STACML' --db '$T/s' export | grep -q building-detector-faster-rcnn"
check "children: the second API harvested" grep -q "api $E_URL" "$T/s.err"
check_eq "children: collection child links do not walk the items again" \
    "$(requests "$S_LOG" '^/collections/deep/items')" 1
# A collection listed twice, on one page and again on the next (offset
# paging over a list that changed), in the abbreviated form of the spec's
# examples (an id and links): one collection, planned and walked once.
jq -n --arg b "$(jq -c . <<'J'
{"collections": [
  {"id": "deep", "links": [{"rel": "items", "href": "{{base}}/collections/deep/items"}]},
  {"id": "deep", "links": [{"rel": "items", "href": "{{base}}/collections/deep/items"}]},
  {"id": "mlm-declared", "links": []}],
 "links": [{"rel": "next", "href": "{{base}}/collections?limit=1&page=1"}]}
J
)" '[{path: "^/collections$", query: "^$", body: $b}]' >"$T/twice.json"
start_api TW --world "$SMALL" --no-filter --collections-page 1 --faults "$T/twice.json"
"$STACML" --db "$T/tw" harvest "$TW_URL" 2>"$T/tw.err"
check "collections listed twice: counted once" grep -q "strategy per-collection; 2 collections:" "$T/tw.err"
check_eq "collections listed twice: sampled once" \
    "$(requests "$TW_LOG" '^/collections/deep/items$')" 1
# Abbreviated, a model collection (no type, extent or license) is still
# recorded as a Collection, with the model fields of its summaries.
jq -n '[{path: "^/collections$", body: ({collections: [{id: "mlm-declared",
    stac_extensions: ["https://stac-extensions.github.io/mlm/v1.5.2/schema.json"],
    summaries: {"mlm:architecture": ["unet"]}, links: []}], links: []} | tojson)}]' \
    >"$T/abbr.json"
start_api AB --world "$SMALL" --no-filter --faults "$T/abbr.json"
"$STACML" --db "$T/ab" -q harvest "$AB_URL"
check_eq "an abbreviated collection is recorded as one, its summaries read" \
    "$("$STACML" --db "$T/ab" export | jq -r 'select(.id == "mlm-declared") | "\(.stac_type) \(.architecture)"')" \
    "Collection unet"
# The same without a data link: the collections are still at /collections.
start_api N --world "$SMALL" --no-data-link --child-collections
"$STACML" --db "$T/n" -q harvest "$N_URL"
check_eq "no data link: collection child links do not walk the items again" \
    "$(requests "$N_LOG" '^/collections/deep/items')" 1

# ... and when its collections have no self link either and /collections
# pages by offset: a collection's URL is /collections/{id}, not one that
# carries the offset of the page it was listed on (its items would be
# asked from that offset on, its record keyed by the page).
jq -n '[{path: "^/collections$", query: "^$", body: ({collections: [{id: "deep",
    links: []}], links: [{rel: "next", href: "{{base}}/collections?offset=1"}]} | tojson)},
  {path: "^/collections$", query: "offset=1", body: ({collections: [{id:
    "mlm-declared", stac_extensions: ["https://stac-extensions.github.io/mlm/v1.5.2/schema.json"],
    links: []}], links: []} | tojson)}]' >"$T/offset.json"
start_api NO --world "$SMALL" --no-data-link --no-filter --faults "$T/offset.json"
"$STACML" --db "$T/no" -q harvest "$NO_URL"
check "collections without self links: items asked without the list's offset" \
    jq -e -s '[.[] | select(.path == "/collections/mlm-declared/items")] |
        length > 0 and all(.[]; .query.offset == null)' "$NO_LOG"
check_eq "collections without self links: the collection's URL" \
    "$("$STACML" --db "$T/no" export | jq -r 'select(.id == "mlm-declared") | .url')" \
    "${NO_URL}collections/mlm-declared"

# POST next links outside /search: a /collections page (pgstac pages its
# collections) and an items page, each with a body, merge: true and a
# header. Neither chain has a body of its own to merge into: the link's
# body is sent, with its header.
curl -s "${N_URL}collections" | sed -E 's#http://127\.0\.0\.1:[0-9]+#{{base}}#g' >"$T/colls.json"
curl -s "${N_URL}collections/mlm-declared/items?limit=4" |
    sed -E 's#http://127\.0\.0\.1:[0-9]+#{{base}}#g' >"$T/items4.json"
jq -n --slurpfile c "$T/colls.json" --slurpfile p "$T/items4.json" '
    def next(b; h): {rel: "next", method: "POST", merge: true, body: b,
        headers: {"Search-After": h}};
    [{path: "^/collections$", method: "GET", body: ({collections: $c[0].collections[0:1],
        links: [next({page: 2}; "c2") + {href: "{{base}}/collections"}]} | tojson)},
     {path: "^/collections$", method: "POST", body: ({collections: $c[0].collections[1:2],
        links: []} | tojson)},
     {path: "^/collections/mlm-declared/items$", method: "GET", body: ({type: "FeatureCollection",
        features: $p[0].features[0:2], links: [next({token: "p2"}; "i2") +
            {href: "{{base}}/collections/mlm-declared/items"}]} | tojson)},
     {path: "^/collections/mlm-declared/items$", method: "POST", body: ({type: "FeatureCollection",
        features: $p[0].features[2:4], links: []} | tojson)}]' >"$T/post-next.json"
start_api PN --world "$SMALL" --no-filter --faults "$T/post-next.json"
"$STACML" --db "$T/pn" harvest "$PN_URL" 2>"$T/pn.err"
check_eq "POST next links outside /search: exit status" "$?" 0
check "POST next links outside /search: /collections page 2 by POST, body and header" \
    jq -e -s 'any(.[]; .method == "POST" and .path == "/collections" and
        .body == {page: 2} and .headers["Search-After"] == "c2")' "$PN_LOG"
check "POST next links outside /search: items page 2 by POST, body and header" \
    jq -e -s 'any(.[]; .method == "POST" and .path == "/collections/mlm-declared/items" and
        .body == {token: "p2"} and .headers["Search-After"] == "i2")' "$PN_LOG"
check_eq "POST next links outside /search: both pages' items" \
    "$("$STACML" --db "$T/pn" export | grep -c '"mlm-declared-00000[0-3]"')" 4
stop_apis

# An API of item search alone (no Collections class, no data link,
# /collections answers 404): its /search is one collection that declares
# nothing. Sampled (the sample holds a2: paged in full), skipped (a sample
# of 2 holds none), paged in full (--exhaustive), or searched with the
# filter; /collections is never asked for, and nothing fails.
cat >"$T/search-only.json" <<'W'
{"id": "search-only", "collections": [
  {"id": "a", "items": 40, "declares": null, "models_at": [2, 35]},
  {"id": "b", "items": 20, "declares": null, "models_at": [5]}]}
W
start_api SO --world "$T/search-only.json" --search-only --no-filter
"$STACML" --db "$T/so" harvest "$SO_URL" 2>"$T/so.err"
check_eq "search only: exit status" "$?" 0
check "search only: strategy reported" grep -q "strategy sampled search; 0 collections: 0 walked (declared), 1 walked (sample held a model)" "$T/so.err"
check_eq "search only: every model found" "$(count "$T/so")" 3
check_eq "search only: /collections never asked for" "$(requests "$SO_LOG" '^/collections')" 0
"$STACML" --db "$T/so2" harvest --sample 2 "$SO_URL" 2>"$T/so2.err"
check_eq "search only, sample without a model: exit status" "$?" 0
check "search only, sample without a model: skipped, said" grep -q "strategy sampled search; 0 collections: 0 walked (declared), 0 walked (sample held a model), 1 sampled and skipped" "$T/so2.err"
check_eq "search only, sample without a model: one request to /search" \
    "$(jq -s '[.[] | select(.path == "/search" and .query.limit == "2")] | length' "$SO_LOG")" 1
"$STACML" --db "$T/so3" harvest --sample 2 --exhaustive "$SO_URL" 2>"$T/so3.err"
check_eq "search only, --exhaustive: exit status" "$?" 0
check_eq "search only, --exhaustive: every model found" "$(count "$T/so3")" 3
start_api SF --world "$T/search-only.json" --search-only
"$STACML" --db "$T/sf" harvest "$SF_URL" 2>"$T/sf.err"
check_eq "search only with a filter: exit status" "$?" 0
check "search only with a filter: strategy filter" grep -q "strategy filter" "$T/sf.err"
check_eq "search only with a filter: every model found" "$(count "$T/sf")" 3
check_eq "search only with a filter: /collections never asked for" "$(requests "$SF_LOG" '^/collections')" 0
check "search only: no warning" sh -c "! grep -qE 'stopped|failed;|/collections' '$T/so.err' '$T/sf.err'"
# ... and when its filtered search fails (a 400 to the POST), it falls
# back to sampling /search, and says so under its own strategy's name.
echo '[{"path": "^/search$", "method": "POST", "status": 400}]' >"$T/sf400.json"
start_api SG --world "$T/search-only.json" --search-only --faults "$T/sf400.json"
"$STACML" --db "$T/sg" harvest "$SG_URL" 2>"$T/sg.err"
check_eq "search only, filter failing: exit status 1 (the search failed)" "$?" 1
check "search only, filter failing: strategy sampled search" \
    grep -q "strategy sampled search; 0 collections: 0 walked (declared), 1 walked (sample held a model)" "$T/sg.err"
check_eq "search only, filter failing: every model found" "$(count "$T/sg")" 3
check_eq "search only, filter failing: /collections never asked for" "$(requests "$SG_LOG" '^/collections')" 0

# An API whose only search link says POST (GET /search answers 405, as
# the link allows): its /search is sampled and paged by POST, with the
# filter and without, and GET is never tried.
for how in no-filter filter; do
    opts=--no-filter
    [ "$how" = filter ] && opts="--queryables both"
    # shellcheck disable=SC2086 # $opts is one or two words
    start_api SP --world "$T/search-only.json" --search-only $opts \
        --search-post-only --search-paging post-merge
    "$STACML" --db "$T/sp-$how" harvest "$SP_URL" 2>"$T/sp-$how.err"
    check_eq "POST-only search ($how): exit status" "$?" 0
    check_eq "POST-only search ($how): every model found" "$(count "$T/sp-$how")" 3
    check_eq "POST-only search ($how): no GET of /search" \
        "$(jq -s '[.[] | select(.path == "/search" and .method != "POST")] | length' "$SP_LOG")" 0
    stop_apis
done

# A first page refused for its limit (as above) where the search goes by
# POST alone: asked again with the body without a limit.
echo '[{"path": "^/search$", "method": "POST", "times": 1, "status": 400}]' >"$T/limit-post.json"
start_api LP --world "$T/search-only.json" --search-only --no-filter --search-post-only \
    --search-paging post-merge --faults "$T/limit-post.json"
"$STACML" --db "$T/lp" harvest "$LP_URL" 2>"$T/lp.err"
check_eq "limit refused, POST search: exit status" "$?" 0
check_eq "limit refused, POST search: every model found" "$(count "$T/lp")" 3
check "limit refused, POST search: asked again without one" \
    jq -e -s '[.[] | select(.method == "POST")] | (.[0].body.limit == 10) and
        (.[1].body == {})' "$LP_LOG"
stop_apis

# ... and when it takes CQL2 text alone, the filter goes in a POST body
# as text, not to a GET that answers 405.
start_api ST --world "$T/search-only.json" --search-only --cql2 text \
    --search-post-only --search-paging post-merge
"$STACML" --db "$T/st" harvest "$ST_URL" 2>"$T/st.err"
check_eq "POST-only search, CQL2 text: exit status" "$?" 0
check "POST-only search, CQL2 text: strategy filter, no failure" sh -c "
    grep -q 'strategy filter' '$T/st.err' && ! grep -q 'search failed' '$T/st.err'"
check "POST-only search, CQL2 text: the filter POSTed as text" \
    jq -e -s 'any(.[]; .method == "POST" and .body."filter-lang" == "cql2-text" and
        (.body.filter | type) == "string")' "$ST_LOG"
check_eq "POST-only search, CQL2 text: every model found" "$(count "$T/st")" 3
stop_apis

# Many collections: each /collections page's collections are sampled
# before the next page is read, so the queue holds about one page of them,
# not the whole list (the frontier is a stack: a next page pushed after
# them came first). Stopped by --max-docs, the queue left says so.
jq -n '{id: "many", collections: [range(300) | {id: "c\(.)", items: 3, declares: null}]}' \
    >"$T/many.json"
start_api M --world "$T/many.json" --no-filter
"$STACML" --db "$T/m" harvest --max-docs 40 --concurrency 1 "$M_URL" 2>"$T/m.err"
left=$(sed -n 's/.* \([0-9]*\) queued documents left unfetched.*/\1/p' "$T/m.err")
check "many collections: about one page of them queued at a time" \
    test "${left:-999}" -le 20
check_eq "many collections: sampled while the list is read" \
    "$(requests "$M_LOG" '^/collections/c[0-9]+/items')" 35


# A seed that is an API's /collections list: its collections come inline
# and no link leads to them. Its root, the landing page, is walked, and the
# API walk finds what a seed of the landing page finds (this used to be 0
# records, exit 0, and no word of it).
start_api CL --world "$SMALL"
"$STACML" --db "$T/cl-root" -q harvest "$CL_URL"
"$STACML" --db "$T/cl" harvest "${CL_URL}collections" 2>"$T/cl.err"
check_eq "/collections seed: exit status" "$?" 0
check_eq "/collections seed: the models of its API" "$(ids "$T/cl")" "$(ids "$T/cl-root")"
check "/collections seed: walked as an API" grep -q "strategy filter" "$T/cl.err"
check "/collections seed: the records are the seed's" \
    sh -c "'$STACML' --db '$T/cl' export | jq -e -s 'length > 0 and all(.[]; .source == \"${CL_URL}collections\")'"
# A static list of collections with no root link: each collection's self
# link is walked.
mkdir -p "$T/cl-static/c1" "$T/cl-static/c2"
printf '%s' '{"collections":[
  {"type":"Collection","id":"c1","links":[{"rel":"self","href":"./c1/collection.json"}]},
  {"type":"Collection","id":"c2","links":[{"rel":"self","href":"./c2/collection.json"}]},
  {"type":"Collection","id":"c3","links":[]}],"links":[]}' >"$T/cl-static/collections.json"
for c in c1 c2; do
    printf '{"type":"Collection","stac_version":"1.0.0","id":"%s","description":"d","license":"x","extent":{},"links":[{"rel":"item","href":"./m.json"}]}' \
        "$c" >"$T/cl-static/$c/collection.json"
    mlm_item "model-$c" >"$T/cl-static/$c/m.json"
done
start_api CS --static "$T/cl-static"
"$STACML" --db "$T/cs" harvest "${CS_URL}collections.json" 2>"$T/cs.err"
check_eq "static list of collections: each collection walked" \
    "$(ids "$T/cs" | tr '\n' ' ')" "model-c1 model-c2 "
check "static list of collections: the one without a self link named" \
    grep -q "1 of its 3 collections have no self link" "$T/cs.err"

# A landing page with neither conformsTo nor a conformance link, but data
# and search links (a STAC API 0.9 server): an API all the same, read
# without asking for /conformance. Taken for a static catalog, its walk
# went to /collections, whose root (the landing page, read already) was
# not walked again: 0 records, exit 0, no word of it.
start_api OLDREF --world "$SMALL" --no-filter
"$STACML" --db "$T/old-ref" -q harvest "$OLDREF_URL"
start_api OLD --world "$SMALL" --no-conformance --no-filter
"$STACML" --db "$T/old" harvest "$OLD_URL" 2>"$T/old.err"
check_eq "no conformance, data and search links: exit status" "$?" 0
check "no conformance, data and search links: walked as an API" \
    grep -q "api $OLD_URL: strategy per-collection; 2 collections" "$T/old.err"
check_eq "no conformance, data and search links: the models of the API" \
    "$(ids "$T/old")" "$(ids "$T/old-ref")"
check_eq "no conformance, data and search links: /conformance not asked" \
    "$(requests "$OLD_LOG" '^/conformance$')" 0
# A search link alone (no data link) is not enough to tell an API from a
# static catalog that uses the name: walked as one, and said.
start_api OS --world "$SMALL" --no-conformance --no-filter --no-data-link
"$STACML" --db "$T/os" harvest "$OS_URL" 2>"$T/os.err"
check "a search link alone: the page named, not read as an API" \
    grep -q "$OS_URL: has a search link, as a STAC API landing page does, but neither conformsTo" "$T/os.err"

# Every listed collection is counted in one category of the summary: one
# whose sample was the whole collection (no page after it) and one whose
# sample failed were counted in none, and "N collections: a + b + ..."
# fell short of N.
jq -n '{id: "sum", collections: [
    {id: "tiny", items: 3, declares: null},
    {id: "big", items: 50, declares: null},
    {id: "hid", items: 40, declares: null, models_at: [2]},
    {id: "decl", items: 4, declares: "item_assets"},
    {id: "broken", items: 30, declares: null}]}' >"$T/sum.json"
echo '[{"path": "^/collections/broken/items$", "status": 500},
  {"path": "^/collections/decl/items$", "query": "token=", "status": 500}]' >"$T/sum-faults.json"
start_api SUM --world "$T/sum.json" --no-filter --faults "$T/sum-faults.json"
"$STACML" --db "$T/sum" harvest --retries 0 --page-size 2 "$SUM_URL" 2>"$T/sum.err"
check "categories: the summary names each" grep -q "5 collections: 1 walked (declared), 1 walked (sample held a model), 1 sampled and skipped, 1 read whole by their sample, 1 whose sample failed, 0 covered" "$T/sum.err"
check "categories: they add up to the collections (stats)" \
    sh -c "'$STACML' --db '$T/sum' stats --format json | jq -e '.last_harvest.apis[0] |
        .collections == 5 and .sampled_whole == 1 and .sample_failed == 1 and
        .walked_declared + .walked_sampled + .skipped_sampled + .sampled_whole +
        .sample_failed + .covered_by_search + .walked_all == .collections'"
check "categories: they add up to the collections (runs)" \
    sh -c "'$STACML' --db '$T/sum' runs --format json | jq -e '.[0].apis[0] |
        .walked_declared + .walked_sampled + .skipped_sampled + .sampled_whole +
        .sample_failed + .covered_by_search + .walked_all == .collections'"
# A chain's first page failing is no pagination stopped: what could not be
# read is said, and why; a later page's failure says why too.
check "a first items page failing: the collection named, with the reason" \
    grep -q "warning: the items of collection broken could not be read: HTTP 500 (${SUM_URL}collections/broken/items?limit=10)" "$T/sum.err"
check "a first items page failing: not called pagination" \
    sh -c "! grep -q 'pagination stopped: ${SUM_URL}collections/broken' '$T/sum.err'"
check "a later items page failing: pagination stopped, with the reason" \
    grep -q "warning: pagination stopped: ${SUM_URL}collections/decl/items?limit=2&token=[^ ]* failed: HTTP 500" "$T/sum.err"
echo '[{"path": "^/collections$", "status": 503}]' >"$T/coll503.json"
start_api C503 --world "$SMALL" --no-filter --faults "$T/coll503.json"
"$STACML" --db "$T/c503" harvest --retries 0 "$C503_URL" 2>"$T/c503.err"
check "the list of collections failing: said so, with the reason" \
    grep -q "warning: the list of collections could not be read: HTTP 503 (${C503_URL}collections)" "$T/c503.err"

e2e_finish
