#!/bin/bash
# SPDX-License-Identifier: MIT
# An index directory that cannot be written: harvest exits 4 and says why
# (a directory above it or an index that is not ours to write), while
# search, export and stats still read an index they may only read, unless
# a harvest is writing to it. The permission cases need a user that
# permissions apply to: the one running the test, or nobody (via setpriv)
# when that is root; the test skips when there is neither.
. "$top_srcdir/tests/e2e/lib.sh"
EXAMPLES="$top_srcdir/seeds/examples"
chmod 755 "$T"

find_as_user || skip "no user that file permissions apply to (root without setpriv)"

# An index nobody may write (its owner included), readable by all.
"$STACML" --db "$T/theirs" -q harvest "$EXAMPLES"
chmod 555 "$T/theirs"
chmod 444 "$T/theirs"/*.mdb "$T/theirs/harvest.lock"
as_user "$STACML" --db "$T/theirs" harvest "$EXAMPLES" 2>"$T/theirs.err"
check_eq "harvest into an index we may not write: exit 4" "$?" 4
check "and says Permission denied" grep -q \
    "cannot open index $T/theirs: Permission denied" "$T/theirs.err"
check "not an input/output error" sh -c "! grep -q 'input/output' '$T/theirs.err'"
check_eq "search still reads it" \
    "$(as_user "$STACML" --db "$T/theirs" search --format ids 2>/dev/null | wc -l)" 5
check_eq "export too" \
    "$(as_user "$STACML" --db "$T/theirs" export 2>/dev/null | wc -l)" 5
check "stats too" as_user "$STACML" --db "$T/theirs" stats

# Such a reader does not see a harvest's writes (it cannot use lock.mdb):
# while one holds the harvest lock it must refuse, not read torn pages.
if command -v flock >/dev/null; then
    # Waited for by its mark, not for a time: a loaded machine can take
    # longer than any sleep to start flock.
    flock --no-fork "$T/theirs/harvest.lock" sh -c ': >"$1"; exec sleep 60' sh \
        "$T/held" &
    holder=$!
    i=0
    while [ ! -e "$T/held" ] && [ $i -lt 400 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    for cmd in search export stats; do
        as_user "$STACML" --db "$T/theirs" $cmd >/dev/null 2>"$T/busy.err"
        check_eq "$cmd during a harvest, without lock.mdb: exit 4" "$?" 4
        check "$cmd says a harvest is writing" grep -q \
            "cannot read index $T/theirs now: a harvest is writing to it" \
            "$T/busy.err"
    done
    kill "$holder"
    wait "$holder" 2>/dev/null
    check_eq "and reads again once it has ended" \
        "$(as_user "$STACML" --db "$T/theirs" export 2>/dev/null | wc -l)" 5
else
    echo "flock (util-linux) is not installed: a harvest is not simulated"
fi

# A new index below a directory we may not write.
mkdir "$T/locked"
chmod 555 "$T/locked"
as_user "$STACML" --db "$T/locked/a/db" harvest "$EXAMPLES" 2>"$T/locked.err"
check_eq "harvest below a directory we may not write: exit 4" "$?" 4
check "and names that directory" grep -q \
    "cannot open index $T/locked/a/db: cannot create it in $T/locked: Permission denied" \
    "$T/locked.err"
chmod 755 "$T/locked" "$T/theirs"
e2e_finish
