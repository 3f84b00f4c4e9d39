#!/usr/bin/env bash
# Makes a minimal Debian 12 (bookworm) root without any Swift toolchain: the kind of server
# hostcontract is installed on. The tests install the package into a copy of it (an overlay),
# run hostcontract there with chroot, start an sshd in it for the fleet playbooks, and boot it
# with systemd-nspawn where a real systemd is needed.
#   scripts/debian-root.sh DIR      (about 2 minutes; a finished DIR is reused as it is)
# Needs root and debootstrap (scripts/setup-machine.sh installs it).
set -euo pipefail
root=${1:?usage: debian-root.sh DIR}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
if [ -e "$root/.hostcontract-debian-root" ]; then
    exit 0
fi
# Chosen for what the tests do in it: systemd and dbus to boot it, python3 for Ansible's
# modules, openssh-server for the fleet playbooks over SSH. No libcryptsetup: hostcontract
# loads it only for [[encrypted]] entries, and must run every other check without it.
include=systemd,systemd-sysv,dbus,python3,openssh-server,ca-certificates
rm -rf "$root.partial"
mkdir -p "$root.partial"
debootstrap --variant=minbase --include="$include" bookworm "$root.partial" "$mirror" > "$root.partial.log" 2>&1 || {
    tail -20 "$root.partial.log" >&2
    exit 1
}
rm -f "$root.partial.log"
# No Swift on this server, and nothing of the build machine's: prove it.
if find "$root.partial" -xdev \( -name 'libswiftCore.so*' -o -name 'libFoundation.so*' \) -print -quit | grep -q .; then
    echo "debian-root.sh: a Swift runtime is present in $root.partial" >&2
    exit 1
fi
# Package scripts run in the root (apt install in the tests) must not start servers.
printf '#!/bin/sh\nexit 101\n' > "$root.partial/usr/sbin/policy-rc.d"
chmod 0755 "$root.partial/usr/sbin/policy-rc.d"
apt_sources="deb $mirror bookworm main"
echo "$apt_sources" > "$root.partial/etc/apt/sources.list"
touch "$root.partial/.hostcontract-debian-root"
rm -rf "$root"
mv "$root.partial" "$root"
