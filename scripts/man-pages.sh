#!/usr/bin/env bash
# Installs hostcontract's manual pages into OUTDIR, as a package ships them:
#   OUTDIR/man1/hostcontract.1.gz, hostcontract-lint.1.gz, -check, -provision, -tmpfiles, -gate, -capture
#   OUTDIR/man5/hostcontract.toml.5.gz
#
#   scripts/man-pages.sh OUTDIR
#
# The command pages come from swift-argument-parser's generate-manual (mdoc(7)), one page per
# subcommand. It names them after the command path (hostcontract.check.1, NAME "hostcontract
# check", SEE ALSO hostcontract.check(1)); here they become the pages that are installed:
# hostcontract-check.1 with NAME hostcontract-check (the synopsis still reads "hostcontract
# check"), every reference rewritten, a SEE ALSO on every page that names hostcontract(1) or the
# subcommands and hostcontract.toml(5). The generated `help` subcommand gets no page. A few
# style warnings of the generator that mandoc reports are fixed by rewrites that do not change
# the rendered text (see tidy below). Pages are compressed with gzip -9n (Debian policy:
# reproducible, no name or time stamp in the header).
#
# Generation, one of:
#   (default)          swift package generate-manual --multi-page: the plugin builds the package
#                      (SWIFT_CONFIGURATION, default release, as the plugin) and documents it.
#   HOSTCONTRACT=BIN   document this built binary instead, with the generate-manual tool
#                      (GENERATE_MANUAL=TOOL, or built with swift build --product generate-manual):
#                      no second build of a binary that was just built with other flags, and
#                      no SwiftPM at all when both are given (from inside swift test, which
#                      holds the lock on .build).
# The date printed in the pages is SOURCE_DATE_EPOCH's, or the last commit's.
#
# Checks, failing the script: every page exists, every reference to a hostcontract page (SEE
# ALSO and body) names a page installed in OUTDIR, every command page's SEE ALSO names
# hostcontract.toml(5), and, where mandoc is installed, mandoc -Tlint reports no error
# (warnings are printed).
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C
out=${1:?usage: scripts/man-pages.sh OUTDIR}
package=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/generated" "$work/pages"

if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
    date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
else
    date=$(git -C "$package" log -1 --format=%cd --date=format:%Y-%m-%d 2>/dev/null || date -u +%Y-%m-%d)
fi

# 1. Generate: hostcontract.1, hostcontract.SUB.1 (mdoc).
if [ -n "${HOSTCONTRACT:-}" ]; then
    tool=${GENERATE_MANUAL:-}
    if [ -z "$tool" ]; then
        swift build --product generate-manual >&2
        tool=$(swift build --show-bin-path)/generate-manual
    fi
    "$tool" "$HOSTCONTRACT" --multi-page --date "$date" --output-directory "$work/generated" >&2
else
    swift package generate-manual --multi-page --configuration "${SWIFT_CONFIGURATION:-release}" --date "$date" >&2
    cp .build/plugins/GenerateManual/outputs/hostcontract/hostcontract*.1 "$work/generated/"
fi
[ -s "$work/generated/hostcontract.1" ] || { echo "man-pages.sh: generate-manual wrote no hostcontract.1" >&2; exit 1; }

# The command pages: the root page and, recursively, the subcommands its SEE ALSO lists (the
# plugin's output directory may hold pages of commands that no longer exist), without `help`.
subcommands() {
    sed -n '/^\.Sh "SEE ALSO"$/,/^\.Sh /s/^\.Xr \(hostcontract\.[^ ]*\) 1.*/\1/p' "$work/generated/$1.1" |
        grep -v '^hostcontract\(\.[^.]*\)*\.help$' || true
}
commands=(hostcontract)
for ((i = 0; i < ${#commands[@]}; i++)); do
    while read -r sub; do
        [ -n "$sub" ] || continue
        [ -s "$work/generated/$sub.1" ] || { echo "man-pages.sh: no page for $sub" >&2; exit 1; }
        commands+=("$sub")
    done < <(subcommands "${commands[i]}")
done

installed_name() { echo "${1//./-}"; }   # hostcontract.check -> hostcontract-check

# Removes mandoc's complaints about the generator's output without changing the rendered page:
# - a trailing period of .Nd (mdoc adds none; mandoc: "trailing delimiter"),
# - the quotes around .Nd's text, which man-db's whatis(1) would show, unless a word of it could
#   be taken for an mdoc macro (No, Ar, Pa...),
# - .Pp right before .It or .El (mdoc drops it; written for an option whose values have no
#   descriptions, so nothing follows it),
# - text lines over 80 bytes are broken at a space (a line break is a space in filled text),
# - a new sentence within a text line starts a new line (roff then spaces it as a sentence),
# - a piece that would begin with . or ' is protected with \&.
# Literal displays (.Bd -literal/-unfilled) are left as they are.
tidy() {
    sed -e '/^\.Bd -\(literal\|unfilled\)/,/^\.Ed/b' \
        -e 's/^\(\.Nd ".*\)\."$/\1"/' \
        -e '/^\.Nd "[^"]*"$/{/[" ][A-Z][a-z]\{1,2\}[ "]/!s/^\.Nd "\(.*\)"$/.Nd \1/;}' \
        -e '/^\.Pp$/{$!N;s/^\.Pp\n\(\.It\|\.El\)/\1/;P;D}' \
        -e "/^[.']/b" \
        -e ':wrap' \
        -e '/[^\n]\{81,\}$/{s/\(^\|\n\)\([^\n]\{0,79\}[^\n\\ ]\) \{1,\}\([^\n]\{1,\}\)$/\1\2\n\3/;twrap' -e '}' \
        -e 's/\([a-z0-9)]\)\([.?!]\) \{1,\}\([A-Z]\)/\1\2\n\3/g' \
        -e "s/\n\([.']\)/\n\\\\\&\1/g"
}

# 2. Rename and cross-reference.
references() { # the installed pages a page refers to: NAME SECTION per line
    zcat -f "$1" | sed -e 's/\\%//g; s/\\&//g; s/\\-/-/g; s/\\f[BIRP]//g' | sed -n \
        -e 's/^\.Xr \([^ ]*\) \([1-9]\).*/\1 \2/p' \
        -e 's/^\.[BIR][BIR] \([^ ]*\) (\([1-9]\)).*/\1 \2/p' \
        -e 's/.*\(hostcontract[a-z0-9.-]*\)(\([1-9]\)).*/\1 \2/p' | sort -u
}
for command in "${commands[@]}"; do
    # The new SEE ALSO is appended: it must stay the last section.
    if grep -q '^\.Sh AUTHORS' "$work/generated/$command.1"; then
        echo "man-pages.sh: $command.1 has an AUTHORS section; SEE ALSO would follow it" >&2
        exit 1
    fi
    name=$(installed_name "$command")
    words=${command//./ }
    {
        if [ "$command" = hostcontract ]; then
            see=()
            for sub in "${commands[@]:1}"; do see+=("$(installed_name "$sub") 1"); done
        else
            see=("hostcontract 1")
        fi
        see+=("hostcontract.toml 5")
        sed -e "s/^\.Dt [^ ]* \([1-9]\)$/.Dt ${name^^} \1/" \
            -e "/^\.Sh NAME$/,/^\.Sh /s/^\.Nm \"$words\"$/.Nm $name/" \
            -e "/^\.Sh SYNOPSIS$/,/^\.Sh /s/^\.Nm$/.Nm $words/" \
            -e 's/^\(\.Xr hostcontract\)\.\([^ ]*\)/\1-\2/' \
            -e ':xr' -e 's/^\(\.Xr hostcontract-[^ .]*\)\./\1-/' -e 'txr' \
            -e '/^\.Sh "SEE ALSO"$/,/^\.Sh /{/^\.Sh "SEE ALSO"$/d;/^\.Sh /!d;}' \
            -e '$a\' \
            "$work/generated/$command.1" | tidy
        echo '.Sh "SEE ALSO"'
        for ((i = 0; i < ${#see[@]}; i++)); do
            if ((i < ${#see[@]} - 1)); then echo ".Xr ${see[i]} ,"; else echo ".Xr ${see[i]}"; fi
        done
    } > "$work/pages/$name.1"
done
cp man/hostcontract.toml.5 "$work/pages/hostcontract.toml.5"

# 3. Lint, in the directory of the pages: mandoc looks for the page an .Xr names there too
#    (besides /usr/share/man), so "referenced manual not found" means a broken reference.
status=0
if command -v mandoc > /dev/null; then
    messages=$(cd "$work/pages" && mandoc -Tlint -Wall -- * 2>&1) || true
    [ -z "$messages" ] || echo "$messages" >&2
    if echo "$messages" | grep -q ': \(ERROR\|UNSUPP\|BADARG\|SYSERR\): '; then status=1; fi
else
    echo "man-pages.sh: mandoc is not installed; pages not linted" >&2
fi
[ "$status" = 0 ] || { echo "man-pages.sh: mandoc reports errors" >&2; exit 1; }

# 4. Install, compressed.
mkdir -p "$out/man1" "$out/man5"
for page in "$work"/pages/*.1; do
    gzip -9n < "$page" > "$out/man1/$(basename "$page").gz"
    chmod 0644 "$out/man1/$(basename "$page").gz"
done
gzip -9n < "$work/pages/hostcontract.toml.5" > "$out/man5/hostcontract.toml.5.gz"
chmod 0644 "$out/man5/hostcontract.toml.5.gz"

# 5. Every page is there and every reference to a hostcontract page resolves in OUTDIR; every
#    command page's SEE ALSO names the contract format.
for name in hostcontract hostcontract-lint hostcontract-check hostcontract-provision hostcontract-tmpfiles hostcontract-gate hostcontract-capture; do
    [ -s "$out/man1/$name.1.gz" ] || { echo "man-pages.sh: $out/man1/$name.1.gz is missing" >&2; status=1; }
done
for page in "$out"/man1/hostcontract*.1.gz "$out"/man5/hostcontract*.5.gz; do
    while read -r name section; do
        case $name in
        hostcontract*)
            [ -s "$out/man$section/$name.$section.gz" ] || {
                echo "man-pages.sh: $(basename "$page") refers to $name($section), which is not in $out" >&2
                status=1
            } ;;
        esac
    done < <(references "$page")
    case $page in
    */man1/*)
        zcat "$page" | sed -n '/^\.Sh "SEE ALSO"$/,$p' | grep -q '^\.Xr hostcontract\.toml 5' || {
            echo "man-pages.sh: $(basename "$page") has no hostcontract.toml(5) in SEE ALSO" >&2
            status=1
        } ;;
    esac
done
[ "$status" = 0 ] || exit 1
echo "man-pages.sh: installed $(find "$out/man1" "$out/man5" -name 'hostcontract*.gz' | wc -l) pages in $out" >&2
