#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test.
#
# Besides the debug build the suites run, this builds the Debian package (release binary,
# static Swift runtime) and a minimal Debian 12 root without Swift, and hands both to the
# tests that install the package there (HOSTCONTRACT_DEB, HOSTCONTRACT_DEBIAN_ROOT).
# HOSTCONTRACT_SKIP_PACKAGE=1 skips those two steps (and so those tests) for a quick run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-machine.sh
export PATH="$PWD/.venv/bin:$PATH"
swift build --build-tests
# The man pages as the package installs them, for ManPageTests (swift test holds .build's lock,
# so the test cannot generate them itself).
export HOSTCONTRACT_MAN_DIR=$PWD/.build/test-man
rm -rf "$HOSTCONTRACT_MAN_DIR"
HOSTCONTRACT=.build/debug/hostcontract bash scripts/man-pages.sh "$HOSTCONTRACT_MAN_DIR" > /dev/null
if [ "${HOSTCONTRACT_SKIP_PACKAGE:-}" != 1 ]; then
    # The root is made once per machine and reused (the tests only ever mount overlays on it).
    export HOSTCONTRACT_DEBIAN_ROOT=${HOSTCONTRACT_DEBIAN_ROOT:-/var/tmp/hostcontract-debian-root}
    bash scripts/debian-root.sh "$HOSTCONTRACT_DEBIAN_ROOT" &
    root_job=$!
    HOSTCONTRACT_DEB=$(bash scripts/package-deb.sh | tail -n 1)
    export HOSTCONTRACT_DEB
    wait "$root_job"
fi
swift test --skip-build --parallel
