#!/bin/bash
# SPDX-License-Identifier: MIT
# An index whose creating harvest was killed before its first commit: an
# LMDB environment that holds nothing. Every reader reports it as a
# directory never harvested (exit 4, "no index in"), not as someone else's
# file, and a harvest fills it. An LMDB file that holds other data is still
# refused as not a stacml index, by the readers and by a harvest, which
# leaves it as it was.
. "$top_srcdir/tests/e2e/lib.sh"
command -v mdb_load >/dev/null || skip "mdb_load (lmdb-utils) is not installed"
EXAMPLES="$top_srcdir/seeds/examples"

# lmdb_env DIR [KEY VALUE]: an LMDB environment in DIR, with that one key
# in its main database or with nothing at all.
lmdb_env() {
    mkdir "$1" || return 1
    {
        printf 'VERSION=3\nformat=print\ntype=btree\nHEADER=END\n'
        [ $# -eq 3 ] && printf ' %s\n %s\n' "$2" "$3"
        printf 'DATA=END\n'
    } | mdb_load "$1"
}
lmdb_env "$T/blank" || fail "make an LMDB environment that holds nothing"
lmdb_env "$T/foreign" other data || fail "make an LMDB environment of others"

for cmd in stats search export "show x" runs sources; do
    "$STACML" --db "$T/never" $cmd >/dev/null 2>"$T/never.err"
    check_eq "never harvested: $cmd exits 4" "$?" 4
    "$STACML" --db "$T/blank" $cmd >"$T/blank.out" 2>"$T/blank.err"
    check_eq "blank: $cmd exits 4, as for a directory never harvested" "$?" 4
    check_eq "blank: $cmd says what it says of one" \
        "$(sed "s|$T/blank|DB|" "$T/blank.err")" \
        "$(sed "s|$T/never|DB|" "$T/never.err")"
    check "blank: $cmd prints nothing on stdout" test ! -s "$T/blank.out"
    "$STACML" --db "$T/foreign" $cmd >/dev/null 2>"$T/foreign.err"
    check_eq "foreign: $cmd exits 4" "$?" 4
    check "foreign: $cmd says it is not a stacml index" \
        grep -q "index $T/foreign: corrupt index: not a stacml index" \
        "$T/foreign.err"
done

"$STACML" --db "$T/blank" -q harvest "$EXAMPLES"
check_eq "a harvest into the blank index works" "$?" 0
check_eq "and its models can be searched" \
    "$("$STACML" --db "$T/blank" search --format ids | wc -l)" 5
mdb_dump -a "$T/foreign" >"$T/foreign.before"
"$STACML" --db "$T/foreign" -q harvest "$EXAMPLES" 2>"$T/foreign-h.err"
check_eq "foreign: a harvest refuses it (exit 4)" "$?" 4
check "foreign: the harvest says it is not a stacml index" \
    grep -q "not a stacml index" "$T/foreign-h.err"
mdb_dump -a "$T/foreign" >"$T/foreign.after"
check "foreign: the harvest added nothing to it" \
    cmp -s "$T/foreign.before" "$T/foreign.after"

# An index made by stacml holds only its own tables there: harvested again.
"$STACML" --db "$T/blank" -q harvest "$EXAMPLES"
check_eq "a second harvest into a stacml index works" "$?" 0
e2e_finish
