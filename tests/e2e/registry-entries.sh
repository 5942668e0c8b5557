#!/bin/bash
# SPDX-License-Identifier: MIT
# Registry entries as people type them: a URL with blanks around it (a
# copy and paste, a line end) is the URL inside, as it is in a seed or a
# link, not "no usable http(s) URL"; one in upper case or with dot
# segments is the same source as its normal spelling, surveyed once.
. "$top_srcdir/tests/e2e/lib.sh"
mkdir -p "$T/a" "$T/b"
mlm_item ma >"$T/a/ma.json"
mlm_item mb >"$T/b/mb.json"
jq -cn '{type: "Catalog", stac_version: "1.0.0", id: "a", description: "d",
    links: [{rel: "item", href: "./ma.json"}]}' >"$T/a/catalog.json"
jq -cn '{type: "Catalog", stac_version: "1.0.0", id: "b", description: "d",
    links: [{rel: "item", href: "./mb.json"}]}' >"$T/b/catalog.json"
start_api A --static "$T/a"
start_api B --static "$T/b"
jq -cn --arg a " ${A_URL}catalog.json " --arg b $'\t'"${B_URL}catalog.json"$'\n' \
    --arg b2 "HTTP://127.0.0.1:${B_PORT}/x/../catalog.json" \
    '[{id: "a", url: $a, access: "public", isApi: false},
      {id: "b", url: $b, access: "public", isApi: false},
      {id: "b2", url: $b2, access: "public", isApi: false}]' >"$T/reg.json"
"$STACML" --db "$T/db" harvest --ignore-robots --registry "$T/reg.json" 2>"$T/err"
check_eq "exit status 0" "$?" 0
check "no entry is ignored" sh -c "! grep -q 'no usable' '$T/err'"
check_eq "both sources' models" \
    "$("$STACML" --db "$T/db" export | jq -r .id | sort | tr '\n' ' ')" "ma mb "
check_eq "two sources, by their URLs" \
    "$("$STACML" --db "$T/db" sources --format json | jq -r '.[].url' | sort | tr '\n' ' ')" \
    "$(printf '%s\n' "${A_URL}catalog.json" "${B_URL}catalog.json" | sort | tr '\n' ' ')"
check_eq "B's catalog asked for once" "$(requests "$B_LOG" '^/catalog\.json$')" 1
e2e_finish
