#!/bin/bash
# SPDX-License-Identifier: MIT
# --no-private through a proxy: the proxy's own address (here loopback,
# as a corporate proxy's is often private) is the user's choice and not
# refused; the target's host is judged instead: an address literal that
# is private, or localhost, is refused before any request is sent. A
# name is the proxy's to resolve. The proxy below answers for the name
# models.example itself and never connects out: nothing leaves loopback.
. "$top_srcdir/tests/e2e/lib.sh"
[ -n "${PYTHON3:-}" ] || PYTHON3=$(command -v python3) || skip "python3 not installed"

W="$T/www"
mkdir -p "$W"
jq -cn '{type: "Catalog", stac_version: "1.0.0", id: "p", description: "d",
    links: [{rel: "item", href: "./m0.json"}]}' >"$W/catalog.json"
mlm_item m0 >"$W/m0.json"
start_api L --static "$W"

# A forward proxy that serves http://models.example/ from $W, answers 502
# for any other host, and logs every request line it gets.
"$PYTHON3" - "$W" "$T/proxy.port" "$T/proxy.log" <<'PY' 2>"$T/proxy.err" &
import http.server, os, sys, urllib.parse
root, port_file, log = sys.argv[1:4]
class Proxy(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(log, "a") as f:
            f.write(self.path + "\n")
        u = urllib.parse.urlsplit(self.path)
        path = os.path.join(root, u.path.lstrip("/"))
        if u.hostname != "models.example":
            self.send_error(502, "this proxy connects nowhere")
        elif u.path.endswith(".json") and os.path.isfile(path):
            body = open(path, "rb").read()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
with open(port_file + ".tmp", "w") as f:
    f.write("%d\n" % s.server_address[1])
os.rename(port_file + ".tmp", port_file)
s.serve_forever()
PY
API_PIDS="$API_PIDS $!"
i=0
while [ ! -s "$T/proxy.port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$T/proxy.port" ] || { cat "$T/proxy.err"; fail "the proxy did not start"; exit 1; }
: >>"$T/proxy.log"
P="http://127.0.0.1:$(cat "$T/proxy.port")"
export http_proxy=$P https_proxy=$P all_proxy=$P no_proxy=

harvest() { "$STACML" --db "$T/$1" -q harvest --no-private "$2"; }
# reason DB: why the last run's first failure failed.
reason() { "$STACML" --db "$T/$1" runs --format json | jq -r '.[-1].failures[0].reason'; }
refused() { reason "$1" | grep -qF "refused: a private or loopback address (--no-private)"; }
harvest pub http://models.example/catalog.json
check_eq "a public name through a loopback proxy: exit 0" "$?" 0
check_eq "a public name through a loopback proxy: its model" \
    "$("$STACML" --db "$T/pub" export | jq -r .id)" m0
check "the proxy served it" grep -qx "http://models.example/m0.json" "$T/proxy.log"

harvest lit "${L_URL}catalog.json"
check_eq "a loopback address through the proxy: exit 3 (refused)" "$?" 3
check "a loopback address through the proxy: refused as private" refused lit
n=0
for h in localhost localhost. 10.1.2.3 127.0.0.1. '[::1]' 127.1; do
    n=$((n + 1))
    harvest "h$n" "http://$h:8080/catalog.json"
    check_eq "$h through the proxy: exit 3 (refused)" "$?" 3
    check "$h through the proxy: refused as private" refused "h$n"
done
check "no request for a private host reached the proxy" \
    sh -c "! grep -v '^http://models.example/' '$T/proxy.log'"
check_eq "nothing reached the loopback server" "$(requests "$L_LOG")" 0

# A host no_proxy exempts is connected to directly, and its address is
# checked as without a proxy.
no_proxy=127.0.0.0/8 harvest np "${L_URL}catalog.json"
check_eq "a loopback address exempt from the proxy: exit 3 (refused)" "$?" 3
check "a loopback address exempt from the proxy: refused as private" refused np
check_eq "still nothing reached the loopback server" "$(requests "$L_LOG")" 0
e2e_finish
