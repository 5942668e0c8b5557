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
flock --no-fork "$DB/harvest.lock" mdb_load -s meta -f "$T/input" "$DB" &
holder=$!
# Keep the FIFO open with a header and no data: mdb_load then begins its
# write transaction and waits for the first record. Waited for by what
# mdb_load does, not for a time (a loaded machine can take longer than
# any sleep to start it): the header read from the FIFO, mdb_load asleep
# reading it again. A kernel that hides wchan gets a second more instead.
exec 3>"$T/input"
printf 'VERSION=3\nformat=print\ntype=btree\nHEADER=END\n' >&3
unread() { # bytes written to the FIFO (fd 3) and not read yet
    "${PYTHON3:-python3}" -c 'import fcntl, struct, termios
print(struct.unpack("i", fcntl.ioctl(3, termios.FIONREAD, bytes(4)))[0])'
}
shown=false
wchan_shown && shown=true
waits_for_input() {
    [ "$(unread)" = 0 ] || return 1
    $shown || { sleep 1 && return 0; }
    case $(cat "/proc/$holder/wchan" 2>/dev/null) in
    *pipe*) return 0 ;; # pipe_read, anon_pipe_read, pipe_wait...
    esac
    return 1
}
i=0
while ! waits_for_input && [ $i -lt 400 ]; do
    sleep 0.05
    i=$((i + 1))
done
check "mdb_load holds the lock and waits for its first record" waits_for_input

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
