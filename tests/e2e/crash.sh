#!/bin/bash
# SPDX-License-Identifier: MIT
# Crash safety and resume: harvests of a 3,000-item catalog killed with
# SIGKILL at several points; after every kill the index opens and answers;
# the same command resumes the run (documents already fetched in it are not
# fetched again) and the final index equals an uninterrupted run's.
. "$top_srcdir/tests/e2e/lib.sh"
flat_catalog "$T/www" 10 300 20 || fail "generate the catalog"
serve_dir "$T/www"
LOG="$T/nginx/access.log"
export_ref() {
    "$STACML" --db "$1" export | jq -c 'del(.last_seen, .run, .first_seen, .last_changed)' | LC_ALL=C sort
}

"$STACML" --db "$T/ref" -q harvest "$BASE/catalog.json"
check_eq "uninterrupted harvest" "$?" 0
export_ref "$T/ref" >"$T/ref.jsonl"
check_eq "150 models" "$(wc -l <"$T/ref.jsonl")" 150

access_log_clear
# Kill points by progress, not by time (a loaded machine is slower): after
# this many more requests reached the server. Batches of 1000 writes, so
# that each kill point comes after some commits.
kills=0
for step in 1100 1100; do
    start=$(wc -l <"$LOG")
    "$STACML" --db "$T/db" -q harvest --rate 800 --commit-every 1000 "$BASE/catalog.json" &
    pid=$!
    i=0
    while [ "$(wc -l <"$LOG")" -lt $((start + step)) ] && kill -0 "$pid" 2>/dev/null &&
        [ $i -lt 600 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    if kill -9 "$pid" 2>/dev/null; then
        kills=$((kills + 1))
    fi
    wait "$pid" 2>/dev/null
    check "index opens after kill -9 at +$step requests" "$STACML" --db "$T/db" stats
done
check_eq "killed twice mid-run" "$kills" 2
"$STACML" --db "$T/db" runs --format json >"$T/runs.killed"
check "runs: the killed run is listed, unfinished" \
    jq -e 'length == 1 and .[0].run == 1 and .[0].outcome == "unfinished"' "$T/runs.killed"
"$STACML" --db "$T/db" harvest --rate 800 "$BASE/catalog.json" 2>"$T/last.err"
check_eq "resumed run completes" "$?" 0
check "the run was resumed" grep -q "resuming run 1" "$T/last.err"
check "documents done before the kills were not fetched again" \
    grep -Eq "[1-9][0-9]* resumed" "$T/last.err"
"$STACML" --db "$T/db" runs --format json >"$T/runs.final"
check "runs: the resumed run keeps its start and counts the models written before the kills as new" \
    jq -e --slurpfile k "$T/runs.killed" \
    'length == 1 and .[0].started == $k[0][0].started and .[0].models_new == 150 and .[0].models == 150 and .[0].exit_status == 0' \
    "$T/runs.final"
export_ref "$T/db" >"$T/final.jsonl"
check_diff "final index equals an uninterrupted run's" "$T/final.jsonl" "$T/ref.jsonl"
access_log_settle
total=$(grep -vc ' /robots.txt ' "$LOG")
check "far fewer requests than a restart from zero each time ($total)" test "$total" -lt 6000
# The same in an incremental run, where every document answers 304: killed
# mid-run, the resumed run does not ask again for what the killed one had
# asked already.
access_log_clear
"$STACML" --db "$T/db" -q harvest --rate 800 --commit-every 500 "$BASE/catalog.json" &
pid=$!
i=0
while [ "$(wc -l <"$LOG")" -lt 1500 ] && kill -0 "$pid" 2>/dev/null && [ $i -lt 600 ]; do
    sleep 0.05
    i=$((i + 1))
done
check "incremental run killed mid-run" kill -9 "$pid"
wait "$pid" 2>/dev/null
access_log_settle
before=$(wc -l <"$LOG")
"$STACML" --db "$T/db" harvest --rate 800 "$BASE/catalog.json" 2>"$T/inc.err"
check_eq "resumed incremental run completes" "$?" 0
check "incremental run resumed" grep -q "resuming run 2" "$T/inc.err"
check "documents that answered 304 before the kill were not asked again" \
    grep -Eq "[0-9]+ unchanged \(304\), [1-9][0-9]* resumed" "$T/inc.err"
access_log_settle
again=$(($(wc -l <"$LOG") - before))
check "the resumed incremental run asked only for the rest ($again requests)" \
    test "$again" -lt 2500
export_ref "$T/db" >"$T/inc.jsonl"
check_diff "incremental resume: index equals an uninterrupted run's" "$T/inc.jsonl" "$T/ref.jsonl"
e2e_finish
