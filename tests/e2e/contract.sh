#!/bin/bash
# SPDX-License-Identifier: MIT
# The contracts of issues 2-4 that no other test holds: what an exported
# model line may contain, search words and filters, the reasons given for
# seeds and local documents that cannot be read, and command lines that
# used to be taken silently (or hang a harvest, or keep a password) where
# they must be a clear error with its exit status.
. "$top_srcdir/tests/e2e/lib.sh"

status() { "$@" >"$T/o" 2>"$T/e"; echo $?; }
MLM='"https://stac-extensions.github.io/mlm/v1.4.0/schema.json"'

# stac_type of a model line is "Item" or "Collection" (issue 2): the
# model extensions apply to Items and Collections, and a Catalog that
# declares one speaks for its children, which stay models as ever.
mkdir -p "$T/cat"
cat >"$T/cat/catalog.json" <<JSON
{"type": "Catalog", "stac_version": "1.0.0", "id": "root", "description": "d",
 "stac_extensions": [$MLM], "mlm:name": "not a model",
 "links": [{"rel": "item", "href": "item.json"}, {"rel": "child", "href": "coll.json"}]}
JSON
cat >"$T/cat/item.json" <<JSON
{"type": "Feature", "stac_version": "1.0.0", "id": "item-model",
 "stac_extensions": [$MLM], "geometry": null,
 "properties": {"datetime": null, "mlm:name": "item model"},
 "links": [{"rel": "derived_from", "href": "data/catalog.json"}], "assets": {}}
JSON
cat >"$T/cat/coll.json" <<JSON
{"type": "Collection", "stac_version": "1.0.0", "id": "coll-model",
 "description": "d", "license": "MIT", "stac_extensions": [$MLM],
 "extent": {"spatial": {"bbox": [[0, 0, 1, 1]]}, "temporal": {"interval": [[null, null]]}},
 "mlm:name": "collection model", "links": []}
JSON
# A training link to a Catalog that declares mlm: a dataset, not a model.
mkdir -p "$T/cat/data"
cat >"$T/cat/data/catalog.json" <<JSON
{"type": "Catalog", "stac_version": "1.0.0", "id": "data", "description": "d",
 "stac_extensions": [$MLM], "links": []}
JSON
check_eq "harvest a catalog that declares mlm" \
    "$(status "$STACML" --db "$T/db" -q harvest "$T/cat")" 0
check_eq "models: the Item and the Collection, not the Catalogs" \
    "$("$STACML" --db "$T/db" export | jq -r '"\(.id) \(.stac_type)"' | sort | tr '\n' ,)" \
    "coll-model Collection,item-model Item,"
check_eq "every model line's stac_type is Item or Collection" \
    "$("$STACML" --db "$T/db" export | jq -r .stac_type | sort -u | tr '\n' ,)" \
    "Collection,Item,"
check_eq "the Catalog a model is trained on is a dataset" \
    "$("$STACML" --db "$T/db" export --datasets | jq -r '"\(.id) \(.models[0].url)"')" \
    "data file://$T/cat/item.json"
check_eq "show of the root Catalog's id finds no model" \
    "$(status "$STACML" --db "$T/db" show root)" 1

# The id is a string even when the document has a number (issue 2), and
# the same string wherever it shows: a real such as 1000.0 was exported
# as "1e+03" (and keyed "{page}#1e+03") while the record's name, from the
# same id, said "1000"; `show 1000` found nothing.
mkdir -p "$T/num"
num_item() {
    cat <<JSON
{"type": "Feature", "stac_version": "1.0.0", "id": $1,
 "stac_extensions": ["https://stac-extensions.github.io/ml-model/v1.0.0/schema.json"],
 "geometry": null, "properties": {"datetime": null, "ml-model:architecture": "n$1"},
 "links": [], "assets": {}}
JSON
}
cat >"$T/num/collection.json" <<'JSON'
{"type": "Collection", "stac_version": "1.0.0", "id": "num", "description": "d",
 "license": "MIT", "extent": {"spatial": {"bbox": [[0, 0, 1, 1]]},
 "temporal": {"interval": [[null, null]]}},
 "links": [{"rel": "item", "href": "a.json"}, {"rel": "item", "href": "b.json"},
           {"rel": "item", "href": "c.json"},
           {"rel": "items", "href": "items.json", "type": "application/geo+json"}]}
JSON
num_item 1000.0 >"$T/num/a.json"
num_item 1.5 >"$T/num/b.json"
num_item 12345 >"$T/num/c.json"
printf '{"type": "FeatureCollection", "links": [], "features": [%s]}\n' \
    "$(num_item 3e3)" >"$T/num/items.json"
check_eq "harvest models with numeric ids" \
    "$(status "$STACML" --db "$T/ndb" -q harvest "$T/num")" 0
check_eq "numeric ids exported as strings, as written in decimal" \
    "$("$STACML" --db "$T/ndb" export | jq -r '"\(.id|type) \(.id)"' | sort | tr '\n' ,)" \
    "string 1.5,string 1000,string 12345,string 3000,"
check_eq "a numeric id and the name made of it say the same" \
    "$("$STACML" --db "$T/ndb" export | jq -r 'select(.id != .name) | .id')" ""
check_eq "show by a real id as exported" \
    "$(status "$STACML" --db "$T/ndb" show 1000)" 0
check "show by a real id: that record" jq -e '.stac.id == 1000' "$T/o"
check_eq "a page's feature with a real id: keyed by the same text" \
    "$("$STACML" --db "$T/ndb" search --format ids 3000 | cut -f2)" \
    "file://$T/num/items.json#3000"

# Reals come out as the document wrote them: "%.17g" wrote the bbox
# [172.53, -43.58] of every record and of its stac as
# [172.53,-43.579999999999998], in export, search --format json and show.
mkdir -p "$T/real"
cat >"$T/real/item.json" <<JSON
{"type": "Feature", "stac_version": "1.0.0", "id": "reals", "stac_extensions": [$MLM],
 "bbox": [172.53, -43.58, 172.72, -43.46], "geometry": null,
 "properties": {"datetime": null, "mlm:name": "reals", "mlm:total_parameters": 1000,
  "mlm:input": [{"name": "x", "bands": [], "input": {"shape": [-1, 3, 64, 64],
   "dim_order": ["batch", "bands", "height", "width"], "data_type": "float32"},
   "value_scaling": [{"type": "scale", "value": 0.1}, {"type": "offset", "value": 1.0},
                     {"type": "scale", "value": 0.30000000000000004}]}]},
 "links": [], "assets": {}}
JSON
check_eq "harvest an item with reals" \
    "$(status "$STACML" --db "$T/realdb" -q harvest "$T/real/item.json")" 0
BBOX='\[172.53,-43.58,172.72,-43.46\]'
check_eq "export: the bbox as written, twice (record and stac)" \
    "$("$STACML" --db "$T/realdb" export | grep -o "\"bbox\":$BBOX" | wc -l)" 2
check_eq "export: 0.1 as 0.1, 1.0 as 1.0, a real that needs 17 digits whole" \
    "$("$STACML" --db "$T/realdb" export | grep -oE '"value":[0-9.]+' | sort -u | tr '\n' ' ')" \
    '"value":0.1 "value":0.30000000000000004 "value":1.0 '
check_eq "search --format json: the bbox as written" \
    "$("$STACML" --db "$T/realdb" search --format json | grep -c "\"bbox\":$BBOX")" 1
check_eq "show: the bbox as written" \
    "$("$STACML" --db "$T/realdb" show reals | tr -d ' \n' | grep -o "\"bbox\":$BBOX" | wc -l)" 2
check "show: the same record as export" sh -c \
    "'$STACML' --db '$T/realdb' show reals | jq -cS . >'$T/show.json' &&
     '$STACML' --db '$T/realdb' export | jq -cS . | cmp -s - '$T/show.json'"

# Filters combine, each with one value (issue 3): a filter given twice
# kept the last value alone, without a word, and an empty one (or one
# that folds to nothing) matched nothing, as if no model were indexed.
for fv in task=x framework=x architecture=x extension=mlm bbox=0,0,1,1 \
    datetime=2020-01-01T00:00:00Z trained-on=x source=x; do
    f=${fv%%=*}
    check_eq "search --$f given twice refused" \
        "$(status "$STACML" --db "$T/db" search "--$fv" "--$fv")" 2
    check "search --$f twice: said so" grep -q -- "--$f given twice" "$T/e"
done
check_eq "export --source given twice refused" \
    "$(status "$STACML" --db "$T/db" export --datasets --source x --source y)" 2
for f in task framework architecture trained-on source; do
    for c in search export; do
        check_eq "$c --$f '' refused" "$(status "$STACML" --db "$T/db" $c --$f '')" 2
        check "$c --$f '': said so" grep -q -- "--$f '' names nothing" "$T/e"
    done
done
check_eq "search --architecture '-' refused" \
    "$(status "$STACML" --db "$T/db" search --architecture -)" 2
check_eq "search --task ' _ ' refused" "$(status "$STACML" --db "$T/db" search --task ' _ ')" 2
check_eq "search --task once still taken" \
    "$(status "$STACML" --db "$T/db" search --task x --framework y --format ids)" 0

# --datetime is an RFC 3339 instant: a day past its month's end is no
# date, where it used to be searched as a day of the next month.
for d in 2020-02-30T00:00:00Z 2021-02-29 2020-04-31T12:00:00Z/..; do
    check_eq "search --datetime $d refused" \
        "$(status "$STACML" --db "$T/db" search --datetime "$d")" 2
    check "search --datetime $d: said so" grep -q "invalid --datetime '$d'" "$T/e"
done
check_eq "search --datetime 2020-02-29 taken" \
    "$(status "$STACML" --db "$T/db" search --datetime 2020-02-29T00:00:00Z)" 0

# A local seed that names no file to read is a bad seed (exit 2), said
# with its reason, whether given as a path or as its file:// URL: the URL
# of a missing file used to be a failed harvest (exit 3), and a loop of
# links, a file taken for a directory or a file we may not read were all
# "no such file" (or libcurl's "Couldn't open file").
ln -s loop-b "$T/loop-a"
ln -s loop-a "$T/loop-b"
: >"$T/afile"
for s in "$T/nothing.json" "$T/loop-a" "$T/afile/catalog.json"; do
    for form in "$s" "file://$s"; do
        check_eq "seed $form: exit 2" \
            "$(status "$STACML" --db "$T/sdb" harvest "$form")" 2
        case $s in
        *nothing*) why="no such file" ;;
        *loop*) why="Too many levels of symbolic links" ;;
        *) why="Not a directory" ;;
        esac
        check "seed $form: says $why" grep -qF "bad seed '$form': $why" "$T/e"
    done
done
# A missing path that reads as a URL without its scheme says so; one
# that reads as a path does not.
for s in example.com/catalog.json 127.0.0.1:8080/x.json 127.0.0.1/x.json \
    localhost/x.json; do
    check_eq "seed $s: exit 2" "$(status "$STACML" --db "$T/sdb" harvest "$s")" 2
    check "seed $s: names the scheme" grep -qF "bad seed '$s': no such file (for a URL, give its scheme: http:// or https://)" "$T/e"
done
for s in data.d/catalog.json nothing/x.json 1.2/x.json; do
    check_eq "seed $s: exit 2" "$(status "$STACML" --db "$T/sdb" harvest "$s")" 2
    check "seed $s: no scheme hint" grep -qx "stacml harvest: bad seed '$s': no such file" "$T/e"
done
printf '%s\n' "file://$T/nothing.json" >"$T/seeds.txt"
check_eq "seeds file naming a missing file:// seed: exit 2" \
    "$(status "$STACML" --db "$T/sdb" harvest --seeds "$T/seeds.txt")" 2
check "and names its line" grep -qF "seeds.txt:1: bad seed" "$T/e"
# A file:// URL naming another host was "malformed URL": it is well
# formed, and only local files can be read. localhost is this host.
for form in "file://otherhost$T/cat/coll.json" "FILE://Other.Host$T/cat/coll.json"; do
    check_eq "seed $form: exit 2" "$(status "$STACML" --db "$T/sdb" harvest "$form")" 2
    check "seed $form: says another host's file is not read" \
        grep -qF "bad seed '$form': a file URL for another host" "$T/e"
done
# A file URL has no port: file://localhost:80/ is no other host, and
# libcurl refuses it as a bad file URL; the seed says what is wrong.
for form in "file://localhost:80$T/cat/coll.json" "file://127.0.0.1:$T/cat/coll.json"; do
    check_eq "seed $form: exit 2" "$(status "$STACML" --db "$T/sdb" harvest "$form")" 2
    check "seed $form: says a file URL has no port" \
        grep -qF "bad seed '$form': a file URL with a port" "$T/e"
done
check_eq "seed file://127.0.0.1/...: taken, as libcurl reads it" \
    "$(status "$STACML" --db "$T/sdb" -q harvest "file://127.0.0.1$T/cat/coll.json")" 0
check_eq "seed file://localhost/...: taken" \
    "$(status "$STACML" --db "$T/sdb" -q harvest "file://localhost$T/cat/coll.json")" 0
# Port 0 is no port to connect to: it was taken, and the harvest failed
# on it (exit 3), robots.txt and all.
for form in "http://127.0.0.1:0/catalog.json" "https://example.org:00/c.json"; do
    check_eq "seed $form: exit 2" "$(status "$STACML" --db "$T/sdb" harvest "$form")" 2
    check "seed $form: says port 0" grep -qF "bad seed '$form': port 0" "$T/e"
done
printf 'http://127.0.0.1:0/catalog.json\n' >"$T/seeds0.txt"
check_eq "seeds file with port 0: exit 2" \
    "$(status "$STACML" --db "$T/sdb" harvest --seeds "$T/seeds0.txt")" 2
check "and names its line" grep -qF "seeds0.txt:1: bad seed" "$T/e"
# A file we may not read: needs a user that permissions apply to.
if find_as_user; then
    chmod 755 "$T"
    cp "$T/cat/coll.json" "$T/secret.json"
    chmod 000 "$T/secret.json" # nobody's to read, its owner's neither
    for form in "$T/secret.json" "file://$T/secret.json"; do
        check_eq "unreadable seed $form: exit 2" \
            "$(status as_user "$STACML" --db "$T/nodb" harvest "$form")" 2
        check "unreadable seed $form: says so" \
            grep -qF "bad seed '$form': Permission denied" "$T/e"
    done
else
    echo "no user that file permissions apply to: unreadable seed not checked"
fi
check_eq "a readable file:// seed still taken" \
    "$(status "$STACML" --db "$T/sdb" -q harvest "file://$T/cat/coll.json")" 0

# A document of a local tree that cannot be read is a failure that says
# why, where libcurl said "Couldn't open file" of every kind.
mkdir -p "$T/tree"
cat >"$T/tree/catalog.json" <<'JSON'
{"type": "Catalog", "stac_version": "1.0.0", "id": "tree", "description": "d",
 "links": [{"rel": "item", "href": "gone.json"}, {"rel": "item", "href": "loop.json"},
           {"rel": "item", "href": "afile/x.json"}, {"rel": "item", "href": "secret.json"}]}
JSON
ln -s loop.json "$T/tree/loop.json"
: >"$T/tree/afile"
cp "$T/cat/item.json" "$T/tree/secret.json"
chmod 000 "$T/tree/secret.json"
mkdir -m 777 "$T/tree-db"
failed_reason() {
    "$STACML" --db "$T/tree-db" stats --format json |
        jq -r --arg u "file://$T/tree/$1" '.last_harvest.failures[] | select(.url == $u) | .reason'
}
if [ -n "$(type -t as_user)" ]; then
    check_eq "a tree with unreadable documents: exit 1" \
        "$(status as_user "$STACML" --db "$T/tree-db" harvest "$T/tree")" 1
    check_eq "a file we may not read: said so" "$(failed_reason secret.json)" "Permission denied"
else
    rm "$T/tree/secret.json"
    check_eq "a tree with unreadable documents: exit 1" \
        "$(status "$STACML" --db "$T/tree-db" harvest "$T/tree")" 1
fi
check_eq "a missing file: said so" "$(failed_reason gone.json)" "no such file"
check_eq "a loop of links: said so" "$(failed_reason loop.json)" "Too many levels of symbolic links"
check_eq "a file taken for a directory: said so" "$(failed_reason afile/x.json)" "Not a directory"
check "the summary names the reason" grep -qF "tree/gone.json: no such file" "$T/e"

# Search words are case-insensitive (issue 2), beyond ASCII too: an
# upper-case accented word found nothing, whether the record was passed
# over by the scan of its stored text or decoded and compared.
mkdir -p "$T/ucat"
cat >"$T/ucat/catalog.json" <<'JSON'
{"type": "Catalog", "stac_version": "1.0.0", "id": "u", "description": "d",
 "links": [{"rel": "item", "href": "fr.json"}, {"rel": "item", "href": "ru.json"}]}
JSON
u_item() {
    cat >"$T/ucat/$1.json" <<JSON
{"type": "Feature", "stac_version": "1.0.0", "id": "$1",
 "stac_extensions": [$MLM], "geometry": null,
 "properties": {"datetime": null, "mlm:name": "$1", "title": "$2"},
 "links": [], "assets": {}}
JSON
}
u_item fr "Modèle d'été pour les forêts"
u_item ru "Модель леса"
check_eq "harvest titles in French and Russian" \
    "$(status "$STACML" --db "$T/udb" -q harvest "$T/ucat")" 0
uids() { "$STACML" --db "$T/udb" search --format ids "$@" | cut -f1 | sort | tr '\n' ' '; }
check_eq "words: MODÈLE finds modèle" "$(uids MODÈLE)" "fr "
check_eq "words: ÉTÉ finds été" "$(uids ÉTÉ)" "fr "
check_eq "words: FORÊTS and modèle, ANDed" "$(uids FORÊTS modèle)" "fr "
check_eq "words: МОДЕЛЬ finds Модель" "$(uids МОДЕЛЬ)" "ru "
check_eq "words: ÉTÉS is in no record" "$(uids ÉTÉS)" ""
check_eq "words: the table too" \
    "$("$STACML" --db "$T/udb" search ÉTÉ | tail -n +2 | awk '{ print $1 }')" "fr"
check_eq "words: export too" "$("$STACML" --db "$T/udb" export МОДЕЛЬ | jq -r .id)" "ru"

# --header and --user-agent become HTTP fields: a control character in a
# value (an escape, DEL; line breaks were refused already) or a name that
# is no token ("X(Y)", "X Y") is a usage error that says which, where it
# used to go out in every request to the seed's hosts.
for h in "$(printf 'X-Key: a\033b')" "$(printf 'X-Key: a\177')" "X(Y): a" "X Y: a"; do
    check_eq "--header '$h' refused" \
        "$(status "$STACML" --db "$T/hdb" harvest --header "$h" "$T/cat/coll.json")" 2
    check "--header '$h': says why" grep -qE "invalid --header .*\((the name is no HTTP token|the value holds a line break or another control character)\)" "$T/e"
done
check_eq "--user-agent with an escape refused" \
    "$(status "$STACML" --db "$T/hdb" harvest --user-agent "$(printf 'a\033[31mb')" "$T/cat/coll.json")" 2
check "--user-agent with an escape: says why" grep -q "control character" "$T/e"
# An empty --user-agent sent no User-Agent at all: a crawler that does
# not say who it is, to every host. Refused, blank alike.
for ua in "" "   "; do
    check_eq "--user-agent '$ua' refused" \
        "$(status "$STACML" --db "$T/hdb" harvest --user-agent "$ua" "$T/cat/coll.json")" 2
    check "--user-agent '$ua': says why" grep -q "invalid --user-agent: it is empty" "$T/e"
done
# Nor does an empty --header User-Agent, which libcurl takes as "send
# none" (to the seeds' hosts).
for h in "User-Agent:" "USER-AGENT: " "$(printf 'User-Agent:\t')"; do
    check_eq "--header '$h' refused" \
        "$(status "$STACML" --db "$T/hdb" harvest --header "$h" "$T/cat/coll.json")" 2
    check "--header '$h': says why" grep -q "invalid --header .*(an empty User-Agent" "$T/e"
done
check_eq "--header with a tab and UTF-8 in its value taken" \
    "$(status "$STACML" --db "$T/hdb" -q harvest --header "$(printf 'X-Key: a\tb \303\251')" \
        --header "Authorization: Bearer a:b" "$T/cat/coll.json")" 0

# --header-host names the hosts that --header values go to: given alone
# it did nothing, silently (a protected registry source then stayed
# skipped as if the user had given no credentials on purpose).
check_eq "--header-host without --header refused" \
    "$(status "$STACML" --db "$T/hdb" harvest --header-host 127.0.0.1 "$T/cat/coll.json")" 2
check "--header-host without --header: said so" grep -q -- "--header-host without --header" "$T/e"
check_eq "--header-host with --header taken" \
    "$(status "$STACML" --db "$T/hdb" -q harvest --header-host 127.0.0.1 \
        --header "Authorization: Bearer x" "$T/cat/coll.json")" 0

# A seed URL that carries credentials (user:pw@host) is refused, as such
# a link and such a registry entry are: it was harvested with them as
# Basic auth and its password kept as every record's source (export,
# stats, runs) and printed in the summary. The message hides it too.
for u in "http://user:sekrit@127.0.0.1:9/catalog.json" "HTTP://user:sekrit@127.0.0.1:9/"; do
    check_eq "seed $u refused" "$(status "$STACML" --db "$T/udb2" harvest "$u")" 2
    check "seed $u: said so, password hidden" \
        grep -qF "bad seed '${u/user:sekrit/***}': a URL with credentials" "$T/e"
    check "seed $u: no password on stderr" sh -c "! grep -q sekrit '$T/e'"
done
printf 'http://user:sekrit@127.0.0.1:9/\n' >"$T/cred-seeds.txt"
check_eq "seeds file with credentials in a URL refused" \
    "$(status "$STACML" --db "$T/udb2" harvest --seeds "$T/cred-seeds.txt")" 2
check "and no index holds the password" sh -c "! grep -rqs sekrit '$T/udb2'"

# A --log that cannot be written (a full disk) loses the run's record a
# cron job keeps: said on stderr, even with -q, and exit 1 (a command
# that could not write its output), where the harvest exited 0 in
# silence.
if [ -w /dev/full ]; then
    check_eq "--log to a full disk: exit 1" \
        "$(status "$STACML" --db "$T/ldb" -q harvest --log /dev/full "$T/cat/coll.json")" 1
    check "--log to a full disk: said so" grep -q "write error on log /dev/full" "$T/e"
    # The run's record says what the process said: it was written before
    # the log was closed, and kept exit 0 and outcome "ok".
    "$STACML" --db "$T/ldb" runs --format json >"$T/o"
    check "--log to a full disk: the run's record says exit 1" \
        grep -q '"exit_status":1,.*"outcome":"partial"' "$T/o"
fi
check_eq "--log to a file: exit 0" \
    "$(status "$STACML" --db "$T/ldb" -q harvest --log "$T/h.log" "$T/cat/coll.json")" 0
check "--log to a file: the summary is there" grep -q "summary: run" "$T/h.log"

# A seeds file of 50,000 URLs: each seed read was compared with every
# seed before it (to take a seed given twice once), half a minute here
# before the harvest began. Read in well under the bound now (the option
# after it is refused, so that nothing is fetched).
"${PYTHON3:-python3}" -c '
for i in range(50000):
    print("http://127.0.0.1:9/c%d/catalog.json" % i)' >"$T/many-seeds.txt"
check_eq "50,000 seeds read at once" \
    "$(status timeout 15 "$STACML" --db "$T/mdb" harvest --seeds "$T/many-seeds.txt" --concurrency 0)" 2
check "and the option after them refused" grep -q "invalid value '0' for --concurrency" "$T/e"
head -3 "$T/many-seeds.txt" >"$T/dup-seeds.txt"
# (Nothing listens on port 9: every seed fails, exit 3.)
check_eq "three seeds given twice: harvested" \
    "$(status "$STACML" --db "$T/mdb" -q harvest --max-docs 1 --retries 0 \
        --seeds "$T/dup-seeds.txt" --seeds "$T/dup-seeds.txt")" 3
check_eq "a seed given twice is still taken once" \
    "$("$STACML" --db "$T/mdb" runs --format json | jq '.[0].seeds | length')" 3

# --max-depth bounds a crawl (issue 2), an API's too: its collections,
# items and search pages lie below its landing page. 'harvest --max-depth
# 0' of an API walked all of it; now it reads the landing page alone, and
# says so, while --max-depth 1 walks the API as its strategy says.
start_api MD --world "$top_srcdir/tests/fixtures/api/world.json" --no-filter
check_eq "API, --max-depth 0: exit 0" \
    "$(status "$STACML" --db "$T/md0" harvest --max-depth 0 "$MD_URL")" 0
check_eq "API, --max-depth 0: no model (nothing below the landing page)" \
    "$("$STACML" --db "$T/md0" search --format ids | wc -l)" 0
check "API, --max-depth 0: said so" grep -q "past --max-depth not followed" "$T/e"
check_eq "API, --max-depth 0: no request past /robots.txt and the landing page" \
    "$(requests "$MD_LOG")" 2
check_eq "API, --max-depth 1: walked" \
    "$(status "$STACML" --db "$T/md1" -q harvest --max-depth 1 "$MD_URL")" 0
"$STACML" --db "$T/md-all" -q harvest "$MD_URL"
check_eq "API, --max-depth 1: the models of a harvest without it" \
    "$("$STACML" --db "$T/md1" search --format ids | sort | md5sum)" \
    "$("$STACML" --db "$T/md-all" search --format ids | sort | md5sum)"
check "API, --max-depth 1: models found" \
    test "$("$STACML" --db "$T/md1" search --format ids | wc -l)" -gt 0

# --rate R spaces a host's requests by 1/R seconds: a rate so small that
# no second request would start in the run (1e-9: one in 31 years) hung
# the harvest, and a still smaller one (1e-300) overflowed the spacing
# into no limit at all. Both are usage errors now, as is anything under
# one request an hour.
EX="$top_srcdir/seeds/examples"
for r in 1e-9 1e-300 0.0002; do
    check_eq "--rate $r refused" \
        "$(status timeout 20 "$STACML" --db "$T/rdb" harvest --rate "$r" "$EX")" 2
    check "--rate $r: says the bound" grep -q "invalid --rate '$r'.*one an hour" "$T/e"
done
check_eq "--rate of one an hour taken" \
    "$(status timeout 20 "$STACML" --db "$T/rdb" -q harvest --rate 0.0003 "$T/cat/coll.json")" 0
# Numbers are decimal: strtod read "0x10" as 16, and took leading blanks.
for r in 0x10 " 5"; do
    check_eq "--rate '$r' refused" \
        "$(status "$STACML" --db "$T/rdb" harvest --rate "$r" "$T/cat/coll.json")" 2
done
echo '[]' >"$T/empty-registry.json"
check_eq "--survey-every 16s taken" "$(status "$STACML" --db "$T/rdb" harvest \
    --registry "$T/empty-registry.json" --survey-every 16s)" 0
for o in "--survey-every 0x10s" "--source-time 0x1Am"; do
    # shellcheck disable=SC2086
    check_eq "$o refused" "$(status "$STACML" --db "$T/rdb" harvest \
        --registry "$T/empty-registry.json" $o)" 2
    check "$o: says why" grep -q "invalid ${o% *}" "$T/e"
done

e2e_finish
