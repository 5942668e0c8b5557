#!/bin/bash
# SPDX-License-Identifier: MIT
# An index directory holding something LMDB cannot use: a dangling symbolic
# link for the directory, a directory, FIFO or device where data.mdb or
# lock.mdb should be. Every command exits 4, names the culprit, and never
# hangs (a FIFO could block an open or a read).
. "$top_srcdir/tests/e2e/lib.sh"
EXAMPLES="$top_srcdir/seeds/examples"
"$STACML" --db "$T/good" -q harvest "$EXAMPLES"

ln -s "$T/nowhere" "$T/dangling"
"$STACML" --db "$T/dangling" harvest "$EXAMPLES" 2>"$T/dangling.err"
check_eq "a dangling symbolic link: exit 4" "$?" 4
check "and says so" grep -q \
    "cannot open index $T/dangling: a symbolic link to a directory that does not exist" \
    "$T/dangling.err"

# odd NAME FILE SETUP...: FILE (data.mdb or lock.mdb) replaced by SETUP.
odd() {
    local name=$1 file=$2 dir="$T/$1"
    shift 2
    mkdir "$dir"
    cp "$T/good/data.mdb" "$dir/"
    rm -f "$dir/$file"
    (cd "$dir" && "$@")
    for cmd in stats search export harvest; do
        local args=
        [ "$cmd" = harvest ] && args=$EXAMPLES
        timeout 60 "$STACML" --db "$dir" $cmd $args >/dev/null 2>"$T/$name.err"
        check_eq "$name: $cmd exits 4" "$?" 4
        check "$name: $cmd says $file is not a regular file" grep -q \
            "cannot open index $dir: $file is not a regular file" "$T/$name.err"
    done
}
odd data-dir data.mdb mkdir data.mdb
odd data-fifo data.mdb mkfifo data.mdb
odd data-device data.mdb ln -s /dev/zero data.mdb
odd lock-dir lock.mdb mkdir lock.mdb
odd lock-fifo lock.mdb mkfifo lock.mdb
e2e_finish
