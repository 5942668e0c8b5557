#!/bin/bash
# SPDX-License-Identifier: MIT
# One harvest per index: a second one exits at once with status 5 and a
# clear message, or waits with --wait; search, export and stats run while a
# harvest writes.
. "$top_srcdir/tests/e2e/lib.sh"
serve_copy "$top_srcdir/seeds/examples"
DB="$T/db"
"$STACML" --db "$DB" -q harvest "$BASE/catalog.json"
# A slow harvest: one request every 300 ms. It holds the lock once a
# request of it has been answered (a 304: the index has every document);
# a second's sleep was too short for a slow start on a loaded machine.
"$STACML" --db "$DB" -q harvest --rate 3 --per-host 1 "$BASE/catalog.json" &
pid=$!
i=0
while ! grep -q '^GET [^ ]* 304 ' "$T/nginx/access.log" && [ $i -lt 400 ]; do
    sleep 0.05
    i=$((i + 1))
done
"$STACML" --db "$DB" harvest "$BASE/catalog.json" 2>"$T/second.err"
check_eq "a second harvest exits at once with status 5" "$?" 5
check "and says why" grep -q "another harvest is writing to" "$T/second.err"
check_eq "search runs during the harvest" \
    "$("$STACML" --db "$DB" search --format ids | wc -l)" 5
check_eq "export runs during the harvest" "$("$STACML" --db "$DB" export | wc -l)" 5
check "stats runs during the harvest" "$STACML" --db "$DB" stats
"$STACML" --db "$DB" -q harvest --wait "$BASE/catalog.json"
check_eq "--wait waits for the first, then harvests" "$?" 0
wait "$pid"
check_eq "the first harvest succeeded" "$?" 0
# Read from the runs, not from whether the first process is still there:
# it lets go of the lock before it exits (and a sanitizer build's exit
# takes a while).
check "the second began after the first had finished" sh -c \
    "'$STACML' --db '$DB' runs --format json |
     jq -e '.[-2].finished != null and .[-1].started >= .[-2].finished'"
# A reader without access to lock.mdb holds harvest.lock shared for an
# instant to tell whether a harvest runs: a harvest starting then is not
# refused as if another harvest held it.
if command -v flock >/dev/null; then
    # The look is held until the harvest has found it and waits to try
    # again (asleep in nanosleep), not for a time: on a loaded machine a
    # harvest starting late would find it gone, and one starting early
    # not there yet. A kernel that hides wchan gets 0.2 s instead.
    shown=false
    wchan_shown && shown=true
    flock -s --no-fork "$DB/harvest.lock" sh -c ': >"$1"; exec sleep 60' sh \
        "$T/looking" &
    reader=$!
    i=0
    while [ ! -e "$T/looking" ] && [ $i -lt 400 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    "$STACML" --db "$DB" -q harvest "$BASE/catalog.json" 2>"$T/shared.err" &
    pid=$!
    # Polled with builtins only: it tries again for half a second.
    end=$((SECONDS + 20)) w=
    while $shown && kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $end ]; do
        read -r w <"/proc/$pid/wchan" 2>/dev/null
        case $w in *nanosleep*) break ;; esac
    done
    $shown || sleep 0.2
    check "the harvest found the lock held and tries again" kill -0 "$pid"
    kill "$reader"
    wait "$reader"
    wait "$pid"
    check_eq "a reader's shared look does not refuse a harvest" "$?" 0
fi
# A lock file an earlier stacml made 0600 is made readable by all: readers
# without access to lock.mdb look at it to tell whether a harvest writes.
chmod 600 "$DB/harvest.lock"
"$STACML" --db "$DB" -q harvest "$BASE/catalog.json"
check_eq "an old 0600 lock file made readable by all" "$(stat -c %a "$DB/harvest.lock")" 644
e2e_finish
