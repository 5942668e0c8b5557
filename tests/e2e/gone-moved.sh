#!/bin/bash
# SPDX-License-Identifier: MIT
# A model that moves upstream (same id, new URL) leaves its old record
# gone beside the new one: show by id prints the live record instead of
# calling the id ambiguous, and lists a gone candidate as such when two
# live ones share the id.
. "$top_srcdir/tests/e2e/lib.sh"
cp -R "$top_srcdir/seeds/examples" "$T/ex"
DB="$T/db"
M="$T/ex/models"
ID=building-unet-resnet18-dlm

"$STACML" --db "$DB" -q harvest "$T/ex"
check_eq "first harvest" "$?" 0
mv "$M/$ID" "$M/moved"
sed -i "s|$ID/$ID.json|moved/$ID.json|" "$M/collection.json"
"$STACML" --db "$DB" -q harvest --gone-after 1 "$T/ex"
check_eq "harvest of the moved model" "$?" 0
"$STACML" --db "$DB" export --include-gone >"$T/all.jsonl"
check "two records of the id: the old one gone, the new one live" \
    jq -e -s --arg id "$ID" '[.[] | select(.id == $id)] |
        length == 2 and (map(select(.gone)) | length) == 1 and
        (map(select(.gone | not)) | .[0].url | test("/moved/"))' "$T/all.jsonl"
"$STACML" --db "$DB" show "$ID" >"$T/show.json" 2>"$T/show.err"
check_eq "show by id: found" "$?" 0
check "show by id prints the live record" \
    jq -e '(.gone | not) and (.url | test("/moved/"))' "$T/show.json"

# A second live record of the id: ambiguous, the gone one named as such.
mkdir -p "$M/copy"
cp "$M/moved/$ID.json" "$M/copy/$ID.json"
jq '.links += [{"rel": "item", "href": "./copy/'"$ID"'.json"}]' \
    "$M/collection.json" >"$T/c.json"
mv "$T/c.json" "$M/collection.json"
"$STACML" --db "$DB" -q harvest --gone-after 1 "$T/ex"
check_eq "harvest of the copy" "$?" 0
"$STACML" --db "$DB" show "$ID" >/dev/null 2>"$T/amb.err"
check_eq "two live records: ambiguous" "$?" 1
check "the gone candidate is listed as gone" grep -q "/$ID/$ID.json (gone)$" "$T/amb.err"
check "the live candidates are listed plainly" sh -c "grep -c '/$ID.json\$' '$T/amb.err' | grep -qx 2"
e2e_finish
