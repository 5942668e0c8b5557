#!/bin/bash
# SPDX-License-Identifier: MIT
# Item pages reached through a static walk, and APIs laid out as static
# files: next chains bounded by --max-pages and stopped by an empty page,
# a page's models kept across runs that would answer 304, features keyed
# by a self link only when it names them, and an API's own links held to
# the rules of every link (no file://, no user@host, JSON types first).
. "$top_srcdir/tests/e2e/lib.sh"
W="$T/www"
mkdir -p "$W/api"

# model ID [SELF]: an mlm Item, its self link SELF when given.
model() {
    local links='[]'
    [ -n "${2:-}" ] && links="[{\"rel\":\"self\",\"href\":\"$2\"}]"
    mlm_item "$1" "$links"
}

# page FILE NEXT FEATURE...: a FeatureCollection, with a next link when
# NEXT is not empty.
page() {
    local file=$1 next=$2 feats
    shift 2
    feats=$(printf '%s\n' "$@" | paste -sd, -)
    local links='[]'
    [ -n "$next" ] && links="[{\"rel\":\"next\",\"href\":\"$next\",\"type\":\"application/geo+json\"}]"
    echo "{\"type\":\"FeatureCollection\",\"features\":[$feats],\"links\":$links}" >"$W/$file"
}

cat >"$W/catalog.json" <<'JSON'
{"type":"Catalog","stac_version":"1.0.0","id":"root","description":"pages",
 "links":[{"rel":"child","href":"./chain.json"},{"rel":"child","href":"./empty.json"},
          {"rel":"child","href":"./selfs.json"}]}
JSON
for c in chain empty selfs; do
    cat >"$W/$c.json" <<JSON
{"type":"Collection","stac_version":"1.0.0","id":"$c","description":"$c",
 "license":"proprietary","extent":{"spatial":{"bbox":[[-180,-90,180,90]]},
 "temporal":{"interval":[[null,null]]}},
 "links":[{"rel":"items","href":"./$c-1.json","type":"application/geo+json"}]}
JSON
done
# chain: six pages of one model each.
for i in 1 2 3 4 5 6; do
    next="./chain-$((i + 1)).json"
    [ $i -eq 6 ] && next=""
    page "chain-$i.json" "$next" "$(model "chain-m$i")"
done
# empty: a page of one model, then an empty page that still points on.
page empty-1.json ./empty-2.json "$(model empty-m1)"
page empty-2.json ./empty-3.json
page empty-3.json "" "$(model empty-m3)"
# selfs: two features with one placeholder self link, one whose self link
# names it, one without any, one whose id is only a part of its self
# link's name, and self links to another origin and to a local file
# (which a page must not claim).
page selfs-1.json "" "$(model ph-a ./item_basic.json)" \
    "$(model ph-b ./item_basic.json)" "$(model named ./named.json)" \
    "$(model bare)" "$(model a ./abc.json)" "$(model abc ./abc.json)" \
    "$(model far http://elsewhere.example/far.json)" \
    "$(model loc file:///etc/loc.json)"

serve_dir "$W"
LOG="$T/nginx/access.log"
ids() { "$STACML" --db "$1" export | jq -r .id | sort | tr '\n' ' '; }

"$STACML" --db "$T/d1" harvest --max-pages 3 "$BASE/catalog.json" 2>"$T/e1"
check_eq "--max-pages 3 on a static chain: its first three pages' models" \
    "$(ids "$T/d1" | tr ' ' '\n' | grep -c '^chain-')" 3
check "--max-pages: the stop reported" grep -q "chain-3.json: pagination stopped: --max-pages (3)" "$T/e1"
check "--max-pages: the summary says why nothing of the source is marked gone" \
    grep -q "left unread (.*pagination stopped: --max-pages.*); nothing of it is marked gone" "$T/e1"
access_log_settle
check "--max-pages: the fourth page never requested" sh -c "! grep -q 'chain-4.json' '$LOG'"
check "an empty page with a next link ends its chain" sh -c "! grep -q 'empty-3.json' '$LOG'"
check "the empty page reported" grep -q "empty-2.json: pagination stopped: empty page with a next link" "$T/e1"
check_eq "features keyed by a self link only when it names them" \
    "$("$STACML" --db "$T/d1" export | jq -r 'select(.id | test("^(ph-a|ph-b|named|bare|a|abc|far|loc)$")) | .url' | sed "s|$BASE/||" | sort | tr '\n' ' ')" \
    "abc.json named.json selfs-1.json#a selfs-1.json#bare selfs-1.json#far selfs-1.json#loc selfs-1.json#ph-a selfs-1.json#ph-b "

# Unchanged pages across three runs: nginx would answer 304 to a
# conditional request, which would deliver no feature.
for run in 1 2 3; do
    "$STACML" --db "$T/d2" -q harvest "$BASE/catalog.json"
done
check_eq "a page's models stay after unchanged runs" \
    "$("$STACML" --db "$T/d2" export --include-gone | jq -r 'select(.gone) | .id' | wc -l)" 0
check_eq "all six chained models there" \
    "$("$STACML" --db "$T/d2" export | jq -r .id | grep -c '^chain-')" 6

# An API as static files.
coll_page() { # FILE MODEL-ID: a collections list of one collection
    cat >"$W/api/$1" <<JSON
{"collections":[{"type":"Collection","stac_version":"1.0.0","id":"c-$2",
  "description":"c","license":"proprietary",
  "extent":{"spatial":{"bbox":[[-180,-90,180,90]]},"temporal":{"interval":[[null,null]]}},
  "links":[{"rel":"items","href":"$BASE/api/items-$2.json","type":"application/geo+json"}]}],
 "links":[]}
JSON
    page "api/items-$2.json" "" "$(model "$2")"
}
landing() { # FILE CONFORMS LINKS
    cat >"$W/api/$1" <<JSON
{"type":"Catalog","stac_version":"1.0.0","id":"api","description":"api",
 $2 "links":$3}
JSON
}
CORE='"https://api.stacspec.org/v1.0.0/core"'
COLL='"https://api.stacspec.org/v1.0.0/collections"'
cat >"$T/secret.json" <<'JSON'
{"collections":[{"type":"Collection","stac_version":"1.0.0","id":"leaked",
  "description":"local file","license":"proprietary",
  "extent":{"spatial":{"bbox":[[-180,-90,180,90]]},"temporal":{"interval":[[null,null]]}},
  "stac_extensions":["https://stac-extensions.github.io/mlm/v1.5.2/schema.json"],
  "mlm:name":"leaked","links":[]}],"links":[]}
JSON
coll_page colls-html.json via-json
coll_page colls-noconf.json no-conformsto
echo "{\"conformsTo\":[$CORE,$COLL]}" >"$W/api/conformance.json"
landing file.json "\"conformsTo\":[$CORE,$COLL]," \
    "[{\"rel\":\"data\",\"href\":\"file://$T/secret.json\",\"type\":\"application/json\"}]"
landing creds.json "\"conformsTo\":[$CORE,$COLL]," \
    "[{\"rel\":\"data\",\"href\":\"http://user:pw@127.0.0.1:$PORT/api/colls-html.json\",\"type\":\"application/json\"}]"
landing html.json "\"conformsTo\":[$CORE,$COLL]," \
    "[{\"rel\":\"data\",\"href\":\"$BASE/api/colls.html\",\"type\":\"text/html\"},
      {\"rel\":\"data\",\"href\":\"$BASE/api/colls-html.json\",\"type\":\"application/json\"}]"
landing noconf.json "" \
    "[{\"rel\":\"conformance\",\"href\":\"$BASE/api/conformance.json\"},
      {\"rel\":\"data\",\"href\":\"$BASE/api/colls-noconf.json\"}]"
model kid >"$W/kid.json"
cat >"$W/kidcat.json" <<'JSON'
{"type":"Catalog","stac_version":"1.0.0","id":"kids","description":"k",
 "links":[{"rel":"item","href":"./kid.json"}]}
JSON
cat >"$W/api/children.json" <<JSON
{"children":[{"type":"Catalog","stac_version":"1.0.0","id":"kids","description":"k",
  "links":[{"rel":"self","href":"$BASE/kidcat.json"}]}],"links":[]}
JSON
landing kids.json "\"conformsTo\":[$CORE,\"https://api.stacspec.org/v1.0.0-rc.2/children\"]," \
    "[{\"rel\":\"children\",\"href\":\"$BASE/api/children.json\",\"type\":\"application/json\"}]"
landing core.json "\"conformsTo\":[$CORE]," \
    "[{\"rel\":\"child\",\"href\":\"$BASE/catalog.json\"}]"

"$STACML" --db "$T/a1" harvest "$BASE/api/file.json" 2>"$T/ea1"
check_eq "an API's file:// data link: nothing read" "$(ids "$T/a1")" ""
check "an API's file:// data link refused" grep -q "file URL in a network document" "$T/ea1"
"$STACML" --db "$T/a2" harvest "$BASE/api/creds.json" 2>"$T/ea2"
check_eq "an API's user@host data link: not followed" "$(ids "$T/a2")" ""
check "an API's user@host data link refused" grep -q "credentials" "$T/ea2"
access_log_clear
"$STACML" --db "$T/a3" -q harvest "$BASE/api/html.json"
check_eq "a text/html data link listed first: the JSON one taken" "$(ids "$T/a3")" "via-json "
access_log_settle
check "the text/html link never requested" sh -c "! grep -qF 'colls.html' '$LOG'"
"$STACML" --db "$T/a4" -q harvest "$BASE/api/noconf.json"
check_eq "a landing page without conformsTo: read through /conformance" \
    "$(ids "$T/a4")" "no-conformsto "
access_log_clear
"$STACML" --db "$T/a5" -q harvest "$BASE/api/core.json"
check_eq "a core-only API: exit status" "$?" 0
access_log_settle
check "a core-only API: no /collections asked for" sh -c "! grep -q '/collections' '$LOG'"
check "a core-only API: its child links walked" sh -c "'$STACML' --db '$T/a5' export | jq -e -s 'length > 0' >/dev/null"

"$STACML" --db "$T/a6" -q harvest "$BASE/api/kids.json"
check_eq "the children extension's list walked" "$(ids "$T/a6")" "kid "

e2e_finish
