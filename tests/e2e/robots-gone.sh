#!/bin/bash
# SPDX-License-Identifier: MIT
# A link that robots.txt disallows, as it did for the run before, hides
# nothing that run saw: it must not keep the records of its catalog from
# ever being marked gone (it did, every run being incomplete for it).
# One disallowed only now still holds the marks back.
. "$top_srcdir/tests/e2e/lib.sh"
mkdir -p "$T/site/private"
mlm_item keep >"$T/site/keep.json"
mlm_item leave >"$T/site/leave.json"
mlm_item secret >"$T/site/private/secret.json"
printf 'User-agent: *\nDisallow: /private/\n' >"$T/site/robots.txt"
links() {
    printf '{"rel":"item","href":"./%s.json"}\n' "$@" |
        jq -cs '{type: "Catalog", stac_version: "1.0.0", id: "c",
            description: "d", links: .}' >"$T/site/catalog.json"
}
links keep leave private/secret
start_api S --static "$T/site"
DB="$T/db"
C="${S_URL}catalog.json"
gone() { "$STACML" --db "$DB" export --include-gone | jq -r 'select(.gone) | .id' | tr '\n' ' '; }

"$STACML" --db "$DB" -q harvest "$C"
check_eq "run 1: the disallowed link fails" "$?" 1
links keep private/secret
"$STACML" --db "$DB" harvest --gone-after 1 "$C" 2>"$T/run2.err"
check_eq "run 2: it still fails" "$?" 1
check "run 2: it is still broken" grep -q "1 links still broken" "$T/run2.err"
check_eq "run 2: the model that left is gone" "$(gone)" "leave "

# keep leaves too, and robots.txt now disallows keep: a new refusal.
printf 'User-agent: *\nDisallow: /private/\nDisallow: /keep.json\n' >"$T/site/robots.txt"
links keep private/secret
"$STACML" --db "$DB" harvest --gone-after 1 "$C" 2>"$T/run3.err"
check "run 3: a link disallowed only now holds the marks back" \
    grep -q "nothing of it is marked gone this run" "$T/run3.err"
check_eq "run 3: keep is not gone" "$(gone)" "leave "
e2e_finish
