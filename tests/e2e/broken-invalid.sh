#!/bin/bash
# SPDX-License-Identifier: MIT
# A linked document that is broken for good in its body, not its status:
# invalid JSON (EXTENSIONS.md §7.9, item 8: real catalogs hold trailing
# commas and comment lines), an HTML page answered 200 for a file that is
# not there (single-page-app and static-site fallbacks), a JSON value that
# is no STAC document. Read the same way by an earlier run, it hides
# nothing that run saw, as a 404 hides nothing: it must not keep the
# records of its catalog from ever being marked gone. A document that
# breaks only now still does. And each failure says what the body looks
# like, where "invalid JSON near '<'" would leave a user guessing: an
# HTML page, gzip without its header, UTF-16, an empty body, or a JSON
# value that is valid but no object (not "invalid JSON").
. "$top_srcdir/tests/e2e/lib.sh"
mkdir -p "$T/site"
mlm_item keep >"$T/site/keep.json"
mlm_item leave >"$T/site/leave.json"
printf '// a comment\n{"type": "Feature",}\n' >"$T/site/bad.json"
echo '[1, 2, 3]' >"$T/site/array.json"
links() {
    printf '{"rel":"item","href":"./%s.json"}\n' "$@" |
        jq -cs '{type: "Catalog", stac_version: "1.0.0", id: "c",
            description: "d", links: .}' >"$T/site/catalog.json"
}
links keep leave bad spa array
jq -cn '[{path: "^/spa\\.json$", content_type: "text/html",
    body: "<!doctype html><html><body>app</body></html>"}]' >"$T/faults.json"
start_api S --static "$T/site" --faults "$T/faults.json"
DB="$T/db"
C="${S_URL}catalog.json"
gone() { "$STACML" --db "$DB" export --include-gone | jq -r 'select(.gone) | .id'; }

"$STACML" --db "$DB" -q harvest --ignore-robots "$C"
check_eq "run 1: the three broken documents fail" "$?" 1
check_eq "run 1: both models" "$("$STACML" --db "$DB" export | jq -r .id | sort | tr '\n' ' ')" \
    "keep leave "

# leave goes; every other link stays as it was.
links keep bad spa array
"$STACML" --db "$DB" harvest --ignore-robots --gone-after 1 "$C" 2>"$T/run2.err"
check_eq "run 2: they still fail" "$?" 1
check "run 2: the three are still broken" grep -q "3 links still broken" "$T/run2.err"
check "run 2: they are named still broken, not 404s alone" \
    grep -q "still broken (404 or 410, the same unreadable document" "$T/run2.err"
check_eq "run 2: the model that left is gone" "$(gone)" leave
"$STACML" --db "$DB" stats --format json >"$T/stats"
check "stats: the source complete, with three links still broken" \
    jq -e '.last_harvest.sources[] | .complete and .still_broken == 3' "$T/stats"

# A document that breaks now, read fine by the run before: not still
# broken, and the run marks nothing gone.
cp "$T/site/bad.json" "$T/site/keep.json"
links keep bad spa array
"$STACML" --db "$DB" harvest --ignore-robots --gone-after 1 "$C" 2>"$T/run3.err"
check_eq "run 3: fails" "$?" 1
check "run 3: the newly broken one holds the gone marks back" \
    grep -q "nothing of it is marked gone this run" "$T/run3.err"
check_eq "run 3: keep is not gone" "$(gone)" leave

mkdir -p "$T/words"
printf '\n<!doctype html><html></html>' >"$T/words/html.json"
mlm_item gz | gzip -c >"$T/words/gz.json"
mlm_item utf16 | iconv -f UTF-8 -t UTF-16 >"$T/words/utf16.json"
: >"$T/words/empty.json"
echo '"hello"' >"$T/words/string.json"
echo 'null' >"$T/words/null.json"
echo '[1, 2, 3]' >"$T/words/array.json"
printf '{"rel":"item","href":"./%s.json"}\n' html gz utf16 empty string null array |
    jq -cs '{type: "Catalog", stac_version: "1.0.0", id: "w", description: "d",
        links: .}' >"$T/words/catalog.json"
start_api W --static "$T/words"
"$STACML" --db "$T/dw" harvest --ignore-robots "${W_URL}catalog.json" 2>"$T/words.err"
check_eq "unreadable bodies: exit status 1" "$?" 1
said() { grep -F "failed: ${W_URL}$1.json: " "$T/words.err" | grep -qF "$2"; }
check "an HTML page: named" said html \
    "invalid JSON at line 2 column 1: '[' or '{' expected near '<' (an HTML or XML page, not JSON)"
check "gzip without its header: named" said gz \
    "(gzip data sent without Content-Encoding: gzip)"
check "UTF-16: named" said utf16 "(UTF-16 or UTF-32 text, where JSON must be UTF-8)"
check "an empty body: named" said empty "near end of file (an empty body)"
check "a JSON string: not called invalid JSON" said string \
    "not a STAC document (a JSON string, not an object)"
check "JSON null: not called invalid JSON" said null \
    "not a STAC document (JSON null, not an object)"
check "a JSON array: named" said array "not a STAC document (a JSON array, not an object)"
e2e_finish
