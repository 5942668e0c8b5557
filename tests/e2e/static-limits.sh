#!/bin/bash
# SPDX-License-Identifier: MIT
# Bounds and redirects: --max-depth, --max-docs (which a redirect hop and
# a retry do not count against), --max-doc-size, a seed that cannot be reached, a
# redirect whose target is the base for relative links, and a redirect to
# file:// that must be refused.
. "$top_srcdir/tests/e2e/lib.sh"
NGINX_EXTRA='location = /moved.json { return 301 /models/catalog.json; }
        location = /alias.json { return 302 /models/catalog.json; }
        location = /sneaky.json { return 302 file:///etc/passwd; }
        location = /loop.json { return 302 /loop.json; }
        location = /rd/old-b.json { return 301 /rd/b.json; }
        location = /rd/old-sub.json { return 302 /rd/sub/catalog.json; }'
serve_fixture static
LOG="$T/nginx/access.log"

"$STACML" --db "$T/d1" -q harvest --max-depth 2 "$BASE/catalog.json"
check_eq "--max-depth 2 exit status" "$?" 1
check_eq "--max-depth 2: models down to depth 2" \
    "$("$STACML" --db "$T/d1" export | jq -r .id | sort | tr '\n' ' ')" \
    "11234 cyclone-wind-estimator dl-beta3 mlm-models prefix-only served-as-octet-stream shared-model "
access_log_settle
check "--max-depth: depth-3 items never requested" \
    sh -c "! grep -q 'mlm-new.json' '$LOG'"

access_log_clear
"$STACML" --db "$T/d2" harvest --max-docs 3 --concurrency 1 "$BASE/catalog.json" 2>"$T/e2"
access_log_settle
check_eq "--max-docs 3: three documents requested" "$(grep -vc ' /robots.txt ' "$LOG")" 3
check "--max-docs 3: robots.txt not counted as one" sh -c "test \$(grep -c ' /robots.txt ' '$LOG') -le 1"
"$STACML" --db "$T/d2b" -q harvest --max-docs 1 "$BASE/catalog.json"
check "--max-docs 1: the seed is fetched" "$STACML" --db "$T/d2b" stats --format json
check "--max-docs 1: one document fetched" \
    sh -c "'$STACML' --db '$T/d2b' stats --format json | jq -e '.last_harvest.fetched == 1'"
check "--max-docs: unfetched documents reported" grep -q "left unfetched" "$T/e2"
# A run cut short marks nothing gone, and says so, as a --max-depth run
# does: a full run, then one of --max-docs 3 and --gone-after 1.
"$STACML" --db "$T/d2g" -q harvest "$BASE/catalog.json"
n_full=$("$STACML" --db "$T/d2g" export | wc -l)
"$STACML" --db "$T/d2g" harvest --max-docs 3 --gone-after 1 "$BASE/catalog.json" 2>"$T/e2g"
check_eq "--max-docs after a full run: nothing marked gone" \
    "$("$STACML" --db "$T/d2g" export | wc -l)" "$n_full"
check "--max-docs after a full run: the summary says nothing is marked gone" \
    grep -q "left unfetched (--max-docs or interrupted); nothing is marked gone this run" "$T/e2g"

# Five documents, two of them reached through a redirect: --max-docs 5
# fetches all five, the hops not counted as documents.
mkdir -p "$T/www/rd/sub"
cat >"$T/www/rd/catalog.json" <<'JSON'
{"type":"Catalog","stac_version":"1.0.0","id":"rd","description":"d",
 "links":[{"rel":"item","href":"./a.json"},{"rel":"item","href":"./old-b.json"},
          {"rel":"child","href":"./old-sub.json"}]}
JSON
cat >"$T/www/rd/sub/catalog.json" <<'JSON'
{"type":"Catalog","stac_version":"1.0.0","id":"rd-sub","description":"d",
 "links":[{"rel":"item","href":"./c.json"}]}
JSON
mlm_item rd-a >"$T/www/rd/a.json"
mlm_item rd-b >"$T/www/rd/b.json"
mlm_item rd-c >"$T/www/rd/sub/c.json"
"$STACML" --db "$T/d2c" harvest --max-docs 5 --concurrency 1 \
    "$BASE/rd/catalog.json" 2>"$T/e2c"
check_eq "--max-docs 5, two redirects: exit 0" "$?" 0
check_eq "--max-docs 5, two redirects: five documents fetched" \
    "$("$STACML" --db "$T/d2c" stats --format json | jq .last_harvest.fetched)" 5
check_eq "--max-docs 5, two redirects: every model indexed" \
    "$("$STACML" --db "$T/d2c" export | jq -r .id | sort | tr '\n' ' ')" \
    "rd-a rd-b rd-c "
check "--max-docs 5, two redirects: nothing left unfetched" \
    sh -c "! grep -q 'left unfetched' '$T/e2c'"

# Three documents, one answered 503 once: --max-docs 3 fetches all three,
# the retry not counted as a document (it used to be, and the item was
# left unfetched with exit 0).
mkdir -p "$T/rt"
cat >"$T/rt/catalog.json" <<'JSON'
{"type":"Catalog","stac_version":"1.0.0","id":"rt","description":"d",
 "links":[{"rel":"item","href":"./a.json"},{"rel":"item","href":"./b.json"}]}
JSON
mlm_item rt-a >"$T/rt/a.json"
mlm_item rt-b >"$T/rt/b.json"
cat >"$T/rt-faults.json" <<'JSON'
[{"path": "^/b\\.json$", "status": 503, "times": 1}]
JSON
start_api RT --static "$T/rt" --faults "$T/rt-faults.json"
"$STACML" --db "$T/d2d" harvest --max-docs 3 --concurrency 1 --retry-delay 50 \
    --ignore-robots "${RT_URL}catalog.json" 2>"$T/e2d"
check_eq "--max-docs 3, one retry: exit 0" "$?" 0
check_eq "--max-docs 3, one retry: the 503 asked for twice" \
    "$(requests "$RT_LOG" '^/b.json$')" 2
check_eq "--max-docs 3, one retry: every model indexed" \
    "$("$STACML" --db "$T/d2d" export | jq -r .id | sort | tr '\n' ' ')" \
    "rt-a rt-b "
check "--max-docs 3, one retry: nothing left unfetched" \
    sh -c "! grep -q 'left unfetched' '$T/e2d'"

# Redirects whose target never starts: each to a document fetched already,
# or to a path robots.txt refuses. --max-docs 3 still stops after three
# requests (they used to count for nothing, and every link was asked for).
mkdir -p "$T/rx"
links= faults=
for i in 1 2 3 4 5 6 7 8; do
    links="$links{\"rel\":\"item\",\"href\":\"./old$i.json\"},"
    faults="$faults{\"path\":\"^/old$i\\\\.json\$\",\"redirect\":\"{{base}}/private/$i.json\"},"
done
cat >"$T/rx/catalog.json" <<JSON
{"type":"Catalog","stac_version":"1.0.0","id":"rx","description":"d",
 "links":[${links%,}]}
JSON
printf 'User-agent: *\nDisallow: /private/\n' >"$T/rx/robots.txt"
echo "[${faults%,}]" >"$T/rx-faults.json"
start_api RX --static "$T/rx" --faults "$T/rx-faults.json"
"$STACML" --db "$T/d2e" harvest --max-docs 3 --concurrency 1 \
    "${RX_URL}catalog.json" 2>"$T/e2e"
check_eq "--max-docs 3, redirects to what robots.txt refuses: three requests" \
    "$(requests "$RX_LOG" '^/(catalog|old)')" 3
check "--max-docs 3, redirects to what robots.txt refuses: the rest left" \
    grep -q "6 queued documents left unfetched" "$T/e2e"
echo '[{"path": "^/old[0-9]+\\.json$", "redirect": "{{base}}/catalog.json"}]' \
    >"$T/ry-faults.json"
start_api RY --static "$T/rx" --faults "$T/ry-faults.json"
"$STACML" --db "$T/d2f" harvest --max-docs 3 --concurrency 1 \
    "${RY_URL}catalog.json" 2>"$T/e2f"
check_eq "--max-docs 3, redirects to a document fetched already: three requests" \
    "$(requests "$RY_LOG" '^/(catalog|old)')" 3
check "--max-docs 3, redirects to a document fetched already: the rest left" \
    grep -q "6 queued documents left unfetched" "$T/e2f"

"$STACML" --db "$T/d3" harvest --max-doc-size 1400 "$BASE/catalog.json" 2>"$T/e3"
check_eq "--max-doc-size exit status" "$?" 1
check "--max-doc-size: large documents refused" \
    grep -q "mlm-new.json: document larger than 1400 bytes" "$T/e3"

dead=$(free_port)
"$STACML" --db "$T/d4" harvest "http://127.0.0.1:$dead/catalog.json" 2>"$T/e4"
check_eq "unreachable seed: nothing harvested" "$?" 3
check "unreachable seed reported" grep -q "127.0.0.1:$dead/catalog.json: " "$T/e4"

access_log_clear
"$STACML" --db "$T/d5" harvest --max-depth 1 "$BASE/moved.json" 2>"$T/e5"
check_eq "redirect followed" "$?" 0
access_log_settle
check "relative links resolve against the redirect target" \
    grep -q "GET /models/mlmodel-item.json 200" "$LOG"
check "models found below the redirect" \
    sh -c "'$STACML' --db '$T/d5' export | jq -e -s 'any(.[]; .id == \"cyclone-wind-estimator\" and (.url | endswith(\"/models/mlmodel-item.json\")))'"

# -v twice after the command name, as before it: debug messages too.
"$STACML" --db "$T/d5v" harvest -v -v --max-depth 0 "$BASE/moved.json" 2>"$T/e5v"
check "harvest -v -v: the redirect said in a debug message" \
    grep -q "debug: .*moved.json: redirected (301)" "$T/e5v"

access_log_clear
"$STACML" --db "$T/d5b" -q harvest --max-depth 1 "$BASE/moved.json" "$BASE/alias.json"
access_log_settle
check_eq "two redirects to one document: it is fetched once" \
    "$(grep -c 'GET /models/catalog.json ' "$LOG")" 1

"$STACML" --db "$T/d6" harvest "$BASE/sneaky.json" 2>"$T/e6"
check_eq "redirect to file:// refused" "$?" 3
check "refusal reported" grep -q "sneaky.json: " "$T/e6"
"$STACML" --db "$T/d7" harvest "$BASE/loop.json" 2>"$T/e7"
check_eq "redirect loop ends" "$?" 3
check "redirect loop reported" grep -qi "redirect" "$T/e7"

# --max-depth counts the shortest path to a document, whatever order the
# answers come in: x.json is 2 links from the seed through p.json and 4
# through a, b and c; its model, at depth 3, is harvested with --max-depth
# 4. It used to be left out: x.json was walked from the long path first,
# and the short one found it seen already. p.json is answered only once
# stacml has walked x.json from the long path: its rule waits for y.json,
# which x.json's next link (followed at the same depth) leads to.
mkdir -p "$T/sd"
cat_of() { printf '{"type":"Catalog","stac_version":"1.0.0","id":"%s","description":"d","links":[{"rel":"child","href":"./%s"}%s]}' "$@"; }
cat_of r p.json ',{"rel":"child","href":"./a.json"}' >"$T/sd/catalog.json"
cat_of p x.json "" >"$T/sd/p.json"
cat_of a b.json "" >"$T/sd/a.json"
cat_of b c.json "" >"$T/sd/b.json"
cat_of c x.json "" >"$T/sd/c.json"
printf '{"type":"Collection","stac_version":"1.0.0","id":"x","description":"d","license":"x","extent":{},"links":[{"rel":"item","href":"./m.json"},{"rel":"next","href":"./y.json"}]}' >"$T/sd/x.json"
printf '{"type":"Catalog","stac_version":"1.0.0","id":"y","description":"d","links":[]}' >"$T/sd/y.json"
mlm_item shortest-path >"$T/sd/m.json"
printf '[{"path": "^/p\\\\.json$", "after": "^/y\\\\.json$"}]' >"$T/sd.faults"
start_api SD --static "$T/sd" --faults "$T/sd.faults"
"$STACML" --db "$T/dsd" -q harvest --max-depth 4 "${SD_URL}catalog.json"
check_eq "--max-depth by the shortest path: exit 0" "$?" 0
check_eq "--max-depth by the shortest path: the model at depth 3 harvested" \
    "$("$STACML" --db "$T/dsd" export | jq -r .id)" shortest-path
check_eq "--max-depth by the shortest path: x.json read again, once" \
    "$(requests "$SD_LOG" '^/x.json$')" 2
check "--max-depth by the shortest path: p.json answered after x.json was walked" \
    jq -e -s '[.[].path] | index("/y.json") < index("/p.json")' "$SD_LOG"

# A chain of two redirects (or more) to a document read already through
# another path: it ends there, as a chain of one does, instead of asking
# for the document again. /old.json leads to /target.json through
# /mid.json, whose answer waits until the link to /target.json was
# followed. A loop (/loop-a.json and /loop-b.json) still goes round to
# the redirect limit and is reported.
mkdir -p "$T/ch"
printf '{"type":"Catalog","stac_version":"1.0.0","id":"ch","description":"d","links":[{"rel":"child","href":"./old.json"},{"rel":"child","href":"./target.json"},{"rel":"child","href":"./loop-a.json"}]}' >"$T/ch/catalog.json"
printf '{"type":"Catalog","stac_version":"1.0.0","id":"target","description":"d","links":[{"rel":"item","href":"./m.json"}]}' >"$T/ch/target.json"
mlm_item chain-end >"$T/ch/m.json"
cat >"$T/ch.faults" <<'JSON'
[{"path": "^/old\\.json$", "redirect": "/mid.json", "status": 301},
 {"path": "^/mid\\.json$", "redirect": "/target.json", "status": 301,
  "after": "^/target\\.json$"},
 {"path": "^/loop-a\\.json$", "redirect": "/loop-b.json", "status": 302},
 {"path": "^/loop-b\\.json$", "redirect": "/loop-a.json", "status": 302}]
JSON
start_api CH --static "$T/ch" --faults "$T/ch.faults"
"$STACML" --db "$T/dch" harvest --retries 0 "${CH_URL}catalog.json" 2>"$T/ch.err"
check_eq "a chain to a document read already: exit 1 (the loop)" "$?" 1
check_eq "a chain to a document read already: its model" \
    "$("$STACML" --db "$T/dch" export | jq -r .id)" chain-end
check_eq "a chain to a document read already: each hop asked for once" \
    "$(requests "$CH_LOG" '^/(old|mid|target)\.json$') $(requests "$CH_LOG" '^/target\.json$')" "3 1"
check "a loop of two redirects: reported" \
    grep -q "loop-a.json: too many redirects (more than 10)" "$T/ch.err"
check_eq "a loop of two redirects: 11 requests" \
    "$(requests "$CH_LOG" '^/loop-[ab]\.json$')" 11

e2e_finish
