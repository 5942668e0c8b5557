#!/bin/bash
# SPDX-License-Identifier: MIT
# The command-line contract: help, version, usage errors and their exit
# statuses, seeds files, the default index location, search formats, show
# by URL and by id, and terminal-safe output of remote text.
. "$top_srcdir/tests/e2e/lib.sh"
EX="$top_srcdir/seeds/examples"

status() { "$@" >"$T/o" 2>"$T/e"; echo $?; }

check_eq "--version" "$(status "$STACML" --version)" 0
check "--version names stacml" grep -q '^stacml [0-9]' "$T/o"
check_eq "--help" "$(status "$STACML" --help)" 0
for c in harvest search show export stats; do
    check_eq "$c --help" "$(status "$STACML" "$c" --help)" 0
    check "$c --help text" grep -q "Usage: stacml .*$c" "$T/o"
done
check_eq "help harvest" "$(status "$STACML" help harvest)" 0
check_eq "no command" "$(status "$STACML")" 2
check_eq "unknown command" "$(status "$STACML" frobnicate)" 2
check "unknown command named" grep -q "unknown command 'frobnicate'" "$T/e"
check_eq "harvest without seeds" "$(status "$STACML" --db "$T/db" harvest)" 2
check_eq "bad --concurrency" \
    "$(status "$STACML" --db "$T/db" harvest --concurrency 0 "$EX")" 2
check "bad value named" grep -q -- "--concurrency" "$T/e"
check_eq "bad --max-doc-size" \
    "$(status "$STACML" --db "$T/db" harvest --max-doc-size 12Q "$EX")" 2
check_eq "bad --commit-every" \
    "$(status "$STACML" --db "$T/db" harvest --commit-every 0 "$EX")" 2
check "bad --commit-every named" grep -q -- "--commit-every" "$T/e"
# Counts are decimal digits, nothing around them: a leading blank was
# skipped (' 4' taken, '4 ' refused; ' +4' taken, '+4' refused).
for v in " 4" " +4" "$(printf '\t4')" "4 " "+4"; do
    check_eq "--max-docs '$v' refused" \
        "$(status "$STACML" --db "$T/dbnum" harvest --max-docs "$v" "$EX")" 2
    check "--max-docs '$v': named" grep -qF "invalid value '$v' for --max-docs" "$T/e"
done
check_eq "--concurrency ' 8' refused" \
    "$(status "$STACML" --db "$T/dbnum" harvest --concurrency " 8" "$EX")" 2
check_eq "--max-doc-size ' 8M' refused" \
    "$(status "$STACML" --db "$T/dbnum" harvest --max-doc-size " 8M" "$EX")" 2
check_eq "--max-docs 010 taken, as ten" \
    "$(status "$STACML" --db "$T/db010" -q harvest --max-docs 010 "$EX")" 0
check_eq "missing local seed" \
    "$(status "$STACML" --db "$T/db" harvest "$T/no/such/catalog.json")" 2
check "missing seed named" grep -q "no/such/catalog.json" "$T/e"
mkdir -p "$T/empty dir"
check_eq "directory seed without a catalog" \
    "$(status "$STACML" --db "$T/db" harvest "$T/empty dir")" 2
check "directory seed: says what is missing" grep -q "a directory without catalog.json or collection.json" "$T/e"
check_eq "file:// directory seed without a catalog" \
    "$(status "$STACML" --db "$T/db" harvest "file://$T/empty%20dir")" 2
check_eq "file:// directory seed stands for its catalog" \
    "$(status "$STACML" --db "$T/dirseed" -q harvest "file://$EX")" 0
check_eq "option without its value" "$(status "$STACML" --db "$T/db" search --task)" 2
check "option without its value: named" grep -q "option '--task' needs a value" "$T/e"
check_eq "unknown option" "$(status "$STACML" --db "$T/db" harvest --frobnicate "$EX")" 2
check "unknown option: named, once" sh -c "grep -c . '$T/e' | grep -qx 2 && grep -q \"unknown option '--frobnicate'\" '$T/e'"
for c in stats runs sources; do
    check_eq "$c: stray argument refused" "$(status "$STACML" --db "$T/db" "$c" extra)" 2
    check_eq "$c: --format ids refused" "$(status "$STACML" --db "$T/db" "$c" --format ids)" 2
    check "$c: --format ids: says which formats" grep -q -- "--format must be table" "$T/e"
done
: >"$T/afile"
check_eq "--db names a file: exit 4" "$(status "$STACML" --db "$T/afile" stats)" 4
check "--db names a file: said so" grep -q "cannot open index .*afile: not a directory" "$T/e"
for c in stats search export runs sources "harvest $EX"; do
    check_eq "--db '': $c is a usage error" \
        "$(status "$STACML" --db '' $c)" 2
    check "--db '': $c says so" grep -q -- "--db is empty" "$T/e"
done
check_eq "--db names a file, harvest: exit 4" "$(status "$STACML" --db "$T/afile" -q harvest "$EX")" 4
check_eq "ftp seed refused" \
    "$(status "$STACML" --db "$T/db" harvest ftp://127.0.0.1/c.json)" 2
printf '# comment\n\n%s/catalog.json\n   # indented comment\nnot a url at all\n' \
    "$EX" >"$T/seeds.txt"
check_eq "bad line in seeds file" \
    "$(status "$STACML" --db "$T/db" harvest --seeds "$T/seeds.txt")" 2
check "seeds file line named" grep -q "seeds.txt:5" "$T/e"
# Written by a Windows editor: a byte order mark and CRLF line ends. The
# mark used to be read as part of the first seed, an invisible "no such
# file".
printf '\357\273\277%s/catalog.json\r\n# comment\r\n' "$EX" >"$T/seeds-bom.txt"
check_eq "seeds file with a byte order mark and CRLF" \
    "$(status "$STACML" --db "$T/dbbom" -q harvest --seeds "$T/seeds-bom.txt")" 0
check_eq "missing seeds file" \
    "$(status "$STACML" --db "$T/db" harvest --seeds "$T/nope.txt")" 2
# A directory given as the seeds file is an error, not an empty list
# beside the other seeds.
check_eq "seeds file that is a directory" \
    "$(status "$STACML" --db "$T/dbdir" -q harvest --seeds "$T" "$EX")" 2
check "seeds file that is a directory: said so" \
    grep -q "cannot read seeds file .*: Is a directory" "$T/e"
check_eq "search without index" "$(status "$STACML" --db "$T/none" search)" 4
check "no index message" grep -q "no index in" "$T/e"
check_eq "export without index" "$(status "$STACML" --db "$T/none" export)" 4
check_eq "show needs an argument" "$(status "$STACML" --db "$T/db" show)" 2
check_eq "show of an empty argument: a usage error" "$(status "$STACML" --db "$T/db" show '')" 2
check_eq "unknown format" \
    "$(status "$STACML" --db "$T/db" search --format xml)" 2

# Default index location: $STACML_DB, else $XDG_DATA_HOME, else ~/.local.
printf '# examples\n%s\n' "$EX/catalog.json" >"$T/seeds-ok.txt"
check_eq "harvest into \$STACML_DB" "$(status env STACML_DB="$T/envdb" \
    "$STACML" -q harvest --seeds "$T/seeds-ok.txt")" 0
check "\$STACML_DB used" test -f "$T/envdb/data.mdb"
check_eq "harvest into XDG_DATA_HOME" "$(status env -u STACML_DB \
    XDG_DATA_HOME="$T/xdg" "$STACML" -q harvest "file://$EX/catalog.json")" 0
check "\$XDG_DATA_HOME/stacml used" test -f "$T/xdg/stacml/data.mdb"
check_eq "harvest into ~/.local/share" "$(status env -u STACML_DB \
    -u XDG_DATA_HOME HOME="$T/home" "$STACML" -q harvest "$EX")" 0
check "~/.local/share/stacml used" test -f "$T/home/.local/share/stacml/data.mdb"
# --trained-on takes a dataset as harvest took it: a URL, an id, or a
# local file or directory (a path used to be read as an id: no match).
TD="$EX/datasets/building-footprints-tdml"
tids() { "$STACML" --db "$T/dirseed" search --format ids --trained-on "$@" | cut -f1 | sort | tr '\n' ' '; }
TRAINED="building-detector-faster-rcnn building-scene-classifier-resnet50 building-segmentation-unet-resnet34 "
check_eq "--trained-on a dataset URL" "$(tids "file://$TD/collection.json")" "$TRAINED"
check_eq "--trained-on a dataset id" "$(tids building-footprints-tdml)" "$TRAINED"
check_eq "--trained-on a dataset file" "$(tids "$TD/collection.json")" "$TRAINED"
check_eq "--trained-on a dataset directory" "$(tids "$TD")" "$TRAINED"
check_eq "--trained-on a path to no dataset" "$(tids "$EX/catalog.json")" ""

# A catalog written here: duplicate ids, hostile text in a title.
mkdir -p "$T/cat"
cat >"$T/cat/catalog.json" <<'JSON'
{"type": "Catalog", "stac_version": "1.0.0", "id": "c", "description": "d",
 "links": [{"rel": "item", "href": "a.json"}, {"rel": "item", "href": "b.json"},
           {"rel": "item", "href": "evil.json"}]}
JSON
for n in a b; do
    cat >"$T/cat/$n.json" <<JSON
{"type": "Feature", "stac_version": "1.0.0", "id": "twin",
 "stac_extensions": ["https://stac-extensions.github.io/mlm/v1.4.0/schema.json"],
 "geometry": null, "properties": {"datetime": null, "mlm:name": "Twin $n",
 "mlm:architecture": "UNet"}, "links": [], "assets": {}}
JSON
done
cat >"$T/cat/evil.json" <<'JSON'
{"type": "Feature", "stac_version": "1.0.0", "id": "evil\u001b]0;pwned\u0007",
 "stac_extensions": ["https://stac-extensions.github.io/ml-model/v1.0.0/schema.json"],
 "geometry": null, "properties": {"datetime": null, "title": "\u001b[2J\u001b[31mred alert",
 "ml-model:architecture": "Evil-Net"}, "links": [], "assets": {}}
JSON
DB="$T/db"
check_eq "harvest local catalog" "$(status "$STACML" --db "$DB" harvest "$T/cat")" 0
# The path of a directory is not a document: harvest the file itself.
check_eq "harvest local catalog file" \
    "$(status "$STACML" --db "$DB" harvest "$T/cat/catalog.json")" 0
check "3 models found" grep -q "3 model records" "$T/e"
check_eq "search all" "$(status "$STACML" --db "$DB" search)" 0
check_eq "search lists 3 rows and a header" "$(wc -l <"$T/o")" 4
check "no raw escape bytes in the table" sh -c "! grep -q $'\x1b' '$T/o'"
check "escapes shown as text" grep -q 'x1b' "$T/o"
# Table columns line up whatever the text: a cell is padded to its width
# in code points (as it is cut), not in bytes, so an accented id or title
# does not pull the columns after it to the left.
mkdir -p "$T/ucat"
cat >"$T/ucat/catalog.json" <<'JSON'
{"type": "Catalog", "stac_version": "1.0.0", "id": "u", "description": "d",
 "links": [{"rel": "item", "href": "u.json"}, {"rel": "item", "href": "v.json"}]}
JSON
for n in u v; do
    [ $n = u ] && id="caf\u00e9-\u00fc-$n" || id="plain-$n"
    cat >"$T/ucat/$n.json" <<JSON
{"type": "Feature", "stac_version": "1.0.0", "id": "$id",
 "stac_extensions": ["https://stac-extensions.github.io/mlm/v1.4.0/schema.json"],
 "geometry": null, "properties": {"datetime": null, "mlm:name": "Mod\u00e8le $n"},
 "links": [], "assets": {}}
JSON
done
check_eq "harvest a catalog of UTF-8 ids" "$(status "$STACML" --db "$T/udb" -q harvest "$T/ucat")" 0
check_eq "search its table" "$(status "$STACML" --db "$T/udb" search)" 0
check "UTF-8 table: every column starts where its header does" \
    "${PYTHON3:-python3}" -c '
import sys
rows = open(sys.argv[1], encoding="utf-8").read().splitlines()
cols = [rows[0].index(h) for h in ("TYPE", "EXTENSIONS", "TITLE", "URL")]
ok = len(rows) == 3 and "caf\u00e9" in rows[1]
for r in rows[1:]:
    ok = ok and all(r[c - 2:c] == "  " and r[c] != " " for c in cols)
sys.exit(0 if ok else 1)' "$T/o"
check_eq "search words are ANDed" \
    "$(status "$STACML" --db "$DB" search --format ids twin "TWIN B")" 0
check_eq "one match" "$(wc -l <"$T/o")" 1
check "matched by mlm:name" grep -q "/b.json" "$T/o"
check_eq "search by architecture" \
    "$(status "$STACML" --db "$DB" search --format jsonl evil-net)" 0
check "jsonl is JSON" jq -e '.id | startswith("evil")' "$T/o"
check_eq "search --format json" \
    "$(status "$STACML" --db "$DB" search --format json unet)" 0
check "json array of 2" jq -e 'length == 2' "$T/o"
check_eq "search no match" "$(status "$STACML" --db "$DB" search nothing-like-it)" 0
check "search no match: said on stderr" grep -q "no matching model records" "$T/e"
# -q prints errors only: the notes of an empty answer are no errors.
for c in "search nothing-like-it" sources; do
    check_eq "-q $c: exit 0" "$(status "$STACML" --db "$DB" -q $c)" 0
    check "-q $c: nothing on stderr" test ! -s "$T/e"
done
# Words are looked for in the stored text before a record is decoded:
# the same answers for words the stored text escapes (a quote, a
# backslash) and for words it keeps as they are, in any case.
mkdir -p "$T/wcat"
cat >"$T/wcat/catalog.json" <<'JSON'
{"type": "Catalog", "stac_version": "1.0.0", "id": "w", "description": "d",
 "links": [{"rel": "item", "href": "q.json"}, {"rel": "item", "href": "p.json"}]}
JSON
cat >"$T/wcat/q.json" <<'JSON'
{"type": "Feature", "stac_version": "1.0.0", "id": "q",
 "stac_extensions": ["https://stac-extensions.github.io/mlm/v1.4.0/schema.json"],
 "geometry": null, "properties": {"datetime": null, "mlm:name": "quoted",
 "title": "The \"Quoted\" Net \\ Ünïcode", "keywords": ["Flood Mapping"]},
 "links": [], "assets": {}}
JSON
cat >"$T/wcat/p.json" <<'JSON'
{"type": "Feature", "stac_version": "1.0.0", "id": "p",
 "stac_extensions": ["https://stac-extensions.github.io/mlm/v1.4.0/schema.json"],
 "geometry": null, "properties": {"datetime": null, "mlm:name": "plain",
 "description": "a flood model"}, "links": [], "assets": {}}
JSON
"$STACML" --db "$T/wdb" -q harvest "$T/wcat/catalog.json"
wids() { "$STACML" --db "$T/wdb" search --format ids "$@" | cut -f1 | sort | tr '\n' ' '; }
check_eq "words: a quoted word" "$(wids '"quoted"')" "q "
check_eq "words: a backslash" "$(wids 'net \ Ü')" "q "
check_eq "words: any case, in keywords and description" "$(wids FLOOD)" "p q "
check_eq "words: UTF-8 as it is" "$(wids Ünïcode)" "q "
check_eq "words: ANDed, one record lacks one" "$(wids flood mapping)" "q "
check_eq "words: in no record" "$(wids floodx)" ""
check_eq "words: a word found only outside the searched fields" "$(wids mlm)" ""
check_eq "show by url" "$(status "$STACML" --db "$DB" show "file://$T/cat/a.json")" 0
check "show prints the record" jq -e '.id == "twin" and .stac.properties["mlm:name"] == "Twin a"' "$T/o"
check_eq "show by path" "$(status "$STACML" --db "$DB" show "$T/cat/b.json")" 0
# A feature of a static item page, with no self link, is recorded as
# "{page}#{id}": show takes that URL (as search prints it, or the page's
# path with the fragment), where it used to look up the page and say
# there was no record.
mkdir -p "$T/pcat"
cat >"$T/pcat/collection.json" <<'JSON'
{"type": "Collection", "stac_version": "1.0.0", "id": "pc", "description": "d",
 "license": "proprietary", "extent": {"spatial": {"bbox": [[0, 0, 1, 1]]},
 "temporal": {"interval": [[null, null]]}},
 "links": [{"rel": "items", "href": "items.json", "type": "application/geo+json"}]}
JSON
cat >"$T/pcat/items.json" <<'JSON'
{"type": "FeatureCollection", "links": [], "features": [
 {"type": "Feature", "stac_version": "1.0.0", "id": "paged",
  "stac_extensions": ["https://stac-extensions.github.io/mlm/v1.4.0/schema.json"],
  "geometry": null, "properties": {"datetime": null, "mlm:name": "Paged"},
  "links": [], "assets": {}}]}
JSON
check_eq "harvest a page of features" "$(status "$STACML" --db "$T/pdb" -q harvest "$T/pcat")" 0
PURL=$("$STACML" --db "$T/pdb" search --format ids paged | cut -f2)
check_eq "a page's feature is keyed by its fragment" "$PURL" "file://$T/pcat/items.json#paged"
check_eq "show by that URL" "$(status "$STACML" --db "$T/pdb" show "$PURL")" 0
check "show by that URL: the feature" jq -e '.id == "paged"' "$T/o"
check_eq "show by the page's path and fragment" \
    "$(status "$STACML" --db "$T/pdb" show "$T/pcat/items.json#paged")" 0
check "show by path and fragment: the feature" jq -e '.id == "paged"' "$T/o"
check_eq "show by a fragment of nothing" \
    "$(status "$STACML" --db "$T/pdb" show "$PURL-not")" 1
check_eq "show ambiguous id" "$(status "$STACML" --db "$DB" show twin)" 1
check "ambiguous lists candidates" grep -q "b.json" "$T/e"
check_eq "show unknown" "$(status "$STACML" --db "$DB" show no-such-model)" 1
check "unknown named" grep -q "no-such-model" "$T/e"
check_eq "stats --format json" "$(status "$STACML" --db "$DB" stats --format json)" 0
check "stats json" jq -e '.records == 3 and .by_extension.mlm == 2' "$T/o"
# Output that cannot be written (a full disk; a closed pipe when SIGPIPE
# is ignored) is a failure said as such, by every reading command: stats
# used to exit 0, and show to go on looking the URL up as an id and say
# there was no such record.
if [ -w /dev/full ]; then
    wfull() { "$@" >/dev/full 2>"$T/e"; echo $?; }
    for c in "show file://$T/cat/a.json" stats "stats --format json" runs \
        "sources --format json" search export; do
        check_eq "$c to a full disk: exit 1" "$(wfull "$STACML" --db "$DB" $c)" 1
        check "$c to a full disk: says write error, only" \
            sh -c "grep -q 'write error' '$T/e' && ! grep -q 'no record' '$T/e'"
    done
fi

# --bbox across the antimeridian (RFC 7946 section 5.2: west > east): a
# record whose bbox crosses it (2D and 3D), one just east of it, one far
# away; and queries that cross it.
mkdir -p "$T/geo"
cat >"$T/geo/catalog.json" <<'JSON'
{"type": "Catalog", "stac_version": "1.0.0", "id": "geo", "description": "d",
 "links": [{"rel": "item", "href": "fiji.json"}, {"rel": "item", "href": "fiji3d.json"},
           {"rel": "item", "href": "samoa.json"}, {"rel": "item", "href": "alps.json"}]}
JSON
geo_item() {
    cat >"$T/geo/$1.json" <<JSON
{"type": "Feature", "stac_version": "1.0.0", "id": "$1", "bbox": $2,
 "stac_extensions": ["https://stac-extensions.github.io/mlm/v1.4.0/schema.json"],
 "geometry": null, "properties": {"datetime": null, "mlm:name": "$1"},
 "links": [], "assets": {}}
JSON
}
geo_item fiji '[170, -10, -170, 10]'
geo_item fiji3d '[170, -10, 0, -170, 10, 1000]'
geo_item samoa '[-172.5, -14.5, -171.5, -13.5]'
geo_item alps '[5, 45, 10, 48]'
GDB="$T/geodb"
check_eq "harvest the geo catalog" "$(status "$STACML" --db "$GDB" -q harvest "$T/geo")" 0
gids() { "$STACML" --db "$GDB" search --format ids "$@" | cut -f1 | sort | tr '\n' ' '; }
check_eq "--bbox east of the antimeridian" "$(gids --bbox 175,0,176,1)" "fiji fiji3d "
check_eq "--bbox west of the antimeridian" "$(gids --bbox -175,0,-174,1)" "fiji fiji3d "
check_eq "--bbox between the crossing record's sides" "$(gids --bbox 0,0,10,10)" ""
check_eq "--bbox plain" "$(gids --bbox 4,44,6,46)" "alps "
check_eq "--bbox W > E crosses the antimeridian" "$(gids --bbox 179,-20,-172,0)" \
    "fiji fiji3d samoa "
check_eq "--bbox W > E, west side only" "$(gids --bbox 179,-15,-172,-12)" "samoa "
check_eq "--bbox W > E, nothing there" "$(gids --bbox 179,30,-179,40)" ""
check_eq "export --bbox W > E" \
    "$("$STACML" --db "$GDB" export --bbox 178,-1,-178,1 | jq -r .id | sort | tr '\n' ' ')" \
    "fiji fiji3d "
check_eq "--bbox S > N refused" "$(status "$STACML" --db "$GDB" search --bbox 0,10,1,0)" 2
check "--bbox S > N named" grep -q "S > N" "$T/e"
check_eq "--bbox latitude past a pole refused" "$(status "$STACML" --db "$GDB" search --bbox 0,-100,10,100)" 2
check "--bbox latitude past a pole named" grep -q "latitude outside \[-90, 90\]" "$T/e"
check_eq "--bbox poles themselves taken" "$(status "$STACML" --db "$GDB" search --bbox -180,-90,180,90)" 0
check_eq "--bbox longitude past 180 refused" "$(status "$STACML" --db "$GDB" search --bbox 170,0,190,10)" 2
check "--bbox longitude past 180 named" grep -q "longitude outside \[-180, 180\]" "$T/e"
# Decimal numbers only: strtod took hexadecimal ("0x10" is 16), and
# leading blanks, silently.
for b in "0x10,0,20,10" "0,0,0X1p3,10" " 1,0,2,1" "1,0,2, 1" "1,0,2,+ 1"; do
    check_eq "--bbox '$b' refused" "$(status "$STACML" --db "$GDB" search --bbox "$b")" 2
    check "--bbox '$b': says why" grep -qF "invalid --bbox '$b' (want W,S,E,N" "$T/e"
done
check_eq "--bbox with signs, points and an exponent taken" \
    "$(status "$STACML" --db "$GDB" search --bbox=-1.5e1,+0,.5,1.)" 0
check_eq "--bbox longitude past -180 refused" "$(status "$STACML" --db "$GDB" search --bbox -181,0,10,10)" 2
check_eq "--bbox W > E out of degrees refused" \
    "$(status "$STACML" --db "$GDB" search --bbox 200,0,-170,1)" 2

# export writes JSON lines only: --format jsonl is taken, another refused.
check_eq "export --format jsonl: the lines of export" \
    "$("$STACML" --db "$GDB" export --format jsonl | jq -r .id | sort | tr '\n' ' ')" \
    "$("$STACML" --db "$GDB" export | jq -r .id | sort | tr '\n' ' ')"
check_eq "export --format table refused" "$(status "$STACML" --db "$GDB" export --format table)" 2
check "export --format table: says why" grep -q "export writes JSON lines" "$T/e"

# libcurl is loaded on first use: one that cannot be is an internal
# failure (70), named, not a crash nor the "some documents failed" of 1.
if command -v "${CC:-cc}" >/dev/null; then
    mkdir -p "$T/nocurl"
    echo 'int not_curl(void) { return 0; }' >"$T/nocurl/x.c"
    "${CC:-cc}" -shared -fPIC -o "$T/nocurl/libcurl.so.4" "$T/nocurl/x.c"
    check_eq "a libcurl without its functions: exit 70" \
        "$(LD_LIBRARY_PATH="$T/nocurl" status "$STACML" --db "$T/nocurl/db" harvest "$top_srcdir/seeds/examples/catalog.json")" 70
    check "a libcurl without its functions: named" \
        grep -q "^stacml: fatal: cannot load libcurl: curl_.* not found" "$T/e"
fi

e2e_finish
