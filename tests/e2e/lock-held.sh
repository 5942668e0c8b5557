#!/bin/bash
# SPDX-License-Identifier: MIT
# A second harvest exits with 5 at once even while the first one is inside
# an LMDB write transaction and not moving (stopped with SIGSTOP or ^Z, or
# stuck on a slow disk): it must not wait on LMDB's writer lock before it
# looks at the harvest lock. The first harvest is played by flock(1), which
# holds harvest.lock, around mdb_load, which holds a write transaction while
# it waits for input that does not come.
. "$top_srcdir/tests/e2e/lib.sh"
command -v flock >/dev/null || skip "flock (util-linux) is not installed"
command -v mdb_load >/dev/null || skip "mdb_load (lmdb-utils) is not installed"
EXAMPLES="$top_srcdir/seeds/examples"
DB="$T/db"
"$STACML" --db "$DB" -q harvest "$EXAMPLES"

mkfifo "$T/input"
flock "$DB/harvest.lock" mdb_load -s meta -f "$T/input" "$DB" &
holder=$!
# Keep the FIFO open with a header and no data: mdb_load then begins its
# write transaction and waits for the first record.
exec 3>"$T/input"
printf 'VERSION=3\nformat=print\ntype=btree\nHEADER=END\n' >&3
sleep 1

timeout 20 "$STACML" --db "$DB" harvest "$EXAMPLES" 2>"$T/second.err"
check_eq "a second harvest exits with 5, without waiting" "$?" 5
check "and says why" grep -q "another harvest is writing to" "$T/second.err"
check_eq "search runs meanwhile" \
    "$(timeout 20 "$STACML" --db "$DB" search --format ids | wc -l)" 5

exec 3>&-
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
"$STACML" --db "$DB" -q harvest "$EXAMPLES"
check_eq "once it is gone, a harvest runs" "$?" 0
e2e_finish
