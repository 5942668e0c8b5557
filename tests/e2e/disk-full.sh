#!/bin/bash
# SPDX-License-Identifier: MIT
# A harvest into an index on a file system that fills up: exit status 4, a
# message that says the disk is full and names the index, an index that
# still opens, and a later harvest with room that completes the run. Needs
# to mount a small tmpfs (root); skipped where that is not allowed.
. "$top_srcdir/tests/e2e/lib.sh"
SMALL="$T/small"
mkdir -p "$SMALL"
mount -t tmpfs -o size=1m tmpfs "$SMALL" 2>/dev/null ||
    skip "cannot mount a tmpfs here (needs root)"
trap 'umount "$SMALL" 2>/dev/null; e2e_cleanup' EXIT
"${PYTHON3:-python3}" "$top_srcdir/bench/gen-catalog.py" --out "$T/cat" \
    --items 1500 --depth 2 --fanout 4 --model-fraction 1 >/dev/null ||
    fail "generate the catalog"
DB="$SMALL/db"

"$STACML" --db "$DB" harvest "$T/cat" 2>"$T/full.err"
check_eq "a harvest that fills the disk exits with 4" "$?" 4
check "and says the file system is full, for this index" \
    grep -q "index $DB: commit: the file system is full" "$T/full.err"
check "its summary says the records found were not saved" \
    grep -q "^stacml: the index write failed: of 1500 model records .* not saved" \
    "$T/full.err"
check "and does not count them as stored, new or changed" \
    sh -c "! grep -Eq 'model records, |models [0-9]+ new' '$T/full.err'"
check "the index still opens" "$STACML" --db "$DB" stats
n_before=$("$STACML" --db "$DB" export | wc -l)
check "and holds whole committed batches only" test "$n_before" -lt 1500

# Still full: the resumed run fails too, and the summary line of its log
# (there even with -q, for cron) does not count records as saved either.
"$STACML" --db "$DB" -q harvest --log "$T/full.log" "$T/cat" 2>/dev/null
check_eq "a harvest that still finds the disk full exits with 4" "$?" 4
check "the log's summary says the records found were not saved" \
    grep -q "summary: run [0-9]*: error (exit 4): .*the index write failed: .* not saved" \
    "$T/full.log"
check "and does not count them as new or changed" \
    sh -c "! grep -q 'new, .* changed' '$T/full.log'"

mount -o remount,size=64m "$SMALL" || fail "grow the tmpfs"
"$STACML" --db "$DB" -q harvest "$T/cat" 2>"$T/room.err"
check_eq "with room, the same harvest completes" "$?" 0
check_eq "every model is there" "$("$STACML" --db "$DB" export | wc -l)" 1500
check "a search works" "$STACML" --db "$DB" search --format ids
e2e_finish
