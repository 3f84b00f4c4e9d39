#!/bin/sh
# Post-deploy smoke test: restart the services, then wait until what must run runs.
#   deploy/smoke.sh [CONTRACT] [TIMEOUT]
# Exit 0 when the smoke contract holds within TIMEOUT (default 120s), else hostcontract's own
# status (1 violated, 3 not verified), with the last report on standard output.
set -eu
contract=${1:-/etc/hostcontract/lx-annotate-smoke.toml}
timeout=${2:-120s}
systemctl restart lx-annotate.service lx-annotate-watcher.service
exec hostcontract check "$contract" --retry-timeout "$timeout" --sleep 2s
