#!/bin/bash
# SPDX-License-Identifier: MIT
# The stacml benchmark: generate (or reuse) a synthetic static catalog, serve
# it with nginx on 127.0.0.1, and measure in one run, side by side, the fetch
# ceiling (a minimal libcurl multi fetcher, and curl --parallel when the curl
# tool has it), stacml harvest into a fresh
# index, an unchanged re-harvest, search and export; then a search index of
# model records only, and a latency mode behind a delaying server. Prints a
# table and writes one JSON file to bench/results/. See bench/README.md.
#
# Usage: bench/run.sh [--items N] [--depth D] [--fanout F] [--model-fraction P]
#          [--seed S] [--concurrency C] [--per-host P] [--repeat R]
#          [--latency-ms L] [--latency-items N] [--latency-sweep "P1 P2 .."]
#          [--search-items N] [--quick]
# Environment: STACML (the binary; default ./src/stacml), BENCH_BUILD (scratch
# directory; default $PWD/bench-work), BENCH_RESULTS (default
# <srcdir>/bench/results), CC, PYTHON3, NGINX, CURL (the curl tool; CURL=
# leaves its ceiling out).

set -u
set -o pipefail

BENCH_SRC=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(cd "$BENCH_SRC/.." && pwd)

ITEMS=100000
DEPTH=3
FANOUT=20
MODEL_FRACTION=0.05
SEED=1
CONC=8
PER_HOST=8
REPEAT=3
LAT_MS=50
LAT_ITEMS=1000
LAT_SWEEP=
SEARCH_ITEMS=100000
QUICK=0

usage() {
    sed -n '/^# Usage:/,/^# Environment/p' "$0" | sed 's/^# \{0,1\}//' | sed '$d'
    exit "${1:-2}"
}

while [ $# -gt 0 ]; do
    case $1 in
    --items | --depth | --fanout | --model-fraction | --seed | --concurrency | \
        --per-host | --repeat | --latency-ms | --latency-items | \
        --latency-sweep | --search-items)
        [ $# -ge 2 ] || { echo "run.sh: $1 needs a value" >&2; usage; } ;;
    esac
    case $1 in
    --items) ITEMS=$2; shift ;;
    --depth) DEPTH=$2; shift ;;
    --fanout) FANOUT=$2; shift ;;
    --model-fraction) MODEL_FRACTION=$2; shift ;;
    --seed) SEED=$2; shift ;;
    --concurrency) CONC=$2; shift ;;
    --per-host) PER_HOST=$2; shift ;;
    --repeat) REPEAT=$2; shift ;;
    --latency-ms) LAT_MS=$2; shift ;;
    --latency-items) LAT_ITEMS=$2; shift ;;
    --latency-sweep) LAT_SWEEP=$2; shift ;;
    --search-items) SEARCH_ITEMS=$2; shift ;;
    --quick)
        QUICK=1
        ITEMS=10000 REPEAT=1 SEARCH_ITEMS=10000 LAT_ITEMS=300
        ;;
    -h | --help) usage 0 ;;
    *) echo "run.sh: unknown option $1" >&2; usage ;;
    esac
    [ $# -gt 0 ] && shift
done

for v in ITEMS DEPTH FANOUT SEED CONC PER_HOST REPEAT LAT_ITEMS SEARCH_ITEMS; do
    case ${!v} in
    '' | *[!0-9]*) echo "run.sh: $v must be a non-negative integer" >&2; exit 2 ;;
    esac
done
case $LAT_MS in '' | *[!0-9.]*) echo "run.sh: --latency-ms must be a number" >&2; exit 2 ;; esac
case $MODEL_FRACTION in '' | *[!0-9.]*) echo "run.sh: --model-fraction must be within 0..1" >&2; exit 2 ;; esac
for p in $LAT_SWEEP; do
    case $p in '' | *[!0-9]* | 0) echo "run.sh: --latency-sweep takes positive integers" >&2; exit 2 ;; esac
done
if [ "$REPEAT" -lt 1 ] || [ "$CONC" -lt 1 ] || [ "$PER_HOST" -lt 1 ]; then
    echo "run.sh: --repeat, --concurrency and --per-host must be >= 1" >&2
    exit 2
fi
[ -n "$LAT_SWEEP" ] || LAT_SWEEP="$(( (PER_HOST + 1) / 2 )) $PER_HOST"
[ "$(( (PER_HOST + 1) / 2 ))" = "$PER_HOST" ] && LAT_SWEEP=$PER_HOST

PYTHON3=${PYTHON3:-python3}
CC=${CC:-cc}
STACML=${STACML:-$PWD/src/stacml}
BENCH_BUILD=${BENCH_BUILD:-$PWD/bench-work}
BENCH_RESULTS=${BENCH_RESULTS:-$SRCDIR/bench/results}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
CURL=${CURL-$(command -v curl || true)}

die() {
    echo "run.sh: $*" >&2
    exit 1
}
[ -x "$STACML" ] || die "no stacml binary at $STACML (set STACML)"
STACML=$(cd "$(dirname "$STACML")" && pwd)/$(basename "$STACML")
[ -x "$NGINX" ] || die "nginx not found (set NGINX)"
command -v "$PYTHON3" >/dev/null || die "python3 not found (set PYTHON3)"
mkdir -p "$BENCH_BUILD" "$BENCH_RESULTS" || die "cannot create directories"
BENCH_BUILD=$(cd "$BENCH_BUILD" && pwd)

# Open files: nginx keeps files open (open_file_cache) and each connection
# is a descriptor. Raise the soft limit to the hard one when we can.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 65536 2>/dev/null || true
NOFILE=$(ulimit -n)
[ "$NOFILE" = unlimited ] && NOFILE=65536

RUN=$(mktemp -d "$BENCH_BUILD/run.XXXXXX")
RUNS=$RUN/runs.jsonl
: >"$RUNS"
NGINX_PID=
DELAY_PID=

stop_pid() { # PID: SIGTERM, then SIGKILL after 5 s; reap it
    local pid=$1 i=0
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
        # a reaped child is gone; a zombie still answers kill -0
        [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" = Z ] && break
        sleep 0.05
        i=$((i + 1))
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

cleanup() {
    stop_pid "$NGINX_PID"
    stop_pid "$DELAY_PID"
    NGINX_PID=''
    DELAY_PID=
    rm -rf "$RUN/db-"* "$RUN/nginx/tmp"
}
trap cleanup EXIT
trap 'echo "run.sh: interrupted" >&2; exit 130' INT TERM

log() { echo "== $*" >&2; }

# ------------------------------------------------------------ helpers
build_tool() { # NAME: compile bench/NAME.c into $BENCH_BUILD/NAME when stale
    local src=$BENCH_SRC/$1.c out=$BENCH_BUILD/$1 extra=${2:-}
    if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
        # shellcheck disable=SC2086
        "$CC" -O2 -std=gnu11 -o "$out.tmp" "$src" $extra || die "cannot build $1"
        mv "$out.tmp" "$out"
    fi
}

gen() { # VAR ITEMS DEPTH FANOUT FRACTION: generate (or reuse) a catalog
    local var=$1 n=$2 d=$3 f=$4 p=$5 dir
    dir=$BENCH_BUILD/catalogs/i$n-d$d-f$f-m$p-s$SEED
    "$PYTHON3" "$BENCH_SRC/gen-catalog.py" --cache --out "$dir" --items "$n" \
        --depth "$d" --fanout "$f" --model-fraction "$p" --seed "$SEED" ||
        die "catalog generation failed"
    printf -v "$var" %s "$dir"
}

free_port() {
    "$PYTHON3" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

wait_port() { # PORT PID: wait up to 10 s for a listener
    local i=0
    while [ $i -lt 200 ]; do
        kill -0 "$2" 2>/dev/null || return 1
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

start_nginx() { # ROOT: serve ROOT on a free port; sets NGINX_PID, BASE
    local root=$1 try=0 cache=$((NOFILE / 4))
    [ "$cache" -gt 10000 ] && cache=10000
    [ "$cache" -lt 16 ] && cache=16
    mkdir -p "$RUN/nginx/tmp"
    while [ $try -lt 5 ]; do
        PORT=$(free_port)
        cat >"$RUN/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile $NOFILE;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/error.log warn;
events { worker_connections 1024; }
http {
    types { application/json json; application/geo+json geojson; text/plain txt; }
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    # Not larger than the descriptor limit: a full cache makes nginx answer
    # 404 for files that exist.
    open_file_cache max=$cache inactive=60s;
    open_file_cache_valid 600s;
    client_body_temp_path $RUN/nginx/tmp/body;
    proxy_temp_path $RUN/nginx/tmp/proxy;
    fastcgi_temp_path $RUN/nginx/tmp/fastcgi;
    uwsgi_temp_path $RUN/nginx/tmp/uwsgi;
    scgi_temp_path $RUN/nginx/tmp/scgi;
    gzip on;
    gzip_comp_level 1;
    gzip_min_length 64;
    gzip_vary on;
    gzip_types application/json application/geo+json;
    server {
        listen 127.0.0.1:$PORT backlog=1024;
        root $root;
        etag on;
    }
}
CONF
        "$NGINX" -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" \
            -e "$RUN/nginx/error.log" 2>>"$RUN/nginx/stderr" &
        NGINX_PID=$!
        if wait_port "$PORT" "$NGINX_PID"; then
            BASE="http://127.0.0.1:$PORT"
            export RUNSTAT_SERVER_PID=$NGINX_PID
            return 0
        fi
        stop_pid "$NGINX_PID"
        NGINX_PID=
        try=$((try + 1))
    done
    cat "$RUN/nginx/error.log" "$RUN/nginx/stderr" >&2 2>/dev/null
    die "nginx did not start"
}

stop_nginx() {
    stop_pid "$NGINX_PID"
    NGINX_PID=
    unset RUNSTAT_SERVER_PID
}

start_delay() { # ROOT MS: the delaying server; sets DELAY_PID, DBASE
    rm -f "$RUN/delay.port"
    "$PYTHON3" "$BENCH_SRC/delay-server.py" --root "$1" --delay-ms "$2" \
        --port-file "$RUN/delay.port" >/dev/null 2>>"$RUN/delay.err" &
    DELAY_PID=$!
    local i=0
    while [ ! -s "$RUN/delay.port" ] && [ $i -lt 200 ]; do
        kill -0 "$DELAY_PID" 2>/dev/null || break
        sleep 0.05
        i=$((i + 1))
    done
    [ -s "$RUN/delay.port" ] || { cat "$RUN/delay.err" >&2; die "delay server did not start"; }
    DBASE="http://127.0.0.1:$(cat "$RUN/delay.port")"
    export RUNSTAT_SERVER_PID=$DELAY_PID
}

stop_delay() {
    stop_pid "$DELAY_PID"
    DELAY_PID=
    unset RUNSTAT_SERVER_PID
}

measure() { # PHASE REP [measure.py options] -- COMMAND...
    local phase=$1 rep=$2
    shift 2
    "$PYTHON3" "$BENCH_SRC/measure.py" --runstat "$BENCH_BUILD/runstat" \
        --out "$RUNS" --phase "$phase" --rep "$rep" "$@"
}

harvest() { # PHASE REP DB BASE [C P]
    local c=${5:-$CONC} p=${6:-$PER_HOST}
    measure "$1" "$2" --stats "$3" --stacml "$STACML" --du "$3" \
        --set concurrency="$c" --set per_host="$p" -- \
        "$STACML" --db "$3" -q harvest --concurrency "$c" --per-host "$p" \
        "$4/catalog.json"
}

# curl --parallel (with --no-progress-meter: 7.67 and later) as the second
# ceiling; none without it.
if [ -n "$CURL" ]; then
    case $("$CURL" --help all 2>/dev/null) in
    *--parallel-max*--no-progress-meter* | *--no-progress-meter*--parallel-max*) ;;
    *) echo "run.sh: $CURL has no --parallel: its ceiling is left out" >&2
       CURL= ;;
    esac
fi

curl_config() { # BASE URLS OUT: a curl -K file fetching each URL to /dev/null
    # (the generated catalogs' paths hold no quote or backslash to escape)
    grep -q '["\\]' "$2" && die "$2: a path with a quote or backslash"
    awk -v base="$1" '{
        printf "url = \"%s/%s\"\noutput = \"/dev/null\"\n", base, $0
    }' "$2" >"$3"
}

curl_ceiling() { # PHASE REP CONFIG: curl --parallel over one host, so at
    # most min(C, P) transfers in flight, as for the other two
    local n=$CONC
    [ "$PER_HOST" -lt "$n" ] && n=$PER_HOST
    measure "$1" "$2" --curl-writeout --set concurrency="$CONC" \
        --set per_host="$PER_HOST" -- "$CURL" -sS --no-progress-meter --parallel \
        --parallel-max "$n" --compressed -w '%{http_code} %{size_download}\n' \
        -K "$3"
}

ceiling() { # PHASE REP BASE URLS [C P]
    local c=${5:-$CONC} p=${6:-$PER_HOST}
    measure "$1" "$2" --stdout-json --set concurrency="$c" --set per_host="$p" \
        -- "$BENCH_BUILD/fetch-ceiling" -c "$c" -p "$p" "$3" "$4"
}

queries() { # PREFIX DB SEARCH_REPS EXPORT_REPS: the searches and export
    local pre=$1 db=$2 i
    for i in $(seq 1 "$3"); do
        measure "${pre}search-task" "$i" --count-lines -- \
            "$STACML" --db "$db" search --task semantic-segmentation --format ids
        measure "${pre}search-arch" "$i" --count-lines -- \
            "$STACML" --db "$db" search --architecture unet --format ids
        if [ -n "$pre" ]; then
            measure "${pre}search-3" "$i" --count-lines -- \
                "$STACML" --db "$db" search --task semantic-segmentation \
                --architecture unet --framework pytorch --format ids
        fi
    done
    for i in $(seq 1 "$4"); do
        measure "${pre}export" "$i" -- "$STACML" --db "$db" export
    done
}

# ------------------------------------------------------------ tools
T0=$(date +%s)
log "tools"
build_tool runstat
build_tool fetch-ceiling "$(pkg-config --cflags --libs libcurl 2>/dev/null || echo -lcurl)"

# ------------------------------------------------------------ catalogs
log "catalog: $ITEMS items, depth $DEPTH, fan-out $FANOUT, models $MODEL_FRACTION, seed $SEED"
gen CAT "$ITEMS" "$DEPTH" "$FANOUT" "$MODEL_FRACTION"
MODELS_CAT=
if [ "$SEARCH_ITEMS" -gt 0 ]; then
    log "search catalog: $SEARCH_ITEMS model items"
    gen MODELS_CAT "$SEARCH_ITEMS" "$DEPTH" "$FANOUT" 1
fi
LAT_CAT=
if [ "$LAT_MS" != 0 ] && [ "$LAT_ITEMS" -gt 0 ]; then
    log "latency catalog: $LAT_ITEMS items, depth 2, fan-out 10"
    gen LAT_CAT "$LAT_ITEMS" 2 10 "$MODEL_FRACTION"
fi

# ------------------------------------------------------------ context
"$PYTHON3" - "$RUN/context.json" <<PY || die "cannot write the context"
import json, os, platform, subprocess, sys, time
def sh(*cmd):
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return r.stdout.decode(errors="replace").strip()
    except OSError:
        return None
cpu = None
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip(); break
except OSError:
    pass
mem = None
try:
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal"):
            mem = int(line.split()[1]); break
except OSError:
    pass
def meta(d):
    if not d:
        return None
    with open(os.path.join(d, "meta.json")) as f:
        m = json.load(f)
    m["path"] = d
    return m
ver = (sh("$STACML", "--version") or "").splitlines()
ctx = {
    "schema": 1,
    "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    "host": platform.node(),
    "machine": {"cpu": cpu, "nproc": os.cpu_count(),
                "nproc_available": len(os.sched_getaffinity(0)),
                "kernel": platform.release(), "arch": platform.machine(),
                "mem_total_kb": mem, "loadavg": os.getloadavg()},
    "versions": {"stacml": ver[0] if ver else None,
                 "stacml_libs": ver[1] if len(ver) > 1 else None,
                 "nginx": sh("$NGINX", "-v"),
                 "python": platform.python_version()},
    "params": {"items": $ITEMS, "depth": $DEPTH, "fanout": $FANOUT,
               "model_fraction": $MODEL_FRACTION, "seed": $SEED,
               "concurrency": $CONC, "per_host": $PER_HOST,
               "repeat": $REPEAT, "latency_ms": $LAT_MS,
               "latency_items": $LAT_ITEMS,
               "latency_sweep": [int(x) for x in "$LAT_SWEEP".split()],
               "search_items": $SEARCH_ITEMS, "quick": bool($QUICK),
               "nofile": $NOFILE},
    "catalog": meta("$CAT"),
    "models_catalog": meta("$MODELS_CAT"),
    "latency_catalog": meta("$LAT_CAT"),
}
with open(sys.argv[1], "w") as f:
    json.dump(ctx, f, indent=1)
PY

# ------------------------------------------------------------ nginx runs
start_nginx "$CAT"
log "nginx on $BASE (pid $NGINX_PID), $(wc -l <"$CAT/urls.txt") documents, $REPEAT rep(s)"
# Warm the page cache and nginx once, unmeasured.
"$BENCH_BUILD/fetch-ceiling" -c "$CONC" -p "$PER_HOST" "$BASE" "$CAT/urls.txt" >/dev/null ||
    die "the catalog cannot be fetched from nginx (see $RUN/nginx/error.log)"

[ -n "$CURL" ] && curl_config "$BASE" "$CAT/urls.txt" "$RUN/curl.cfg"
log "ceilings and harvest, interleaved"
for i in $(seq 1 "$REPEAT"); do
    ceiling ceiling "$i" "$BASE" "$CAT/urls.txt"
    [ -n "$CURL" ] && curl_ceiling ceiling-curl "$i" "$RUN/curl.cfg"
    rm -rf "$RUN/db-main"
    harvest harvest "$i" "$RUN/db-main" "$BASE"
done
log "re-harvest into the same index"
for i in $(seq 1 "$REPEAT"); do
    harvest reharvest "$i" "$RUN/db-main" "$BASE"
done
log "search and export (main index)"
queries "" "$RUN/db-main" "$REPEAT" "$REPEAT"

if [ -n "$MODELS_CAT" ]; then
    stop_nginx
    start_nginx "$MODELS_CAT"
    log "model index: harvest $SEARCH_ITEMS model items from $BASE"
    "$BENCH_BUILD/fetch-ceiling" -c "$CONC" -p "$PER_HOST" "$BASE" \
        "$MODELS_CAT/urls.txt" >/dev/null || die "cannot fetch the model catalog"
    rm -rf "$RUN/db-models"
    harvest models-harvest 1 "$RUN/db-models" "$BASE"
    log "search and export (model index)"
    n=$REPEAT
    [ "$n" -lt 5 ] && n=5
    queries models- "$RUN/db-models" "$n" "$REPEAT"
fi
stop_nginx

# ------------------------------------------------------------ latency mode
if [ -n "$LAT_CAT" ]; then
    start_delay "$LAT_CAT" "$LAT_MS"
    log "latency mode: $LAT_MS ms per response on $DBASE, per host: $LAT_SWEEP"
    for p in $LAT_SWEEP; do
        c=$CONC
        [ "$c" -lt "$p" ] && c=$p
        ceiling latency-ceiling 1 "$DBASE" "$LAT_CAT/urls.txt" "$c" "$p"
        rm -rf "$RUN/db-lat"
        harvest latency-harvest 1 "$RUN/db-lat" "$DBASE" "$c" "$p"
    done
    stop_delay
fi

# ------------------------------------------------------------ report
HOST=$(hostname -s 2>/dev/null || hostname)
OUT=$BENCH_RESULTS/$(date +%Y%m%d-%H%M%S)-$HOST-$ITEMS.json
"$PYTHON3" "$BENCH_SRC/report.py" --runs "$RUNS" --context "$RUN/context.json" \
    --out "$OUT" || die "report failed"
echo "total: $(($(date +%s) - T0)) s; raw runs: $RUNS"
