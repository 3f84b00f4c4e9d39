#!/usr/bin/env bash
# Installs the Debian packages hostcontract builds and tests with: the C libraries it links
# (libacl, libsystemd, libcryptsetup, OpenSSL) and the tools its tests start.
set -euo pipefail
packages=(pkg-config libacl1-dev libsystemd-dev libcryptsetup-dev libssl-dev acl util-linux mount systemd
          python3-minimal findutils nginx openssl cryptsetup-bin prometheus)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -q
    # policy-rc.d keeps nginx's package scripts from starting a server during the install.
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi
# From PyPI: crossplane, the reference nginx parser the tests compare against; junitparser and
# sarif-tools, the independent readers of the JUnit and SARIF reports; ansible-core for the
# fleet audit playbook.
python3 -c 'import crossplane, junitparser, sarif, ansible' 2>/dev/null ||
    python3 -m pip install -q --disable-pip-version-check crossplane junitparser sarif-tools ansible-core
