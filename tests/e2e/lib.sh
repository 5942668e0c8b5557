# SPDX-License-Identifier: MIT
# Shared helpers of the end-to-end tests: a temp dir per test under the
# build tree, a real nginx on 127.0.0.1 on a free port serving a copy of a
# fixture tree (with {{port}} replaced), and a few assertions. Source it.

set -u
: "${top_srcdir:?top_srcdir must be set (run through make check)}"
: "${top_builddir:?top_builddir must be set}"
STACML="$top_builddir/src/stacml"
FIXTURES="$top_srcdir/tests/fixtures"
E2E_NAME=$(basename "$0" .sh)
# Hermetic: a URL of the shared examples (stac-api.example, ...) must not
# become a DNS query or a connection off this machine. libcurl sends every
# request for a host outside loopback to a proxy that is not there; the
# request fails as an unreachable host would, without leaving the box.
export http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9
export all_proxy=http://127.0.0.1:9 no_proxy=127.0.0.0/8,localhost,::1
unset HTTP_PROXY HTTPS_PROXY ALL_PROXY NO_PROXY
mkdir -p "$top_builddir/tests/tmp"
T=$(mktemp -d "$top_builddir/tests/tmp/$E2E_NAME.XXXXXX")
# jq -e fails on empty input, as jq 1.7 does and Debian 12's jq 1.6 does
# not (tests/lib/jq-strict): a check piping a command that printed
# nothing into jq -e must not pass. Also inside the checks' sh -c.
if STACML_REAL_JQ=$(command -v jq); then
    export STACML_REAL_JQ
    mkdir -p "$T/bin"
    ln -s "$top_srcdir/tests/lib/jq-strict" "$T/bin/jq"
    export PATH="$T/bin:$PATH"
fi
NGINX_PID=
E2E_FAILS=0

e2e_cleanup() {
    stop_apis
    stop_nginx
    if [ "$E2E_FAILS" -eq 0 ] || [ -z "${KEEP_TMP:-}" ]; then
        rm -rf "$T"
    fi
}
trap e2e_cleanup EXIT

skip() {
    echo "SKIP: $*"
    exit 77
}

fail() {
    echo "FAIL: $*"
    E2E_FAILS=$((E2E_FAILS + 1))
}

pass() {
    echo "ok: $*"
}

# check DESCRIPTION COMMAND...: pass when the command succeeds.
check() {
    local what=$1
    shift
    if "$@" >/dev/null; then pass "$what"; else fail "$what"; fi
}

# check_eq DESCRIPTION GOT WANT
check_eq() {
    if [ "$2" = "$3" ]; then
        pass "$1"
    else
        fail "$1: got '$2', want '$3'"
    fi
}

# check_diff DESCRIPTION GOT_FILE WANT_FILE
check_diff() {
    if diff -u "$3" "$2" >"$T/diff.out" 2>&1; then
        pass "$1"
    else
        fail "$1"
        cat "$T/diff.out"
    fi
}

e2e_finish() {
    if [ "$E2E_FAILS" -ne 0 ]; then
        echo "$E2E_NAME: $E2E_FAILS check(s) failed"
        exit 1
    fi
    exit 0
}

# A TCP port that was free a moment ago on 127.0.0.1.
free_port() {
    "${PYTHON3:-python3}" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# wait_port PORT: wait up to 10 s for something to listen on 127.0.0.1:PORT.
wait_port() {
    local i=0
    while [ $i -lt 200 ]; do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
            return 0
        fi
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

# mlm_item ID [LINKS]: a minimal mlm v1.5.2 model Item on one line, its
# links the JSON array LINKS (default none).
mlm_item() {
    jq -c . <<JSON
{"type":"Feature","stac_version":"1.0.0","id":"$1",
 "stac_extensions":["https://stac-extensions.github.io/mlm/v1.5.2/schema.json"],
 "geometry":null,"bbox":null,
 "properties":{"datetime":"2024-01-01T00:00:00Z","mlm:name":"$1","mlm:architecture":"UNet",
   "mlm:tasks":["segmentation"],"mlm:input":[],"mlm:output":[]},
 "assets":{"w":{"href":"https://example.test/$1.pt","roles":["mlm:model"],"mlm:artifact_type":"torch.save"}},
 "links":${2:-[]}}
JSON
}

# item_collection ID ITEM...: a minimal Collection on one line, with an
# item link to ./ITEM.json for each ITEM.
item_collection() {
    local id=$1
    shift
    jq -cn --arg id "$id" --args '{type: "Collection", stac_version: "1.0.0",
        id: $id, description: "d", license: "x", extent: {},
        links: [$ARGS.positional[] | {rel: "item", href: "./\(.).json"}]}' "$@"
}

# collection_list ID...: a list of collections (an API's /collections) on
# one line, with no root link: each Collection ID has a self link to
# /ID/collection.json on the server that serves it ({{port}}).
collection_list() {
    jq -cn --arg base "http://127.0.0.1:{{port}}" --args '{collections: [
        $ARGS.positional[] | {type: "Collection", stac_version: "1.0.0",
        id: ., description: "d", license: "x", extent: {},
        links: [{rel: "self", href: "\($base)/\(.)/collection.json"}]}],
        links: []}' "$@"
}

# survey_collection ITEMS: $T/site/c/collection.json, a Collection with a
# child link to ./sub/catalog.json and an item link for each name of the
# JSON array ITEMS.
survey_collection() {
    jq -cn --argjson items "$1" '{type: "Collection", stac_version: "1.0.0",
        id: "c", description: "d", license: "x", extent: {},
        links: ([{rel: "child", href: "./sub/catalog.json"}] +
                [$items[] | {rel: "item", href: ("./" + . + ".json")}])}' \
        >"$T/site/c/collection.json"
}

# survey_site: a registry of one static source for the survey tests,
# served by the fixture server S: $T/site/catalog.json -> c (items m0..m4)
# -> sub (item deep), five models in c and one two levels further down;
# $T/registry.json lists it.
survey_site() {
    mkdir -p "$T/site/c/sub"
    local i
    for i in 0 1 2 3 4; do
        mlm_item "m$i" >"$T/site/c/m$i.json"
    done
    mlm_item deep >"$T/site/c/sub/deep.json"
    survey_collection '["m0", "m1", "m2", "m3", "m4"]'
    jq -cn '{type: "Catalog", stac_version: "1.0.0", id: "sub", description: "d",
        links: [{rel: "item", href: "./deep.json"}]}' >"$T/site/c/sub/catalog.json"
    jq -cn '{type: "Catalog", stac_version: "1.0.0", id: "s", description: "d",
        links: [{rel: "child", href: "./c/collection.json"}]}' >"$T/site/catalog.json"
    start_api S --static "$T/site"
    jq -cn --arg u "${S_URL}catalog.json" \
        '[{id: "s", title: "S", url: $u, access: "public", isApi: false}]' \
        >"$T/registry.json"
}

# docs_since N: the requests of the fixture server S for documents (not
# robots.txt) after line N of its log, one JSON object a line.
docs_since() {
    tail -n +"$(($1 + 1))" "$S_LOG" | jq -c 'select(.path != "/robots.txt")'
}

# find_as_user: define as_user COMMAND..., which runs COMMAND as a user
# that file permissions apply to (itself when not root, else nobody
# through setpriv); false, and no as_user, when there is none.
find_as_user() {
    if [ "$(id -u)" -ne 0 ]; then
        as_user() { "$@"; }
    elif command -v setpriv >/dev/null &&
        setpriv --reuid=nobody --regid=nogroup --clear-groups "$STACML" \
            --version >/dev/null 2>&1; then
        as_user() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
    else
        return 1
    fi
}

# wait_lines FILE N PID: wait (up to 30 s) until FILE has N lines or PID
# has ended.
wait_lines() {
    local i=0
    while [ "$(wc -l <"$1")" -lt "$2" ] && kill -0 "$3" 2>/dev/null &&
        [ $i -lt 600 ]; do
        sleep 0.05
        i=$((i + 1))
    done
}

# flat_catalog DIR COLLECTIONS ITEMS EVERY: a Catalog in DIR of COLLECTIONS
# Collections of ITEMS Items each, every EVERY-th Item (counted across the
# catalog from 0) an mlm model, the others plain.
flat_catalog() {
    "${PYTHON3:-python3}" - "$@" <<'PY'
import json, os, sys
root, ncoll, nitems, every = sys.argv[1], *map(int, sys.argv[2:5])
def w(p, d):
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        json.dump(d, f)
MLM = "https://stac-extensions.github.io/mlm/v1.5.2/schema.json"
w(f"{root}/catalog.json", {"type": "Catalog", "stac_version": "1.0.0", "id": "flat",
  "description": "d", "links": [{"rel": "child", "href": f"c{c}/collection.json"} for c in range(ncoll)]})
for c in range(ncoll):
    w(f"{root}/c{c}/collection.json", {"type": "Collection", "stac_version": "1.0.0", "id": f"c{c}",
      "description": "d", "license": "x", "extent": {},
      "links": [{"rel": "item", "href": f"i{i}.json"} for i in range(nitems)]})
    for i in range(nitems):
        k = c * nitems + i
        props = {"datetime": "2020-01-01T00:00:00Z"}
        ext = []
        if k % every == 0:
            ext = [MLM]
            props.update({"mlm:name": f"m{k}", "mlm:architecture": "UNet", "mlm:tasks": ["segmentation"]})
        w(f"{root}/c{c}/i{i}.json", {"type": "Feature", "stac_version": "1.0.0", "stac_extensions": ext,
          "id": f"i{k}", "geometry": None, "properties": props, "links": [], "assets": {}})
PY
}

# zero_phrase FILE PHRASE: overwrite every copy of PHRASE in FILE with
# zero bytes (stale pages too, so the live one is among them), as a crash
# of the disk would; fails when FILE does not hold PHRASE.
zero_phrase() {
    "${PYTHON3:-python3}" - "$1" "$2" <<'PY'
import sys
path, token = sys.argv[1], sys.argv[2].encode()
data = open(path, "rb").read()
if token not in data:
    sys.exit(1)
open(path, "wb").write(data.replace(token, bytes(len(token))))
PY
}

# serve_fixture NAME: serve_copy of tests/fixtures/NAME.
serve_fixture() {
    serve_copy "$FIXTURES/$1"
}

# serve_copy DIR: copy DIR to $T/www, substitute {{port}}, and serve it
# with nginx on a free port. Sets PORT and BASE.
serve_copy() {
    [ -n "${NGINX:-}" ] && [ -x "$NGINX" ] || skip "nginx not installed"
    mkdir -p "$T/www"
    cp -R "$1/." "$T/www/"
    serve_dir "$T/www"
}

# serve_dir DIR: serve DIR (its JSON files get {{port}} replaced in place).
# $NGINX_EXTRA, when set, is added to the server block. $NGINX_TLS, when
# set to "CERT KEY" (PEM files), makes it HTTPS, TLS with HTTP/2 as the
# public STAC servers speak, and BASE an https URL.
serve_dir() {
    [ -n "${NGINX:-}" ] && [ -x "$NGINX" ] || skip "nginx not installed"
    local root=$1 try=0 names="$T/nginx/port-files"
    local templates="$T/nginx/port-templates.tar"
    # The files naming the port, kept as they are: a try on another port
    # after a clash puts its own port in them, not on top of the last one.
    mkdir -p "$T/nginx"
    (cd "$root" && find . -type f \( -name '*.json' -o -name '*.geojson' \) \
        -exec grep -lF '{{port}}' {} + >"$names")
    tar -C "$root" -cf "$templates" -T "$names"
    while [ $try -lt 5 ]; do
        PORT=$(free_port)
        tar -C "$root" -xf "$templates"
        (cd "$root" && xargs -r -d '\n' sed -i "s/{{port}}/$PORT/g" <"$names")
        write_nginx_conf "$root"
        rm -f "$T/nginx/nginx.pid"
        "$NGINX" -p "$T/nginx" -c "$T/nginx/nginx.conf" -e "$T/nginx/error.log" \
            2>>"$T/nginx/stderr" &
        NGINX_PID=$!
        if nginx_up; then
            BASE="http${NGINX_TLS:+s}://127.0.0.1:$PORT"
            NGINX_PORT=$PORT
            return 0
        fi
        kill "$NGINX_PID" 2>/dev/null
        wait "$NGINX_PID" 2>/dev/null
        NGINX_PID=
        try=$((try + 1))
    done
    cat "$T/nginx/error.log" "$T/nginx/stderr" 2>/dev/null
    fail "nginx did not start"
    exit 1
}

# stop_nginx: stop the nginx of serve_dir, if one runs.
stop_nginx() {
    if [ -n "$NGINX_PID" ]; then
        kill "$NGINX_PID" 2>/dev/null
        wait "$NGINX_PID" 2>/dev/null
    fi
    NGINX_PID=
}

# nginx_up: wait up to 10 s for $NGINX_PID to listen on $PORT. Its pid
# file is written once its sockets are bound. The port answering is not
# enough: on a clash nginx tries bind() again for 2.5 s before it gives
# up, while whoever holds the port answers.
nginx_up() {
    local i=0
    while [ $i -lt 200 ] && kill -0 "$NGINX_PID" 2>/dev/null; do
        if [ "$(cat "$T/nginx/nginx.pid" 2>/dev/null)" = "$NGINX_PID" ]; then
            wait_port "$PORT"
            return
        fi
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

write_nginx_conf() {
    local listen=$PORT tls=''
    if [ -n "${NGINX_TLS:-}" ]; then
        local cert key
        read -r cert key <<<"$NGINX_TLS"
        listen="$PORT ssl http2"
        tls="ssl_certificate $cert; ssl_certificate_key $key;"
    fi
    mkdir -p "$T/nginx/tmp"
    cat >"$T/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log warn;
events { worker_connections 256; }
http {
    types { application/json json; application/geo+json geojson; }
    default_type application/octet-stream;
    log_format e2e '\$request_method \$uri \$status \$body_bytes_sent '
                   '\$http_accept_encoding|\$gzip_ratio|\$http_user_agent';
    # The same requests, with how they travelled and when: the protocol,
    # the connection (its number, and its request count so far), and the
    # time the answer was done (seconds.ms) and how long it took.
    log_format wire '\$server_protocol \$connection \$connection_requests '
                    '\$msec \$request_time \$status \$request_method \$uri '
                    '\$body_bytes_sent';
    # Whether each request was conditional: the ETag it sent back, or -.
    log_format cond '\$request_method \$uri \$status \$http_if_none_match';
    access_log $T/nginx/access.log e2e;
    access_log $T/nginx/wire.log wire;
    access_log $T/nginx/cond.log cond;
    client_body_temp_path $T/nginx/tmp/body;
    proxy_temp_path $T/nginx/tmp/proxy;
    fastcgi_temp_path $T/nginx/tmp/fastcgi;
    uwsgi_temp_path $T/nginx/tmp/uwsgi;
    scgi_temp_path $T/nginx/tmp/scgi;
    keepalive_requests 10000;
    gzip on;
    gzip_min_length 64;
    gzip_types application/json application/geo+json;
    server {
        listen 127.0.0.1:$listen;
        listen 127.0.0.2:$listen; # a second host name on loopback
        $tls
        root $1;
        etag on;
        # access_log_settle's markers, logged apart so that they count in
        # no test's access.log.
        location ^~ /__settle- {
            access_log $T/nginx/settle.log wire;
            return 204;
        }
        ${NGINX_EXTRA:-}
    }
}
CONF
}

# export_tsv DB: the exported records as sorted TSV lines
#   url id stac_type extensions source
# with the server's port replaced by {{port}}.
export_tsv() {
    "$STACML" --db "$1" export |
        jq -r '[.url, .id, .stac_type, (.extensions | join(",")), .source] | @tsv' |
        sed "s/127\.0\.0\.1:${PORT:-0}/127.0.0.1:{{port}}/g" | LC_ALL=C sort
}

# http_get PORT PATH: GET http://127.0.0.1:PORT/PATH and wait for the
# whole answer, thrown away (HTTP/1.0: the server closes after it).
http_get() {
    (
        exec 3<>"/dev/tcp/127.0.0.1/$1" &&
            printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3 &&
            cat <&3 >/dev/null
    ) 2>/dev/null
}

# access_log_settle: wait until nginx has logged every request it answered
# before now, so that the access log can be counted. The client may have
# its whole answer before nginx writes the log line, so the log may still
# be growing after stacml exited, and a pause in its growth proves nothing
# on a loaded machine. Instead, ask for a marker URL on a new connection
# and wait for its line. Why every earlier request is logged by then:
# nginx here is one single-threaded process (master_process off,
# worker_processes 1) and writes a request's log line (write(2), access_log
# has no buffer) in the same pass of its event loop that sends the last of
# the answer, or that notices the client closed the connection first (a
# transfer stacml cut short). Each of those passes began before the marker
# connection existed: stacml had every answer it waited for, or had closed
# the connection (the kernel flags that at once on loopback), before it
# exited. The marker is read in a later pass than the one accepting its
# connection, so its line, in settle.log, comes after all of theirs.
access_log_settle() {
    local marker="/__settle-$$-$RANDOM$RANDOM" i=0
    if [ -n "${NGINX_TLS:-}" ]; then
        # The marker's certificate is of no interest: -k.
        curl -sk --noproxy '*' -o /dev/null "https://127.0.0.1:$NGINX_PORT$marker"
    else
        http_get "$NGINX_PORT" "$marker"
    fi
    while ! grep -qF " $marker " "$T/nginx/settle.log" 2>/dev/null; do
        if [ $i -ge 600 ]; then
            fail "access_log_settle: nginx did not log $marker within 30 s"
            return 1
        fi
        sleep 0.05
        i=$((i + 1))
    done
}

# access_log_clear: empty the access log (and cond.log), once the requests
# answered so far are in it (none of them can land in the emptied log).
access_log_clear() {
    access_log_settle && : >"$T/nginx/access.log" && : >"$T/nginx/cond.log"
}

# wchan_shown: whether /proc/PID/wchan names what a sleeping process waits
# in (some kernels say 0 for all; every kernel says 0 for one running).
wchan_shown() {
    local s w='' i=0
    sleep 10 &
    s=$!
    while [ $i -lt 40 ]; do
        read -r w <"/proc/$s/wchan" 2>/dev/null
        case $w in 0 | "") ;; *) break ;; esac
        sleep 0.05
        i=$((i + 1))
    done
    kill "$s"
    wait "$s" 2>/dev/null
    case $w in 0 | "") return 1 ;; esac
}

# start_api NAME ARGS...: start the STAC API fixture server
# (tests/server/stac-api.py) on a free port of 127.0.0.1 with ARGS. Sets
# <NAME>_PORT, <NAME>_URL (its landing page) and <NAME>_LOG (its request
# log, one JSON line per request). Stopped when the test exits.
API_PIDS=
start_api() {
    local name=$1
    shift
    [ -n "${PYTHON3:-}" ] || PYTHON3=$(command -v python3) || skip "python3 not installed"
    local dir="$T/api-$name"
    mkdir -p "$dir"
    rm -f "$dir/port" "$dir/log.jsonl"
    "$PYTHON3" "$top_srcdir/tests/server/stac-api.py" --port-file "$dir/port" \
        --log "$dir/log.jsonl" "$@" 2>"$dir/stderr" &
    API_PIDS="$API_PIDS $!"
    local i=0
    while [ ! -s "$dir/port" ] && [ $i -lt 200 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    if [ ! -s "$dir/port" ]; then
        cat "$dir/stderr"
        fail "API fixture server $name did not start"
        exit 1
    fi
    local port
    port=$(cat "$dir/port")
    eval "${name}_PORT=$port"
    eval "${name}_URL=http://127.0.0.1:$port/"
    eval "${name}_LOG=$dir/log.jsonl"
}

# requests LOG [PATH-REGEX]: how many requests the server logged (to paths
# matching the regex).
requests() {
    jq -r '.path // ""' "$1" | grep -cE "${2:-.}" || true
}

stop_apis() {
    local p
    for p in $API_PIDS; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    API_PIDS=
}
