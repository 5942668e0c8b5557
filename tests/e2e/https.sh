#!/bin/bash
# SPDX-License-Identifier: MIT
# HTTPS, as nearly every public STAC catalog and API is served: nginx with
# TLS and HTTP/2 (ETag, gzip), certificates made at test time by a
# throwaway CA. A harvest trusting it (--cacert, --capath) over HTTP/2,
# its 304s, a certificate not trusted or for another name (not retried),
# --insecure, a registry and a STAC API over HTTPS, and --per-host with
# several transfers on one connection.
. "$top_srcdir/tests/e2e/lib.sh"
command -v openssl >/dev/null || skip "openssl not installed"

# A CA, and two server certificates it signs: good.pem for IP 127.0.0.1,
# other.pem for the name other.test only.
PKI="$T/pki"
mkdir -p "$PKI"
ec() { # ec KEY: a new P-256 key (quick to make, unlike RSA)
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"
}
server_cert() { # server_cert NAME SAN
    ec "$PKI/$1.key"
    openssl req -new -key "$PKI/$1.key" -subj "/CN=$1" -out "$PKI/$1.csr" &&
        printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
            "$2" >"$PKI/$1.ext" &&
        openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" \
            -CAcreateserial -days 2 -extfile "$PKI/$1.ext" -out "$PKI/$1.pem"
}
{
    ec "$PKI/ca.key" &&
        openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=stacml test CA" \
            -days 2 -out "$PKI/ca.pem" &&
        server_cert good IP:127.0.0.1 && server_cert other DNS:other.test
} >"$T/openssl.out" 2>&1 || {
    cat "$T/openssl.out"
    fail "openssl could not make the certificates"
    exit 1
}

# A delay server behind nginx for --per-host: /slow/ is proxied to it.
mkdir -p "$T/slow"
{
    printf '{"type":"Catalog","stac_version":"1.0.0","id":"slow","description":"d","links":['
    for i in $(seq 0 11); do
        [ "$i" -gt 0 ] && printf ','
        printf '{"rel":"item","href":"./i%d.json"}' "$i"
    done
    printf ']}\n'
} >"$T/slow/catalog.json"
for i in $(seq 0 11); do
    mlm_item "s$i" >"$T/slow/i$i.json"
done
printf '[{"path": "^/i[0-9]+\\\\.json$", "delay_ms": 200}]\n' >"$T/slow.json"
start_api S --static "$T/slow" --faults "$T/slow.json"

NGINX_TLS="$PKI/good.pem $PKI/good.key"
NGINX_EXTRA="location /slow/ { proxy_pass http://127.0.0.1:$S_PORT/; }"
serve_copy "$top_srcdir/seeds/examples"
WIRE="$T/nginx/wire.log"
SEED="$BASE/catalog.json"
# The models and training datasets of the same tree read from disk: what
# a harvest over HTTPS must find.
"$STACML" --db "$T/local" -q harvest "$T/www/catalog.json"
"$STACML" --db "$T/local" export | jq -r .id | LC_ALL=C sort >"$T/want.ids"
"$STACML" --db "$T/local" export --datasets | jq -r .url |
    sed "s|^file://$T/www/|/|" | LC_ALL=C sort >"$T/want.datasets"
check "the tree holds models" test -s "$T/want.ids"
check "the tree holds training datasets" test -s "$T/want.datasets"

# handshakes: connections nginx accepted since the last call (the first
# prints nothing). Each access_log_settle marker comes on a connection of
# its own, and nginx numbers its connections in order ($connection, one
# process), those that failed their handshake and logged nothing too.
handshakes() {
    access_log_settle
    local now
    now=$(awk '{n = $2} END {print n + 0}' "$T/nginx/settle.log")
    [ -s "$T/last-conn" ] && echo $((now - $(cat "$T/last-conn") - 1))
    echo "$now" >"$T/last-conn"
}

# ids DB: the model ids of the index, sorted.
ids() { "$STACML" --db "$1" export | jq -r .id | LC_ALL=C sort; }
# datasets DB: the paths of the training datasets of the index, sorted.
datasets() {
    "$STACML" --db "$1" export --datasets | jq -r .url | sed "s|^$BASE/|/|" |
        LC_ALL=C sort
}

# --cacert: the certificate verified, every model and training dataset
# (the models' follow-up links) harvested, with https URLs, over HTTP/2.
: >"$WIRE"
"$STACML" --db "$T/ca" harvest --cacert "$PKI/ca.pem" "$SEED" >"$T/ca.out" 2>"$T/ca.err"
check_eq "--cacert: exit 0" "$?" 0
check_diff "--cacert: the models of the tree" <(ids "$T/ca") "$T/want.ids"
check_diff "--cacert: its training datasets" <(datasets "$T/ca") "$T/want.datasets"
check "--cacert: https URLs" sh -c "'$STACML' --db '$T/ca' export |
    jq -e -s --arg b '$BASE/' 'length > 0 and all(.[]; .url | startswith(\$b))'"
check "--cacert: no --insecure warning" sh -c "! grep -q insecure '$T/ca.err'"
check "--cacert: the summary names it" sh -c "'$STACML' --db '$T/ca' stats --format json |
    jq -e --arg f '$PKI/ca.pem' '.last_harvest | .cacert == \$f and .capath == null and .insecure == false'"
access_log_settle
n_wire=$(wc -l <"$WIRE")
check "--cacert: documents fetched ($n_wire)" test "$n_wire" -ge 12
check_eq "--cacert: every request over HTTP/2" "$(awk '{print $1}' "$WIRE" | sort -u)" "HTTP/2.0"
check "--cacert: gzip negotiated over HTTP/2" \
    sh -c "grep ' /catalog.json ' '$T/nginx/access.log' | grep -q gzip"

# Unchanged: 304s over TLS, and the records kept.
: >"$WIRE"
"$STACML" --db "$T/ca" -q harvest --cacert "$PKI/ca.pem" "$SEED"
check_eq "re-harvest: exit 0" "$?" 0
access_log_settle
check_eq "re-harvest: only 304s, over HTTP/2" \
    "$(grep -v ' /robots.txt ' "$WIRE" | awk '{print $1, $6}' | sort -u)" "HTTP/2.0 304"
check_eq "re-harvest: every document asked" "$(grep -vc ' /robots.txt ' "$WIRE")" \
    "$((n_wire - 1))"
check_diff "re-harvest: the records kept" <(ids "$T/ca") "$T/want.ids"

# --capath: a directory of CA certificates named by their hash.
mkdir -p "$T/capath"
cp "$PKI/ca.pem" "$T/capath/$(openssl x509 -hash -noout -in "$PKI/ca.pem").0"
"$STACML" --db "$T/cp" -q harvest --capath "$T/capath" "$SEED"
check_eq "--capath: exit 0" "$?" 0
check_diff "--capath: the models of the tree" <(ids "$T/cp") "$T/want.ids"

# The commonest way onto HTTPS: an http seed that redirects there. The
# records are of the https URLs; untrusted, the target's failure is said.
mkdir -p "$T/empty"
printf '[{"path": "^/catalog.json$", "status": 301, "redirect": "%s"}]\n' "$SEED" \
    >"$T/up.json"
start_api U --static "$T/empty" --faults "$T/up.json"
"$STACML" --db "$T/up" -q harvest --cacert "$PKI/ca.pem" "${U_URL}catalog.json"
check_eq "http seed redirected to https: exit 0" "$?" 0
check_diff "http seed redirected to https: the models" <(ids "$T/up") "$T/want.ids"
check "http seed redirected to https: https URLs" sh -c "'$STACML' --db '$T/up' export |
    jq -e -s --arg b '$BASE/' 'length > 0 and all(.[]; .url | startswith(\$b))'"
"$STACML" --db "$T/up-no" harvest "${U_URL}catalog.json" >/dev/null 2>"$T/up-no.err"
check_eq "http seed redirected to an untrusted https: exit 3" "$?" 3
check "http seed redirected to an untrusted https: the target's failure said" \
    grep -q "failed: $SEED: SSL certificate problem" "$T/up-no.err"

# A robots.txt that redirects to an untrusted https host: the failure
# is the other host's, and robots.txt is then unreachable (RFC 9309:
# disallow all), which is what the documents of its own host say.
mkdir -p "$T/site-r"
cp "$T/www/catalog.json" "$T/site-r/"
printf '[{"path": "^/robots.txt$", "status": 301, "redirect": "%s/robots.txt"}]\n' "$BASE" \
    >"$T/rr.json"
start_api RR --static "$T/site-r" --faults "$T/rr.json"
"$STACML" --db "$T/rr" harvest "${RR_URL}catalog.json" >/dev/null 2>"$T/rr.err"
check_eq "robots.txt redirected to an untrusted host: exit 3" "$?" 3
check "robots.txt redirected to an untrusted host: a robots.txt matter" grep -q \
    "failed: ${RR_URL}catalog.json: not fetched: robots.txt unreachable (SSL certificate problem" \
    "$T/rr.err"

# A bad --cacert or --capath is a usage error, said with the option and
# the path, before anything is fetched.
bad_path() { # bad_path WHAT OPTION PATH REASON
    "$STACML" --db "$T/bad" harvest "--$2" "$3" "$SEED" >/dev/null 2>"$T/bad.err"
    check_eq "$1: exit 2" "$?" 2
    check "$1: said" grep -qF "stacml harvest: cannot use --$2 $3: $4" "$T/bad.err"
}
bad_path "--cacert missing" cacert "$T/nope.pem" "No such file or directory"
bad_path "--cacert a directory" cacert "$T/capath" "a directory"
bad_path "--capath missing" capath "$T/nope" "No such file or directory"
bad_path "--capath a file" capath "$PKI/ca.pem" "not a directory"
if [ "$(id -u)" -ne 0 ]; then # root reads any file
    cp "$PKI/ca.pem" "$T/locked.pem"
    chmod 000 "$T/locked.pem"
    bad_path "--cacert unreadable" cacert "$T/locked.pem" "Permission denied"
fi
check "bad paths: no index made" test ! -e "$T/bad/data.mdb"
# A CA file that reads but holds no certificate: libcurl's words for it,
# for every document alike, and not retried.
echo "no certificate here" >"$T/junk.pem"
"$STACML" --db "$T/junk" harvest -v --cacert "$T/junk.pem" "$SEED" >/dev/null 2>"$T/junk.err"
check_eq "--cacert of no PEM: exit 3" "$?" 3
check "--cacert of no PEM: the file named" \
    grep -q "failed: $SEED: error setting certificate file: $T/junk.pem" "$T/junk.err"
check "--cacert of no PEM: not retried" sh -c "! grep -qi retr '$T/junk.err'"
check "harvest --help names --cacert and --capath" sh -c "
    '$STACML' harvest --help | grep -q '^  --cacert FILE ' &&
    '$STACML' harvest --help | grep -q '^  --capath DIR '"

# Not trusted: the seed fails, nothing harvested (3), and the message says
# why and where.
handshakes
"$STACML" --db "$T/no" harvest --ignore-robots -v "$SEED" >"$T/no.out" 2>"$T/no.err"
check_eq "untrusted certificate: exit 3 (nothing harvested)" "$?" 3
check "untrusted certificate: named, with the URL" \
    grep -q "failed: $SEED: SSL certificate problem: unable to get local issuer certificate" "$T/no.err"
check_eq "untrusted certificate: nothing indexed" "$(ids "$T/no")" ""
# A certificate the next try would meet again is not tried again (with
# the default --retries 3, four handshakes).
check_eq "untrusted certificate: one handshake, no retry" "$(handshakes)" 1
check "untrusted certificate: no retry said" sh -c "! grep -qi retr '$T/no.err'"
# Nor is robots.txt's, which comes first.
"$STACML" --db "$T/no2" harvest "$SEED" >"$T/no2.out" 2>"$T/no2.err"
check_eq "untrusted certificate, robots.txt first: exit 3" "$?" 3
# robots.txt failed the same way, which is no matter of robots.txt: the
# seed says the certificate problem, not a block by robots.txt.
check "untrusted certificate, robots.txt first: the seed names the certificate problem" \
    grep -qx "  failed: $SEED: SSL certificate problem: unable to get local issuer certificate" \
    "$T/no2.err"
check "untrusted certificate, robots.txt first: not blamed on robots.txt" \
    sh -c "! grep -Eq 'ignore-robots|refused by robots|disallow' '$T/no2.err'"
check_eq "untrusted certificate, robots.txt first: one handshake" "$(handshakes)" 1

# A handshake cut short is a transport error, tried again: a server that
# answers each ClientHello by closing the connection, in turn with a FIN
# (libcurl: an SSL connect error) and a TCP RST (a receive error),
# counting them.
"${PYTHON3:-python3}" - "$T/reset" <<'PY' &
import socket, struct, sys, os
base = sys.argv[1]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
with open(base + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(base + ".tmp", base + ".port")
n = 0
while True:
    c, _ = s.accept()
    c.recv(4096)  # the ClientHello
    n += 1
    with open(base + ".count", "w") as f:
        f.write(str(n))
    if n % 2 == 0:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
PY
API_PIDS="$API_PIDS $!" # stopped with the API servers
i=0
while [ ! -s "$T/reset.port" ] && [ $i -lt 200 ]; do
    sleep 0.05
    i=$((i + 1))
done
"$STACML" --db "$T/rst" harvest --ignore-robots --retries 2 --retry-delay 1 \
    "https://127.0.0.1:$(cat "$T/reset.port")/catalog.json" >/dev/null 2>"$T/rst.err"
check_eq "handshake cut: exit 3" "$?" 3
check_eq "handshake cut by a close, then a reset: tried again, --retries 2" \
    "$(cat "$T/reset.count")" 3

# A registry over HTTPS, read with --cacert or --insecure like everything
# else: then its source surveyed and harvested. Not trusted, it is a usage error (2)
# that says why, as a seed's failure does.
printf '[{"id": 1, "url": "%s", "access": "public", "isApi": false}]\n' "$SEED" \
    >"$T/www/registry.json"
"$STACML" --db "$T/reg-no" harvest --registry "$BASE/registry.json" \
    >"$T/reg-no.out" 2>"$T/reg-no.err"
check_eq "registry, untrusted certificate: exit 2" "$?" 2
check "registry, untrusted certificate: named, with the URL" grep -q \
    "cannot read registry $BASE/registry.json: SSL certificate problem: unable to get local issuer certificate" \
    "$T/reg-no.err"
"$STACML" --db "$T/reg-ca" harvest --cacert "$PKI/ca.pem" --registry "$BASE/registry.json" \
    >"$T/reg-ca.out" 2>"$T/reg-ca.err"
check_eq "registry, --cacert: exit 0" "$?" 0
check_diff "registry, --cacert: the source's models" <(ids "$T/reg-ca") "$T/want.ids"
"$STACML" --db "$T/reg-k" harvest --insecure --registry "$BASE/registry.json" \
    >"$T/reg-k.out" 2>"$T/reg-k.err"
check_eq "registry, --insecure: exit 0" "$?" 0
check_diff "registry, --insecure: the source's models" <(ids "$T/reg-k") "$T/want.ids"

# --per-host 2 over HTTP/2: transfers share a connection, and the host
# still has at most two in flight. Counted where they arrive, at the delay
# server (nginx opens one upstream connection a request), each taking
# 200 ms: one at a time would not overlap, three at once would show.
curl -s "http://127.0.0.1:$S_PORT/__stats?reset=1" >/dev/null
: >"$WIRE"
"$STACML" --db "$T/slow-db" -q harvest --cacert "$PKI/ca.pem" --per-host 2 --concurrency 16 \
    "$BASE/slow/catalog.json"
check_eq "--per-host 2: exit 0" "$?" 0
check_eq "--per-host 2: every model" "$(ids "$T/slow-db" | wc -l)" 12
max=$(curl -s "http://127.0.0.1:$S_PORT/__stats" | jq .max_concurrent)
check "--per-host 2: at most 2 in flight, and in parallel (max $max)" \
    test "$max" -eq 2
access_log_settle
conns=$(awk '$8 ~ /^\/slow\/i/ {print $2}' "$WIRE" | sort -u | wc -l)
check "--per-host 2: the items came over one HTTP/2 connection ($conns)" \
    test "$conns" -eq 1

# A STAC API over HTTPS: the fixture API behind nginx, which speaks TLS
# and HTTP/2 to stacml and tells the API so (its links are then https).
# Its pages, searches and items are fetched trusting --cacert.
start_api A --world "$top_srcdir/tests/fixtures/api/small.json"
stop_nginx
NGINX_EXTRA="location / { proxy_pass http://127.0.0.1:$A_PORT;
    proxy_set_header Host \$http_host; proxy_set_header X-Forwarded-Proto https; }"
mkdir -p "$T/api-www"
serve_dir "$T/api-www"
: >"$WIRE"
"$STACML" --db "$T/api-plain" -q harvest "$A_URL"
"$STACML" --db "$T/api-ca" harvest --cacert "$PKI/ca.pem" "$BASE/" >/dev/null 2>"$T/api-ca.err"
check_eq "API over HTTPS, --cacert: exit 0" "$?" 0
check "API over HTTPS: models found" test "$(ids "$T/api-ca" | wc -l)" -gt 0
check_diff "API over HTTPS: the models it serves over HTTP" <(ids "$T/api-ca") <(ids "$T/api-plain")
check "API over HTTPS: https URLs" sh -c "'$STACML' --db '$T/api-ca' export |
    jq -e -s --arg b '$BASE/' 'length > 0 and all(.[]; .url | startswith(\$b))'"
access_log_settle
check "API over HTTPS: pages and searches over HTTP/2" sh -c "
    grep -Eq '^HTTP/2.0 [0-9]+ [0-9]+ [0-9.]+ [0-9.]+ 200 (GET|POST) /(search|collections)' '$WIRE' &&
    ! grep -v '^HTTP/2.0 ' '$WIRE' | grep -q ."

# A certificate for another name, other.test: the CA trusted, the name
# not, which the failure says, once (not retried).
stop_nginx
rm -f "$T/last-conn"
NGINX_TLS="$PKI/other.pem $PKI/other.key"
NGINX_EXTRA=
serve_dir "$T/www"
SEED="$BASE/catalog.json"
handshakes
"$STACML" --db "$T/name" harvest --cacert "$PKI/ca.pem" "$SEED" >"$T/name.out" 2>"$T/name.err"
check_eq "name mismatch: exit 3" "$?" 3
check "name mismatch: the name said, with the URL" grep -qE \
    "failed: $SEED: .*(subject name|host name).*'127.0.0.1'" "$T/name.err"
check_eq "name mismatch: one handshake, no retry" "$(handshakes)" 1

# --insecure: harvested all the same, and said.
"$STACML" --db "$T/k" harvest --insecure "$SEED" >"$T/k.out" 2>"$T/k.err"
check_eq "--insecure: exit 0" "$?" 0
check "--insecure: the warning" \
    grep -q "^stacml: warning: TLS certificates were not verified (--insecure)" "$T/k.err"
check_diff "--insecure: the models of the tree" <(ids "$T/k") "$T/want.ids"
check "--insecure: https URLs" sh -c "'$STACML' --db '$T/k' export |
    jq -e -s --arg b '$BASE/' 'length > 0 and all(.[]; .url | startswith(\$b))'"
check "--insecure: the summary says so" sh -c "'$STACML' --db '$T/k' stats --format json |
    jq -e '.last_harvest.insecure == true'"

e2e_finish
