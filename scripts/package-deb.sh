#!/usr/bin/env bash
# Builds the Debian package: hostcontract_VERSION_ARCH.deb in OUTDIR (default .build/deb), and
# prints its path as the last line.
#
#   scripts/package-deb.sh [OUTDIR]
#
# The binary is a release build with the Swift standard library and Foundation linked
# statically and stripped, so it runs on a Debian server without Swift; its remaining dynamic
# dependencies (libc, libacl, PCRE2) become Depends: through dpkg-shlibdeps. libcrypto and
# libsystemd are loaded with dlopen the first time a contract needs them (keys and
# certificates; live units, the journal, NOTIFY_SOCKET), so they are named here: Depends.
# libcryptsetup and libcurl are loaded with dlopen only for [[encrypted]] and [[http]] entries:
# Recommends.
# The package is checked with lintian (when installed): an error or a warning fails the build;
# the informational tags we accept are listed below with the reason.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-.build/deb}")
version=$(tr -d ' \n' < VERSION)
arch=$(dpkg --print-architecture)
package=hostcontract
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
tree=$stage/${package}_${version}_$arch

echo "building the release binary (static Swift runtime)" >&2
# Position-independent, as Debian's hardening asks (lintian: hardening-no-pie): a tool that runs
# as root over hostile input keeps ASLR, though a non-PIE start would skip some 100,000 relative
# relocations (about 1 ms of every start).
swift build -c release --static-swift-stdlib >&2
binary=$(swift build -c release --static-swift-stdlib --show-bin-path)/hostcontract

install -d "$tree/DEBIAN" "$tree/usr/bin" "$tree/usr/share/doc/$package" "$tree/usr/share/hostcontract/systemd" \
    "$tree/usr/share/hostcontract/contracts" "$tree/usr/share/bash-completion/completions" \
    "$tree/usr/share/zsh/vendor-completions" "$tree/usr/share/fish/vendor_completions.d" \
    "$tree/usr/share/man"
install -m 0755 "$binary" "$tree/usr/bin/hostcontract"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$tree/usr/bin/hostcontract"

# Man pages: the commands' pages (from the shipped binary's own help) and hostcontract.toml(5).
HOSTCONTRACT="$tree/usr/bin/hostcontract" bash scripts/man-pages.sh "$tree/usr/share/man" >&2

# Completions, from the binary itself; they complete contract files, directories and files.
# (bash sources the script: no #! line.)
"$tree/usr/bin/hostcontract" --generate-completion-script bash | sed '1{/^#!/d}' > "$tree/usr/share/bash-completion/completions/hostcontract"
"$tree/usr/bin/hostcontract" --generate-completion-script zsh > "$tree/usr/share/zsh/vendor-completions/_hostcontract"
"$tree/usr/bin/hostcontract" --generate-completion-script fish > "$tree/usr/share/fish/vendor_completions.d/hostcontract.fish"

# The units, the tmpfiles recipe and the deploy preflight, for an operator to copy and adapt;
# the contracts written from the deployment guides as examples.
install -m 0644 deploy/systemd/*.service deploy/systemd/*.timer "$tree/usr/share/hostcontract/systemd/"
install -m 0755 deploy/install-tmpfiles.sh deploy/preflight.sh deploy/smoke.sh "$tree/usr/share/hostcontract/"
install -m 0644 contracts/*.toml "$tree/usr/share/hostcontract/contracts/"

# Documentation: copyright, changelog (a native package: changelog.gz).
cat > "$tree/usr/share/doc/$package/copyright" <<'COPYRIGHT'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: hostcontract

Files: *
Copyright: 2026 the hostcontract maintainers
License: other
 No licence has been chosen yet; all rights are reserved by the authors.
 Parts of the binary are the Swift standard library, Foundation, swift-argument-parser,
 swift-system and TOMLKit (Apache-2.0 with Runtime Library Exception, Apache-2.0 and MIT
 respectively), linked statically.
COPYRIGHT
commit=$("$tree/usr/bin/hostcontract" --version | sed -n 's/.*(commit \(.*\))/\1/p')
date=$(date -R -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)")
printf '%s (%s) unstable; urgency=medium\n\n  * Release %s, built from commit %s.\n\n -- hostcontract maintainers <maintainers@hostcontract.invalid>  %s\n' \
    "$package" "$version" "$version" "$commit" "$date" | gzip -9n > "$tree/usr/share/doc/$package/changelog.gz"

# hostcontract reads the dpkg database of the system it checks, an image root (--root) as well
# as the host, offline and without running anything of that system (dpkg-query would need the
# image's own tools): that is the purpose of [[package]], so lintian's warning about it is
# overridden, with this reason.
mkdir -p "$tree/usr/share/lintian/overrides"
cat > "$tree/usr/share/lintian/overrides/$package" <<OVERRIDES
# [[package]] reads var/lib/dpkg/status of the checked root offline, images included, by design.
$package: uses-dpkg-database-directly [usr/bin/hostcontract]
OVERRIDES
chmod 0644 "$tree/usr/share/lintian/overrides/$package"

# lintian reports no error and no warning. Its remaining informational tags, accepted:
# hardening-no-bindnow and hardening-no-fortify-functions (Swift code has no _FORTIFY_SOURCE
# calls to fortify; the relocations are read-only after start-up, RELRO), and
# spelling-error-in-binary (strings inside the statically linked ICU data, not ours).

# Depends: from the binary's real dynamic dependencies.
mkdir -p "$stage/src/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$package" "$package" > "$stage/src/debian/control"
depends=$(cd "$stage/src" && dpkg-shlibdeps -O -e "$tree/usr/bin/hostcontract" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "package-deb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
depends="$depends, libssl3 | libssl3t64, libsystemd0"

installed_size=$(du -sk --exclude=DEBIAN "$tree" | cut -f1)
cat > "$tree/DEBIAN/control" <<CONTROL
Package: $package
Version: $version
Architecture: $arch
Maintainer: hostcontract maintainers <maintainers@hostcontract.invalid>
Installed-Size: $installed_size
Depends: $depends
Recommends: libcryptsetup12, libcurl4
Suggests: nginx, systemd
Section: admin
Priority: optional
Description: check a server against its deployment contract
 hostcontract reads a TOML contract that writes down the facts a deployment
 rests on (directories and their modes, key files, users and groups, the
 environment file, nginx locations, encrypted storage) and checks a host, or an
 image root, against it, reporting every difference with the command that fixes
 it (text, JSON, JUnit, SARIF, Prometheus). It provisions the directory tree
 without following symbolic links, writes it as a tmpfiles.d fragment, and gates
 a service's start on the contract.
 .
 libcryptsetup is loaded only when a contract has [[encrypted]] entries, libcurl
 only when it has [[http]] entries.
CONTROL
find "$tree" -type d -exec chmod 0755 {} +
(cd "$tree" && find usr -type f -print0 | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
chmod 0644 "$tree/DEBIAN/md5sums"
mkdir -p "$out"
deb=$out/${package}_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$tree" "$deb" >&2

if command -v lintian > /dev/null; then
    # An error or a warning fails the build.
    lintian --fail-on error,warning "$deb" >&2
fi
echo "$deb"
