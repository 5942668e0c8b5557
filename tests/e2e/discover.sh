#!/bin/bash
# SPDX-License-Identifier: MIT
# Discovery over a registry served on 127.0.0.1: a static catalog with a
# model three levels down in a collection that declares nothing (listed
# with a wrong isApi), an API whose collections declare mlm in
# item_assets, an API with 50,000 plain items (its survey must cost a few
# dozen requests, counted on its server), a dead URL and a protected entry.
# Verdicts, models, request counts, and a second run that re-surveys only
# what is due.
. "$top_srcdir/tests/e2e/lib.sh"
cat >"$T/models.json" <<'JSON'
{"collections": [{"id": "declared", "items": 40, "declares": "item_assets"},
                 {"id": "other", "items": 300, "declares": null}]}
JSON
cat >"$T/plain.json" <<'JSON'
{"collections": [{"id": "plain-a", "items": 25000, "declares": null},
                 {"id": "plain-b", "items": 25000, "declares": null}]}
JSON
start_api D --static "$top_srcdir/tests/fixtures/registry/deep"
start_api M --world "$T/models.json" --no-filter
start_api P --world "$T/plain.json"
dead=$(free_port)
mkdir -p "$T/reg"
cat >"$T/reg/catalogs.json" <<JSON
[{"id": 1, "slug": "deep", "title": "Deep static", "url": "http://127.0.0.1:$D_PORT/catalog.json", "access": "public", "isApi": true, "isPrivate": false},
 {"id": 2, "slug": "models", "title": "Model API", "url": "$M_URL", "access": "public", "isApi": true, "isPrivate": false},
 {"id": 3, "slug": "plain", "title": "Plain API", "url": "$P_URL", "access": "public", "isApi": true, "isPrivate": false},
 {"id": 4, "slug": "dead", "title": "Dead", "url": "http://127.0.0.1:$dead/catalog.json", "access": "public", "isApi": false},
 {"id": 5, "slug": "closed", "title": "Protected", "url": "https://protected.invalid/stac", "access": "protected", "isApi": true, "isPrivate": false},
 {"id": 6, "slug": "weird", "title": "No URL", "access": "public"},
 "not an entry"]
JSON
start_api R --static "$T/reg"
REG="http://127.0.0.1:$R_PORT/catalogs.json"
DB="$T/db"

"$STACML" --db "$DB" harvest --registry "$REG" --retries 0 2>"$T/err1"
check_eq "first run: exit 1 (the dead source)" "$?" 1
"$STACML" --db "$DB" sources --format json >"$T/s1.json"
v() { jq -r --arg u "$1" '.[] | select(.url == $u) | .verdict' "$T/s1.json"; }
check_eq "deep static catalog holds models" "$(v "http://127.0.0.1:$D_PORT/catalog.json")" holds-models
check_eq "API declaring mlm holds models" "$(v "$M_URL")" holds-models
check_eq "plain API: none" "$(v "$P_URL")" none
check_eq "dead URL: unreachable" "$(v "http://127.0.0.1:$dead/catalog.json")" unreachable
check_eq "protected entry: skipped" "$(v "https://protected.invalid/stac")" skipped
check "kinds told from the documents" jq -e --arg d "http://127.0.0.1:$D_PORT/catalog.json" \
    --arg m "$M_URL" '(.[] | select(.url == $d) | .kind == "catalog") and
        (.[] | select(.url == $m) | .kind == "api")' "$T/s1.json"
check "wrong isApi noted" jq -e --arg d "http://127.0.0.1:$D_PORT/catalog.json" \
    '.[] | select(.url == $d) | .note | test("isApi true")' "$T/s1.json"
check "where the models are" jq -e --arg d "http://127.0.0.1:$D_PORT/catalog.json" \
    '.[] | select(.url == $d) | .survey.where[0] | endswith("/a/b/i0.json")' "$T/s1.json"
check "the deep model indexed" sh -c "'$STACML' --db '$DB' export | grep -q deep-0"
check_eq "the declared API collection harvested in full" \
    "$("$STACML" --db "$DB" export | jq -r .id | grep -c '^declared-')" 40
plain1=$(requests "$P_LOG")
check "plain API (50,000 items) cost a few dozen requests ($plain1)" test "$plain1" -le 40
check "sources table" sh -c "'$STACML' --db '$DB' sources | grep -q 'holds-models'"
# The models a source holds, counted on the run that surveys and harvests
# it, include those its survey met first.
for u in "http://127.0.0.1:$D_PORT/catalog.json" "$M_URL"; do
    check_eq "first run: models of $u as exported" \
        "$(jq -r --arg u "$u" '.[] | select(.url == $u) | .harvest.models' "$T/s1.json")" \
        "$("$STACML" --db "$DB" export --source "$u" | wc -l)"
done

# Second run: nothing is due for a survey; the model sources are harvested.
m1=$(requests "$M_LOG")
"$STACML" --db "$DB" -q harvest --registry "$REG" --retries 0
check_eq "second run: nothing unreachable tried, so exit 0" "$?" 0
check_eq "second run: the plain API not contacted" "$(requests "$P_LOG")" "$plain1"
check "second run: the model API harvested again" test "$(requests "$M_LOG")" -gt "$m1"
# --survey-every 0s makes every source due again.
"$STACML" --db "$DB" -q harvest --registry "$REG" --retries 0 --survey-every 0s
check "--survey-every 0s re-surveys" test "$(requests "$P_LOG")" -gt "$plain1"

# A per-source budget: the model API cut off after 7 requests, reported,
# and the other sources still harvested.
"$STACML" --db "$T/b" harvest --registry "$REG" --retries 0 --source-budget 7 \
    --page-size 10 2>"$T/budget.err"
check "budget reached and reported" grep -q "budget reached (7 requests" "$T/budget.err"
check "other sources unaffected" sh -c "'$STACML' --db '$T/b' export | grep -q deep-0"

# A survey cut off by its budget before it found anything is no verdict:
# "incomplete", reported, and surveyed again on the next run whatever
# --survey-every says. A static catalog with three models in a collection
# that declares nothing, cut at 3 requests before any item is reached.
mkdir -p "$T/three/c"
cat >"$T/three/catalog.json" <<'JSON'
{"type": "Catalog", "stac_version": "1.0.0", "id": "three", "description": "three models",
 "links": [{"rel": "child", "href": "./c/collection.json"}]}
JSON
cat >"$T/three/c/collection.json" <<'JSON'
{"type": "Collection", "stac_version": "1.0.0", "id": "three-c", "description": "declares nothing",
 "license": "CC0-1.0", "extent": {"spatial": {"bbox": [[-180, -90, 180, 90]]},
 "temporal": {"interval": [[null, null]]}},
 "links": [{"rel": "item", "href": "./m0.json"}, {"rel": "item", "href": "./m1.json"},
           {"rel": "item", "href": "./m2.json"}]}
JSON
for i in 0 1 2; do
    cat >"$T/three/c/m$i.json" <<JSON
{"type": "Feature", "stac_version": "1.0.0", "id": "three-$i", "geometry": null,
 "stac_extensions": ["https://stac-extensions.github.io/mlm/v1.5.2/schema.json"],
 "properties": {"datetime": "2024-01-01T00:00:00Z", "mlm:name": "three $i",
   "mlm:architecture": "UNet", "mlm:tasks": ["classification"]},
 "links": [], "assets": {}}
JSON
done
start_api S --static "$T/three"
S_CAT="http://127.0.0.1:$S_PORT/catalog.json"
cat >"$T/reg/three.json" <<JSON
[{"id": 7, "title": "Three models", "url": "$S_CAT", "access": "public", "isApi": false}]
JSON
"$STACML" --db "$T/c" harvest --registry "$T/reg/three.json" --source-budget 3 \
    2>"$T/cut.err"
"$STACML" --db "$T/c" sources --format json >"$T/c1.json"
check "cut-off survey: incomplete, not none" \
    jq -e '.[0] | .verdict == "incomplete" and .survey.budget and
        (.reason | test("surveyed again"))' "$T/c1.json"
check "cut-off survey reported" grep -q "survey cut off by its budget" "$T/cut.err"
check "cut-off survey: incomplete in the sources table" \
    sh -c "'$STACML' --db '$T/c' sources | grep -q '^catalog *incomplete '"
s1=$(requests "$S_LOG")
"$STACML" --db "$T/c" -q harvest --registry "$T/reg/three.json"
check "cut-off survey: surveyed again on the next run" test "$(requests "$S_LOG")" -gt "$s1"
check_eq "... and now it holds models" \
    "$("$STACML" --db "$T/c" sources --format json | jq -r '.[0].verdict')" holds-models
check_eq "... all three harvested" \
    "$("$STACML" --db "$T/c" export | jq -r .id | grep -c '^three-')" 3

# A survey that found a model before its budget ran out is a verdict:
# cut at 5 requests after one sampled item, it holds models and is not
# surveyed again on the next run (its stored survey is still the cut one).
"$STACML" --db "$T/f" -q harvest --registry "$T/reg/three.json" --source-budget 5
check "cut after a model was found: holds-models" \
    jq -e '.[0] | .verdict == "holds-models" and .survey.budget' \
    <("$STACML" --db "$T/f" sources --format json)
"$STACML" --db "$T/f" -q harvest --registry "$T/reg/three.json"
check "... a verdict: not surveyed again on the next run" \
    jq -e '.[0] | .verdict == "holds-models" and .survey.budget' \
    <("$STACML" --db "$T/f" sources --format json)

# The same with a time budget against a slow API (400 ms per answer, so
# robots.txt, the landing page and its conformance alone take longer than
# --source-time 1s); its model is in a collection that declares nothing.
cat >"$T/slow.json" <<'JSON'
{"collections": [{"id": "slow-a", "items": 5, "declares": null, "models_at": [0]}]}
JSON
start_api W --world "$T/slow.json" --no-filter --delay-ms 400
cat >"$T/reg/slow.json" <<JSON
[{"id": 8, "title": "Slow API", "url": "$W_URL", "access": "public", "isApi": true}]
JSON
"$STACML" --db "$T/w" harvest --registry "$T/reg/slow.json" --source-time 1s \
    2>"$T/slow.err"
check_eq "timed-out survey: incomplete" \
    "$("$STACML" --db "$T/w" sources --format json | jq -r '.[0].verdict')" incomplete
check "timed-out survey reported" grep -q "survey cut off by its budget" "$T/slow.err"
w1=$(requests "$W_LOG")
"$STACML" --db "$T/w" -q harvest --registry "$T/reg/slow.json"
check "timed-out survey: surveyed again on the next run" test "$(requests "$W_LOG")" -gt "$w1"
check_eq "... and now it holds models" \
    "$("$STACML" --db "$T/w" sources --format json | jq -r '.[0].verdict')" holds-models

# A survey interrupted by SIGINT records no verdict and harvests nothing;
# the source is still due on the next run.
"$STACML" --db "$T/wi" -q harvest --registry "$T/reg/slow.json" &
pid=$!
w0=$(requests "$W_LOG")
i=0
while [ "$(requests "$W_LOG")" -le "$w0" ] && [ $i -lt 200 ]; do
    sleep 0.05
    i=$((i + 1))
done
kill -INT "$pid"
wait "$pid"
check_eq "interrupted survey: exit status 130" "$?" 130
check "interrupted survey: no verdict recorded" \
    sh -c "'$STACML' --db '$T/wi' sources --format json | jq -e 'all(.[]; .verdict == null)'"
w1=$(requests "$W_LOG")
"$STACML" --db "$T/wi" -q harvest --registry "$T/reg/slow.json"
check "interrupted survey: surveyed on the next run" test "$(requests "$W_LOG")" -gt "$w1"

# Entries that cannot be sources are reported, not dropped silently; a
# private entry's reason says private, whatever its "access".
cat >"$T/reg/odd.json" <<'JSON'
[{"id": 1, "url": "ftp://x.invalid/c.json"}, 3, {"title": "no url"},
 {"id": 5, "url": "https://closed.invalid/c.json", "access": "public", "isPrivate": true}]
JSON
"$STACML" --db "$T/odd" harvest --registry "$T/reg/odd.json" 2>"$T/odd.err"
# An entry whose URL carries credentials is refused like such a link: no
# request with them, no secret in the index.
cat >"$T/reg/userinfo.json" <<JSON
[{"id": 26, "url": "http://user:secret@127.0.0.1:$S_PORT/catalog.json", "access": "public"}]
JSON
u0=$(requests "$S_LOG")
"$STACML" --db "$T/ui" harvest --registry "$T/reg/userinfo.json" 2>"$T/ui.err"
check "entry with credentials: reported" \
    grep -q "entry 1 (26): a URL with credentials (user@host); ignored" "$T/ui.err"
check_eq "entry with credentials: not contacted" "$(requests "$S_LOG")" "$u0"
check "entry with credentials: no secret in the index" \
    sh -c "! grep -rq secret '$T/ui'"
# A \u0000 is valid JSON: it does not make the registry unreadable, but
# an entry's URL cut short at it would be another URL, and is refused.
cat >"$T/reg/nul.json" <<JSON
[{"id": 27, "title": "a\\u0000b", "url": "http://127.0.0.1:$S_PORT/catalog.json\\u0000.evil", "access": "public"}]
JSON
"$STACML" --db "$T/nul" harvest --registry "$T/reg/nul.json" 2>"$T/nul.err"
check_eq "\\u0000 in a registry: read, nothing to harvest" "$?" 0
check "\\u0000 in a URL: the entry is refused" \
    grep -q "entry 1 (27): no usable http(s) URL; ignored" "$T/nul.err"
check_eq "\\u0000 in a URL: not contacted" "$(requests "$S_LOG")" "$u0"
# An entry on port 0 names no server: refused as a seed on port 0 is, not
# surveyed to end "unreachable".
cat >"$T/reg/port0.json" <<JSON
[{"id": 28, "url": "http://127.0.0.1:0/catalog.json", "access": "public"}]
JSON
"$STACML" --db "$T/p0" harvest --registry "$T/reg/port0.json" 2>"$T/p0.err"
check_eq "port 0 entry: exit 0, nothing to harvest" "$?" 0
check "port 0 entry: refused with its reason" \
    grep -q "entry 1 (28): port 0, where no server can listen; ignored" "$T/p0.err"
check_eq "port 0 entry: no source surveyed, none unreachable" \
    "$("$STACML" --db "$T/p0" sources --format json | jq -c '[.[] | .verdict]')" "[]"
check "unusable entries reported" sh -c "
    grep -q 'entry 1 (1): no usable http(s) URL; ignored' '$T/odd.err' &&
    grep -q 'entry 2 is not an object; ignored' '$T/odd.err' &&
    grep -q 'entry 3 (no url): no usable http(s) URL; ignored' '$T/odd.err'"
"$STACML" --db "$T/odd" harvest --registry "$T/reg/odd.json" --header 'Authorization: Bearer T' 2>"$T/odd2.err"
check "--header without --header-host, registries only: warned" grep -q -- "--header is sent to no host" "$T/odd2.err"
check_eq "isPrivate entry: reason says private" \
    "$("$STACML" --db "$T/odd" sources --format json | jq -r '.[0].reason')" \
    "private: needs credentials (--header with --header-host for its host)"

# A registry whose sources are settled and hold no model: nothing to do,
# which is not a failure.
mkdir -p "$T/plain"
printf '{"type":"Catalog","id":"p","stac_version":"1.0.0","description":"d","links":[]}' >"$T/plain/catalog.json"
start_api PL --static "$T/plain"
cat >"$T/reg/plain.json" <<JSON
[{"id": 10, "title": "Plain", "url": "http://127.0.0.1:$PL_PORT/catalog.json", "access": "public", "isApi": false}]
JSON
"$STACML" --db "$T/pl" -q harvest --registry "$T/reg/plain.json"
check_eq "no models: first run exit 0" "$?" 0
"$STACML" --db "$T/pl" harvest --registry "$T/reg/plain.json" 2>"$T/pl.err"
check_eq "nothing due: exit 0" "$?" 0
check "nothing due: said so" grep -q "nothing to harvest" "$T/pl.err"

# A protected entry is skipped without credentials for its host, and
# surveyed as soon as a run has them, whatever the stored "skipped" and
# --survey-every say; a later run without them skips it again, and one
# with them (now in the HOST:PORT form of --header-host) surveys it again.
cat >"$T/reg/closed.json" <<JSON
[{"id": 9, "title": "Closed", "url": "$S_CAT", "access": "protected", "isApi": false, "isPrivate": true}]
JSON
pv() { "$STACML" --db "$T/p" sources --format json | jq -r '.[0].verdict'; }
p0=$(requests "$S_LOG")
"$STACML" --db "$T/p" -q harvest --registry "$T/reg/closed.json"
check_eq "protected, no credentials: skipped" "$(pv)" skipped
check_eq "protected, no credentials: not contacted" "$(requests "$S_LOG")" "$p0"
"$STACML" --db "$T/p" -q harvest --registry "$T/reg/closed.json" \
    --header "Authorization: Bearer T" --header-host "http://127.0.0.1:$S_PORT/"
check "credentials given: surveyed at once" test "$(requests "$S_LOG")" -gt "$p0"
check "credentials given: the token sent" \
    jq -e -s 'any(.[]; .headers.Authorization == "Bearer T")' "$S_LOG"
check_eq "credentials given: its verdict" "$(pv)" holds-models
check_eq "credentials given: its models harvested" \
    "$("$STACML" --db "$T/p" export | jq -r .id | grep -c '^three-')" 3
p1=$(requests "$S_LOG")
"$STACML" --db "$T/p" -q harvest --registry "$T/reg/closed.json"
check_eq "credentials gone: skipped again" "$(pv)" skipped
check_eq "credentials gone: not contacted" "$(requests "$S_LOG")" "$p1"
"$STACML" --db "$T/p" -q harvest --registry "$T/reg/closed.json" \
    --header "Authorization: Bearer T" --header-host "127.0.0.1:$S_PORT"
check "credentials back (HOST:PORT form): surveyed again" test "$(requests "$S_LOG")" -gt "$p1"
check_eq "credentials back: its verdict" "$(pv)" holds-models

# The same catalog listed twice, under two spellings of its URL, is one
# source: surveyed once, and when it is dead every source failed (exit 3).
cat >"$T/reg/dup.json" <<JSON
[{"id": 20, "url": "http://127.0.0.1:$dead/catalog.json", "access": "public"},
 {"id": 21, "url": "HTTP://127.0.0.1:$dead/./catalog.json", "access": "public"}]
JSON
"$STACML" --db "$T/dup" harvest --registry "$T/reg/dup.json" --retries 0 2>"$T/dup.err"
check_eq "duplicate entries, dead: every source failed (exit 3)" "$?" 3
check "duplicate entries: surveyed once" grep -q "surveying 1 sources" "$T/dup.err"
check_eq "duplicate entries: one source listed" \
    "$("$STACML" --db "$T/dup" sources --format json | jq 'length')" 1
# Listed as protected, then as public: the public listing is harvested; a
# source also given as a seed is harvested once.
cat >"$T/reg/dup2.json" <<JSON
[{"id": 22, "url": "$S_CAT", "access": "protected", "isPrivate": true},
 {"id": 23, "url": "$S_CAT", "access": "public"}]
JSON
"$STACML" --db "$T/dup2" -q harvest --registry "$T/reg/dup2.json" --registry "$T/reg/three.json"
check_eq "protected and public listings: the public one wins" \
    "$("$STACML" --db "$T/dup2" sources --format json | jq -r '[.[].verdict] | join(",")')" holds-models
"$STACML" --db "$T/dup2" -q harvest --registry "$T/reg/dup2.json" "$S_CAT"
check_eq "a registry source also given as a seed: harvested once" \
    "$("$STACML" --db "$T/dup2" runs --format json | jq -c '.[-1].seeds')" "[\"$S_CAT\"]"

# A source whose URL is longer than 400 bytes (a query string) keeps its
# verdict like any other: listed, and not surveyed again within a period;
# the sources after it in key order are listed too.
long="http://127.0.0.1:$dead/catalog.json?q=$(printf '%0600d' 0)"
cat >"$T/reg/long.json" <<JSON
[{"id": 24, "url": "$long", "access": "public"},
 {"id": 25, "url": "http://127.0.0.1:$dead/z.json", "access": "public"}]
JSON
"$STACML" --db "$T/long" -q harvest --registry "$T/reg/long.json" --retries 0
check_eq "long URL: its verdict listed" \
    "$("$STACML" --db "$T/long" sources --format json | jq -r --arg u "$long" '.[] | select(.url == $u) | .verdict')" unreachable
"$STACML" --db "$T/long" harvest --registry "$T/reg/long.json" --retries 0 2>"$T/long.err"
check_eq "long URL: the source after it listed too" \
    "$("$STACML" --db "$T/long" sources --format json | jq 'length')" 2
check_eq "long URL: not surveyed again on the next run" "$(grep -c surveying "$T/long.err")" 0

# A registry over its 32 MiB bound is refused as such, over the network
# as from a file.
head -c 33554500 /dev/zero | tr '\0' ' ' >"$T/reg/huge.json"
"$STACML" --db "$T/huge" harvest --registry "http://127.0.0.1:$R_PORT/huge.json" 2>"$T/huge.err"
check_eq "huge registry: usage status" "$?" 2
check "huge registry over http: said too large" \
    grep -q "cannot read registry .*/huge.json: larger than 33554432 bytes" "$T/huge.err"
rm -f "$T/reg/huge.json"

# The sources table counts the failures of the last harvest, as it counts
# its models: a survey samples two of the four items, the harvest fails on
# all three missing ones.
mkdir -p "$T/broken"
cp "$T/three/c/m0.json" "$T/broken/m0.json"
cat >"$T/broken/catalog.json" <<'JSON'
{"type": "Catalog", "stac_version": "1.0.0", "id": "broken", "description": "three missing items",
 "links": [{"rel": "item", "href": "./m0.json"}, {"rel": "item", "href": "./x1.json"},
           {"rel": "item", "href": "./x2.json"}, {"rel": "item", "href": "./x3.json"}]}
JSON
start_api BR --static "$T/broken"
cat >"$T/reg/broken.json" <<JSON
[{"id": 27, "url": "http://127.0.0.1:$BR_PORT/catalog.json", "access": "public"}]
JSON
"$STACML" --db "$T/br" -q harvest --registry "$T/reg/broken.json" --retries 0
check_eq "the last harvest failed on the three missing items" \
    "$("$STACML" --db "$T/br" sources --format json | jq '.[0].harvest.failed')" 3
check_eq "sources table: FAILED of the last harvest" \
    "$("$STACML" --db "$T/br" sources | awk 'NR == 2 { print $7 }')" 3

check_eq "bad registry: clear error, usage status" \
    "$("$STACML" --db "$DB" harvest --registry "$T/nope.json" 2>"$T/bad.err"; echo $?)" 2
check "bad registry named" grep -q "cannot read registry" "$T/bad.err"
check_eq "registry that is a directory: usage status" \
    "$("$STACML" --db "$DB" harvest --registry "$T/reg" 2>"$T/dir.err"; echo $?)" 2
check "registry that is a directory: said so, not invalid JSON" \
    grep -q "cannot read registry .*/reg: Is a directory" "$T/dir.err"
e2e_finish
