#!/bin/bash
# SPDX-License-Identifier: MIT
# harvest --registry URL: the registry is fetched with the options of every
# other request of the harvest: --no-private, --timeout, --stall-timeout,
# --max-doc-size, --netrc, and --header for the registry's own host when
# --header-host names it (never across a redirect to another host).
. "$top_srcdir/tests/e2e/lib.sh"
mkdir -p "$T/reg"
echo '[]' >"$T/reg/empty.json"
# A registry large enough for a small --max-doc-size: 40 entries.
jq -n '[range(40) | {id: ., url: "http://127.0.0.1:9/c\(.)/catalog.json",
                      access: "private", title: "padding padding padding"}]' \
    >"$T/reg/big.json"
start_api Q --host 127.0.0.2 --static "$T/reg"
cat >"$T/faults.json" <<JSON
[{"path": "^/stall\\\\.json\$", "stall_after_bytes": 1},
 {"path": "^/moved\\\\.json\$", "redirect": "http://127.0.0.2:$Q_PORT/empty.json"}]
JSON
start_api R --static "$T/reg" --faults "$T/faults.json"
R="http://127.0.0.1:$R_PORT"
header_of() { # LOG PATH NAME: the NAME headers the server got for PATH
    jq -r --arg p "$2" --arg h "$3" 'select(.path == $p) | .headers[$h] // "none"' "$1"
}
auth_of() { header_of "$1" "$2" Authorization; }

# --no-private: a registry on a loopback address is refused as such, and
# the redirect it would give is not followed.
"$STACML" --db "$T/np" harvest --no-private --registry "$R/moved.json" 2>"$T/np.err"
check_eq "--no-private: the registry is not read" "$?" 2
check "--no-private: the reason is said" \
    grep -q "cannot read registry $R/moved.json: refused: a private or loopback address (--no-private)" "$T/np.err"
check_eq "--no-private: nothing asked of the registry" "$(requests "$R_LOG" moved)" 0
check_eq "--no-private: nothing asked of the redirect's target" "$(requests "$Q_LOG")" 0
# Without it, the same redirect is followed.
n=$(requests "$Q_LOG" empty)
"$STACML" --db "$T/np2" -q harvest --registry "$R/moved.json" 2>"$T/np2.err"
check_eq "a registry redirected to 127.0.0.2: read" "$?" 0
check_eq "a registry redirected to 127.0.0.2: fetched there" "$(requests "$Q_LOG" empty)" $((n + 1))

# --timeout and --stall-timeout bound the registry's transfer (libcurl's
# fixed two minutes did before).
SECONDS=0
timeout 60 "$STACML" --db "$T/to" harvest --timeout 1 --registry "$R/stall.json" 2>"$T/to.err"
check_eq "--timeout 1: the registry is not read" "$?" 2
check "--timeout 1: timed out" grep -q "cannot read registry $R/stall.json: .*timed out" "$T/to.err"
check "--timeout 1: within seconds" test "$SECONDS" -lt 15
SECONDS=0
timeout 60 "$STACML" --db "$T/st" harvest --stall-timeout 1 --registry "$R/stall.json" 2>"$T/st.err"
check_eq "--stall-timeout 1: the registry is not read" "$?" 2
check "--stall-timeout 1: stalled" \
    grep -q "cannot read registry $R/stall.json: stalled: no data for 1 s (--stall-timeout)" "$T/st.err"
check "--stall-timeout 1: within seconds" test "$SECONDS" -lt 15

# --max-doc-size bounds a registry, fetched or read from a file; without
# it a registry has its own bound (32 MiB, see discover.sh).
size=$(stat -c %s "$T/reg/big.json")
"$STACML" --db "$T/ms" harvest --max-doc-size 2K --registry "$R/big.json" 2>"$T/ms.err"
check_eq "--max-doc-size 2K: a registry of $size bytes is not read" "$?" 2
check "--max-doc-size 2K: said too large" \
    grep -q "cannot read registry $R/big.json: larger than 2048 bytes" "$T/ms.err"
"$STACML" --db "$T/ms2" harvest --max-doc-size 2K --registry "$T/reg/big.json" 2>"$T/ms2.err"
check_eq "--max-doc-size 2K: a registry file of $size bytes is not read" "$?" 2
check "--max-doc-size 2K: the file said too large" grep -q "larger than 2048 bytes" "$T/ms2.err"
"$STACML" --db "$T/ms3" -q harvest --registry "$R/big.json" 2>"$T/ms3.err"
check_eq "no --max-doc-size: the registry is read" "$?" 0

# --header goes to the registry's host when --header-host names it, and
# not otherwise; never to the host a redirect leads to.
"$STACML" --db "$T/h1" -q harvest --header "Authorization: Bearer s3cret" \
    --header-host "127.0.0.1:$R_PORT" --registry "$R/empty.json"
check_eq "--header-host names the registry's host: credentials sent" \
    "$(auth_of "$R_LOG" /empty.json)" "Bearer s3cret"
# libcurl itself drops an Authorization on a redirect to another host,
# not the other headers: X-Next is one the fixture logs.
"$STACML" --db "$T/h2" -q harvest --header "Authorization: Bearer s3cret" \
    --header "X-Next: s3cret" --header-host "127.0.0.1:$R_PORT" \
    --registry "$R/moved.json"
check_eq "credentials sent to the registry that redirects" \
    "$(header_of "$R_LOG" /moved.json X-Next | tail -n 1)" s3cret
check_eq "credentials not sent across the redirect to another host" \
    "$(auth_of "$Q_LOG" /empty.json | tail -n 1)" none
check_eq "credentials not sent across the redirect to another host (X-Next)" \
    "$(header_of "$Q_LOG" /empty.json X-Next | tail -n 1)" none
: >"$R_LOG"
"$STACML" --db "$T/h3" -q harvest --header "Authorization: Bearer s3cret" \
    --header-host "127.0.0.2:$Q_PORT" --registry "$R/empty.json" 2>/dev/null
check_eq "--header-host names another host: no credentials to the registry" \
    "$(auth_of "$R_LOG" /empty.json)" none
: >"$R_LOG"
"$STACML" --db "$T/h4" -q harvest --header "Authorization: Bearer s3cret" \
    --registry "$R/empty.json" 2>/dev/null
check_eq "no --header-host, no seed: no credentials to the registry" \
    "$(auth_of "$R_LOG" /empty.json)" none

# --netrc: the registry's host's credentials from ~/.netrc.
mkdir -p "$T/home"
printf 'machine 127.0.0.1 login reg password pw\n' >"$T/home/.netrc"
chmod 600 "$T/home/.netrc"
: >"$R_LOG"
HOME="$T/home" "$STACML" --db "$T/n1" -q harvest --netrc --registry "$R/empty.json"
check_eq "--netrc: the registry's credentials sent" \
    "$(auth_of "$R_LOG" /empty.json)" "Basic $(printf reg:pw | base64)"
: >"$R_LOG"
HOME="$T/home" "$STACML" --db "$T/n2" -q harvest --registry "$R/empty.json"
check_eq "no --netrc: none sent" "$(auth_of "$R_LOG" /empty.json)" none

e2e_finish
