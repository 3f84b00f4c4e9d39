#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-machine.sh
swift build --build-tests
swift test --skip-build --parallel
