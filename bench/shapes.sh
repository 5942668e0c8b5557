#!/bin/bash
# SPDX-License-Identifier: MIT
# Irregular catalog shapes, each harvested at N and 4N documents (and the
# larger one harvested again, unchanged), to see whether time and memory
# grow linearly with a small constant: a shape that costs more than 4 times
# as much at 4N, or whose anonymous memory grows by more than a few dozen
# bytes a URL, is a bug. Shapes: see bench/gen-shapes.py. Prints a table;
# writes nothing outside BENCH_BUILD. Not part of make check; no figure is
# asserted.
#
# Usage: bench/shapes.sh [--n N] [--shapes "wide-item deep ..."]
# Environment: STACML (default ./src/stacml), BENCH_BUILD (default
# $PWD/bench-work), CC, PYTHON3, NGINX.

set -u
BENCH_SRC=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(cd "$BENCH_SRC/.." && pwd)
N=5000
SHAPES="wide-item wide-child deep pages dup tree api"
while [ $# -gt 0 ]; do
    case $1 in
    --n) N=$2; shift 2 ;;
    --shapes) SHAPES=$2; shift 2 ;;
    *) sed -n '/^# Usage:/,/^# Environment/p' "$0" >&2; exit 2 ;;
    esac
done
STACML=${STACML:-./src/stacml}
BENCH_BUILD=${BENCH_BUILD:-$PWD/bench-work}
CC=${CC:-cc}
PYTHON3=${PYTHON3:-python3}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
die() { echo "shapes.sh: $*" >&2; exit 1; }
[ -x "$STACML" ] || die "no stacml binary at $STACML (set STACML)"
[ -x "$NGINX" ] || die "nginx not found (set NGINX)"
STACML=$(cd "$(dirname "$STACML")" && pwd)/$(basename "$STACML")
W=$BENCH_BUILD/shapes
mkdir -p "$W/nginx/tmp" || die "cannot create $W"
"$CC" -O2 -std=gnu11 -o "$W/runstat" "$BENCH_SRC/runstat.c" || die "cannot build runstat"
ulimit -n "$(ulimit -Hn)" 2>/dev/null
NOFILE=$(ulimit -n)
[ "$NOFILE" = unlimited ] && NOFILE=65536
CACHE=$((NOFILE / 4 > 10000 ? 10000 : NOFILE / 4))
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done' EXIT

PORT=$("$PYTHON3" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$W/nginx/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1;
worker_rlimit_nofile $NOFILE; pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log warn;
events { worker_connections 1024; }
http {
    types { application/json json; } default_type application/octet-stream;
    access_log off; sendfile on; tcp_nodelay on;
    keepalive_timeout 65; keepalive_requests 100000;
    open_file_cache max=$CACHE inactive=60s; open_file_cache_valid 600s;
    client_body_temp_path $W/nginx/tmp/body; proxy_temp_path $W/nginx/tmp/proxy;
    fastcgi_temp_path $W/nginx/tmp/fcgi; uwsgi_temp_path $W/nginx/tmp/uwsgi;
    scgi_temp_path $W/nginx/tmp/scgi;
    gzip on; gzip_comp_level 1; gzip_min_length 64; gzip_types application/json;
    server { listen 127.0.0.1:$PORT; root $W; etag on; }
}
CONF
# Not with NGINX in its environment: nginx reads it as inherited sockets.
env -u NGINX "$NGINX" -p "$W/nginx" -c "$W/nginx/nginx.conf" -e "$W/nginx/error.log" &
PIDS="$PIDS $!"
sleep 0.5

# run SHAPE SIZE LABEL DB URL: one harvest under runstat, one table row
run() {
    local out=$W/stat docs wall user sys rss anon
    "$W/runstat" "$out" "$STACML" --db "$4" -q harvest --concurrency 8 \
        --per-host 8 --max-doc-size 64M --max-pages 100000 "$5"
    docs=$("$STACML" --db "$4" runs --format json | jq '.[0].fetched + .[0].unchanged')
    read -r wall user sys rss _ anon _ <"$out"
    printf '%-11s %8s %-7s %8s %8.2f %8.2f %8.1f %8.1f\n' "$1" "$2" "$3" \
        "$docs" "$wall" "$(echo "$user + $sys" | bc)" \
        "$(echo "$rss / 1024" | bc -l)" "$(echo "$anon / 1024" | bc -l)"
}

# api N: start a fixture API of N collections; sets URL. Not in a $(...):
# the server would hold its pipe open.
api() {
    local port_file=$W/api-$1.port
    rm -f "$port_file"
    "$PYTHON3" "$SRCDIR/tests/server/stac-api.py" --world "$W/api-$1.json" \
        --no-filter --port-file "$port_file" >/dev/null 2>&1 &
    PIDS="$PIDS $!"
    while [ ! -s "$port_file" ]; do sleep 0.1; done
    URL="http://127.0.0.1:$(cat "$port_file")/"
}

printf '%-11s %8s %-7s %8s %8s %8s %8s %8s\n' shape size run docs wall_s \
    cpu_s rss_MB anon_MB
for shape in $SHAPES; do
    for size in "$N" $((4 * N)); do
        if [ "$shape" = api ]; then
            "$PYTHON3" "$BENCH_SRC/gen-shapes.py" api "$size" "$W/api-$size.json"
            api "$size"
        else
            [ -d "$W/$shape-$size" ] ||
                "$PYTHON3" "$BENCH_SRC/gen-shapes.py" "$shape" "$size" "$W/$shape-$size"
            URL=http://127.0.0.1:$PORT/$shape-$size/catalog.json
        fi
        rm -rf "$W/db"
        run "$shape" "$size" fresh "$W/db" "$URL"
        [ "$size" = "$N" ] || [ "$shape" = api ] ||
            run "$shape" "$size" again "$W/db" "$URL"
    done
done
rm -rf "$W/db"
