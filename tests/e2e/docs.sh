#!/bin/bash
# SPDX-License-Identifier: MIT
# The documentation names what the program does: every option that a
# command's --help shows is in the man page (as \-\-name) and the README,
# every option the man page names exists, every long option the code
# accepts is in a --help, a default that harvest --help states is the
# man page's, and every exit status of src/cli.h is in both documents.
# An option added without its documentation fails here.
. "$top_srcdir/tests/e2e/lib.sh"
MAN="$top_srcdir/docs/stacml.1"
README="$top_srcdir/README"

# "CMD --name" for every option a --help shows ("-" for the global one).
for c in - harvest search show export stats runs sources; do
    if [ "$c" = - ]; then "$STACML" --help; else "$STACML" "$c" --help; fi |
        grep -o -- '--[a-z][a-z-]*' | sort -u | sed "s/^/$c /"
done >"$T/help"
check "the --help texts name options" test "$(wc -l <"$T/help")" -ge 60

missing_man=
missing_readme=
while read -r c o; do
    grep -qF -- "$(printf '%s' "$o" | sed 's/-/\\-/g')" "$MAN" ||
        missing_man="$missing_man $c:$o"
    grep -qE -- "$o([^a-z-]|$)" "$README" || missing_readme="$missing_readme $c:$o"
done <"$T/help"
check_eq "every --help option is in docs/stacml.1" "$missing_man" ""
check_eq "every --help option is in the README" "$missing_readme" ""

unknown=
for o in $(grep -o '\\-\\-[a-z][a-z\\-]*' "$MAN" | sed 's/\\-/-/g' | sort -u); do
    grep -q " $o\$" "$T/help" || unknown="$unknown $o"
done
check_eq "every option docs/stacml.1 names exists" "$unknown" ""

# The long options of the getopt tables in the sources.
undocumented=
for o in $(grep -ho '{"[a-z][a-z-]*", *[a-z_]*_argument' "$top_srcdir"/src/*.c |
    sed 's/{"\([a-z-]*\)".*/--\1/' | sort -u); do
    grep -q " $o\$" "$T/help" || undocumented="$undocumented $o"
done
check "the sources' option tables found" \
    grep -q 'concurrency' <<<"$(grep -ho '{"[a-z-]*", *[a-z_]*_argument' "$top_srcdir"/src/*.c)"
check_eq "every option the code accepts is in a --help" "$undocumented" ""

# Defaults: "--name ... (default V" in harvest --help, one option an entry
# (its continuation lines indented), against "(V" on or after the man
# page's line for --name.
"$STACML" harvest --help | awk '
    /^  -/ { if (e != "") print e; e = $0; next }
    /^      / { e = e " " $0; next }
    { if (e != "") print e; e = "" }
    END { if (e != "") print e }' >"$T/entries"
wrong=
n=0
while read -r line; do
    o=$(grep -o -- '--[a-z][a-z-]*' <<<"$line" | head -1)
    v=$(sed -n 's/.*(default \([0-9][0-9A-Za-z]*\).*/\1/p; s/.*(surveys: \([0-9][0-9a-z]*\) by default.*/\1/p' <<<"$line" | head -1)
    [ -n "$o" ] && [ -n "$v" ] || continue
    n=$((n + 1))
    m=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
    grep -A1 -E -- "^\.B[IR]? $m( |$)" "$MAN" | grep -qE "\((surveys: )?$v[),; ]" ||
        wrong="$wrong $o=$v"
done <"$T/entries"
check "harvest --help states defaults ($n)" test "$n" -ge 15
check_eq "every default of harvest --help is the man page's" "$wrong" ""

# Exit statuses: each value of enum exit_status in both documents.
statuses=$(sed -n 's/^ *EXIT_[A-Z]* = \([0-9]*\),.*/\1/p' "$top_srcdir/src/cli.h")
check "exit statuses found in src/cli.h" test "$(wc -w <<<"$statuses")" -ge 7
no_man=
no_readme=
for s in $statuses; do
    sed -n '/^\.SH EXIT STATUS/,/^\.SH ENV/p' "$MAN" | grep -qx "\.B $s" ||
        no_man="$no_man $s"
    sed -n '/^Exit status/,/^Exported records/p' "$README" | grep -qE "^    $s +[a-z]" ||
        no_readme="$no_readme $s"
done
check_eq "every exit status is in docs/stacml.1" "$no_man" ""
check_eq "every exit status is in the README" "$no_readme" ""

e2e_finish
