#!/bin/bash
# SPDX-License-Identifier: MIT
# A registry's sources are surveyed, then harvested, in one run: what the
# survey learnt of a host holds for the harvest too. Its robots.txt is
# read once in the run (and honoured by both), and a host that answered
# 429 to the survey stays slowed to one request a second in the harvest.
. "$top_srcdir/tests/e2e/lib.sh"

mkdir -p "$T/site/c"
for i in 0 1 2 3 4; do
    mlm_item "m$i" >"$T/site/c/m$i.json"
done
mlm_item hidden >"$T/site/c/hidden.json"
jq -cn '{type: "Collection", stac_version: "1.0.0", id: "c", description: "d",
    license: "x", extent: {},
    links: [{rel: "item", href: "./hidden.json"},
            ({rel: "item", href: ("./m" + ("0", "1", "2", "3", "4") + ".json")})]}' \
    >"$T/site/c/collection.json"
jq -cn '{type: "Catalog", stac_version: "1.0.0", id: "s", description: "d",
    links: [{rel: "child", href: "./c/collection.json"}]}' >"$T/site/catalog.json"
printf 'User-agent: *\nDisallow: /c/hidden.json\n' >"$T/robots.txt"
cat >"$T/faults.json" <<'JSON'
[{"path": "^/catalog\\.json$", "status": 429, "retry_after": "1", "times": 1}]
JSON
start_api S --static "$T/site" --faults "$T/faults.json" --robots "$T/robots.txt"
jq -cn --arg u "${S_URL}catalog.json" \
    '[{id: "s", title: "S", url: $u, access: "public", isApi: false}]' >"$T/registry.json"

"$STACML" --db "$T/db" harvest --registry "$T/registry.json" 2>"$T/err"
check_eq "exit status 1: the item robots.txt keeps out counts as failed" "$?" 1
check_eq "the source holds models" \
    "$("$STACML" --db "$T/db" sources --format json | jq -r '.[0].verdict')" holds-models
check_eq "its models harvested, the one robots.txt keeps out left alone" \
    "$("$STACML" --db "$T/db" export | jq -r .id | sort | tr '\n' ' ')" "m0 m1 m2 m3 m4 "
check_eq "robots.txt read once in the run" "$(requests "$S_LOG" '^/robots\.txt$')" 1
check_eq "the disallowed item never asked for" "$(requests "$S_LOG" '^/c/hidden\.json$')" 0
# Every request after the 429, survey and harvest alike, a second apart.
# Measured where the server reads them, a read late on a loaded machine
# brings the next one closer: half a second is what no such read takes
# away, and a host at full speed never reaches (a few ms).
gaps=$(jq -r 'select(.path != "/robots.txt") | .t' "$S_LOG" | sort -n |
    awk 'NR > 1 {printf "%d\n", ($1 - p) * 1000} {p = $1}')
check "after the 429, one request a second, in the harvest too (gaps: $(echo $gaps))" \
    test "$(echo "$gaps" | sort -n | head -1)" -ge 500
check "the harvest did ask for documents" test "$(echo "$gaps" | wc -l)" -ge 6
# The survey samples two item links (hidden and m0); the harvest does not
# ask again for what it read, and asks for the other four items.
check_eq "the harvest asked for the items the survey did not read" \
    "$(requests "$S_LOG" '^/c/m[1-4]\.json$')" 4
e2e_finish
