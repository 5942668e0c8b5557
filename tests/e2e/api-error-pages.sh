#!/bin/bash
# SPDX-License-Identifier: MIT
# An API that answers 200 with an error instead of a page of its list
# ({"message": "Internal server error"}, as gateways and some servers do):
# a /collections or items page without its list is a failure of that
# page, not an empty last page. Taken as one, it ended the walk as
# complete, the harvest exited 0, and every model of the API was marked
# gone in one run (--gone-after 1), two nights in a row by default. A
# page whose list is null (an empty list as Go servers print it) is an
# empty page still.
. "$top_srcdir/tests/e2e/lib.sh"
cat >"$T/world.json" <<'JSON'
{"collections": [{"id": "m", "items": 5, "declares": "stac_extensions"},
                 {"id": "e", "items": 0, "declares": null}]}
JSON
start_api S --world "$T/world.json" --no-filter
PORT_S=$S_PORT
DB="$T/db"
models() { "$STACML" --db "$DB" export | jq -r .id | sort | tr '\n' ' '; }
"$STACML" --db "$DB" -q harvest --ignore-robots "$S_URL"
check_eq "run 1: exit status 0" "$?" 0
check_eq "run 1: the collection and its five items" "$(models)" \
    "m m-000000 m-000001 m-000002 m-000003 m-000004 "

# again FAULTS: serve the same API on the same port with these faults.
again() {
    stop_apis
    echo "$1" >"$T/faults.json"
    start_api S --world "$T/world.json" --no-filter --port "$PORT_S" \
        --faults "$T/faults.json"
}
ERR='{"message": "Internal server error"}'
again "$(jq -cn --arg b "$ERR" '[{path: "^/collections$", body: $b}]')"
"$STACML" --db "$DB" harvest --gone-after 1 --ignore-robots "$S_URL" 2>"$T/c.err"
check_eq "/collections answering an error: exit status 1" "$?" 1
check "/collections answering an error: named" grep -qF \
    "failed: ${S_URL}collections: not a page of the API's list (no \"collections\" array)" "$T/c.err"
check "/collections answering an error: nothing marked gone" \
    grep -q "nothing of it is marked gone this run" "$T/c.err"
check_eq "/collections answering an error: every model still there" "$(models)" \
    "m m-000000 m-000001 m-000002 m-000003 m-000004 "
# The same error the next night too: not a link still broken, which would
# let the run mark what it did not see gone.
"$STACML" --db "$DB" harvest --gone-after 1 --ignore-robots "$S_URL" 2>"$T/c2.err"
check_eq "/collections answering an error twice: exit status 1" "$?" 1
check_eq "/collections answering an error twice: every model still there" "$(models)" \
    "m m-000000 m-000001 m-000002 m-000003 m-000004 "

again "$(jq -cn --arg b "$ERR" '[{path: "^/collections/m/items$", body: $b}]')"
"$STACML" --db "$DB" harvest --gone-after 1 --ignore-robots "$S_URL" 2>"$T/i.err"
check_eq "an items page answering an error: exit status 1" "$?" 1
check "an items page answering an error: named" grep -qF \
    "not a page of the API's list (no \"features\" array)" "$T/i.err"
check_eq "an items page answering an error: every model still there" "$(models)" \
    "m m-000000 m-000001 m-000002 m-000003 m-000004 "

again "$(jq -cn '[{path: "^/collections/e/items$",
    body: ({type: "FeatureCollection", features: null, links: []} | tojson)}]')"
"$STACML" --db "$DB" harvest --gone-after 1 --ignore-robots "$S_URL" 2>"$T/n.err"
check_eq "features null: an empty page, exit status 0" "$?" 0
e2e_finish
