#!/bin/bash
# SPDX-License-Identifier: MIT
# Text from remote documents printed to a terminal: no control character
# reaches it as it is, in tables and in JSON alike. JSON keeps C0 controls
# escaped by itself, but may hold C1 controls (U+009B is CSI to a terminal
# that reads 8-bit controls) and bidi controls raw: on a terminal they are
# written as \u escapes, the same JSON value; piped, the output is as stored.
. "$top_srcdir/tests/e2e/lib.sh"

mkdir -p "$T/site"
jq -c '.properties.title = "T\u001b]0;pwned\u0007 \u202eevil"
    | .properties["mlm:architecture"] = "U\u009b2JNet"
    | .properties.description = "d\u2066e"' <<<"$(mlm_item esc)" >"$T/site/item.json"
"$STACML" --db "$T/db" -q harvest "$T/site/item.json"
check_eq "harvest" "$?" 0

# on_tty COMMAND...: its output as written to a terminal (CR LF to LF).
on_tty() {
    "${PYTHON3:-python3}" -c '
import os, pty, sys
sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))' "$@" | tr -d '\r'
}
# raw FILE: whether FILE holds ESC, a C1 control or a bidi control as it is.
raw() {
    "${PYTHON3:-python3}" -c '
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
sys.exit(0 if re.search("[\x1b\x80-\x9f\u202a-\u202e\u2066-\u2069]", text) else 1)' "$1"
}
for cmd in "search" "search --format json" "search --format jsonl" "export" \
    "show esc" "stats"; do
    # shellcheck disable=SC2086
    on_tty "$STACML" --db "$T/db" $cmd >"$T/tty.out"
    if raw "$T/tty.out"; then
        fail "$cmd on a terminal: a control character as it is"
    else
        pass "$cmd on a terminal: no control character as it is"
    fi
done
on_tty "$STACML" --db "$T/db" show esc >"$T/show.tty"
"$STACML" --db "$T/db" show esc >"$T/show.pipe"
check_eq "show on a terminal: the same JSON value" \
    "$(jq -c . "$T/show.tty")" "$(jq -c . "$T/show.pipe")"
check "show piped: the record as stored, controls and all" raw "$T/show.pipe"
check_eq "show piped: the C1 control kept" \
    "$(jq -j .architecture "$T/show.pipe" | od -An -tx1 | tr -d ' \n')" "55c29b324a4e6574"
# The live progress line counts each document once: a body that could
# not be read was counted as fetched and as failed. The slow item keeps
# the run going past the first lines, with the three others done.
mkdir -p "$T/prog"
mlm_item good >"$T/prog/good.json"
mlm_item slow >"$T/prog/slow.json"
printf '{"type": "Feature", ' >"$T/prog/bad.json"
jq -n '{type: "Catalog", stac_version: "1.0.0", id: "c", description: "d",
    links: [{rel: "item", href: "./bad.json"}, {rel: "item", href: "./good.json"},
            {rel: "item", href: "./slow.json"}]}' >"$T/prog/catalog.json"
echo '[{"path": "^/slow[.]json$", "delay_ms": 1600}]' >"$T/prog-faults.json"
start_api P --static "$T/prog" --faults "$T/prog-faults.json"
on_tty "$STACML" --db "$T/prog.db" harvest "${P_URL}catalog.json" >"$T/prog.tty"
check "progress: lines shown while the slow item is awaited" \
    grep -q "[0-9] done, " "$T/prog.tty"
check_eq "progress: the three documents in, counted once" \
    "$(grep -o "[0-9]* done, [0-9]* queued" "$T/prog.tty" | head -n 1)" "3 done, 0 queued"
stop_apis
e2e_finish
