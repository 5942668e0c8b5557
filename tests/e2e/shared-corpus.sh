#!/bin/bash
# SPDX-License-Identifier: MIT
# The interoperability corpus: every real document of ../shared/stac-examples
# given as a seed (file:// URLs, --max-depth 0). Each one that is valid JSON
# and a model record must be indexed; each invalid one must be reported with
# its URL and position; nothing crashes. The expected set comes from the
# hand-written tests/unit/corpus.expected.
. "$top_srcdir/tests/e2e/lib.sh"
SHARED=${STACML_SHARED:-$top_srcdir/../shared}
EXAMPLES="$SHARED/stac-examples"
[ -f "$EXAMPLES/MANIFEST.md" ] || skip "shared examples not found in $SHARED"
EXAMPLES=$(cd "$EXAMPLES" && pwd -P)
EXPECTED="$top_srcdir/tests/unit/corpus.expected"

# Seeds: every document that is not a JSON schema.
grep -v '^#' "$EXPECTED" | awk 'NF >= 2 && $1 !~ /schema\.json$/ {print $1}' |
    sed "s|^|$EXAMPLES/|" >"$T/seeds"
"$STACML" --db "$T/db" harvest --max-depth 0 --seeds "$T/seeds" \
    >"$T/out" 2>"$T/err"
check_eq "exit status 1 (some documents are invalid)" "$?" 1

grep -v '^#' "$EXPECTED" |
    awk 'NF >= 2 && $1 !~ /schema\.json$/ && $2 ~ /(dlm|ml-model|mlm)/ {print $1}' |
    sed "s|^|file://$EXAMPLES/|" | LC_ALL=C sort >"$T/want"
"$STACML" --db "$T/db" export | jq -r .url | sed 's/%20/ /g' | LC_ALL=C sort >"$T/got"
check_diff "every model record in the corpus is indexed" "$T/got" "$T/want"

grep -v '^#' "$EXPECTED" | awk '$1 !~ /schema\.json$/ && $3 == "invalid" {print $1}' >"$T/invalid"
n_invalid=0
while read -r f; do
    n_invalid=$((n_invalid + 1))
    check "invalid $f reported with position" \
        grep -q "$f: invalid JSON at line [0-9]* column [0-9]*" "$T/err"
done <"$T/invalid"
check "some invalid documents exist in the corpus" test "$n_invalid" -gt 0

# Numeric ids become strings; every record has the required fields.
"$STACML" --db "$T/db" export >"$T/export.jsonl"
check "every record has the contract fields" jq -e -s 'length > 20 and
    all(.[]; (.id|type) == "string" and (.url|startswith("file://")) and
    (.extensions|length) > 0 and (.stac|type) == "object")' "$T/export.jsonl"

# Field by field against the documents themselves (.stac): each mlm
# output keeps the shape, dimension order and data type of its result.
check "mlm outputs: result shape, dim_order and data_type" jq -e -s '
    [.[] | select(.stac.properties["mlm:output"] | type == "array")] |
    length >= 20 and all(.[];
    [.stac.properties["mlm:output"][] | .result | {shape, dim_order,
        data_type}] == [.outputs[] | {shape, dim_order, data_type}])' \
    "$T/export.jsonl"
# Each mlm input lists its band names, and says how the derived ones
# (a Model Band Object with an expression, as NDVI) are computed.
check "mlm inputs: band names and band expressions" jq -e -s '
    [.[] | select(.stac.properties["mlm:input"] | type == "array")] |
    length >= 20 and all(.[];
    [.stac.properties["mlm:input"][] | [(.bands // [])[] |
        if type == "object" then .name else . end]] ==
        [.inputs[] | .bands // []] and
    [.stac.properties["mlm:input"][] | [(.bands // [])[] | objects |
        select(.expression) | {name, format, expression}]] ==
        [.inputs[] | .band_expressions // []]) and
    any(.[]; .inputs[].band_expressions)' "$T/export.jsonl"
check "mlm inputs and outputs keep their descriptions" jq -e -s '
    [.[] | select(.stac.properties["mlm:input"] | type == "array")] |
    all(.[]; [.stac.properties["mlm:input"][].description] ==
        [.inputs[].description] and
        [.stac.properties["mlm:output"][].description] ==
        [.outputs[].description]) and
    any(.[]; .inputs[].description)' "$T/export.jsonl"

e2e_finish
