#!/usr/bin/env bash
# The tmpfiles.d recipe: writes the contract's tree as /etc/tmpfiles.d/NAME.conf and applies it.
#   deploy/install-tmpfiles.sh CONTRACT NAME
# ROOT=DIR applies it to an image root instead of / (systemd-tmpfiles --root); ENV_FILE=FILE
# reads the environment under contract from FILE (hostcontract tmpfiles --env-file);
# TMPFILES_D=DIR writes the fragment elsewhere than /etc/tmpfiles.d.
#
# systemd-tmpfiles never resolves a path from a directory owned by an unprivileged user into one
# owned by someone else (an "unsafe path transition", its guard against CVE-2018-6954), and
# `hostcontract provision`, which works on descriptors, does what that rule forbids:
# - a path declared for another owner inside a directory owned by the service (lx-annotate's
#   root-owned .env.systemd) is left out of the fragment, commented with the reason;
# - a mount point inside a directory owned by the service (the encrypted data root inside
#   /var/lib/lx-annotate) is unreachable while its volume is fresh, because a new filesystem's
#   root belongs to root: systemd-tmpfiles cannot give it its owner, nor create anything below
#   it, on any run (without help it exits 73 every time). Those lines carry the '-' modifier, so
#   their failure does not fail the run, and the provisioning unit (lx-annotate-provision.service,
#   ordered after the mount) gives the volume's root its owner and builds the tree at boot; from
#   then on those lines apply too.
set -euo pipefail
contract=${1:?usage: install-tmpfiles.sh CONTRACT NAME}
name=${2:?usage: install-tmpfiles.sh CONTRACT NAME}
hostcontract=${HOSTCONTRACT:-hostcontract}
root=${ROOT:-/}
target=${TMPFILES_D:-/etc/tmpfiles.d}/$name.conf
"$hostcontract" tmpfiles "$contract" ${ENV_FILE:+--env-file "$ENV_FILE"} > "$target.tmp"
mv "$target.tmp" "$target"
systemd-tmpfiles --create --root="$root" "$target"
echo "installed $target"
if grep -qE '^[a-zA-Z]\+?!?-' "$target"; then
    root_option=""
    [ "$root" = / ] || root_option=" --root $root"
    echo "note: lines below a mount point apply only once the volume mounted there has its owner;"
    echo "      on a freshly mounted volume run: hostcontract provision $contract$root_option"
    echo "      (at boot the provisioning unit does it)"
fi
