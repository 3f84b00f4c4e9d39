#!/usr/bin/env bash
# The tmpfiles.d recipe: writes the contract's tree as /etc/tmpfiles.d/NAME.conf and applies it.
# Lines systemd-tmpfiles would refuse (unsafe path transitions) are left out with the reason;
# the provisioning unit handles those paths.
#   deploy/install-tmpfiles.sh CONTRACT NAME
set -euo pipefail
contract=${1:?usage: install-tmpfiles.sh CONTRACT NAME}
name=${2:?usage: install-tmpfiles.sh CONTRACT NAME}
hostcontract=${HOSTCONTRACT:-hostcontract}
target=/etc/tmpfiles.d/$name.conf
"$hostcontract" tmpfiles "$contract" > "$target.tmp"
mv "$target.tmp" "$target"
systemd-tmpfiles --create "$target"
echo "installed $target"
