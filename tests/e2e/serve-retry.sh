#!/bin/bash
# SPDX-License-Identifier: MIT
# The harness itself: when the port serve_dir was given is taken by the
# time nginx binds it (another test's server got there first), it serves
# on another port, and the files it serves name the port they are served
# on. It used to take the answer of the port's owner for nginx's while
# nginx was still trying to bind, and a retry left the first port in the
# files.
. "$top_srcdir/tests/e2e/lib.sh"
command -v curl >/dev/null || skip "curl is not installed"
mkdir -p "$T/other"
start_api X --static "$T/other"

# free_port hands out X's port first, as a race with another test would.
eval "$(declare -f free_port | sed '1s/free_port/real_free_port/')"
free_port() {
    if [ -e "$T/clashed" ]; then
        real_free_port
    else
        : >"$T/clashed"
        echo "$X_PORT"
    fi
}
mkdir -p "$T/site"
printf '{"self": "http://127.0.0.1:{{port}}/a.json"}\n' >"$T/site/a.json"
serve_copy "$T/site"
check "a port taken: served on another one" test "$PORT" != "$X_PORT"
check_eq "the file names the port it is served on" "$(curl -s "$BASE/a.json")" \
    "{\"self\": \"http://127.0.0.1:$PORT/a.json\"}"
access_log_settle
check "nginx answered" grep -q '^GET /a.json 200 ' "$T/nginx/access.log"
e2e_finish
