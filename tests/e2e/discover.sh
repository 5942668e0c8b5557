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

check_eq "bad registry: clear error, usage status" \
    "$("$STACML" --db "$DB" harvest --registry "$T/nope.json" 2>"$T/bad.err"; echo $?)" 2
check "bad registry named" grep -q "cannot read registry" "$T/bad.err"
e2e_finish
