#!/usr/bin/env bash
# Installs what hostcontract builds and tests with, on this machine kind or a stock Debian 12:
# the C libraries it uses (libacl, libsystemd, libcryptsetup, libcurl, OpenSSL), the tools its tests
# start, and the Python test tools in a virtual environment (.venv: Debian's python3 refuses
# `pip install` into the system under PEP 668). scripts/test.sh puts .venv/bin first on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(pkg-config libacl1-dev libsystemd-dev libcryptsetup-dev libcurl4-openssl-dev libssl-dev libpcre2-dev acl util-linux mount systemd
          python3-minimal python3-venv findutils nginx openssl cryptsetup-bin prometheus
          dpkg-dev binutils lintian mandoc debootstrap openssh-client systemd-container iproute2)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    # nginx's and prometheus's package scripts would start their servers: a policy-rc.d that
    # refuses every start keeps them stopped during the install (the tests start their own).
    placed_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d > /dev/null
        $sudo chmod 0755 /usr/sbin/policy-rc.d
        placed_policy=yes
    fi
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
    [ -z "$placed_policy" ] || $sudo rm -f /usr/sbin/policy-rc.d
fi
# From PyPI, in .venv: crossplane, the reference nginx parser the tests compare against;
# junitparser and sarif-tools, the independent readers of the JUnit and SARIF reports;
# ansible-core for the fleet playbooks.
if [ ! -x .venv/bin/python3 ]; then
    python3 -m venv .venv
fi
.venv/bin/python3 -c 'import crossplane, junitparser, sarif, ansible, packaging; assert int(packaging.__version__.split(".")[0]) >= 26' 2>/dev/null ||
    .venv/bin/python3 -m pip install -q --disable-pip-version-check crossplane junitparser sarif-tools ansible-core 'packaging>=26'
